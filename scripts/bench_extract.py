"""Benchmark: extraction alone on saved pages, and proof that a change left its output alone.

Runs decode + ``extract_page`` over saved pages on one core, as a column page and as a
homepage, and prints pages/s for each. ``--save FILE`` writes every page's whole extraction
(one JSON line per page and mode) with its time; ``--compare FILE`` reads such a file made
before a change and prints how many extractions differ and the time ratio. Pages: the htmldate
evaluation set (``../shared/benchmarks/htmldate-eval/pages``, when present) and the project's
fixture pages, or ``--dir DIR`` (repeatable; ``*.html``, ``*.htm``, each optionally ``.gz``).

Usage: scripts/bench-extract [--dir DIR] [--limit N] [--save FILE] [--compare FILE] [--json]
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIRS = (
    ROOT.parent / "shared" / "benchmarks" / "htmldate-eval" / "pages",
    ROOT / "tests" / "fixtures" / "pages",
)
TODAY = date(2026, 12, 7)  # fixed, so that saved outputs compare across days
MODES = ("list", "homepage")


def _pages(dirs: list[Path]) -> list[tuple[str, bytes]]:
    found = []
    for folder in dirs:
        for path in sorted(folder.rglob("*")):
            if path.name.endswith((".html.gz", ".htm.gz")):
                found.append((str(path.relative_to(folder)), gzip.decompress(path.read_bytes())))
            elif path.name.endswith((".html", ".htm")):
                found.append((str(path.relative_to(folder)), path.read_bytes()))
    return found


def _plain(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "items"):
        return {str(k): _plain(v) for k, v in dict(value).items()}  # type: ignore[call-overload]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, action="append", help="a folder of saved pages")
    parser.add_argument("--limit", type=int, help="only the first N pages")
    parser.add_argument("--save", type=Path, help="write every extraction here (JSON lines)")
    parser.add_argument("--compare", type=Path, help="compare with a file --save wrote")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    from crawler.extract import extract_page
    from crawler.fetch import decode_html

    dirs = args.dir or [d for d in DEFAULT_DIRS if d.is_dir()]
    corpus = _pages(dirs)[: args.limit]
    if not corpus:
        sys.exit(f"no saved pages under {', '.join(map(str, dirs))}")
    texts = [(name, decode_html(body, "text/html")[0]) for name, body in corpus]
    # untimed: the first pages compile the patterns (and htmldate's locale tables)
    for name, text in texts[:50]:
        extract_page(text, base_url=f"http://127.0.0.1/c/{name}", today=TODAY)
    rows = []
    seconds = dict.fromkeys(MODES, 0.0)
    for name, text in texts:
        for mode in MODES:
            started = time.perf_counter()
            result = extract_page(
                text,
                base_url=f"http://127.0.0.1/c/{name}",
                today=TODAY,
                homepage=mode == "homepage",
            )
            elapsed = time.perf_counter() - started
            seconds[mode] += elapsed
            rows.append({"page": name, "mode": mode, "s": elapsed, "out": _plain(result)})
    figures: dict[str, object] = {
        "pages": len(texts),
        "mib": round(sum(len(body) for _, body in corpus) / 2**20, 1),
        **{f"{mode}_pages_per_s": round(len(texts) / seconds[mode], 1) for mode in MODES},
    }
    if args.save:
        with args.save.open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    if args.compare:
        before = {}
        with args.compare.open(encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                before[(row["page"], row["mode"])] = row
        matched = [(row, before[(row["page"], row["mode"])]) for row in rows
                   if (row["page"], row["mode"]) in before]  # fmt: skip
        differing = [f"{row['page']} ({row['mode']})" for row, old in matched
                     if old["out"] != row["out"]]  # fmt: skip
        figures["compared"] = len(matched)
        figures["differing"] = len(differing)
        figures["differing_first"] = differing[:10]
        for mode in MODES:
            then = sum(old["s"] for row, old in matched if row["mode"] == mode)
            now = sum(row["s"] for row, _ in matched if row["mode"] == mode)
            figures[f"{mode}_speedup"] = round(then / now, 2) if now else None
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
        return
    for key, value in figures.items():
        print(f"{key:>20}: {value}")


if __name__ == "__main__":
    main()

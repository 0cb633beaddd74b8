"""The seed notice and a rendered one, section by section, for the golden test of the demo's
simulated quarter (tests/e2e/test_demo_quarter.py), and the differences docs/demo-quarter.md
lists between them.

Both notices are read into the same sections: 标题, 开头, 一(一), 一(二), 二, 三(一), 三(二), 四,
附件 (the list), and 附件1–3 (their titles, notes and tables). A prose section is its heading
and its paragraphs, one per line, with full-width ，：；（） (the seed is set with half-width
ones, the report in the 公文's full-width: ``normal``); a table's rows follow, their cells as
written, joined by `` ｜ `` (``CELL``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "fixtures" / "notice" / "2022Q2.txt"
DOCS = ROOT / "docs" / "demo-quarter.md"

CELL = " ｜ "
PROSE = ("标题", "开头", "一(一)", "一(二)", "二", "三(一)", "三(二)", "四", "附件")
TABLES = ("附件1", "附件2", "附件3")

_HALF_TO_FULL = str.maketrans({",": "，", ":": "：", ";": "；", "(": "（", ")": "）"})
_HEADING = re.compile(r"^([一二三四])、")
_LEAD = re.compile(r"^[（(]([一二三])[）)]")
_ATTACHMENT = re.compile(r"^(?:## )?附件([123])[:：]\s*(.*)$")
_LISTED = re.compile(r"^([123])\.\s*(.+)$")


def normal(text: str) -> str:
    """``text`` with half-width ,:;() as the full-width ，：；（） the report's own text uses."""
    return text.translate(_HALF_TO_FULL)


@dataclass
class Notice:
    prose: dict[str, list[str]] = field(default_factory=dict)  # section → lines
    tables: dict[str, list[list[str]]] = field(default_factory=dict)  # 附件N → rows (header too)

    def text(self, section: str) -> str:
        return "\n".join(self.prose.get(section, []))


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def read_notice(text: str) -> Notice:
    """The sections of a notice: the seed's text, or ``crawl report``'s Markdown."""
    notice = Notice()
    section = "开头"
    heading = ""
    for raw in text.splitlines():
        line = raw.strip().replace("**", "")
        if not line or re.fullmatch(r"\|?[-| ]+\|?", line):
            continue  # blank lines, Markdown's table rule
        if line.startswith("# "):
            notice.prose.setdefault("标题", []).append(line[2:])
            continue
        line = line.removeprefix("## ")
        if attachment := _ATTACHMENT.match(line):
            section = f"附件{attachment.group(1)}"
            notice.prose.setdefault(section, []).append(f"附件{attachment.group(1)}：")
            if attachment.group(2):
                notice.prose[section].append(attachment.group(2))
            continue
        if line in ("附件:", "附件："):
            section = "附件"
            notice.prose.setdefault(section, []).append("附件：")
            continue
        if section in TABLES:
            if "|" in line:
                cells = _cells(line)
                notice.tables.setdefault(section, []).append(cells)
                notice.prose[section].append(CELL.join(cells))  # as written: not normalised
            else:
                notice.prose[section].append(normal(line))
            continue
        if section == "附件" and (listed := _LISTED.match(line)):
            notice.prose[section].append(f"{listed.group(1)}.{listed.group(2)}")
            continue
        if match := _HEADING.match(line):
            heading = match.group(1)
            section = heading if heading in ("二", "四") else f"{heading}(一)"
        elif (lead := _LEAD.match(line)) and heading in ("一", "三"):
            section = f"{heading}({lead.group(1)})"
        notice.prose.setdefault(section, []).append(normal(line))
    return notice


def seed_notice() -> Notice:
    return read_notice(SEED.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Difference:
    """A row of docs/demo-quarter.md's table: in ``section``, ``seed`` reads ``demo``."""

    section: str
    seed: str
    demo: str
    why: str


_ROW = re.compile(r"^\|\s*([^|]+?)\s*\|\s*(.*?)\s*\|\s*(.*?)\s*\|\s*(.+?)\s*\|$")


def _fragment(cell: str) -> str:
    """A cell's text: in backticks, or — for nothing."""
    if cell in ("—", ""):
        return ""
    if not (cell.startswith("`") and cell.endswith("`")):
        raise ValueError(f"docs/demo-quarter.md: {cell!r} is not in backticks (or —)")
    return cell[1:-1].replace("\\n", "\n")


def documented_differences() -> list[Difference]:
    """The table under "## Where the notice differs from the seed" in docs/demo-quarter.md."""
    lines = DOCS.read_text(encoding="utf-8").splitlines()
    start = lines.index("## Where the notice differs from the seed")
    rows: list[Difference] = []
    for line in lines[start + 1 :]:
        if line.startswith("## "):
            break
        match = _ROW.match(line.strip())
        if match is None or match.group(1) in ("section", "---"):
            continue
        section, seed, demo, why = match.groups()
        rows.append(Difference(section, _fragment(seed), _fragment(demo), why))
    return rows


def apply(text: str, differences: list[Difference]) -> str:
    """``text`` with each difference's seed fragment (found exactly once) replaced by the demo's;
    an empty seed fragment is the whole section (one the demo writes entirely otherwise)."""
    for difference in differences:
        if not difference.seed:
            text = difference.demo
            continue
        count = text.count(difference.seed)
        if count != 1:
            raise AssertionError(
                f"{difference.section}: the seed fragment {difference.seed!r} occurs {count} "
                "times, not once"
            )
        text = text.replace(difference.seed, difference.demo)
    return text

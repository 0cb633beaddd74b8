"""One-line summaries of results for the operators' logs: the few figures a person watching
the scheduler or a worker wants (run id, status, duration, pages by outcome, findings), never
the repr of a report, a list of results or a dict, and short (under ~200 characters)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crawler.sites.runner import CrawlReport

__all__ = ["MAX_LINE_CHARS", "counts_line", "result_line", "run_line"]

MAX_LINE_CHARS = 200


def counts_line(counts: Mapping[str, int]) -> str:
    """``ok 3021, timeout 52, blocked 27``: the largest first; ``none`` when empty."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{key} {count}" for key, count in ranked) or "none"


def run_line(report: CrawlReport) -> str:
    """``run 12 completed in 84.3 s: 310 pages (ok 302, timeout 8), 0 accounts, 4 findings``."""
    elapsed_s = (report.finished_at - report.started_at).total_seconds()
    pages = sum(report.outcomes.values())
    return (
        f"run {report.run_id} {report.status} in {elapsed_s:.1f} s: {pages} pages "
        f"({counts_line(report.outcomes)}), {len(report.accounts)} accounts, "
        f"{len(report.findings)} findings"
    )


def result_line(result: object) -> str:
    """What a periodic job returned, in a line: a line as it is; counts as ``counts_line``;
    a collection of results as their number and outcomes (``40 results: ok 38, timeout 2``);
    anything else as its repr, cut at ``MAX_LINE_CHARS``."""
    if isinstance(result, str):
        line = result
    elif isinstance(result, Mapping) and all(isinstance(v, int) for v in result.values()):
        line = counts_line({str(key): count for key, count in result.items()})
    elif isinstance(result, Collection):
        outcomes = Counter(str(getattr(item, "outcome", "")) for item in result)
        outcomes.pop("", None)
        line = f"{len(result)} results"
        line += f": {counts_line(outcomes)}" if outcomes else ""
    else:
        line = repr(result)
    return line if len(line) <= MAX_LINE_CHARS else line[: MAX_LINE_CHARS - 1] + "…"

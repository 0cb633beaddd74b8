"""Helpers for the scheduler tests: pages on the loopback site and a targets file for it."""

from __future__ import annotations

from pathlib import Path

from rules.model import local_date, utc_now
from tests.support.loopsite import Site, list_page

HTML = "text/html; charset=utf-8"


def serve_columns(site: Site, columns: int, *, delay_s: float = 0.0) -> None:
    """A homepage and ``columns`` list pages of today's news, each answering after ``delay_s``."""
    today = local_date(utc_now()).isoformat()
    rows = [(f"关于开展第{i}次专项检查工作的通知", today) for i in range(5)]
    site.pages = {f"/c{i}/": (200, HTML, list_page(rows)) for i in range(columns)}
    site.pages["/"] = (200, HTML, list_page(rows))
    if delay_s:
        site.delay_s = dict.fromkeys(site.pages, delay_s)


def write_targets(path: Path, site: Site, columns: int) -> Path:
    lines = [
        "sites:",
        "  - id: loop",
        "    name: 环回测试局",
        f"    homepage: {site.url('/')}",
        "    columns:",
    ]
    lines += [
        f"      - {{name: 栏目{i}, url: '{site.url(f'/c{i}/')}', category: news}}"
        for i in range(columns)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path

"""``crawl probe``'s output: a round of homepage probes with each site's availability so far,
as a table or as JSON."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.table import Table

from crawler.sites.availability import SiteProbe
from crawler.sites.probes import ProbeResult
from rules.model import SHANGHAI

__all__ = ["print_probes", "probes_to_dict"]


def _verdict_label(probe: ProbeResult) -> str:
    if probe.ok is True:
        return "正常"
    if probe.ok is False:
        return f"失败({probe.outcome.label})"
    return f"无法判断({probe.outcome.label})"


def probes_to_dict(
    checked_at: datetime, limit_s: float, rows: Sequence[SiteProbe]
) -> dict[str, Any]:
    """The document of ``crawl probe --json``."""
    return {
        "checked_at": checked_at.isoformat(),
        "limit_s": limit_s,
        "sites": [
            {
                "id": row.site.id,
                "name": row.site.name,
                "url": row.probe.url,
                "probed_at": row.probe.probed_at.isoformat(),
                "ok": row.probe.ok,
                "outcome": row.probe.outcome.value,
                "status": row.probe.status,
                "latency_s": row.probe.latency_s,
                "detail": row.probe.detail,
                "availability": row.availability.as_dict(),
            }
            for row in rows
        ],
    }


def print_probes(console: Console, checked_at: datetime, rows: Sequence[SiteProbe]) -> None:
    """One line per site: this probe, its status and time, and the availability so far."""
    table = Table(
        title=f"首页可用性监测 {checked_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}",
        title_justify="left",
    )
    for header in ("网站", "本次", "状态码", "耗时", "可用性"):
        table.add_column(header)
    for row in rows:
        probe = row.probe
        table.add_row(
            f"{row.site.name} ({row.site.id})",
            _verdict_label(probe),
            str(probe.status) if probe.status is not None else "—",
            f"{probe.latency_s:.2f}s" if probe.latency_s is not None else "—",
            row.availability.text,
        )
    console.print(table)

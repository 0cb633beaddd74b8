"""``crawl ipv6``'s output: each site's IPv6 check with its findings, and the 总体情况 line,
as a table or as JSON."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.table import Table

from rules.ipv6 import Ipv6Check, Ipv6Summary, ipv6_findings
from rules.model import SHANGHAI, Site

__all__ = ["ipv6_to_dict", "print_ipv6"]


def ipv6_to_dict(
    checked_at: datetime, sites: Sequence[Site], checks: Sequence[Ipv6Check], summary: Ipv6Summary
) -> dict[str, Any]:
    """The document of ``crawl ipv6 --json``; ``checks`` in the order of ``sites``."""
    return {
        "checked_at": checked_at.isoformat(),
        "summary": summary.as_dict(),
        "sites": [
            {
                "id": site.id,
                "name": site.name,
                "url": check.url,
                "host": check.host,
                "checked_at": check.checked_at.isoformat(),
                "outcome": check.outcome.value,
                "label": check.outcome.label,
                "done": check.outcome.done,
                "aaaa": check.aaaa,
                "addresses": list(check.addresses),
                "status": check.status,
                "detail": check.detail,
                "findings": [
                    {
                        "code": finding.code,
                        "severity": finding.severity.value,
                        "message": finding.message,
                        "evidence": finding.evidence.as_dict(),
                    }
                    for finding in ipv6_findings(site, check)
                ],
            }
            for site, check in zip(sites, checks, strict=True)
        ],
    }


def print_ipv6(
    console: Console,
    checked_at: datetime,
    sites: Sequence[Site],
    checks: Sequence[Ipv6Check],
    summary: Ipv6Summary,
) -> None:
    """One line per site (outcome, AAAA addresses, status, finding), then the summary line."""
    table = Table(
        title=f"IPv6支持情况检测 {checked_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}",
        title_justify="left",
    )
    for header in ("网站", "结果", "AAAA记录", "状态码", "发现", "说明"):
        table.add_column(header)
    for site, check in zip(sites, checks, strict=True):
        findings = ipv6_findings(site, check)
        table.add_row(
            f"{site.name} ({site.id})",
            check.outcome.label,
            ", ".join(check.addresses) or ("无" if check.aaaa is False else "—"),
            str(check.status) if check.status is not None else "—",
            "、".join(finding.message for finding in findings) or "—",
            check.detail or "",
        )
    console.print(table)
    console.print(summary.text)

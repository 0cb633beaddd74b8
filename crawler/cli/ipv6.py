"""``crawl ipv6``: check now whether each site's homepage is reachable over IPv6, and store it.

Each site's homepage host is looked up for an AAAA record and the homepage fetched over IPv6
(``crawler.sites.ipv6``); every check is stored. Per site: the outcome, the AAAA addresses, the
HTTP status over IPv6 and, when the check shows the site without IPv6, the finding
未完成IPv6改造 (advisory). Then the 总体情况 line: "N个政府网站已全部完成IPv6升级改造" or
what is known short of it. Exit 0 whatever the checks showed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from crawler.cli.runtime import configure_logging, guard, run_async, stdout_console, targets_option
from crawler.config import open_database
from crawler.sites.ipv6 import Ipv6Settings, check_sites_ipv6, parse_nameserver
from crawler.targets import load_targets
from rules.ipv6 import Ipv6Check, Ipv6Summary, ipv6_findings, ipv6_summary
from rules.model import SHANGHAI, Site, utc_now

__all__ = ["ipv6", "nameserver_option"]


def _nameservers(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> tuple[tuple[str, int], ...]:
    servers = []
    for value in values:
        for part in value.replace(",", " ").split():
            try:
                servers.append(parse_nameserver(part))
            except ValueError as exc:
                raise click.BadParameter(str(exc), ctx=ctx, param=param) from None
    return tuple(servers)


async def _check_round(
    sites: Sequence[Site], *, db: str | None, settings: Ipv6Settings
) -> tuple[datetime, list[Ipv6Check]]:
    started = utc_now()
    engine = await open_database(db)
    try:
        checks = await check_sites_ipv6(sites, settings=settings, engine=engine, now=started)
    finally:
        await engine.dispose()
    return started, checks


def _to_dict(
    checked_at: datetime, sites: Sequence[Site], checks: Sequence[Ipv6Check], summary: Ipv6Summary
) -> dict[str, Any]:
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


def _print(
    console: Console,
    checked_at: datetime,
    sites: Sequence[Site],
    checks: Sequence[Ipv6Check],
    summary: Ipv6Summary,
) -> None:
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


nameserver_option = click.option(
    "--nameserver",
    "nameservers",
    multiple=True,
    callback=_nameservers,
    envvar="XUNJIAN_NAMESERVERS",
    metavar="ADDR[:PORT]",
    help="Name server for the AAAA lookups (repeatable; [IPV6]:PORT for an IPv6 server with "
    "a port). Default: the system's (/etc/resolv.conf). Env: XUNJIAN_NAMESERVERS.",
)


@click.command("ipv6")
@targets_option
@click.option(
    "--site", "site_ids", multiple=True, metavar="ID", help="Only this site (repeatable)."
)
@click.option(
    "--db", envvar="XUNJIAN_DATABASE_URL", metavar="URL", help="Database (see crawl --help)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON on stdout.")
@nameserver_option
@click.option(
    "--dns-timeout",
    "dns_timeout_s",
    type=click.FloatRange(0.1, 60),
    default=5.0,
    show_default=True,
    metavar="SECONDS",
    help="Limit of one AAAA lookup; a lookup that times out is our side's failure, not the "
    "site's (no finding).",
)
@click.option(
    "--user-agent",
    envvar="XUNJIAN_USER_AGENT",
    help="User-Agent header sent with every request. Env: XUNJIAN_USER_AGENT.",
)
@click.option("-v", "--verbose", count=True, help="Log to stderr: -v one line per check.")
def ipv6(
    targets_path: Path,
    site_ids: tuple[str, ...],
    db: str | None,
    as_json: bool,
    nameservers: tuple[tuple[str, int], ...],
    dns_timeout_s: float,
    user_agent: str | None,
    verbose: int,
) -> None:
    """Check now whether each homepage supports IPv6 (an AAAA record, and the homepage
    loading over IPv6), store the checks, and print them with the finding 未完成IPv6改造 and
    the line "N个政府网站已全部完成IPv6升级改造". A lookup that fails on our side, a blocked
    fetch or a homepage addressed by an IPv4 literal is shown, never a finding.

    \b
    Examples:
      crawl ipv6                           every site in ./targets.yaml
      crawl ipv6 --site jyty --json        one site, as JSON
      crawl ipv6 --nameserver 223.5.5.5    look names up at this server
    See docs/site-health.md.
    """
    configure_logging(verbose)

    def body() -> None:
        targets = load_targets(targets_path)
        sites = targets.select(site_ids)
        defaults = Ipv6Settings()
        settings = Ipv6Settings(
            nameservers=nameservers,
            dns_timeout_s=dns_timeout_s,
            fetch=replace(defaults.fetch, user_agent=user_agent) if user_agent else defaults.fetch,
        )
        checked_at, checks = run_async(_check_round(sites, db=db, settings=settings))
        summary = ipv6_summary([site.id for site in sites], {c.site_id: c for c in checks})
        if as_json:
            document = _to_dict(checked_at, sites, checks, summary)
            click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        else:
            _print(stdout_console(), checked_at, sites, checks, summary)

    guard(body)

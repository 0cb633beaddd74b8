"""``crawl ipv6``: check now whether each site's homepage is reachable over IPv6, and store it.

Each site's homepage host is looked up for an AAAA record and the homepage fetched over IPv6
(``crawler.sites.ipv6``); every check is stored. Per site: the outcome, the AAAA addresses, the
HTTP status over IPv6 and, when the check shows the site without IPv6, the finding
未完成IPv6改造 (advisory). Then the 总体情况 line: "N个政府网站已全部完成IPv6升级改造" or
what is known short of it. Exit 0 whatever the checks showed.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import click

from crawler.cli.options import (
    db_option,
    json_option,
    logging_options,
    nameserver_option,
    targets_option,
)
from crawler.cli.runtime import configure_logging, guard, run_async, stdout_console

# nameserver_option is declared in crawler.cli.options; it is re-exported here for the
# modules that still import it from this one.
__all__ = ["ipv6", "nameserver_option"]


@click.command("ipv6")
@targets_option
@click.option(
    "--site", "site_ids", multiple=True, metavar="ID", help="Only this site (repeatable)."
)
@db_option
@json_option("Print the checks as JSON on stdout.")
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
@logging_options("Log to stderr: -v one line per check.")
def ipv6(
    targets_path: Path,
    site_ids: tuple[str, ...],
    db: str | None,
    as_json: bool,
    nameservers: tuple[tuple[str, int], ...],
    dns_timeout_s: float,
    user_agent: str | None,
    verbose: int,
    log_format: str,
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
    configure_logging(verbose, log_format=log_format)

    def body() -> None:
        from crawler.output.ipv6 import ipv6_to_dict, print_ipv6
        from crawler.sites.ipv6 import Ipv6Settings, check_round
        from crawler.targets import load_targets
        from rules.ipv6 import ipv6_summary

        targets = load_targets(targets_path)
        sites = targets.select(site_ids)
        defaults = Ipv6Settings()
        settings = Ipv6Settings(
            nameservers=nameservers,
            dns_timeout_s=dns_timeout_s,
            fetch=replace(defaults.fetch, user_agent=user_agent) if user_agent else defaults.fetch,
        )
        checked_at, checks = run_async(check_round(sites, db=db, settings=settings))
        summary = ipv6_summary([site.id for site in sites], {c.site_id: c for c in checks})
        if as_json:
            document = ipv6_to_dict(checked_at, sites, checks, summary)
            click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        else:
            print_ipv6(stdout_console(), checked_at, sites, checks, summary)

    guard(body)

"""``crawl probe``: one round of homepage availability probes, and the availability so far.

Each site's homepage is probed once now (``crawler.sites.probes``); every probe is stored. Then,
per site, what the national rule 站点无法访问 will judge (``crawler.sites.availability``): over
the whole days it reads (by default the 7 days before today, Asia/Shanghai), the share of
probes that loaded, and how many of those days have too few probes to judge (数据不足). Exit 0
whatever the probes showed.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from crawler.cli.options import db_option, json_option, logging_options, targets_option
from crawler.cli.runtime import configure_logging, guard, run_async, stdout_console

__all__ = ["probe"]


@click.command("probe")
@targets_option
@click.option(
    "--site", "site_ids", multiple=True, metavar="ID", help="Only this site (repeatable)."
)
@db_option
@json_option("Print the probes as JSON on stdout.")
@click.option(
    "--spread",
    "spread_s",
    type=click.FloatRange(0, 600),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="Start the probes at stable offsets over this many seconds, so that sites sharing a "
    "server are not hit at once (0: all at once).",
)
@click.option(
    "--user-agent",
    envvar="XUNJIAN_USER_AGENT",
    help="User-Agent header sent with every request. Env: XUNJIAN_USER_AGENT.",
)
@logging_options("Log to stderr: -v one line per probe.")
def probe(
    targets_path: Path,
    site_ids: tuple[str, ...],
    db: str | None,
    as_json: bool,
    spread_s: float,
    user_agent: str | None,
    verbose: int,
    log_format: str,
) -> None:
    """Probe each homepage once now (one GET, 15 s limit, never retried), store the probes and
    show each site's availability so far: 站点无法访问 is judged over the 7 days before the
    check date, each with at least 20 probes, and vetoes at 5% failed probes.

    \b
    Examples:
      crawl probe                    every site in ./targets.yaml
      crawl probe --site jyty        one site
      crawl probe --json             the probes and availability as JSON
    Run it every 30 minutes (48 probes a day) to have enough probes; see docs/site-health.md.
    """
    configure_logging(verbose, log_format=log_format)

    def body() -> None:
        from dataclasses import replace

        from crawler.fetch import FetchSettings
        from crawler.output.probes import print_probes, probes_to_dict
        from crawler.sites.availability import probe_round
        from crawler.sites.probes import probe_settings
        from crawler.targets import load_targets

        targets = load_targets(targets_path)
        sites = targets.select(site_ids)
        base = FetchSettings(user_agent=user_agent) if user_agent else None
        settings = replace(probe_settings(base), addresses=targets.address_policy())
        checked_at, rows = run_async(
            probe_round(targets, sites, db=db, settings=settings, spread_s=spread_s)
        )
        if as_json:
            document = probes_to_dict(checked_at, settings.timeout_s, rows)
            click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        else:
            print_probes(stdout_console(), checked_at, rows)

    guard(body)

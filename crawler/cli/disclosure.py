"""``crawl disclosure``: read the 政务公开 columns of the units and count what they published.

Each unit's columns (the ``units:`` section of the targets file) are read page by page back to
the period start (``crawler.disclosure.crawl``), stored, counted per unit and column in SQL and
judged (``rules.disclosure``); ``crawler.operations.disclosure`` runs it all. ``--stored``
skips the reading and reports from what is stored.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from crawler.cli.options import (
    db_option,
    fetch_options,
    json_option,
    logging_options,
    targets_option,
)
from crawler.cli.runtime import configure_logging, guard, run_async, stdout_console

if TYPE_CHECKING:
    from datetime import datetime

    from rules.period import Period

__all__ = ["DEFAULT_PAGE_LIMIT", "disclosure"]

# crawler.disclosure.crawl.DEFAULT_PAGE_LIMIT, kept here so that --help imports no fetching
# code (a unit test holds the two equal).
DEFAULT_PAGE_LIMIT = 20


def _period_and_moment(period: str | None, as_of: str | None) -> tuple[Period, datetime]:
    from crawler.config import ConfigError, parse_as_of
    from rules.period import Period, quarter_of

    now = parse_as_of(as_of)
    if period is None:
        return quarter_of(now), now
    try:
        return Period.parse(period), now
    except ValueError as exc:
        raise ConfigError(f"--period: {exc}") from exc


@click.command("disclosure")
@targets_option
@click.option(
    "--unit", "unit_ids", multiple=True, metavar="ID", help="Only this unit (repeatable)."
)
@click.option(
    "--period",
    metavar="PERIOD",
    help="The period counted: 2022Q2, 2022-06 or 2022 (default: the quarter of --as-of).",
)
@click.option("--as-of", metavar="DATE", help="The check time (default: now).")
@db_option
@click.option(
    "--page-limit",
    type=click.IntRange(1, 1000),
    default=DEFAULT_PAGE_LIMIT,
    show_default=True,
    help="Most list pages read per column before the read stops (and counts as incomplete).",
)
@click.option("--stored", is_flag=True, help="Do not read the columns: report what is stored.")
@json_option("Print the disclosure section as JSON.")
@fetch_options
@logging_options("Log to stderr: -v one line per column.")
def disclosure(
    targets_path: Path,
    unit_ids: tuple[str, ...],
    period: str | None,
    as_of: str | None,
    db: str | None,
    page_limit: int,
    stored: bool,
    as_json: bool,
    user_agent: str | None,
    concurrency: int | None,
    per_host_delay: float | None,
    timeout: float | None,
    verbose: int,
    log_format: str,
) -> None:
    """Read the 政务公开 columns of the units in the targets file (following each column's
    pages back to the period start), store them, and print how many items each unit and column
    published in the period, with the findings: 多个栏目只更新一条信息, stale 概况 pages,
    有栏目长期未更新.

    \b
    Examples:
      crawl disclosure                       every unit, the current quarter
      crawl disclosure --period 2022Q2       the second quarter of 2022
      crawl disclosure --unit zrzy --json    one unit, as JSON
      crawl disclosure --stored              from what is stored, without fetching
    """
    configure_logging(verbose, log_format=log_format)

    def body() -> None:
        from dataclasses import replace

        from crawler.operations.disclosure import run_disclosure
        from crawler.operations.jobs import fetch_settings
        from crawler.output.disclosure import print_disclosure
        from crawler.targets import load_targets

        targets = load_targets(targets_path)
        units = targets.select_units(unit_ids)
        judged, now = _period_and_moment(period, as_of)
        settings = None
        if not stored:
            settings = replace(
                fetch_settings(user_agent, concurrency, per_host_delay, timeout),
                addresses=targets.address_policy(),
            )
        section = run_async(
            run_disclosure(
                units, db=db, period=judged, now=now, settings=settings, page_limit=page_limit
            )
        )
        if as_json:
            click.echo(json.dumps(section, ensure_ascii=False, indent=2))
        else:
            print_disclosure(stdout_console(), section)

    guard(body)

"""``crawl disclosure``: read the 政务公开 columns of the units and count what they published.

Each unit's columns (the ``units:`` section of the targets file) are read page by page back to
the period start (``crawler.disclosure.crawl``), stored, counted per unit and column in SQL and
judged (``rules.disclosure``). ``--stored`` skips the reading and reports from what is stored.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from sqlalchemy.ext.asyncio import async_sessionmaker

from crawler.cli.runtime import (
    configure_logging,
    fetch_options,
    guard,
    run_async,
    stdout_console,
    targets_option,
)
from crawler.config import ConfigError, open_database, parse_as_of
from crawler.disclosure.crawl import DEFAULT_PAGE_LIMIT, crawl_units
from crawler.fetch import FetchSettings
from crawler.operations.jobs import fetch_settings
from crawler.output.disclosure import disclosure_section
from crawler.targets import load_targets
from rules.disclosure import DisclosureUnit
from rules.model import utc_now
from rules.period import Period, quarter_of

__all__ = ["disclosure", "print_disclosure", "run_disclosure"]

_LEVEL_TITLES = {
    "department": "区管委会部门",
    "town": "片区、镇、街道办事处",
    "village": "村居",
}


async def run_disclosure(
    units: Sequence[DisclosureUnit],
    *,
    db: str | None,
    period: Period,
    now: datetime,
    settings: FetchSettings | None,
    page_limit: int = DEFAULT_PAGE_LIMIT,
    default_db: Path | None = None,
) -> dict[str, Any]:
    """Read the units' columns (unless ``settings`` is None: stored reads only) and return the
    ``disclosure`` section for ``period`` judged at ``now`` (after a read, from the reads
    just made, whatever the check time)."""
    engine = await open_database(db, default_path=default_db)
    try:
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        if settings is not None:
            await crawl_units(
                units,
                sessions=sessions,
                settings=settings,
                period=period,
                now=now,
                page_limit=page_limit,
            )
        async with sessions() as session:
            return await disclosure_section(
                session,
                units=units,
                period=period,
                as_of=now,
                reads_until=max(now, utc_now()) if settings is not None else None,
            )
    finally:
        await engine.dispose()


def _sorted_rows(section: Mapping[str, Any], level: str) -> list[Mapping[str, Any]]:
    rows = [row for row in section["units"] if row["level"] == level]
    # by count, descending; ties keep the targets file's order (sorted is stable)
    return sorted(rows, key=lambda row: -int(row["published"]))


def print_disclosure(console: Console, section: Mapping[str, Any]) -> None:
    """附件3's tables (departments, towns; villages when listed) and the findings."""
    period = section["period"]
    for level, title in _LEVEL_TITLES.items():
        rows = _sorted_rows(section, level)
        if not rows:
            continue
        table = Table(
            title=f"政务公开专栏 {period['label']} ({period['start']}—{period['end']}) — {title}",
            title_justify="left",
        )
        for header in ("序号", "单位名称", "公开条数", "栏目", "读取"):
            table.add_column(header)
        for index, row in enumerate(rows, start=1):
            read = sum(1 for c in row["columns"] if c["outcome"] == "ok")
            count = str(row["published"]) + ("" if row["complete"] else " (至少)")
            table.add_row(
                str(index),
                row["name"],
                count,
                str(len(row["columns"])),
                f"{read}/{len(row['columns'])}",
            )
        console.print(table)
    totals = section["totals"]
    console.print(
        f"共 {totals['units']} 个单位、{totals['columns']} 个栏目,公开信息 {totals['published']} 条"
    )
    for finding in section["findings"]:
        where = f"{finding['unit_name']}"
        if finding.get("column_name"):
            where += f" {finding['column_name']}"
        console.print(f"- {where}: {finding['message']} ({finding['evidence'].get('url')})")


def _period_and_moment(period: str | None, as_of: str | None) -> tuple[Period, datetime]:
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
@click.option(
    "--db", envvar="XUNJIAN_DATABASE_URL", metavar="URL", help="Database (see crawl --help)."
)
@click.option(
    "--page-limit",
    type=click.IntRange(1, 1000),
    default=DEFAULT_PAGE_LIMIT,
    show_default=True,
    help="Most list pages read per column before the read stops (and counts as incomplete).",
)
@click.option("--stored", is_flag=True, help="Do not read the columns: report what is stored.")
@click.option("--json", "as_json", is_flag=True, help="Print the disclosure section as JSON.")
@fetch_options
@click.option("-v", "--verbose", count=True, help="Log to stderr: -v one line per column.")
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
    verbose: int,
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
    configure_logging(verbose)

    def body() -> None:
        targets = load_targets(targets_path)
        units = targets.select_units(unit_ids)
        judged, now = _period_and_moment(period, as_of)
        settings = None if stored else fetch_settings(user_agent, concurrency, per_host_delay)
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

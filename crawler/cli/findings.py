"""``crawl findings``: judge any past moment or period from stored history, and export it."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import click
from sqlalchemy.ext.asyncio import async_sessionmaker

from crawler.accounts.judging import AccountReport, judge_accounts
from crawler.cli.runtime import (
    configure_logging,
    guard,
    run_async,
    stdout_console,
    targets_option,
)
from crawler.config import ConfigError, open_database, parse_as_of
from crawler.output.accounts import print_accounts
from crawler.output.disclosure import disclosure_section
from crawler.output.export import build_export, publishing_entries, to_csv, write_xlsx
from crawler.output.run import print_findings, print_summary
from crawler.sites.judging import SiteReport, judge_sites
from crawler.targets import AccountTarget, Targets, load_targets
from rules.ipv6 import Ipv6Check
from rules.model import SHANGHAI, Site, utc_now
from rules.period import Period, quarter_of
from storage import facts, lifecycle
from storage.accounts import account_facts
from storage.ipv6 import latest_ipv6
from storage.links import link_facts_as_of
from storage.probes import probe_stats
from storage.publishing import Published, published_by_column
from storage.records import FindingState

__all__ = ["Judged", "findings", "judge_stored", "note_unchecked", "resolve_moment"]

FORMATS = ("table", "json", "csv", "xlsx")


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ConfigError(f"{option} {value!r} is not a date — use YYYY-MM-DD") from exc


def resolve_moment(
    *, as_of: str | None, period: str | None, start: str | None, end: str | None, now: datetime
) -> tuple[datetime, Period]:
    """The check time and the period judged.

    A period alone is judged as of its end (or now, if it has not ended); with --as-of, as of
    that moment — a quarter's notice is often written weeks after the quarter, from what the
    pages and accounts showed then.
    """
    if period and (start or end):
        raise ConfigError("give one of --period or --from/--to, not both")
    if period or start or end:
        if period:
            try:
                judged = Period.parse(period)
            except ValueError as exc:
                raise ConfigError(f"--period: {exc}") from exc
        else:
            if not (start and end):
                raise ConfigError("--from and --to go together: give both dates")
            first, last = _day(start, "--from"), _day(end, "--to")
            if last < first:
                raise ConfigError(f"--to {end} is before --from {start}")
            judged = Period(start=first, end=last)
        if as_of:
            return parse_as_of(as_of), judged
        end_of_period = datetime.combine(judged.end, time(23, 59, 59), tzinfo=SHANGHAI)
        return min(end_of_period.astimezone(now.tzinfo), now), judged
    moment = parse_as_of(as_of) if as_of else now
    return moment, quarter_of(moment)


@dataclass(frozen=True, slots=True, kw_only=True)
class Judged:
    """A moment judged from storage, and its export document (docs/findings-schema.md)."""

    moment: datetime
    period: Period
    sites: tuple[SiteReport, ...]
    accounts: tuple[AccountReport, ...]
    unchecked: int  # pages and accounts without any stored fetch at the moment
    pages: int  # pages and accounts judged
    export: dict[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class _Judgement:
    sites: tuple[SiteReport, ...]
    accounts: tuple[AccountReport, ...]
    states: list[FindingState]
    unchecked: int
    published: dict[str, Published]
    disclosure: Mapping[str, Any] | None
    ipv6: dict[str, Ipv6Check]


async def _judge(
    targets: Targets,
    sites: list[Site],
    accounts: list[AccountTarget],
    db: str | None,
    moment: datetime,
    period: Period,
) -> _Judgement:
    engine = await open_database(db)
    disclosure: Mapping[str, Any] | None = None
    try:
        async with async_sessionmaker(engine)() as session:
            pages = await facts.page_facts_as_of(session, sites=sites, as_of=moment)
            probed = await probe_stats(session, site_ids=[s.id for s in sites], now=moment)
            links = await link_facts_as_of(session, sites=sites, as_of=moment)
            held = await account_facts(
                session, accounts=[a.account for a in accounts], as_of=moment, period=period
            )
            states = await lifecycle.finding_states(
                session, site_ids=[s.id for s in sites], account_ids=[a.id for a in accounts]
            )
            published = await published_by_column(
                session,
                {s.id: [c.id for c in s.columns] for s in sites},
                period.start,
                period.end,
                as_of=moment,
            )
            ipv6 = await latest_ipv6(session, [s.id for s in sites], moment)
            if sites and targets.units:
                disclosure = await disclosure_section(
                    session, units=targets.units, period=period, as_of=moment
                )
    finally:
        await engine.dispose()
    unchecked = sum(1 for page in pages if page.outcome is None)
    unchecked += sum(1 for fact in held if fact.outcome is None)
    reports = judge_sites(
        sites,
        pages,
        targets.profiles,
        now=moment,
        period=period,
        probes=probed,
        links=links,
        ipv6=ipv6,
    )
    account_reports = judge_accounts(accounts, held, targets.profiles, now=moment, period=period)
    return _Judgement(
        sites=reports,
        accounts=account_reports,
        states=states,
        unchecked=unchecked,
        published=published,
        disclosure=disclosure,
        ipv6=ipv6,
    )


def judge_stored(
    targets: Targets,
    sites: list[Site],
    accounts: list[AccountTarget],
    *,
    db: str | None,
    moment: datetime,
    period: Period,
    since: date | None = None,
) -> Judged:
    """Judge ``moment`` and ``period`` from stored history and build the export document.

    The export carries the sections ``publishing`` and ``ipv6`` for the sites judged, and
    ``disclosure`` when the targets file lists 政务公开 units (docs/findings-schema.md).
    """
    judged = run_async(_judge(targets, sites, accounts, db, moment, period))
    until = min(period.end, moment.astimezone(SHANGHAI).date())
    export = build_export(
        judged.sites,
        judged.accounts,
        judged.states,
        as_of=moment,
        period=period,
        generated_at=utc_now(),
        since=since,
        publishing=publishing_entries(sites, judged.published, until=until) if sites else None,
        disclosure=judged.disclosure,
        ipv6=judged.ipv6 if sites else None,
    )
    return Judged(
        moment=moment,
        period=period,
        sites=judged.sites,
        accounts=judged.accounts,
        unchecked=judged.unchecked,
        pages=len(sites) + sum(len(s.columns) for s in sites) + len(accounts),
        export=export,
    )


def note_unchecked(judged: Judged) -> None:
    """One line on stderr when some pages have no stored fetch at the moment judged."""
    if judged.unchecked:
        click.echo(
            f"note: {judged.unchecked} of {judged.pages} pages have no stored fetch at or before "
            f"{judged.moment.astimezone(SHANGHAI):%Y-%m-%d %H:%M}; they are reported as not "
            "checked (run `crawl` to fetch them)",
            err=True,
        )


@click.command("findings")
@targets_option
@click.option(
    "--site", "site_ids", multiple=True, metavar="ID", help="Only this site (repeatable)."
)
@click.option(
    "--account", "account_ids", multiple=True, metavar="ID", help="Only this account (repeatable)."
)
@click.option(
    "--db", envvar="XUNJIAN_DATABASE_URL", metavar="URL", help="Database (see crawl --help)."
)
@click.option(
    "--as-of",
    metavar="DATE",
    help="Judge this moment: YYYY-MM-DD (end of day) or ISO time; with --period, the period "
    "as it stood then.",
)
@click.option(
    "--period",
    metavar="P",
    help="Judge a period: 2022Q2, 2022-06 or 2022 (as of its end, unless --as-of).",
)
@click.option("--from", "start", metavar="DATE", help="First day of a period (with --to).")
@click.option("--to", "end", metavar="DATE", help="Last day of a period (with --from).")
@click.option("--since", metavar="DATE", help="Only findings first seen on or after this date.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table on the terminal; json (docs/findings-schema.md), csv or xlsx for other tools.",
)
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Write to this file.")
@click.option("-v", "--verbose", count=True, help="Log to stderr.")
def findings(
    targets_path: Path,
    site_ids: tuple[str, ...],
    account_ids: tuple[str, ...],
    db: str | None,
    as_of: str | None,
    period: str | None,
    start: str | None,
    end: str | None,
    since: str | None,
    output_format: str,
    out: Path | None,
    verbose: int,
) -> None:
    """Judge any past moment or period from stored history, without crawling, and export the
    findings: per site 合格/不合格, score, problems and each finding with its evidence.

    \b
    Examples:
      crawl findings                              as of now
      crawl findings --as-of 2022-06-20           as the pages stood then
      crawl findings --period 2022Q2 --format xlsx --out 2022Q2.xlsx
      crawl findings --site jyty --format json    one site, for another report tool
      crawl findings --since 2022-06-01 --format csv   problems new since June
    """
    configure_logging(verbose)

    def body() -> None:
        moment, judged_period = resolve_moment(
            as_of=as_of, period=period, start=start, end=end, now=utc_now()
        )
        since_day = _day(since, "--since") if since else None
        if output_format == "xlsx" and out is None:
            raise ConfigError("--format xlsx writes a workbook: give --out FILE.xlsx")
        targets = load_targets(targets_path)
        sites = targets.select(site_ids) if site_ids or not account_ids else []
        accounts = targets.select_accounts(account_ids) if account_ids or not site_ids else []
        judged = judge_stored(
            targets, sites, accounts, db=db, moment=moment, period=judged_period, since=since_day
        )
        note_unchecked(judged)
        _write(judged.export, judged.sites, judged.accounts, output_format, out)

    guard(body)


def _write(
    export: dict[str, object],
    reports: tuple[SiteReport, ...],
    accounts: tuple[AccountReport, ...],
    output_format: str,
    out: Path | None,
) -> None:
    if output_format == "xlsx":
        assert out is not None
        write_xlsx(export, out)
        click.echo(f"wrote {out}", err=True)
        return
    if output_format == "table":
        console = stdout_console()
        if reports:
            print_summary(console, reports)
            print_findings(console, [f for report in reports for f in report.findings])
        print_accounts(console, accounts)
        return
    text = (
        json.dumps(export, ensure_ascii=False, indent=2) + "\n"
        if output_format == "json"
        else to_csv(export)
    )
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8-sig" if output_format == "csv" else "utf-8")
        click.echo(f"wrote {out}", err=True)

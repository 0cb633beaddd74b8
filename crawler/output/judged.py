"""Judging a moment or period from stored history, and its findings export.

``resolve_moment`` turns the command line's --as-of, --period and --from/--to into the check
time and the period judged; ``judge_stored`` judges the stored pages, probes, links and
accounts as they stood then and builds the export document (docs/findings-schema.md) that
``crawl findings`` writes and ``crawl report`` renders.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker

from crawler.accounts.judging import AccountReport, judge_accounts
from crawler.config import ConfigError, open_database, parse_as_of
from crawler.disclosure.portal import portal_site
from crawler.output.disclosure import disclosure_section
from crawler.output.export import build_export, publishing_entries
from crawler.output.interaction import interaction_section, letter_facts
from crawler.sites.judging import SiteReport, judge_sites
from crawler.targets import AccountTarget, Targets
from rules.ipv6 import Ipv6Check
from rules.model import SHANGHAI, Site, utc_now
from rules.period import Period, quarter_of
from storage import facts, lifecycle
from storage.account_facts import account_facts
from storage.content import content_facts_as_of
from storage.ipv6 import latest_ipv6
from storage.links import link_facts_as_of
from storage.probes import probe_stats
from storage.publishing import Published, published_by_column
from storage.records import FindingState
from storage.screenshots import ScreenshotRef, screenshots_as_of

__all__ = [
    "Coverage",
    "Judged",
    "judge_stored",
    "last_complete_quarter",
    "parse_day",
    "resolve_moment",
    "unchecked_note",
]


def parse_day(value: str, option: str) -> date:
    """``value`` of the command-line ``option`` as a date (YYYY-MM-DD)."""
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
    pages and accounts showed then. With neither, the last complete quarter is judged as of
    now (or as of --as-of): the notice an office writes in the first weeks of a quarter.
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
            first, last = parse_day(start, "--from"), parse_day(end, "--to")
            if last < first:
                raise ConfigError(f"--to {end} is before --from {start}")
            judged = Period(start=first, end=last)
        if as_of:
            return parse_as_of(as_of), judged
        end_of_period = datetime.combine(judged.end, time(23, 59, 59), tzinfo=SHANGHAI)
        return min(end_of_period.astimezone(now.tzinfo), now), judged
    moment = parse_as_of(as_of) if as_of else now
    return moment, last_complete_quarter(moment)


def last_complete_quarter(moment: datetime) -> Period:
    """The quarter before the one ``moment`` falls in (Asia/Shanghai): the notice an office
    writes in the first weeks of a quarter is the last one's."""
    current = quarter_of(moment)
    previous_day = current.start - timedelta(days=1)
    return quarter_of(datetime.combine(previous_day, time(12, 0), tzinfo=SHANGHAI))


@dataclass(frozen=True, slots=True, kw_only=True)
class Coverage:
    """What was fetched in the judged window: from the period's first day (00:00 in
    Asia/Shanghai) to the moment judged. A page or account whose newest stored fetch by the
    moment is older than the window, or that has none, was not checked for this period: a
    notice must say so, never judge it from an older fetch or call it unreachable."""

    window_start: datetime  # aware
    moment: datetime
    in_progress: bool  # the moment is before the period's last day is over
    sites: tuple[str, ...]  # site ids whose homepage has no fetch in the window
    columns: tuple[tuple[str, str], ...]  # (site id, column id) with no fetch in the window
    accounts: tuple[str, ...]  # account ids with no fetch in the window

    @property
    def complete(self) -> bool:
        return not (self.sites or self.columns or self.accounts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "window_start": self.window_start.isoformat(),
            "in_progress": self.in_progress,
            "sites_unchecked": list(self.sites),
            "columns_unchecked": [
                {"site": site, "column": column} for site, column in self.columns
            ],
            "accounts_unchecked": list(self.accounts),
        }


def _coverage(
    sites: tuple[SiteReport, ...],
    accounts: tuple[AccountReport, ...],
    *,
    moment: datetime,
    period: Period,
) -> Coverage:
    start = datetime.combine(period.start, time(0, 0), tzinfo=SHANGHAI)
    end = datetime.combine(period.end, time(23, 59, 59), tzinfo=SHANGHAI)

    def missing(outcome: object, checked_at: datetime) -> bool:
        return outcome is None or checked_at < start

    unchecked_sites: list[str] = []
    unchecked_columns: list[tuple[str, str]] = []
    for report in sites:
        for page in report.pages:
            facts_ = page.facts
            if not missing(facts_.outcome, facts_.checked_at):
                continue
            if facts_.column_id is None:
                unchecked_sites.append(report.site.id)
            else:
                unchecked_columns.append((report.site.id, facts_.column_id))
    unchecked_accounts = [
        report.target.id
        for report in accounts
        if missing(report.facts.outcome, report.facts.checked_at)
    ]
    return Coverage(
        window_start=start,
        moment=moment,
        in_progress=moment < end,
        sites=tuple(unchecked_sites),
        columns=tuple(unchecked_columns),
        accounts=tuple(unchecked_accounts),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Judged:
    """A moment judged from storage, and its export document (docs/findings-schema.md)."""

    moment: datetime
    period: Period
    sites: tuple[SiteReport, ...]
    accounts: tuple[AccountReport, ...]
    unchecked: int  # pages and accounts without any stored fetch at the moment
    pages: int  # pages and accounts judged
    coverage: Coverage
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
    screenshots: dict[tuple[str, str | None], ScreenshotRef]
    interaction: dict[str, Any] | None = None


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
    interaction: dict[str, Any] | None = None
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
                categories={s.id: {c.id: c.report_category for c in s.columns} for s in sites},
            )
            ipv6 = await latest_ipv6(session, [s.id for s in sites], moment)
            shots = await screenshots_as_of(session, as_of=moment, site_ids=[s.id for s in sites])
            boards = await letter_facts(session, sites, period=period, as_of=moment)
            content = await content_facts_as_of(session, sites=sites, as_of=moment)
            portal = portal_site(targets)
            interaction = await interaction_section(
                session,
                sites=sites,
                boards=boards,
                period=period,
                as_of=moment,
                portal=portal.id if portal is not None else None,
            )
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
        boards=boards,
        content=content,
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
        screenshots=shots,
        interaction=interaction,
    )


def _name_screenshots(
    export: dict[str, Any], shots: Mapping[tuple[str, str | None], ScreenshotRef]
) -> None:
    """Each site finding's evidence names its page's screenshot, when one was taken."""
    for site in export.get("sites", ()):
        for finding in site.get("findings", ()):
            shot = shots.get((finding["site"], finding["column"]))
            if shot is not None:
                finding["evidence"]["screenshot"] = {
                    "sha256": shot.content_hash,
                    "url": shot.url,
                    "taken_at": shot.taken_at.isoformat(),
                    "width": shot.width,
                    "height": shot.height,
                }


async def judge_stored(
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
    ``disclosure`` when the targets file lists 政务公开 units, and ``interaction`` when a site
    has message boards or 找错 reports are stored (docs/findings-schema.md).
    """
    judged = await _judge(targets, sites, accounts, db, moment, period)
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
    if judged.interaction is not None:
        export["interaction"] = judged.interaction
    _name_screenshots(export, judged.screenshots)
    coverage = _coverage(judged.sites, judged.accounts, moment=moment, period=period)
    export["coverage"] = coverage.as_dict()
    return Judged(
        moment=moment,
        period=period,
        sites=judged.sites,
        accounts=judged.accounts,
        unchecked=judged.unchecked,
        pages=len(sites) + sum(len(s.columns) for s in sites) + len(accounts),
        coverage=coverage,
        export=export,
    )


def unchecked_note(judged: Judged) -> str | None:
    """The note for stderr when some pages have no stored fetch at the moment judged."""
    if not judged.unchecked:
        return None
    return (
        f"note: {judged.unchecked} of {judged.pages} pages have no stored fetch at or before "
        f"{judged.moment.astimezone(SHANGHAI):%Y-%m-%d %H:%M}; they are reported as not "
        "checked (run `crawl` to fetch them)"
    )

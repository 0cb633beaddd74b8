"""The parts of the demo's simulated quarter: its schedule and clock, the fleet as of a moment,
served as of a moment and by name over ::1, the 550 村居, and a short simulation whose probes
and IPv6 checks are stored at their simulated times. (The whole quarter and its notice:
tests/e2e/test_demo_quarter.py.)"""

from __future__ import annotations

import asyncio
import itertools
import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import httpx
import pytest
import yaml

from crawler.demo import demo_fleet
from crawler.demo.disclosure import ATTACHMENT_3_TOWNS, demo_units
from crawler.demo.model import Freshness
from crawler.demo.quarter import (
    CRAWL_AT,
    PROBES_PER_DAY,
    SimulatedClock,
    crawl_days,
    quarter_events,
    quarter_fleet,
    simulate_quarter,
)
from crawler.demo.server import RunningFleet, ipv6_loopback_available, serve_in_thread
from crawler.demo.timeline import fleet_as_of, published_at, units_as_of
from crawler.demo.villages import NAMED_VILLAGES, VILLAGES_PER_TOWN
from crawler.fetch import FetchSettings
from crawler.sites.ipv6 import Ipv6Settings, check_sites_ipv6
from crawler.sites.runner import CrawlReport
from crawler.targets import load_targets
from rules.ipv6 import Ipv6Outcome
from rules.model import SHANGHAI
from rules.period import Period

Q2 = Period.parse("2022Q2")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
needs_ipv6 = pytest.mark.skipif(
    not ipv6_loopback_available(), reason="this machine has no IPv6 loopback (::1)"
)


def _shanghai(day: date, at: time = time(0, 0)) -> datetime:
    return datetime.combine(day, at, tzinfo=SHANGHAI)


# --- the schedule and the clock --------------------------------------------------------------


def test_the_schedule_of_the_quarter() -> None:
    events = quarter_events(Q2)
    assert [e.at for e in events] == sorted(e.at for e in events)
    crawls = [e.at for e in events if e.kind == "crawl"]
    assert len(crawls) == 14
    assert crawls[0] == _shanghai(date(2022, 4, 1), CRAWL_AT)
    assert crawls[-1] == _shanghai(date(2022, 6, 30), CRAWL_AT)
    assert {(b - a).days for a, b in itertools.pairwise(crawls)} <= {6, 7}
    ipv6 = [e.at for e in events if e.kind == "ipv6"]
    assert [at.date() for at in ipv6] == [at.date() for at in crawls]
    assert all(at < crawl for at, crawl in zip(ipv6, crawls, strict=True))
    probes = Counter(e.at.date() for e in events if e.kind == "probe")
    # the 7 whole days before the last day, as the availability rule reads them
    for offset in range(1, 8):
        assert probes[date(2022, 6, 30) - timedelta(days=offset)] == PROBES_PER_DAY
    assert max(e.at for e in events if e.kind == "probe") < crawls[-1]
    assert crawl_days(Period.parse("2022Q1"), 91) == [date(2022, 1, 1), date(2022, 3, 31)]


def test_the_simulated_clock_runs_from_where_it_is_set() -> None:
    moment = _shanghai(date(2022, 4, 1), CRAWL_AT)
    clock = SimulatedClock(moment)
    first = clock()
    assert first.tzinfo is UTC
    assert moment <= first < moment + timedelta(minutes=1)
    assert clock() >= first
    later = _shanghai(date(2022, 6, 30))
    clock.set(later)
    assert later <= clock() < later + timedelta(minutes=1)
    with pytest.raises(ValueError, match="aware"):
        clock.set(datetime(2022, 4, 1))  # naive: the mistake under test


# --- the fleet as of a moment ----------------------------------------------------------------


def test_the_fleet_as_of_a_moment_shows_what_was_published_by_then() -> None:
    fleet, units = quarter_fleet(Q2)
    for day in (date(2022, 4, 1), date(2022, 5, 15), date(2022, 6, 30)):
        moment = _shanghai(day, CRAWL_AT)
        view = fleet_as_of(fleet, moment)
        assert view.today == day
        for site, shown in zip(fleet.sites, view.sites, strict=True):
            for column, listed in zip(site.columns, shown.columns, strict=True):
                if not column.is_list:
                    continue
                assert listed.items, (site.id, column.id, day)  # never an empty list
                assert all(published_at(item) <= moment for item in listed.items)
                assert len(listed.items) <= (column.listed or len(column.items))
        for account in view.accounts:
            assert all(post.published <= moment for post in account.posts)
        for unit in units_as_of(units, day):
            for column in unit.columns:
                assert all(d <= day for d in column.dates)
    # 教育体育局's 图片新闻 is fresh in April and stale (over two weeks) by the quarter's end
    column = fleet.site("jyty").column("tpxw")
    assert column.freshness is Freshness.STALE

    def age(day: date) -> int:
        shown = fleet_as_of(fleet, _shanghai(day, CRAWL_AT)).site("jyty").column("tpxw")
        return (day - shown.items[0].published).days

    assert age(date(2022, 4, 15)) <= 14
    assert age(date(2022, 6, 30)) > 14


def test_the_quarter_has_550_villages_and_the_notices_items() -> None:
    units = demo_units(date(2022, 7, 1))
    villages = [u for u in units if u.level == "village"]
    assert len(villages) == sum(VILLAGES_PER_TOWN.values()) == 550
    assert {u.parent for u in villages} == {town for town, _, _ in ATTACHMENT_3_TOWNS}
    assert len({u.id for u in units}) == len(units) == 22 + 18 + 550
    for town in {u.parent for u in villages}:
        names = [u.name for u in villages if u.parent == town]
        assert len(names) == len(set(names)), town
    assert sum(u.expected for u in villages) == sum(n for *_, n in NAMED_VILLAGES) == 166
    assert sum(u.expected for u in units) == 2361
    assert all(u.path == f"/cun/{u.id}" for u in villages)


# --- served as of a moment, and by name over ::1 ---------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningFleet]:
    fleet = demo_fleet(date(2022, 7, 1), history_from=date(2022, 2, 1))
    units = tuple(u for u in demo_units(date(2022, 7, 1)) if u.id in ("kjz", "gxw", "kjz-zmc"))
    with serve_in_thread(fleet, units=units, ipv6=ipv6_loopback_available()) as running:
        yield running


def _dates_on(running: RunningFleet, site_id: str, column_id: str) -> set[str]:
    page = httpx.get(running.column_url(site_id, column_id), timeout=10)
    assert page.status_code == 200
    column = running.fleet.site(site_id).column(column_id)
    return {item.published.isoformat() for item in column.items} & set(
        _all_dates(page.content.decode(errors="replace"))
    )


def _all_dates(text: str) -> list[str]:
    return DATE.findall(text)


def test_the_server_shows_the_fleet_as_of_the_moment_it_is_given(served: RunningFleet) -> None:
    served.show(_shanghai(date(2022, 4, 10), CRAWL_AT))
    april = _dates_on(served, "jtys", "gzdt")
    assert april
    assert max(april) < "2022-04-10"
    served.show(_shanghai(date(2022, 6, 20), CRAWL_AT))
    june = _dates_on(served, "jtys", "gzdt")
    assert max(june) > "2022-06-01"
    assert not june & {d for d in april if d < "2022-05-01"}  # older items moved off the list


def test_a_village_is_served_by_its_towns_host(served: RunningFleet, tmp_path: Path) -> None:
    assert served.unit_urls["kjz-zmc"] == served.unit_urls["kjz"]
    document = yaml.safe_load(served.targets_yaml())
    village = next(u for u in document["units"] if u["id"] == "kjz-zmc")
    assert village["parent"] == "kjz"
    for column in village["columns"]:
        assert "/cun/kjz-zmc/" in column["url"]
        assert httpx.get(column["url"], timeout=10).status_code == 200


@needs_ipv6
def test_the_sites_answer_by_name_over_ipv6(served: RunningFleet, tmp_path: Path) -> None:
    assert served.nameserver is not None
    path = tmp_path / "targets.yaml"
    served.write_targets(path)
    sites = load_targets(path).sites
    named = [replace(site, homepage=served.named_homepage(site.id)) for site in sites]
    assert named[0].homepage.startswith("http://www.jiyuan.gov.cn:")
    unknown = replace(sites[1], id="nowhere", homepage="http://nowhere.jiyuan.gov.cn/")
    fetch = replace(Ipv6Settings().fetch, per_host_delay_s=0.01, jitter_s=0.0)
    checks = asyncio.run(
        check_sites_ipv6(
            [*named, unknown],
            settings=Ipv6Settings(nameservers=(served.nameserver,), fetch=fetch),
        )
    )
    outcomes = {check.site_id: check.outcome for check in checks}
    assert outcomes.pop("nowhere") is Ipv6Outcome.NO_AAAA  # the stub knows only the fleet
    assert set(outcomes.values()) == {Ipv6Outcome.OK}
    assert all(check.addresses == ("::1",) for check in checks if check.site_id != "nowhere")


# --- a short simulation ----------------------------------------------------------------------


@needs_ipv6
def test_probes_ipv6_checks_and_crawls_run_at_their_simulated_times(
    served: RunningFleet, tmp_path: Path
) -> None:
    path = tmp_path / "targets.yaml"
    served.write_targets(path)
    targets = load_targets(path)
    db = tmp_path / "quarter.sqlite3"
    crawled: list[tuple[datetime, datetime, bool]] = []

    async def crawl_job(now: datetime, settings: FetchSettings, *, read_units: bool) -> CrawlReport:
        crawled.append((now, settings.clock(), read_units))
        return CrawlReport(
            run_id=len(crawled),
            status="completed",
            scope="all",
            as_of=now,
            started_at=now,
            finished_at=settings.clock(),
            sites=(),
            period=Q2,
        )

    settings = FetchSettings(per_host_delay_s=0.0, jitter_s=0.0, addresses=targets.address_policy())
    result = asyncio.run(
        simulate_quarter(
            period=Q2,
            running=served,
            sites=targets.sites,
            crawl_job=crawl_job,
            settings=settings,
            db=str(db),
            crawl_every_days=91,  # the first and the last day
            probe_days=1,  # the last day, up to its crawl: 00:00 and 01:12
        )
    )
    first, last = _shanghai(date(2022, 4, 1), CRAWL_AT), _shanghai(date(2022, 6, 30), CRAWL_AT)
    assert [
        (now >= at, now - at < timedelta(minutes=1))
        for (now, _, _), at in zip(crawled, (first, last), strict=True)
    ] == [(True, True), (True, True)]
    assert [read for _, _, read in crawled] == [False, True]  # the units: in the last crawl
    assert all(clock >= now for now, clock, _ in crawled)
    assert len(result.crawls) == 2
    assert sum(result.probes.values()) == 2 * len(targets.sites)
    assert result.ipv6 == {"ok": 2 * len(targets.sites)}
    with sqlite3.connect(db) as stored:
        probed = [row[0] for row in stored.execute("SELECT probed_at FROM probes")]
        checked = [row[0] for row in stored.execute("SELECT checked_at FROM ipv6_checks")]
    # stored in UTC: 2022-06-30 00:00 and 01:12 in Asia/Shanghai are 16:00 and 17:12 the day before
    assert {p[:16] for p in probed} == {"2022-06-29 16:00", "2022-06-29 17:12"}
    assert {c[:16] for c in checked} == {"2022-03-31 17:30", "2022-06-29 17:30"}

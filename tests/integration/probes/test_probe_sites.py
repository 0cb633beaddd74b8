"""Probing homepages over loopback: what each probe shows, and that every probe is stored."""

from __future__ import annotations

from datetime import UTC

import pytest
from probe_homepages import Homepages
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from crawler.fetch import FetchConfigError, FetchSettings
from crawler.sites.probes import ProbeResult, probe_settings, probe_sites
from rules.model import Outcome, Site, utc_now
from storage.models import probe_table, site_table

FAST = FetchSettings(per_host_delay_s=0.0, jitter_s=0.0)
LIMIT_S = 0.5  # the 15 s of the national rule, made small
SETTINGS = probe_settings(FAST, limit_s=LIMIT_S)


async def probe_one(site: Site, engine: AsyncEngine) -> ProbeResult:
    (result,) = await probe_sites([site], engine=engine, settings=SETTINGS, now=utc_now())
    return result


async def test_a_healthy_homepage_is_ok(homepages: Homepages, engine: AsyncEngine) -> None:
    result = await probe_one(homepages.site("gov-ok", "/"), engine)
    assert (result.ok, result.outcome, result.status) == (True, Outcome.OK, 200)
    assert result.latency_s is not None
    assert result.latency_s < LIMIT_S
    assert result.detail is None


# waits out the probe limit
@pytest.mark.slow
async def test_a_homepage_slower_than_the_limit_fails_without_a_retry(
    homepages: Homepages, engine: AsyncEngine
) -> None:
    result = await probe_one(homepages.site("gov-slow", "/slow"), engine)
    assert (result.ok, result.outcome, result.status) == (False, Outcome.TIMEOUT, None)
    assert (result.detail or "").startswith("no complete response within")
    assert homepages.hits.count("/slow") == 1  # a failed probe is data: never retried


async def test_a_503_fails_without_a_retry(homepages: Homepages, engine: AsyncEngine) -> None:
    result = await probe_one(homepages.site("gov-down", "/down"), engine)
    assert (result.ok, result.outcome, result.status) == (False, Outcome.HTTP_ERROR, 503)
    assert homepages.hits.count("/down") == 1


async def test_a_closed_port_fails(closed_port: int, engine: AsyncEngine) -> None:
    site = Site(id="gov-closed", name="关闭", homepage=f"http://127.0.0.1:{closed_port}/")
    result = await probe_one(site, engine)
    assert (result.ok, result.outcome, result.status) == (False, Outcome.CONNECT_ERROR, None)


async def test_a_challenge_page_is_a_server_that_is_up(
    homepages: Homepages, engine: AsyncEngine
) -> None:
    """站点无法访问 is about a site being down: a server that answers with a challenge is up,
    and the probe says why it counts it so."""
    result = await probe_one(homepages.site("gov-waf", "/waf"), engine)
    assert (result.ok, result.outcome, result.status) == (True, Outcome.BLOCKED, 412)
    assert result.detail is not None
    assert result.detail.startswith("up: the server answered with a 412 challenge page")


async def test_robots_txt_is_honoured_as_the_site_says(
    homepages: Homepages, engine: AsyncEngine
) -> None:
    respected = await probe_one(homepages.site("gov-r", "/private/"), engine)
    assert (respected.ok, respected.outcome, respected.latency_s) == (
        None,
        Outcome.ROBOTS_DISALLOWED,
        None,
    )
    assert "/private/" not in homepages.hits
    ignored = await probe_one(homepages.site("gov-i", "/private/", respect_robots=False), engine)
    assert (ignored.ok, ignored.outcome) == (True, Outcome.OK)
    assert homepages.hits.count("/private/") == 1


# waits out the probe limit
@pytest.mark.slow
async def test_every_probe_of_a_round_is_stored(
    homepages: Homepages, closed_port: int, engine: AsyncEngine
) -> None:
    sites = [
        homepages.site("gov-ok", "/"),
        homepages.site("gov-slow", "/slow"),
        homepages.site("gov-down", "/down"),
        Site(id="gov-closed", name="关闭", homepage=f"http://127.0.0.1:{closed_port}/"),
        homepages.site("gov-waf", "/waf"),
    ]
    before = utc_now()
    results = await probe_sites(sites, engine=engine, settings=SETTINGS, now=before, spread_s=0.2)
    assert [r.site_id for r in results] == [s.id for s in sites]
    assert [r.ok for r in results] == [True, False, False, False, True]  # a challenge: up

    async with engine.connect() as connection:
        rows = (await connection.execute(select(probe_table).order_by(probe_table.c.id))).all()
        known = set((await connection.scalars(select(site_table.c.id))).all())
    assert known == {s.id for s in sites}  # sites new to storage are registered
    stored = {row.site_id: row for row in rows}
    assert len(rows) == len(sites)
    for result in results:
        row = stored[result.site_id]
        assert (row.url, row.ok, row.outcome, row.status, row.detail) == (
            result.url,
            result.ok,
            result.outcome.value,
            result.status,
            result.detail,
        )
        assert row.latency_s == pytest.approx(result.latency_s)
        assert row.probed_at == result.probed_at
        assert row.probed_at.tzinfo is UTC
        assert row.probed_at >= before


async def test_a_second_round_adds_rows_and_keeps_known_sites(
    homepages: Homepages, engine: AsyncEngine
) -> None:
    site = homepages.site("gov-ok", "/")
    for _ in range(2):
        await probe_sites([site], engine=engine, settings=SETTINGS, now=utc_now())
    async with engine.connect() as connection:
        count = await connection.scalar(select(func.count()).select_from(probe_table))
    assert count == 2


async def test_settings_that_retry_are_refused(engine: AsyncEngine) -> None:
    with pytest.raises(FetchConfigError, match="probes never retry"):
        await probe_sites(
            [Site(id="x", name="x", homepage="http://127.0.0.1:9/")],
            engine=engine,
            settings=FetchSettings(retry_attempts=3),
            now=utc_now(),
        )


async def test_no_sites_is_no_probes(engine: AsyncEngine) -> None:
    assert await probe_sites([], engine=engine, settings=SETTINGS, now=utc_now()) == []

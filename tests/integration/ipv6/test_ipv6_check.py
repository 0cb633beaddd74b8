"""IPv6 checks over loopback: a stub DNS server answers AAAA, the homepage is served on ::1."""

from __future__ import annotations

from datetime import timedelta

import pytest
from ipv6_servers import Served
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from crawler.fetch import FetchSettings
from crawler.sites.ipv6 import Ipv6Settings, check_sites_ipv6
from rules.ipv6 import Ipv6Outcome, ipv6_findings, ipv6_summary
from rules.model import Severity, Site, utc_now
from storage.ipv6 import latest_ipv6
from tests.support.stub_dns import StubDns

FAST = FetchSettings(
    per_host_delay_s=0, jitter_s=0, retry_attempts=1, timeout_s=10, attempt_timeout_s=10
)


def settings(stub: StubDns, *, dns_timeout_s: float = 2.0) -> Ipv6Settings:
    return Ipv6Settings(
        nameservers=(("127.0.0.1", stub.port),), dns_timeout_s=dns_timeout_s, fetch=FAST
    )


def site(site_id: str, homepage: str) -> Site:
    return Site(id=site_id, name=f"{site_id}人民政府", homepage=homepage)


async def test_aaaa_and_homepage_over_ipv6_is_ok(stub_dns: StubDns, v6server: Served) -> None:
    gov = site("gov-ok", v6server.url("ok.gov.test"))
    [check] = await check_sites_ipv6([gov], settings=settings(stub_dns))
    assert check.outcome is Ipv6Outcome.OK, check.detail
    assert check.aaaa is True
    assert check.addresses == ("::1",)
    assert check.status == 200
    assert check.host == "ok.gov.test"
    # connected to ::1, but spoke to the site by its name
    assert ("/", f"ok.gov.test:{v6server.port}") in v6server.paths("IPv6")
    assert v6server.paths("IPv4") == []
    assert ("ok.gov.test", "AAAA") in stub_dns.queries
    assert ipv6_findings(gov, check) == []


async def test_no_aaaa_record_is_a_finding(stub_dns: StubDns, v6server: Served) -> None:
    gov = site("gov-v4", v6server.url("v4only.gov.test"))
    [check] = await check_sites_ipv6([gov], settings=settings(stub_dns))
    assert check.outcome is Ipv6Outcome.NO_AAAA
    assert check.aaaa is False
    assert check.addresses == ()
    assert "no AAAA record" in (check.detail or "")
    assert v6server.hits == []  # nothing fetched
    [finding] = ipv6_findings(gov, check)
    assert finding.code == "site-ipv6-missing"
    assert finding.message == "未完成IPv6改造"
    assert finding.severity is Severity.ADVISORY
    assert finding.evidence.url == gov.homepage
    assert finding.evidence.checked_at == check.checked_at
    assert "no AAAA record for v4only.gov.test" in (finding.evidence.detail or "")


async def test_nxdomain_is_no_aaaa(stub_dns: StubDns) -> None:
    [check] = await check_sites_ipv6(
        [site("gov-nx", "https://nowhere.gov.test/")], settings=settings(stub_dns)
    )
    assert check.outcome is Ipv6Outcome.NO_AAAA
    assert "NXDOMAIN" in (check.detail or "")


async def test_aaaa_but_nothing_listening_on_ipv6_is_fetch_failed(
    stub_dns: StubDns, v4server: Served
) -> None:
    gov = site("gov-v4served", v4server.url("ok.gov.test"))
    [check] = await check_sites_ipv6([gov], settings=settings(stub_dns))
    assert check.outcome is Ipv6Outcome.FETCH_FAILED, check.detail
    assert check.aaaa is True
    assert check.addresses == ("::1",)
    assert "GET over IPv6: connect_error" in (check.detail or "")
    assert "GET over IPv4: ok (HTTP 200)" in (check.detail or "")
    assert ("/", f"ok.gov.test:{v4server.port}") in v4server.paths("IPv4")
    [finding] = ipv6_findings(gov, check)
    assert "did not load over IPv6 while it loaded over IPv4" in (finding.evidence.detail or "")


async def test_a_site_down_on_both_families_is_unreachable_not_a_finding(
    stub_dns: StubDns, closed_port: int
) -> None:
    gov = site("gov-closed", f"http://ok.gov.test:{closed_port}/")
    [check] = await check_sites_ipv6([gov], settings=settings(stub_dns))
    assert check.outcome is Ipv6Outcome.UNREACHABLE
    assert "GET over IPv4: connect_error" in (check.detail or "")
    assert ipv6_findings(gov, check) == []


async def test_an_http_error_over_ipv6_only_is_fetch_failed(
    stub_dns: StubDns, v6server: Served
) -> None:
    [check] = await check_sites_ipv6(
        [site("gov-v6down", v6server.url("down.gov.test", "/v6down"))],
        settings=settings(stub_dns),
    )
    assert check.outcome is Ipv6Outcome.FETCH_FAILED
    assert check.status == 503


async def test_an_http_error_on_both_families_is_unreachable(
    stub_dns: StubDns, v6server: Served
) -> None:
    [check] = await check_sites_ipv6(
        [site("gov-down", v6server.url("down.gov.test", "/down"))], settings=settings(stub_dns)
    )
    assert check.outcome is Ipv6Outcome.UNREACHABLE
    assert check.status == 503


async def test_an_ipv6_only_site_that_fails_over_ipv6_is_unreachable(
    stub_dns: StubDns, closed_port: int
) -> None:
    [check] = await check_sites_ipv6(
        [site("gov-v6only", f"http://v6only.gov.test:{closed_port}/")],
        settings=settings(stub_dns),
    )
    assert check.outcome is Ipv6Outcome.UNREACHABLE
    assert "GET over IPv4: dns_error" in (check.detail or "")


async def test_a_redirect_to_a_host_without_aaaa_is_fetch_failed(
    stub_dns: StubDns, v6server: Served
) -> None:
    [check] = await check_sites_ipv6(
        [site("gov-away", v6server.url("ok.gov.test", "/to/v4only.gov.test"))],
        settings=settings(stub_dns),
    )
    assert check.outcome is Ipv6Outcome.FETCH_FAILED, check.detail
    assert "GET over IPv6: dns_error" in (check.detail or "")
    assert "GET over IPv4: ok" in (check.detail or "")


# waits out DNS timeouts
@pytest.mark.slow
async def test_a_redirect_whose_lookup_times_out_is_unknown(
    stub_dns: StubDns, v6server: Served
) -> None:
    gov = site("gov-away", v6server.url("ok.gov.test", "/to/slow.gov.test"))
    [check] = await check_sites_ipv6([gov], settings=settings(stub_dns, dns_timeout_s=0.3))
    assert check.outcome is Ipv6Outcome.DNS_FAILED, check.detail
    assert ipv6_findings(gov, check) == []


# waits out DNS timeouts
@pytest.mark.slow
async def test_resolver_timeout_is_unknown_not_a_finding(stub_dns: StubDns) -> None:
    gov = site("gov-slow", "http://slow.gov.test/")
    [check] = await check_sites_ipv6([gov], settings=settings(stub_dns, dns_timeout_s=0.3))
    assert check.outcome is Ipv6Outcome.DNS_FAILED
    assert check.aaaa is None
    assert "timed out" in (check.detail or "")
    assert ipv6_findings(gov, check) == []


async def test_servfail_is_unknown_not_a_finding(stub_dns: StubDns) -> None:
    gov = site("gov-broken", "http://broken.gov.test/")
    [check] = await check_sites_ipv6([gov], settings=settings(stub_dns))
    assert check.outcome is Ipv6Outcome.DNS_FAILED
    assert ipv6_findings(gov, check) == []


async def test_robots_refusal_over_ipv6_cannot_tell(stub_dns: StubDns, v6server: Served) -> None:
    gov = site("gov-private", v6server.url("ok.gov.test", "/private/"))
    [check] = await check_sites_ipv6([gov], settings=settings(stub_dns))
    assert check.outcome is Ipv6Outcome.BLOCKED
    assert ipv6_findings(gov, check) == []


async def test_ipv4_literal_homepage_is_not_checked(stub_dns: StubDns) -> None:
    gov = site("gov-demo", "http://127.0.0.1:47801/")
    [check] = await check_sites_ipv6([gov], settings=settings(stub_dns))
    assert check.outcome is Ipv6Outcome.NOT_CHECKED
    assert stub_dns.queries == []
    assert ipv6_findings(gov, check) == []


async def test_ipv6_literal_homepage_is_fetched_as_is(stub_dns: StubDns, v6server: Served) -> None:
    [check] = await check_sites_ipv6(
        [site("gov-v6", v6server.url("[::1]"))], settings=settings(stub_dns)
    )
    assert check.outcome is Ipv6Outcome.OK
    assert check.addresses == ("::1",)
    assert check.aaaa is None
    assert stub_dns.queries == []


# waits out DNS timeouts
@pytest.mark.slow
async def test_checks_are_stored_and_the_newest_is_read(
    engine: AsyncEngine, stub_dns: StubDns, v6server: Served
) -> None:
    sites = [
        site("gov-ok", v6server.url("ok.gov.test")),
        site("gov-v4", v6server.url("v4only.gov.test")),
        site("gov-slow", "http://slow.gov.test/"),
    ]
    before = utc_now()
    first = await check_sites_ipv6(
        sites, settings=settings(stub_dns, dns_timeout_s=0.3), engine=engine, now=before
    )
    stub_dns.aaaa["v4only.gov.test"] = ["::1"]  # the site completes its IPv6 work
    second = await check_sites_ipv6(
        sites[1:2], settings=settings(stub_dns), engine=engine, now=utc_now()
    )
    async with async_sessionmaker(engine)() as session:
        latest = await latest_ipv6(session, [s.id for s in sites] + ["gov-none"], utc_now())
        earlier = await latest_ipv6(session, ["gov-v4"], first[1].checked_at)
        none_yet = await latest_ipv6(session, ["gov-ok"], before - timedelta(seconds=1))
    assert set(latest) == {"gov-ok", "gov-v4", "gov-slow"}
    assert latest["gov-ok"] == first[0]
    assert latest["gov-v4"] == second[0]
    assert latest["gov-v4"].outcome is Ipv6Outcome.OK
    assert latest["gov-slow"].outcome is Ipv6Outcome.DNS_FAILED
    assert earlier["gov-v4"].outcome is Ipv6Outcome.NO_AAAA
    assert none_yet == {}
    summary = ipv6_summary([s.id for s in sites], latest)
    assert (summary.sites, summary.checked, summary.done) == (3, 2, 2)
    # A check older than its window (30 days by default) says nothing of the site now.
    async with async_sessionmaker(engine)() as session:
        month_later = await latest_ipv6(session, ["gov-ok"], before + timedelta(days=31))
        short = await latest_ipv6(session, ["gov-ok"], utc_now(), max_age=timedelta(0))
    assert month_later == {}
    assert short == {}


@pytest.mark.parametrize("count", [1, 3])
async def test_one_round_checks_every_site_in_order(
    stub_dns: StubDns, v6server: Served, count: int
) -> None:
    sites = [site(f"gov-{i}", v6server.url("ok.gov.test", f"/?i={i}")) for i in range(count)]
    checks = await check_sites_ipv6(sites, settings=settings(stub_dns))
    assert [c.site_id for c in checks] == [s.id for s in sites]
    assert all(c.outcome is Ipv6Outcome.OK for c in checks)

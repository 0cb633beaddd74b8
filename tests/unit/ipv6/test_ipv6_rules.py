"""The IPv6 rule and the 总体情况 count, on plain values."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.sites.ipv6 import parse_nameserver
from rules.ipv6 import Ipv6Check, Ipv6Outcome, ipv6_findings, ipv6_summary
from rules.model import Severity, Site

AT = datetime(2022, 6, 20, 2, 0, tzinfo=UTC)
SITE = Site(id="jyty", name="济源产城融合示范区教育体育局", homepage="https://jyty.example.gov.cn/")


def check(outcome: Ipv6Outcome, site_id: str = "jyty", **values: object) -> Ipv6Check:
    return Ipv6Check(
        site_id=site_id,
        url=SITE.homepage,
        host="jyty.example.gov.cn",
        checked_at=AT,
        outcome=outcome,
        **values,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("outcome", [Ipv6Outcome.NO_AAAA, Ipv6Outcome.FETCH_FAILED])
def test_no_ipv6_is_an_advisory_finding_with_evidence(outcome: Ipv6Outcome) -> None:
    [finding] = ipv6_findings(SITE, check(outcome, addresses=("2001:db8::1",), status=502))
    assert finding.code == "site-ipv6-missing"
    assert finding.message == "未完成IPv6改造"
    assert finding.severity is Severity.ADVISORY
    assert finding.column_id is None
    assert finding.evidence.url == SITE.homepage
    assert finding.evidence.checked_at == AT
    assert finding.evidence.threshold
    assert finding.extra["ipv6_outcome"] == outcome.value


@pytest.mark.parametrize(
    "outcome",
    [
        Ipv6Outcome.OK,
        Ipv6Outcome.DNS_FAILED,
        Ipv6Outcome.BLOCKED,
        Ipv6Outcome.NO_LOCAL_ROUTE,
        Ipv6Outcome.UNREACHABLE,
        Ipv6Outcome.NOT_CHECKED,
    ],
)
def test_ipv6_support_or_unknown_is_no_finding(outcome: Ipv6Outcome) -> None:
    assert ipv6_findings(SITE, check(outcome)) == []


def test_no_check_is_no_finding() -> None:
    assert ipv6_findings(SITE, None) == []


def test_all_sites_done_reads_like_the_notice() -> None:
    ids = [f"s{i}" for i in range(20)]
    summary = ipv6_summary(ids, {i: check(Ipv6Outcome.OK, i) for i in ids})
    assert summary.all_done
    assert summary.text == "20个政府网站已全部完成IPv6升级改造。"


def test_summary_counts_unknown_and_missing_apart() -> None:
    checks = {
        "a": check(Ipv6Outcome.OK, "a"),
        "b": check(Ipv6Outcome.NO_AAAA, "b"),
        "c": check(Ipv6Outcome.DNS_FAILED, "c"),
    }
    summary = ipv6_summary(["a", "b", "c", "d", "a"], checks)
    assert (summary.sites, summary.checked, summary.done, summary.unknown) == (4, 2, 1, 2)
    assert summary.text == "4个政府网站中,1个已完成IPv6升级改造,1个未完成,2个未能检测。"


def test_nothing_checked() -> None:
    summary = ipv6_summary(["a"], {"a": check(Ipv6Outcome.NOT_CHECKED, "a")})
    assert summary.text == "1个政府网站的IPv6升级改造情况未能检测。"
    assert not summary.all_done


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1", ("127.0.0.1", 53)),
        ("127.0.0.1:5353", ("127.0.0.1", 5353)),
        ("::1", ("::1", 53)),
        ("[::1]:5353", ("::1", 5353)),
        ("2001:db8::53", ("2001:db8::53", 53)),
    ],
)
def test_nameserver_forms(text: str, expected: tuple[str, int]) -> None:
    assert parse_nameserver(text) == expected


@pytest.mark.parametrize("text", ["dns.example", "127.0.0.1:0", "127.0.0.1:x", "[::1]x"])
def test_bad_nameservers(text: str) -> None:
    with pytest.raises(ValueError, match=r"IP address|port|IPV6"):
        parse_nameserver(text)

"""A stored IPv6 check, as the export writes it and the report reads it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from report_exports import export, site

from crawler.output.export import ipv6_to_dict
from crawler.report import parse_export
from rules.ipv6 import Ipv6Check, Ipv6Outcome


@pytest.mark.parametrize(
    ("outcome", "done"),
    [
        (Ipv6Outcome.OK, True),
        (Ipv6Outcome.NO_AAAA, False),
        (Ipv6Outcome.FETCH_FAILED, False),
        (Ipv6Outcome.DNS_FAILED, None),
        (Ipv6Outcome.BLOCKED, None),
        (Ipv6Outcome.NO_LOCAL_ROUTE, None),
        (Ipv6Outcome.NOT_CHECKED, None),
    ],
)
def test_the_report_reads_what_the_export_writes(outcome: Ipv6Outcome, done: bool | None) -> None:
    check = Ipv6Check(
        site_id="a",
        url="http://www.example.gov.cn/",
        host="www.example.gov.cn",
        checked_at=datetime(2022, 6, 30, 2, 0, tzinfo=UTC),
        addresses=("2001:db8::1",) if outcome is not Ipv6Outcome.NO_AAAA else (),
        aaaa=outcome is not Ipv6Outcome.NO_AAAA,
        outcome=outcome,
    )
    entry = ipv6_to_dict(check)
    assert entry["done"] is done
    assert entry["outcome"] == outcome.value
    (read,) = parse_export(export(sites=[site("a", "甲局", ipv6=entry)])).sites
    assert read.ipv6 is done


def test_a_site_without_a_check_is_unknown() -> None:
    (read,) = parse_export(export(sites=[site("a", "甲局", ipv6=None)])).sites
    assert read.ipv6 is None

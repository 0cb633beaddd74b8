"""Reading the findings export: versions, missing sections, clear errors."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from report_exports import export, site

from crawler.report import ReportDataError, parse_export


def test_a_whole_export_is_read() -> None:
    data = parse_export(export())
    assert (data.period_start, data.period_end) == (date(2022, 4, 1), date(2022, 6, 30))
    assert data.period_label == "2022年第二季度"
    assert [s.id for s in data.sites] == ["jiyuan-gov", "jyty", "zjj", "yjj"]
    assert data.accounts[0].posts_per_week[0] == (date(2022, 4, 4), 1)
    assert data.publishing[0].until == date(2022, 5, 20)
    assert data.disclosure is not None
    assert data.disclosure.by_level["village"].units == 550
    assert [u.complete for u in data.disclosure.units].count(False) == 1


def test_the_optional_sections_may_be_absent() -> None:
    data = parse_export(export(publishing=None, disclosure=None, accounts=None))
    assert data.publishing == ()
    assert data.disclosure is None
    assert data.accounts == ()


def test_one_publishing_object_is_read_as_a_list_of_one() -> None:
    entry = export()["publishing"][0]
    assert [p.site for p in parse_export(export(publishing=entry)).publishing] == ["jiyuan-gov"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"schema": "xunjian.findings/9"}, "schema 'xunjian.findings/9' is not a findings export"),
        ({"schema": None}, "schema None is not a findings export"),
        ({"period": None}, "export.period is missing"),
        ({"as_of": "yesterday"}, "export.as_of 'yesterday' is not an ISO time"),
        ({"sites": {"a": 1}}, "export.sites should be a list, not dict"),
        ({"sites": [site("a", "甲", score="100")]}, "sites[0].score should be a whole number"),
        ({"sites": [{"id": "a"}]}, "sites[0].name is missing"),
        ({"disclosure": {"units": [{"id": "x"}]}}, "disclosure.units[0].name is missing"),
        ({"publishing": [{"site": "a"}]}, "publishing[0].site_name is missing"),
    ],
)
def test_what_cannot_be_read_is_named(changes: dict[str, Any], message: str) -> None:
    document = export()
    document.update(changes)
    if changes.get("schema", "") is None:
        del document["schema"]
    if changes.get("period", "") is None:
        del document["period"]
    with pytest.raises(ReportDataError) as caught:
        parse_export(document)
    assert message in str(caught.value)


def test_a_document_that_is_not_an_object() -> None:
    with pytest.raises(ReportDataError, match="should be an object, not list"):
        parse_export([1, 2])

"""Nothing the data cannot say: pages with no fetch in the period are 未检查 (never "无法访问或被
拦截", never "未发现问题"), units not read are not banded, and a quarter judged before its end
says 截至 and judges no bands."""

from __future__ import annotations

import copy
from typing import Any

from report_exports import DISCLOSURE, SITES, export

from crawler.report import parse_export, text
from crawler.report.model import ReportData

SITE_IDS = [entry["id"] for entry in SITES]


def _coverage(**changes: Any) -> dict[str, Any]:
    coverage: dict[str, Any] = {
        "window_start": "2022-04-01T00:00:00+08:00",
        "in_progress": False,
        "sites_unchecked": [],
        "columns_unchecked": [],
        "accounts_unchecked": [],
    }
    coverage.update(changes)
    return coverage


def _data(**changes: Any) -> ReportData:
    return parse_export(export(**changes))


def _unread(disclosure: dict[str, Any], unit_ids: set[str] | None = None) -> dict[str, Any]:
    disclosure = copy.deepcopy(disclosure)
    for unit in disclosure["units"]:
        if unit_ids is None or unit["id"] in unit_ids:
            unit["published"] = 0
            unit["complete"] = False
            unit["columns"] = [{"id": "gk", "outcome": "not_read", "published": 0}]
    return disclosure


def test_a_period_with_no_fetch_says_nothing_was_checked() -> None:
    report = _data(
        coverage=_coverage(
            sites_unchecked=SITE_IDS,
            accounts_unchecked=["czj", "yjgl", "slt", "sl", "ok"],
        ),
        disclosure=_unread(DISCLOSURE),
    )
    assert text.site_overall(report, "示范区") == (
        "2022年第二季度，示范区正在运行的政府网站共4个，本期均未检查（无检查数据）。"
    )
    assert text.account_overall(report) == "正在运行的政务新媒体共5个，本期均未检查（无检查数据）。"
    assert text.main_problems(report) == (
        "本期无检查数据，未能检查政府网站和政务新媒体存在的问题。"
    )
    assert text.portal_publishing(report) == (
        "2022年第二季度，门户网站本期未检查，信息发布情况无检查数据。"
    )
    assert text.disclosure_basic(report) == "2022年第二季度，政务公开专栏本期未检查（无检查数据）。"
    everything = "".join(
        (
            text.site_overall(report),
            text.account_overall(report),
            text.main_problems(report),
            text.disclosure_basic(report),
        )
    )
    for false_claim in ("无法访问或被拦截", "未发现", "检查0个", "不足10条", "共0条"):
        assert false_claim not in everything


def test_some_unchecked_sites_are_named_apart_from_unreachable_ones() -> None:
    sites = copy.deepcopy(SITES)
    sites[1]["result"] = "无法判定"
    sites[1]["findings"] = [
        {"code": "site-unreachable", "severity": "unknown", "message": "首页无法访问(连接超时)"}
    ]
    sites[2]["result"] = "无法判定"
    report = _data(sites=sites, coverage=_coverage(sites_unchecked=[sites[2]["id"]]))
    sentence = text.site_overall(report)
    assert "检查2个，检查率50%" in sentence
    assert (
        f"另有1个政府网站检查时无法访问或被拦截，无法判定，未计入检查数（{sites[1]['name']}）"
        in (sentence)
    )
    assert f"另有1个政府网站本期未检查（无检查数据），未计入检查数（{sites[2]['name']}）" in (
        sentence
    )


def test_units_not_read_are_not_banded() -> None:
    report = _data(disclosure=_unread(DISCLOSURE, {"gxw", "llz"}))
    sentence = text.disclosure_basic(report)
    assert "梨林镇本期未检查" in sentence
    assert "工业和科技创新委员会" in sentence
    low = sentence.split("公开信息不足10条")[0]
    assert "梨林镇" not in low.rsplit("。", 1)[-1]  # not in the 不足10条 list
    assert "人力资源和社会保障局公开信息不足10条" in sentence


def test_a_quarter_in_progress_says_as_of_and_judges_no_bands() -> None:
    report = _data(
        as_of="2022-05-20T10:00:00+08:00",
        coverage=_coverage(in_progress=True),
    )
    assert report.in_progress
    assert text.site_overall(report).startswith("2022年第二季度（截至5月20日），正在运行的")
    sentence = text.disclosure_basic(report)
    assert sentence.startswith("2022年第二季度（截至5月20日），政务公开平台开通的专栏有591个")
    assert "各单位公开数量分档待本期结束后统计。" in sentence
    for band in ("超过200条", "超过100条", "不足20条", "不足10条"):
        assert band not in sentence


def test_an_export_without_coverage_reads_as_before() -> None:
    report = _data()
    assert report.coverage is None
    assert not report.in_progress  # as of 2022-07-05, after the quarter
    assert "本期" not in text.site_overall(report)

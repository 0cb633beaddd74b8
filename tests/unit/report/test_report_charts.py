"""``crawl report --format html --charts``: the weekly charts agree with the findings.

The exports here are built the way ``crawl findings`` builds them: account facts judged by the
real jiyuan profile (``judge_accounts``, which runs the rules engine) and written by the real
export builder. The chart must then draw every week of the period, a week without posts as a
zero mark, the weeks the rule did not judge as 未判定, the Mondays on the date axis, and the
minimum as a line behind the bars; and the weeks it shows judged and under the minimum are the
finding's occurrences, week for week.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from report_exports import export as literal_export
from selectolax.lexbor import LexborHTMLParser, LexborNode

from crawler.accounts.judging import judge_accounts
from crawler.output.export import build_export
from crawler.report import parse_export, render
from crawler.report.html import chart_weeks
from crawler.targets import AccountTarget
from rules.facts import Account, AccountFacts, Platform
from rules.model import SHANGHAI, Outcome
from rules.period import Period
from rules.profile_files import load_profile
from rules.weeks import complete_weeks, period_weeks

ROOT = Path(__file__).resolve().parents[3]
JIYUAN = load_profile("jiyuan")
Q2 = Period.parse("2022Q2")  # Friday 2022-04-01 .. Thursday 2022-06-30
AS_OF = datetime(2022, 7, 5, 2, 0, tzinfo=UTC)  # a quarterly check in early July
WEEKS = period_weeks(Q2)  # 14: 2022-03-28 and 2022-06-27 only partly inside
INNER = complete_weeks(Q2, AS_OF)  # the 12 weeks the rule judges: 2022-04-04 .. 2022-06-20
ZERO_WEEK = INNER[5]  # 2022-05-09
SHORT_WEEK = INNER[8]  # 2022-05-30


def facts(
    account_id: str,
    counts: Mapping[date, int],
    *,
    newest_post: datetime = AS_OF - timedelta(days=1),
    history_since: datetime = datetime(2022, 3, 1, tzinfo=SHANGHAI),
    history_gaps: tuple[tuple[datetime, datetime], ...] = (),
) -> AccountFacts:
    return AccountFacts(
        account=Account(id=account_id, name=f"账号{account_id}", platform=Platform.WEIBO),
        url=f"http://127.0.0.1:9/{account_id}",
        checked_at=AS_OF,
        outcome=Outcome.OK,
        newest_post=newest_post,
        # as storage gives them: the weeks with posts only
        posts_per_week={week: n for week, n in counts.items() if n},
        history_since=history_since,
        history_gaps=history_gaps,
    )


def busy() -> dict[date, int]:
    """Three posts in every week of the period, but the boundary weeks' one (the posts inside
    the period of a partial week)."""
    return {week: 1 if week not in INNER else 3 for week in WEEKS}


ACCOUNTS = [
    # 5 points off for one week without a post; the partial weeks hold one post each.
    facts("zero", busy() | {ZERO_WEEK: 0}),
    # two short weeks, one of them with no post
    facts("two", busy() | {ZERO_WEEK: 0, SHORT_WEEK: 1}),
    # every week full: passes, so not in 附件2 and not charted
    facts("ok", busy()),
    # a week whose posts may have scrolled off the feed unseen: the rule judges no week, and
    # the account is in 附件2 for its newest post being 20 days old (a veto)
    facts(
        "gap",
        busy() | {SHORT_WEEK: 0},
        newest_post=AS_OF - timedelta(days=20),
        history_gaps=(
            (
                datetime(2022, 5, 29, 20, tzinfo=SHANGHAI),
                datetime(2022, 6, 2, 9, tzinfo=SHANGHAI),
            ),
        ),
    ),
]


def documented_schema() -> dict[str, Any]:
    text = (ROOT / "docs" / "findings-schema.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"```json\n(.*?)\n```", text, re.S)
    schema: dict[str, Any] = json.loads(block)
    return schema


@pytest.fixture(scope="module")
def export() -> dict[str, Any]:
    targets = [
        AccountTarget(
            account=f.account,
            label="微博",
            source_kind="feed",
            source_url=f.url,
            profile="jiyuan",
        )
        for f in ACCOUNTS
    ]
    reports = judge_accounts(targets, ACCOUNTS, {"jiyuan": JIYUAN}, now=AS_OF, period=Q2)
    return build_export([], reports, [], as_of=AS_OF, period=Q2, generated_at=AS_OF)


@pytest.fixture(scope="module")
def charts(export: dict[str, Any]) -> dict[str, LexborNode]:
    page = render(parse_export(export), "html", charts=True)
    assert isinstance(page, str)
    tree = LexborHTMLParser(page)
    return {str(svg.attributes["data-account"]): svg for svg in tree.css("svg.weekly-chart")}


def entry(export: dict[str, Any], account_id: str) -> dict[str, Any]:
    (found,) = (a for a in export["accounts"] if a["id"] == account_id)
    assert isinstance(found, dict)
    return found


def first(node: LexborNode, selector: str) -> LexborNode:
    found = node.css_first(selector)
    assert found is not None, selector
    return found


def drawn(svg: LexborNode) -> list[dict[str, Any]]:
    return [
        {
            "monday": date.fromisoformat(str(g.attributes["data-monday"])),
            "posts": int(str(g.attributes["data-posts"])),
            "judged": g.attributes["data-judged"],
            "below": g.attributes["data-below"] == "true",
            "title": first(g, "title").text(),
            "height": float(str(first(g, "rect").attributes["height"])),
        }
        for g in svg.css("g.week")
    ]


# --- the export ----------------------------------------------------------------------------


def test_the_export_lists_every_week_with_zero_weeks_and_says_which_were_judged(
    export: dict[str, Any],
) -> None:
    jsonschema.validate(export, documented_schema())
    zero = entry(export, "zero")
    assert zero["weekly_rule"] == {"rule": "account-weekly-posts", "min_posts": 2}
    weeks = zero["weeks"]
    assert [w["monday"] for w in weeks] == [week.isoformat() for week in WEEKS]
    assert ZERO_WEEK.isoformat() not in zero["posts_per_week"]  # the old field: posts only
    by_week = {w["monday"]: w for w in weeks}
    assert by_week[ZERO_WEEK.isoformat()] == {
        "monday": "2022-05-09",
        "posts": 0,
        "judged": True,
        "reason": None,
    }
    assert by_week["2022-03-28"] == {
        "monday": "2022-03-28",
        "posts": 1,
        "judged": False,
        "reason": "partial-week",
    }
    assert by_week["2022-06-27"]["reason"] == "partial-week"
    assert [w["monday"] for w in weeks if w["judged"]] == [week.isoformat() for week in INNER]


def test_a_history_gap_leaves_its_week_and_so_the_period_unjudged(
    export: dict[str, Any],
) -> None:
    gap = entry(export, "gap")
    reasons = {w["monday"]: w["reason"] for w in gap["weeks"]}
    assert reasons[SHORT_WEEK.isoformat()] == "history-gap"
    assert reasons["2022-03-28"] == reasons["2022-06-27"] == "partial-week"
    others = {reasons[w.isoformat()] for w in INNER if w != SHORT_WEEK}
    assert others == {"period-not-judged"}
    assert not any(w["judged"] for w in gap["weeks"])
    assert [n["rule"] for n in gap["not_judged"]] == ["account-weekly-posts"]


# --- the charts ----------------------------------------------------------------------------


def test_only_the_accounts_of_attachment_2_are_charted(charts: dict[str, LexborNode]) -> None:
    assert list(charts) == ["zero", "two", "gap"]


def test_a_week_without_posts_that_lost_points_is_a_zero_bar(
    export: dict[str, Any], charts: dict[str, LexborNode]
) -> None:
    (finding,) = entry(export, "zero")["findings"]
    assert finding["message"] == "“两微一端”每周更新的内容少于2次,发现1次(扣5分)"
    weeks = {w["monday"]: w for w in drawn(charts["zero"])}
    zero = weeks[ZERO_WEEK]
    assert (zero["posts"], zero["judged"], zero["below"]) == (0, "true", True)
    assert zero["height"] > 0  # a visible mark on the axis, not nothing
    assert zero["title"] == "2022年5月9日起一周：0条，少于每周2条"
    g = next(g for g in charts["zero"].css("g.week") if g.attributes["data-monday"] == "2022-05-09")
    assert first(g, "rect").attributes["fill"] == "#c0392b"
    assert first(g, "text").text() == "0"


def test_the_partial_weeks_are_drawn_and_marked_not_judged(
    charts: dict[str, LexborNode],
) -> None:
    svg = charts["zero"]
    weeks = drawn(svg)
    assert [w["monday"] for w in weeks] == WEEKS
    for first_or_last in (weeks[0], weeks[-1]):
        assert first_or_last["judged"] == "false"
        assert "未判定" in first_or_last["title"]
        assert "跨检查期" in first_or_last["title"]
    partial = [g for g in svg.css("g.week") if g.attributes["data-judged"] == "false"]
    assert {first(g, "rect").attributes["fill"] for g in partial} == {"url(#wk1-hatch)"}
    # one 未判定 label under each, centred under its bar
    labels = svg.css("text.unjudged")
    assert [t.text() for t in labels] == ["未判定", "未判定"]
    dates = {str(t.attributes["data-monday"]): t for t in svg.css("text.date")}
    assert [t.attributes["x"] for t in labels] == [
        dates["2022-03-28"].attributes["x"],
        dates["2022-06-27"].attributes["x"],
    ]


def test_the_date_axis_names_each_monday_under_its_bar(charts: dict[str, LexborNode]) -> None:
    svg = charts["two"]
    dates = svg.css("text.date")
    assert [t.text() for t in dates] == [f"{w.month}/{w.day}" for w in WEEKS]
    assert dates[0].text() == "3/28"
    for label, g in zip(dates, svg.css("g.week"), strict=True):
        assert label.attributes["data-monday"] == g.attributes["data-monday"]
        rect = first(g, "rect")
        middle = float(str(rect.attributes["x"])) + float(str(rect.attributes["width"])) / 2
        assert float(str(label.attributes["x"])) == pytest.approx(middle, abs=0.11)


def test_a_crowded_axis_is_thinned() -> None:
    document = literal_export(
        period={"start": "2022-01-01", "end": "2022-12-31", "label": "2022年"}
    )
    page = render(parse_export(document), "html", charts=True)
    assert isinstance(page, str)
    svg = LexborHTMLParser(page).css_first("svg.weekly-chart")
    assert svg is not None
    weeks = svg.css("g.week")
    dates = svg.css("text.date")
    assert len(weeks) == 53  # 2021-12-27 .. 2022-12-26
    assert 1 < len(dates) < len(weeks)
    xs = [float(str(t.attributes["x"])) for t in dates]
    assert min(b - a for a, b in itertools.pairwise(xs)) >= 28  # no label overlaps


def test_the_threshold_line_is_drawn_behind_the_bars(charts: dict[str, LexborNode]) -> None:
    for svg in charts.values():
        html = svg.html or ""
        line = first(svg, "line.threshold")
        assert first(line, "title").text() == "每周最低2条"
        # SVG paints in document order: a line before every bar runs behind them.
        assert html.index('class="threshold"') < html.index('class="week"')
        base = max(float(str(first(g, "rect").attributes["y"])) for g in svg.css("g.week"))
        assert float(str(line.attributes["y1"])) < base  # above the axis: 2 posts, not 0


def test_the_weeks_charted_are_the_weeks_the_rule_judged(
    export: dict[str, Any], charts: dict[str, LexborNode]
) -> None:
    for account_id, svg in charts.items():
        account = entry(export, account_id)
        judged = [w["monday"] for w in drawn(svg) if w["judged"] == "true"]
        below = [w["monday"] for w in drawn(svg) if w["judged"] == "true" and w["below"]]
        weekly = [f for f in account["findings"] if f["rule"] == "account-weekly-posts"]
        assert len(below) == sum(f["occurrences"] for f in weekly)
        for finding in weekly:
            # the rule's own account of the weeks it judged, in its evidence
            detail = finding["evidence"]["detail"]
            listed = re.findall(r"(\d{4}-\d\d-\d\d): (\d+)", detail)
            assert [date.fromisoformat(d) for d, _ in listed] == judged
    assert [w["monday"] for w in drawn(charts["two"]) if w["below"] and w["judged"] == "true"] == [
        ZERO_WEEK,
        SHORT_WEEK,
    ]
    gap = drawn(charts["gap"])
    assert all(w["judged"] == "false" for w in gap)
    figure = charts["gap"].parent
    assert figure is not None
    caption = first(figure, "figcaption")
    assert caption.text().endswith("：本期未按每周发布数判定，14周均未判定")


def test_each_chart_has_a_title_and_a_description(charts: dict[str, LexborNode]) -> None:
    svg = charts["two"]
    assert svg.attributes["role"] == "img"
    assert svg.attributes["aria-labelledby"] == "wk2-t wk2-d"
    title, desc = first(svg, "title#wk2-t"), first(svg, "desc#wk2-d")
    assert title.text() == "账号two每周发布数"
    assert desc.text() == (
        "2022年第二季度共14周的每周发布条数。判定12周，其中2周少于2条；未判定2周"
        "（少于2条的周：5/9、5/30）。"
    )


def test_an_older_export_is_drawn_from_posts_per_week() -> None:
    """An export without ``weeks``: the weeks it lacks had no posts, the partial weeks were
    not judged, and whether the others were is not said."""
    data = parse_export(literal_export())
    account = data.accounts[0]
    assert account.weeks == ()
    weeks = chart_weeks(account, data)
    assert [w.monday for w in weeks] == WEEKS
    assert [w.posts for w in weeks] == [0, 1, 1, 3, 3] + [0] * 9
    assert [w.judged for w in weeks] == [False] + [None] * 12 + [False]
    page = render(data, "html", charts=True)
    assert isinstance(page, str)
    caption = LexborHTMLParser(page).css_first("figcaption")
    assert caption is not None
    assert "导出文件未注明其余各周是否判定" in caption.text()


def test_charts_are_drawn_with_the_option_only(export: dict[str, Any]) -> None:
    data = parse_export(export)
    page = render(data, "html")
    assert isinstance(page, str)
    assert "<svg" not in page
    assert "图表" not in page
    with pytest.raises(ValueError, match="HTML report only"):
        render(data, "md", charts=True)

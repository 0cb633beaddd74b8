"""Scoring: points per occurrence, caps, the floor at 0, the pass line, vetoes, JSON form."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from engine_builders import NOW, TODAY, account, home, page, site

from rules.engine import evaluate
from rules.evaluation import ObjectResult, Result
from rules.facts import SiteFacts
from rules.model import Outcome
from rules.period import Period
from rules.profile import Profile
from rules.profile_files import load_profile
from rules.weeks import complete_weeks

Q2 = Period.parse("2022Q2")

LOCAL = """id: local
name: 本地
extends: national-2019
rules:
  - code: columns-not-updated
    enabled: false
  - code: stale-column-deduction
    title: 栏目未及时更新
    object: site
    measure: count_column_verdicts
    params: {{verdicts: [stale]}}
    threshold: {{op: gte, value: 1}}
    effect: deduct
    points: {points}
    {cap}
    message: "{{count}}个栏目未及时更新({{columns}}),扣{{points}}分"
    source: test
    verified: "no"
"""


def profile(tmp_path: Path, *, points: int, cap: int | None = None) -> Profile:
    path = tmp_path / "local.yaml"
    path.write_text(
        LOCAL.format(points=points, cap=f"cap: {cap}" if cap is not None else ""),
        encoding="utf-8",
    )
    return load_profile(path)


def stale_site(count: int) -> SiteFacts:
    return site([page(f"n{i}", newest=TODAY - timedelta(days=15)) for i in range(count)])


def score(tmp_path: Path, stale: int, *, points: int, cap: int | None = None) -> ObjectResult:
    rules = profile(tmp_path, points=points, cap=cap)
    return evaluate([stale_site(stale)], [], rules, now=NOW, period=Q2).sites[0]


def test_points_per_occurrence(tmp_path: Path) -> None:
    result = score(tmp_path, 3, points=4)
    assert (result.score, result.deducted) == (88, 12)
    [finding] = [f for f in result.findings if f.rule == "stale-column-deduction"]
    assert finding.finding.message == "3个栏目未及时更新(n0、n1、n2),扣12分"
    assert (finding.occurrences, finding.points) == (3, 12)


def test_cap_limits_a_rule(tmp_path: Path) -> None:
    assert score(tmp_path, 6, points=4, cap=10).score == 90


@pytest.mark.parametrize(("stale", "expected", "verdict"), [(4, 60, "合格"), (5, 59, "不合格")])
def test_exactly_the_pass_score_passes(
    tmp_path: Path, stale: int, expected: int, verdict: str
) -> None:
    result = score(tmp_path, stale, points=10 if stale == 4 else 8, cap=None)
    if stale == 5:
        result = evaluate(
            [stale_site(41)],
            [],
            profile(tmp_path, points=1),
            now=NOW,
            period=Q2,
        ).sites[0]
    assert result.score == expected
    assert result.result.value == verdict


def test_score_floors_at_zero(tmp_path: Path) -> None:
    result = score(tmp_path, 12, points=10)
    assert (result.deducted, result.score) == (120, 0)
    assert result.result is Result.FAILED


def test_disabled_rule_does_not_veto(tmp_path: Path) -> None:
    result = score(tmp_path, 6, points=1)
    assert result.vetoes == ()
    assert result.score == 94
    national = evaluate([stale_site(6)], [], load_profile("national-2019"), now=NOW, period=Q2)
    assert national.sites[0].vetoes == ("columns-not-updated",)


def test_a_veto_fails_whatever_the_score() -> None:
    national = load_profile("national-2019")
    result = evaluate([stale_site(5)], [], national, now=NOW, period=Q2).sites[0]
    assert result.score == 100
    assert result.result is Result.FAILED
    assert result.vetoes == ("columns-not-updated",)
    effects = [f.effect.value for f in result.findings]
    assert effects == ["veto"] + ["note"] * 5


def test_not_judged_never_fails_or_deducts(tmp_path: Path) -> None:
    rules = profile(tmp_path, points=30)
    columns = [
        page("n0", newest=TODAY - timedelta(days=15)),
        *(page(f"u{i}", outcome=Outcome.BLOCKED, newest=None) for i in range(3)),
    ]
    result = evaluate([site(columns)], [], rules, now=NOW, period=Q2).sites[0]
    # one stale column is found; the blocked ones cannot change "≥ 1" — judged, 30 points
    assert result.score == 70
    blocked = [f.finding.code for f in result.findings if f.rule is None]
    assert blocked == ["column-stale", "column-blocked", "column-blocked", "column-blocked"]


def test_evaluate_many_objects_and_the_json_form() -> None:
    jiyuan = load_profile("jiyuan")
    after = datetime(2022, 7, 5, 2, 0, tzinfo=NOW.tzinfo)
    accounts = [
        account(
            account_id="a1",
            checked_at=after,
            newest_post=after,
            posts_per_week={week: 2 for week in complete_weeks(Q2, after)},
        ),
        account(account_id="a2", outcome=Outcome.BLOCKED, checked_at=after),
    ]
    evaluation = evaluate(
        [stale_site(5), site(homepage=home(newest=after.date()))],
        accounts,
        jiyuan,
        now=after,
        period=Q2,
    )
    assert [r.result for r in evaluation.sites] == [Result.FAILED, Result.PASSED]
    data = evaluation.as_dict()
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    assert '"result": "不合格"' in text
    assert data["profile"] == {"id": "jiyuan", "name": jiyuan.name}
    assert data["period"] == {"start": "2022-04-01", "end": "2022-06-30", "label": "2022年第二季度"}
    assert data["totals"] == {
        "sites": {"checked": 2, "passed": 1, "unknown": 0, "pass_rate": 0.5},
        # one account's source could not be judged: 无法判定, not counted as checked
        "accounts": {"checked": 1, "passed": 1, "unknown": 1, "pass_rate": 1.0},
    }
    first = data["sites"][0]  # type: ignore[index]
    assert first["vetoes"] == ["homepage-not-updated", "columns-not-updated"]
    veto = first["findings"][1]
    assert veto["evidence"]["url"] == "http://x/"
    assert veto["threshold"] == "≥ 5"
    assert veto["extra"]["verified"] == "yes"
    blocked = data["accounts"][1]  # type: ignore[index]
    assert {item["rule"] for item in blocked["not_judged"]} == {
        "account-not-updated",
        "account-dormant",
        "account-weekly-posts",
    }


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        evaluate([], [], load_profile("national-2019"), now=datetime(2022, 6, 20), period=Q2)


def test_a_vetoed_object_is_not_scored_unless_the_profile_says(tmp_path: Path) -> None:
    national = load_profile("national-2019")
    assert national.veto_score is None
    vetoed = evaluate([stale_site(5)], [], national, now=NOW, period=Q2).sites[0]
    # 即判定为不合格网站，不再对其他指标进行评分: a notice prints no score for it
    assert vetoed.score_text == "单项否决"
    assert vetoed.as_dict()["score_text"] == "单项否决"
    passed = evaluate([stale_site(1)], [], national, now=NOW, period=Q2).sites[0]
    assert passed.score_text == "100"

    path = tmp_path / "zero.yaml"
    path.write_text("id: zero\nname: 零分\nextends: national-2019\nveto_score: 0\n", "utf-8")
    zero = evaluate([stale_site(5)], [], load_profile(path), now=NOW, period=Q2).sites[0]
    assert (zero.result, zero.score, zero.score_text) == (Result.FAILED, 0, "0")

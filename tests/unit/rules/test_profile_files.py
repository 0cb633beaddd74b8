"""Profiles as YAML data: the bundled profiles, inheritance, overrides and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules.freshness import Verdict
from rules.measures.account import WeeksBelowParams
from rules.measures.columns import CountColumnVerdictsParams
from rules.model import Category
from rules.profile import Effect, ObjectKind, Op, ProfileError, Verified
from rules.profile_files import bundled_profiles, load_profile

CHILD_RULE = """
  - code: account-weekly-posts
    title: 每周更新少于2次
    object: account
    measure: weeks_below
    params: {min_posts: 2}
    threshold: {op: gte, value: 1}
    effect: deduct
    points: 5
    message: "发现{count}次(扣{points}分)"
    source: test
    verified: partial
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def child(tmp_path: Path, rules: str, *, extends: str = "national-2019") -> Path:
    return write(
        tmp_path, "local.yaml", f"id: local\nname: 本地\nextends: {extends}\nrules:{rules}"
    )


def test_bundled_profiles_load() -> None:
    assert bundled_profiles() == ["jiyuan", "national-2019"]
    national = load_profile("national-2019")
    assert (national.pass_score, national.base_score) == (60, 100)
    assert national.windows[Category.NEWS].days == 14
    assert national.windows[Category.NOTICE].months == 6
    vetoes = {rule.code for rule in national.rules if rule.effect is Effect.VETO}
    assert vetoes == {
        "site-unavailable",
        "homepage-not-updated",
        "columns-not-updated",
        "columns-overdue",
        "columns-empty",
        "board-unanswered",
        "account-not-updated",
    }
    unavailable = national.rule("site-unavailable")
    assert unavailable.threshold.op is Op.GTE
    assert unavailable.threshold.value == 0.05
    assert unavailable.verified is Verified.YES  # YAML "yes" is not read as a boolean
    policy = national.rule("policy-column-not-updated")
    assert policy.object is ObjectKind.COLUMN
    assert (policy.points, policy.cap, policy.verified) == (5, 5, Verified.PARTIAL)
    stale = national.rule("columns-not-updated").params
    assert isinstance(stale, CountColumnVerdictsParams)
    assert stale.categories == (Category.NEWS, Category.NOTICE)
    assert Verdict.UNDATED in stale.verdicts


def test_jiyuan_extends_national_and_adds_the_weekly_rule() -> None:
    jiyuan = load_profile("jiyuan")
    national = load_profile("national-2019")
    assert jiyuan.extends == "national-2019"
    assert [r.code for r in jiyuan.rules[: len(national.rules)]] == [r.code for r in national.rules]
    weekly = jiyuan.rule("account-weekly-posts")
    assert (weekly.effect, weekly.points, weekly.cap) == (Effect.DEDUCT, 5, None)
    assert weekly.message == "“两微一端”每周更新的内容少于2次,发现{count}次(扣{points}分)"
    assert isinstance(weekly.params, WeeksBelowParams)
    assert weekly.params.min_posts == 2
    assert jiyuan.files[0].endswith("national-2019.yaml")


def test_a_path_loads_too(tmp_path: Path) -> None:
    path = child(tmp_path, " []")
    profile = load_profile(path)
    assert profile.id == "local"
    assert len(profile.rules) == len(load_profile("national-2019").rules)
    assert load_profile(str(path)).id == "local"


def test_override_disable_and_add(tmp_path: Path) -> None:
    path = child(
        tmp_path,
        """
  - code: columns-not-updated
    threshold: {value: 3}
    params: {categories: [news]}
  - code: account-dormant
    enabled: false
  - code: policy-column-not-updated
    points: 3
    cap: 6
    message: "{column}未更新(扣{points}分)"
"""
        + CHILD_RULE,
    )
    profile = load_profile(path)
    stale = profile.rule("columns-not-updated")
    assert stale.threshold.op is Op.GTE  # kept from the parent
    assert stale.threshold.value == 3
    assert isinstance(stale.params, CountColumnVerdictsParams)
    assert stale.params.categories == (Category.NEWS,)
    assert stale.params.verdicts == (Verdict.STALE, Verdict.UNDATED)  # merged key by key
    assert stale.effect is Effect.VETO
    assert not profile.rule("account-dormant").enabled
    assert "account-dormant" not in {rule.code for rule in profile.enabled_rules}
    policy = profile.rule("policy-column-not-updated")
    assert (policy.points, policy.cap) == (3, 6)
    assert policy.defined_in == str(path.resolve())
    assert profile.rule("account-weekly-posts").points == 5


def test_override_of_scores_and_windows(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "local.yaml",
        "id: local\nname: 本地\nextends: jiyuan\npass_score: 70\n"
        "windows:\n  news: {days: 7, label: 1周}\n",
    )
    profile = load_profile(path)
    assert profile.pass_score == 70
    assert profile.base_score == 100
    assert profile.windows[Category.NEWS].label == "1周"
    assert profile.windows[Category.NOTICE].months == 6  # inherited
    assert len(profile.files) == 3


def error_of(path: Path | str) -> str:
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    return str(caught.value)


def test_bad_yaml_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", "id: x\nname: [unclosed\nrules: []\n")
    message = error_of(path)
    assert str(path) in message
    assert "line 3" in message
    assert "not valid YAML" in message


def test_not_a_mapping(tmp_path: Path) -> None:
    assert "not a mapping" in error_of(write(tmp_path, "list.yaml", "- a\n- b\n"))


def test_unknown_key_names_its_path_and_the_allowed_keys(tmp_path: Path) -> None:
    path = child(tmp_path, "\n  - code: columns-empty\n    treshold: {op: gte, value: 3}\n")
    message = error_of(path)
    assert f"{path}: rules[0].treshold: unknown key 'treshold'" in message
    assert "threshold" in message.split("—")[1]
    top = write(tmp_path, "top.yaml", "id: x\nname: y\nrule: []\n")
    assert "(top level)" not in error_of(top)
    assert "rule: unknown key 'rule'" in error_of(top)


def test_bad_threshold_op(tmp_path: Path) -> None:
    path = child(tmp_path, "\n  - code: columns-empty\n    threshold: {op: ge, value: 3}\n")
    message = error_of(path)
    assert "rules[0].threshold.op" in message
    assert "'gt', 'gte', 'lt' or 'lte'" in message


def test_unknown_measure(tmp_path: Path) -> None:
    path = child(tmp_path, CHILD_RULE.replace("weeks_below", "weekly_posts"))
    message = error_of(path)
    assert "rules[0].measure: unknown measure 'weekly_posts'" in message
    assert "weeks_below" in message  # lists the measures to choose from


def test_measure_for_another_object(tmp_path: Path) -> None:
    path = child(tmp_path, CHILD_RULE.replace("object: account", "object: site"))
    assert "rules[0].object: measure 'weeks_below' measures a account" in error_of(path)


def test_unknown_and_bad_params(tmp_path: Path) -> None:
    path = child(tmp_path, CHILD_RULE.replace("{min_posts: 2}", "{min_post: 2}"))
    message = error_of(path)
    assert "rules[0].params.min_post: unknown key" in message
    assert "min_posts" in message
    path = child(tmp_path, CHILD_RULE.replace("{min_posts: 2}", "{weeks: rolling}"))
    assert "rules[0].params.weeks" in error_of(path)
    bad_verdict = "\n  - code: columns-empty\n    params: {verdicts: [unreachable]}\n"
    message = error_of(child(tmp_path, bad_verdict))
    assert "rules[0].params" in message
    assert "never a problem" in message


def test_new_rule_missing_fields(tmp_path: Path) -> None:
    path = child(tmp_path, "\n  - code: column-empty\n    points: 3\n")  # a typo of columns-empty
    message = error_of(path)
    assert "rules[0].title: rule 'column-empty' has no title" in message
    assert "spelling of its code" in message


def test_effect_and_points_must_agree(tmp_path: Path) -> None:
    assert "needs points" in error_of(child(tmp_path, CHILD_RULE.replace("points: 5", "")))
    veto_points = "\n  - code: columns-empty\n    points: 5\n"
    assert "only to deduct" in error_of(child(tmp_path, veto_points))


def test_message_template_fields_are_checked(tmp_path: Path) -> None:
    path = child(tmp_path, CHILD_RULE.replace("{count}", "{cnt}"))
    message = error_of(path)
    assert "rules[0].message: unknown template fields ['cnt']" in message
    assert "weeks_judged" in message
    assert "bad template" in error_of(child(tmp_path, CHILD_RULE.replace("{count}", "{count")))


def test_bad_code_and_duplicates(tmp_path: Path) -> None:
    assert "rules[0].code" in error_of(child(tmp_path, CHILD_RULE.replace("account-weekly", "A_")))
    assert "appears twice" in error_of(child(tmp_path, CHILD_RULE + CHILD_RULE))


def test_extends_cycle(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "id: a\nname: a\nextends: b.yaml\n")
    write(tmp_path, "b.yaml", "id: b\nname: b\nextends: a.yaml\n")
    message = error_of(tmp_path / "a.yaml")
    assert "extends: extends cycle" in message
    assert "remove one of the extends" in message


def test_missing_parent_and_missing_profile(tmp_path: Path) -> None:
    message = error_of(child(tmp_path, " []", extends="nationa-2019"))
    assert "local.yaml: extends: no bundled profile named 'nationa-2019'" in message
    assert "national-2019" in message.split("—")[1]
    assert "does not exist" in error_of(child(tmp_path, " []", extends="./parent.yaml"))
    assert "no bundled profile named 'nope'" in error_of("nope")


def test_pass_score_above_base(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", "id: p\nname: p\nextends: national-2019\npass_score: 120\n")
    assert "pass_score: pass_score 120 is above base_score 100" in error_of(path)


def test_windows_only_for_windowed_categories(tmp_path: Path) -> None:
    path = write(tmp_path, "w.yaml", "id: w\nname: w\nwindows:\n  update: {days: 3, label: 3天}\n")
    assert "windows.update" in error_of(path)
    empty = write(tmp_path, "e.yaml", "id: e\nname: e\nwindows:\n  news: {label: 无}\n")
    assert "windows.news: the window is empty" in error_of(empty)

"""The targets file: what it accepts, and that every mistake names the file, path and remedy."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.targets import TargetsError, load_targets, parse_targets
from rules.model import Category

GOOD = """
version: 1
sites:
  - id: jyty
    name: 济源产城融合示范区教育体育局
    homepage: http://127.0.0.1:8000/
    site_code: 4190000003
    columns:
      - name: 图片新闻
        url: http://127.0.0.1:8000/tpxw/index.html
        category: 动态
      - id: bmys
        name: 部门预算
        url: http://127.0.0.1:8000/bmys/
        category: update
        max_age_days: 365
      - name: 机构概况
        url: http://127.0.0.1:8000/jggk/
        category: static
        selector: "ul.list > li"
"""


def test_a_good_file() -> None:
    (site,) = parse_targets(GOOD).sites
    assert site.id == "jyty"
    assert site.site_code == "4190000003"
    assert site.respect_robots
    news, budget, static = site.columns
    assert news.category is Category.NEWS
    assert news.id == "tpxw"
    assert budget.id == "bmys"
    assert budget.max_age_days == 365
    assert static.selector == "ul.list > li"


def problems(text: str) -> list[str]:
    with pytest.raises(TargetsError) as info:
        parse_targets(text, source="t.yaml")
    assert all(str(info.value).startswith("t.yaml: ") for _ in [0])
    return info.value.problems


def test_bad_url_names_the_path_and_the_remedy() -> None:
    (problem,) = problems(GOOD.replace("http://127.0.0.1:8000/bmys/", "htp://x"))
    assert problem.startswith("sites[0].columns[1].url: ")
    assert "http:// or https://" in problem


def test_unknown_key() -> None:
    (problem,) = problems(GOOD.replace("    site_code:", "    sitecode:"))
    assert problem.startswith("sites[0].sitecode: unknown key")


def test_bad_category_lists_the_choices() -> None:
    (problem,) = problems(GOOD.replace("category: 动态", "category: 新闻类"))
    assert problem.startswith("sites[0].columns[0].category: unknown category '新闻类'")
    assert "news" in problem


def test_update_needs_max_age() -> None:
    (problem,) = problems(GOOD.replace("        max_age_days: 365\n", ""))
    assert problem.startswith("sites[0].columns[1].max_age_days: ")


def test_duplicate_site_ids() -> None:
    text = GOOD + GOOD.split("sites:\n", 1)[1]
    (problem,) = problems(text)
    assert problem.startswith("sites[1].id: duplicate id 'jyty'")


def test_duplicate_column_ids() -> None:
    (problem,) = problems(GOOD.replace("id: bmys", "id: tpxw"))
    assert "duplicate column id 'tpxw'" in problem


def test_bad_yaml_names_the_line() -> None:
    (problem,) = problems("sites:\n  - id: a\n   name: b\n")
    assert "line 3" in problem
    assert "invalid YAML" in problem


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TargetsError, match="file not found"):
        load_targets(tmp_path / "nope.yaml")


def test_the_example_file_is_valid() -> None:
    targets = load_targets(Path(__file__).parents[3] / "targets.example.yaml")
    assert targets.sites
    assert {s.profile for s in targets.sites} <= set(targets.profiles)


def test_profiles_default_and_per_site() -> None:
    text = GOOD.replace("sites:\n", "profile: jiyuan\nsites:\n", 1)
    text += "  - {id: other, name: 其他, homepage: 'http://127.0.0.1:9/', profile: national-2019}\n"
    targets = parse_targets(text)
    assert [s.profile for s in targets.sites] == ["jiyuan", "national-2019"]
    assert targets.profile_of(targets.sites[0]).id == "jiyuan"
    assert parse_targets(GOOD).sites[0].profile == "national-2019"


def test_unknown_profile_names_the_choices() -> None:
    (problem,) = problems(GOOD.replace("sites:\n", "profile: nope\nsites:\n", 1))
    assert problem.startswith("profile: ")
    assert "national-2019" in problem


def test_profile_file_is_relative_to_the_targets_file(tmp_path: Path) -> None:
    (tmp_path / "local.yaml").write_text(
        "id: local\nname: 本地\nextends: national-2019\nrules: []\n", encoding="utf-8"
    )
    path = tmp_path / "targets.yaml"
    path.write_text(
        GOOD.replace("    site_code:", "    profile: local.yaml\n    site_code:"), encoding="utf-8"
    )
    targets = load_targets(path)
    assert targets.profile_of(targets.sites[0]).id == "local"


ACCOUNTS = """
profile: jiyuan
rsshub: http://127.0.0.1:1200
weibo_api: http://127.0.0.1:1300
accounts:
  - id: cl-weibo
    name: 济源市承留镇
    platform: 微博
    unit: 承留镇人民政府
    source: {rsshub: /weibo/user/5551234}
  - id: sl-water
    name: 济源水利
    platform: 订阅号
    source: {feed: "http://127.0.0.1:1400/feed.xml"}
  - id: cl-weibo-2
    name: 济源市承留镇
    platform: weibo
    source: {weibo_uid: 5559999}
    profile: national-2019
"""


def test_accounts_and_their_sources() -> None:
    targets = parse_targets(ACCOUNTS)
    assert targets.sites == ()
    one, two, three = targets.accounts
    assert (one.account.platform.value, one.label, one.source_kind) == ("weibo", "微博", "rsshub")
    assert one.source_url == "http://127.0.0.1:1200/weibo/user/5551234"
    assert (two.account.platform.value, two.label) == ("wechat", "订阅号")
    assert two.source_url == "http://127.0.0.1:1400/feed.xml"
    assert three.source_kind == "weibo"
    assert "5559999" in three.source_url
    assert three.source_url.startswith("http://127.0.0.1:1300/")
    assert [a.profile for a in targets.accounts] == ["jiyuan", "jiyuan", "national-2019"]
    # Two accounts may share a display name; their ids differ.
    assert one.account.name == three.account.name
    assert targets.select_accounts(["cl-weibo-2"]) == [three]


def test_account_mistakes_name_the_path() -> None:
    (problem,) = problems(ACCOUNTS.replace("platform: 微博", "platform: 微信视频"))
    assert problem.startswith("accounts[0].platform: unknown platform '微信视频'")
    (problem,) = problems(ACCOUNTS.replace("rsshub: http://127.0.0.1:1200\n", ""))
    assert problem.startswith("accounts[0].source.rsshub: no RSSHub base URL")
    (problem,) = problems(
        ACCOUNTS.replace("source: {rsshub: /weibo/user/5551234}", "source: {rsshub: weibo/5}")
    )
    assert problem.startswith("accounts[0].source.rsshub: ")
    (problem,) = problems(
        ACCOUNTS.replace(
            "source: {rsshub: /weibo/user/5551234}",
            "source: {rsshub: /weibo/user/1, weibo_uid: '1'}",
        )
    )
    assert problem.startswith("accounts[0].source: give exactly one of")
    (problem,) = problems(ACCOUNTS.replace("id: sl-water", "id: cl-weibo"))
    assert "duplicate account id 'cl-weibo'" in problem


def test_a_second_source_checks_the_first() -> None:
    text = ACCOUNTS.replace(
        '    source: {feed: "http://127.0.0.1:1400/feed.xml"}\n',
        '    source: {feed: "http://127.0.0.1:1400/feed.xml", relay: true}\n'
        "    second_source: {page: 'http://127.0.0.1:1500/user/sl'}\n",
    )
    _, two, three = parse_targets(text).accounts
    assert two.relay
    assert two.second is not None
    assert (two.second.kind, two.second.url) == ("page", "http://127.0.0.1:1500/user/sl")
    assert two.source.url == "http://127.0.0.1:1400/feed.xml"
    assert three.second is None
    given = "second_source: {page: 'http://127.0.0.1:1500/user/sl'}"
    two_kinds = "second_source: {imports: true, page: 'http://127.0.0.1:1500/user/sl'}"
    (problem,) = problems(text.replace(given, two_kinds))
    assert problem.startswith("accounts[1].second_source: give exactly one of")
    (problem,) = problems(text.replace(given, "second_source: {imports: true}"))
    assert problem.startswith("accounts[1].second_source: imports cannot check a source")

"""The demo's 98 政务新媒体 accounts: 附件2's problems, posting histories counted by natural
week straight from the generated posts, and every feed and Weibo API page served on loopback."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from email.utils import parsedate_to_datetime

import feedparser
import httpx
import pytest
import yaml

from crawler.demo import (
    ATTACHMENT_2,
    EXPECTED_ACCOUNT_PROBLEMS,
    AccountSource,
    DemoAccount,
    Fleet,
    RunningFleet,
    demo_accounts,
    demo_fleet,
    demo_period,
    serve_in_thread,
    with_demo_accounts,
)
from crawler.demo.accounts import ACCOUNT_SPECS
from crawler.targets import PLATFORM_ALIASES
from rules.facts import Platform
from rules.model import SHANGHAI, local_date
from rules.period import Period
from rules.weeks import WEEK, complete_weeks, week_start

# 附件2 (仅存在问题部分), typed from the notice: 名称, 类型, 分数, 存在问题.
NOTICE_ROWS = (
    ("济源市承留镇", "微博", 95, "“两微一端”每周更新的内容少于2次,发现1次(扣5分)"),
    ("济源产城融合示范区财政金融局", "微博", 90, "“两微一端”每周更新的内容少于2次,发现2次(扣10分)"),
    ("济源应急管理局", "微博", 90, "“两微一端”每周更新的内容少于2次,发现1次(扣5分)"),
    ("济源水利", "订阅号", 95, "“两微一端”每周更新的内容少于2次,发现1次(扣5分)"),
    ("卢仝故里•大美思礼", "抖音", 95, "“两微一端”每周更新的内容少于2次,发现1次(扣5分)"),
    ("济源市承留镇", "微博", 95, "“两微一端”每周更新的内容少于2次,发现1次(扣5分)"),
)
KIND_PLATFORMS = {"微博": Platform.WEIBO, "订阅号": Platform.WECHAT, "抖音": Platform.DOUYIN}

# Mid-quarter, the first day of a quarter (a Friday), the first day of a year (a Sunday and a
# Monday), the last day of a quarter, and a Monday late in a quarter.
TODAYS = (
    date(2022, 5, 20),
    date(2022, 7, 1),
    date(2023, 1, 1),
    date(2024, 1, 1),
    date(2022, 9, 30),
    date(2022, 12, 26),
)
SERVED_TODAYS = (date(2022, 7, 1), date(2023, 1, 1), date(2024, 1, 1))
ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
WEIBO_CREATED_AT = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d\d \d\d:\d\d:\d\d \+0800 \d{4}$"
)
PUB_DATE = re.compile(r"^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d \+0800$")


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=SHANGHAI)


def _quarter_weeks(period: Period) -> list[date]:
    """The complete natural weeks wholly inside ``period`` (all ended by the day after it)."""
    return complete_weeks(period, _midnight(period.end + timedelta(days=1)))


def _per_week(account: DemoAccount, *, originals_only: bool = False) -> Counter[date]:
    return Counter(
        week_start(post.published)
        for post in account.posts
        if not (originals_only and post.is_repost)
    )


@pytest.fixture(scope="module", params=TODAYS, ids=str)
def dated(request: pytest.FixtureRequest) -> tuple[date, tuple[DemoAccount, ...]]:
    today: date = request.param
    return today, demo_accounts(today)


# --- the data: 附件2 and the 98 accounts -------------------------------------------------


def test_attachment_2_rows_are_the_notice_rows() -> None:
    printed = [(row.name, row.kind, row.score, row.problem) for row in ATTACHMENT_2]
    assert printed == list(NOTICE_ROWS)
    assert [row.number for row in ATTACHMENT_2] == list(range(1, 7))


def test_each_notice_row_is_an_account_with_its_weeks() -> None:
    specs = {spec.id: spec for spec in ACCOUNT_SPECS}
    for row in ATTACHMENT_2:
        spec = specs[row.account_id]
        assert spec.name == row.name
        assert spec.kind == row.kind
        assert spec.platform is KIND_PLATFORMS[row.kind]
        # −5 per week: the score, not row 3's misprinted "发现1次", fixes the weeks
        assert EXPECTED_ACCOUNT_PROBLEMS[row.account_id] == (100 - row.score) // 5
    assert EXPECTED_ACCOUNT_PROBLEMS["yjj-weibo"] == 2
    assert set(EXPECTED_ACCOUNT_PROBLEMS) == {row.account_id for row in ATTACHMENT_2}
    assert sum(EXPECTED_ACCOUNT_PROBLEMS.values()) == 8  # 1+2+2+1+1+1


def test_the_two_chengliu_accounts_are_distinct() -> None:
    chengliu = [spec for spec in ACCOUNT_SPECS if spec.name == "济源市承留镇"]
    assert len(chengliu) == 2
    assert {spec.kind for spec in chengliu} == {"微博"}
    assert len({spec.id for spec in chengliu}) == 2
    assert len({spec.handle for spec in chengliu}) == 2
    assert [row.account_id for row in ATTACHMENT_2 if row.name == "济源市承留镇"] == [
        spec.id for spec in chengliu
    ]


def test_ninety_eight_accounts_with_unique_ids_and_handles() -> None:
    assert len(ACCOUNT_SPECS) == 98
    assert len({spec.id for spec in ACCOUNT_SPECS}) == 98
    assert all(ID.match(spec.id) for spec in ACCOUNT_SPECS)
    assert len({(spec.platform, spec.handle) for spec in ACCOUNT_SPECS}) == 98
    assert sum(1 for spec in ACCOUNT_SPECS if spec.weeks_below == 0) == 92
    platforms = Counter(spec.platform for spec in ACCOUNT_SPECS)
    assert set(platforms) == {
        Platform.WEIBO,
        Platform.WECHAT,
        Platform.DOUYIN,
        Platform.TOUTIAO,
        Platform.KUAISHOU,
        Platform.BILIBILI,
    }
    weibo_api = [spec for spec in ACCOUNT_SPECS if spec.source is AccountSource.WEIBO_UID]
    assert 3 <= len(weibo_api) <= 8
    assert all(spec.platform is Platform.WEIBO for spec in weibo_api)
    assert any(spec.id in EXPECTED_ACCOUNT_PROBLEMS for spec in weibo_api)


@pytest.mark.parametrize(
    ("today", "quarter"),
    [
        (date(2022, 5, 20), "2022Q1"),
        (date(2022, 6, 30), "2022Q1"),
        (date(2022, 7, 1), "2022Q2"),
        (date(2022, 9, 30), "2022Q2"),
        (date(2022, 10, 1), "2022Q3"),
        (date(2023, 1, 1), "2022Q4"),
        (date(2023, 3, 31), "2022Q4"),
    ],
)
def test_demo_period_is_the_last_complete_quarter(today: date, quarter: str) -> None:
    assert demo_period(today) == Period.parse(quarter)


# --- the histories, counted by natural week ------------------------------------------------


def test_weeks_below_two_posts_are_exactly_the_expected_ones(
    dated: tuple[date, tuple[DemoAccount, ...]],
) -> None:
    today, accounts = dated
    weeks = _quarter_weeks(demo_period(today))
    assert len(weeks) >= 12
    found = {}
    for account in accounts:
        counts = _per_week(account)
        below = [week for week in weeks if counts[week] < 2]
        if below:
            found[account.id] = len(below)
        assert all(counts[week] <= 1 for week in below), account.id
    assert found == dict(EXPECTED_ACCOUNT_PROBLEMS)


def test_every_other_week_has_three_original_posts(
    dated: tuple[date, tuple[DemoAccount, ...]],
) -> None:
    today, accounts = dated
    period = demo_period(today)
    quarter_weeks = _quarter_weeks(period)
    for account in accounts:
        counts = _per_week(account, originals_only=True)
        first = week_start(min(post.published for post in account.posts))
        monday, quiet = first, []
        while monday + WEEK <= today - timedelta(days=today.weekday()):  # complete weeks
            if counts[monday] < 3:
                quiet.append(monday)
            monday += WEEK
        assert len(quiet) == EXPECTED_ACCOUNT_PROBLEMS.get(account.id, 0), account.id
        # the quiet weeks: wholly inside the quarter, neither its first nor its last two weeks
        assert set(quiet) <= set(quarter_weeks[1:-2]), account.id


def test_posts_are_recent_old_enough_and_away_from_week_boundaries(
    dated: tuple[date, tuple[DemoAccount, ...]],
) -> None:
    today, accounts = dated
    period = demo_period(today)
    for account in accounts:
        posts = account.posts
        assert 40 <= len(posts) <= 150, (account.id, len(posts))
        assert [post.published for post in posts] == sorted(
            (post.published for post in posts), reverse=True
        )
        assert len({post.id for post in posts}) == len(posts)
        assert len({post.url for post in posts}) == len(posts)
        assert all(post.published.tzinfo is UTC for post in posts)
        assert posts[0].published < _midnight(today)  # nothing today or later
        assert 1 <= (today - local_date(posts[0].published)).days <= 3
        assert local_date(posts[-1].published) <= period.start - timedelta(days=7)
        for post in posts:
            local = post.published.astimezone(SHANGHAI).time()
            assert time(1) <= local <= time(23), (account.id, post.published)
            assert 0 < len(post.text) <= 200
            if post.is_repost:
                assert account.platform is Platform.WEIBO
                assert post.repost_of_text


@pytest.mark.slow
def test_histories_do_not_depend_on_today_within_a_quarter() -> None:
    early, late = demo_accounts(date(2022, 7, 4)), demo_accounts(date(2022, 9, 12))
    cut = _midnight(date(2022, 7, 4))
    for before, after in zip(early, late, strict=True):
        assert before.posts == tuple(post for post in after.posts if post.published < cut)


def test_same_today_same_accounts() -> None:
    assert demo_accounts(date(2022, 5, 20)) == demo_accounts(date(2022, 5, 20))


# --- served on loopback -----------------------------------------------------------------


@pytest.fixture(scope="module", params=SERVED_TODAYS, ids=str)
def served(request: pytest.FixtureRequest) -> Iterator[RunningFleet]:
    fleet = Fleet(today=request.param, sites=(), accounts=demo_accounts(request.param))
    with serve_in_thread(fleet) as running:
        yield running


def _check_rss(account: DemoAccount, response: httpx.Response) -> None:
    assert response.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    items = root.findall("./channel/item")
    assert len(items) == len(account.posts)
    for item, post in zip(items, account.posts, strict=True):
        stamp = item.findtext("pubDate") or ""
        assert PUB_DATE.match(stamp), stamp
        assert parsedate_to_datetime(stamp) == post.published
        assert item.findtext("guid") == post.url
        assert item.findtext("link") == post.url
        assert item.findtext("title") == post.text
    feed = feedparser.parse(response.content, sanitize_html=False)
    assert not feed.bozo, feed.get("bozo_exception")
    assert len(feed.entries) == len(account.posts)
    assert feed.feed.generator == "RSSHub"


def _check_platform_page(account: DemoAccount, page: httpx.Response, posts: httpx.Response) -> None:
    """A page: source: an HTML page with no post in it, and the JSON its script loads."""
    assert page.headers["content-type"].startswith("text/html")
    assert "/posts.json" in page.text
    assert all(post.url not in page.text for post in account.posts)  # only a browser sees them
    listed = json.loads(posts.content)["posts"]
    assert [p["url"] for p in listed] == [post.url for post in account.posts]
    assert [p["time"] for p in listed] == [
        f"{post.published.astimezone(SHANGHAI):%Y-%m-%d %H:%M}" for post in account.posts
    ]


def _check_weibo(account: DemoAccount, response: httpx.Response) -> int:
    assert response.headers["content-type"].startswith("application/json")
    payload = json.loads(response.content)
    assert payload["ok"] == 1
    cards = payload["data"]["cards"]
    assert len(cards) == len(account.posts)
    assert "since_id" not in payload["data"]["cardlistInfo"]  # one page holds every post
    reposts = 0
    for card, post in zip(cards, account.posts, strict=True):
        assert card["card_type"] == 9
        mblog = card["mblog"]
        assert mblog["id"] == post.id
        assert WEIBO_CREATED_AT.match(mblog["created_at"]), mblog["created_at"]
        moment = datetime.strptime(mblog["created_at"], "%a %b %d %H:%M:%S %z %Y")
        assert moment == post.published
        assert mblog["user"]["screen_name"] == account.name
        assert ("retweeted_status" in mblog) == post.is_repost
        reposts += post.is_repost
    return reposts


@pytest.mark.slow
def test_every_feed_and_api_page_is_served_and_parses(served: RunningFleet) -> None:
    reposts = 0
    with httpx.Client(timeout=10) as client:
        for account in served.fleet.accounts:
            response = client.get(served.account_url(account.id))
            assert response.status_code == 200, account.id
            if account.source is AccountSource.WEIBO_UID:
                reposts += _check_weibo(account, response)
            elif account.source is AccountSource.PAGE:
                posts = client.get(served.account_url(account.id) + "/posts.json")
                _check_platform_page(account, response, posts)
            else:
                _check_rss(account, response)
    assert reposts >= 3  # a few 转发 carry retweeted_status


def test_feeds_answer_conditional_requests(served: RunningFleet) -> None:
    url = served.account_url("sl-douyin")
    with httpx.Client(timeout=10) as client:
        first = client.get(url)
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_unknown_routes_and_users(served: RunningFleet) -> None:
    assert served.rsshub_url is not None
    assert served.weibo_api_url is not None
    with httpx.Client(timeout=10) as client:
        missing = client.get(served.rsshub_url + "/weibo/user/1")
        unknown = client.get(
            served.weibo_api_url + "/api/container/getIndex?type=uid&value=1&containerid=1076031"
        )
        uid = served.fleet.account("yjj-weibo").handle
        later = client.get(
            served.weibo_api_url + "/api/container/getIndex",
            params={"containerid": f"107603{uid}", "value": uid, "type": "uid", "page": "2"},
        )
        reordered = client.get(
            served.weibo_api_url + "/api/container/getIndex",
            params={"containerid": f"107603{uid}", "value": uid, "type": "uid"},
        )
    assert missing.status_code == 404
    assert unknown.status_code == 200
    assert unknown.json()["ok"] == 0
    assert later.json() == {"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}}
    assert reordered.json()["ok"] == 1


def test_targets_file_lists_every_account() -> None:
    today = date(2022, 7, 1)
    with serve_in_thread(with_demo_accounts(demo_fleet(today))) as running:
        document = yaml.safe_load(running.targets_yaml())
        assert len(document["sites"]) == 20
        assert document["rsshub"] == running.rsshub_url
        assert document["weibo_api"] == running.weibo_api_url
        entries = document["accounts"]
        assert len(entries) == 98
        for entry, account in zip(entries, running.fleet.accounts, strict=True):
            assert set(entry) == {"id", "name", "platform", "unit", "source"}
            assert entry["id"] == account.id
            assert entry["name"] == account.name
            platform, label = PLATFORM_ALIASES[entry["platform"]]
            assert platform is account.platform
            assert (label or platform.label) == account.kind or account.kind not in (
                "订阅号",
                "服务号",
            )
            assert entry["unit"] == account.unit
            ((kind, value),) = entry["source"].items()
            assert isinstance(value, str)
            if kind == "page":  # a whole URL: the platform's page
                assert value == running.account_url(account.id)
                continue
            base = document["rsshub"] if kind == "rsshub" else document["weibo_api"]
            if kind == "weibo_uid":
                value = f"/api/container/getIndex?type=uid&value={value}&containerid=107603{value}"
            assert base + value == running.account_url(account.id)
        with httpx.Client(timeout=10) as client:
            home = client.get(running.base_urls["jiyuan-gov"])
            assert home.status_code == 200


def test_a_fleet_without_accounts_keeps_its_targets_file() -> None:
    with serve_in_thread(demo_fleet(date(2022, 5, 20))) as running:
        document = yaml.safe_load(running.targets_yaml())
        assert running.rsshub_url is None
        assert running.weibo_api_url is None
    # the notice's own words (report:) come with the demo's sites, the accounts' keys do not
    assert set(document) == {"version", "report", "sites"}

"""Posts read from the JSON a platform page carries or loads, with no per-platform schema."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from crawler.platforms.page import parse_platform_page
from crawler.platforms.page_json import embedded_json, json_documents, json_posts

FETCHED = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)
BASE = "https://www.example.cn/user/abc"


def epoch(days_ago: float) -> int:
    return int((FETCHED - timedelta(days=days_ago)).timestamp())


def test_url_encoded_render_data_is_read() -> None:
    # 抖音 keeps its state URL-encoded in <script id="RENDER_DATA" type="application/json">.
    state = {
        "app": {
            "user": {"nickname": "济源发布", "create_time": epoch(900)},
            "post": {
                "data": [
                    {"aweme_id": "7300000000000000001", "desc": "冬季安全提示",
                     "create_time": epoch(1), "author": {"uid": "42", "create_time": epoch(900)}},
                    {"aweme_id": "7300000000000000002", "desc": "重点项目巡礼",
                     "create_time": epoch(4)},
                    {"aweme_id": "7300000000000000003", "desc": "政务服务新举措",
                     "create_time": epoch(9)},
                ]
            },
        }
    }  # fmt: skip
    html = (
        '<html><body><div id="root"><a href="/video/7300000000000000001">x</a></div>'
        '<script id="RENDER_DATA" type="application/json">'
        f"{quote(json.dumps(state, ensure_ascii=False))}</script></body></html>"
    )
    documents = embedded_json(html)
    posts = json_posts(
        documents, base_url=BASE, fetched_at=FETCHED, links=["/video/7300000000000000001"]
    )
    assert [p.title for p in posts] == ["冬季安全提示", "重点项目巡礼", "政务服务新举措"]
    # the author's create_time never stands for the post's
    assert posts[0].published == datetime.fromtimestamp(epoch(1), tz=UTC)
    # a post the JSON gives no link takes the page's link carrying its id: one key either way
    assert posts[0].url == "https://www.example.cn/video/7300000000000000001"
    assert posts[1].key == "id:7300000000000000002"


def test_a_window_state_with_undefined_is_read() -> None:
    # B站-like: window.__INITIAL_STATE__ = {...};(function(){...})() with `undefined` values
    state = (
        '{"space":{"archives":[{"bvid":"BV1xx411c7aa","title":"第一期","created":' + str(epoch(2))
        + ',"pic":undefined},{"bvid":"BV1xx411c7ab","title":"第二期","created":'
        + str(epoch(6)) + "}]}}"
    )  # fmt: skip
    html = (
        "<html><body><script>window.__INITIAL_STATE__="
        f"{state};(function(){{var s;}}());</script></body></html>"
    )
    posts = json_posts(embedded_json(html), base_url=BASE, fetched_at=FETCHED)
    assert [(p.key, p.title) for p in posts] == [
        ("id:BV1xx411c7aa", "第一期"),
        ("id:BV1xx411c7ab", "第二期"),
    ]


def test_millisecond_timestamps_nested_objects_and_edit_times() -> None:
    # 快手-like: each entry holds its post under a key; times in milliseconds; an edit time
    # (update_time) newer than the publish time is never the publish time.
    answer = {
        "feeds": [
            {"photo": {"photoId": "3xabcdef1", "caption": "春耕", "timestamp": epoch(3) * 1000,
                       "update_time": epoch(0.1) * 1000}},
            {"photo": {"photoId": "3xabcdef2", "caption": "夏收", "timestamp": epoch(5) * 1000}},
        ]
    }  # fmt: skip
    posts = json_posts(json_documents([json.dumps(answer)]), base_url=BASE, fetched_at=FETCHED)
    assert [p.title for p in posts] == ["春耕", "夏收"]
    assert posts[0].published == datetime.fromtimestamp(epoch(3), tz=UTC)


def test_the_largest_dated_list_wins_and_junk_is_left_out() -> None:
    answer = {
        "recommend": [
            {"id": "r1", "title": "推荐", "publish_time": epoch(0.5)},
            {"id": "r2", "title": "推荐二", "publish_time": epoch(0.6)},
        ],
        "list": [
            {"item_id": f"a{i}", "title": f"文章{i}", "publish_time": epoch(i + 1)}
            for i in range(5)
        ],
        "tags": [{"name": "政务"}, {"name": "民生"}],  # no time: not posts
        "future": [
            {"id": "f1", "title": "x", "publish_time": epoch(-400)},
            {"id": "f2", "title": "y", "publish_time": epoch(-500)},
        ],
    }
    posts = json_posts([answer], base_url=BASE, fetched_at=FETCHED)
    assert [p.title for p in posts] == [f"文章{i}" for i in range(5)]


def test_no_json_list_leaves_nothing() -> None:
    assert json_posts([{"a": 1}, [1, 2, 3], "text"], base_url=BASE, fetched_at=FETCHED) == []
    assert json_documents(["not json", "{"]) == []
    broken = "<script>var a = 1;</script><script type='application/json'>{</script>"
    assert embedded_json(broken) == []


def test_the_page_prefers_the_json_times_when_they_list_as_much() -> None:
    cards = "".join(
        f'<li class="card"><a href="/item/{i}">文章{i}</a><span>{i + 1}天前</span></li>'
        for i in range(3)
    )
    html = f"<html><body><ul>{cards}</ul></body></html>"
    loaded = json.dumps(
        {"data": [{"url": f"/item/{i}", "title": f"文章{i}", "behot_time": epoch(i + 1) - 3600}
                  for i in range(3)]}
    )  # fmt: skip
    parsed = parse_platform_page(html, base_url=BASE, fetched_at=FETCHED, loaded_json=[loaded])
    assert parsed.detail == "3 posts read from the page's JSON"
    assert [p.url for p in parsed.posts] == [f"https://www.example.cn/item/{i}" for i in range(3)]
    assert all(p.shown is None for p in parsed.posts)
    assert parsed.posts[0].published == datetime.fromtimestamp(epoch(1) - 3600, tz=UTC)

    shown = parse_platform_page(html, base_url=BASE, fetched_at=FETCHED)
    assert [p.shown for p in shown.posts] == ["1天前", "2天前", "3天前"]
    assert shown.detail == (
        "3 posts read off the rendered page; 3 dated relative to the fetch "
        "(as precise as the page says)"
    )

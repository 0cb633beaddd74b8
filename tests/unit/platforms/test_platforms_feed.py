"""Feeds: RSS 2.0, RSS 1.0, Atom and JSON Feed read into posts; keys, order, titles, encodings,
reposts, and the feeds that look fine but say nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from crawler.platforms import SourceParse, parse_source
from rules.model import SHANGHAI, Outcome

FETCHED_AT = datetime(2022, 5, 24, 10, 0, tzinfo=SHANGHAI)


def _rss(*items: str, channel_link: str = "http://www.example.gov.cn/") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>测试</title><link>{channel_link}</link>{''.join(items)}</channel></rss>"
    ).encode()


def _item(
    title: str = "标题",
    *,
    guid: str | None = None,
    link: str | None = None,
    date: str | None = "Mon, 23 May 2022 10:00:00 +0800",
    description: str | None = None,
) -> str:
    parts = [f"<title><![CDATA[{title}]]></title>"]
    if guid is not None:
        parts.append(f'<guid isPermaLink="false">{guid}</guid>')
    if link is not None:
        parts.append(f"<link>{link}</link>")
    if date is not None:
        parts.append(f"<pubDate>{date}</pubDate>")
    if description is not None:
        parts.append(f"<description><![CDATA[{description}]]></description>")
    return f"<item>{''.join(parts)}</item>"


def _parse(body: bytes, *, kind: str = "feed", content_type: str | None = None) -> SourceParse:
    return parse_source(
        kind,  # type: ignore[arg-type]
        body,
        content_type=content_type or "application/rss+xml",
        status=200,
        fetched_at=FETCHED_AT,
    )


def test_keys_fall_back_from_guid_to_link_to_title_and_date() -> None:
    parsed = _parse(
        _rss(
            _item("甲", guid="guid-1", link="http://www.example.gov.cn/1.html"),
            _item(
                "乙", link="http://www.example.gov.cn/2.html", date="Sun, 22 May 2022 10:00 +0800"
            ),
            _item("丙", date="Sat, 21 May 2022 10:00:00 +0800"),
        )
    )

    assert [post.key for post in parsed.posts] == [
        "guid-1",
        "http://www.example.gov.cn/2.html",
        "丙|2022-05-21T02:00:00+00:00",
    ]
    assert [post.url for post in parsed.posts] == [
        "http://www.example.gov.cn/1.html",
        "http://www.example.gov.cn/2.html",
        None,
    ]


def test_posts_are_newest_first_and_one_per_key() -> None:
    parsed = _parse(
        _rss(
            _item("旧", guid="a", date="Mon, 16 May 2022 10:00:00 +0800"),
            _item("新", guid="b", date="Mon, 23 May 2022 10:00:00 +0800"),
            _item("中", guid="c", date="Thu, 19 May 2022 10:00:00 +0800"),
            _item("新的重复", guid="b", date="Sun, 22 May 2022 10:00:00 +0800"),
        )
    )

    assert [(post.key, post.title) for post in parsed.posts] == [
        ("b", "新"),
        ("c", "中"),
        ("a", "旧"),
    ]


def test_a_relative_link_is_a_key_but_not_a_url() -> None:
    parsed = _parse(_rss(_item("相对链接", link="/xwzx/1.html")))

    assert parsed.posts[0].key == "/xwzx/1.html"
    assert parsed.posts[0].url is None


def test_titles_are_collapsed_capped_and_fall_back_to_the_description() -> None:
    long_title = "长" * 300
    parsed = _parse(
        _rss(
            _item(long_title, guid="long"),
            _item("", guid="empty", description="<p>正文&nbsp;第一段</p><p>第二段</p>"),
            _item(" 多个\n\t空白  之间 ", guid="spaces"),
        )
    )
    titles = {post.key: post.title for post in parsed.posts}

    assert titles["long"] == "长" * 200
    assert titles["empty"] == "正文 第一段 第二段"
    assert titles["spaces"] == "多个 空白 之间"


def test_a_feed_declared_gb2312_keeps_characters_beyond_gb2312() -> None:
    body = (
        '<?xml version="1.0" encoding="gb2312"?><rss version="2.0"><channel><title>频道</title>'
        "<item><title>王堃 朱镕基 文章</title><guid>a</guid>"
        "<pubDate>2022年5月20日 10:00</pubDate></item></channel></rss>"
    ).encode("gb18030")

    parsed = _parse(body, content_type="text/xml")

    assert [post.title for post in parsed.posts] == ["王堃 朱镕基 文章"]


def test_a_utf8_feed_with_a_byte_order_mark() -> None:
    parsed = _parse(b"\xef\xbb\xbf" + _rss(_item("带BOM", guid="bom")))

    assert [post.key for post in parsed.posts] == ["bom"]


def test_rss_1_0_with_dublin_core_dates() -> None:
    body = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="http://www.example.gov.cn/"><title>RSS 1.0</title>
    <link>http://www.example.gov.cn/</link><description>d</description></channel>
  <item rdf:about="http://www.example.gov.cn/1.html"><title>一</title>
    <link>http://www.example.gov.cn/1.html</link><dc:date>2022-05-22T10:00:00+08:00</dc:date></item>
</rdf:RDF>""".encode()

    parsed = _parse(body)

    assert parsed.outcome is Outcome.OK
    assert [post.published for post in parsed.posts] == [datetime(2022, 5, 22, 2, 0, tzinfo=UTC)]


def test_a_truncated_feed_keeps_its_complete_entries() -> None:
    whole = _rss(
        _item("一", guid="1", date="Mon, 23 May 2022 10:00:00 +0800"),
        _item("二", guid="2", date="Sun, 22 May 2022 10:00:00 +0800"),
    )
    cut = whole[: whole.index(b'<guid isPermaLink="false">2')]

    parsed = _parse(cut)

    assert parsed.outcome is Outcome.OK
    assert [post.key for post in parsed.posts] == ["1"]


def test_a_feed_whose_entries_are_all_undated_says_nothing() -> None:
    parsed = _parse(_rss(_item("无日期", guid="a", date=None), _item("坏日期", guid="b", date="?")))

    assert parsed.outcome is Outcome.OK
    assert parsed.posts == ()
    assert parsed.suspect_empty
    assert parsed.detail == "none of 2 entries has a plausible date"


def test_an_empty_feed_is_suspect() -> None:
    parsed = _parse(_rss())

    assert (parsed.outcome, parsed.posts, parsed.suspect_empty) == (Outcome.OK, (), True)
    assert parsed.detail is not None
    assert "empty feed" in parsed.detail


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Looks like something went wrong", ""),
        ("Error: Request failed with status code 403", ""),
        ("RSSHub 发生了一些意外", "<pre>Error: route is empty</pre>"),
        ("公众号内容获取失败", ""),
        ("微博", "Cookie 已失效，请更新 WEIBO_COOKIES"),
        ("访问频繁，请稍后再试", ""),
        ("请输入验证码", ""),
    ],
)
def test_a_feed_whose_only_entry_is_an_error_is_blocked(title: str, description: str) -> None:
    parsed = _parse(_rss(_item(title, guid="x", description=description)), kind="rsshub")

    assert parsed.outcome is Outcome.BLOCKED
    assert parsed.posts == ()
    assert parsed.detail is not None
    assert "only entry is an error message" in parsed.detail


def test_a_single_ordinary_post_is_a_post() -> None:
    parsed = _parse(_rss(_item("示范区召开防汛工作会议", guid="x")), kind="rsshub")

    assert parsed.outcome is Outcome.OK
    assert [post.key for post in parsed.posts] == ["x"]


def test_error_words_in_one_of_many_posts_do_not_block_the_feed() -> None:
    parsed = _parse(
        _rss(
            _item("警惕索要验证码的诈骗", guid="a"),
            _item("Error: 不是错误页，只是标题", guid="b", date="Sun, 22 May 2022 10:00 +0800"),
        ),
        kind="rsshub",
    )

    assert parsed.outcome is Outcome.OK
    assert len(parsed.posts) == 2


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        (
            '转发<blockquote> - 转发 <a href="https://weibo.com/1">@人民日报</a>: 原文'
            "</blockquote>",
            True,
        ),
        ('<div>转发 <a href="https://weibo.com/1" target="_blank">@人民日报</a>: 原文</div>', True),
        ("说得好//@济源发布:原文", True),
        ("转发微博", True),
        ("欢迎转发扩散！", None),
        ("原创内容", None),
    ],
)
def test_reposts_in_rsshub_weibo_feeds(description: str, expected: bool | None) -> None:
    parsed = _parse(
        _rss(
            _item(
                "微博",
                guid="https://weibo.com/5551234/Lx1",
                link="https://weibo.com/5551234/Lx1",
                description=description,
            ),
            channel_link="https://weibo.com/5551234",
        ),
        kind="rsshub",
    )

    assert [post.is_repost for post in parsed.posts] == [expected]


def test_other_platforms_do_not_say_whether_a_post_is_a_repost() -> None:
    parsed = _parse(
        _rss(
            _item("一起看 //转发自: @河南文旅: 原文", guid="https://t.bilibili.com/1"),
            _item("转发 @某某: 原文", guid="https://www.douyin.com/video/2"),
            channel_link="https://space.bilibili.com/1/dynamic",
        ),
        kind="rsshub",
    )

    assert [post.is_repost for post in parsed.posts] == [None, None]


def _json_feed(items: list[object], **extra: object) -> bytes:
    document: dict[str, object] = {
        "version": "https://jsonfeed.org/version/1",
        "title": "t",
        "items": items,
        **extra,
    }
    return json.dumps(document, ensure_ascii=False).encode()


def test_json_feed_version_1_with_reposts_on_weibo() -> None:
    body = _json_feed(
        [
            {
                "id": "https://weibo.com/5551234/Lx2",
                "url": "https://weibo.com/5551234/Lx2",
                "content_html": (
                    '转发<blockquote> - 转发 <a href="https://weibo.com/1">@x</a>: y</blockquote>'
                ),
                "date_published": "2022-05-23T10:00:00+08:00",
            },
            {
                "id": "https://weibo.com/5551234/Lx1",
                "url": "https://weibo.com/5551234/Lx1",
                "title": "原创",
                "date_published": "Sun, 22 May 2022 10:00:00 +0800",
            },
        ],
        home_page_url="https://weibo.com/5551234",
    )

    parsed = _parse(body, kind="rsshub", content_type="application/feed+json")

    assert [(post.key, post.is_repost) for post in parsed.posts] == [
        ("https://weibo.com/5551234/Lx2", True),
        ("https://weibo.com/5551234/Lx1", None),
    ]


def test_json_feed_with_odd_values() -> None:
    body = _json_feed(
        [
            {"id": True, "url": 5, "title": ["x"], "date_published": 1653098400},
            {"id": None, "url": "https://example.gov.cn/a", "date_published": "2022-05-21"},
            None,
            [],
        ]
    )

    parsed = _parse(body, content_type="application/json")

    assert parsed.outcome is Outcome.OK
    assert [post.key for post in parsed.posts] == ["https://example.gov.cn/a"]
    assert parsed.detail == "1 of 2 entries dropped: no plausible date"


def test_json_feed_without_items_is_an_empty_feed() -> None:
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "无条目"}).encode()

    parsed = _parse(body, content_type="application/json")

    assert (parsed.outcome, parsed.suspect_empty) == (Outcome.OK, True)


@pytest.mark.parametrize(
    "body",
    [
        b'{"title": "not a feed", "items": []}',
        b'{"version": "2.0", "items": []}',
        b"[1, 2, 3]",
        b'{"version": "https://jsonfeed.org/version/1"',  # truncated
        b"[" * 100_000,
    ],
)
def test_json_that_is_not_a_json_feed(body: bytes) -> None:
    parsed = _parse(body, content_type="application/json")

    assert parsed.outcome is not Outcome.OK
    assert parsed.posts == ()


@pytest.mark.parametrize(
    "body",
    [b"/etc/passwd", b"http://127.0.0.1:9/feed.xml", b"file:///etc/hostname", b"."],
)
def test_a_body_that_names_a_file_or_url_is_never_opened(body: bytes) -> None:
    parsed = _parse(body, content_type="text/plain")

    assert parsed.outcome is Outcome.BLOCKED
    assert parsed.detail is not None
    assert parsed.detail.startswith("not a feed: starts")
    assert parsed.posts == ()

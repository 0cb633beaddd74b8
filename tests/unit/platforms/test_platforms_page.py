"""Posts read off a rendered platform page, without per-platform selectors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crawler.platforms.page import parse_platform_page
from rules.model import Outcome

FETCHED = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


def _page(cards: int) -> str:
    items = "".join(
        f'<li class="card"><a href="/v/{n}"><p>第{n}条视频</p></a>'
        f'<span class="time">{(FETCHED - timedelta(days=n)).date().isoformat()}</span></li>'
        for n in range(cards)
    )
    return (
        '<html><body><div class="profile"><h1>济源发布</h1><span>粉丝 1.2万</span></div>'
        f'<ul class="list">{items}</ul>'
        '<div class="recommend"><a href="/v/x">猜你喜欢</a><span>1小时前</span></div>'
        "</body></html>"
    )


def test_every_card_of_a_long_list_is_a_post_and_the_side_box_is_not() -> None:
    parsed = parse_platform_page(_page(60), base_url="https://p.example/u/1", fetched_at=FETCHED)
    assert parsed.outcome is Outcome.OK
    urls = [post.url for post in parsed.posts]
    assert len(urls) == 60
    assert "https://p.example/v/x" not in urls
    assert urls[0] == "https://p.example/v/0"  # newest first


def test_relative_times_are_counted_in_the_detail() -> None:
    html = _page(2).replace("2026-12-07", "3小时前").replace("2026-12-06", "2天前")
    parsed = parse_platform_page(html, base_url="https://p.example/u/1", fetched_at=FETCHED)
    assert parsed.detail == (
        "2 posts read off the rendered page; 2 dated relative to the fetch "
        "(as precise as the page says)"
    )
    assert parsed.posts[1].published == FETCHED - timedelta(days=2)


def test_a_page_without_a_post_list_proves_nothing_and_a_closed_one_says_so() -> None:
    empty = parse_platform_page(
        "<html><body><h1>济源发布</h1></body></html>",
        base_url="https://p.example/",
        fetched_at=FETCHED,
    )
    assert (empty.outcome, empty.posts, empty.suspect_empty) == (Outcome.OK, (), True)
    closed = parse_platform_page(
        "<html><body><p>该账号已注销</p></body></html>",
        base_url="https://p.example/",
        fetched_at=FETCHED,
    )
    assert closed.outcome is Outcome.ACCOUNT_CLOSED

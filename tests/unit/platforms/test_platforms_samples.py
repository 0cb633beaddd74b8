"""Labelled sample answers of account sources: each platform's shape, good and bad.

``samples/manifest.json`` names, for every sample body, how it is fetched (kind, status,
Content-Type) and what ``parse_source`` must say: the outcome, whether the feed looks
suspiciously empty, a part of the detail, and every post (Asia/Shanghai time, key, repost flag)
newest first. The fetch time of all samples is Tuesday 2022-05-24 10:00 Asia/Shanghai.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from crawler.platforms import SourceParse, parse_source
from rules.model import SHANGHAI, Outcome

SAMPLES = Path(__file__).parent / "samples"
MANIFEST: dict[str, dict[str, Any]] = json.loads(
    (SAMPLES / "manifest.json").read_text(encoding="utf-8")
)
FETCHED_AT = datetime(2022, 5, 24, 10, 0, tzinfo=SHANGHAI)


def _parse(name: str) -> SourceParse:
    label = MANIFEST[name]
    return parse_source(
        label["kind"],
        (SAMPLES / name).read_bytes(),
        content_type=label["content_type"],
        status=label["status"],
        fetched_at=FETCHED_AT,
    )


def test_every_sample_is_labelled() -> None:
    bodies = {path.name for path in SAMPLES.iterdir() if path.name != "manifest.json"}
    assert bodies == set(MANIFEST)


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_sample_parses_as_labelled(name: str) -> None:
    label = MANIFEST[name]
    parsed = _parse(name)

    assert parsed.outcome == Outcome(label["outcome"])
    assert parsed.suspect_empty is label["suspect_empty"]
    if label["detail_contains"] is None:
        assert parsed.detail is None
    else:
        assert parsed.detail is not None
        assert label["detail_contains"] in parsed.detail
    got = [
        [post.published.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"), post.key, post.is_repost]
        for post in parsed.posts
    ]
    assert got == label["posts"]


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_sample_posts_are_well_formed(name: str) -> None:
    for post in _parse(name).posts:
        assert post.published.tzinfo is UTC
        assert post.title
        assert post.title == " ".join(post.title.split())
        assert len(post.title) <= 200
        assert re.search(r"<[a-zA-Z/][^>]*>", post.title) is None
        assert post.url is None or post.url.startswith(("http://", "https://"))


def test_titles_are_plain_text() -> None:
    atom = {post.key: post.title for post in _parse("atom_gov.xml").posts}
    assert atom["tag:czj.jiyuan.gov.cn,2022:entry-0523"] == "2022年部门预算公开"

    weibo = {post.key: post for post in _parse("weibo_timeline.json").posts}
    assert weibo["4771000000000008"].title == "#财政# 2022年惠企资金申报开始啦 详见链接"
    assert weibo["4771000000000005"].title == "//@济源发布:关注"
    assert weibo["4771000000000008"].url == "https://m.weibo.cn/detail/4771000000000008"

    feed = {post.key: post.title for post in _parse("rss_gov_rfc822.xml").posts}
    assert "示范区开展防汛应急演练" in feed.values()  # whitespace around the title collapsed

    json_feed = {post.key: post.title for post in _parse("json_feed.json").posts}
    assert json_feed["7100000000000000002"] == "没有标题的头条：王屋山景区恢复开放"


def test_a_post_about_captcha_fraud_does_not_block_its_feed() -> None:
    parsed = _parse("rsshub_wechat.xml")

    assert parsed.outcome is Outcome.OK
    assert any("验证码" in post.title for post in parsed.posts)

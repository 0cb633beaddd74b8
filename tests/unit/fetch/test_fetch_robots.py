"""robots.txt parsing and the per-host cache."""

from __future__ import annotations

import asyncio

import pytest

from crawler.fetch.robots import (
    RobotsCache,
    RobotsRules,
    allow_all,
    parse_robots,
    robots_url_for,
    user_agent_token,
)

UA = "xunjian/0.1 (+government website inspection)"
ROBOTS = """
User-agent: badbot
Disallow: /

User-agent: xunjian
Disallow: /private
Allow: /

User-agent: *
Disallow: /admin
"""


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/", True),
        ("/col/list.html", True),
        ("/private", False),
        ("/private/a.html", False),
        ("/admin/x", True),
    ],
)
def test_our_group_applies(path: str, allowed: bool) -> None:
    rules = parse_robots("http://gov.example/robots.txt", ROBOTS)
    assert rules.allows(f"http://gov.example{path}", UA) is allowed


def test_star_group_applies_to_others() -> None:
    rules = parse_robots("http://gov.example/robots.txt", ROBOTS)
    assert not rules.allows("http://gov.example/admin/x", "otherbot/1.0")
    assert not rules.allows("http://gov.example/anything", "badbot/2.0")


def test_empty_robots_allows_everything() -> None:
    rules = parse_robots("http://gov.example/robots.txt", "")
    assert rules.allows("http://gov.example/private", UA)


def test_allow_all() -> None:
    rules = allow_all("http://gov.example/robots.txt", "http_error 404")
    assert rules.allows("http://gov.example/private", UA)
    assert rules.note == "http_error 404 → allow all"


def test_robots_url_keeps_scheme_and_port() -> None:
    assert (
        robots_url_for("https://a.gov.cn:8443/col/x.html?y=1#z")
        == "https://a.gov.cn:8443/robots.txt"
    )


def test_user_agent_token() -> None:
    assert user_agent_token(UA) == "xunjian"


async def test_cache_loads_each_host_once_under_concurrency() -> None:
    loads: list[str] = []

    async def load(robots_url: str) -> RobotsRules:
        loads.append(robots_url)
        await asyncio.sleep(0)
        return parse_robots(robots_url, "User-agent: *\nDisallow: /private\n")

    cache = RobotsCache(load)
    urls = [f"http://a.example/p{i}" for i in range(5)] + [
        "http://b.example/",
        "https://a.example/",
    ]
    rules = await asyncio.gather(*(cache.rules_for(url) for url in urls))
    assert sorted(loads) == [
        "http://a.example/robots.txt",
        "http://b.example/robots.txt",
        "https://a.example/robots.txt",
    ]
    assert not rules[0].allows("http://a.example/private", UA)

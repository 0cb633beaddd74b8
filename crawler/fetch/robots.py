"""robots.txt: parsed with ``urllib.robotparser``, fetched once per host per Fetcher.

A robots.txt that is missing, fails to load, is blocked or is not text allows everything.
Matching is urllib.robotparser's: the first matching Allow/Disallow line of the group
for our user-agent token (or ``*``) decides.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

logger = logging.getLogger(__name__)

ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 asks crawlers to parse at least 500 KiB


@dataclass(frozen=True, slots=True, kw_only=True)
class RobotsRules:
    """The robots.txt rules of one host; ``parser`` None means everything is allowed."""

    robots_url: str
    parser: RobotFileParser | None
    note: str  # why these rules: "parsed", "404 → allow all", …

    def allows(self, url: str, user_agent: str) -> bool:
        if self.parser is None:
            return True
        return self.parser.can_fetch(user_agent, url)


def parse_robots(robots_url: str, text: str) -> RobotsRules:
    parser = RobotFileParser(robots_url)
    parser.parse(text.splitlines())
    return RobotsRules(robots_url=robots_url, parser=parser, note="parsed")


def allow_all(robots_url: str, reason: str) -> RobotsRules:
    return RobotsRules(robots_url=robots_url, parser=None, note=f"{reason} → allow all")


def robots_url_for(url: str) -> str:
    """``scheme://host[:port]/robots.txt`` of an absolute http(s) URL."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))


def user_agent_token(user_agent: str) -> str:
    """The product token robots.txt groups are matched against: ``xunjian`` of ``xunjian/0.1 …``."""
    return user_agent.split("/", 1)[0].split()[0] if user_agent.strip() else user_agent


class RobotsCache:
    """robots.txt rules per host, each loaded at most once, concurrently safe."""

    def __init__(self, load: Callable[[str], Awaitable[RobotsRules]]) -> None:
        self._load = load
        self._rules: dict[str, RobotsRules] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def rules_for(self, url: str) -> RobotsRules:
        robots_url = robots_url_for(url)
        rules = self._rules.get(robots_url)
        if rules is not None:
            return rules
        lock = self._locks.setdefault(robots_url, asyncio.Lock())
        async with lock:
            rules = self._rules.get(robots_url)
            if rules is None:
                rules = await self._load(robots_url)
                logger.debug("robots %s: %s", robots_url, rules.note)
                self._rules[robots_url] = rules
            return rules

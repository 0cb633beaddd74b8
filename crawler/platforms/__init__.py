"""New-media account sources: feeds (RSS, Atom, JSON Feed), RSSHub routes and platform APIs.

- ``model``: ``Post``, ``SourceParse``, ``SourceKind``
- ``sources``: ``source_url`` (where a source is) and ``parse_source`` (what its answer says)
- ``feed``: RSS/Atom via feedparser, JSON Feed; ``weibo``: the m.weibo.cn container API
- ``times``: publication times in every form the sources write them
- ``failures``: anti-bot, login, captcha and RSSHub error answers
- ``posts``: entries made into posts (plain titles, plausible dates, one per key, newest first)

Parsing never touches storage and never raises on a body.
"""

from __future__ import annotations

from crawler.platforms.model import Post, SourceKind, SourceParse
from crawler.platforms.sources import DEFAULT_WEIBO_API, parse_source, source_url
from crawler.platforms.times import parse_post_time

__all__ = [
    "DEFAULT_WEIBO_API",
    "Post",
    "SourceKind",
    "SourceParse",
    "parse_post_time",
    "parse_source",
    "source_url",
]

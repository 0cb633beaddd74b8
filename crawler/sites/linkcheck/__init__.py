"""Link and image checks: every link of the homepage and every image of the homepage and the
column pages, each distinct URL once per run, politely (``checker``); the verdict of one
response (``verdicts``, ``imagebytes``); own versus external links (``domains``); the phase
of a crawl run that checks and stores them (``phase``).
"""

from __future__ import annotations

from crawler.sites.linkcheck.checker import LinkCheckSettings, PageReferences, check_pages
from crawler.sites.linkcheck.phase import LinkRun, PageSeen, check_links, page_seen

__all__ = [
    "LinkCheckSettings",
    "LinkRun",
    "PageReferences",
    "PageSeen",
    "check_links",
    "check_pages",
    "page_seen",
]

"""Defaults the command modules repeat so that their --help imports no fetching code."""

from __future__ import annotations

from crawler.cli import disclosure as disclosure_command
from crawler.cli import discover as discover_command
from crawler.disclosure.crawl import DEFAULT_PAGE_LIMIT
from crawler.sites.discover import DEFAULT_MAX_PAGES


def test_discover_max_pages_default_is_the_discoverys() -> None:
    assert discover_command.DEFAULT_MAX_PAGES == DEFAULT_MAX_PAGES


def test_disclosure_page_limit_default_is_the_crawls() -> None:
    assert disclosure_command.DEFAULT_PAGE_LIMIT == DEFAULT_PAGE_LIMIT

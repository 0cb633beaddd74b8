"""Markup past the limits (deep nesting, unclosed tags) is not parsed: the page is "unknown"."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pytest

from crawler.extract import extract_page
from crawler.extract.limits import MAX_NESTING, too_complex

PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "pages"
TODAY = date(2024, 6, 1)

HOSTILE = {
    "nested divs": "<html><body>" + "<div>" * 20_000 + "</body></html>",
    "unclosed formatting": "<b><i><font><span>" * 5_000,
    "nested tables": "<table><tr><td>" * 5_000,
    "stray end tags first": "</span>" * 10_000 + "<div>" * 10_000,
}


@pytest.mark.parametrize("html", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_markup_is_an_explicit_unknown(html: str, caplog: pytest.LogCaptureFixture) -> None:
    assert (reason := too_complex(html)) is not None
    assert reason.startswith("page too deeply nested (depth ")
    with caplog.at_level(logging.WARNING, logger="crawler.extract.page"):
        extraction = extract_page(html, base_url="http://x.test/", today=TODAY)
    assert extraction.kind == "unknown"
    assert not extraction.list_found
    assert extraction.items == ()
    assert "too deeply nested" in caplog.text
    assert "http://x.test/" in caplog.text


def test_a_page_with_too_many_tags_is_not_read() -> None:
    assert too_complex("<br>" * 200_001) == "page has too many tags (200001) — not read"


def test_markup_the_parser_closes_itself_is_within_the_limits() -> None:
    assert too_complex("<ul>" + "<li><p>x<br><img src=a.png>" * 20_000 + "</ul>") is None
    assert too_complex("<div>" * MAX_NESTING) is None


@pytest.mark.parametrize("page", sorted(PAGES.glob("*.htm*")), ids=lambda path: path.name)
def test_saved_pages_are_within_the_limits(page: Path) -> None:
    assert too_complex(page.read_text(encoding="utf-8", errors="replace")) is None


def test_a_refused_page_that_says_nothing_is_published_is_unreadable_not_empty() -> None:
    from crawler.sites.pagestore import _is_empty_notice

    html = "<div>" * 20000 + "暂无信息" + "</div>" * 20000
    extraction = extract_page(html, base_url="http://127.0.0.1/c/", today=date(2022, 6, 30))
    assert extraction.refused is not None
    assert not _is_empty_notice(extraction, html)

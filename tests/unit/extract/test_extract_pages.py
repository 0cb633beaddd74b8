"""Extraction on the saved pages in tests/fixtures/pages, against manifest.json."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from crawler.extract import PageExtraction, extract_page

PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "pages"
MANIFEST: dict[str, Any] = json.loads((PAGES / "manifest.json").read_text(encoding="utf-8"))
TODAY = date.fromisoformat(MANIFEST["today"])


def _extract(case: dict[str, Any]) -> PageExtraction:
    html = (PAGES / case["file"]).read_text(encoding="utf-8")
    return extract_page(html, base_url=case["url"], today=TODAY, selector=case["selector"])


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


CASES = MANIFEST["pages"]


def test_manifest_covers_the_styles() -> None:
    assert len(CASES) >= 12
    assert {case["file"] for case in CASES} == {p.name for p in PAGES.glob("*.html")}


@pytest.mark.parametrize("case", CASES, ids=[case["file"] for case in CASES])
def test_page_kind_and_dates(case: dict[str, Any]) -> None:
    result = _extract(case)
    assert result.kind == case["kind"]
    assert result.list_found is case["list_found"]
    assert _iso(result.newest) == case["newest"]
    assert _iso(result.published) == case["published"]
    assert result.published_where == case["published_where"]
    assert dict(result.meta) == case["meta"]


@pytest.mark.parametrize("case", CASES, ids=[case["file"] for case in CASES])
def test_page_items(case: dict[str, Any]) -> None:
    result = _extract(case)
    got = [
        {
            "title": item.title,
            "url": item.url,
            "published": _iso(item.published),
            "date_where": item.date_where,
        }
        for item in result.items
    ]
    assert got == case["items"]
    for item in result.items:
        assert item.url.startswith(("http://", "https://"))
        if item.published is not None:
            assert item.date_where
            assert item.date_text
        else:
            assert item.date_where is None


def test_newest_is_the_newest_item_date() -> None:
    for case in CASES:
        result = _extract(case)
        dates = [item.published for item in result.items if item.published is not None]
        assert result.newest == (max(dates) if dates else None)


def test_noise_is_never_the_newest_date() -> None:
    """The today widget, 热点/排行 boxes with newer dates and footer years are all ignored."""
    case = next(case for case in CASES if case["file"] == "noisy_layout.html")
    result = _extract(case)
    assert result.newest == date(2022, 2, 15)
    assert all("/rdgz/" not in item.url and "/ph/" not in item.url for item in result.items)


def test_article_related_list_does_not_make_a_list() -> None:
    case = next(case for case in CASES if case["file"] == "article_pubdate.html")
    result = _extract(case)
    assert result.kind == "article"
    assert result.items == ()
    assert result.published == date(2022, 5, 20)


def test_article_date_is_not_the_written_date() -> None:
    case = next(case for case in CASES if case["file"] == "article_visible_line.html")
    result = _extract(case)
    assert result.published == date(2022, 5, 19)  # 发布时间, not 成文日期 2022-05-10
    assert result.published_where == "发布时间 line"

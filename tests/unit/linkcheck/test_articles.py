"""The article sample: the newest of each column first, round-robin, at most N per site."""

from __future__ import annotations

from datetime import date

from crawler.sites.linkcheck.articles import newest_articles, sample_articles
from rules.model import Category, Column, Item, Site


def site(site_id: str) -> Site:
    return Site(
        id=site_id,
        name=site_id,
        homepage=f"http://{site_id}.example.gov.cn/",
        columns=tuple(
            Column(
                id=c, name=c, url=f"http://{site_id}.example.gov.cn/{c}/", category=Category.NEWS
            )
            for c in ("a", "b", "c")
        ),
    )


def test_newest_articles_by_date_then_undated() -> None:
    items = [
        Item(title="旧", url="http://x/1", published=date(2022, 1, 1)),
        Item(title="无日期", url="http://x/2", published=None),
        Item(title="新", url="http://x/3", published=date(2022, 6, 1)),
        Item(title="新", url="http://x/3", published=date(2022, 6, 1)),
    ]
    assert newest_articles(items) == ("http://x/3", "http://x/1", "http://x/2")
    assert newest_articles(items, 1) == ("http://x/3",)


def test_sample_round_robin_in_column_order() -> None:
    one, two = site("one"), site("two")
    columns = [
        (one, "b", ("b1", "b2")),
        (one, "a", ("a1", "a2", "a3")),
        (two, "c", ("c1",)),
        (one, "c", ("a1",)),  # the same article listed twice counts once
    ]
    chosen = [(s.id, column, url) for s, column, url in sample_articles(columns, 4)]
    assert chosen == [
        ("one", "a", "a1"),
        ("one", "b", "b1"),
        ("one", "a", "a2"),
        ("one", "b", "b2"),
        ("two", "c", "c1"),
    ]
    assert sample_articles(columns, 0) == []

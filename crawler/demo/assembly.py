"""Turning undated site specifications into dated demo sites.

``SiteSpec`` and ``ColumnSpec`` say what a site is (its columns, style, charset, and which
columns are built stale or overdue); ``build_site`` dates every item relative to ``today``
with a random generator seeded from the site and column ids, so the same spec, seed and
``today`` always give the same pages.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, time, timedelta

from crawler.demo.dating import age_profile, earlier_dates, list_dates
from crawler.demo.model import Charset, DemoColumn, DemoItem, DemoSite, Freshness
from crawler.demo.wording import article_body, column_text, titles
from rules.model import Category

__all__ = ["ColumnSpec", "SiteSpec", "build_site"]

MIN_ITEMS = 15
MAX_ITEMS = 25


@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnSpec:
    id: str
    name: str
    category: Category
    max_age_days: int | None = None
    freshness: Freshness = Freshness.FRESH


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteSpec:
    id: str
    name: str
    unit: str
    site_code: str
    domain: str
    style: str
    charset: Charset
    topics: tuple[str, ...]
    columns: tuple[ColumnSpec, ...]


def build_site(
    spec: SiteSpec,
    *,
    today: date,
    number: int,
    seed: int = 0,
    items: int | None = None,
    history_from: date | None = None,
) -> DemoSite:
    """Date ``spec`` relative to ``today``; ``items`` fixes the count per list column.

    ``history_from``: every list column also holds the older items it showed since that day
    (its list shows only its newest ``count``: ``DemoColumn.listed``), so the site can be
    served as it stood on any day from then to ``today`` (``crawler.demo.timeline``)."""
    rng = random.Random(f"{seed}:{spec.id}")  # noqa: S311 - page content, not secrets
    next_article = rng.randint(1000, 9000) * 10
    columns: list[DemoColumn] = []
    for index, column_spec in enumerate(spec.columns):
        column_rng = random.Random(f"{seed}:{spec.id}:{column_spec.id}")  # noqa: S311
        column_number = 1000 + number * 20 + index
        if column_spec.category is Category.STATIC:
            columns.append(
                DemoColumn(
                    id=column_spec.id,
                    name=column_spec.name,
                    category=column_spec.category,
                    number=column_number,
                    text=column_text(column_spec.name, spec.unit, spec.topics),
                    updated=today - timedelta(days=column_rng.randint(200, 400)),
                )
            )
            continue
        count = items if items is not None else column_rng.randint(MIN_ITEMS, MAX_ITEMS)
        profile = age_profile(column_spec.category, column_spec.freshness, column_spec.max_age_days)
        dates = list_dates(today, profile, count, column_rng)
        if history_from is not None:
            history_rng = random.Random(f"{seed}:{spec.id}:{column_spec.id}:history")  # noqa: S311
            dates += earlier_dates(dates[-1], profile, history_from, count, history_rng)
        column_titles = titles(column_spec.name, spec.unit, spec.topics, dates, column_rng)
        column_items: list[DemoItem] = []
        for day, title in zip(dates, column_titles, strict=True):
            next_article += column_rng.randint(1, 9)
            minute = column_rng.randint(8 * 60, 18 * 60)
            column_items.append(
                DemoItem(
                    number=next_article,
                    title=title,
                    published=day,
                    at=time(minute // 60, minute % 60),
                    body=article_body(title, spec.unit, column_rng.choice(spec.topics), day),
                )
            )
        columns.append(
            DemoColumn(
                id=column_spec.id,
                name=column_spec.name,
                category=column_spec.category,
                max_age_days=column_spec.max_age_days,
                freshness=column_spec.freshness,
                number=column_number,
                items=tuple(column_items),
                listed=count if history_from is not None else None,
            )
        )
    return DemoSite(
        id=spec.id,
        name=spec.name,
        unit=spec.unit,
        site_code=spec.site_code,
        domain=spec.domain,
        style=spec.style,
        charset=spec.charset,
        topics=spec.topics,
        columns=tuple(columns),
    )

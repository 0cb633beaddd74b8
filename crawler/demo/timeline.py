"""The demo fleet as it stood at a moment: what a crawl on a simulated day sees.

A fleet is built with everything it ever publishes up to its ``today``: the sites' columns
with their history (``demo_fleet(today, history_from=…)``), the accounts' posts from before
the judged quarter, the 政务公开 units' dated items. ``fleet_as_of`` keeps what had been
published by a moment: the items of each column published by then (their date and time of
day, Asia/Shanghai), the newest ``DemoColumn.listed`` of them, and the posts made by then;
``units_as_of`` keeps the units' items dated on or before a day (their lists show dates only).
The server shows a view (``RunningFleet.show``) as the simulated quarter advances
(``crawler.demo.quarter``). Pure data in, data out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

from crawler.demo.board import letters_as_of
from crawler.demo.disclosure import DemoUnit
from crawler.demo.model import DemoAccount, DemoColumn, DemoItem, DemoSite, Fleet
from rules.model import SHANGHAI

__all__ = ["fleet_as_of", "published_at", "units_as_of"]


def published_at(item: DemoItem) -> datetime:
    """When ``item`` was published: its date and time of day in Asia/Shanghai (aware)."""
    return datetime.combine(item.published, item.at, tzinfo=SHANGHAI)


def _column_as_of(column: DemoColumn, moment: datetime) -> DemoColumn:
    if not column.is_list:
        return column
    shown = [item for item in column.items if published_at(item) <= moment]
    if column.listed is not None:
        shown = shown[: column.listed]
    return replace(column, items=tuple(shown))


def _site_as_of(site: DemoSite, moment: datetime) -> DemoSite:
    return replace(
        site,
        columns=tuple(_column_as_of(c, moment) for c in site.columns),
        letters=letters_as_of(site.letters, moment),
    )


def _account_as_of(account: DemoAccount, moment: datetime) -> DemoAccount:
    return replace(account, posts=tuple(p for p in account.posts if p.published <= moment))


def fleet_as_of(fleet: Fleet, moment: datetime) -> Fleet:
    """``fleet`` as published by ``moment`` (aware); its ``today`` is the moment's day."""
    return Fleet(
        today=moment.astimezone(SHANGHAI).date(),
        sites=tuple(_site_as_of(site, moment) for site in fleet.sites),
        accounts=tuple(_account_as_of(account, moment) for account in fleet.accounts),
    )


def units_as_of(units: Sequence[DemoUnit], day: date) -> tuple[DemoUnit, ...]:
    """``units`` with only the list items dated on or before ``day``."""
    return tuple(
        replace(
            unit,
            columns=tuple(
                replace(column, dates=tuple(d for d in column.dates if d <= day))
                for column in unit.columns
            ),
        )
        for unit in units
    )

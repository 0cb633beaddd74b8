"""Builders of facts for the rules-engine tests: one site, its pages, one account."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta

from rules.facts import Account, AccountFacts, Platform, ProbeStats, SiteFacts
from rules.model import Category, Column, Item, Outcome, PageFacts, Site

# 2022-06-20 10:00 Asia/Shanghai, a Monday
NOW = datetime(2022, 6, 20, 2, 0, tzinfo=UTC)
TODAY = date(2022, 6, 20)


def page(
    column_id: str | None,
    *,
    name: str | None = None,
    category: Category | None = Category.NEWS,
    newest: date | None = TODAY,
    outcome: Outcome | None = Outcome.OK,
    items: int = 10,
    list_found: bool = True,
    max_age_days: int | None = None,
    checked_at: datetime = NOW,
) -> PageFacts:
    item = Item(title="标题", url="http://x/a/1.html", published=newest) if newest else None
    return PageFacts(
        site_id="s1",
        site_name="某局",
        column_id=column_id,
        column_name=None if column_id is None else (name or column_id),
        category=None if column_id is None else category,
        max_age_days=max_age_days,
        url=f"http://x/{column_id or ''}",
        checked_at=checked_at,
        outcome=outcome,
        status=200 if outcome is Outcome.OK else None,
        list_found=list_found and outcome is not None and outcome.readable,
        item_count=items,
        dated_count=items if newest else 0,
        newest=item,
    )


def home(**kwargs: object) -> PageFacts:
    return page(None, **kwargs)  # type: ignore[arg-type]


def probes(per_day: Mapping[date, tuple[int, int]] | None = None, **uniform: int) -> ProbeStats:
    """Probes on the 7 days before TODAY: ``per_day`` or ``probes``/``failed`` every day."""
    days = {
        TODAY - timedelta(days=back): (uniform.get("probes", 24), uniform.get("failed", 0))
        for back in range(1, 8)
    }
    days.update(per_day or {})
    return ProbeStats(window_start=NOW - timedelta(days=7), window_end=NOW, per_day=days)


def site(
    columns: Sequence[PageFacts] = (),
    *,
    homepage: PageFacts | None = None,
    probe_stats: ProbeStats | None = None,
) -> SiteFacts:
    target = Site(
        id="s1",
        name="某局",
        homepage="http://x/",
        columns=tuple(
            Column(
                id=c.column_id or "",
                name=c.column_name or "",
                url=c.url,
                category=c.category or Category.STATIC,
                max_age_days=c.max_age_days,
            )
            for c in columns
        ),
    )
    return SiteFacts(
        site=target,
        pages=(homepage or home(), *columns),
        probes=probe_stats if probe_stats is not None else probes(),
    )


def account(
    *,
    newest_post: datetime | None = NOW - timedelta(days=1),
    outcome: Outcome | None = Outcome.OK,
    posts_per_week: Mapping[date, int] | None = None,
    history_since: datetime | None = datetime(2020, 1, 1, tzinfo=UTC),
    checked_at: datetime = NOW,
    account_id: str = "a1",
    history_gaps: tuple[tuple[datetime, datetime], ...] = (),
) -> AccountFacts:
    return AccountFacts(
        account=Account(id=account_id, name="济源应急管理", platform=Platform.WEIBO),
        url="http://feeds.local/weibo/a1",
        checked_at=checked_at,
        outcome=outcome,
        newest_post=newest_post,
        posts_per_week=posts_per_week or {},
        history_since=history_since,
        history_gaps=history_gaps,
    )

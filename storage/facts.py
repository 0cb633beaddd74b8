"""Fact queries: what the rules need to know, read from storage.

Plain async functions over a session. Counting and picking the newest item happen in
SQL (GROUP BY and window functions), so a run over thousands of pages loads one row per
page, not every item.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Row, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from rules.model import CONTENT_OUTCOMES, Finding, Item, Outcome, PageFacts, Severity, Site
from storage.bulk import chunks
from storage.errors import RunNotFoundError
from storage.evidence import evidence_from_dict
from storage.models import finding_table, item_table, run_table, snapshot_table
from storage.records import RunInfo, RunStatus

_PageKey = tuple[str, str | None]


async def page_facts(
    session: AsyncSession, *, run_id: int, sites: Sequence[Site]
) -> list[PageFacts]:
    """Facts for every page of ``sites`` as fetched in run ``run_id`` (only their snapshots and
    items are read: a run's sites can be judged a group at a time).

    Per site the homepage comes first, then each column in the targets' order. Each page
    is judged from its newest snapshot in the run: its outcome, status and detail; when
    readable also whether a list was found, how many items (and dated items) are on the
    page now, and the newest dated item among them. For a 304 the content was seen when
    the earlier full fetch ran, which is ``content_seen_at``. A page with no snapshot in
    the run has outcome None.

    Items keep only the last snapshot that showed them, so the answer is exact for a
    run's newest pages, which is when the runner asks; for an older run, items seen
    again since then count for the newer snapshot.
    """
    started_at = await session.scalar(
        select(run_table.c.started_at).where(run_table.c.id == run_id)
    )
    if started_at is None:
        raise RunNotFoundError(run_id)
    s = snapshot_table
    snapshots: dict[_PageKey, Row[Any]] = {}
    items = _PageItems(counts={}, newest={}, refused={})
    for chunk in chunks(list(dict.fromkeys(site.id for site in sites))):
        in_run = and_(s.c.run_id == run_id, s.c.site_id.in_(chunk))
        snapshots.update(await _newest_snapshots(session, in_run))
        items.counts.update(await _item_counts(session, in_run))
        items.newest.update(await _newest_items(session, in_run))
        items.refused.update(await _newest_items(session, in_run, refused=True))
    return _site_facts(sites, snapshots, items, not_checked_at=started_at)


async def page_facts_as_of(
    session: AsyncSession, *, sites: Sequence[Site], as_of: datetime
) -> list[PageFacts]:
    """Facts for every page of ``sites`` as the newest fetch at or before ``as_of`` saw it.

    Re-evaluating a past moment needs no crawl: each page's newest snapshot up to ``as_of``
    (from any run) gives the outcome, and the items on the page then are those first seen at
    or before that fetch and last seen at or after it (an item seen on two fetches is taken
    to have been on the page in between). Pages never fetched by then have outcome None.
    """
    site_ids = [s.id for s in sites]
    s = snapshot_table
    snapshots: dict[_PageKey, Row[Any]] = {}
    for chunk in chunks(site_ids):
        snapshots.update(
            await _newest_snapshots(session, and_(s.c.site_id.in_(chunk), s.c.fetched_at <= as_of))
        )
    ids = [row.id for row in snapshots.values()]
    items = _PageItems(counts={}, newest={}, refused={})
    for id_chunk in chunks(ids):
        items.counts.update(await _item_counts_between(session, id_chunk))
        items.newest.update(await _newest_items_between(session, id_chunk))
        items.refused.update(await _newest_items_between(session, id_chunk, refused=True))
    return _site_facts(sites, snapshots, items, not_checked_at=as_of)


class _Counts(NamedTuple):
    items: int
    dated: int
    refused: int  # items whose only date is later than the check date


@dataclass(frozen=True, slots=True)
class _PageItems:
    """What the items of each judged snapshot add to its facts, by snapshot id."""

    counts: dict[int, _Counts]
    newest: dict[int, Item]  # the newest dated item
    refused: dict[int, Item]  # the first item whose date was refused


def _site_facts(
    sites: Sequence[Site],
    snapshots: Mapping[_PageKey, Row[Any]],
    items: _PageItems,
    *,
    not_checked_at: datetime,
) -> list[PageFacts]:
    facts: list[PageFacts] = []
    for site in sites:
        pages: list[tuple[str | None, str | None, Any, int | None, str]] = [
            (None, None, None, None, site.homepage)
        ]
        pages += [(c.id, c.name, c.category, c.max_age_days, c.url) for c in site.columns]
        for column_id, column_name, category, max_age_days, url in pages:
            base = {
                "site_id": site.id,
                "site_name": site.name,
                "column_id": column_id,
                "column_name": column_name,
                "category": category,
                "max_age_days": max_age_days,
                "url": url,
            }
            snapshot = snapshots.get((site.id, column_id))
            if snapshot is None:
                facts.append(PageFacts(**base, checked_at=not_checked_at, outcome=None))
                continue
            facts.append(_facts_of(base, snapshot, items))
    return facts


def _facts_of(
    base: Mapping[str, Any],
    snapshot: Row[Any],
    items: _PageItems,
) -> PageFacts:
    outcome = Outcome(snapshot.outcome)
    common = {
        **base,
        "checked_at": snapshot.fetched_at,
        "outcome": outcome,
        "status": snapshot.status,
        "detail": snapshot.detail,
    }
    if not outcome.readable:
        return PageFacts(**common)
    if outcome is Outcome.NOT_MODIFIED:
        list_found = bool(snapshot.judged_list_found)
        content_seen_at = snapshot.judged_at
        meta = snapshot.judged_meta
        personal = snapshot.judged_personal_data
        content = snapshot.judged_content_checks
    else:
        list_found = snapshot.list_found
        content_seen_at = snapshot.fetched_at
        meta = snapshot.meta
        personal = snapshot.personal_data
        content = snapshot.content_checks
    content = content or {}
    counts = items.counts.get(snapshot.id, _Counts(0, 0, 0))
    return PageFacts(
        **common,
        list_found=list_found,
        item_count=counts.items,
        dated_count=counts.dated,
        later_dated_count=counts.refused,
        later_dated=items.refused.get(snapshot.id),
        newest=items.newest.get(snapshot.id),
        content_seen_at=content_seen_at,
        meta=dict(meta or {}),
        personal_data=tuple(personal or ()),
        wording=tuple(content.get("wording", ())),
        hidden_links=tuple(content.get("hidden", ())),
    )


async def _newest_snapshots(
    session: AsyncSession, where: ColumnElement[bool]
) -> dict[_PageKey, Row[Any]]:
    """The newest snapshot of each page among those ``where`` selects, with the full fetch a
    304 stands on."""
    s = snapshot_table
    ranked = (
        select(
            s.c.id,
            s.c.site_id,
            s.c.column_id,
            s.c.fetched_at,
            s.c.outcome,
            s.c.status,
            s.c.detail,
            s.c.list_found,
            s.c.meta,
            s.c.personal_data,
            s.c.content_checks,
            func.row_number()
            .over(
                partition_by=(s.c.site_id, s.c.column_id),
                order_by=(s.c.fetched_at.desc(), s.c.id.desc()),
            )
            .label("rank"),
        )
        .where(where)
        .subquery("ranked")
    )
    earlier = s.alias("earlier")
    judged_id = (
        select(func.max(earlier.c.id))
        .where(
            earlier.c.site_id == ranked.c.site_id,
            earlier.c.column_id.is_not_distinct_from(ranked.c.column_id),
            earlier.c.outcome.in_(CONTENT_OUTCOMES),
            earlier.c.id < ranked.c.id,
        )
        .scalar_subquery()
    )
    newest = (
        select(
            ranked,
            judged_id.label("judged_id"),
        )
        .where(ranked.c.rank == 1)
        .subquery("newest")
    )
    judged = s.alias("judged")
    query = select(
        newest,
        judged.c.fetched_at.label("judged_at"),
        judged.c.list_found.label("judged_list_found"),
        judged.c.meta.label("judged_meta"),
        judged.c.personal_data.label("judged_personal_data"),
        judged.c.content_checks.label("judged_content_checks"),
    ).outerjoin(judged, judged.c.id == newest.c.judged_id)
    rows = (await session.execute(query)).all()
    return {(row.site_id, row.column_id): row for row in rows}


async def _item_counts(session: AsyncSession, snapshots: ColumnElement[bool]) -> dict[int, _Counts]:
    """Per snapshot ``snapshots`` selects: items last seen on it, dated ones, ones whose date
    was refused."""
    i, s = item_table, snapshot_table
    query = (
        select(i.c.last_snapshot_id, *_counted())
        .join(s, s.c.id == i.c.last_snapshot_id)
        .where(snapshots)
        .group_by(i.c.last_snapshot_id)
    )
    return {row[0]: _Counts(*row[1:]) for row in (await session.execute(query)).all()}


def _counted() -> tuple[Any, ...]:
    """All items, dated items, and items whose date was seen and refused (``_refused``)."""
    i = item_table
    return (func.count(), func.count(i.c.published), func.count(case((_refused(), 1))))


def _refused() -> ColumnElement[bool]:
    """An item whose date text was kept but not read as its date (later than the check)."""
    return and_(item_table.c.published.is_(None), item_table.c.date_text.is_not(None))


async def _newest_items(
    session: AsyncSession, snapshots: ColumnElement[bool], *, refused: bool = False
) -> dict[int, Item]:
    """Per snapshot ``snapshots`` selects: the newest dated item last seen on it (ties: the one
    seen first); with ``refused``, the first item whose date was refused instead."""
    i, s = item_table, snapshot_table
    ranked = (
        select(
            i.c.last_snapshot_id,
            i.c.title,
            i.c.url,
            i.c.published,
            i.c.date_where,
            i.c.date_text,
            func.row_number()
            .over(
                partition_by=i.c.last_snapshot_id,
                order_by=(i.c.published.desc(), i.c.first_seen, i.c.id),
            )
            .label("rank"),
        )
        .join(s, s.c.id == i.c.last_snapshot_id)
        .where(snapshots, _refused() if refused else i.c.published.is_not(None))
        .subquery("ranked_items")
    )
    return await _first_ranked(session, ranked, ranked.c.last_snapshot_id)


def _on_page_at(snapshots: Any) -> ColumnElement[bool]:
    """Items of the snapshot's page that were on it when it was fetched."""
    i = item_table
    return and_(
        i.c.site_id == snapshots.c.site_id,
        i.c.column_id.is_not_distinct_from(snapshots.c.column_id),
        i.c.first_seen <= snapshots.c.fetched_at,
        i.c.last_seen >= snapshots.c.fetched_at,
    )


async def _item_counts_between(
    session: AsyncSession, snapshot_ids: Sequence[int]
) -> dict[int, _Counts]:
    """Per snapshot: items on its page then, dated ones, ones whose date was refused."""
    i, s = item_table, snapshot_table
    query = (
        select(s.c.id, *_counted())
        .join(i, _on_page_at(s))
        .where(s.c.id.in_(snapshot_ids))
        .group_by(s.c.id)
    )
    return {row[0]: _Counts(*row[1:]) for row in (await session.execute(query)).all()}


async def _newest_items_between(
    session: AsyncSession, snapshot_ids: Sequence[int], *, refused: bool = False
) -> dict[int, Item]:
    """Per snapshot: the newest dated item on its page then (ties: the one seen first); with
    ``refused``, the first item whose date was refused instead."""
    i, s = item_table, snapshot_table
    ranked = (
        select(
            s.c.id.label("snapshot_id"),
            i.c.title,
            i.c.url,
            i.c.published,
            i.c.date_where,
            i.c.date_text,
            func.row_number()
            .over(
                partition_by=s.c.id,
                order_by=(i.c.published.desc(), i.c.first_seen, i.c.id),
            )
            .label("rank"),
        )
        .join(i, _on_page_at(s))
        .where(s.c.id.in_(snapshot_ids), _refused() if refused else i.c.published.is_not(None))
        .subquery("ranked_items")
    )
    return await _first_ranked(session, ranked, ranked.c.snapshot_id)


async def _first_ranked(session: AsyncSession, ranked: Any, key: Any) -> dict[int, Item]:
    """The rank-1 item of each snapshot of a ranked-items subquery, keyed by ``key``."""
    rows = (await session.execute(select(ranked, key.label("key")).where(ranked.c.rank == 1))).all()
    return {
        row.key: Item(
            title=row.title,
            url=row.url,
            published=row.published,
            date_where=row.date_where,
            date_text=row.date_text,
        )
        for row in rows
    }


async def run_findings(session: AsyncSession, *, run_id: int) -> list[Finding]:
    """The findings recorded for a run, in the order they were recorded."""
    f = finding_table
    rows = (await session.execute(select(f).where(f.c.run_id == run_id).order_by(f.c.id))).all()
    return [
        Finding(
            code=row.code,
            severity=Severity(row.severity),
            message=row.message,
            site_id=row.site_id if row.site_id is not None else row.account_id,
            site_name=row.site_name,
            column_id=row.column_id,
            column_name=row.column_name,
            evidence=evidence_from_dict(row.evidence),
            extra=dict(row.extra or {}),
        )
        for row in rows
    ]


async def latest_run(session: AsyncSession) -> RunInfo | None:
    """The most recently started run, None when there has been none."""
    r = run_table
    row = (
        await session.execute(select(r).order_by(r.c.started_at.desc(), r.c.id.desc()).limit(1))
    ).first()
    if row is None:
        return None
    return RunInfo(
        id=row.id,
        scope=row.scope,
        status=RunStatus(row.status),
        started_at=row.started_at,
        finished_at=row.finished_at,
        pid=row.pid,
        hostname=row.hostname,
        stats=dict(row.stats or {}),
    )

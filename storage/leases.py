"""Site leases: one run crawls a site at a time.

An item keeps only the last snapshot that showed it, and a run's page facts count items
through its own snapshots. Two runs crawling the same site at once would move each other's
items away and judge columns empty or stale that are not. So a run leases each site before
fetching its pages and keeps the lease until it has judged and stored its findings:

- ``take_site_leases`` takes, in one transaction, every free lease of the sites asked for,
  and takes over those of dead runs (past ``expires_at``, or whose run is no longer
  ``running``); a lease another live run holds is left to it and reported.
- ``renew_site_leases`` moves the expiry of a run's leases on while it works, and says which
  it still holds.
- ``held_site_leases`` says which it still holds: asked after the facts are read, a site
  still leased proves no other run wrote its items in between (a lease taken over never
  comes back to the run that lost it).
- ``lock_site_leases`` is asked in each transaction that writes a site's pages: a run writes
  only the sites it still holds, and no run takes them over until that write commits.
- ``release_site_leases`` deletes a run's leases at its end.

Works the same on SQLite and Postgres: the free leases are taken by one insert that does
nothing on a conflict, a dead run's lease by an update that names the holder and expiry it
read (compare and set), so two runs racing for one site never both get it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.bulk import chunks, dialect_insert
from storage.models import run_table, site_lease_table
from storage.records import RunStatus

__all__ = [
    "LEASE_TTL",
    "LeaseHolder",
    "SiteLeases",
    "held_site_leases",
    "lock_site_leases",
    "release_site_leases",
    "renew_site_leases",
    "take_site_leases",
]

LEASE_TTL = timedelta(minutes=10)
"""How long a lease lasts unless renewed; a run renews its leases every third of it."""


@dataclass(frozen=True, slots=True, kw_only=True)
class LeaseHolder:
    """The live run that holds a site's lease."""

    site_id: str
    run_id: int | None  # None: taken and released again while this run asked, several times
    expires_at: datetime

    @property
    def reason(self) -> str:
        """Why a run that found this lease did not crawl the site, for its output and record."""
        if self.run_id is None:
            return "being crawled by other runs (its lease changed hands while asked)"
        return (
            f"being crawled by run {self.run_id} "
            f"(its lease runs to {self.expires_at:%Y-%m-%d %H:%M} UTC unless renewed)"
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteLeases:
    """What ``take_site_leases`` got: the sites leased to the run, and the others' holders."""

    taken: frozenset[str]
    held: tuple[LeaseHolder, ...] = ()  # by other live runs, in the order asked
    taken_over: tuple[LeaseHolder, ...] = ()  # dead runs' leases this run took


async def take_site_leases(
    session: AsyncSession,
    *,
    run_id: int,
    site_ids: Sequence[str],
    now: datetime,
    ttl: timedelta = LEASE_TTL,
) -> SiteLeases:
    """Lease ``site_ids`` to run ``run_id`` until ``now + ttl``, where no live run holds them.

    The caller owns the transaction; commit it before fetching anything.
    """
    expires_at = now + ttl
    taken: set[str] = set()
    held: list[LeaseHolder] = []
    taken_over: list[LeaseHolder] = []
    pending = list(dict.fromkeys(site_ids))
    for _ in range(_ROUNDS):
        if not pending:
            break
        taken.update(await _insert_free(session, run_id, pending, now, expires_at))
        holders = await _holders(session, [s for s in pending if s not in taken])
        released: list[str] = []  # released between the insert and the read: asked again
        for site_id in pending:
            if site_id in taken:
                continue
            if (holder := holders.get(site_id)) is None:
                released.append(site_id)
                continue
            lease, status = holder
            if lease.run_id == run_id:
                taken.add(site_id)
            elif lease.expires_at > now and status == RunStatus.RUNNING.value:
                held.append(lease)  # a live run's: it keeps its site
            elif await _take_over(session, lease, run_id, now, expires_at):
                taken.add(site_id)
                taken_over.append(lease)
            else:  # another run took it over first
                held.extend(_still_held(await _holders(session, [site_id])))
        pending = released
    held.extend(LeaseHolder(site_id=s, run_id=None, expires_at=expires_at) for s in pending)
    return SiteLeases(taken=frozenset(taken), held=tuple(held), taken_over=tuple(taken_over))


_ROUNDS = 3


async def _insert_free(
    session: AsyncSession, run_id: int, site_ids: Sequence[str], now: datetime, expires: datetime
) -> set[str]:
    """Insert a lease for each site that has none; returns the sites it inserted."""
    t = site_lease_table
    inserted: set[str] = set()
    for chunk in chunks(site_ids):
        stmt = dialect_insert(session, t).on_conflict_do_nothing(index_elements=[t.c.site_id])
        result = await session.execute(
            stmt.returning(t.c.site_id),
            [
                {"site_id": site_id, "run_id": run_id, "taken_at": now, "expires_at": expires}
                for site_id in chunk
            ],
        )
        inserted.update(result.scalars())
    return inserted


async def _holders(
    session: AsyncSession, site_ids: Sequence[str]
) -> dict[str, tuple[LeaseHolder, str]]:
    """The lease of each site that has one, with the status of the run that holds it."""
    t = site_lease_table
    holders: dict[str, tuple[LeaseHolder, str]] = {}
    for chunk in chunks(site_ids):
        rows = await session.execute(
            select(t.c.site_id, t.c.run_id, t.c.expires_at, run_table.c.status)
            .join(run_table, run_table.c.id == t.c.run_id)
            .where(t.c.site_id.in_(chunk))
        )
        for row in rows:
            lease = LeaseHolder(site_id=row.site_id, run_id=row.run_id, expires_at=row.expires_at)
            holders[row.site_id] = (lease, row.status)
    return holders


def _still_held(holders: dict[str, tuple[LeaseHolder, str]]) -> list[LeaseHolder]:
    return [lease for lease, _ in holders.values()]


async def _take_over(
    session: AsyncSession, lease: LeaseHolder, run_id: int, now: datetime, expires: datetime
) -> bool:
    """Take a dead run's lease, unless it changed since it was read (compare and set)."""
    t = site_lease_table
    result = await session.execute(
        update(t)
        .where(
            t.c.site_id == lease.site_id,
            t.c.run_id == lease.run_id,
            t.c.expires_at == lease.expires_at,
        )
        .values(run_id=run_id, taken_at=now, expires_at=expires)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def renew_site_leases(
    session: AsyncSession, *, run_id: int, now: datetime, ttl: timedelta = LEASE_TTL
) -> frozenset[str]:
    """Move the expiry of run ``run_id``'s leases to ``now + ttl``; returns the sites it holds."""
    t = site_lease_table
    await session.execute(update(t).where(t.c.run_id == run_id).values(expires_at=now + ttl))
    return await held_site_leases(session, run_id=run_id)


async def held_site_leases(session: AsyncSession, *, run_id: int) -> frozenset[str]:
    """The sites whose lease run ``run_id`` holds now."""
    t = site_lease_table
    return frozenset((await session.scalars(select(t.c.site_id).where(t.c.run_id == run_id))).all())


async def lock_site_leases(
    session: AsyncSession, *, run_id: int, site_ids: Collection[str]
) -> frozenset[str]:
    """Those of ``site_ids`` whose lease run ``run_id`` holds, kept until the transaction ends.

    Called in the transaction that writes the sites' pages: on Postgres the lease rows are
    locked (``FOR SHARE``), so no run takes one over before the write commits; SQLite's
    transactions hold the database's write lock from their start anyway.
    """
    t = site_lease_table
    held: set[str] = set()
    for chunk in chunks(sorted(site_ids)):
        query = select(t.c.site_id).where(t.c.run_id == run_id, t.c.site_id.in_(chunk))
        held.update((await session.scalars(query.with_for_update(read=True))).all())
    return frozenset(held)


async def release_site_leases(session: AsyncSession, *, run_id: int) -> int:
    """Delete run ``run_id``'s leases; returns how many it held."""
    t = site_lease_table
    result = await session.execute(delete(t).where(t.c.run_id == run_id))
    return int(result.rowcount)  # type: ignore[attr-defined]

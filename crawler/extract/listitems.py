"""Read entries become ``Item`` values: each date with its year settled and where it was read.

A year-less date gets its year from ``years.resolve_years`` over the whole list, in page order;
its locator then ends with what the year was inferred from (``ul.list > li[3] > span, year
inferred from URL``), so the evidence of a finding says so.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from selectolax.lexbor import LexborNode

from crawler.extract.dates import LATER_THAN_CHECK
from crawler.extract.items import Entry
from crawler.extract.locate import describe, position
from crawler.extract.years import DateSlot, entry_heading_years, is_pinned, resolve_years
from rules.model import Item

__all__ = ["Placed", "place_entries", "to_items"]


@dataclass(frozen=True, slots=True)
class Placed:
    """An entry read from its element, with what its place says about its date's year."""

    element: LexborNode
    entry: Entry
    pinned: bool = False  # a 置顶 entry, or one from a headline block above the list
    heading_year: int | None = None


def place_entries(
    read: list[tuple[LexborNode, Entry]], *, today: date, pinned: bool = False
) -> list[Placed]:
    """The entries with their year headings (per parent container) and pinned marks."""
    by_parent: dict[int, dict[int, int]] = {}
    placed: list[Placed] = []
    ids = frozenset(element.mem_id for element, _ in read)
    for element, entry in read:
        parent = element.parent
        year = None
        if parent is not None and entry.date_hit is not None and not entry.date_hit.match.has_year:
            years = by_parent.get(parent.mem_id)
            if years is None:
                years = by_parent[parent.mem_id] = entry_heading_years(parent, ids, today=today)
            year = years.get(element.mem_id)
        marked = pinned or is_pinned(element, entry.title)
        placed.append(Placed(element, entry, pinned=marked, heading_year=year))
    return placed


def to_items(placed: list[Placed], *, today: date, prefix: str) -> tuple[Item, ...]:
    """The entries as items in page order, each (title, URL) once."""
    kept: list[Placed] = []
    seen: set[tuple[str, str]] = set()
    for one in placed:
        key = (one.entry.title, one.entry.url)
        if key not in seen:
            seen.add(key)
            kept.append(one)
    dated = resolve_years([_slot(one) for one in kept], today=today)
    items: list[Item] = []
    positions: dict[int, str] = {}
    for one, found in zip(kept, dated, strict=True):
        entry = one.entry
        where = text = None
        if found is not None and entry.date_hit is not None:
            where = _locator(one.element, entry.date_hit.where, prefix=prefix, positions=positions)
            if found.note:
                where = f"{where}, {found.note}"
            text = entry.date_hit.raw
        elif entry.later_hit is not None:
            # Kept as evidence with no date: ``published`` None and ``date_text`` set is how
            # storage and the rules know an item's date was seen and refused.
            where = _locator(one.element, entry.later_hit.where, prefix=prefix, positions=positions)
            where = f"{where}, {LATER_THAN_CHECK}"
            text = entry.later_hit.raw
        items.append(
            Item(
                title=entry.title,
                url=entry.url,
                published=found.value if found is not None else None,
                date_where=where,
                date_text=text,
            )
        )
    return tuple(items)


def _slot(one: Placed) -> DateSlot:
    hit = one.entry.date_hit
    if hit is None:
        return DateSlot(url=one.entry.url, pinned=one.pinned)
    value = hit.match.value
    if hit.match.has_year:
        return DateSlot(full=value, url=one.entry.url, pinned=one.pinned)
    return DateSlot(
        month_day=(value.month, value.day),
        url=one.entry.url,
        heading_year=one.heading_year,
        pinned=one.pinned,
    )


def _locator(element: LexborNode, inner: str, *, prefix: str, positions: dict[int, str]) -> str:
    parent = element.parent
    here = _position(element, positions)
    if element.tag == "tr":
        table = parent
        while table is not None and table.tag != "table":
            table = table.parent
        outer = f"{describe(table or parent or element)} {here}"
        return f"{prefix}{outer} {inner}" if inner else f"{prefix}{outer}"
    parts = [describe(parent)] if parent is not None else []
    if inner.startswith("+ "):
        parts.append(f"{here} {inner}")
    else:
        parts.append(here)
        if inner:
            parts.append(inner)
    return prefix + " > ".join(parts)


def _position(element: LexborNode, positions: dict[int, str]) -> str:
    """``position(element)``, counting each parent's children once for the whole list."""
    found = positions.get(element.mem_id)
    if found is not None:
        return found
    parent = element.parent
    if parent is None:
        return position(element)
    counts: Counter[str] = Counter()
    for child in parent.iter():
        tag = child.tag or "?"
        counts[tag] += 1
        positions[child.mem_id] = f"{tag}[{counts[tag]}]"
    return positions.get(element.mem_id) or position(element)

"""The ``units:`` section: 政务公开 units (departments, towns, villages) and their columns.

See docs/disclosure.md for how the columns are judged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from pydantic import Field, field_validator

from crawler.targets.base import (
    CATEGORY_ALIASES,
    TargetsError,
    _check_category,
    _check_id,
    _check_optional_id,
    _check_url,
    _claim_column_id,
    _Strict,
)
from rules.disclosure import DisclosureColumn, DisclosureUnit, Level
from rules.model import Category

# Disclosure unit levels as the notices name them.
LEVEL_ALIASES: dict[str, Level] = {
    "department": Level.DEPARTMENT,
    "部门": Level.DEPARTMENT,
    "区管委会部门": Level.DEPARTMENT,
    "town": Level.TOWN,
    "镇办": Level.TOWN,
    "镇": Level.TOWN,
    "街道": Level.TOWN,
    "片区": Level.TOWN,
    "village": Level.VILLAGE,
    "村居": Level.VILLAGE,
    "村": Level.VILLAGE,
    "社区": Level.VILLAGE,
}


class _UnitColumnSpec(_Strict):
    id: str | None = None
    name: Annotated[str, Field(min_length=1)]
    url: str
    overview: bool = False
    max_age_days: Annotated[int, Field(gt=0, le=3650)] | None = None
    category: str | None = None

    _url = field_validator("url")(_check_url)
    _id = field_validator("id")(_check_optional_id)
    _category = field_validator("category")(_check_category)


class _UnitSpec(_Strict):
    id: str
    name: Annotated[str, Field(min_length=1)]
    level: str
    parent: str | None = None
    columns: list[_UnitColumnSpec] = Field(default_factory=list)

    _id = field_validator("id")(_check_id)

    @field_validator("level")
    @classmethod
    def _level(cls, value: str) -> str:
        if value not in LEVEL_ALIASES:
            choices = ", ".join(LEVEL_ALIASES)
            raise ValueError(f"unknown level {value!r} — use one of: {choices}")
        return value


def _build_units(specs: Sequence[_UnitSpec], *, source: str) -> tuple[DisclosureUnit, ...]:
    """The units; a village's parent must be a town listed in the same file."""
    problems: list[str] = []
    seen: dict[str, int] = {}
    levels = {u.id: LEVEL_ALIASES[u.level] for u in specs}
    units: list[DisclosureUnit] = []
    for i, unit in enumerate(specs):
        where = f"units[{i}]"
        if unit.id in seen:
            problems.append(
                f"{where}.id: duplicate unit id {unit.id!r} (also units[{seen[unit.id]}])"
                " — give each unit its own id"
            )
        seen.setdefault(unit.id, i)
        level = LEVEL_ALIASES[unit.level]
        if unit.parent is not None and unit.parent not in levels:
            problems.append(
                f"{where}.parent: no unit with id {unit.parent!r} — list the town under units"
            )
        elif unit.parent is not None and levels[unit.parent] is not Level.TOWN:
            problems.append(f"{where}.parent: {unit.parent!r} is not a town (level: town)")
        if level is Level.VILLAGE and unit.parent is None:
            problems.append(f"{where}.parent: a village needs parent: its town's unit id")
        columns: list[DisclosureColumn] = []
        seen_columns: dict[str, int] = {}
        for j, col in enumerate(unit.columns):
            cwhere = f"{where}.columns[{j}]"
            category = CATEGORY_ALIASES[col.category] if col.category else None
            if col.overview and col.category is not None:
                problems.append(
                    f"{cwhere}.category: an overview page is judged by its own date "
                    "(max_age_days) — remove category"
                )
            if category is Category.UPDATE and col.max_age_days is None:
                problems.append(
                    f"{cwhere}.max_age_days: an 'update' (应更新) column needs max_age_days"
                )
            if (
                col.max_age_days is not None
                and not col.overview
                and category is not (Category.UPDATE)
            ):
                problems.append(
                    f"{cwhere}.max_age_days: only overview pages and 'update' columns take "
                    "max_age_days — remove it, or add overview: true"
                )
            column_id = _claim_column_id(
                col, j, seen_columns, where=cwhere, owner=f"unit {unit.id!r}", problems=problems
            )
            columns.append(
                DisclosureColumn(
                    id=column_id,
                    name=col.name,
                    url=col.url,
                    overview=col.overview,
                    max_age_days=col.max_age_days if col.overview else None,
                    category=category,
                    category_days=col.max_age_days if category is Category.UPDATE else None,
                )
            )
        units.append(
            DisclosureUnit(
                id=unit.id,
                name=unit.name,
                level=level,
                parent=unit.parent,
                columns=tuple(columns),
            )
        )
    if problems:
        raise TargetsError(source, problems)
    return tuple(units)

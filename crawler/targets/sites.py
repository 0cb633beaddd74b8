"""The ``sites:`` section: each site, its homepage and the columns whose freshness is judged.

A column's ``report_category`` is the kind of publishing the notice's section 二 counts it
in (``rules.publishing``): written, or guessed from the column's name when left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from crawler.targets.base import (
    CATEGORY_ALIASES,
    TargetsError,
    _check_category,
    _check_id,
    _check_optional_id,
    _check_url,
    _claim_column_id,
    _profile_ref,
    _Strict,
)
from crawler.targets.boards import BoardSpec, build_boards
from rules.model import Category, Column, Site
from rules.publishing import REPORT_CATEGORY_ALIASES, guess_report_category


class _ColumnSpec(_Strict):
    id: str | None = None
    name: Annotated[str, Field(min_length=1)]
    url: str
    category: str
    max_age_days: Annotated[int, Field(gt=0, le=3650)] | None = None
    selector: str | None = None
    report_category: str | None = None  # section 二's category; None: guessed from the name

    _url = field_validator("url")(_check_url)
    _id = field_validator("id")(_check_optional_id)
    _category = field_validator("category")(_check_category)

    @field_validator("report_category")
    @classmethod
    def _report_category(cls, value: str | None) -> str | None:
        if value is not None and value not in REPORT_CATEGORY_ALIASES:
            choices = ", ".join(REPORT_CATEGORY_ALIASES)
            raise ValueError(
                f"unknown report category {value!r} — use one of: {choices} "
                "(none: counted in the total only)"
            )
        return value

    def report_category_id(self) -> str | None:
        """The category id written, or the one the name suggests; None: total only."""
        if self.report_category is None:
            return guess_report_category(self.name)
        return REPORT_CATEGORY_ALIASES[self.report_category]


class _SiteSpec(_Strict):
    id: str
    profile: str | None = None
    name: Annotated[str, Field(min_length=1)]
    homepage: str
    site_code: str | None = None
    unit: str | None = None
    robots: Literal["respect", "ignore"] = "respect"
    columns: list[_ColumnSpec] = Field(default_factory=list)
    boards: list[BoardSpec] = Field(default_factory=list)

    _url = field_validator("homepage")(_check_url)
    _id = field_validator("id")(_check_id)

    @field_validator("site_code", mode="before")
    @classmethod
    def _site_code(cls, value: Any) -> Any:
        # YAML reads an unquoted 4190000001 as an int; a 网站标识码 is text.
        return str(value) if isinstance(value, int) else value


def _build_sites(
    specs: Sequence[_SiteSpec], *, profile: str, source: str, base_dir: Path | None
) -> tuple[Site, ...]:
    """The sites, each judged by its own profile or the file's ``profile``."""
    problems: list[str] = []
    seen_sites: dict[str, int] = {}
    sites: list[Site] = []
    for i, site in enumerate(specs):
        if site.id in seen_sites:
            problems.append(
                f"sites[{i}].id: duplicate id {site.id!r} (also sites[{seen_sites[site.id]}])"
                " — give each site its own id"
            )
        seen_sites.setdefault(site.id, i)
        columns: list[Column] = []
        seen_columns: dict[str, int] = {}
        for j, col in enumerate(site.columns):
            where = f"sites[{i}].columns[{j}]"
            category = CATEGORY_ALIASES[col.category]
            if category is Category.UPDATE and col.max_age_days is None:
                problems.append(
                    f"{where}.max_age_days: an 'update' (应更新) column needs max_age_days"
                    " — how many days it may go without a new item"
                )
            if category is not Category.UPDATE and col.max_age_days is not None:
                problems.append(
                    f"{where}.max_age_days: only 'update' columns take max_age_days; "
                    f"{col.category!r} has the national window — remove it or use category: update"
                )
            report_category = col.report_category_id()
            if category is Category.STATIC and report_category is not None:
                if col.report_category is not None:
                    problems.append(
                        f"{where}.report_category: a 'static' column lists no items to count — "
                        "remove report_category, or give the column a list category"
                    )
                report_category = None  # a guess from the name (政府概况) is dropped
            column_id = _claim_column_id(
                col, j, seen_columns, where=where, owner=f"site {site.id!r}", problems=problems
            )
            columns.append(
                Column(
                    id=column_id,
                    name=col.name,
                    url=col.url,
                    category=category,
                    max_age_days=col.max_age_days,
                    selector=col.selector,
                    report_category=report_category,
                )
            )
        sites.append(
            Site(
                id=site.id,
                name=site.name,
                homepage=site.homepage,
                site_code=site.site_code,
                unit=site.unit,
                respect_robots=site.robots == "respect",
                profile=_profile_ref(site.profile or profile, base_dir),
                columns=tuple(columns),
                boards=build_boards(
                    site.boards, where=f"sites[{i}]", site_id=site.id, problems=problems
                ),
            )
        )
    if problems:
        raise TargetsError(source, problems)
    return tuple(sites)

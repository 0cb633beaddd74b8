"""The ``report:`` section of the targets file: what an office's notice says of itself.

Every key is optional; without the section the notice reads as before (no issuing office, "按照
有关文件要求", the level labels of the bundled example, bands 200/100/20/10, three examples)::

    report:
      office: 示范区管委会办公室            # who inspected: "…，示范区管委会办公室对…进行了检查"
      region: 示范区                       # the area in the sentences (crawl report --region wins)
      platform: 市、镇、村三级政务公开平台    # 三's subject (default 政务公开平台)
      documents:                           # cited in the opening, in this order
        - 《国务院办公厅关于印发政府网站发展指引的通知》（国办发〔2017〕47号）
      portal: jiyuan-gov                   # the site section 二 reports (--portal wins)
      levels: {department: 区管委会部门, town: 片区及镇办, village: 村居}
      tables: {department: 区管委会部门, town: 片区、镇、街道办事处}   # 附件3's captions
      bands: [200, 100, 20, 10]            # 三: over the first two, under the last two
      examples: {sites: 2, accounts: 3}    # how many 主要问题 names (ranked: docs/report.md)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from pydantic import Field, field_validator

from crawler.targets.base import _check_id, _Strict

__all__ = ["DEFAULT_BANDS", "DEFAULT_LEVELS", "DEFAULT_TABLES", "ReportSettings"]

DEFAULT_LEVELS: Mapping[str, str] = MappingProxyType(
    {"department": "区管委会部门", "town": "片区及镇办", "village": "村居"}
)
DEFAULT_TABLES: Mapping[str, str] = MappingProxyType(
    {"department": "区管委会部门", "town": "片区、镇、街道办事处"}
)
DEFAULT_BANDS = (200, 100, 20, 10)
_MAX_EXAMPLES = 20


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportSettings:
    """The notice's own words, from the targets file's ``report:`` section."""

    office: str | None = None
    region: str = ""
    platform: str = "政务公开平台"  # 三's subject: "市、镇、村三级政务公开平台"
    documents: tuple[str, ...] = ()
    portal: str | None = None  # a site id
    levels: Mapping[str, str] = field(default_factory=lambda: DEFAULT_LEVELS)
    tables: Mapping[str, str] = field(default_factory=lambda: DEFAULT_TABLES)  # 附件3 captions
    bands: tuple[int, int, int, int] = DEFAULT_BANDS
    example_sites: int = 3
    example_accounts: int = 3


class _ExamplesSpec(_Strict):
    sites: int = Field(default=3, ge=0, le=_MAX_EXAMPLES)
    accounts: int = Field(default=3, ge=0, le=_MAX_EXAMPLES)


class _LevelsSpec(_Strict):
    department: str = DEFAULT_LEVELS["department"]
    town: str = DEFAULT_LEVELS["town"]
    village: str = DEFAULT_LEVELS["village"]


class _TablesSpec(_Strict):
    department: str = DEFAULT_TABLES["department"]
    town: str = DEFAULT_TABLES["town"]


class _ReportSpec(_Strict):
    office: str | None = Field(default=None, min_length=1)
    region: str = ""
    platform: str = Field(default="政务公开平台", min_length=1)
    documents: list[str] = Field(default_factory=list)
    portal: str | None = None
    levels: _LevelsSpec = Field(default_factory=_LevelsSpec)
    tables: _TablesSpec = Field(default_factory=_TablesSpec)
    bands: tuple[int, int, int, int] = DEFAULT_BANDS
    examples: _ExamplesSpec = Field(default_factory=_ExamplesSpec)

    _portal = field_validator("portal")(lambda v: None if v is None else _check_id(v))

    @field_validator("documents")
    @classmethod
    def _documents(cls, values: list[str]) -> list[str]:
        for value in values:
            if not value.strip():
                raise ValueError("a document is empty — give its title and number")
        return [value.strip() for value in values]

    @field_validator("bands")
    @classmethod
    def _bands(cls, values: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        if any(value < 1 for value in values) or list(values) != sorted(values, reverse=True):
            raise ValueError(
                f"{list(values)} — give four counts from high to low, e.g. [200, 100, 20, 10]: "
                "over the first two and under the last two are named"
            )
        return values


def build_report_settings(spec: _ReportSpec | None, site_ids: frozenset[str]) -> ReportSettings:
    """The settings; a ``portal`` that names no site of the file is a ``ValueError``."""
    if spec is None:
        return ReportSettings()
    if spec.portal is not None and spec.portal not in site_ids:
        known = ", ".join(sorted(site_ids)) or "none"
        raise ValueError(f"report.portal: no site with id {spec.portal!r} — known ids: {known}")
    return ReportSettings(
        office=spec.office,
        region=spec.region,
        platform=spec.platform,
        documents=tuple(spec.documents),
        portal=spec.portal,
        levels=MappingProxyType(spec.levels.model_dump()),
        tables=MappingProxyType(spec.tables.model_dump()),
        bands=spec.bands,
        example_sites=spec.examples.sites,
        example_accounts=spec.examples.accounts,
    )

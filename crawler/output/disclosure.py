"""The ``disclosure`` section of the findings export: 政务公开 counts per unit and the findings.

``disclosure_section`` reads what is stored of the units' columns for a period and judges
them (``rules.disclosure``); its shape is documented in docs/disclosure.md. A unit's
``published`` counts its own columns' distinct items dated in the period; villages are NOT
rolled into their town (the notice's 附件3 town counts are the towns' own: its total of 2361
is the departments' 649 plus the towns' 1546 plus 166 of the villages). ``print_disclosure``
prints the section as 附件3's tables.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from crawler.output.values import finding_to_dict
from rules.disclosure import ColumnRead, DisclosureUnit, Level, judge_disclosure
from rules.period import Period
from storage.disclosure import column_reads, unit_counts

__all__ = ["disclosure_section", "period_label", "print_disclosure", "unit_rows"]

_LEVEL_TITLES = {
    "department": "区管委会部门",
    "town": "片区、镇、街道办事处",
    "village": "村居",
}


def period_label(period: Period) -> str:
    """ "2022Q2", "2022-06", "2022", or "2022-04-01..2022-05-20"."""
    start, end = period.start, period.end
    whole_months = (
        start.day == 1
        and end.day == calendar.monthrange(end.year, end.month)[1]
        and start.year == end.year
    )
    if whole_months:
        if start.month == 1 and end.month == 12:
            return str(start.year)
        if start.month == end.month:
            return f"{start.year}-{start.month:02d}"
        if start.month % 3 == 1 and end.month == start.month + 2:
            return f"{start.year}Q{start.month // 3 + 1}"
    return str(period)


async def disclosure_section(
    session: AsyncSession,
    *,
    units: Sequence[DisclosureUnit],
    period: Period,
    as_of: datetime,
    reads_until: datetime | None = None,
) -> dict[str, Any]:
    """Counts per unit and column for ``period`` and the disclosure findings, judged at
    ``as_of`` from the reads stored at or before ``reads_until`` (by default ``as_of``; a
    crawl judged at a past check time passes the end of its reads)."""
    keys = [(unit.id, column.id) for unit in units for column in unit.columns]
    reads = await column_reads(session, columns=keys, period=period, as_of=reads_until or as_of)
    per_unit = await unit_counts(
        session, unit_ids=[u.id for u in units], period=period, as_of=reads_until or as_of
    )
    findings = judge_disclosure(units, reads, period=period, now=as_of)
    rows = unit_rows(units, reads, per_unit)
    by_level: dict[str, dict[str, int]] = {}
    for level in Level:
        chosen = [row for row in rows if row["level"] == level.value]
        by_level[level.value] = {
            "units": len(chosen),
            "columns": sum(len(row["columns"]) for row in chosen),
            "published": sum(row["published"] for row in chosen),
        }
    return {
        "period": {
            "label": period_label(period),
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "totals": {
            "units": len(rows),
            "columns": sum(len(row["columns"]) for row in rows),
            "published": sum(row["published"] for row in rows),
            "by_level": by_level,
        },
        "units": rows,
        "findings": [
            {
                **finding_to_dict(finding),
                "unit": finding.extra.get("unit", finding.site_id),
                "unit_name": finding.extra.get("unit_name", finding.site_name),
                "level": finding.extra.get("level"),
                "details": {
                    k: v
                    for k, v in finding.extra.items()
                    if k not in ("unit", "unit_name", "level")
                },
            }
            for finding in findings
        ],
    }


def unit_rows(
    units: Sequence[DisclosureUnit],
    reads: Mapping[tuple[str, str], ColumnRead],
    per_unit: Mapping[str, int],
) -> list[dict[str, Any]]:
    """One entry per unit, in the targets file's order."""
    rows = []
    for unit in units:
        columns = []
        for column in unit.columns:
            read = reads.get((unit.id, column.id))
            newest = (read.updated if column.overview else read.newest) if read else None
            columns.append(
                {
                    "id": column.id,
                    "name": column.name,
                    "url": column.url,
                    "overview": column.overview,
                    "published": read.published if read else 0,
                    "newest": newest.isoformat() if newest else None,
                    "outcome": read.outcome.value if read and read.outcome else "not_read",
                    "pages_read": read.pages_read if read else 0,
                    "stopped": read.stopped if read else None,
                    "complete": read.complete if read else False,
                    "detail": read.detail if read else None,
                }
            )
        rows.append(
            {
                "id": unit.id,
                "name": unit.name,
                "level": unit.level.value,
                "parent": unit.parent,
                "published": per_unit.get(unit.id, 0),
                "complete": all(c["complete"] for c in columns if not c["overview"]),
                "columns": columns,
            }
        )
    return rows


def _sorted_rows(section: Mapping[str, Any], level: str) -> list[Mapping[str, Any]]:
    rows = [row for row in section["units"] if row["level"] == level]
    # by count, descending; ties keep the targets file's order (sorted is stable)
    return sorted(rows, key=lambda row: -int(row["published"]))


def print_disclosure(console: Console, section: Mapping[str, Any]) -> None:
    """附件3's tables (departments, towns; villages when listed) and the findings."""
    period = section["period"]
    for level, title in _LEVEL_TITLES.items():
        rows = _sorted_rows(section, level)
        if not rows:
            continue
        table = Table(
            title=f"政务公开专栏 {period['label']} ({period['start']}—{period['end']}) — {title}",
            title_justify="left",
        )
        for header in ("序号", "单位名称", "公开条数", "栏目", "读取"):
            table.add_column(header)
        for index, row in enumerate(rows, start=1):
            read = sum(1 for c in row["columns"] if c["outcome"] == "ok")
            count = str(row["published"]) + ("" if row["complete"] else " (至少)")
            table.add_row(
                str(index),
                row["name"],
                count,
                str(len(row["columns"])),
                f"{read}/{len(row['columns'])}",
            )
        console.print(table)
    totals = section["totals"]
    console.print(
        f"共 {totals['units']} 个单位、{totals['columns']} 个栏目,公开信息 {totals['published']} 条"
    )
    for finding in section["findings"]:
        where = f"{finding['unit_name']}"
        if finding.get("column_name"):
            where += f" {finding['column_name']}"
        console.print(f"- {where}: {finding['message']} ({finding['evidence'].get('url')})")

"""The demo's 政务公开 units: 附件3 of the notice, with the problems of its section 三.

``demo_units(today)`` builds the 22 departments and 18 towns of 附件3 (and nine villages of
four towns) with disclosure columns whose items dated in the demo quarter
(``demo_period(today)``, the last complete quarter) add up to exactly 附件3's counts, plus:

- 克井镇, 思礼镇, 玉泉街道: two of their columns hold exactly one item in the quarter
  (多个栏目只更新一条信息);
- 王屋镇's villages: their 村居概况 pages were last updated over three years ago;
- 工业和科技创新委员会, 住房和城乡建设局: their 机构概况 pages are dated 2020;
- 人力资源和社会保障局, 住房和城乡建设局, 应急管理局: a 通知公告-class column whose newest item is
  over a year old (有栏目长期未更新).

The notice's slips: its text counts 23 departments where 附件3 lists 22 (the demo has the 22),
and its total of 2361 is 附件3's 649 + 1546 plus the villages' items: the demo's villages
publish the remaining 166. Its 591 "专栏" are units (23 + 18 + 550 villages); the demo has
the 550 villages (``crawler.demo.villages``), so its 专栏 are 22 + 18 + 550 = 590.

Each department and town is served on its own port, its villages under ``/cun/<id>/`` of the
town's (``UnitPages``); the list columns are paginated in five styles: TRS
``createPageHTML``, ``list_N.html`` links, ``?page=N``, a 下一页 link and Hanweb's
``index.html?uid=…&pageNum=N``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from html import escape

from crawler.demo.pages import ROBOTS_TXT, Page
from crawler.demo.posting import demo_period
from crawler.demo.villages import VillageRow, village_rows
from rules.model import SHANGHAI
from rules.period import Period

__all__ = [
    "ATTACHMENT_3_DEPARTMENTS",
    "ATTACHMENT_3_TOWNS",
    "EXPECTED_DISCLOSURE_FINDINGS",
    "PAGE_SIZE",
    "VILLAGES",
    "DemoUnit",
    "DemoUnitColumn",
    "UnitPages",
    "demo_units",
    "render_units_yaml",
    "unit_path",
]

PAGE_SIZE = 20
STYLES = ("trs", "numbered", "query", "next", "hanweb")

# 附件3 (区管委会部门): id, 单位名称, 公开条数 — in the notice's order.
ATTACHMENT_3_DEPARTMENTS: tuple[tuple[str, str, int], ...] = (
    ("zrzy", "自然资源和规划局", 158),
    ("fgw", "发展改革和统计局", 69),
    ("scjg", "市场监督管理局", 56),
    ("jtj", "交通运输局", 51),
    ("sthj", "生态环境局", 38),
    ("gaj", "公安局", 36),
    ("wjw", "卫生健康委员会", 33),
    ("nync", "农业农村局", 32),
    ("mzj", "民政局", 27),
    ("lyj", "林业局", 26),
    ("jyty", "教育体育局", 24),
    ("zjj", "住房和城乡建设局", 21),
    ("wglj", "文化广电和旅游局", 16),
    ("ybj", "医疗保障局", 16),
    ("slj", "水利局", 12),
    ("sfj", "司法局", 11),
    ("tyjr", "退役军人事务局", 11),
    ("rsj", "人力资源和社会保障局", 4),
    ("sjj", "审计局", 3),
    ("yjj", "应急管理局", 3),
    ("czj", "财政金融局", 2),
    ("gxw", "工业和科技创新委员会", 0),
)

# 附件3 (片区、镇、街道办事处): id, 镇办名称, 公开数量.
ATTACHMENT_3_TOWNS: tuple[tuple[str, str, int], ...] = (
    ("xyz", "下冶镇", 267),
    ("zcz", "轵城镇", 250),
    ("kjz", "克井镇", 244),
    ("syz", "邵原镇", 140),
    ("slz", "思礼镇", 126),
    ("ttjd", "天坛街道", 125),
    ("bhjd", "北海街道", 80),
    ("clz", "承留镇", 80),
    ("wlkz", "五龙口镇", 52),
    ("jkq", "经济技术开发区", 36),
    ("yqjd", "玉泉街道", 33),
    ("ptz", "坡头镇", 32),
    ("qyjd", "沁园街道", 27),
    ("gxq", "高新技术产业开发区", 24),
    ("dyz", "大峪镇", 20),
    ("llz", "梨林镇", 5),
    ("jsjd", "济水街道", 4),
    ("wwz", "王屋镇", 1),
)

# Villages (村居): id, name, town id, items in the quarter (together 2361 − 649 − 1546 = 166).
VILLAGES: tuple[VillageRow, ...] = village_rows({uid: name for uid, name, _ in ATTACHMENT_3_TOWNS})
VILLAGE_PATH = "/cun/{}"  # where a village's pages are, on its town's host

SINGLE_ITEM_TOWNS = frozenset({"kjz", "slz", "yqjd"})
STALE_OVERVIEW_UNITS = frozenset({"gxw", "zjj"})  # 概况信息最后更新时间为2020年
STALE_VILLAGE_OVERVIEW_TOWNS = frozenset({"wwz"})  # 各村居概况超过2年未更新
STALE_COLUMN_UNITS = frozenset({"rsj", "zjj", "yjj"})  # 有栏目长期未更新

# (code, unit id, message): every finding the demo's units give, and no other.
EXPECTED_DISCLOSURE_FINDINGS: frozenset[tuple[str, str, str]] = frozenset(
    {("disclosure-columns-single-item", u, "多个栏目只更新一条信息") for u in SINGLE_ITEM_TOWNS}
    | {
        ("disclosure-overview-stale", u, "概况信息最后更新时间为2020年")
        for u in STALE_OVERVIEW_UNITS
    }
    | {
        ("disclosure-overview-stale", u, "村居概况超过2年未更新")
        for u in STALE_VILLAGE_OVERVIEW_TOWNS
    }
    | {("disclosure-column-stale", u, "有栏目长期未更新") for u in STALE_COLUMN_UNITS}
)

_DEPARTMENT_COLUMNS = ("通知公告", "政策文件", "工作动态")
_TOWN_COLUMNS = ("通知公告", "政策文件", "工作动态", "财政信息")
_VILLAGE_COLUMNS = ("村务公开",)
_TOPICS = (
    "关于做好{}相关工作的通知",
    "{}工作推进情况通报",
    "关于{}事项的公示",
    "{}专项工作实施方案",
    "{}重点任务进展情况",
    "关于印发{}工作要点的通知",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoUnitColumn:
    id: str
    name: str
    style: str  # one of STYLES; overview pages are single pages
    overview: bool = False
    category: str | None = None  # for disclosure-column-stale
    dates: tuple[date, ...] = ()  # list items, newest first
    updated: date | None = None  # an overview page's own date


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoUnit:
    id: str
    name: str
    level: str  # department | town | village
    parent: str | None
    columns: tuple[DemoUnitColumn, ...]
    expected: int  # items dated in the demo quarter
    path: str = ""  # where its pages are on its host: "" for its own, /cun/<id> on its town's


def _spread(count: int, period: Period) -> list[date]:
    """``count`` dates over the period, the first and the last day included, newest first."""
    if count == 0:
        return []
    if count == 1:
        return [period.start + timedelta(days=period.days // 2)]
    span = period.days - 1
    return sorted(
        (period.start + timedelta(days=round(i * span / (count - 1))) for i in range(count)),
        reverse=True,
    )


def _split(count: int, columns: int, singles: bool) -> list[int]:
    """Items per column: two single-item columns for the towns of the problem, otherwise
    never two columns with exactly one item."""
    if singles:
        rest = count - 2
        head = [rest - rest // 2, rest // 2, 1, 1]
        return head + [0] * (columns - len(head))
    if count < 2 * columns:
        return [count] + [0] * (columns - 1)
    base, extra = divmod(count, columns)
    return [base + (1 if i < extra else 0) for i in range(columns)]


def _list_dates(count: int, period: Period, today: date, index: int) -> tuple[date, ...]:
    after = [min(today, period.end + timedelta(days=7)), period.end + timedelta(days=1)]
    before = [period.start - timedelta(days=d) for d in (3, 17, 45 + index)]
    return tuple(after[: index % 3] + _spread(count, period) + before)


def _overview_date(unit_id: str, parent: str | None, period: Period, today: date) -> date:
    if unit_id in STALE_OVERVIEW_UNITS:
        dated = date(2020, 8, 15)
        return dated if dated < today - timedelta(days=800) else today - timedelta(days=800)
    if parent in STALE_VILLAGE_OVERVIEW_TOWNS:
        return today - timedelta(days=3 * 365 + 10)
    return period.start - timedelta(days=40)


def demo_units(today: date) -> tuple[DemoUnit, ...]:
    """The departments, towns and villages of the demo, dated relative to ``today``."""
    period = demo_period(today)
    units: list[DemoUnit] = []
    style_index = 0
    rows: list[tuple[str, str, str, str | None, int, Sequence[str]]] = [
        (uid, name, "department", None, n, _DEPARTMENT_COLUMNS)
        for uid, name, n in ATTACHMENT_3_DEPARTMENTS
    ]
    rows += [(uid, name, "town", None, n, _TOWN_COLUMNS) for uid, name, n in ATTACHMENT_3_TOWNS]
    rows += [(uid, name, "village", town, n, _VILLAGE_COLUMNS) for uid, name, town, n in VILLAGES]
    for uid, name, level, parent, count, names in rows:
        overview_name = {"department": "机构概况", "town": "镇情概况", "village": "村居概况"}[level]
        columns = [
            DemoUnitColumn(
                id="gk",
                name=overview_name,
                style="overview",
                overview=True,
                updated=_overview_date(uid, parent, period, today),
            )
        ]
        for index, (column_name, share) in enumerate(
            zip(names, _split(count, len(names), uid in SINGLE_ITEM_TOWNS), strict=True)
        ):
            style = STYLES[style_index % len(STYLES)]
            style_index += 1
            columns.append(
                DemoUnitColumn(
                    id=f"c{index + 1}",
                    name=column_name,
                    style=style,
                    # a judged column where it is fresh: 人事规划计划类, 1 year
                    category="plan" if share >= 2 else None,
                    dates=_list_dates(share, period, today, index),
                )
            )
        if uid in STALE_COLUMN_UNITS:
            old = today - timedelta(days=400)
            columns.append(
                DemoUnitColumn(
                    id="stale",
                    name="公示公告",
                    style=STYLES[style_index % len(STYLES)],
                    category="notice",
                    dates=(old, old - timedelta(days=30), old - timedelta(days=90)),
                )
            )
            style_index += 1
        units.append(
            DemoUnit(
                id=uid,
                name=name,
                level=level,
                parent=parent,
                columns=tuple(columns),
                expected=count,
                path=VILLAGE_PATH.format(uid) if level == "village" else "",
            )
        )
    return tuple(units)


# --- pages ----------------------------------------------------------------------------------


def column_path(column: DemoUnitColumn, page: int = 0) -> str:
    """The path of a column's page ``page`` (0: the first)."""
    if column.overview:
        return f"/{column.id}/index.html"
    if column.style == "trs":
        return f"/{column.id}/index.html" if page == 0 else f"/{column.id}/index_{page}.html"
    if column.style == "numbered":
        return f"/{column.id}/list.html" if page == 0 else f"/{column.id}/list_{page + 1}.html"
    if column.style == "query":
        return f"/{column.id}/" if page == 0 else f"/{column.id}/?page={page + 1}"
    if column.style == "next":
        return f"/{column.id}/" if page == 0 else f"/{column.id}/more_{page:03d}.shtml"
    suffix = "" if page == 0 else f"&pageNum={page + 1}"
    return f"/col/col{column.id}/index.html?uid=1088{suffix}"


def unit_path(unit: DemoUnit, column: DemoUnitColumn, page: int = 0) -> str:
    """The path of a unit's column page on the unit's host (a village's: on its town's)."""
    return unit.path + column_path(column, page)


def _pages_of(column: DemoUnitColumn) -> int:
    return max(1, -(-len(column.dates) // PAGE_SIZE))


def _pager(unit: DemoUnit, column: DemoUnitColumn, page: int, pages: int) -> str:
    if column.style == "trs":
        return f'<script>createPageHTML({pages}, {page}, "index", "html");</script>'
    links = []
    if column.style == "next":
        if page + 1 < pages:
            links.append(f'<a href="{unit_path(unit, column, page + 1)}">下一页</a>')
        return f'<div class="page">{"".join(links)}</div>'
    for number in range(pages):
        if number == page:
            links.append(f"<span>{number + 1}</span>")
        else:
            href = escape(unit_path(unit, column, number))
            links.append(f'<a href="{href}">{number + 1}</a>')
    return f'<div class="page">{" ".join(links)}</div>'


def _frame(title: str, body: str, head: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>{head}</head><body>"
        f'<div class="header">济源产城融合示范区政务公开</div>{body}'
        '<div class="footer">主办单位:济源产城融合示范区管委会办公室</div></body></html>\n'
    )


def _list_page(unit: DemoUnit, column: DemoUnitColumn, page: int) -> str:
    pages = _pages_of(column)
    start = page * PAGE_SIZE
    entries = []
    for offset, day in enumerate(column.dates[start : start + PAGE_SIZE]):
        number = start + offset + 1
        topic = _TOPICS[number % len(_TOPICS)].format(f"{unit.name}{column.name}")
        href = f"{unit.path}/{column.id}/art_{day:%Y%m%d}_{number}.html"
        entries.append(
            f'<li><a href="{href}" title="{escape(topic)}">{escape(topic)}</a>'
            f"<span>{day.isoformat()}</span></li>"
        )
    body = (
        f'<div class="location">当前位置:{escape(unit.name)} &gt; {escape(column.name)}</div>'
        f'<ul class="list">{"".join(entries)}</ul>{_pager(unit, column, page, pages)}'
    )
    return _frame(f"{column.name}-{unit.name}", body)


def _overview_page(unit: DemoUnit, column: DemoUnitColumn) -> str:
    updated = column.updated or date(2020, 1, 1)
    prose = (
        f"{unit.name}是济源产城融合示范区的组成单位,负责本辖区的各项工作。"
        "主要职责包括贯彻执行国家和省市有关方针政策,组织实施本辖区经济社会发展规划,"
        "负责辖区内公共服务、社会治理和基层建设等工作,承办上级交办的其他事项。"
    ) * 3
    body = (
        f"<h1>{escape(column.name)}</h1>"
        f'<div class="info">发布时间:{updated.isoformat()}</div>'
        f'<div class="content"><p>{escape(prose)}</p></div>'
    )
    head = f'<meta name="PubDate" content="{updated.isoformat()} 09:00">'
    return _frame(f"{column.name}-{unit.name}", body, head)


def _page(text: str, day: date, content_type: str = "text/html; charset=utf-8") -> Page:
    body = text.encode()
    digest = hashlib.blake2b(body, digest_size=10).hexdigest()
    modified = datetime.combine(day, time(9, 0), tzinfo=SHANGHAI).astimezone(UTC)
    return Page(body=body, content_type=content_type, etag=f'"{digest}"', last_modified=modified)


class UnitPages:
    """Every page of one unit's 政务公开专栏 (and of the ``villages`` its host serves too),
    by path (with its query string)."""

    def __init__(self, unit: DemoUnit, today: date, villages: Sequence[DemoUnit] = ()) -> None:
        self.unit = unit
        self.villages = tuple(villages)
        self._pages: dict[str, Page] = {
            "/robots.txt": _page(ROBOTS_TXT, today, "text/plain; charset=utf-8")
        }
        for served in (unit, *self.villages):
            self._add(served, today)

    def _add(self, unit: DemoUnit, today: date) -> None:
        for column in unit.columns:
            if column.overview:
                day = column.updated or today
                self._pages[unit_path(unit, column)] = _page(_overview_page(unit, column), day)
                continue
            for number in range(_pages_of(column)):
                day = column.dates[0] if column.dates else today
                self._pages[unit_path(unit, column, number)] = _page(
                    _list_page(unit, column, number), day
                )

    def get(self, path: str) -> Page | None:
        return self._pages.get(path)


def render_units_yaml(units: Sequence[DemoUnit], base_urls: dict[str, str]) -> list[str]:
    """The ``units:`` section of the demo's targets file (lines), units at ``base_urls`` (unit
    id → the base URL of the host serving it: a village's is its town's)."""
    lines = ["units:"]
    for unit in units:
        origin = base_urls[unit.id].rstrip("/")
        lines += [
            f"  - id: {unit.id}",
            f"    name: {unit.name}",
            f"    level: {unit.level}",
        ]
        if unit.parent:
            lines.append(f"    parent: {unit.parent}")
        lines.append("    columns:")
        for column in unit.columns:
            lines += [
                f"      - id: {column.id}",
                f"        name: {column.name}",
                f'        url: "{origin}{unit_path(unit, column)}"',
            ]
            if column.overview:
                lines.append("        overview: true")
            if column.category:
                lines.append(f"        category: {column.category}")
    return lines

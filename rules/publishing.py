"""The categories section 二 of a notice counts a portal's publishing in.

The notice's sentence ("截至5月20日，市政府门户网站共发布信息966条，其中要闻类468条，管委会及
办公室文件7份，政策解读9条，政府公报1期，政府常务会议3期，公告公示34条，意见征集6期，开设专题
3个") counts everything the portal published in the period, then some kinds of it on their own,
each with its own counting word. Each portal column is given one of these categories (its
``report_category``) or none — then its items count in the total only.

The category of a column is written in the targets file, or guessed from its name
(``guess_report_category``): 政务要闻 → news, 管委会文件 → documents, 政策解读 →
interpretation, and so on. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "NO_REPORT_CATEGORY",
    "REPORT_CATEGORIES",
    "REPORT_CATEGORY_ALIASES",
    "ReportCategory",
    "guess_report_category",
    "report_category",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportCategory:
    """One kind of publishing the notice counts on its own: 要闻, 文件, 政策解读 …"""

    id: str  # stable, kebab-case: news, documents, executive-meeting …
    label: str  # the notice's name of the kind: 要闻, 文件, 常务会议
    unit: str  # the notice's counting word: 条, 份, 期, 个
    keywords: tuple[str, ...]  # words of a column's name that suggest the category


REPORT_CATEGORIES: tuple[ReportCategory, ...] = (
    ReportCategory(id="news", label="要闻", unit="条", keywords=("要闻", "动态", "新闻")),
    ReportCategory(id="documents", label="文件", unit="份", keywords=("文件",)),
    ReportCategory(id="interpretation", label="政策解读", unit="条", keywords=("解读",)),
    ReportCategory(id="gazette", label="政府公报", unit="期", keywords=("公报",)),
    ReportCategory(
        id="executive-meeting", label="常务会议", unit="期", keywords=("常务会议", "常务会")
    ),
    ReportCategory(id="announcement", label="公告公示", unit="条", keywords=("公告", "公示")),
    ReportCategory(id="consultation", label="意见征集", unit="期", keywords=("征集", "意见")),
    ReportCategory(id="special", label="专题", unit="个", keywords=("专题",)),
)
"""In the notice's order: the sentence lists the categories so."""

NO_REPORT_CATEGORY = "none"
"""Written as a column's ``report_category``: counted in the total only, whatever its name."""

_BY_ID: Mapping[str, ReportCategory] = MappingProxyType({c.id: c for c in REPORT_CATEGORIES})

REPORT_CATEGORY_ALIASES: Mapping[str, str | None] = MappingProxyType(
    {
        **{c.id: c.id for c in REPORT_CATEGORIES},
        **{c.label: c.id for c in REPORT_CATEGORIES},
        "要闻类": "news",
        "管委会及办公室文件": "documents",
        "政府常务会议": "executive-meeting",
        "开设专题": "special",
        NO_REPORT_CATEGORY: None,
        "无": None,
    }
)
"""What a targets file may write as ``report_category``: an id, the notice's label, or
``none`` (无) for a column counted in the total only."""

# The order names are tried in: the more specific words first, so 政策文件解读 is 政策解读 and
# 征集意见公告 is 意见征集, not 文件 or 公告公示.
_GUESS_ORDER = (
    "executive-meeting",
    "interpretation",
    "gazette",
    "consultation",
    "special",
    "documents",
    "announcement",
    "news",
)


def report_category(category_id: str) -> ReportCategory:
    """The category with this id; ``KeyError`` for an id not in ``REPORT_CATEGORIES``."""
    return _BY_ID[category_id]


def guess_report_category(name: str) -> str | None:
    """The category a column's name suggests (its id), or None: counted in the total only.

    要闻/动态/新闻 → news, 文件 → documents, 解读 → interpretation, 公报 → gazette,
    常务会议 → executive-meeting, 公告/公示 → announcement, 征集/意见 → consultation,
    专题 → special.
    """
    for category_id in _GUESS_ORDER:
        if any(word in name for word in _BY_ID[category_id].keywords):
            return category_id
    return None

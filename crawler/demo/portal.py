"""The portal's publishing: the columns section 二 of the notice counts, for 济源市人民政府.

The notice: "2022年第二季度，…截至5月20日，市政府门户网站共发布信息966条，其中要闻类468条，
管委会及办公室文件7份，政策解读9条，政府公报1期，政府常务会议3期，公告公示34条，意见征集6期，
开设专题3个。" ``with_report_columns`` adds to the portal, after its own seven columns (which keep
their items and problems), twelve columns whose items bring the portal to exactly those figures
over the notice's window: 2022-04-01 to 2022-05-20, i.e. the items 1 to 49 days old when the
demo's ``today`` is 2022-05-20 (nothing is dated ``today``). The portal's own columns count
too: 政务要闻 and 部门动态 are 要闻 (by their names), 政策文件 is 文件, 通知公告 is 公告公示,
人事信息 and 规划计划 count in the total only; the new columns hold the rest. With
``history_from`` (the simulated quarter) the portal's own columns also hold the older items
their lists showed since then; the rest is counted over all the items held, which a crawl on
every simulated day sees, so the figures hold in both modes.

Like every demo column, the items are dated by their age in days before ``today``, so on any
other day the portal holds as many items per day; the figures are the notice's only on
2022-05-20, and the demo's own quarter is counted from its data. Each new column publishes at
a steady rate back to ``HISTORY_DAYS`` days (further with ``history_from``), so a read back to
the start of the previous quarter ends on an item before it. The big columns span dozens of
list pages: section 二 is counted only when the portal's columns are read through their pages
(``crawler.disclosure.portal``).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, time, timedelta
from types import MappingProxyType

from crawler.demo.assembly import MIN_ITEMS
from crawler.demo.model import DemoColumn, DemoItem, DemoSite
from crawler.demo.wording import article_body
from rules.model import Category
from rules.publishing import guess_report_category

__all__ = [
    "HISTORY_DAYS",
    "NOTICE_PORTAL_COUNTS",
    "NOTICE_PORTAL_TOTAL",
    "NOTICE_WINDOW_DAYS",
    "PORTAL_ID",
    "REPORT_COLUMNS",
    "ReportColumn",
    "window_counts",
    "with_report_columns",
]

PORTAL_ID = "jiyuan-gov"
NOTICE_WINDOW_DAYS = 49
"""The notice's window in ages: 2022-04-01 is 49 days before 2022-05-20, its 截至 day."""
NOTICE_PORTAL_TOTAL = 966
NOTICE_PORTAL_COUNTS: Mapping[str, int] = MappingProxyType(
    {
        "news": 468,
        "documents": 7,
        "interpretation": 9,
        "gazette": 1,
        "executive-meeting": 3,
        "announcement": 34,
        "consultation": 6,
        "special": 3,
    }
)
"""Section 二's figures by report category (``rules.publishing``), in the notice's order."""
HISTORY_DAYS = 200
"""How far back the new columns publish: past the start of the quarter before ``today``'s."""
_FIRST_NUMBER = 300_000  # article numbers of the new columns: above the portal's own
_NUMBERS_PER_COLUMN = 10_000


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportColumn:
    """A column added to the portal: its share of a category's remainder (or of the total's)."""

    id: str
    name: str
    category: Category  # its freshness class (a list category)
    share: int  # of the remainder of its report category, in parts among its columns
    templates: tuple[str, ...]


_TOWNS = ("下冶镇", "轵城镇", "克井镇", "邵原镇", "思礼镇", "天坛街道", "北海街道", "承留镇")
_MEDIA = ("人民日报", "新华网", "河南日报", "大河报", "央视网", "中国新闻网")

REPORT_COLUMNS: tuple[ReportColumn, ...] = (
    ReportColumn(id="jyyw", name="济源要闻", category=Category.NEWS, share=1, templates=(
        "示范区召开{topic}工作推进会", "示范区领导调研{topic}工作", "我市{topic}取得新进展",
        "{topic}现场观摩活动举行", "{month}月份{topic}重点工作部署会召开",
        "示范区党工委专题研究{topic}工作",
    )),
    ReportColumn(id="zjdt", name="镇街动态", category=Category.NEWS, share=1, templates=(
        "{town}扎实推进{topic}工作", "{town}召开{topic}工作会议", "{town}开展{topic}专项行动",
        "{town}{topic}工作见实效",
    )),
    ReportColumn(id="gwhwj", name="管委会文件", category=Category.NOTICE, share=2, templates=(
        "济源示范区管委会关于印发{topic}实施方案的通知",
        "济源示范区管委会关于进一步加强{topic}工作的意见",
    )),
    ReportColumn(id="bgswj", name="管委会办公室文件", category=Category.NOTICE, share=1, templates=(
        "济源示范区管委会办公室关于做好{topic}工作的通知",
        "济源示范区管委会办公室关于印发{topic}工作要点的通知",
    )),
    ReportColumn(id="zcjd", name="政策解读", category=Category.NOTICE, share=1, templates=(
        "《{topic}实施方案》政策解读", "图解：{topic}若干措施",
    )),
    ReportColumn(id="zfgb", name="政府公报", category=Category.NOTICE, share=1, templates=(
        "济源市人民政府公报{year}年第{month}期",
    )),
    ReportColumn(id="cwhy", name="政府常务会议", category=Category.NOTICE, share=1, templates=(
        "示范区管委会召开{year}年第{month}次常务会议", "常务会议研究部署{topic}工作",
    )),
    ReportColumn(id="gsgg", name="公示公告", category=Category.NOTICE, share=1, templates=(
        "关于{topic}项目的公示", "关于{topic}有关事项的公告", "{topic}名单公示",
    )),
    ReportColumn(id="yjzj", name="意见征集", category=Category.NOTICE, share=1, templates=(
        "关于《{topic}管理办法（征求意见稿）》公开征求意见的公告",
        "{topic}三年行动计划公开征求意见",
    )),
    ReportColumn(id="ztzl", name="专题专栏", category=Category.NOTICE, share=1, templates=(
        "{topic}专题", "聚焦{topic}",
    )),
    ReportColumn(id="mtjj", name="媒体聚焦", category=Category.NEWS, share=1, templates=(
        "【{media}】济源：{topic}跑出加速度", "【{media}】济源{topic}经验做法获点赞",
        "【{media}】济源扎实推进{topic}",
    )),
    ReportColumn(id="rdgz", name="热点关注", category=Category.NEWS, share=1, templates=(
        "{topic}热点问答", "关注{topic}：这些变化与你有关", "{topic}有了新进展",
    )),
)  # fmt: skip
"""In the portal's column order, after its own."""


def window_counts(columns: Sequence[DemoColumn], today: date) -> Counter[str | None]:
    """Items 1 to ``NOTICE_WINDOW_DAYS`` days old per report category the columns' names
    suggest (None: counted in the total only)."""
    counts: Counter[str | None] = Counter()
    for column in columns:
        if not column.is_list:
            continue
        category = guess_report_category(column.name)
        counts[category] += sum(
            1 for item in column.items if 1 <= (today - item.published).days <= NOTICE_WINDOW_DAYS
        )
    return counts


def _in_window(held: Counter[str | None]) -> dict[str, int]:
    """Items each new column must hold in the window: each category's remainder (the notice's
    figure less what the portal's own columns hold) split among its columns by share."""
    remainder: dict[str | None, int] = {
        category: max(0, figure - held[category])
        for category, figure in NOTICE_PORTAL_COUNTS.items()
    }
    total_only = NOTICE_PORTAL_TOTAL - sum(NOTICE_PORTAL_COUNTS.values())
    remainder[None] = max(0, total_only - held[None])
    out: dict[str, int] = {}
    for category, count in remainder.items():
        members = [c for c in REPORT_COLUMNS if guess_report_category(c.name) == category]
        shares = sum(c.share for c in members)
        given = 0
        for n, column in enumerate(members):
            part = count - given if n == len(members) - 1 else count * column.share // shares
            out[column.id] = part
            given += part
    return out


def _ages(in_window: int, oldest: int) -> list[int]:
    """Ages in days (newest first): exactly ``in_window`` of them from 1 to the window's last,
    at the same steady rate on to ``oldest`` and, for a column publishing seldom (政府公报),
    on until it holds ``MIN_ITEMS``: a list of two pages at least, as every demo column."""
    if in_window == 0:
        ages = list(range(NOTICE_WINDOW_DAYS + 1, oldest + 1, NOTICE_WINDOW_DAYS))
        return ages + [ages[-1] + NOTICE_WINDOW_DAYS * n for n in range(1, MIN_ITEMS - len(ages))]
    ages = []
    k = 0
    while (age := 1 + k * NOTICE_WINDOW_DAYS // in_window) <= oldest or len(ages) < MIN_ITEMS:
        ages.append(age)
        k += 1
    return ages


def _title(template: str, topic: str, day: date, rng: random.Random) -> str:
    return template.format(
        topic=topic,
        town=rng.choice(_TOWNS),
        media=rng.choice(_MEDIA),
        year=day.year,
        month=day.month,
    )


def _column(
    spec: ReportColumn,
    site: DemoSite,
    *,
    today: date,
    index: int,
    in_window: int,
    oldest: int,
) -> DemoColumn:
    rng = random.Random(f"portal:{site.id}:{spec.id}")  # noqa: S311 - page content
    ages = _ages(in_window, oldest)
    minutes = [rng.randint(8 * 60, 18 * 60) for _ in ages]
    # newest first: by age, then by time of day (latest first) within a day
    order = sorted(range(len(ages)), key=lambda n: (ages[n], -minutes[n]))
    seen: set[str] = set()
    items = []
    for rank, n in enumerate(order):
        day = today - timedelta(days=ages[n])
        topic = site.topics[rng.randrange(len(site.topics))]
        title = _title(spec.templates[rank % len(spec.templates)], topic, day, rng)
        if title in seen:  # a repeat: dated, as portals number their 要闻 of a day
            title = f"{title}（{day.month}月{day.day}日）"
        if title in seen:
            title = f"{title}（{rank + 1}）"
        seen.add(title)
        items.append(
            DemoItem(
                number=_FIRST_NUMBER + index * _NUMBERS_PER_COLUMN + rank,
                title=title,
                published=day,
                at=time(minutes[n] // 60, minutes[n] % 60),
                body=article_body(title, site.unit, topic, day),
            )
        )
    return DemoColumn(
        id=spec.id,
        name=spec.name,
        category=spec.category,
        number=max((c.number for c in site.columns), default=1000) + 1 + index,
        items=tuple(items),
    )


def with_report_columns(
    sites: Sequence[DemoSite], *, today: date, history_from: date | None = None
) -> tuple[DemoSite, ...]:
    """``sites`` with the portal's section 二 columns added after its own (the other sites as
    they are): together with its own columns, the notice's figures over the window."""
    oldest = HISTORY_DAYS
    if history_from is not None:
        oldest = max(oldest, (today - history_from).days + HISTORY_DAYS)
    out = []
    for site in sites:
        if site.id != PORTAL_ID:
            out.append(site)
            continue
        in_window = _in_window(window_counts(site.columns, today))
        added = tuple(
            _column(
                spec,
                site,
                today=today,
                index=n,
                in_window=in_window[spec.id],
                oldest=oldest,
            )
            for n, spec in enumerate(REPORT_COLUMNS)
        )
        out.append(replace(site, columns=site.columns + added))
    return tuple(out)

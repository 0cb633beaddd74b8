"""The portal's 网上咨询 board, and the 我为政府网站找错 export of the demo.

The notice: "网民咨询办理方面，各部门共受理网民咨询83个，办结80个，办结率96%。收到“我为政府网站找错”
留言3条，按期处理3条。" Every quarter of the board holds 83 letters, asked over its first 75
days; 80 are answered within 1 to 4 working days (the promise is 5), the last three asked are
answered 40 days later. Judged at a quarter's end, the board therefore shows 83 received, 80
answered (96%), the three late ones still 办理中 — and never a letter unanswered for more than
3 months (no 互动回应差 veto), never two months without a reply. The board reaches back a year
and a quarter before ``today``, a table of 15 letters a page, newest first, with TRS-style
pages (``index_1.html`` …) and a detail page per letter; one letter a quarter carries the
writer's mobile number in its title, as real boards sometimes do (stored masked).

The 找错 export (``zhaocuo_csv``) lists three messages a quarter for the portal, each handled
within its 5 working days: what ``crawl import zhaocuo`` reads.

Letters are dated like the sites' items, relative to ``today``; ``letters_as_of`` keeps those
asked by a moment, and a reply shows only from its day on.
"""

from __future__ import annotations

import html
from datetime import date, datetime, time, timedelta

from crawler.demo.model import DemoLetter, DemoSite
from rules.interaction import add_working_days
from rules.model import SHANGHAI
from rules.period import Period

__all__ = [
    "BOARD_KIND",
    "BOARD_NAME",
    "BOARD_PATH",
    "BOARD_REPLY_DAYS",
    "DemoLetter",
    "board_pages",
    "letter_page",
    "letters_as_of",
    "portal_letters",
    "zhaocuo_csv",
]

BOARD_NAME = "网上咨询"
BOARD_KIND = "咨询"
BOARD_PATH = "/hdjl/wszx/index.html"
BOARD_REPLY_DAYS = 5
PER_QUARTER = 83
LATE = 3  # the last letters asked in a quarter, answered after 40 days
LATE_AFTER_DAYS = 40
PER_PAGE = 15
_SPAN_DAYS = 75  # a quarter's letters are asked over its first 75 days
_UNITS = (
    "人力资源和社会保障局",
    "住房和城乡建设局",
    "自然资源和规划局",
    "教育体育局",
    "市场监督管理局",
    "公安局",
    "城市管理局",
    "卫生健康委员会",
)
_TOPICS = (
    "社保缴费年限转移",
    "公积金提取",
    "不动产登记办理时限",
    "义务教育阶段入学",
    "个体工商户注册",
    "居住证办理",
    "小区物业管理",
    "医保异地备案",
    "新冠疫苗接种",
    "老旧小区改造",
    "灵活就业人员参保",
    "创业担保贷款",
)
_FORMS = (
    "关于{topic}的咨询",
    "咨询{topic}有关问题",
    "{topic}怎么办理？",
    "请问{topic}需要哪些材料",
)


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def portal_letters(today: date) -> tuple[DemoLetter, ...]:
    """Every letter of the board asked up to ``today``, oldest first: the quarters from a
    year and a quarter before ``today`` to ``today``'s own."""
    letters: list[DemoLetter] = []
    start = _quarter_start(date(today.year - 1, today.month, 1) - timedelta(days=92))
    number = 0
    while start <= today:
        for index in range(PER_QUARTER):
            day = start + timedelta(days=index * _SPAN_DAYS // PER_QUARTER)
            asked = datetime.combine(day, time(8 + index % 9, (index * 7) % 60), tzinfo=SHANGHAI)
            if asked.date() > today:
                break
            number += 1
            if index >= PER_QUARTER - LATE:
                replied = day + timedelta(days=LATE_AFTER_DAYS)
            else:
                replied = add_working_days(day, 1 + index % 4)
            topic = _TOPICS[(number * 5) % len(_TOPICS)]
            title = _FORMS[number % len(_FORMS)].format(topic=topic)
            if index == 10:  # the writer left a number in the title
                title = f"{topic}问题，请回电138{number % 10}0{day:%m%d}{index % 10}5"
            letters.append(
                DemoLetter(
                    number=number,
                    title=title,
                    asked=asked,
                    replied=replied,
                    unit=_UNITS[number % len(_UNITS)],
                )
            )
        start = _quarter_start(start + timedelta(days=95))
    return tuple(letters)


def letters_as_of(letters: tuple[DemoLetter, ...], moment: datetime) -> tuple[DemoLetter, ...]:
    """The letters asked by ``moment`` (aware)."""
    return tuple(letter for letter in letters if letter.asked <= moment)


def _status(letter: DemoLetter, today: date) -> tuple[str, str]:
    if letter.replied <= today:
        return "已办结", letter.replied.isoformat()
    return "办理中", ""


def board_pages(site: DemoSite, today: date) -> dict[str, str]:
    """The board's list pages by path: ``index.html``, then ``index_1.html`` …"""
    shown = sorted(site.letters, key=lambda letter: letter.asked, reverse=True)
    pages = max(1, -(-len(shown) // PER_PAGE))
    out: dict[str, str] = {}
    for page in range(pages):
        rows = []
        for letter in shown[page * PER_PAGE : (page + 1) * PER_PAGE]:
            status, replied = _status(letter, today)
            rows.append(
                f'<tr><td class="num">{letter.number}</td>'
                f'<td class="title"><a href="{letter.path}" target="_blank">'
                f"{html.escape(letter.title)}</a></td>"
                f"<td>{letter.asked:%Y-%m-%d}</td><td>{letter.unit}</td>"
                f"<td>{status}</td><td>{replied}</td></tr>"
            )
        path = BOARD_PATH if page == 0 else BOARD_PATH.replace("index", f"index_{page}")
        following = (
            f'<a href="index_{page + 1}.html">下一页</a>'
            if page + 1 < pages
            else "<span>下一页</span>"
        )
        out[path] = _frame(
            site,
            f"<h2>{BOARD_NAME}</h2>"
            '<table class="letters"><thead><tr><th>编号</th><th>标题</th><th>留言时间</th>'
            "<th>办理单位</th><th>办理状态</th><th>答复时间</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
            f'<div class="pages">第{page + 1}页/共{pages}页 {following}</div>',
        )
    return out


def letter_page(site: DemoSite, letter: DemoLetter, today: date) -> str:
    """A letter's detail page: the question and, once answered, the reply with its day."""
    status, replied = _status(letter, today)
    reply = (
        f"<tr><th>答复单位</th><td>{letter.unit}</td></tr>"
        f"<tr><th>答复时间</th><td>{replied}</td></tr>"
        "<tr><th>答复内容</th><td>您好，您反映的问题已收悉，现答复如下：请携带相关材料到政务服务中心"
        "窗口办理。感谢您的来信。</td></tr>"
        if replied
        else ""
    )
    return _frame(
        site,
        f"<h2>{html.escape(letter.title)}</h2><table class='letter'>"
        f"<tr><th>留言时间</th><td>{letter.asked:%Y-%m-%d %H:%M}</td></tr>"
        f"<tr><th>办理状态</th><td>{status}</td></tr>{reply}</table>",
    )


def _frame(site: DemoSite, body: str) -> str:
    name = html.escape(site.name)
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="{site.charset.meta_charset}">'
        f'<meta name="SiteIDCode" content="{site.site_code}">'
        f"<title>{BOARD_NAME}_{name}</title></head><body>"
        f'<div class="nav"><a href="/">首页</a> &gt; 互动交流 &gt; {BOARD_NAME}</div>{body}'
        f'<div class="footer">主办：{name}</div></body></html>'
    )


def zhaocuo_csv(period: Period, site_name: str) -> str:
    """The 找错 back office's export for ``period``: three messages for the portal, each
    handled within 5 working days."""
    lines = ["编号,网站名称,留言时间,办理时限,办结时间"]
    for n, offset in enumerate((9, 37, 64), start=1):
        received = period.start + timedelta(days=offset)
        due = add_working_days(received, BOARD_REPLY_DAYS)
        handled = add_working_days(received, 2 + n % 2)
        ref = f"ZC{received:%Y%m%d}{n:03d}"
        lines.append(f"{ref},{site_name},{received:%Y-%m-%d} 10:{10 + n}:00,{due},{handled}")
    return "\n".join(lines) + "\n"

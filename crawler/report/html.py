"""The notice as one self-contained HTML page: inline CSS, and small charts drawn as inline SVG.

With ``charts`` (``crawl report --charts``) two charts follow the text: the posts per natural
week of each account in 附件2 (one bar chart per account: every week of the period, a week
without posts as a zero mark, the weeks the weekly-posting rule did not judge hatched and
labelled 未判定, the judged weeks under the minimum in red, each Monday's date under its bar and
the minimum as a dashed line behind the bars — the same weeks the rule counted, from the
export's ``accounts[].weeks``) and how old the newest item of every site column was at the
check (a bar per age bracket).

Printed (``@media print``, ``@page``), it takes the 公文 page of the DOCX: A4 with margins of
37 mm top, 35 mm bottom, 28 mm left and 26 mm right, 三号 text at a 28.95 pt line pitch, the
fonts by their 公文 names first and then the look-alikes a machine may have, "— N —" at the
foot, and each 附件 on a new page with its tables' header rows repeated on every page.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Mapping, Sequence
from datetime import timedelta
from html import escape

from crawler.report.document import Attachment, Notice, Table
from crawler.report.model import AccountEntry, ReportData, WeekEntry
from rules.measures.account import WeeksBelowParams
from rules.model import SHANGHAI
from rules.period import Period
from rules.weeks import complete_weeks, period_weeks

__all__ = [
    "AGE_BRACKETS",
    "WEEKLY_MINIMUM",
    "WEEK_REASONS",
    "age_distribution",
    "chart_accounts",
    "chart_weeks",
    "render_html",
    "weekly_minimum",
]

# “两微一端”每周更新的内容少于2次: the rule's default, for an export that does not say.
WEEKLY_MINIMUM = WeeksBelowParams().min_posts
# Why a week was not judged (the export's ``weeks[].reason``), as a week's tooltip says it.
WEEK_REASONS = {
    "partial-week": "不完整的周，跨检查期的起止日",
    "not-ended": "检查时该周尚未结束",
    "unreadable": "账号来源无法读取",
    "not-fetched-after": "该周结束后未再抓取账号",
    "no-history": "没有已读取的发布记录",
    "before-history": "早于已保存的发布记录",
    "history-gap": "发布记录有缺口，该周条数不确定",
    "period-not-judged": "本期有周无法确定发布条数，整期未判定",
    "no-rule": "检查规则不含每周发布数",
}
AGE_BRACKETS: tuple[tuple[str, int | None], ...] = (
    ("≤14天", 14),
    ("15–30天", 30),
    ("31–90天", 90),
    ("91–180天", 180),
    ("181–365天", 365),
    (">365天", None),
)
NO_DATE = "无日期或未读取"

# The page-margin boxes (page numbers) set font-family and font-size: with the `font`
# shorthand there, Chromium 156 printed every page blank.
_CSS = """
body{font-family:"仿宋_GB2312","仿宋","FangSong","STFangsong","华文仿宋","Noto Serif CJK SC",
"Source Han Serif SC","SimSun",serif;max-width:54em;margin:2em auto;padding:0 1em;line-height:1.8;
color:#111}
h1,.attachment-title{font-family:"方正小标宋简体","方正小标宋_GBK","FZXiaoBiaoSong-B05S",
"华文中宋","STZhongsong","Noto Serif CJK SC","Source Han Serif SC","SimSun",serif;
font-weight:normal;text-align:center}
h1{font-size:1.6em}
h2{font-family:"黑体","SimHei","STHeiti","Noto Sans CJK SC","Source Han Sans SC",sans-serif;
font-weight:normal;font-size:1.2em;margin-top:1.6em}
p{text-indent:2em;margin:.4em 0}
.lead{font-family:"楷体_GB2312","楷体","KaiTi","STKaiti","华文楷体","AR PL UKai CN",serif}
.placeholder{color:#a00;background:#fff4f4}
table{border-collapse:collapse;width:100%;margin:.6em 0 1.2em}
thead{display:table-header-group}
th,td{border:1px solid #444;padding:.2em .5em;vertical-align:top}
th{background:#eee;font-family:"黑体","SimHei","STHeiti","Noto Sans CJK SC",sans-serif;
font-weight:normal;white-space:nowrap}
td.n{text-align:right;white-space:nowrap}
.attachment{break-before:page;page-break-before:always}
.caption,.note,.attachment-title{text-align:center;text-indent:0}
.attachment-title{font-size:1.4em;margin:.2em 0 .6em}
.charts{display:flex;flex-wrap:wrap;gap:.8em}
figure{margin:0}
figcaption{font-size:.85em;text-align:center}
.screenshots{break-before:page;page-break-before:always}
.screenshots figure{margin:0 0 1.2em}
.screenshots figcaption{text-align:left;text-indent:0;margin-bottom:.3em}
.screenshots img{max-width:100%;height:auto;border:1px solid #999}
svg text{font-family:sans-serif}
@page{size:A4;margin:37mm 26mm 35mm 28mm}
@page :right{@bottom-right{content:"— " counter(page) " —";vertical-align:top;padding:7mm 14pt 0 0;
font-family:"宋体","SimSun","Noto Serif CJK SC",serif;font-size:14pt}}
@page :left{@bottom-left{content:"— " counter(page) " —";vertical-align:top;padding:7mm 0 0 14pt;
font-family:"宋体","SimSun","Noto Serif CJK SC",serif;font-size:14pt}}
@media print{
body{max-width:none;margin:0;padding:0;color:#000;font-size:16pt;line-height:28.95pt}
h1{font-size:22pt;line-height:28.95pt;margin:0 0 28.95pt}
h2{font-size:16pt;line-height:28.95pt;margin:0;text-indent:2em}
.attachment h2{text-indent:0}
.attachment-title{font-size:22pt;line-height:28.95pt;margin:0 0 14pt}
p{margin:0}
.placeholder{color:#000;background:#ff0}
table{font-size:12pt;line-height:18pt;margin:0 0 18pt}
th{background:none}
tr{break-inside:avoid;page-break-inside:avoid}
.charts-section{break-before:page;page-break-before:always}
}
"""


def _table(table: Table) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in table.headers)
    rows = []
    for row in table.rows:
        cells = "".join(
            f'<td class="n">{value}</td>' if isinstance(value, int) else f"<td>{escape(value)}</td>"
            for value in row
        )
        rows.append(f"<tr>{cells}</tr>")
    caption = f'<p class="caption">{escape(table.caption)}</p>' if table.caption else ""
    return f"{caption}<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _attachment(attachment: Attachment) -> str:
    parts = [
        f'<section class="attachment" id="attachment-{attachment.number}">',
        f"<h2>附件{attachment.number}</h2>",
        f'<p class="attachment-title">{escape(attachment.title)}</p>',
    ]
    if attachment.note:
        parts.append(f'<p class="note">{escape(attachment.note)}</p>')
    if any(table.rows for table in attachment.tables):
        parts += [_table(table) for table in attachment.tables]
    else:
        parts.append(f"<p>{escape(attachment.empty)}</p>")
    parts.append("</section>")
    return "\n".join(parts)


def chart_weeks(account: AccountEntry, data: ReportData) -> tuple[WeekEntry, ...]:
    """The weeks to draw for ``account``: the export's ``weeks`` (every week of the period and
    whether the rule judged it), or for an older export every week of the period from
    ``posts_per_week`` (a week it lacks had no posts). An older export does not say which weeks
    were judged: only the partial first and last weeks and the weeks not over at ``as_of`` are
    known not to be (the rule's own ``period_weeks`` and ``complete_weeks``), the rest is None.
    """
    if account.weeks:
        return account.weeks
    period = Period(start=data.period_start, end=data.period_end)
    counts = dict(account.posts_per_week)
    complete = set(complete_weeks(period, data.as_of))
    weeks = []
    for monday in period_weeks(period):
        partial = monday < period.start or monday + timedelta(days=6) > period.end
        reason = "partial-week" if partial else None if monday in complete else "not-ended"
        weeks.append(
            WeekEntry(
                monday=monday,
                posts=counts.get(monday, 0),
                judged=False if reason else None,
                reason=reason,
            )
        )
    return tuple(weeks)


def weekly_minimum(account: AccountEntry) -> int | None:
    """The weekly-posting rule's minimum for ``account``: the export's, the rule's default for
    an older export, None when the export says its profile has no such rule."""
    if account.weekly_minimum is not None:
        return account.weekly_minimum
    return None if account.weeks else WEEKLY_MINIMUM


def _week_note(week: WeekEntry, minimum: int | None) -> str:
    text = f"{week.monday.year}年{week.monday.month}月{week.monday.day}日起一周：{week.posts}条"
    if week.judged is False:
        why = WEEK_REASONS.get(week.reason or "", "")
        return f"{text}，未判定" + (f"（{why}）" if why else "")
    if minimum is not None and week.posts < minimum:
        return f"{text}，少于每周{minimum}条"
    return text


def _weekly_summary(weeks: Sequence[WeekEntry], minimum: int | None, label: str) -> tuple[str, str]:
    """(the figure's caption after the name, the SVG's description)."""
    judged = [w for w in weeks if w.judged is not False]
    below = [w for w in judged if minimum is not None and w.posts < minimum]
    unjudged = len(weeks) - len(judged)
    dates = "、".join(f"{w.monday.month}/{w.monday.day}" for w in below)
    if minimum is None:
        caption = "检查规则不含每周发布数，各周均未判定"
    elif not judged:
        caption = f"本期未按每周发布数判定，{len(weeks)}周均未判定"
    elif any(w.judged is None for w in weeks):
        caption = f"少于每周{minimum}条的{len(below)}周标红；导出文件未注明其余各周是否判定"
        if unjudged:
            caption += f"，不完整或未结束的{unjudged}周未判定"
    else:
        caption = f"判定{len(judged)}周，其中{len(below)}周少于{minimum}条；未判定{unjudged}周"
    desc = f"{label}共{len(weeks)}周的每周发布条数。{caption}" + (
        f"（少于{minimum}条的周：{dates}）。" if dates else "。"
    )
    return caption, desc


def _weekly_chart(account: AccountEntry, data: ReportData, n: int) -> str:
    """One account's posts per natural week of the period, as a bar chart.

    Every week is drawn (a week without posts as a zero mark on the axis), the weeks the rule
    did not judge hatched grey and labelled 未判定, the weeks judged under the minimum in red,
    each Monday's M/D under its bar (every k-th when crowded), and the minimum as a dashed
    line drawn before the bars, so that it runs behind them and never covers one.
    """
    weeks = chart_weeks(account, data)
    minimum = weekly_minimum(account)
    slot = max(10.0, min(30.0, 520 / max(1, len(weeks))))
    left, right, top_pad, plot_h = 30, 8, 16, 80
    base = top_pad + plot_h
    width, height = left + slot * len(weeks) + right, base + 34
    top = max([(minimum or 0) + 1, 1, *(week.posts for week in weeks)])
    every = max(1, math.ceil(30 / slot))  # an M/D label takes about 30 px at 9 px

    def y(value: float) -> float:
        return base - plot_h * value / top

    ident = f"wk{n}"
    caption, desc = _weekly_summary(weeks, minimum, data.period_label)
    parts = [
        f'<title id="{ident}-t">{escape(account.name)}每周发布数</title>',
        f'<desc id="{ident}-d">{escape(desc)}</desc>',
        f'<defs><pattern id="{ident}-hatch" width="4" height="4" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="4" height="4" fill="#eee"/>'
        '<line x1="0" y1="0" x2="0" y2="4" stroke="#999" stroke-width="1.5"/></pattern></defs>',
    ]
    ticks = [(0, "#444"), (top, "#444")]
    if minimum is not None:
        # Behind the bars: drawn first, a bar that reaches past it covers it, never the reverse.
        parts.append(
            f'<line class="threshold" x1="{left}" y1="{y(minimum):.1f}" '
            f'x2="{width - right:.1f}" y2="{y(minimum):.1f}" stroke="#c0392b" '
            f'stroke-dasharray="4 3"><title>每周最低{minimum}条</title></line>'
        )
        ticks.append((minimum, "#c0392b"))
    for value, colour in sorted(set(ticks)):
        parts.append(
            f'<text class="tick" x="{left - 4}" y="{y(value) + 3:.1f}" font-size="9" '
            f'text-anchor="end" fill="{colour}">{value}</text>'
        )
    bar_w = max(2.0, slot * 0.7)
    for i, week in enumerate(weeks):
        x = left + i * slot + (slot - bar_w) / 2
        below = minimum is not None and week.posts < minimum
        if week.judged is False:
            fill, stroke = f"url(#{ident}-hatch)", ' stroke="#888"'
        else:
            fill, stroke = ("#c0392b" if below else "#2c7fb8"), ""
        # A week without posts is a zero mark on the axis, not nothing.
        bar_top = y(week.posts) if week.posts else base - 3
        judged = {True: "true", False: "false", None: "unknown"}[week.judged]
        parts.append(
            f'<g class="week" data-monday="{week.monday.isoformat()}" data-posts="{week.posts}" '
            f'data-judged="{judged}" data-below="{str(below).lower()}">'
            f"<title>{escape(_week_note(week, minimum))}</title>"
            f'<rect x="{x:.1f}" y="{bar_top:.1f}" width="{bar_w:.1f}" '
            f'height="{base - bar_top:.1f}" fill="{fill}"{stroke}/>'
            + (
                f'<text x="{x + bar_w / 2:.1f}" y="{bar_top - 3:.1f}" font-size="8" '
                f'text-anchor="middle">{week.posts}</text>'
                if slot >= 14
                else ""
            )
            + "</g>"
        )
    parts.append(
        f'<line x1="{left}" y1="{base}" x2="{width - right:.1f}" y2="{base}" stroke="#444"/>'
    )
    for i, week in enumerate(weeks):
        if i % every == 0:
            parts.append(
                f'<text class="date" data-monday="{week.monday.isoformat()}" '
                f'x="{left + (i + 0.5) * slot:.1f}" y="{base + 12}" font-size="9" '
                f'text-anchor="middle">{week.monday.month}/{week.monday.day}</text>'
            )
    # 未判定 under each run of weeks not judged (one label per run, centred under it).
    i = 0
    while i < len(weeks):
        if weeks[i].judged is not False:
            i += 1
            continue
        j = i
        while j + 1 < len(weeks) and weeks[j + 1].judged is False:
            j += 1
        parts.append(
            f'<text class="unjudged" x="{left + (i + j + 1) / 2 * slot:.1f}" y="{base + 25}" '
            f'font-size="8" text-anchor="middle" fill="#666">未判定</text>'
        )
        i = j + 1
    name = escape(account.name)
    return (
        f'<figure><svg class="weekly-chart" data-account="{escape(account.id)}" '
        f'xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height}" '
        f'viewBox="0 0 {width:.0f} {height}" role="img" '
        f'aria-labelledby="{ident}-t {ident}-d">'
        + "".join(parts)
        + f"</svg><figcaption>{name}（{escape(account.type)}，{account.score}分）："
        f"{escape(caption)}</figcaption></figure>"
    )


def _legend() -> str:
    """What the weekly charts' marks mean, once above them."""
    items = [
        ('<rect width="10" height="10" fill="#c0392b"/>', "已判定，少于每周最低条数"),
        ('<rect width="10" height="10" fill="#2c7fb8"/>', "已判定，达到最低条数"),
        ('<rect width="10" height="10" fill="url(#legend-hatch)" stroke="#888"/>', "未判定"),
        (
            '<line x1="0" y1="5" x2="14" y2="5" stroke="#c0392b" stroke-dasharray="4 3"/>',
            "每周最低条数",
        ),
    ]
    parts, x = [], 0
    for mark, label in items:
        parts.append(
            f'<g transform="translate({x},3)">{mark}<text x="18" y="9" font-size="10">'
            f"{label}</text></g>"
        )
        x += 18 + 11 * len(label) + 16
    return (
        f'<svg class="chart-legend" xmlns="http://www.w3.org/2000/svg" width="{x}" height="16" '
        f'viewBox="0 0 {x} 16" role="img" aria-labelledby="legend-t legend-d">'
        '<title id="legend-t">图例</title>'
        '<desc id="legend-d">红色：已判定且少于每周最低条数的周；蓝色：已判定且达到最低条数的周；'
        "灰色斜线：检查规则未判定的周；红色虚线：每周最低条数。</desc>"
        '<defs><pattern id="legend-hatch" width="4" height="4" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="4" height="4" fill="#eee"/>'
        '<line x1="0" y1="0" x2="0" y2="4" stroke="#999" stroke-width="1.5"/></pattern></defs>'
        + "".join(parts)
        + "</svg>"
    )


def age_distribution(data: ReportData) -> list[tuple[str, int]]:
    """How many dated site columns had their newest item in each age bracket at the check."""
    counts = dict.fromkeys([label for label, _ in AGE_BRACKETS] + [NO_DATE], 0)
    for site in data.sites:
        for column in site.columns:
            if column.category == "static" or column.verdict == "static":
                continue
            if column.age_days is None:
                counts[NO_DATE] += 1
                continue
            for label, limit in AGE_BRACKETS:
                if limit is None or column.age_days <= limit:
                    counts[label] += 1
                    break
    return list(counts.items())


def _age_chart(buckets: Sequence[tuple[str, int]]) -> str:
    width, row, label_w, pad = 520, 22, 110, 8
    height = row * len(buckets) + 2 * pad
    top = max([1, *(count for _, count in buckets)])
    bars = []
    for n, (label, count) in enumerate(buckets):
        y = pad + n * row
        length = (width - label_w - 50) * count / top
        bars.append(
            f'<text x="{label_w - 6}" y="{y + 15}" font-size="12" text-anchor="end">'
            f"{escape(label)}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}" height="{row - 6}" '
            f'fill="#2c7fb8"/>'
            f'<text x="{label_w + length + 4:.1f}" y="{y + 15}" font-size="12">{count}</text>'
        )
    return (
        f'<figure><svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="栏目最新信息时间分布">'
        "<title>栏目最新信息时间分布</title>"
        f"<desc>{escape(_age_desc(buckets))}</desc>"
        f"{''.join(bars)}</svg>"
        "<figcaption>各网站栏目最新信息距检查日的天数（不含概况类栏目）</figcaption></figure>"
    )


def _age_desc(buckets: Sequence[tuple[str, int]]) -> str:
    return "各网站栏目最新信息距检查日的天数：" + "，".join(f"{b}{n}个" for b, n in buckets) + "。"


def chart_accounts(data: ReportData) -> tuple[AccountEntry, ...]:
    """The accounts charted: 附件2's (``document.attachment2_rows``), in its order."""
    return tuple(
        a
        for a in data.accounts
        if (a.problem_findings or a.result == "不合格") and not data.unchecked("account", a.id)
    )


def _charts(data: ReportData) -> str:
    accounts = chart_accounts(data)
    parts = ['<section class="charts-section"><h2>图表</h2>']
    if accounts:
        parts.append(
            f"<p>存在问题的政务新媒体{escape(data.period_label)}每周发布数"
            "（自然周，周一至周日；横轴为各周周一的日期，柱上为发布条数）：</p>"
        )
        parts.append(_legend())
        charts = "".join(_weekly_chart(a, data, n) for n, a in enumerate(accounts, 1))
        parts.append(f'<div class="charts">{charts}</div>')
    else:
        parts.append("<p>无存在问题的政务新媒体。</p>")
    buckets = age_distribution(data)
    if any(count for _, count in buckets):
        parts.append("<p>网站栏目最新信息的时间分布：</p>")
        parts.append(_age_chart(buckets))
    parts.append("</section>")
    return "\n".join(parts)


def _screenshots(data: ReportData, images: Mapping[str, bytes]) -> str:
    """附：问题页面截图 — each site finding's page as it looked at the check (the image
    embedded), in the attachments' site order."""
    parts = ['<section class="screenshots">', "<h2>附：问题页面截图</h2>"]
    shown = 0
    for site in data.sites:
        for finding in site.findings:
            shot = finding.screenshot
            image = images.get(shot.sha256) if shot is not None else None
            if shot is None or image is None:
                continue
            shown += 1
            taken = shot.taken_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
            where = site.name + (f" · {finding.column_name}" if finding.column_name else "")
            source = "data:image/png;base64," + base64.b64encode(image).decode("ascii")
            parts.append(
                f"<figure><figcaption>{shown}. {escape(where)}：{escape(finding.message)}"
                f"（{escape(shot.url)}，截图时间 {taken}）</figcaption>"
                f'<img src="{source}" width="{shot.width}" height="{shot.height}" '
                f'alt="{escape(where)}"></figure>'
            )
    if not shown:
        parts.append("<p>本期检查未留存问题页面截图。</p>")
    parts.append("</section>")
    return "\n".join(parts)


def render_html(
    notice: Notice,
    data: ReportData,
    *,
    charts: bool = False,
    screenshots: Mapping[str, bytes] | None = None,
) -> str:
    """The page; with ``charts`` (``crawl report --charts``) a 图表 section before the
    attachments; with ``screenshots`` (images by sha256, ``--screenshots``) the findings'
    page screenshots after them."""
    body = [f"<h1>{escape(notice.title)}</h1>", f"<p>{escape(notice.intro)}</p>"]
    for section in notice.sections:
        body.append(f"<h2>{escape(section.heading)}</h2>")
        for paragraph in section.paragraphs:
            lead = f'<span class="lead">{escape(paragraph.lead)}</span>' if paragraph.lead else ""
            placeholder = ' class="placeholder"' if paragraph.placeholder else ""
            body.append(f"<p{placeholder}>{lead}{escape(paragraph.text)}</p>")
    body.append("<p>附件：</p>")
    body += [f"<p>{a.number}.{escape(a.title)}</p>" for a in notice.attachments]
    if charts:
        body.append(_charts(data))
    body += [_attachment(a) for a in notice.attachments]
    if screenshots is not None:
        body.append(_screenshots(data, screenshots))
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(notice.title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )

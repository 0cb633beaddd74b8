"""The notice as one self-contained HTML page: inline CSS, and small charts drawn as inline SVG.

Two charts follow the text: the posts per natural week of each account with problems (one small
bar chart per account, the weeks under the weekly minimum in red, the minimum as a dashed line)
and how old the newest item of every site column was at the check (a bar per age bracket).

Printed (``@media print``, ``@page``), it takes the 公文 page of the DOCX: A4 with margins of
37 mm top, 35 mm bottom, 28 mm left and 26 mm right, 三号 text at a 28.95 pt line pitch, the
fonts by their 公文 names first and then the look-alikes a machine may have, "— N —" at the
foot, and each 附件 on a new page with its tables' header rows repeated on every page.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from crawler.report.document import Attachment, Notice, Table
from crawler.report.model import AccountEntry, ReportData

__all__ = ["AGE_BRACKETS", "WEEKLY_MINIMUM", "age_distribution", "render_html"]

WEEKLY_MINIMUM = 2  # “两微一端”每周更新的内容少于2次
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


def _weekly_chart(account: AccountEntry) -> str:
    """One account's posts per week: bars, red under the minimum, the minimum dashed."""
    weeks = account.posts_per_week
    width, height, pad = 240, 90, 16
    top = max([WEEKLY_MINIMUM + 1, *(count for _, count in weeks)])
    step = (width - 2 * pad) / max(1, len(weeks))

    def y(value: int) -> float:
        return height - pad - (height - 2 * pad) * value / top

    bars = []
    for n, (monday, count) in enumerate(weeks):
        colour = "#c0392b" if count < WEEKLY_MINIMUM else "#2c7fb8"
        x = pad + n * step
        bars.append(
            f'<rect x="{x + 1:.1f}" y="{y(count):.1f}" width="{max(1.0, step - 2):.1f}" '
            f'height="{height - pad - y(count):.1f}" fill="{colour}">'
            f"<title>{monday.isoformat()}起一周：{count}条</title></rect>"
        )
    line = y(WEEKLY_MINIMUM)
    name = escape(account.name)
    return (
        f'<figure><svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{name}每周发布数">'
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
        'stroke="#444"/>'
        f"{''.join(bars)}"
        f'<line x1="{pad}" y1="{line:.1f}" x2="{width - pad}" y2="{line:.1f}" stroke="#c0392b" '
        'stroke-dasharray="4 3"/>'
        f'<text x="{width - pad}" y="{line - 3:.1f}" font-size="9" text-anchor="end" '
        f'fill="#c0392b">每周{WEEKLY_MINIMUM}次</text>'
        f'<text x="{pad}" y="11" font-size="9">最多{top}条/周</text>'
        f"</svg><figcaption>{name}（{escape(account.type)}，{account.score}分）</figcaption>"
        "</figure>"
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
        f"{''.join(bars)}</svg>"
        "<figcaption>各网站栏目最新信息距检查日的天数（不含概况类栏目）</figcaption></figure>"
    )


def _charts(data: ReportData) -> str:
    accounts = [a for a in data.accounts if a.problem_findings and a.posts_per_week]
    parts = ['<section class="charts-section"><h2>图表</h2>']
    if accounts:
        parts.append("<p>存在问题的政务新媒体每周发布数（红色为少于每周2次的周）：</p>")
        parts.append('<div class="charts">' + "".join(map(_weekly_chart, accounts)) + "</div>")
    else:
        parts.append("<p>无存在问题的政务新媒体。</p>")
    buckets = age_distribution(data)
    if any(count for _, count in buckets):
        parts.append("<p>网站栏目最新信息的时间分布：</p>")
        parts.append(_age_chart(buckets))
    parts.append("</section>")
    return "\n".join(parts)


def render_html(notice: Notice, data: ReportData) -> str:
    body = [f"<h1>{escape(notice.title)}</h1>", f"<p>{escape(notice.intro)}</p>"]
    for section in notice.sections:
        body.append(f"<h2>{escape(section.heading)}</h2>")
        for paragraph in section.paragraphs:
            lead = f'<span class="lead">{escape(paragraph.lead)}</span>' if paragraph.lead else ""
            placeholder = ' class="placeholder"' if paragraph.placeholder else ""
            body.append(f"<p{placeholder}>{lead}{escape(paragraph.text)}</p>")
    body.append("<p>附件：</p>")
    body += [f"<p>{a.number}.{escape(a.title)}</p>" for a in notice.attachments]
    body.append(_charts(data))
    body += [_attachment(a) for a in notice.attachments]
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(notice.title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )

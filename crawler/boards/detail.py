"""A letter's own page: its asked and reply days and its status, read from labels only.

Labels: ``答复时间``, ``回复时间``, ``办结时间``, ``答复日期``, ``回复日期`` (and ``办结日期``,
``反馈时间``) give the reply day; ``留言时间``, ``来信时间``, ``提问时间``, ``咨询时间``,
``写信时间``, ``提交时间`` (and their ``日期`` forms) the asked day; ``状态``, ``办理状态`` …
the status. A label is a ``th``/``td`` whose whole text it is, with the value in the next
cell; a ``dt`` with the value in its ``dd``; or ``label：value`` in the text. On a page with a
``答复内容``/``回复内容`` block a date right after a ``回复``/``答复`` label is the reply day
too. A date label after 预计, 承诺, 截止 … names a deadline and is passed over. An unlabelled
date is never taken for a reply day: a page without labels gives None.
"""

from __future__ import annotations

import re
from datetime import date

from selectolax.lexbor import LexborHTMLParser, LexborNode

from crawler.boards.seen import LetterDetail
from crawler.boards.words import is_status_text, status_text
from crawler.extract.dates import find_dates
from crawler.extract.text import collapse, fold_width

__all__ = ["read_letter_detail"]

_LABELS: dict[str, tuple[str, ...]] = {
    "replied": (
        "答复时间", "回复时间", "办结时间", "答复日期", "回复日期", "办结日期", "反馈时间",
        "反馈日期",
    ),
    "asked": (
        "留言时间", "来信时间", "提问时间", "咨询时间", "写信时间", "提交时间", "投诉时间",
        "留言日期", "来信日期", "提问日期", "咨询日期", "写信日期", "提交日期",
    ),
    "status": ("办理状态", "处理状态", "回复状态", "答复状态", "信件状态", "办结状态", "状态"),
}  # fmt: skip
_FIELD_OF_LABEL = {label: name for name, labels in _LABELS.items() for label in labels}
_NOISE = re.compile(r"[\s:：*]+")
_NOT_OF_THE_LETTER = r"(?<!预计)(?<!承诺)(?<!要求)(?<!规定)(?<!截止)(?<!最迟)(?<!限定)"
_TEXT_LABEL = re.compile(
    _NOT_OF_THE_LETTER
    + "(?P<label>"
    + "|".join(sorted(_FIELD_OF_LABEL, key=len, reverse=True))
    + r")[ \t\u3000]*(?P<colon>[:：])?\s*(?P<value>[^\n]{0,40})"
)
_REPLY_BLOCK = re.compile(r"(?:答复|回复)(?:内容|意见|正文)")
_REPLY_LABEL_DATE = re.compile(
    r"[【\[(（]?(?:答复|回复)(?:单位|部门|机构)?[ \t\u3000]*[:：\]】）)]?[ \t\u3000]*"
    r"(?P<value>(?:19|20)\d{2}[^\n]{0,30})"
)
_MAX_STATUS_VALUE_CHARS = 20
_DATE_RIGHT_AFTER = 2  # characters allowed between a label (and its colon) and its date


def read_letter_detail(html: str, *, today: date) -> LetterDetail:
    """The labelled dates and status of a letter's page (see the module docstring)."""
    tree = LexborHTMLParser(html)
    for node in tree.css("script, style, noscript, template"):
        node.decompose()
    found: dict[str, tuple[date | str, str]] = {}
    for label_node, value_node, form in _pairs(tree):
        label = _NOISE.sub("", fold_width(label_node.text(deep=True)))
        name = _FIELD_OF_LABEL.get(label)
        if name is not None and name not in found:
            value = collapse(value_node.text())
            _keep(found, name, value, where=f"{form} {label} ", today=today)
    root = tree.body or tree.root
    text = root.text(deep=True, separator="\n") if root is not None else ""
    text = "\n".join(collapse(line) for line in text.splitlines() if line.strip())
    for match in _TEXT_LABEL.finditer(text):
        name = _FIELD_OF_LABEL[match["label"]]
        if name in found or (name == "status" and not match["colon"]):
            continue
        label = match["label"] + (match["colon"] or " ")
        _keep(found, name, match["value"], where=f"text {label}", today=today)
    if "replied" not in found and _REPLY_BLOCK.search(text):
        for match in _REPLY_LABEL_DATE.finditer(text):
            label = match[0][: match.start("value") - match.start()].strip()
            _keep(found, "replied", match["value"], where=f"text {label}", today=today)
            if "replied" in found:
                break
    asked, replied, status = found.get("asked"), found.get("replied"), found.get("status")
    wheres = [pair[1] for pair in (replied, asked, status) if pair is not None]
    return LetterDetail(
        asked=asked[0] if asked is not None and isinstance(asked[0], date) else None,
        replied=replied[0] if replied is not None and isinstance(replied[0], date) else None,
        status=status[0] if status is not None and isinstance(status[0], str) else None,
        where="; ".join(wheres) or None,
    )


def _pairs(tree: LexborHTMLParser) -> list[tuple[LexborNode, LexborNode, str]]:
    """(label, value, form) pairs: a cell and the next cell of its row, a dt and its dd."""
    pairs: list[tuple[LexborNode, LexborNode, str]] = []
    for label in tree.css("th, td, dt"):
        value = label.next
        while value is not None and not value.is_element_node:
            value = value.next
        if value is None:
            continue
        if label.tag == "dt" and value.tag == "dd":
            pairs.append((label, value, "dl"))
        elif label.tag in ("th", "td") and value.tag in ("th", "td"):
            pairs.append((label, value, "table"))
    return pairs


def _keep(
    found: dict[str, tuple[date | str, str]], name: str, value: str, *, where: str, today: date
) -> None:
    """Keep the value of a label when it reads as one (a day for a date label).

    ``where``: the form and the label (``text 答复时间：``); the value read is added to it, and
    nothing else of the text, so no name beside the value is ever stored."""
    form, label = where.split(" ", 1)
    if name == "status":
        word = value.split()[0] if value.split() else ""
        if word and (len(value) <= _MAX_STATUS_VALUE_CHARS or is_status_text(word)):
            shown = status_text(word)
            if shown is not None:
                found[name] = (shown, f'{form} "{label}{shown}"')
        return
    dates = find_dates(value, today=today, allow_short=True)
    if dates and dates[0].start <= _DATE_RIGHT_AFTER and dates[0].value <= today:
        found[name] = (dates[0].value, f'{form} "{label}{dates[0].text}"')

"""The words of message boards: column headers and labels, status words, and how a cell's
text becomes a title, a day or a status.

- **Fields**: the header of a column or the label before a value (``留言时间：``) names what it
  holds: ``title``, ``asked`` (留言/来信 time), ``replied`` (答复/回复/办结 time), ``status``,
  ``unit`` (办理单位), ``kind`` (信件类型), ``writer`` (留言人: never read nor stored) or
  ``other`` (序号, 满意度 …: known, not read). The longest word a header holds decides, so
  ``答复时间`` is ``replied`` although it holds ``时间``.
- **States**: a status that denies (``未办结``, ``未回复``) is pending; one that says the letter
  was answered (``已办结``, ``已回复``) is answered; one that says it is being handled
  (``办理中``, ``已受理``) is pending; a reply date always makes a letter answered.
- **Days**: read by ``crawler.extract.dates``; a day later than the check is no day.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Literal

from crawler.extract.dates import parse_date
from crawler.extract.personal import mask_personal_data
from crawler.extract.text import collapse, fold_width
from rules.boards import LetterState

__all__ = [
    "HEADER_WORDS",
    "Field",
    "clean_title",
    "field_of_header",
    "is_status_text",
    "is_unit_name",
    "letter_state",
    "read_day",
    "short_text",
    "status_text",
]

Field = Literal["title", "asked", "replied", "status", "unit", "kind", "writer", "other"]
MAX_TITLE_CHARS = 200
MAX_SHORT_CHARS = 60  # status and unit texts

HEADER_WORDS: dict[Field, tuple[str, ...]] = {
    "title": (
        "标题", "主题", "留言标题", "信件标题", "来信标题", "咨询标题", "投诉标题", "建议标题",
        "问题", "事项", "内容摘要", "信件主题", "留言主题", "来信主题",
    ),
    "asked": (
        "留言时间", "来信时间", "提问时间", "咨询时间", "提交时间", "写信时间", "投诉时间",
        "留言日期", "来信日期", "提问日期", "咨询日期", "提交日期", "写信日期",
        "发布时间", "时间", "日期",
    ),
    "replied": (
        "答复时间", "回复时间", "办结时间", "答复日期", "回复日期", "办结日期", "办理时间",
        "处理时间", "反馈时间", "反馈日期",
    ),
    "status": ("状态", "办理状态", "处理状态", "回复状态", "答复状态", "信件状态", "办结状态"),
    "unit": (
        "办理单位", "答复单位", "处理单位", "受理单位", "回复单位", "承办单位", "交办单位",
        "部门", "办理部门", "答复部门", "回复部门", "受理部门", "承办部门", "答复机构",
    ),
    "kind": ("类型", "类别", "信件类型", "留言类型", "问题类型", "问题类别", "咨询类型"),
    "writer": (
        "留言人", "来信人", "姓名", "提问人", "网民", "写信人", "投诉人", "咨询人", "发信人",
        "留言者", "网友", "昵称",
    ),
    "other": (
        "序号", "编号", "信件编号", "留言编号", "查询码", "满意度", "评价", "浏览", "浏览次数",
        "点击", "点击数", "点击量", "操作", "详情", "查看",
    ),
}  # fmt: skip
_WORD_FIELD: dict[str, Field] = {
    word: field for field, words in HEADER_WORDS.items() for word in words
}
_FIELD_BY_NAME: dict[str, Field] = {field: field for field in HEADER_WORDS}
_WORDS_LONGEST_FIRST = sorted(_WORD_FIELD, key=len, reverse=True)
_HEADER_NOISE = re.compile(r"[\s:：*↑↓▲▼△▽()（）\[\]【】]+")
MAX_HEADER_CHARS = 12

# A status that denies an answer, then one that gives it, then one of a letter in hand.
_NEGATED = re.compile(r"[未待没尚无](?:有)?(?:办结|回复|答复|处理|反馈|完成|办理|受理|解决)")
_ANSWERED = re.compile(r"已办结|办结|已回复|已答复|已处理|已反馈|完成|已解决|已评价|待评价")
_PENDING = re.compile(r"办理中|处理中|受理中|已受理|正在办理|正在处理|在办|转办|交办|审核中")
_MAX_STATUS_CHARS = 12  # a status word standing alone, brackets and all
_UNIT_NAME = re.compile(
    r"^[^\d\s:：]*(?:\d{5})?[^\d\s:：]*"
    r"(?:局|委|办|院|厅|所|署|中心|政府|部|处|科|站|街道|镇|乡|委员会|办公室|管委会|大队|支队|公司)$"
)
_MIN_UNIT_CHARS, _MAX_UNIT_CHARS = 3, 30


def field_of_header(text: str, extra: Mapping[str, str] | None = None) -> Field | None:
    """The field a column header (or a label) names; None for a header we do not know.

    ``extra`` maps header texts of an odd board to fields (from the targets file); it wins.
    """
    word = _HEADER_NOISE.sub("", fold_width(text))
    if not word or len(word) > MAX_HEADER_CHARS:
        return None
    if extra:
        for header, name in extra.items():
            if _HEADER_NOISE.sub("", fold_width(header)) == word and name in _FIELD_BY_NAME:
                return _FIELD_BY_NAME[name]
    exact = _WORD_FIELD.get(word)
    if exact is not None:
        return exact
    for known in _WORDS_LONGEST_FIRST:
        if known in word:
            return _WORD_FIELD[known]
    return None


def letter_state(status: str | None, replied: date | None) -> LetterState:
    """What a letter's status text and reply date say of it (see the module docstring)."""
    if replied is not None:
        return LetterState.ANSWERED
    if not status:
        return LetterState.UNKNOWN
    text = re.sub(r"\s+", "", status)
    if _NEGATED.search(text):
        return LetterState.PENDING
    if _ANSWERED.search(text):
        return LetterState.ANSWERED
    if _PENDING.search(text) or text.startswith("待"):
        return LetterState.PENDING
    return LetterState.UNKNOWN


def is_status_text(text: str) -> bool:
    """A short text that is a status word (``已办结``, ``【办理中】``), not a sentence with one."""
    word = _HEADER_NOISE.sub("", text).strip("。.,，;；|/")
    return 0 < len(word) <= _MAX_STATUS_CHARS and (
        letter_state(word, None) is not LetterState.UNKNOWN
    )


def status_text(text: str) -> str | None:
    """The status as shown, its brackets left out; None when empty."""
    return short_text(_BRACKETS.sub(" ", text))


_BRACKETS = re.compile(r"[()（）\[\]【】<>《》]+")


def is_unit_name(text: str) -> bool:
    """A short text that names a unit (市人社局, 区城管委, 12345热线中心), without digits other
    than a hotline's."""
    return (
        _MIN_UNIT_CHARS <= len(text) <= _MAX_UNIT_CHARS
        and bool(_UNIT_NAME.search(text))
        and not is_status_text(text)
    )


def read_day(text: str, *, today: date) -> date | None:
    """The calendar day ``text`` shows; None if none, or if it is later than ``today``."""
    if not text or (not any(ch.isdigit() for ch in text) and "年" not in text):
        return None
    value = parse_date(text, today=today)
    return value if value is not None and value <= today else None


def clean_title(text: str, *, today: date) -> str:
    """A letter's title as stored: whitespace collapsed, personal numbers masked, at most
    ``MAX_TITLE_CHARS`` characters."""
    masked = mask_personal_data(collapse(text), today=today)
    return masked[:MAX_TITLE_CHARS].rstrip()


def short_text(text: str) -> str | None:
    """A status or unit text: collapsed, at most ``MAX_SHORT_CHARS``; None when empty."""
    value = collapse(text)[:MAX_SHORT_CHARS].rstrip()
    return value or None

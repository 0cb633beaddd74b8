"""``crawl import zhaocuo FILE``: the 我为政府网站找错 back office's export of the messages each
site received, read and checked.

The national platform has no public page per site; its back office exports the messages.
The notice counts them per site and quarter (storage.zhaocuo):
"收到“我为政府网站找错”留言3条,按期处理3条".

The file is CSV or XLSX (``crawler.tabular``) with a header row (a title row or two may stand
above it) naming, in Chinese or English:

- the site (网站名称, 网站标识码, …): a targets file site's id, name or 网站标识码;
- the message's number (编号, 留言编号, 工单号, …), optional: without one, a row is known by a
  hash of its site, its day received and its content (the columns a later export fills in —
  the handled day, a status, a reply — left out, so the row keeps its reference);
- the day received (留言时间, …), the due day (办理时限, …; optional) and the day handled
  (办结时间, …; an empty cell: not handled yet).

Every row is checked before anything is stored, and one bad row refuses the file whole, each
problem listed by row and column (``crawler.tabular.refuse``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from crawler.tabular import (
    ImportFileError,
    blank,
    cell_text,
    cell_value,
    find_header,
    parse_moment,
    read_records,
    refuse,
)
from rules.model import SHANGHAI, Site

__all__ = ["MAX_FILE_BYTES", "ZhaocuoRow", "read_zhaocuo_rows"]

MAX_FILE_BYTES = 20 * 2**20
_HEADER_WITHIN = 5  # rows searched for the header: an export may have a title row above it
_REF_CHARS = 200  # zhaocuo_reports.ref
_SITES_NAMED = 8  # site ids an "unknown site" problem lists
_COLUMNS: dict[str, tuple[str, ...]] = {
    "site": ("网站", "网站名称", "网站标识码", "站点", "站点名称", "site", "siteid", "sitename",
             "sitecode"),
    "ref": ("编号", "留言编号", "工单号", "工单编号", "id", "ref"),
    "serial": ("序号", "no", "no."),  # a row number: the ref only when there is no 编号
    "received": ("留言时间", "收到时间", "提交时间", "接收时间", "received", "receivedat"),
    "due": ("办理时限", "应办结时间", "截止时间", "到期时间", "due", "dueat"),
    "handled": ("办结时间", "处理时间", "办理完成时间", "反馈时间", "handled", "handledat"),
}  # fmt: skip
_REQUIRED = ("site", "received", "handled")
# Headers of what a later export of the same message may fill in or change: left out of the
# hash that stands for a missing 编号.
_CHANGING = ("状态", "回复", "答复", "反馈", "办理", "处理", "办结", "结果", "时限", "截止", "到期",
             "status", "reply", "result", "handled", "due")  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class ZhaocuoRow:
    """One message of the export, checked (``storage.zhaocuo.ZhaocuoReport``)."""

    line: int  # the row's number in the file (the file's first row is 1)
    site_id: str
    ref: str  # the platform's number, else "row-" and a hash of the row
    received: date  # Asia/Shanghai days
    due: date | None
    handled: date | None  # None: not handled yet


def read_zhaocuo_rows(path: Path, sites: Sequence[Site], *, today: date) -> tuple[ZhaocuoRow, ...]:
    """The file's messages, checked: ``ImportFileError`` (a ``ConfigError``) lists every
    problem by row and column, and nothing is returned unless every row is good. ``today``
    is the Asia/Shanghai day: nothing is received or handled after it."""
    records = read_records(path, max_bytes=MAX_FILE_BYTES)
    if all(blank(r) for r in records):
        raise ImportFileError(
            f"{path}: the file is empty — export the messages with a header row "
            "(网站名称, 留言时间, 办结时间, …)"
        )
    start, columns = find_header(path, records, _COLUMNS, required=_REQUIRED, within=_HEADER_WITHIN)
    header = [cell_text(records[start], i) for i in range(len(records[start]))]
    reading = _Reading(header, columns, sites, today)
    for line, record in enumerate(records[start + 1 :], start=start + 2):
        reading.read(line, record)
    if reading.problems:
        refuse(path, reading.problems)
    if not reading.rows:
        raise ImportFileError(f"{path}: the file lists no message — only its header row")
    return tuple(reading.rows)


class _Reading:
    """The rows read so far and the problems found."""

    def __init__(
        self,
        header: Sequence[str],
        columns: dict[str, int],
        sites: Sequence[Site],
        today: date,
    ) -> None:
        self.header = header
        self.columns = columns
        self.today = today
        self.rows: list[ZhaocuoRow] = []
        self.problems: list[str] = []
        self._seen: dict[tuple[str, str], int] = {}  # (site id, ref) -> line
        self._sites = sites
        self._by_key: dict[str, list[Site]] = {}
        for site in sites:
            for key in {site.id, site.name, site.site_code}:
                if key:
                    self._by_key.setdefault(key, []).append(site)
        changing = [i for i, h in enumerate(header) if any(w in h.lower() for w in _CHANGING)]
        self._left_out = {columns[c] for c in ("handled", "due") if c in columns} | set(changing)

    def read(self, line: int, record: Sequence[Any]) -> None:
        if blank(record):
            return
        where = f"row {line}"
        problems = len(self.problems)
        site = self._site(where, cell_text(record, self.columns["site"]))
        received = self._day(where, record, "received")
        due = self._day(where, record, "due")
        handled = self._day(where, record, "handled")
        if received is not None:
            if received > self.today:
                self._problem(where, "received", record, f"after today ({self.today})")
            for name, day in (("due", due), ("handled", handled)):
                if day is not None and day < received:
                    self._problem(
                        where, name, record, f"before the day received ({received.isoformat()})"
                    )
        if handled is not None and handled > self.today:
            self._problem(where, "handled", record, f"after today ({self.today})")
        ref = self._ref(where, record)
        if site is None or received is None or len(self.problems) > problems:
            return
        ref = ref or _content_ref(site.id, received, record, self._left_out)
        if (earlier := self._seen.get((site.id, ref))) is not None:
            self.problems.append(
                f"{where}: message {ref!r} of site {site.id} is listed twice (row {earlier} "
                "too) — keep one row per message"
            )
            return
        self._seen[(site.id, ref)] = line
        self.rows.append(
            ZhaocuoRow(
                line=line, site_id=site.id, ref=ref, received=received, due=due, handled=handled
            )
        )

    def _column(self, name: str) -> str:
        return self.header[self.columns[name]] or name

    def _problem(self, where: str, name: str, record: Sequence[Any], what: str) -> None:
        text = cell_text(record, self.columns[name])
        self.problems.append(f"{where}: column {self._column(name)}: {text!r} is {what}")

    def _site(self, where: str, text: str) -> Site | None:
        column = self._column("site")
        if not text:
            self.problems.append(
                f"{where}: column {column}: the site is empty — give a site's id, name or "
                "网站标识码"
            )
            return None
        named = self._by_key.get(text, [])
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            ids = ", ".join(s.id for s in named)
            self.problems.append(
                f"{where}: column {column}: several sites are named {text!r} ({ids}) — give "
                "the id or the 网站标识码"
            )
            return None
        known = [s.id for s in self._sites]
        listed = ", ".join(known[:_SITES_NAMED]) + (
            f", … ({len(known)} in all)" if len(known) > _SITES_NAMED else ""
        )
        self.problems.append(
            f"{where}: column {column}: no site {text!r} in the targets file — use a site's id, "
            f"name or 网站标识码 (its sites: {listed or 'none'})"
        )
        return None

    def _day(self, where: str, record: Sequence[Any], name: str) -> date | None:
        index = self.columns.get(name)
        if index is None or not cell_text(record, index):
            if name == "received" and index is not None:
                self.problems.append(
                    f"{where}: column {self._column(name)}: the day received is empty"
                )
            return None
        moment = parse_moment(cell_value(record, index))
        if moment is None:
            self._problem(
                where, name, record, "not a date — use YYYY-MM-DD (or 2022/4/1, 2022年4月1日)"
            )
            return None
        return moment.astimezone(SHANGHAI).date()

    def _ref(self, where: str, record: Sequence[Any]) -> str | None:
        for name in ("ref", "serial"):
            value = cell_value(record, self.columns.get(name))
            if isinstance(value, float) and value.is_integer():
                value = int(value)  # an XLSX number cell: 1024, as the CSV has it, not 1024.0
            if text := ("" if value is None else str(value).strip()):
                if len(text) > _REF_CHARS:
                    self.problems.append(
                        f"{where}: column {self._column(name)}: the number is longer than "
                        f"{_REF_CHARS} characters — is it the right column?"
                    )
                    return None
                return text
        return None


def _content_ref(site_id: str, received: date, record: Sequence[Any], left_out: set[int]) -> str:
    """A reference for a row without a number: a short SHA-256 of its site, day received and
    its cells but those a later export may fill in or change."""
    cells = [cell_text(record, i) for i in range(len(record)) if i not in left_out]
    while cells and not cells[-1]:
        cells.pop()  # CSV and XLSX differ in trailing empty cells
    text = "\x1f".join([site_id, received.isoformat(), *cells])
    return "row-" + hashlib.sha256(text.encode()).hexdigest()[:16]

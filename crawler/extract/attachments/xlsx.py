"""The XLSX reader: each row with a value as ``工作表“NAME”第N行``, read by openpyxl one row at
a time under the clock, at most ``max_rows`` rows. A workbook is not opened when the parts
openpyxl parses whole before the first row (shared strings, styles) would outlast the time.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from datetime import time as day_time
from typing import Any

import openpyxl

from crawler.extract.attachments.text import AttachmentText, _Parts
from crawler.extract.attachments.zipcheck import _CHUNK_BYTES

# openpyxl parses a workbook's shared strings and styles whole before the first row, at
# ~0.8–1.4 s per MiB (2026 laptop): at most this many bytes per second of the time allowed.
_OPENPYXL_WHOLE_BYTES_PER_S = 400 * 1024
_WORKSHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml$")
_SHEET_HEAD_BYTES = 2**16


def _read_xlsx(body: bytes, parts: _Parts, *, max_rows: int) -> AttachmentText:
    """The rows, read by openpyxl (which opens the zip anew: it takes no ZipFile)."""
    workbook = openpyxl.load_workbook(
        io.BytesIO(body), read_only=True, data_only=True, keep_links=False
    )
    try:
        _xlsx_parts(workbook.worksheets, parts, max_rows=max_rows)
    finally:
        workbook.close()
    return parts.result("xlsx")


def _xlsx_refusal(archive: zipfile.ZipFile, *, timeout_s: float) -> str | None:
    """Why openpyxl is not to open the workbook: the parts it parses whole before the first
    row (shared strings, styles, workbook, a sheet without ``<dimension>``), which no clock
    can interrupt, would take longer than the time allowed."""
    whole_bytes = 0
    for info in archive.infolist():
        if not info.filename.endswith((".xml", ".rels")):
            continue
        if _WORKSHEET_PART.match(info.filename) and _declares_its_size(archive, info.filename):
            continue  # streamed row by row under the clock
        whole_bytes += info.file_size
    budget_bytes = int(timeout_s * _OPENPYXL_WHOLE_BYTES_PER_S)
    if whole_bytes <= budget_bytes:
        return None
    return f"工作簿的共享字符串、样式等部分超过{budget_bytes // 1024}KB,无法在时限内读取,未检查"


def _declares_its_size(archive: zipfile.ZipFile, name: str) -> bool:
    """Whether the worksheet has ``<dimension>`` before its data (openpyxl otherwise parses
    the whole sheet to find its size)."""
    head = b""
    with archive.open(name) as member:
        while len(head) < _SHEET_HEAD_BYTES and (chunk := member.read(_CHUNK_BYTES)):
            head += chunk
    data = head.find(b"sheetData")
    return b"dimension " in head[: data if data != -1 else len(head)]


def _xlsx_parts(sheets: Iterable[Any], parts: _Parts, *, max_rows: int) -> None:
    """Each row with a value as ``工作表“NAME”第N行``, its non-empty cells joined by tabs."""
    rows = 0
    for sheet in sheets:
        if not hasattr(sheet, "reset_dimensions"):
            continue  # a chart sheet
        # A declared size ("A1:XFD1048576") would pad every row and add empty ones to the end.
        sheet.reset_dimensions()
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            parts.check_clock()
            row = "\t".join(_cell_text(value) for value in values if value not in (None, ""))
            if not row.strip():
                continue
            if rows >= max_rows:
                parts.cut = f"超过行数上限,只检查了前{max_rows}行"
                return
            rows += 1
            parts.progress = f"前{rows}行"
            if not parts.add(f"工作表“{sheet.title}”第{number}行", row):
                return


def _cell_text(value: object) -> str:
    """A cell as shown: whole floats without ``.0`` (a phone number typed as a number)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, datetime | date | day_time):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return str(value).replace("\t", " ")

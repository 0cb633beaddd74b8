"""Tables a person exports and we import (``crawl import posts``, ``crawl import zhaocuo``).

A file is CSV (UTF-8 with or without BOM, else GB18030, which covers GBK and GB2312) or XLSX
(its first sheet). Its records are read whole here; a header row names the columns, matched
in Chinese or English whatever the case, spaces or underscores. The importers check every
row, collect each problem by row number and, when there is any, refuse the file whole with
``refuse``: the person fixes the file and imports it once, completely.

Errors::

    ConfigError (crawler.config)
    └── ImportFileError    the file cannot be imported; the message lists what to fix
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, NoReturn

from crawler.config import ConfigError
from rules.model import SHANGHAI

__all__ = [
    "MAX_PROBLEMS",
    "ImportFileError",
    "blank",
    "cell_text",
    "cell_value",
    "find_columns",
    "find_header",
    "parse_moment",
    "read_records",
    "refuse",
]

MAX_PROBLEMS = 20  # listed in the error; the rest counted
_DATE = re.compile(
    r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:(?:[\sT]+|(?<=日))(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?\s*[分秒]?)?\s*$"
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an old .xls (or .doc) compound file


class ImportFileError(ConfigError):
    """The file cannot be imported; the message lists what to fix, by row."""


def read_records(path: Path, *, max_bytes: int | None = None) -> list[list[Any]]:
    """Every record of the file, in order; cells are text (CSV) or the cell's
    value (XLSX: text, numbers, datetimes, None). Refuses a file over ``max_bytes``, one that
    is neither CSV text nor an XLSX workbook, and one that cannot be read."""
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise ImportFileError(
                f"{path}: {size / 2**20:.1f} MiB, more than the {max_bytes / 2**20:.0f} MiB an "
                "import reads — split the export (by quarter, say) and import each part"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    if path.suffix.lower() in (".xlsx", ".xlsm") or data[:4] == b"PK\x03\x04":
        return _xlsx_records(path, data)
    if data.startswith(_OLE2):
        raise ImportFileError(
            f"{path}: an old Excel .xls (or Word) file — open it in Excel or WPS and save it as "
            ".xlsx or UTF-8 CSV"
        )
    if b"\x00" in data:
        raise ImportFileError(
            f"{path}: a binary file, not a table — export the data as XLSX or CSV"
        )
    for codec in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        try:
            return list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as exc:
            raise ImportFileError(f"{path}: not a readable CSV table ({exc})") from exc
    raise ImportFileError(f"{path}: neither UTF-8 nor GB18030 text — save it as UTF-8 CSV or XLSX")


def _xlsx_records(path: Path, data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise ImportFileError(
            f"{path}: not a readable XLSX workbook ({exc.__class__.__name__}: {exc}) — "
            "open it in Excel or WPS and save it as .xlsx, or export it as CSV"
        ) from exc
    try:
        if not book.worksheets:
            raise ImportFileError(f"{path}: the workbook has no sheet")
        return [list(values) for values in book.worksheets[0].iter_rows(values_only=True)]
    except ImportFileError:
        raise
    except Exception as exc:  # a damaged sheet fails only when its rows are read
        raise ImportFileError(
            f"{path}: the workbook's first sheet cannot be read ({exc.__class__.__name__}: "
            f"{exc}) — save it again as .xlsx, or export it as CSV"
        ) from exc
    finally:
        book.close()


def _normal(text: object) -> str:
    return re.sub(r"[\s_]+", "", str(text or "")).lower()


def find_columns(
    path: Path,
    header: Sequence[Any],
    columns: Mapping[str, Sequence[str]],
    *,
    required: Sequence[str],
    names_shown: int | None = None,
) -> dict[str, int]:
    """Each column's index in ``header``: the leftmost cell naming it, by any of its names
    (lower case, no spaces or underscores). Refuses a header without the ``required`` ones,
    saying which names they take (``names_shown`` of each; all when None)."""
    found = _match(header, columns)
    if missing := [c for c in required if c not in found]:
        _refuse_header(path, header, columns, missing, names_shown)
    return found


def find_header(
    path: Path,
    records: Sequence[Sequence[Any]],
    columns: Mapping[str, Sequence[str]],
    *,
    required: Sequence[str],
    within: int = 1,
    names_shown: int | None = None,
) -> tuple[int, dict[str, int]]:
    """The header row among the first ``within`` records (an export may put a title row or
    two above it): the first naming every ``required`` column. Returns its index in
    ``records`` and its columns; refuses the file when no row does, saying what the first
    non-blank row lacks (``find_columns``)."""
    window = records[:within]
    for index, record in enumerate(window):
        found = _match(record, columns)
        if all(c in found for c in required):
            return index, found
    first = next((r for r in window if not blank(r)), window[0])
    missing = [c for c in required if c not in _match(first, columns)]
    _refuse_header(path, first, columns, missing, names_shown)


def _refuse_header(
    path: Path,
    header: Sequence[Any],
    columns: Mapping[str, Sequence[str]],
    missing: Sequence[str],
    names_shown: int | None,
) -> NoReturn:
    expected = "; ".join(f"{c}: {' / '.join(columns[c][:names_shown])}" for c in missing)
    raise ImportFileError(
        f"{path}: the header row names no column for {', '.join(missing)} — name them "
        f"({expected}); the header read: {[str(h) for h in header]}"
    )


def _match(header: Sequence[Any], columns: Mapping[str, Sequence[str]]) -> dict[str, int]:
    found: dict[str, int] = {}
    names = [_normal(cell) for cell in header]
    for column, words in columns.items():
        for index, name in enumerate(names):
            if name in words and column not in found:
                found[column] = index
    return found


def blank(record: Sequence[Any]) -> bool:
    """Whether every cell of the record is empty (or spaces)."""
    return not any(cell_text(record, i) for i in range(len(record)))


def cell_text(record: Sequence[Any], index: int | None) -> str:
    """The cell's text, stripped; "" for a missing column or an empty cell."""
    if index is None or index >= len(record):
        return ""
    value = record[index]
    return "" if value is None else str(value).strip()


def cell_value(record: Sequence[Any], index: int | None) -> Any:
    """The cell as read (an XLSX datetime stays one); None for a missing column."""
    if index is None or index >= len(record):
        return None
    return record[index]


def parse_moment(value: Any) -> datetime | None:
    """A cell as an aware moment, or None when it is no date: an XLSX date or datetime cell,
    or text such as 2022-04-01, 2022/4/1, 2022年4月1日, with an optional time (09:30,
    9时30分), or ISO 8601. A time without a zone is Asia/Shanghai's."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=SHANGHAI)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=SHANGHAI)
    text = "" if value is None else str(value).strip()
    if match := _DATE.match(text):
        year, month, day, hour, minute, second = match.groups()
        try:
            return datetime(
                int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                int(second or 0), tzinfo=SHANGHAI,
            )  # fmt: skip
        except ValueError:
            return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


def refuse(path: Path, problems: Sequence[str]) -> NoReturn:
    """Refuse the file whole: the first ``MAX_PROBLEMS`` problems listed, the rest counted."""
    shown = problems[:MAX_PROBLEMS]
    more = len(problems) - len(shown)
    raise ImportFileError(
        f"{path}: {len(problems)} problem(s), nothing imported — fix them and import again:\n"
        + "\n".join(f"  {p}" for p in shown)
        + (f"\n  … and {more} more" if more else "")
    )

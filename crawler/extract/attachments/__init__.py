"""Attachments: the text of a PDF, DOCX or XLSX, bounded, and the personal numbers in it.

Government pages link their 公示 lists (低保, 招聘, 补贴名单) as attachments, and those lists
are where 身份证号 and mobile numbers leak. This package is pure: bytes in, values out.

- ``attachment_kind`` names what the bytes are: magic bytes first (``%PDF-``; a zip holding
  ``word/`` or ``xl/``; an OLE container, named ``doc`` or ``xls`` by its type or extension),
  then the content type, then the URL's extension.
- ``read_attachment`` reads the text as parts, each with where a reader finds it: ``第3页``
  (a PDF page), ``第12段`` / ``表格1第4行`` (DOCX), ``工作表“名单”第17行`` (XLSX). A file
  that cannot be read says why (``reason``, in Chinese) instead of raising.
- ``personal_data_in`` runs ``personal.find_personal_data`` on each part: masked numbers,
  each with its part's place.

Limits, so that no file can hang the crawl or fill its memory:

- **Time**: ``timeout_s`` (10 s) for the whole reading. The parsers are pure Python and a
  thread cannot be killed, so the time is checked between PDF pages, before each operator of
  a page's content stream (pypdf's ``visitor_operand_before``), every few thousand XML events
  and every spreadsheet row.
- **Size**: ``max_pages`` PDF pages (50), ``max_chars`` characters of text (2 000 000),
  ``MAX_ROWS`` spreadsheet rows (100 000, empty rows not counted).
- **Zip bombs** (DOCX, XLSX): before any member is inflated, every member's declared size
  must stay under ``max_unzipped_bytes`` (50 MiB) and, past 1 MiB, under 200 times its
  compressed size; the XML parts a reader reads (``*.xml``, ``*.rels``) must stay under
  ``max_unzipped_bytes`` together. Images and embedded files are never inflated and do not
  count. The document part is inflated 64 KiB at a time and never past that limit, so a size
  the zip lies about changes nothing. Only the parts needed are opened, however many members
  the zip lists.
- **openpyxl** parses a workbook's shared strings and styles whole before it gives the first
  row (and a whole sheet that lacks ``<dimension>``), where no clock reaches: those parts
  may hold at most 400 KB per second of ``timeout_s`` (4 MB at 10 s; it reads about 1 MB a
  second), else the workbook is not read. Rows then come one at a time under the clock.
- **PDF**: pypdf's own limits (stream sizes, page tree depth and loops) and every error it
  raises, ``RecursionError`` among them, end the reading with a reason. Encrypted files are
  tried with the empty password (the usual "open without password, print disallowed").
- **XML**: a DOCX part declaring a DTD is not read (OOXML never has one).

``AttachmentText.parts`` holds the text as published, numbers whole: ``personal_data_in``
needs them. It is a value to pass along in memory, never to store or log (it is left out of
``repr``); ``AttachmentFinding`` keeps only masked numbers and masked snippets.

Warnings the readers emit (openpyxl's "no default style") are silenced while they run
(``warnings.catch_warnings``). The filters are process-wide: readers run at once in several
threads may restore them out of order and leave warnings silenced (or shown) for a while.

- ``kind``: ``attachment_kind``, from magic bytes, content type and extension
- ``text``: ``AttachmentText`` and the parts read under the character and time limits
- ``zipcheck``: a DOCX's or XLSX's zip directory checked before anything is inflated
- ``pdf``, ``docx``, ``xlsx``: one reader per format
- ``findings``: ``AttachmentFinding`` and ``personal_data_in``
"""

from __future__ import annotations

import io
import warnings
import zipfile
from time import monotonic

from crawler.extract.attachments.docx import _read_docx
from crawler.extract.attachments.findings import MAX_FINDINGS, AttachmentFinding, personal_data_in
from crawler.extract.attachments.kind import _ENCRYPTED_PACKAGE, _OLE_MAGIC, attachment_kind
from crawler.extract.attachments.pdf import _read_pdf
from crawler.extract.attachments.text import (
    _BROKEN,
    _ENCRYPTED,
    AttachmentText,
    _OutOfTimeError,
    _Parts,
)
from crawler.extract.attachments.xlsx import _read_xlsx, _xlsx_refusal
from crawler.extract.attachments.zipcheck import _zip_refusal

__all__ = [
    "MAX_FINDINGS",
    "MAX_ROWS",
    "AttachmentFinding",
    "AttachmentText",
    "attachment_kind",
    "personal_data_in",
    "read_attachment",
]

MAX_ROWS = 100_000
"""Spreadsheet rows with a value read at most, over all the sheets."""

_NOT_CHECKED_OLE = "旧版Office文档(.doc/.xls)暂无可靠的读取程序,未检查"
_NOT_CHECKED_KIND = "不是可检查的附件类型(PDF、DOCX、XLSX),未检查"
_EMPTY = "文件为空,未检查"


def read_attachment(
    body: bytes,
    kind: str,
    *,
    max_pages: int = 50,
    max_chars: int = 2_000_000,
    max_unzipped_bytes: int = 50 * 2**20,
    timeout_s: float = 10.0,
) -> AttachmentText:
    """The text of ``body`` read as ``kind`` (from ``attachment_kind``), within the limits.

    Never raises: a file that cannot be read comes back ``checked=False`` with its reason.
    """
    if kind not in ("pdf", "docx", "xlsx", "doc", "xls"):
        return AttachmentText(kind="unknown", checked=False, reason=_NOT_CHECKED_KIND)
    if not body:
        return AttachmentText(kind=kind, checked=False, reason=_EMPTY)
    if body.startswith(_OLE_MAGIC) or kind in ("doc", "xls"):
        reason = _ENCRYPTED if _ENCRYPTED_PACKAGE in body else _NOT_CHECKED_OLE
        return AttachmentText(kind=kind, checked=False, reason=reason)
    parts = _Parts(max_chars=max_chars, timeout_s=timeout_s, clock=monotonic)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if kind == "pdf":
                return _read_pdf(body, parts, max_pages=max_pages)
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                refusal = _zip_refusal(archive, max_unzipped_bytes=max_unzipped_bytes)
                if refusal is None and kind == "xlsx":
                    refusal = _xlsx_refusal(archive, timeout_s=timeout_s)
                if refusal is not None:
                    return AttachmentText(kind=kind, checked=False, reason=refusal)
                if kind == "docx":
                    return _read_docx(archive, parts, max_unzipped_bytes=max_unzipped_bytes)
            return _read_xlsx(body, parts, max_rows=MAX_ROWS)
    except _OutOfTimeError:
        return parts.result(kind)
    except Exception:  # pypdf, openpyxl, zipfile and expat raise anything
        return AttachmentText(kind=kind, checked=False, reason=_BROKEN)

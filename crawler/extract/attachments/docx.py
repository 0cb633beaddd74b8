"""The DOCX reader: ``word/document.xml`` streamed, body paragraphs as ``第N段`` and table
rows as ``表格M第N行``; a part declaring a DTD is not read.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

from crawler.extract.attachments.text import AttachmentText, _Parts
from crawler.extract.attachments.zipcheck import _read_member, _too_big

_EVENTS_PER_CLOCK_CHECK = 2_000
_W_NAMESPACES = frozenset(
    {
        "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        "http://purl.oclc.org/ooxml/wordprocessingml/main",  # Strict OOXML
    }
)
_TEXT_NAMESPACES = _W_NAMESPACES | {
    "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "http://purl.oclc.org/ooxml/officeDocument/math",
}
_DOCUMENT_PART = "word/document.xml"
_ROOT_ELEMENT = re.compile(rb"<[A-Za-z_]")

_HAS_DTD = "文档含有DTD声明,未检查"
_NO_DOCUMENT_PART = "不是有效的Word文档(缺少word/document.xml),未检查"


@dataclass(slots=True)
class _Table:
    number: int
    rows: int = 0
    cells: list[str] = field(default_factory=list)  # the current row's cells
    cell: list[str] = field(default_factory=list)  # the current cell's paragraphs


def _read_docx(
    archive: zipfile.ZipFile, parts: _Parts, *, max_unzipped_bytes: int
) -> AttachmentText:
    if _DOCUMENT_PART not in archive.NameToInfo:
        return AttachmentText(kind="docx", checked=False, reason=_NO_DOCUMENT_PART)
    xml = _read_member(archive, _DOCUMENT_PART, limit=max_unzipped_bytes)
    if xml is None:
        return AttachmentText(kind="docx", checked=False, reason=_too_big(max_unzipped_bytes))
    root = _ROOT_ELEMENT.search(xml)
    if b"<!DOCTYPE" in xml[: root.start() if root else len(xml)]:
        return AttachmentText(kind="docx", checked=False, reason=_HAS_DTD)
    _docx_parts(xml, parts)
    return parts.result("docx")


def _docx_parts(xml: bytes, parts: _Parts) -> None:
    """Body paragraphs as ``第N段`` (non-empty ones counted), table rows as ``表格M第N行``
    (cells joined by tabs; nested tables numbered in document order)."""
    paragraphs = tables = 0
    open_paragraphs: list[list[str]] = []  # a text box's paragraphs sit inside a paragraph
    open_tables: list[_Table] = []
    in_fallback = 0  # mc:Fallback repeats its mc:Choice (a text box twice): read once
    # S314: no DTD (refused above), so no entities to expand; expat caps amplification anyway.
    events = ElementTree.iterparse(io.BytesIO(xml), events=("start", "end"))  # noqa: S314
    for count, (event, element) in enumerate(events):
        if count % _EVENTS_PER_CLOCK_CHECK == 0:
            parts.check_clock()
        namespace, _, name = element.tag[1:].rpartition("}")
        if name == "Fallback":
            in_fallback += 1 if event == "start" else -1
            continue
        if namespace not in _TEXT_NAMESPACES or in_fallback:
            continue
        if event == "start":
            if namespace not in _W_NAMESPACES:
                continue
            if name == "p":
                open_paragraphs.append([])
            elif name == "tbl":
                tables += 1
                open_tables.append(_Table(number=tables))
            elif name == "tr" and open_tables:
                open_tables[-1].rows += 1
                open_tables[-1].cells = []
            elif name == "tc" and open_tables:
                open_tables[-1].cell = []
            continue
        if name == "t" and open_paragraphs:
            open_paragraphs[-1].append(element.text or "")
        elif name in ("tab", "br", "cr") and open_paragraphs:
            open_paragraphs[-1].append(" ")
        elif namespace not in _W_NAMESPACES:
            continue
        elif name == "p" and open_paragraphs:
            text = "".join(open_paragraphs.pop()).strip()
            element.clear()
            if open_paragraphs:
                open_paragraphs[-1].append(f" {text} ")
            elif open_tables:
                open_tables[-1].cell.append(text)
            elif text:
                paragraphs += 1
                if not parts.add(f"第{paragraphs}段", text):
                    return
        elif name == "tc" and open_tables:
            table = open_tables[-1]
            table.cells.append(" ".join(piece for piece in table.cell if piece))
        elif name == "tr" and open_tables:
            table = open_tables[-1]
            element.clear()
            row = "\t".join(cell for cell in table.cells if cell)
            if not parts.add(f"表格{table.number}第{table.rows}行", row):
                return
        elif name == "tbl" and open_tables:
            open_tables.pop()

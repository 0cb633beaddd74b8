"""The PDF reader: each page's text as ``第N页``, at most ``max_pages`` pages, the clock
checked between pages and before each operator of a page's content stream. Encrypted files
are tried with the empty password.
"""

from __future__ import annotations

import io

from pypdf import PdfReader

from crawler.extract.attachments.text import _BROKEN, _ENCRYPTED, AttachmentText, _Parts

_NO_TEXT_LAYER = "无文字层(可能为扫描件),未能检查"
_NO_PAGES = "文件没有页面,未检查"


def _read_pdf(body: bytes, parts: _Parts, *, max_pages: int) -> AttachmentText:
    if b"%PDF-" not in body[:1024]:
        return AttachmentText(kind="pdf", checked=False, reason=_BROKEN)
    reader = PdfReader(io.BytesIO(body), strict=False)
    if reader.is_encrypted and not _opened_without_password(reader):
        return AttachmentText(kind="pdf", checked=False, reason=_ENCRYPTED)
    page_count = len(reader.pages)  # pypdf refuses page trees that loop or run too deep
    if page_count == 0:
        return AttachmentText(kind="pdf", checked=False, reason=_NO_PAGES)
    if page_count > max_pages:
        parts.cut = f"超过页数上限,只检查了前{max_pages}页"
    for index in range(min(page_count, max_pages)):
        parts.progress = f"前{index}页"
        parts.check_clock()
        text = reader.pages[index].extract_text(visitor_operand_before=parts.check_clock)
        if not parts.add(f"第{index + 1}页", text):
            break
    return parts.result("pdf", empty_reason=_NO_TEXT_LAYER)


def _opened_without_password(reader: PdfReader) -> bool:
    try:
        return bool(reader.decrypt(""))
    except Exception:  # AES needs `cryptography`: unreadable all the same
        return False

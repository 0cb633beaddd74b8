"""What an attachment is: magic bytes first (``%PDF-``; a zip holding ``word/`` or ``xl/``;
an OLE container, named ``doc`` or ``xls`` by its type or extension), then the content type,
then the URL's extension.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = ["attachment_kind"]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")  # a password-protected DOCX/XLSX
# The name of a zip member: 30 bytes after a local header's signature, 46 after a central one.
_ZIP_NAME = re.compile(rb"PK\x03\x04.{26}(word|xl)/|PK\x01\x02.{42}(word|xl)/", re.DOTALL)
_CONTENT_TYPES = {
    "application/pdf": "pdf",
    "application/x-pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-works": "doc",
    "application/kswps": "doc",
    "application/wps-office.doc": "doc",
    "application/wps-office.xls": "xls",
}
_EXTENSIONS = {"pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "doc": "doc", "wps": "doc"}
_EXTENSIONS |= {"xls": "xls", "et": "xls"}
_EXTENSION = re.compile(r"\.([A-Za-z]{2,4})$")
_WORD_FAMILY = frozenset({"doc", "docx"})
_EXCEL_FAMILY = frozenset({"xls", "xlsx"})


def attachment_kind(url: str, content_type: str | None, head: bytes) -> str:
    """What the attachment is: ``pdf``, ``docx``, ``xlsx``, ``doc``, ``xls`` or ``unknown``.

    ``head`` is the start of the body (a few KiB are enough; the whole body does too).
    """
    claimed = _claimed_kind(url, content_type)
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(_ZIP_MAGIC):
        found = _ZIP_NAME.search(head)
        if found is not None:
            return "docx" if b"word" in (found.group(1) or found.group(2)) else "xlsx"
        return claimed if claimed in ("docx", "xlsx") else "unknown"
    if head.startswith(_OLE_MAGIC):
        if claimed in _WORD_FAMILY:
            return "doc"
        if claimed in _EXCEL_FAMILY:
            return "xls"
        return "unknown"
    return claimed


def _claimed_kind(url: str, content_type: str | None) -> str:
    """The kind the content type names, else the URL's extension (path, then a query value
    such as ``downfile.jsp?filename=名单.xls``), else ``unknown``."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type in _CONTENT_TYPES:
        return _CONTENT_TYPES[media_type]
    split = urlsplit(url)
    candidates = [split.path, *re.split(r"[&=]", split.query)]
    for candidate in candidates:
        found = _EXTENSION.search(candidate.strip())
        if found is not None and found.group(1).lower() in _EXTENSIONS:
            return _EXTENSIONS[found.group(1).lower()]
    return "unknown"

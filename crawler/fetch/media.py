"""Whether a response is a document we can read: the Content-Type and the first bytes.

HTML and XHTML are what we inspect; XML (feeds) and JSON (platform APIs) are read by other
parts of the crawler and pass too. A type that clearly is not a document (images, PDF,
office files, archives) or a body that starts like a binary file is ``not_html``. A
missing, generic or ``text/plain`` type is judged by the body: markup passes.
"""

from __future__ import annotations

SNIFF_BYTES = 1024

_DOCUMENT_TYPES = frozenset(
    {"text/html", "application/xhtml+xml", "text/xml", "application/xml", "application/json"}
)
_NOT_DOCUMENT_PREFIXES = ("image/", "audio/", "video/", "font/", "model/", "application/vnd.")
_NOT_DOCUMENT_TYPES = frozenset(
    {
        "application/pdf",
        "application/zip",
        "application/gzip",
        "application/x-gzip",
        "application/x-rar-compressed",
        "application/x-7z-compressed",
        "application/x-tar",
        "application/msword",
        "application/rtf",
        "application/x-shockwave-flash",
        "application/javascript",
        "application/x-javascript",
        "text/javascript",
        "text/css",
        "text/csv",
    }
)
_BINARY_MAGIC = (
    b"%PDF-",
    b"PK\x03\x04",
    b"\x89PNG",
    b"GIF87a",
    b"GIF89a",
    b"\xff\xd8\xff",  # JPEG
    b"\xd0\xcf\x11\xe0",  # OLE: .doc, .xls, .ppt
    b"Rar!",
    b"7z\xbc\xaf",
    b"\x1f\x8b",  # gzip
    b"{\\rtf",
    b"ID3",
    b"OggS",
)
_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff")


def parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """``(mime type, charset)`` of a Content-Type header value, lower-cased; None when absent."""
    if not value:
        return None, None
    mime, *params = value.split(";")
    charset = None
    for param in params:
        key, sep, raw = param.partition("=")
        if sep and key.strip().lower() == "charset":
            charset = raw.strip().strip("\"'").strip().lower() or None
    return (mime.strip().lower() or None), charset


def content_type_not_document(content_type: str | None) -> str | None:
    """Why the Content-Type alone rules the response out, or None when the body must tell."""
    mime, _ = parse_content_type(content_type)
    if mime is not None and _clearly_not_document(mime):
        return f"content type {mime} is not HTML"
    return None


def not_document_reason(content_type: str | None, head: bytes) -> str | None:
    """Why a response is not a readable document, or None when it is.

    ``head`` is the first bytes of the body (``SNIFF_BYTES`` are enough).
    """
    by_type = content_type_not_document(content_type)
    if by_type is not None:
        return by_type
    mime, _ = parse_content_type(content_type)
    magic = _binary_magic(head)
    if magic is not None:
        return f"body is binary ({magic!r} signature), not HTML"
    if b"\x00" in head and not head.startswith(_UTF16_32_BOMS):
        return "body is binary (NUL bytes), not HTML"
    if mime is None or not _is_document(mime):
        if not _looks_like_markup(head):
            shown = mime or "no content type"
            return f"{shown} and the body does not look like HTML"
    return None


def _clearly_not_document(mime: str) -> bool:
    return mime in _NOT_DOCUMENT_TYPES or mime.startswith(_NOT_DOCUMENT_PREFIXES)


def _is_document(mime: str) -> bool:
    return mime in _DOCUMENT_TYPES or mime.endswith(("+xml", "+json"))


def _binary_magic(head: bytes) -> bytes | None:
    for magic in _BINARY_MAGIC:
        if head.startswith(magic):
            return magic
    return None


def _looks_like_markup(head: bytes) -> bool:
    if head.startswith(_UTF16_32_BOMS):
        head = head[2:].replace(b"\x00", b"")
    stripped = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if stripped.startswith(b"<"):
        return True
    return any(tag in stripped for tag in (b"<html", b"<head", b"<body", b"<!doctype"))

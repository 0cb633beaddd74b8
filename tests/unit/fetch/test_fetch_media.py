"""Which responses are documents: Content-Type and body sniffing."""

from __future__ import annotations

import pytest

from crawler.fetch.media import not_document_reason, parse_content_type

HTML = b"<!DOCTYPE html><html><body>hi</body></html>"


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("text/html; charset=GB2312", ("text/html", "gb2312")),
        ('text/html;charset="utf-8"', ("text/html", "utf-8")),
        ("TEXT/HTML", ("text/html", None)),
        (None, (None, None)),
        ("", (None, None)),
    ],
)
def test_parse_content_type(value: str | None, parsed: tuple[str | None, str | None]) -> None:
    assert parse_content_type(value) == parsed


@pytest.mark.parametrize(
    ("content_type", "head"),
    [
        ("text/html", HTML),
        ("text/html; charset=utf-8", b""),
        ("application/xhtml+xml", HTML),
        ("application/rss+xml", b"<?xml version='1.0'?><rss/>"),
        ("application/json", b'{"a": 1}'),
        (None, HTML),
        ("application/octet-stream", b"  \r\n" + HTML),
        ("text/plain", b"\xef\xbb\xbf<html>"),
        (None, "<html>你好</html>".encode("utf-16")),
    ],
)
def test_documents_pass(content_type: str | None, head: bytes) -> None:
    assert not_document_reason(content_type, head) is None


@pytest.mark.parametrize(
    ("content_type", "head"),
    [
        ("application/pdf", HTML),
        ("image/png", b"\x89PNG\r\n"),
        ("application/vnd.ms-excel", b""),
        ("text/html", b"%PDF-1.4\n"),
        ("text/html", b"PK\x03\x04rest"),
        (None, b"\x00\x01\x02binary"),
        ("application/octet-stream", b"\x00\x00\x00\x18ftypmp42"),
        ("text/plain", b"just words, no markup"),
    ],
)
def test_non_documents_are_named(content_type: str | None, head: bytes) -> None:
    assert not_document_reason(content_type, head) is not None

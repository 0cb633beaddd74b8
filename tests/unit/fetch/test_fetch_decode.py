"""decode_html: BOMs, declarations that lie, GB characters gb2312 lacks, no declaration."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.fetch.decode import declared_codecs, decode_html, normalize_codec

RARE_GB = "朱镕基与王堃"  # 镕 and 堃 are in GBK/GB18030 but not in GB2312
PAGE = (
    "<html><head>{meta}<title>通知公告</title></head><body><ul>"
    "<li><a href='/a.html'>关于{rare}同志调研的通知</a><span>2024-05-01</span></li>"
    "<li><a href='/b.html'>2024年部门预算公开</a></li></ul></body></html>"
)
META_GB2312 = "<meta http-equiv='Content-Type' content='text/html; charset=gb2312'>"


def page(meta: str = "") -> str:
    return PAGE.format(meta=meta, rare=RARE_GB)


def test_python_gb2312_cannot_hold_the_rare_characters() -> None:
    with pytest.raises(UnicodeEncodeError):
        RARE_GB.encode("gb2312")


def test_gbk_bytes_declared_gb2312_in_header() -> None:
    text, encoding = decode_html(page().encode("gbk"), "text/html; charset=gb2312")
    assert encoding == "gb18030"
    assert RARE_GB in text
    assert "\ufffd" not in text


def test_gbk_bytes_declared_gb2312_in_meta_only() -> None:
    text, encoding = decode_html(page(META_GB2312).encode("gbk"), "text/html")
    assert encoding == "gb18030"
    assert text == page(META_GB2312)


def test_meta_charset_attribute() -> None:
    html = page('<meta charset="GBK">')
    assert decode_html(html.encode("gbk"), None) == (html, "gb18030")


def test_utf8_declared_gb2312_is_read_as_utf8() -> None:
    html = page(META_GB2312)
    assert decode_html(html.encode("utf-8"), "text/html; charset=gb2312") == (html, "utf-8")


def test_header_utf8_but_page_gbk_with_meta() -> None:
    html = page(META_GB2312)
    assert decode_html(html.encode("gbk"), "text/html; charset=utf-8") == (html, "gb18030")


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_bom_wins_over_declarations(bom: bytes, codec: str) -> None:
    html = page(META_GB2312)
    text, encoding = decode_html(bom + html.encode(codec), "text/html; charset=gb2312")
    assert (text, encoding) == (html, codec)


def test_no_declaration_gbk_is_detected() -> None:
    html = page()
    assert decode_html(html.encode("gbk"), None) == (html, "gb18030")


def test_no_declaration_short_gbk_snippet_prefers_gb18030() -> None:
    html = "<p>通知公告</p>"
    assert decode_html(html.encode("gbk"), "text/html") == (html, "gb18030")


def test_no_declaration_utf8() -> None:
    html = page()
    assert decode_html(html.encode("utf-8"), None) == (html, "utf-8")


def test_ascii_page_with_declaration() -> None:
    assert decode_html(b"<html>hello</html>", "text/html; charset=gb2312") == (
        "<html>hello</html>",
        "gb18030",
    )


def test_truncated_gb_page_uses_declared_codec_with_replacement() -> None:
    body = page(META_GB2312).encode("gbk") + "通".encode("gbk")[:1]
    text, encoding = decode_html(body, "text/html; charset=gb2312")
    assert encoding == "gb18030 (with replacement)"
    assert RARE_GB in text
    assert text.count("\ufffd") == 1


def test_xml_declaration_is_read() -> None:
    xml = "<?xml version='1.0' encoding='GB2312'?><rss><title>政务要闻 镕</title></rss>"
    assert decode_html(xml.encode("gbk"), "application/xml") == (xml, "gb18030")


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("gb2312", "gb18030"),
        ("GBK", "gb18030"),
        ("x-gbk", "gb18030"),
        ("cp936", "gb18030"),
        ("utf8", "utf-8"),
        ("UTF-16", "utf-8"),
        ("big5", "big5hkscs"),
        ("no-such-charset", None),
    ],
)
def test_normalize_codec(label: str, codec: str | None) -> None:
    assert normalize_codec(label) == codec


def test_declared_codecs_order_header_then_meta() -> None:
    body = page(META_GB2312).encode("gbk")
    assert declared_codecs(body, "text/html; charset=utf-8") == ["utf-8", "gb18030"]


@given(
    body=st.binary(max_size=2048),
    content_type=st.sampled_from(
        [
            None,
            "text/html",
            "text/html; charset=gb2312",
            "text/html; charset=utf-16",
            "text/html; charset=bogus",
        ]
    ),
)
def test_never_raises(body: bytes, content_type: str | None) -> None:
    text, encoding = decode_html(body, content_type)
    assert isinstance(text, str)
    assert encoding

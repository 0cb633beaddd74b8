"""The report's own Chinese text uses full-width punctuation (，：；（）) and half-width digits,
in every format; what the export brings (names, finding messages) is printed as it is."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook
from report_exports import account, export, finding, site
from selectolax.lexbor import LexborHTMLParser

from crawler.report import FORMATS, parse_export, render

CJK = "\u4e00-\u9fff"
# An ASCII , : ; ( ) next to a Chinese character.
ASCII_BY_CJK = re.compile(rf"[{CJK}][,:;()]|[,:;()][{CJK}]")
FULL_WIDTH_DIGIT = re.compile("[\uff10-\uff19]")


def _exported(value: Any) -> Iterator[str]:
    """Every text in the export that holds Chinese: names, messages, problems, labels."""
    if isinstance(value, str):
        if re.search(f"[{CJK}]", value):
            yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _exported(item)
    elif isinstance(value, list):
        for item in value:
            yield from _exported(item)


def _masked(text: str, exported: list[str]) -> str:
    """``text`` with what came from the export replaced by a Chinese placeholder, so that
    the punctuation the report put around it is still checked."""
    for value in exported:
        text = text.replace(value, "某")
    return text


def _texts(content: str | bytes, output_format: str) -> list[str]:
    if output_format == "md":
        assert isinstance(content, str)
        return content.splitlines()
    if output_format == "html":
        assert isinstance(content, str)
        tree = LexborHTMLParser(content)
        return [node.text() for node in tree.css("p, h1, h2, th, td, figcaption, title")]
    assert isinstance(content, bytes)
    if output_format == "docx":
        doc = Document(io.BytesIO(content))
        cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
        return [p.text for p in doc.paragraphs] + cells
    book = load_workbook(io.BytesIO(content))
    return [str(c.value) for s in book.worksheets for row in s.iter_rows() for c in row]


UNKNOWN = finding("site-unreachable", "首页无法访问(连接超时)", severity="unknown")
EXPORTS = {
    "the notice's quarter": export(),
    "failed, unknown and IPv6": export(
        sites=[
            site("a", "甲局", ipv6=True),
            site("b", "乙局", result="不合格", problems="站点无法访问", ipv6=False),
            site("c", "丙局", result="无法判定", findings=[UNKNOWN]),
            site("d", "丁局"),
        ],
        accounts=[account("e", "戊", "微博", score=95, weeks_below=1)],
    ),
    "no data": export(publishing=None, disclosure=None, accounts=[], sites=[]),
}


@pytest.mark.parametrize("output_format", FORMATS)
@pytest.mark.parametrize("name", EXPORTS)
def test_generated_text_uses_full_width_punctuation(name: str, output_format: str) -> None:
    document = EXPORTS[name]
    exported = sorted(set(_exported(document)), key=len, reverse=True)
    texts = _texts(render(parse_export(document), output_format, region="示范区"), output_format)
    assert texts
    for text in texts:
        masked = _masked(text, exported)
        assert not ASCII_BY_CJK.search(masked), text
        assert not FULL_WIDTH_DIGIT.search(text), text


def test_the_check_finds_ascii_punctuation() -> None:
    assert ASCII_BY_CJK.search("检查4个,检查率100%")
    assert ASCII_BY_CJK.search("其中:合格")
    assert ASCII_BY_CJK.search("不合格1个(乙局)")
    assert not ASCII_BY_CJK.search("检查4个，检查率100%；不合格1个（乙局）")
    # A message from the export keeps its own punctuation; the report's around it is checked.
    assert _masked("无法判定：首页无法访问(连接超时)", ["首页无法访问(连接超时)"]) == "无法判定：某"
    assert ASCII_BY_CJK.search(
        _masked("无法判定:首页无法访问(连接超时)", ["首页无法访问(连接超时)"])
    )

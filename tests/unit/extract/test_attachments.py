"""Attachments: the text of PDF, DOCX and XLSX files within limits, and the numbers in it.

Every file is made here: a PDF written object by object, a DOCX zipped by hand, an XLSX
written by openpyxl, zip bombs streamed through zlib, a page tree that loops.
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from collections.abc import Iterator
from datetime import date

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter

from crawler.extract import attachments
from crawler.extract.attachments import (
    AttachmentFinding,
    AttachmentText,
    attachment_kind,
    personal_data_in,
    read_attachment,
)

TODAY = date(2026, 12, 7)
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(first17: str) -> str:
    """A 身份证号 with the right GB 11643 check character."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


PEOPLE = [
    ("张三", id_number("41010219800101123"), "13812345678"),
    ("李四", id_number("11010519650315201"), "15987654321"),
    ("王五", id_number("44030619921120004"), "18611112222"),
]
CONTACT = "13900001111"
WHOLE_NUMBERS = [number for _, id_card, mobile in PEOPLE for number in (id_card, mobile)]
WHOLE_NUMBERS.append(CONTACT)


def masked_id(number: str) -> str:
    return number[:4] + "*" * 10 + number[-4:]


def masked_mobile(number: str) -> str:
    return number[:3] + "****" + number[-4:]


def assert_no_whole_number(*values: object) -> None:
    shown = repr(values)
    for number in WHOLE_NUMBERS:
        assert number not in shown


# --- fixtures: files made by hand ------------------------------------------------------------


def pdf_file(objects: list[bytes]) -> bytes:
    """A PDF of ``objects`` (object 1 the catalog), with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    out.write(trailer.encode())
    return out.getvalue()


def text_pdf(pages: list[list[str]]) -> bytes:
    """A PDF whose pages show these ASCII lines in Helvetica (Chinese would need CID fonts)."""
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, lines in enumerate(pages):
        shown = " ".join(f"({line}) Tj T*" for line in lines)
        stream = f"BT /F1 12 Tf 72 720 Td 14 TL {shown} ET".encode()
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            + f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>".encode()
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream")
    return pdf_file(objects)


LIST_PDF = text_pdf(
    [
        ["Subsidy list 2026", f"Contact {CONTACT}"],
        [f"1 Zhang {PEOPLE[0][1]} {PEOPLE[0][2]}", f"2 Li {PEOPLE[1][1]} {PEOPLE[1][2]}"],
        [f"3 Wang {PEOPLE[2][1]} {PEOPLE[2][2]}"],
    ]
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_file(body_xml: str, *, extra: dict[str, bytes] | None = None) -> bytes:
    """A DOCX with just the parts Word needs, ``body_xml`` inside ``<w:body>``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        archive.writestr(
            "word/document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}">'
            f"<w:body>{body_xml}</w:body></w:document>",
        )
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def paragraph(*runs: str) -> str:
    return "<w:p>" + "".join(f"<w:r><w:t>{run}</w:t></w:r>" for run in runs) + "</w:p>"


def table(rows: list[list[str]]) -> str:
    cells = (
        "<w:tr>" + "".join(f"<w:tc>{paragraph(cell)}</w:tc>" for cell in row) + "</w:tr>"
        for row in rows
    )
    return "<w:tbl>" + "".join(cells) + "</w:tbl>"


LIST_BODY = (
    paragraph("关于2026年低保对象的公示")
    + "<w:p/>"
    + paragraph("联系电话：", CONTACT)
    + table([["姓名", "身份证号", "联系电话"], *[list(person) for person in PEOPLE]])
)
LIST_DOCX = docx_file(LIST_BODY)


def xlsx_file(rows: list[list[object]], *, title: str = "低保名单") -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# A mobile typed as a number, a blank row kept in the numbering.
LIST_XLSX = xlsx_file(
    [
        ["序号", "姓名", "身份证号", "联系电话"],
        [1, PEOPLE[0][0], PEOPLE[0][1], int(PEOPLE[0][2])],
        [],
        [2, PEOPLE[1][0], PEOPLE[1][1], PEOPLE[1][2]],
        [3, PEOPLE[2][0], PEOPLE[2][1], float(PEOPLE[2][2])],
    ]
)


def zeros_member(archive: zipfile.ZipFile, name: str, size: int) -> None:
    """``size`` zero bytes as a member, streamed in chunks (it deflates about 1000:1)."""
    chunk = bytes(2**20)
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as member:
        for _ in range(size // len(chunk)):
            member.write(chunk)


@pytest.fixture(scope="module")
def bomb_docx() -> bytes:
    """A DOCX whose document part inflates to 64 MiB of zeros (about 64 KB zipped)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        zeros_member(archive, "word/document.xml", 64 * 2**20)
    return out.getvalue()


# --- attachment_kind ---------------------------------------------------------------------------


def test_kind_by_magic_bytes_before_type_or_name() -> None:
    assert attachment_kind("https://a.gov.cn/f.doc", "text/html", LIST_PDF[:512]) == "pdf"
    assert attachment_kind("https://a.gov.cn/f.pdf", None, LIST_DOCX[:4096]) == "docx"
    assert attachment_kind("https://a.gov.cn/download", None, LIST_XLSX) == "xlsx"


def test_kind_of_an_ole_file_by_its_type_or_extension() -> None:
    ole = attachments._OLE_MAGIC + bytes(504)
    assert attachment_kind("https://a.gov.cn/名单.doc", None, ole) == "doc"
    assert attachment_kind("https://a.gov.cn/名单.XLS", None, ole) == "xls"
    assert attachment_kind("https://a.gov.cn/d.jsp?id=3", "application/vnd.ms-excel", ole) == "xls"
    assert attachment_kind("https://a.gov.cn/d.jsp?id=3", None, ole) == "unknown"


def test_kind_by_content_type_then_extension_when_the_head_says_nothing() -> None:
    doc_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert attachment_kind("https://a.gov.cn/x", f"{doc_type}; charset=x", b"") == "docx"
    url = "https://a.gov.cn/module/downfile.jsp?classid=0&filename=名单.xlsx"
    assert attachment_kind(url, "application/octet-stream", b"") == "xlsx"
    assert attachment_kind("https://a.gov.cn/a.pdf", None, b"") == "pdf"
    assert attachment_kind("https://a.gov.cn/a.zip", "application/zip", b"PK\x03\x04") == "unknown"
    assert attachment_kind("https://a.gov.cn/a.html", "text/html", b"<html>") == "unknown"


# --- PDF -------------------------------------------------------------------------------------


def test_a_pdf_read_page_by_page_and_its_numbers_found_with_their_page() -> None:
    text = read_attachment(LIST_PDF, "pdf")
    assert (text.kind, text.checked, text.truncated, text.reason) == ("pdf", True, False, None)
    assert [where for where, _ in text.parts] == ["第1页", "第2页", "第3页"]
    findings = personal_data_in(text, today=TODAY)
    assert [(f.where, f.kind, f.masked) for f in findings] == [
        ("第1页", "mobile", masked_mobile(CONTACT)),
        ("第2页", "id_card", masked_id(PEOPLE[0][1])),
        ("第2页", "mobile", masked_mobile(PEOPLE[0][2])),
        ("第2页", "id_card", masked_id(PEOPLE[1][1])),
        ("第2页", "mobile", masked_mobile(PEOPLE[1][2])),
        ("第3页", "id_card", masked_id(PEOPLE[2][1])),
        ("第3页", "mobile", masked_mobile(PEOPLE[2][2])),
    ]
    assert_no_whole_number(text, findings)


def test_pages_past_max_pages_are_not_read() -> None:
    text = read_attachment(LIST_PDF, "pdf", max_pages=2)
    assert [where for where, _ in text.parts] == ["第1页", "第2页"]
    assert (text.checked, text.truncated, text.reason) == (True, True, "超过页数上限,只检查了前2页")


def test_text_past_max_chars_is_cut_between_numbers() -> None:
    first_page = read_attachment(LIST_PDF, "pdf").parts[0][1]
    text = read_attachment(LIST_PDF, "pdf", max_chars=len(first_page) + 12)
    assert text.truncated
    assert text.reason == f"文字超过上限,只检查了前{len(first_page) + 12}字"
    assert text.parts[1] == ("第2页", "1 Zhang")  # not the start of the 身份证号
    assert [f.where for f in personal_data_in(text, today=TODAY)] == ["第1页"]


def test_a_pdf_without_text_is_checked_but_said_to_be_a_scan() -> None:
    scan = pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length 3 >>\nstream\nq Q\nendstream",
        ]
    )
    text = read_attachment(scan, "pdf")
    assert (text.checked, text.parts, text.reason) == (True, (), "无文字层(可能为扫描件),未能检查")


def test_a_page_tree_that_loops_is_not_read_and_does_not_hang() -> None:
    loops = pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>",
        ]
    )
    started = time.monotonic()
    text = read_attachment(loops, "pdf")
    assert time.monotonic() - started < 5
    assert (text.checked, text.reason) == (False, "文件已损坏,无法读取")


def test_objects_that_refer_to_themselves_are_not_read() -> None:
    recursing = pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /Resources 4 0 R /Contents 5 0 R >>",
            b"4 0 R",
            b"5 0 R",
        ]
    )
    text = read_attachment(recursing, "pdf")
    assert text.reason is not None
    assert not text.parts


def test_no_time_left_means_not_checked() -> None:
    text = read_attachment(LIST_PDF, "pdf", timeout_s=0)
    assert (text.checked, text.reason) == (False, "读取超时(超过0秒),未检查")


def test_time_running_out_after_a_page_keeps_what_was_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [0.0]
    monkeypatch.setattr(attachments, "monotonic", lambda: now[0])
    keep = attachments._Parts.add

    def keep_then_late(self: attachments._Parts, where: str, text: str) -> bool:
        now[0] = 100.0  # the first page took all the time
        return keep(self, where, text)

    monkeypatch.setattr(attachments._Parts, "add", keep_then_late)
    text = read_attachment(LIST_PDF, "pdf", timeout_s=10)
    assert [where for where, _ in text.parts] == ["第1页"]
    assert (text.checked, text.truncated) == (True, True)
    assert text.reason == "读取超时(超过10秒),只检查了前1页"


def encrypted(pdf: bytes, *, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_an_encrypted_pdf_opens_with_the_empty_password_or_is_not_checked() -> None:
    print_protected = read_attachment(encrypted(LIST_PDF, user_password=""), "pdf")
    assert print_protected.checked
    assert len(personal_data_in(print_protected, today=TODAY)) == 7
    locked = read_attachment(encrypted(LIST_PDF, user_password="secret"), "pdf")
    assert (locked.checked, locked.reason) == (False, "文件已加密,无法打开,未检查")


@pytest.mark.parametrize(
    "body",
    [
        LIST_PDF[: len(LIST_PDF) // 3],
        b"%PDF-1.7\n" + bytes(range(256)) * 20,
        b"<html><body>404</body></html>",
        b"",
    ],
    ids=["truncated", "garbage", "an-error-page", "empty"],
)
def test_a_broken_pdf_is_not_checked(body: bytes) -> None:
    text = read_attachment(body, "pdf")
    assert not text.checked
    assert text.reason in ("文件已损坏,无法读取", "文件为空,未检查", "文件没有页面,未检查")


# --- DOCX ------------------------------------------------------------------------------------


def test_a_docx_gives_its_paragraphs_and_table_rows() -> None:
    text = read_attachment(LIST_DOCX, "docx")
    assert (text.kind, text.checked, text.truncated, text.reason) == ("docx", True, False, None)
    assert text.parts[:3] == (
        ("第1段", "关于2026年低保对象的公示"),
        ("第2段", f"联系电话：{CONTACT}"),  # the empty paragraph not counted
        ("表格1第1行", "姓名\t身份证号\t联系电话"),
    )
    assert text.parts[3] == ("表格1第2行", "\t".join(PEOPLE[0]))
    findings = personal_data_in(text, today=TODAY)
    assert [(f.where, f.kind, f.masked) for f in findings] == [
        ("第2段", "mobile", masked_mobile(CONTACT)),
        ("表格1第2行", "id_card", masked_id(PEOPLE[0][1])),
        ("表格1第2行", "mobile", masked_mobile(PEOPLE[0][2])),
        ("表格1第3行", "id_card", masked_id(PEOPLE[1][1])),
        ("表格1第3行", "mobile", masked_mobile(PEOPLE[1][2])),
        ("表格1第4行", "id_card", masked_id(PEOPLE[2][1])),
        ("表格1第4行", "mobile", masked_mobile(PEOPLE[2][2])),
    ]
    assert findings[1].snippet == f"张三 {masked_id(PEOPLE[0][1])} ***********"
    assert_no_whole_number(text, findings)


def test_docx_nested_tables_text_boxes_and_fallbacks() -> None:
    inner = table([["内表", CONTACT]])
    text_box = (
        '<w:p xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        "<w:r><w:t>图注</w:t></w:r><mc:AlternateContent><mc:Choice>"
        f"<w:txbxContent>{paragraph('框内')}</w:txbxContent></mc:Choice>"
        f"<mc:Fallback><w:txbxContent>{paragraph('框内')}</w:txbxContent></mc:Fallback>"
        "</mc:AlternateContent></w:p>"
    )
    body = (
        "<w:tbl><w:tr><w:tc>"
        + paragraph("外表")
        + inner
        + "</w:tc><w:tc>"
        + "<w:p><w:r><w:t>右</w:t><w:tab/><w:t>格</w:t></w:r></w:p>"
        + "</w:tc></w:tr></w:tbl>"
        + text_box
    )
    text = read_attachment(docx_file(body), "docx")
    assert text.parts == (
        ("表格2第1行", f"内表\t{CONTACT}"),
        ("表格1第1行", "外表\t右 格"),
        ("第1段", "图注 框内"),
    )


def test_docx_text_past_max_chars_is_cut() -> None:
    text = read_attachment(LIST_DOCX, "docx", max_chars=20)
    assert text.truncated
    assert text.reason == "文字超过上限,只检查了前20字"
    assert sum(len(part) for _, part in text.parts) <= 20


def test_a_zip_bomb_is_refused_before_it_is_inflated(bomb_docx: bytes) -> None:
    assert len(bomb_docx) < 2 * 2**20
    tracemalloc.start()
    try:
        text = read_attachment(bomb_docx, "docx")
        _, peak_bytes = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak_bytes < 2**20  # nothing inflated
    assert (text.checked, text.reason) == (False, "解压后超过50MB上限(可能为压缩炸弹),未检查")


def test_a_member_compressed_too_well_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("word/document.xml", f'<w:document xmlns:w="{W}"/>')
        zeros_member(archive, "word/media/image1.png", 8 * 2**20)
    text = read_attachment(out.getvalue(), "docx")
    assert (text.checked, text.reason) == (False, "压缩比异常(可能为压缩炸弹),未检查")


def test_a_member_that_lies_about_its_size_is_read_no_further(bomb_docx: bytes) -> None:
    """The central directory says 1 KiB; the data inflates to 64 MiB: the read stops there."""
    lying = _declared_size(bomb_docx, "word/document.xml", 1024)
    assert zipfile.ZipFile(io.BytesIO(lying)).getinfo("word/document.xml").file_size == 1024
    tracemalloc.start()
    try:
        text = read_attachment(lying, "docx")
        _, peak_bytes = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak_bytes < 2**20  # inflated a chunk at a time, not 64 MiB
    assert (text.checked, text.reason) == (False, "文件已损坏,无法读取")


def _declared_size(body: bytes, name: str, size: int) -> bytes:
    """``body`` with the uncompressed size of ``name`` in the central directory set to ``size``."""
    patched = bytearray(body)
    start = 0
    while (found := patched.find(b"PK\x01\x02", start)) != -1:
        name_length = int.from_bytes(patched[found + 28 : found + 30], "little")
        if patched[found + 46 : found + 46 + name_length] == name.encode():
            patched[found + 24 : found + 28] = size.to_bytes(4, "little")
            return bytes(patched)
        start = found + 4
    raise AssertionError(name)


def test_only_the_document_part_of_a_big_zip_is_opened(monkeypatch: pytest.MonkeyPatch) -> None:
    extra = {f"word/media/image{i}.png": b"\x89PNG" + bytes(100) for i in range(3000)}
    body = docx_file(LIST_BODY, extra=extra)
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def counting_open(self: zipfile.ZipFile, name: str, *args: object, **kwargs: object) -> object:
        opened.append(name)
        return real_open(self, name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(zipfile.ZipFile, "open", counting_open)
    text = read_attachment(body, "docx")
    assert text.checked
    assert opened == ["word/document.xml"]


def test_a_docx_with_a_dtd_is_not_read() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body>'
        "</w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", bomb)
    text = read_attachment(out.getvalue(), "docx")
    assert (text.checked, text.reason) == (False, "文档含有DTD声明,未检查")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (LIST_DOCX[: len(LIST_DOCX) // 2], "文件已损坏,无法读取"),
        (LIST_XLSX, "不是有效的Word文档(缺少word/document.xml),未检查"),
        (
            docx_file(paragraph("未闭合") + "<w:p>"),
            "文件已损坏,无法读取",
        ),
    ],
    ids=["truncated-zip", "not-a-word-file", "bad-xml"],
)
def test_a_broken_docx_is_not_checked(body: bytes, reason: str) -> None:
    text = read_attachment(body, "docx")
    assert (text.checked, text.reason) == (False, reason)


# --- XLSX ------------------------------------------------------------------------------------


def test_an_xlsx_gives_each_row_with_its_sheet_and_number() -> None:
    text = read_attachment(LIST_XLSX, "xlsx")
    assert (text.kind, text.checked, text.truncated, text.reason) == ("xlsx", True, False, None)
    assert [where for where, _ in text.parts] == [
        "工作表“低保名单”第1行",
        "工作表“低保名单”第2行",
        "工作表“低保名单”第4行",  # the empty row 3 counted, not returned
        "工作表“低保名单”第5行",
    ]
    assert text.parts[1][1] == "\t".join(["1", *PEOPLE[0]])  # a number shown without ".0"
    assert text.parts[3][1].endswith(PEOPLE[2][2])
    findings = personal_data_in(text, today=TODAY)
    assert [(f.where, f.kind) for f in findings] == [
        ("工作表“低保名单”第2行", "id_card"),
        ("工作表“低保名单”第2行", "mobile"),
        ("工作表“低保名单”第4行", "id_card"),
        ("工作表“低保名单”第4行", "mobile"),
        ("工作表“低保名单”第5行", "id_card"),
        ("工作表“低保名单”第5行", "mobile"),
    ]
    assert_no_whole_number(text, findings)


def test_xlsx_rows_past_the_row_limit_are_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(attachments, "MAX_ROWS", 2)
    text = read_attachment(LIST_XLSX, "xlsx")
    assert len(text.parts) == 2
    assert (text.truncated, text.reason) == (True, "超过行数上限,只检查了前2行")


def test_an_xlsx_declaring_a_huge_size_is_read_as_it_is() -> None:
    """A ``<dimension ref="A1:XFD1048576">`` would pad rows to 16 384 cells and a million rows."""
    with zipfile.ZipFile(io.BytesIO(LIST_XLSX)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    huge = sheet.replace(b'<dimension ref="A1:D5"/>', b'<dimension ref="A1:XFD1048576"/>')
    assert huge != sheet
    started = time.monotonic()
    text = read_attachment(_with_sheet(huge), "xlsx")
    assert time.monotonic() - started < 2
    assert (text.checked, text.truncated, len(text.parts)) == (True, False, 4)


def test_an_xlsx_zip_bomb_is_refused_before_openpyxl_sees_it() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        zeros_member(archive, "xl/sharedStrings.xml", 4 * 2**20)
    text = read_attachment(out.getvalue(), "xlsx", max_unzipped_bytes=2**20)
    assert (text.checked, text.reason) == (False, "解压后超过1MB上限(可能为压缩炸弹),未检查")


def _with_sheet(sheet_xml: bytes) -> bytes:
    """``LIST_XLSX`` with its one worksheet replaced."""
    with zipfile.ZipFile(io.BytesIO(LIST_XLSX)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["xl/worksheets/sheet1.xml"] = sheet_xml
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _sheet(rows: int, *, dimension: bool) -> bytes:
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    cells = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>{r}</v></c>' for c in "ABCDEFGHIJ") + "</row>"
        for r in range(1, rows + 1)
    )
    size = f'<dimension ref="A1:J{rows}"/>' if dimension else ""
    return f'<worksheet xmlns="{main}">{size}<sheetData>{cells}</sheetData></worksheet>'.encode()


def test_workbook_parts_openpyxl_parses_whole_must_fit_the_time_allowed() -> None:
    """Shared strings, styles and a sheet without ``<dimension>`` are parsed before the first
    row, out of the clock's reach: past 400 KB a second of the time allowed, not read."""
    undeclared = _with_sheet(_sheet(2_000, dimension=False))
    text = read_attachment(undeclared, "xlsx", timeout_s=1)
    assert (text.checked, text.reason) == (
        False,
        "工作簿的共享字符串、样式等部分超过400KB,无法在时限内读取,未检查",
    )
    declared = read_attachment(_with_sheet(_sheet(2_000, dimension=True)), "xlsx", timeout_s=1)
    assert declared.checked  # read row by row, as far as the second allows
    assert declared.parts[0] == ("工作表“低保名单”第1行", "\t".join(["1"] * 10))
    assert read_attachment(LIST_XLSX, "xlsx", timeout_s=0.01).reason == (
        "工作簿的共享字符串、样式等部分超过4KB,无法在时限内读取,未检查"
    )


def test_a_broken_xlsx_is_not_checked() -> None:
    text = read_attachment(LIST_XLSX[:-200], "xlsx")
    assert (text.checked, text.reason) == (False, "文件已损坏,无法读取")


def test_a_docx_out_of_time_is_not_checked() -> None:
    text = read_attachment(LIST_DOCX, "docx", timeout_s=0)
    assert (text.checked, text.reason) == (False, "读取超时(超过0秒),未检查")


def test_xlsx_rows_read_before_the_time_ran_out_are_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [0.0]
    monkeypatch.setattr(attachments, "monotonic", lambda: now[0])
    keep = attachments._Parts.add

    def keep_then_late(self: attachments._Parts, where: str, text: str) -> bool:
        now[0] += 4.0  # each row takes four seconds
        return keep(self, where, text)

    monkeypatch.setattr(attachments._Parts, "add", keep_then_late)
    text = read_attachment(LIST_XLSX, "xlsx", timeout_s=10)
    assert len(text.parts) == 3
    assert (text.checked, text.truncated) == (True, True)
    assert text.reason == "读取超时(超过10秒),只检查了前3行"


# --- any bytes -------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(["pdf", "docx", "xlsx"]),
    cuts=st.lists(st.tuples(st.integers(0, 10**6), st.binary(max_size=8)), max_size=4),
)
def test_any_damage_to_a_file_never_raises(kind: str, cuts: list[tuple[int, bytes]]) -> None:
    body = bytearray({"pdf": LIST_PDF, "docx": LIST_DOCX, "xlsx": LIST_XLSX}[kind])
    for at, replacement in cuts:
        at %= len(body)
        body[at : at + len(replacement)] = replacement
    text = read_attachment(bytes(body), kind, timeout_s=2)
    assert text.checked or text.reason
    assert_no_whole_number(text, personal_data_in(text, today=TODAY))


# --- DOC, XLS and others ---------------------------------------------------------------------


def test_old_office_files_are_said_not_checked() -> None:
    ole = attachments._OLE_MAGIC + bytes(4096)
    kind = attachment_kind("https://a.gov.cn/公示.doc", "application/msword", ole)
    text = read_attachment(ole, kind)
    assert text == AttachmentText(
        kind="doc", checked=False, reason="旧版Office文档(.doc/.xls)暂无可靠的读取程序,未检查"
    )
    locked = attachments._OLE_MAGIC + bytes(64) + "EncryptedPackage".encode("utf-16-le")
    assert read_attachment(locked, "docx").reason == "文件已加密,无法打开,未检查"


def test_other_kinds_are_not_checked() -> None:
    text = read_attachment(b"PK\x03\x04", "unknown")
    assert (text.kind, text.checked) == ("unknown", False)
    assert text.reason == "不是可检查的附件类型(PDF、DOCX、XLSX),未检查"
    assert personal_data_in(text, today=TODAY) == []


# --- findings --------------------------------------------------------------------------------


def test_the_same_number_twice_in_one_part_counts_once() -> None:
    text = AttachmentText(
        kind="xlsx",
        parts=(("第1行", f"{CONTACT} 或 {CONTACT}"), ("第2行", CONTACT)),
        checked=True,
    )
    findings = personal_data_in(text, today=TODAY)
    assert [(f.where, f.masked) for f in findings] == [
        ("第1行", masked_mobile(CONTACT)),
        ("第2行", masked_mobile(CONTACT)),
    ]
    assert findings[0] == AttachmentFinding(
        kind="mobile",
        masked=masked_mobile(CONTACT),
        snippet=f"{masked_mobile(CONTACT)} 或 *********",  # 12 characters after it
        where="第1行",
    )


def test_two_numbers_that_mask_alike_are_two_findings() -> None:
    """Two people born on other days, whose 身份证号 share the first and the last four."""
    number = PEOPLE[0][1]
    twin = next(
        candidate
        for month in range(1, 13)
        for day in range(1, 29)
        if (candidate := id_number(f"{number[:6]}1980{month:02d}{day:02d}{number[14:17]}"))
        != number
        and candidate[-1] == number[-1]
    )
    assert masked_id(twin) == masked_id(number)
    text = AttachmentText(kind="docx", parts=(("表格1第2行", f"{number}\t{twin}"),), checked=True)
    assert [f.masked for f in personal_data_in(text, today=TODAY)] == [masked_id(number)] * 2


def test_at_most_a_thousand_findings() -> None:
    def mobiles() -> Iterator[str]:
        for i in range(1500):
            yield f"第{i}人 1380000{i:04d}"

    text = AttachmentText(kind="xlsx", parts=(("第1行", "\n".join(mobiles())),), checked=True)
    assert len(personal_data_in(text, today=TODAY)) == attachments.MAX_FINDINGS

"""Reading the 我为政府网站找错 back-office export (crawler.boards.zhaocuo): CSV in UTF-8 or
GB18030, XLSX, Chinese or English headers; every bad row refuses the file whole, by row and
column."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import pytest
from docx import Document
from openpyxl import Workbook

from crawler.boards.zhaocuo import MAX_FILE_BYTES, ZhaocuoRow, read_zhaocuo_rows
from crawler.config import ConfigError
from rules.model import Site

TODAY = date(2022, 7, 15)
SITES = (
    Site(id="jyzf", name="济源市人民政府", homepage="https://www.jiyuan.gov.cn/",
         site_code="4190010001"),
    Site(id="jyty", name="济源市体育局", homepage="https://ty.jiyuan.gov.cn/"),
)  # fmt: skip
HEADER = ["留言编号", "网站名称", "留言标题", "留言时间", "办理时限", "办结时间"]
GOOD = [
    HEADER,
    ["A1", "济源市人民政府", "错别字", "2022-04-01 09:30", "2022-04-04", "2022/4/2"],
    ["A2", "4190010001", "链接失效", "2022年5月3日", "2022-05-06", ""],
    ["A3", "jyty", "栏目不更新", "2022/6/1 10:00:00", "2022-06-04", "2022年6月8日 16时20分"],
]
EXPECTED = (
    ZhaocuoRow(line=2, site_id="jyzf", ref="A1", received=date(2022, 4, 1),
               due=date(2022, 4, 4), handled=date(2022, 4, 2)),
    ZhaocuoRow(line=3, site_id="jyzf", ref="A2", received=date(2022, 5, 3),
               due=date(2022, 5, 6), handled=None),
    ZhaocuoRow(line=4, site_id="jyty", ref="A3", received=date(2022, 6, 1),
               due=date(2022, 6, 4), handled=date(2022, 6, 8)),
)  # fmt: skip


def _csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    path.write_text("".join(",".join(row) + "\r\n" for row in rows), encoding=encoding)
    return path


def _xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _refused(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        read_zhaocuo_rows(path, SITES, today=TODAY)
    return str(caught.value)


# --- files read ------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_a_csv_reads_in_utf8_or_gb18030(tmp_path: Path, encoding: str) -> None:
    path = _csv(tmp_path / "zhaocuo.csv", GOOD, encoding)
    assert read_zhaocuo_rows(path, SITES, today=TODAY) == EXPECTED


def test_an_xlsx_reads_its_date_cells_and_finds_the_header_under_a_title(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "export.xlsx",
        [
            ["我为政府网站找错留言导出"],
            [],
            HEADER,
            ["A1", "济源市人民政府", "错别字", datetime(2022, 4, 1, 9, 30), date(2022, 4, 4),
             datetime(2022, 4, 2, 17, 0)],
            [1024.0, "4190010001", "链接失效", "2022-05-03", None, None],
            [None, None, None, None, None, None],
        ],
    )  # fmt: skip
    assert read_zhaocuo_rows(path, SITES, today=TODAY) == (
        ZhaocuoRow(line=4, site_id="jyzf", ref="A1", received=date(2022, 4, 1),
                   due=date(2022, 4, 4), handled=date(2022, 4, 2)),
        ZhaocuoRow(line=5, site_id="jyzf", ref="1024", received=date(2022, 5, 3), due=None,
                   handled=None),
    )  # fmt: skip


def test_english_headers_in_any_case_and_without_a_due_column(tmp_path: Path) -> None:
    rows = [
        ["Site", "Ref", "Received", "Handled", "Note"],
        ["jyty", "x-1", "2022-04-01", "2022-04-02", "typo"],
        ["济源市体育局", "x-2", "2022-04-03T08:00:00+08:00", "", ""],
    ]
    got = read_zhaocuo_rows(_csv(tmp_path / "en.csv", rows), SITES, today=TODAY)
    assert [(r.site_id, r.ref, r.received, r.due, r.handled) for r in got] == [
        ("jyty", "x-1", date(2022, 4, 1), None, date(2022, 4, 2)),
        ("jyty", "x-2", date(2022, 4, 3), None, None),
    ]


@pytest.mark.parametrize(
    "text",
    ["2022-04-02", "2022/4/2", "2022.4.2", "2022年4月2日", "2022年4月2日16时20分",
     "2022-04-02 16:20", "2022/04/02 16:20:05", "2022-04-02T16:20:05", "2022-04-02 16:20:05.000"],
)  # fmt: skip
def test_the_date_forms_of_exports(tmp_path: Path, text: str) -> None:
    rows = [["site", "received", "handled"], ["jyty", "2022-04-01", text]]
    (row,) = read_zhaocuo_rows(_csv(tmp_path / "z.csv", rows), SITES, today=TODAY)
    assert row.handled == date(2022, 4, 2)


def test_a_moment_with_a_zone_is_the_shanghai_day(tmp_path: Path) -> None:
    rows = [["site", "received", "handled", "id"], ["jyty", "2022-04-01T20:00:00+00:00", "", "1"]]
    (row,) = read_zhaocuo_rows(_csv(tmp_path / "z.csv", rows), SITES, today=TODAY)
    assert row.received == date(2022, 4, 2)


def test_without_a_number_a_row_is_known_by_its_content_not_by_what_changes(
    tmp_path: Path,
) -> None:
    header = ["网站名称", "留言内容", "留言时间", "办理时限", "办结时间", "办理状态", "回复内容"]
    open_rows = [
        header,
        ["济源市人民政府", "首页错字", "2022-04-01", "2022-04-04", "", "办理中", ""],
        ["济源市人民政府", "链接失效", "2022-04-01", "2022-04-04", "", "办理中", ""],
    ]
    handled_rows = [
        header,
        [
            "济源市人民政府",
            "链接失效",
            "2022-04-01",
            "2022-04-04",
            "2022-04-03",
            "已办结",
            "已修复",
        ],
        ["济源市人民政府", "首页错字", "2022-04-01", "2022-04-04", "2022-04-02", "已办结", "已改"],
    ]
    first = read_zhaocuo_rows(_csv(tmp_path / "a.csv", open_rows), SITES, today=TODAY)
    later = read_zhaocuo_rows(_csv(tmp_path / "b.csv", handled_rows), SITES, today=TODAY)
    assert all(r.ref.startswith("row-") and len(r.ref) == 20 for r in first)
    assert first[0].ref != first[1].ref
    assert {r.ref: r.handled for r in later} == {
        first[0].ref: date(2022, 4, 2),
        first[1].ref: date(2022, 4, 3),
    }


def test_a_serial_number_is_the_ref_only_without_a_message_number(tmp_path: Path) -> None:
    serial_only = [["序号", "网站", "留言时间", "办结时间"], ["7", "jyty", "2022-04-01", ""]]
    both = [
        ["序号", "工单号", "网站", "留言时间", "办结时间"],
        ["7", "GD-9", "jyty", "2022-04-01", ""],
    ]
    (a,) = read_zhaocuo_rows(_csv(tmp_path / "a.csv", serial_only), SITES, today=TODAY)
    (b,) = read_zhaocuo_rows(_csv(tmp_path / "b.csv", both), SITES, today=TODAY)
    assert (a.ref, b.ref) == ("7", "GD-9")


def test_the_same_number_on_two_sites_is_two_messages(tmp_path: Path) -> None:
    rows = [HEADER, GOOD[1], ["A1", "jyty", "", "2022-04-01", "", ""]]
    got = read_zhaocuo_rows(_csv(tmp_path / "z.csv", rows), SITES, today=TODAY)
    assert [(r.site_id, r.ref) for r in got] == [("jyzf", "A1"), ("jyty", "A1")]


# --- files refused ---------------------------------------------------------------------------


def test_a_bad_date_names_the_row_the_column_and_the_form(tmp_path: Path) -> None:
    rows = [HEADER, GOOD[1], ["A9", "jyty", "", "2022-13-45", "", ""]]
    message = _refused(_csv(tmp_path / "bad.csv", rows))
    assert f"{tmp_path / 'bad.csv'}: 1 problem(s), nothing imported" in message
    assert "row 3: column 留言时间: '2022-13-45' is not a date — use YYYY-MM-DD" in message


def test_every_problem_is_listed_by_row_and_nothing_returned(tmp_path: Path) -> None:
    rows = [
        HEADER,
        GOOD[1],
        ["B1", "不存在的网站", "", "2022-04-01", "", ""],
        ["B2", "jyty", "", "2022-04-05", "2022-04-01", ""],
        ["B3", "jyty", "", "2022-04-05", "", "2022-04-04"],
        ["B4", "jyty", "", "2022-07-16", "", ""],
        ["B5", "jyty", "", "2022-07-01", "", "2022-07-20"],
        ["B6", "", "", "2022-04-01", "", ""],
        ["B7", "jyty", "", "", "", ""],
        ["A3", "jyty", "", "2022-06-01", "", ""],
        ["A3", "jyty", "", "2022-06-02", "", ""],
        ["B8", "jyty", "", "2022-06-01", "next week", ""],
    ]
    message = _refused(_csv(tmp_path / "bad.csv", rows))
    for expected in (
        "9 problem(s), nothing imported — fix them and import again",
        "row 3: column 网站名称: no site '不存在的网站' in the targets file — use a site's id, "
        "name or 网站标识码 (its sites: jyzf, jyty)",
        "row 4: column 办理时限: '2022-04-01' is before the day received (2022-04-05)",
        "row 5: column 办结时间: '2022-04-04' is before the day received (2022-04-05)",
        "row 6: column 留言时间: '2022-07-16' is after today (2022-07-15)",
        "row 7: column 办结时间: '2022-07-20' is after today (2022-07-15)",
        "row 8: column 网站名称: the site is empty",
        "row 9: column 留言时间: the day received is empty",
        "row 11: message 'A3' of site jyty is listed twice (row 10 too)",
        "row 12: column 办理时限: 'next week' is not a date",
    ):
        assert expected in message, message
    assert "row 2" not in message


def test_more_than_twenty_problems_are_counted_past_the_twentieth(tmp_path: Path) -> None:
    rows = [HEADER] + [[f"C{n}", "nowhere", "", "2022-04-01", "", ""] for n in range(25)]
    message = _refused(_csv(tmp_path / "many.csv", rows))
    assert "25 problem(s)" in message
    assert "row 21:" in message
    assert "row 22:" not in message
    assert message.endswith("… and 5 more")


def test_a_site_name_two_sites_share_asks_for_the_id(tmp_path: Path) -> None:
    sites = (*SITES, Site(id="jyty2", name="济源市体育局", homepage="https://ty2.example/"))
    rows = [HEADER, ["D1", "济源市体育局", "", "2022-04-01", "", ""]]
    with pytest.raises(
        ConfigError, match=r"several sites are named '济源市体育局' \(jyty, jyty2\)"
    ):
        read_zhaocuo_rows(_csv(tmp_path / "z.csv", rows), sites, today=TODAY)


def test_a_missing_column_says_which_names_it_takes(tmp_path: Path) -> None:
    rows = [["编号", "网站名称", "时间"], ["1", "jyty", "2022-04-01"]]
    message = _refused(_csv(tmp_path / "h.csv", rows))
    assert "the header row names no column for received, handled" in message
    assert "received: 留言时间 / 收到时间 / 提交时间 / 接收时间 / received" in message
    assert "handled: 办结时间 / 处理时间 / 办理完成时间 / 反馈时间 / handled" in message


@pytest.mark.parametrize("content", [b"", b"\r\n,,,\r\n\r\n", "\ufeff".encode()])
def test_an_empty_file_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    assert "the file is empty" in _refused(path)


def test_a_header_without_rows_is_refused(tmp_path: Path) -> None:
    assert "lists no message" in _refused(_csv(tmp_path / "h.csv", [HEADER, ["", "", ""]]))


def test_a_word_document_named_xlsx_is_refused(tmp_path: Path) -> None:
    document = Document()
    document.add_paragraph("收到“我为政府网站找错”留言3条")
    document.save(str(tmp_path / "export.xlsx"))
    assert "not a readable XLSX workbook" in _refused(tmp_path / "export.xlsx")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (bytes(range(256)) * 4, "a binary file, not a table"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "an old Excel .xls"),
        (b"\xff\xfe\xfa" * 10, "neither UTF-8 nor GB18030 text"),
    ],
)
def test_a_file_that_is_no_table_is_refused(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    assert expected in _refused(path)


def test_a_file_over_twenty_mib_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as file:
        file.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing written
    assert "more than the 20 MiB an import reads" in _refused(path)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    assert "cannot read the file" in _refused(tmp_path / "nowhere.csv")

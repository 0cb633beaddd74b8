"""`crawl import zhaocuo`: the 我为政府网站找错 back-office export imported once, again (nothing
changes), later with the days handled filled in, and a malformed one refused whole — the real
CLI, a real SQLite."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.support.cli import run_crawl

pytestmark = pytest.mark.slow  # the real CLI, in subprocesses

TARGETS = """\
profile: jiyuan
sites:
  - id: jyzf
    name: 济源市人民政府
    homepage: https://www.jiyuan.gov.cn/
    site_code: "4190010001"
  - id: jyty
    name: 济源市体育局
    homepage: https://ty.jiyuan.gov.cn/
"""
HEADER = ["留言编号", "网站名称", "留言标题", "留言时间", "办理时限", "办结时间"]
ROWS = [
    ["ZC1", "济源市人民政府", "首页错字", "2022-04-01 09:30", "2022-04-04", "2022-04-02"],
    ["ZC2", "4190010001", "链接失效", "2022-05-03", "2022-05-06", ""],
    ["ZC3", "jyty", "栏目不更新", "2022-06-01", "2022-06-04", "2022-06-03"],
]


def _env(tmp_path: Path) -> tuple[str, ...]:
    targets = tmp_path / "targets.yaml"
    targets.write_text(TARGETS, encoding="utf-8")
    return ("--targets", str(targets), "--db", str(tmp_path / "x.sqlite3"))


def _csv(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("\n".join(",".join(row) for row in rows) + "\n", encoding="gb18030")
    return path


def _stored(tmp_path: Path) -> list[tuple[str, str, str | None, str]]:
    with sqlite3.connect(tmp_path / "x.sqlite3") as conn:
        return conn.execute(
            "SELECT site_id, ref, handled, source FROM zhaocuo_reports ORDER BY ref"
        ).fetchall()


def test_an_export_imported_again_and_updated_later(tmp_path: Path) -> None:
    common = _env(tmp_path)
    file = _csv(tmp_path / "找错-2022Q2.csv", [HEADER, *ROWS])
    first = run_crawl("import", "zhaocuo", str(file), *common)
    assert first.returncode == 0, first.stderr
    assert "jyty: 1 rows: 1 new, 0 changed" in first.stdout
    assert "jyzf: 2 rows: 2 new, 0 changed" in first.stdout
    assert "2 sites, 3 new messages, 0 changed" in first.stdout

    again = run_crawl("import", "zhaocuo", str(file), *common, "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout) == [
        {"site": "jyty", "rows": 1, "new": 0, "changed": 0, "unchanged": 1},
        {"site": "jyzf", "rows": 2, "new": 0, "changed": 0, "unchanged": 2},
    ]

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [HEADER, *ROWS[:1], [*ROWS[1][:5], "2022-05-05"]]:
        sheet.append(row)
    book.save(tmp_path / "later.xlsx")
    later = run_crawl("import", "zhaocuo", str(tmp_path / "later.xlsx"), *common, "--json")
    assert later.returncode == 0, later.stderr
    assert json.loads(later.stdout) == [
        {"site": "jyzf", "rows": 2, "new": 0, "changed": 1, "unchanged": 1}
    ]
    assert _stored(tmp_path) == [
        ("jyzf", "ZC1", "2022-04-02", "找错-2022Q2.csv"),
        ("jyzf", "ZC2", "2022-05-05", "later.xlsx"),
        ("jyty", "ZC3", "2022-06-03", "找错-2022Q2.csv"),
    ]


def test_a_malformed_export_is_refused_whole(tmp_path: Path) -> None:
    common = _env(tmp_path)
    good = run_crawl("import", "zhaocuo", str(_csv(tmp_path / "a.csv", [HEADER, *ROWS])), *common)
    assert good.returncode == 0, good.stderr
    before = _stored(tmp_path)

    rows = [
        HEADER,
        ["ZC4", "济源市人民政府", "新的一条", "2022-06-10", "2022-06-13", ""],
        ["ZC5", "济源市人民政府", "日期错", "2022-13-45", "", ""],
        ["ZC6", "某县政府", "不在名单", "2022-06-11", "", ""],
    ]
    result = run_crawl("import", "zhaocuo", str(_csv(tmp_path / "bad.csv", rows)), *common)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    for expected in (
        "bad.csv: 2 problem(s), nothing imported",
        "row 3: column 留言时间: '2022-13-45' is not a date — use YYYY-MM-DD",
        "row 4: column 网站名称: no site '某县政府' in the targets file",
    ):
        assert expected in result.stderr, result.stderr
    assert result.stdout == ""
    assert _stored(tmp_path) == before


def test_a_file_that_is_no_table_is_a_clear_error(tmp_path: Path) -> None:
    common = _env(tmp_path)
    (tmp_path / "export.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    result = run_crawl("import", "zhaocuo", str(tmp_path / "export.xlsx"), *common)
    assert result.returncode == 2
    assert "not a readable XLSX workbook" in result.stderr
    assert "Traceback" not in result.stderr

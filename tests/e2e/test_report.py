"""`crawl report` on the crawled demo: the notice's attachments, in every format."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from selectolax.lexbor import LexborHTMLParser

from crawler.demo import demo_period
from rules.model import SHANGHAI
from rules.weeks import period_weeks
from tests.support.cli import run_crawl
from tests.support.demo_crawl import DemoCrawl
from tests.support.notice import (
    NOTICE_ACCOUNT_ROWS,
    NOTICE_DEPARTMENT_ROWS,
    NOTICE_PROBLEMS,
    NOTICE_TOWN_ROWS,
)

TODAY = datetime.now(SHANGHAI).date()
_QUARTER = demo_period(TODAY)
PERIOD = f"{_QUARTER.start.year}Q{(_QUARTER.start.month - 1) // 3 + 1}"
# The demo judges the last complete quarter, with what it crawled today.
DEMO_QUARTER = ("--period", PERIOD, "--as-of", TODAY.isoformat())

Crawled = tuple[dict[str, str], Path, Path]


@pytest.fixture
def crawled(demo_crawl: DemoCrawl) -> Crawled:
    """The demo crawled once (the session's crawl); the fleet is gone — no crawl is needed."""
    return demo_crawl.env, demo_crawl.targets, demo_crawl.db


def crawl(crawled: Crawled, command: str, *args: str) -> tuple[int, str, str]:
    env, targets, db = crawled
    result = run_crawl(command, "--targets", str(targets), "--db", str(db), *args, env=env)
    return result.returncode, result.stdout, result.stderr


def _attachment_rows(
    rows: list[tuple[object, ...]], header: tuple[str, ...]
) -> list[tuple[object, ...]]:
    start = rows.index(header) + 1
    end = next((n for n in range(start, len(rows)) if not any(rows[n])), len(rows))
    return rows[start:end]


def _site_problems(rows: Sequence[tuple[object, ...]]) -> dict[object, object]:
    assert {row[2] for row in rows} == {"合格"}
    return {row[1]: row[3] for row in rows}


def _account_rows(rows: Sequence[tuple[object, ...]]) -> list[tuple[object, ...]]:
    return sorted((row[1], row[2], int(str(row[3])), row[4]) for row in rows)


def _as_ints(rows: Sequence[tuple[object, ...]]) -> list[tuple[object, ...]]:
    return [(int(str(n)), name, int(str(count))) for n, name, count in rows]


def test_markdown_report_of_the_demo_quarter(crawled: Crawled) -> None:
    code, out, err = crawl(crawled, "report", *DEMO_QUARTER, "--region", "示范区")
    assert code == 0, err
    assert out.startswith(f"# 关于{_QUARTER.label}示范区政府网站与政务新媒体检查情况的通报")
    assert (
        f"{_QUARTER.label}，示范区正在运行的政府网站共20个，检查20个，检查率100%，"
        "其中：合格20个，合格率为100%。"
    ) in out
    assert (
        "示范区正在运行的政务新媒体共98个，检查98个，检查率100%，其中：合格98个，合格率为100%。"
        in out
    )
    # No IPv6 check is stored by the demo crawl: nothing is claimed.
    assert "已全部完成IPv6升级改造" not in out
    assert "济源市人民政府门户网站共发布信息" in out
    assert "应急管理局网站存在栏目长期未更新问题" in out
    assert (
        "| 19 | 济源产城融合示范区应急管理局 | 合格 | "
        "安全生产、宣传教育、防火防汛抗旱应更新但长期未更新 |" in out
    )


def test_xlsx_attachments_equal_the_notice(crawled: Crawled, tmp_path: Path) -> None:
    out = tmp_path / "report.xlsx"
    code, _, err = crawl(crawled, "report", *DEMO_QUARTER, "--format", "xlsx", "--out", str(out))
    assert code == 0, err
    book = load_workbook(out)
    assert book.sheetnames == ["正文", "附件1", "附件2", "附件3"]
    sites = list(book["附件1"].iter_rows(values_only=True))
    rows = _attachment_rows(sites, ("序号", "网站名称", "检查结果", "存在问题"))
    assert [row[0] for row in rows] == list(range(1, 21))
    assert _site_problems(rows) == NOTICE_PROBLEMS
    accounts = list(book["附件2"].iter_rows(values_only=True))
    rows = _attachment_rows(accounts, ("序号", "名称", "类型", "分数", "存在问题"))
    assert _account_rows(rows) == NOTICE_ACCOUNT_ROWS
    units = list(book["附件3"].iter_rows(values_only=True))
    assert _as_ints(_attachment_rows(units, ("序号", "单位名称", "公开条数"))) == (
        NOTICE_DEPARTMENT_ROWS
    )
    assert _as_ints(_attachment_rows(units, ("序号", "镇办名称", "公开数量"))) == NOTICE_TOWN_ROWS


def test_docx_attachments_equal_the_notice(crawled: Crawled, tmp_path: Path) -> None:
    out = tmp_path / "report.docx"
    code, _, err = crawl(crawled, "report", *DEMO_QUARTER, "--format", "docx", "--out", str(out))
    assert code == 0, err
    doc = Document(str(out))
    sites, accounts, departments, towns = (
        [tuple(cell.text for cell in row.cells) for row in table.rows] for table in doc.tables
    )
    assert _site_problems(sites[1:]) == NOTICE_PROBLEMS
    assert _account_rows(accounts[1:]) == NOTICE_ACCOUNT_ROWS
    assert _as_ints(departments[1:]) == NOTICE_DEPARTMENT_ROWS
    assert _as_ints(towns[1:]) == NOTICE_TOWN_ROWS


def test_html_report_and_the_disclosure_sentences(crawled: Crawled) -> None:
    code, out, err = crawl(crawled, "report", *DEMO_QUARTER, "--format", "html")
    assert code == 0, err
    tree = LexborHTMLParser(out)
    assert not tree.css("svg")  # the charts are drawn with --charts only
    tables = tree.css("table")
    rows = [tuple(c.text() for c in r.css("td")) for r in tables[1].css("tbody tr")]
    assert _account_rows(rows) == NOTICE_ACCOUNT_ROWS
    # 三(一): the notice's units over 200 and 100, and under 20.
    body = tree.body
    assert body is not None
    assert (
        "其中下冶镇、轵城镇、克井镇超过200条，邵原镇、思礼镇、天坛街道、自然资源和规划局"
        "公开信息超过100条。文化广电和旅游局、医疗保障局、水利局、司法局、退役军人事务局"
        "公开信息不足20条。"
    ) in body.text()


def test_html_charts_agree_with_attachment_2(crawled: Crawled) -> None:
    """Each 附件2 account's chart draws every week of the quarter, its Mondays on the axis, and
    as many weeks judged and under 2 posts as its finding counted (发现N次)."""
    code, out, err = crawl(crawled, "report", *DEMO_QUARTER, "--format", "html", "--charts")
    assert code == 0, err
    tree = LexborHTMLParser(out)
    table = tree.css("table")[1]
    rows = [tuple(c.text() for c in r.css("td")) for r in table.css("tbody tr")]
    charts = tree.css("svg.weekly-chart")  # in 附件2's order (two accounts share a name)
    titles = [title.text() for svg in charts for title in svg.css("svg > title")]
    assert titles == [f"{row[1]}每周发布数" for row in rows]
    mondays = period_weeks(_QUARTER)
    for (_, name, _, _, problems), svg in zip(rows, charts, strict=True):
        weeks = svg.css("g.week")
        assert [w.attributes["data-monday"] for w in weeks] == [m.isoformat() for m in mondays]
        assert [t.text() for t in svg.css("text.date")] == [f"{m.month}/{m.day}" for m in mondays]
        below = [
            w
            for w in weeks
            if w.attributes["data-judged"] == "true" and w.attributes["data-below"] == "true"
        ]
        found = re.search(r"每周更新的内容少于2次,发现(\d+)次", problems)
        assert len(below) == (int(found[1]) if found else 0), name
        # a quarter that does not start on a Monday and end on a Sunday: partial weeks, 未判定
        partial = [m for m in mondays if m < _QUARTER.start or m + timedelta(days=6) > _QUARTER.end]
        for week in weeks:
            if date.fromisoformat(str(week.attributes["data-monday"])) in partial:
                assert week.attributes["data-judged"] == "false"
                title = week.css_first("title")
                assert title is not None
                assert "未判定" in title.text()
    code, _, err = crawl(crawled, "report", *DEMO_QUARTER, "--format", "md", "--charts")
    assert code == 2
    assert "--charts draws the charts of the HTML report" in err


def test_a_saved_export_renders_the_same_report(crawled: Crawled, tmp_path: Path) -> None:
    saved = tmp_path / "export.json"
    code, _, err = crawl(
        crawled, "findings", *DEMO_QUARTER, "--format", "json", "--out", str(saved)
    )
    assert code == 0, err
    assert "publishing" in json.loads(saved.read_text(encoding="utf-8"))
    code, direct, err = crawl(crawled, "report", *DEMO_QUARTER)
    assert code == 0, err
    code, rendered, err = crawl(crawled, "report", "--from-export", str(saved))
    assert code == 0, err
    assert rendered == direct
    out = tmp_path / "from-export.docx"
    code, _, err = crawl(
        crawled, "report", "--from-export", str(saved), "--format", "docx", "--out", str(out)
    )
    assert code == 0, err
    assert Document(io.BytesIO(out.read_bytes())).tables


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--format", "docx"), "give --out FILE.docx"),
        (("--format", "xlsx"), "give --out FILE.xlsx"),
        (("--period", "2022Q9"), "--period: "),
        (("--portal", "nope"), "--portal nope: no such site in the export"),
        (("--from-export", "missing.json"), "file not found"),
        (("--from-export", "x.json", "--as-of", "2022-06-30"), "--as-of does not apply"),
    ],
)
def test_bad_options_are_one_clear_error(
    crawled: Crawled, args: tuple[str, ...], message: str
) -> None:
    code, _, err = crawl(crawled, "report", *args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_a_file_that_is_not_an_export_is_a_clear_error(crawled: Crawled, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "something/else"}', encoding="utf-8")
    code, _, err = crawl(crawled, "report", "--from-export", str(bad))
    assert code == 2
    assert "is not a findings export" in err
    bad.write_text("{not json", encoding="utf-8")
    code, _, err = crawl(crawled, "report", "--from-export", str(bad))
    assert code == 2
    assert "not JSON (line 1" in err

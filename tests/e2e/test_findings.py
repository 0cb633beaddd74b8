"""`crawl findings`: re-evaluation from stored history, and the export in every format."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime
from pathlib import Path

import jsonschema
import pytest
from openpyxl import load_workbook

from crawler.demo import demo_period
from rules.model import SHANGHAI
from tests.support.cli import run_crawl
from tests.support.demo_crawl import DemoCrawl
from tests.support.notice import NOTICE_ACCOUNT_ROWS, NOTICE_PROBLEMS

ROOT = Path(__file__).parents[2]
TODAY = datetime.now(SHANGHAI).date()
_QUARTER = demo_period(TODAY)
# The demo judges its accounts over the last complete quarter, with what it crawled today.
DEMO_QUARTER = (
    "--period",
    f"{_QUARTER.start.year}Q{(_QUARTER.start.month - 1) // 3 + 1}",
    "--as-of",
    TODAY.isoformat(),
)


def documented_schema() -> dict[str, object]:
    text = (ROOT / "docs" / "findings-schema.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"```json\n(.*?)\n```", text, re.S)
    schema: dict[str, object] = json.loads(block)
    return schema


@pytest.fixture
def crawled(demo_crawl: DemoCrawl) -> tuple[dict[str, str], Path, Path]:
    """The demo crawled once (the session's crawl); the fleet is gone — no crawl is needed."""
    return demo_crawl.env, demo_crawl.targets, demo_crawl.db


def findings(crawled: tuple[dict[str, str], Path, Path], *args: str) -> tuple[int, str, str]:
    env, targets, db = crawled
    result = run_crawl("findings", "--targets", str(targets), "--db", str(db), *args, env=env)
    return result.returncode, result.stdout, result.stderr


def test_json_export_follows_the_documented_schema(
    crawled: tuple[dict[str, str], Path, Path],
) -> None:
    code, out, err = findings(crawled, *DEMO_QUARTER, "--format", "json")
    assert code == 0, err
    export = json.loads(out)
    jsonschema.validate(export, documented_schema())
    assert {s["name"]: s["problems"] for s in export["sites"]} == NOTICE_PROBLEMS
    assert export["totals"]["sites"] == {
        "checked": 20,
        "passed": 20,
        "unknown": 0,
        "pass_rate": 1.0,
    }
    assert export["totals"]["accounts"] == {
        "checked": 98,
        "passed": 98,
        "unknown": 0,
        "pass_rate": 1.0,
    }
    rows = sorted(
        (a["name"], a["type"], a["score"], a["problems"])
        for a in export["accounts"]
        if a["problems"] != "无问题"
    )
    assert rows == NOTICE_ACCOUNT_ROWS
    first_seen = [f["first_seen"] for s in export["sites"] for f in s["findings"]]
    assert first_seen
    assert all(first_seen)


def test_a_moment_before_any_crawl_is_not_checked(
    crawled: tuple[dict[str, str], Path, Path],
) -> None:
    code, out, err = findings(crawled, "--as-of", "2020-01-01", "--format", "json")
    assert code == 0, err
    assert "have no stored fetch" in err
    export = json.loads(out)
    jsonschema.validate(export, documented_schema())
    assert {s["result"] for s in export["sites"]} == {"无法判定"}
    assert export["totals"]["sites"]["checked"] == 0
    assert all(s["findings"] == [] for s in export["sites"])


def test_csv_has_one_row_per_finding(crawled: tuple[dict[str, str], Path, Path]) -> None:
    code, out, err = findings(crawled, "--format", "csv", "--site", "yjj")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [row["问题"] for row in rows] == [
        "安全生产应更新但长期未更新",
        "宣传教育应更新但长期未更新",
        "防火防汛抗旱应更新但长期未更新",
    ]
    assert all(row["网址"].startswith("http://127.0.0.1:") and row["最新信息日期"] for row in rows)


def test_xlsx_holds_the_notice_rows(
    crawled: tuple[dict[str, str], Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "report.xlsx"
    code, _, err = findings(crawled, *DEMO_QUARTER, "--format", "xlsx", "--out", str(out))
    assert code == 0, err
    book = load_workbook(out)
    assert book.sheetnames == [
        "网站检查情况",
        "问题明细",
        "政务新媒体检查情况",
        "未能判定",
        "互动交流办理情况",
        "超期未回应留言",
        "我为政府网站找错",
    ]
    # the portal's 网上咨询 board: 83 letters a quarter, the last three answered after 40 days
    (header, board) = book["互动交流办理情况"].iter_rows(values_only=True)
    assert header[:6] == ("网站名称", "栏目", "类型", "受理", "办结", "办结率")
    assert board[:4] == ("济源市人民政府", "网上咨询", "咨询", 83)
    assert 80 <= board[4] <= 83
    assert board[10] == "是"  # read back a year, whole
    assert len(list(book["超期未回应留言"].iter_rows())) == 1  # its header: none late
    assert len(list(book["我为政府网站找错"].iter_rows())) == 1  # nothing imported
    rows = list(book["网站检查情况"].iter_rows(values_only=True))
    assert rows[0] == ("序号", "网站名称", "检查结果", "分数", "存在问题")
    assert {row[1]: row[4] for row in rows[1:]} == NOTICE_PROBLEMS
    assert {row[2] for row in rows[1:]} == {"合格"}
    accounts = list(book["政务新媒体检查情况"].iter_rows(values_only=True))
    assert accounts[0] == ("序号", "名称", "类型", "检查结果", "分数", "存在问题")
    assert len(accounts) == 99
    problems = sorted((r[1], r[2], r[4], r[5]) for r in accounts[1:] if r[5] != "无问题")
    assert problems == NOTICE_ACCOUNT_ROWS


def test_since_keeps_only_new_problems(crawled: tuple[dict[str, str], Path, Path]) -> None:
    code, out, err = findings(crawled, "--since", "2999-01-01", "--format", "json")
    assert code == 0, err
    assert all(s["findings"] == [] for s in json.loads(out)["sites"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--period", "2022Q9"), "--period: "),
        (("--format", "xlsx"), "give --out FILE.xlsx"),
        (("--period", "2022Q2", "--from", "2022-06-01", "--to", "2022-06-30"), "give one of"),
        (("--from", "2022-06-01"), "--from and --to go together"),
        (("--site", "nope"), "no site with id nope"),
    ],
)
def test_bad_options_are_one_clear_error(
    crawled: tuple[dict[str, str], Path, Path], args: tuple[str, ...], message: str
) -> None:
    code, _, err = findings(crawled, *args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err

"""`crawl import posts`: an account no source can read (a WeChat 公众号) judged from an
exported post list, only over the span the file covers — the real CLI, a real SQLite."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from tests.support.cli import run_crawl

TARGETS = """\
profile: jiyuan
accounts:
  - id: wx
    name: 济源发布
    platform: 订阅号
    source: {imports: true}
  - id: wx2
    name: 济源教育
    platform: 订阅号
    source: {imports: true}
"""


def _rows(last: date) -> list[list[str]]:
    """Two posts a week from 2026-07-01 to ``last``, but one in the week of 2026-08-10."""
    rows = [["账号", "标题", "发布时间", "链接"]]
    day = date(2026, 7, 1)
    n = 0
    while day <= last:
        monday = day - timedelta(days=day.weekday())
        if day.weekday() in (2, 4) and not (monday == date(2026, 8, 10) and day.weekday() == 4):
            n += 1
            rows.append(
                [
                    "济源发布",
                    f"工作动态第{n}期",
                    f"{day.isoformat()} 09:30",
                    f"https://mp.example/{n}",
                ]
            )
        day += timedelta(days=1)
    return rows


def _csv(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("\n".join(",".join(row) for row in rows) + "\n", encoding="utf-8-sig")
    return path


def _env(tmp_path: Path) -> tuple[str, ...]:
    targets = tmp_path / "targets.yaml"
    targets.write_text(TARGETS, encoding="utf-8")
    return ("--targets", str(targets), "--db", str(tmp_path / "x.sqlite3"))


def _findings(common: tuple[str, ...]) -> dict[str, Any]:
    found = run_crawl(
        "findings", *common, "--account", "wx", "--period", "2026Q3", "--as-of", "2026-10-15",
        "--format", "json",
    )  # fmt: skip
    assert found.returncode == 0, found.stderr
    (account,) = json.loads(found.stdout)["accounts"]
    assert isinstance(account, dict)
    return account


def test_an_imported_account_is_judged_over_the_quarter_it_covers(tmp_path: Path) -> None:
    common = _env(tmp_path)
    file = _csv(tmp_path / "wechat.csv", _rows(date(2026, 9, 30)))
    first = run_crawl("import", "posts", str(file), *common, "--until", "2026-09-30", "--json")
    assert first.returncode == 0, first.stderr
    (done,) = json.loads(first.stdout)
    assert (done["account"], done["new_posts"], done["already_imported"]) == ("wx", 26, False)

    again = run_crawl("import", "posts", str(file), *common, "--until", "2026-09-30", "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)[0]["already_imported"] is True
    with sqlite3.connect(tmp_path / "x.sqlite3") as conn:
        assert conn.execute("SELECT count(*) FROM posts").fetchone()[0] == 26

    account = _findings(common)
    weeks = {w["monday"]: w for w in account["weeks"]}
    assert (weeks["2026-08-10"]["judged"], weeks["2026-08-10"]["posts"]) == (True, 1)
    assert (weeks["2026-09-21"]["judged"], weeks["2026-09-21"]["posts"]) == (True, 2)
    weekly = [f for f in account["findings"] if f["rule"] == "account-weekly-posts"]
    assert [f["occurrences"] for f in weekly] == [1]


def test_weeks_after_the_file_are_never_fewer_than_two_posts(tmp_path: Path) -> None:
    common = _env(tmp_path)
    file = _csv(tmp_path / "wechat.csv", _rows(date(2026, 8, 30)))  # September not in it
    result = run_crawl("import", "posts", str(file), *common)
    assert result.returncode == 0, result.stderr
    assert "2026-07-01 – 2026-08-28" in result.stdout
    account = _findings(common)
    weeks = {w["monday"]: w for w in account["weeks"]}
    assert weeks["2026-09-14"] == {
        "monday": "2026-09-14",
        "posts": 0,
        "judged": False,
        "reason": "not-fetched-after",
    }
    assert not [f for f in account["findings"] if f["rule"] == "account-weekly-posts"]
    reasons = {n["rule"]: n["reason"] for n in account["not_judged"]}
    assert "未判断" in reasons["account-weekly-posts"]


def test_an_xlsx_export_reads_like_a_csv(tmp_path: Path) -> None:
    common = _env(tmp_path)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [["account", "title", "published", "url"], ["wx2", "开学通知", "2026-09-01", ""]]:
        sheet.append(row)
    book.save(tmp_path / "export.xlsx")
    result = run_crawl("import", "posts", str(tmp_path / "export.xlsx"), *common, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["new_posts"] == 1


def test_a_file_with_bad_rows_is_refused_whole_with_each_problem(tmp_path: Path) -> None:
    common = _env(tmp_path)
    rows = [
        ["账号", "标题", "发布时间"],
        ["济源发布", "正常一条", "2026-09-01 08:00"],
        ["不存在的号", "一条", "2026-09-02"],
        ["wx", "", "2026-09-03"],
        ["wx", "日期错", "2026-13-40"],
        ["wx", "未来", "2099-01-01"],
    ]
    result = run_crawl("import", "posts", str(_csv(tmp_path / "bad.csv", rows)), *common)
    assert result.returncode == 2, result.stderr
    for expected in (
        "4 problem(s), nothing imported",
        "row 3: no account '不存在的号' in the targets file",
        "row 4: the title is empty",
        "row 5: the publication time '2026-13-40' is not a date",
        "row 6: published 2099-01-01 00:00, which is after now",
    ):
        assert expected in result.stderr, result.stderr
    with sqlite3.connect(tmp_path / "x.sqlite3") as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        if "posts" in tables:
            assert conn.execute("SELECT count(*) FROM posts").fetchone()[0] == 0


def test_a_header_without_the_needed_columns_says_which(tmp_path: Path) -> None:
    common = _env(tmp_path)
    result = run_crawl(
        "import", "posts", str(_csv(tmp_path / "h.csv", [["名字", "内容"], ["wx", "x"]])), *common
    )
    assert result.returncode == 2
    assert "names no column for account, published" in result.stderr

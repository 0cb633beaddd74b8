"""The demo's simulated 2022Q2 writes the seed notice (tests/fixtures/notice/2022Q2.txt).

``crawl demo --period 2022Q2 --report md`` runs the fleet through the quarter (a few minutes,
once for the whole test run) and renders the notice; every section is compared with the
seed's, sentence by sentence and figure by figure, and must equal it but for exactly the
differences docs/demo-quarter.md lists, each with its reason (the seed's own slips among them).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from crawler.demo.server import ipv6_loopback_available
from tests.support.cli import run_crawl
from tests.support.notice import (
    NOTICE_ACCOUNT_ROWS,
    NOTICE_DEPARTMENT_ROWS,
    NOTICE_DISCLOSURE_TOTAL,
    NOTICE_PROBLEMS,
    NOTICE_TOWN_ROWS,
)
from tests.support.seed_notice import (
    PROSE,
    TABLES,
    Notice,
    apply,
    documented_differences,
    read_notice,
    seed_notice,
)

pytestmark = pytest.mark.skipif(
    not ipv6_loopback_available(),
    reason="this machine has no IPv6 loopback (::1): the demo's quarter skips its IPv6 checks "
    "and its notice cannot say 20个政府网站已全部完成IPv6升级改造",
)

QUARTER = ("demo", "--period", "2022Q2")
# 2022Q2 in UTC: every stored time of the simulated quarter lies within it
QUARTER_START_UTC = "2022-03-31 16:00:00"
QUARTER_END_UTC = "2022-06-30 16:00:00"


@dataclass(frozen=True)
class Quarter:
    env: dict[str, str]
    home: Path
    markdown: str  # the notice, as `crawl demo --period 2022Q2 --report md` printed it
    stderr: str

    @property
    def db(self) -> Path:
        return self.home / "demo-2022Q2.sqlite3"


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed
        yield


@pytest.fixture(scope="session")
def quarter(tmp_path_factory: pytest.TempPathFactory) -> Quarter:
    """The quarter simulated and its notice rendered once for the whole run (xdist workers
    share it: the first to ask runs it, the others wait on a lock file)."""
    base = tmp_path_factory.getbasetemp()
    home = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "quarter-home"
    home.mkdir(parents=True, exist_ok=True)
    env = {"XUNJIAN_HOME": str(home)}
    notice, err = home / "notice.md", home / "stderr.txt"
    with _locked(home / ".lock"):
        if not notice.is_file():
            result = run_crawl(*QUARTER, "--report", "md", "--port", "0", env=env, timeout=1800)
            assert result.returncode == 0, result.stderr
            err.write_text(result.stderr, encoding="utf-8")
            notice.write_text(result.stdout, encoding="utf-8")
    return Quarter(
        env=env,
        home=home,
        markdown=notice.read_text(encoding="utf-8"),
        stderr=err.read_text(encoding="utf-8"),
    )


@pytest.fixture(scope="session")
def rendered(quarter: Quarter) -> Notice:
    return read_notice(quarter.markdown)


def test_the_quarter_ran_first_then_rendered(quarter: Quarter) -> None:
    assert "2022Q2: not simulated in" in quarter.stderr  # a fresh home: the quarter ran first
    assert "2022-04-01 02:00 crawl 1:" in quarter.stderr
    assert "2022-06-30 02:00 crawl 14:" in quarter.stderr
    assert "IPv6 checks ok 280" in quarter.stderr  # 14 rounds of 20 sites, every one over ::1
    assert "Traceback" not in quarter.stderr


@pytest.mark.parametrize("section", [*PROSE, *TABLES])
def test_section_equals_the_seed_but_for_the_documented_differences(
    rendered: Notice, section: str
) -> None:
    differences = [d for d in documented_differences() if d.section == section]
    expected = apply(seed_notice().text(section), differences)
    assert rendered.text(section) == expected


def test_the_documented_differences_name_known_sections() -> None:
    differences = documented_differences()
    assert differences
    assert {d.section for d in differences} <= set(PROSE) | set(TABLES)
    assert all(d.why for d in differences)


def test_the_seeds_figures(rendered: Notice) -> None:
    """The figures the issue names, read plainly (the golden comparison above covers all)."""
    overall = rendered.text("一(一)")
    assert "政府网站共20个，检查20个，检查率100%，其中：合格20个，合格率为100%" in overall
    assert "20个政府网站已全部完成IPv6升级改造" in overall  # measured over ::1, by name
    assert "政务新媒体共98个，检查98个，检查率100%，其中：合格98个，合格率为100%" in overall
    basic = rendered.text("三(一)")
    assert "村居550个" in basic
    assert f"公开信息共{NOTICE_DISCLOSURE_TOTAL}条" in basic
    sites = rendered.tables["附件1"]
    assert {row[1]: row[3] for row in sites[1:]} == NOTICE_PROBLEMS
    assert {row[2] for row in sites[1:]} == {"合格"}
    accounts = [(r[1], r[2], int(r[3]), r[4]) for r in rendered.tables["附件2"][1:]]
    assert sorted(accounts) == NOTICE_ACCOUNT_ROWS
    units = rendered.tables["附件3"]
    departments = units[1 : 1 + len(NOTICE_DEPARTMENT_ROWS)]
    towns = units[2 + len(NOTICE_DEPARTMENT_ROWS) :]
    assert [(int(n), name, int(c)) for n, name, c in departments] == NOTICE_DEPARTMENT_ROWS
    assert [(int(n), name, int(c)) for n, name, c in towns] == NOTICE_TOWN_ROWS


def test_every_stored_time_is_simulated(quarter: Quarter) -> None:
    """Fetches, probes, link and IPv6 checks, reads and runs are stored at their simulated
    times in the quarter, never at the wall clock's."""
    stamped = {
        "snapshots": "fetched_at",
        "account_fetches": "fetched_at",
        "probes": "probed_at",
        "link_checks": "checked_at",
        "ipv6_checks": "checked_at",
        "disclosure_reads": "read_at",
        "runs": "finished_at",
        "findings": "created_at",
        "items": "last_seen",
        "posts": "last_seen",
    }
    with sqlite3.connect(quarter.db) as db:
        for table, column in stamped.items():
            first, last, count = db.execute(
                f"SELECT min({column}), max({column}), count(*) FROM {table}"
            ).fetchone()
            assert count > 0, table
            assert QUARTER_START_UTC <= first <= last < QUARTER_END_UTC, (table, first, last)
        runs = db.execute("SELECT started_at, status FROM runs ORDER BY id").fetchall()
    assert len(runs) == 14
    assert {status for _, status in runs} == {"completed"}
    days = [datetime.fromisoformat(started).date().isoformat() for started, _ in runs]
    # 02:00 in Asia/Shanghai is 18:00 UTC the day before
    assert days[0] == "2022-03-31"
    assert days[-1] == "2022-06-29"


def test_the_report_reuses_the_quarter_in_every_format(quarter: Quarter, tmp_path: Path) -> None:
    again = run_crawl(*QUARTER, "--report", "md", env=quarter.env)
    assert again.returncode == 0, again.stderr
    assert "not simulated" not in again.stderr  # the database holds the quarter
    assert again.stdout == quarter.markdown
    docx, xlsx = tmp_path / "2022Q2.docx", tmp_path / "2022Q2.xlsx"
    for fmt, out in (("docx", docx), ("xlsx", xlsx)):
        result = run_crawl(*QUARTER, "--report", fmt, "--out", str(out), env=quarter.env)
        assert result.returncode == 0, result.stderr
    tables = Document(str(docx)).tables
    assert [tuple(c.text for c in row.cells)[1:] for row in tables[0].rows][1:] == [
        (name, "合格", problems) for name, problems in NOTICE_PROBLEMS.items()
    ]
    assert "附件2" in load_workbook(xlsx).sheetnames
    html = run_crawl(*QUARTER, "--report", "html", env=quarter.env)
    assert html.returncode == 0, html.stderr
    assert "20个政府网站已全部完成IPv6升级改造" in html.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("demo", "--report", "md"), "give --period too"),
        (("demo", "--period", "2022-05"), "the demo simulates a quarter"),
        (("demo", "--period", "2022Q9"), "--period: "),
        (("demo", "--period", "2022Q2", "--as-of", "2022-06-30"), "--as-of does not apply"),
        (("demo", "--period", "2022Q2", "--report", "docx"), "give --out FILE.docx"),
    ],
)
def test_bad_options_are_one_clear_error(
    args: tuple[str, ...], message: str, tmp_path: Path
) -> None:
    result = run_crawl(*args, env={"XUNJIAN_HOME": str(tmp_path)})
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.iterdir())  # nothing simulated, nothing stored

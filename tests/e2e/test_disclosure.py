"""The demo's 政务公开 units reproduce 附件3 and the problems of section 三 of the notice."""

from __future__ import annotations

import json
from typing import Any

from tests.support.cli import run_crawl
from tests.support.demo_crawl import DemoCrawl
from tests.support.notice import (
    NOTICE_DEPARTMENT_ROWS,
    NOTICE_DISCLOSURE_PROBLEMS,
    NOTICE_DISCLOSURE_TOTAL,
    NOTICE_TOWN_ROWS,
)


def _rows(section: dict[str, Any], level: str) -> list[tuple[int, str, int]]:
    """附件3's rows: by count, most first; ties in the targets file's order."""
    units = [u for u in section["units"] if u["level"] == level]
    ranked = sorted(units, key=lambda u: -u["published"])
    return [(n, u["name"], u["published"]) for n, u in enumerate(ranked, start=1)]


def test_demo_disclosure_reproduces_attachment_3(demo_crawl: DemoCrawl) -> None:
    section = demo_crawl.data["disclosure"]

    assert _rows(section, "department") == NOTICE_DEPARTMENT_ROWS
    assert _rows(section, "town") == NOTICE_TOWN_ROWS
    assert section["totals"]["published"] == NOTICE_DISCLOSURE_TOTAL
    assert section["totals"]["by_level"]["department"]["units"] == 22
    assert section["totals"]["by_level"]["town"]["units"] == 18
    for unit in section["units"]:
        assert unit["complete"], unit["id"]
        for column in unit["columns"]:
            assert column["outcome"] == "ok", (unit["id"], column)
            if not column["overview"]:
                assert column["stopped"] in ("period_start", "last_page"), (unit["id"], column)
    # several pagination styles were followed past their first page
    assert {c["pages_read"] for u in section["units"] for c in u["columns"]} >= {1, 2, 3}

    problems = {(f["unit_name"], f["message"]) for f in section["findings"]}
    assert problems == NOTICE_DISCLOSURE_PROBLEMS
    for finding in section["findings"]:
        assert finding["severity"] == "problem"
        assert finding["evidence"]["url"].startswith("http://127.0.0.1:")
        assert finding["evidence"]["checked_at"]
        assert finding["evidence"]["threshold"]

    # The same counts from storage alone, with the demo's targets file and database.
    period = section["period"]["label"]
    stored = run_crawl(
        "disclosure",
        "--targets",
        str(demo_crawl.targets),
        "--db",
        str(demo_crawl.db),
        "--period",
        period,
        "--stored",
        "--json",
        env=demo_crawl.env,
    )
    assert stored.returncode == 0, stored.stderr
    again = json.loads(stored.stdout)
    assert _rows(again, "department") == NOTICE_DEPARTMENT_ROWS
    assert _rows(again, "town") == NOTICE_TOWN_ROWS

    tables = run_crawl(
        "disclosure",
        "--targets",
        str(demo_crawl.targets),
        "--db",
        str(demo_crawl.db),
        "--period",
        period,
        "--stored",
        "--unit",
        "zrzy",
        env=demo_crawl.env,
    )
    assert tables.returncode == 0, tables.stderr
    assert "自然资源和规划局" in tables.stdout
    assert "158" in tables.stdout
    assert "Traceback" not in tables.stderr

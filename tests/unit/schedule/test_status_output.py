"""What `crawl status` prints from given runs and failures (tables and JSON), and what the
metrics report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rich.console import Console

from crawler.operations.scheduler import Metrics, Nightly
from crawler.output.status import Status, print_status, status_to_dict
from rules.model import Outcome
from storage.records import RunStatus
from storage.runs import FailingAccount, FailingPage, RunSummary

NOW = datetime(2024, 3, 10, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai


def run(run_id: int, status: RunStatus, **changes: object) -> RunSummary:
    values: dict[str, object] = {
        "id": run_id,
        "scope": "all",
        "status": status,
        "started_at": NOW - timedelta(hours=10),
        "finished_at": NOW - timedelta(hours=9, minutes=30),
        "hostname": "box",
        "pid": 1,
        "pages_by_outcome": {"ok": 40, "timeout": 2},
        "accounts_by_outcome": {"ok": 3},
        "findings": 7,
    }
    return RunSummary(**(values | changes))  # type: ignore[arg-type]


def failing_page(
    site_id: str, column: str | None, outcome: Outcome, status: int | None
) -> FailingPage:
    return FailingPage(
        site_id=site_id,
        site_name=f"{site_id}局",
        column_id=column,
        column_name=column and f"{column}栏目",
        url=f"https://{site_id}.example.gov.cn/{column or ''}",
        outcome=outcome,
        status=status,
        detail="read timed out" if outcome is Outcome.TIMEOUT else None,
        fetched_at=NOW - timedelta(hours=10),
        run_id=12,
    )


STATE = Status(
    runs=[
        run(13, RunStatus.RUNNING, scope="jyty", finished_at=None, pages_by_outcome={"ok": 2}),
        run(12, RunStatus.COMPLETED),
        run(11, RunStatus.INTERRUPTED, error="CancelledError: "),
    ],
    last_full=run(12, RunStatus.COMPLETED),
    failing_pages=[
        failing_page("jyty", None, Outcome.TIMEOUT, None),
        failing_page("jyty", "tpxw", Outcome.BLOCKED, 412),
        failing_page("zjj", "bmys", Outcome.HTTP_ERROR, 500),
    ],
    failing_accounts=[
        FailingAccount(
            account_id="jyfb-weibo",
            name="济源发布",
            platform="weibo",
            url="http://rsshub:1200/weibo/user/1",
            outcome=Outcome.BLOCKED,
            status=432,
            detail=None,
            fetched_at=NOW - timedelta(hours=10),
            run_id=12,
        )
    ],
    open_findings={"column-stale": 4, "site-unreachable": 1},
    nightly=Nightly(),
    now=NOW,
)


def printed(state: Status) -> str:
    console = Console(width=200, record=True, color_system=None)
    with console.capture() as captured:
        print_status(console, state)
    return captured.get()


def test_the_table_shows_runs_next_time_and_failures() -> None:
    text = printed(STATE)
    assert "Recent runs (times in Asia/Shanghai)" in text
    assert "running" in text
    assert "interrupted" in text
    assert "ok 40 timeout 2" in text
    assert "30m00s" in text  # the duration
    assert "Last completed full run: #12, started 2024-03-10 02:00" in text
    assert "Next nightly run: 2024-03-11 02:00 (cron '0 2 * * *', Asia/Shanghai)" in text
    assert "Open problems: column-stale 4, site-unreachable 1" in text
    assert "Failing now: 3 pages on 2 sites, 1 accounts" in text
    assert "jyty局 (jyty)" in text
    assert "blocked (412) 1" in text
    assert "首页, tpxw栏目" in text
    assert "济源发布 (jyfb-weibo)" in text


def test_without_a_known_cron_the_next_run_is_not_claimed() -> None:
    state = Status(
        runs=[],
        last_full=None,
        failing_pages=[],
        failing_accounts=[],
        open_findings={},
        nightly=None,
        now=NOW,
    )
    text = printed(state)
    assert "No runs yet" in text
    assert "Last completed full run: none" in text
    assert "Next nightly run: not scheduled here" in text
    assert "Failing now: nothing" in text
    data = status_to_dict(state)
    assert data["next_nightly"] is None
    assert data["runs"] == []


def test_the_json_groups_failing_pages_by_site() -> None:
    data = status_to_dict(STATE)
    assert [r["id"] for r in data["runs"]] == [13, 12, 11]
    running, completed, interrupted = data["runs"]
    assert running["finished_at"] is None
    assert running["duration_s"] is None
    assert completed["started_at"] == "2024-03-10T02:00:00+08:00"
    assert completed["duration_s"] == 1800
    assert completed["pages"] == 42
    assert completed["pages_by_outcome"] == {"ok": 40, "timeout": 2}
    assert interrupted["error"] == "CancelledError: "
    assert data["next_nightly"] == {"cron": "0 2 * * *", "at": "2024-03-11T02:00:00+08:00"}
    assert [(s["site"], [p["column"] for p in s["pages"]]) for s in data["failing"]] == [
        ("jyty", [None, "tpxw"]),
        ("zjj", ["bmys"]),
    ]
    assert data["failing"][0]["pages"][1]["status"] == 412
    assert data["failing_accounts"][0]["outcome"] == "blocked"
    assert data["open_findings"] == {"column-stale": 4, "site-unreachable": 1}


def test_metrics_drop_codes_with_nothing_open() -> None:
    metrics = Metrics()
    metrics.set_open_findings({"column-stale": 4, "site-unreachable": 1})
    metrics.set_open_findings({"column-stale": 2})
    sample = metrics.registry.get_sample_value
    assert sample("xunjian_open_findings", {"code": "column-stale"}) == 2
    assert sample("xunjian_open_findings", {"code": "site-unreachable"}) is None
    metrics.observe_run(run(11, RunStatus.INTERRUPTED))
    assert sample("xunjian_runs_total", {"status": "interrupted"}) == 1
    assert sample("xunjian_fetches_total", {"outcome": "ok"}) == 43
    assert sample("xunjian_last_completed_full_run_timestamp_seconds") == 0  # none completed


def test_a_distributed_night_shows_how_far_its_jobs_are() -> None:
    from dataclasses import replace

    from storage.batches import BatchProgress

    batch = BatchProgress(
        id=4,
        created_at=NOW,
        reason="nightly",
        sites=200,
        accounts=98,
        jobs=201,
        runs_by_status={"completed": 150, "interrupted": 1, "running": 6},
        scopes_completed=150,
        scopes_running=6,
    )
    state = replace(STATE, batch=batch)
    text = printed(state)
    assert "Last distributed night: #4" in text
    assert "150 of 201 sites/account jobs completed, 6 running" in text
    assert "interrupted 1" in text
    assert "done" not in text.split("Last distributed night")[1].split("\n")[0]
    data = status_to_dict(state)["last_distributed_night"]
    assert (data["scopes_expected"], data["scopes_completed"], data["done"]) == (201, 150, False)
    assert status_to_dict(STATE)["last_distributed_night"] is None


def test_a_run_that_skipped_sites_says_how_many_and_why() -> None:
    from dataclasses import replace

    why = "held by run 11: still being crawled"
    skipping = run(14, RunStatus.COMPLETED, skipped_sites={"jyty": why, "gaj": why})
    state = replace(STATE, runs=[skipping, *STATE.runs])
    assert status_to_dict(state)["runs"][0]["skipped_sites"] == {"jyty": why, "gaj": why}
    assert status_to_dict(STATE)["runs"][0]["skipped_sites"] == {}
    assert "sites skipped" in printed(state)

"""The CLI over the whole demo fleet finds exactly the problems of the notice's 附件1."""

from __future__ import annotations

import json
from pathlib import Path

from crawler.demo.server import CHALLENGED_SITE
from rules.links import LINK_CODES
from tests.support.cli import run_crawl
from tests.support.demo_crawl import DemoCrawl
from tests.support.notice import NOTICE_ACCOUNT_ROWS, NOTICE_PROBLEMS

# Without link checks (--no-check-links) the demo's sites show the notice's problems less the
# one that is about images: a crawl of the fleet then takes seconds, not ~40 s (each homepage's
# links and images are checked one request at a time per host, spaced by the per-host delay
# and its jitter). The link checks are covered by test_demo_reproduces_the_notice and by
# tests/integration/linkcheck.
NOTICE_PROBLEMS_WITHOUT_LINK_CHECKS = {
    name: problems.replace("图片新闻图片不显示;", "") for name, problems in NOTICE_PROBLEMS.items()
}


def test_demo_reproduces_the_notice(demo_crawl: DemoCrawl) -> None:
    data = demo_crawl.data
    assert data["run"]["status"] == "completed"
    # Every page read; the site behind the script challenge (ggzy) through the browser.
    assert set(data["run"]["outcomes"]) == {"ok", "rendered"}, data["run"]["outcomes"]
    by_site = {site["id"]: site for site in data["sites"]}
    assert by_site[CHALLENGED_SITE]["homepage_outcome"] == "rendered"
    challenged_pages = 1 + len(by_site[CHALLENGED_SITE]["columns"])
    page_accounts = 3  # read off their platform pages (below)
    assert data["run"]["outcomes"]["rendered"] == challenged_pages + page_accounts
    assert {
        site["homepage_outcome"] for site in data["sites"] if site["id"] != CHALLENGED_SITE
    } == {"ok"}
    problems = {site["name"]: site["problems"] for site in data["sites"]}
    assert problems == NOTICE_PROBLEMS
    # As in the notice: all twenty sites 合格, the problems cost no points under national-2019.
    assert {(site["result"], site["score"], site["vetoes"] == []) for site in data["sites"]} == {
        ("合格", 100, True)
    }
    assert (data["run"]["checked"], data["run"]["passed"]) == (20, 20)

    # 附件2: the 98 accounts, all 合格, and exactly the notice's rows have problems.
    accounts = data["accounts"]
    assert len(accounts) == 98
    assert {a["result"] for a in accounts} == {"合格"}
    # Read from their feeds and APIs, and 3 off their platform pages in the browser.
    rendered = {a["id"] for a in accounts if a["outcome"] == "rendered"}
    assert rendered == {"jyfb-douyin", "gaj-toutiao", "sl-douyin"}
    assert {a["outcome"] for a in accounts if a["id"] not in rendered} == {"ok"}
    rows = sorted(
        (a["name"], a["type"], a["score"], a["problems"])
        for a in accounts
        if a["problems"] != "无问题"
    )
    assert rows == NOTICE_ACCOUNT_ROWS
    assert all(a["score"] == 100 for a in accounts if a["problems"] == "无问题")
    for account in accounts:
        for finding in account["findings"]:
            assert finding["code"] == "account-weekly-posts"
            assert finding["evidence"]["url"].startswith("http://127.0.0.1:")
    for site in data["sites"]:
        # No probe data yet: the availability veto is not judged, and says so.
        assert "site-unavailable" in {item["rule"] for item in site["not_judged"]}
    # Links and images: 生态环境局's 图片新闻 thumbnails do not display (a problem, as in the
    # notice); the portal's one dead link leads to another site (advisory, not in 附件1).
    link_findings = {
        (site["id"], f["code"], f["column"], f["severity"], f["message"])
        for site in data["sites"]
        for f in site["findings"]
        if f["code"] in LINK_CODES
    }
    assert link_findings == {
        ("sthj", "column-images-broken", "tpxw", "problem", "图片新闻图片不显示"),
        ("jiyuan-gov", "external-links-broken", None, "advisory", "首页存在1个不可用外部链接"),
    }
    for site in data["sites"]:
        for finding in site["findings"]:
            if finding["code"] in LINK_CODES:
                evidence = finding["evidence"]
                assert evidence["url"].startswith("http://127.0.0.1:")
                assert evidence["checked_at"]
                assert evidence["threshold"]
                assert "http://127.0.0.1:" in evidence["detail"]  # the broken URLs themselves
                continue
            assert finding["severity"] == "problem"
            evidence = finding["evidence"]
            assert evidence["url"].startswith("http://127.0.0.1:")
            assert evidence["newest_date"]
            assert evidence["newest_where"]
            assert evidence["threshold"]
            assert evidence["checked_at"]
        for column in site["columns"]:
            if column["category"] == "static":
                assert column["verdict"] == "static"
                continue
            assert column["items"] > 0, column
            assert column["dated_items"] == column["items"], column


def test_recrawl_is_conditional_and_a_dead_fleet_is_never_stale(
    home: dict[str, str], tmp_path: Path
) -> None:
    from datetime import date

    from crawler.demo import demo_fleet, serve_in_thread

    targets = tmp_path / "targets.yaml"
    running = serve_in_thread(demo_fleet(date.today()))  # noqa: DTZ011 - the fleet's local today
    try:
        running.write_targets(targets)
        fast = ("--per-host-delay", "0", "--no-check-links")
        first = run_crawl("--targets", str(targets), "--json", *fast, env=home)
        assert first.returncode == 0, first.stderr
        second = run_crawl("--targets", str(targets), "--json", *fast, env=home)
        assert second.returncode == 0, second.stderr
    finally:
        running.stop()
    one, two = json.loads(first.stdout), json.loads(second.stdout)
    assert two["run"]["outcomes"].get("not_modified", 0) > 0, two["run"]["outcomes"]
    assert two["run"]["new_items"] == 0
    problems = {s["name"]: s["problems"] for s in one["sites"]}
    assert {s["name"]: s["problems"] for s in two["sites"]} == problems
    assert problems == NOTICE_PROBLEMS_WITHOUT_LINK_CHECKS
    # The same problems are the same findings: first seen in the first run.
    first_seen = {
        (f["code"], f["site"], f["column"]): f["first_seen"]
        for s in one["sites"]
        for f in s["findings"]
    }
    assert first_seen
    assert {
        (f["code"], f["site"], f["column"]): f["first_seen"]
        for s in two["sites"]
        for f in s["findings"]
    } == first_seen
    assert two["run"]["resolved"] == 0

    # The fleet is stopped now: every page is unreachable, and nothing is "not updated".
    # (This crawl waits out the fetcher's retries of each refused connection: ~20 s.)
    dead = run_crawl("--targets", str(targets), "--json", "--site", "jyty", env=home)
    assert dead.returncode == 0, dead.stderr
    data = json.loads(dead.stdout)
    (site,) = data["sites"]
    assert site["problems"] == "无问题"
    assert site["result"] == "无法判定"
    codes = {f["code"] for f in site["findings"]}
    assert codes == {"site-unreachable", "column-unreachable"}
    assert all(c["verdict"] == "unreachable" for c in site["columns"])
    # An unreachable column proves nothing: its earlier problem is not "resolved".
    assert site["resolved"] == []
    assert data["run"]["resolved"] == 0


def test_demo_tables(home: dict[str, str]) -> None:
    result = run_crawl("demo", "--port", "0", env=home)
    assert result.returncode == 0, result.stderr
    # on a first run too: its targets beside its database, for `crawl serve --demo`
    assert (Path(home["XUNJIAN_HOME"]) / "demo.yaml").is_file()
    assert "政府网站检查情况" in result.stdout
    assert "应急管理局" in result.stdout
    assert "Traceback" not in result.stderr

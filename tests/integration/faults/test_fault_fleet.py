"""The fault fleet: every fault a site can show, crawled by the real CLI in one run.

One loopback fleet (``tests/support/faultfleet.py``, a process of its own) serves one page per
fault — timeouts, resets, 5xx, 429, 404, anti-bot challenges, redirect loops, an internal
redirect, bombs, lying charsets, huge, empty, truncated, malformed and nested bodies, dates in
the future — beside healthy pages and one really stale column. ``crawl --json`` crawls it, on
SQLite and on Postgres, and each page must end with its own named outcome: a fetch that failed
or was blocked is never "not updated" (no ``column-stale``, ``column-empty``,
``column-undated``, ``column-overdue`` and no site rule for it), the healthy pages are still
judged fresh and the stale one still stale, the run finishes with exit 0, in bounded time and
memory. docs/reliability.md names each fault with its outcome and what an operator should do.

Then ``kill -9`` midway (the fleet holds its answers, so the run cannot finish first) and a
rerun: the killed run is ``interrupted``, the rerun completes, nothing is lost or doubled and
its findings are those of an undisturbed run.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.support.cli import CRAWL

# slow: the fleet's timeouts take the crawl's whole deadline (`--timeout`) to end
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]
# A bound on a hang, not a speed target: a timed-out page takes its whole deadline.
RUN_BOUND_S = 180
MEMORY_BOUND_KIB = 1024 * 1024  # ru_maxrss is in KiB on Linux: 1 GiB
FETCH_TIMEOUT_S = 8  # `crawl --timeout`: the deadline of one fetch, retries included
FETCH_BOUND_S = FETCH_TIMEOUT_S + 3
HANG_S = 300  # past this a crawl is stopped and the test fails
STALENESS_CODES = frozenset(
    {
        "column-stale",
        "column-overdue",
        "column-empty",
        "column-undated",
        "homepage-not-updated",
        "columns-not-updated",
        "columns-overdue",
        "columns-empty",
        "policy-column-not-updated",
        "site-unavailable",
        "account-not-updated",
        "account-dormant",
        "account-weekly-posts",
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    """One page of the fleet and what an undisturbed crawl must store and find for it."""

    site: str
    column: str | None  # None: the site's homepage
    name: str  # the column's name (栏目名称)
    listener: str  # the fleet's port: main, stall, stall-body, stall-home, blackhole
    path: str
    outcome: str  # the stored fetch outcome
    verdict: str  # the column's verdict ("reachable" for a homepage that loaded)
    code: str | None = None  # the one finding the page must get, if any
    severity: str = "unknown"  # of that finding
    status: int | None = None  # the stored HTTP status
    items: int = 0  # items stored for the page
    category: str = "news"
    slow: bool = False  # a timeout (the whole deadline): left out of the kill -9 runs

    @property
    def key(self) -> str:
        return f"{self.site}/{self.column or '(homepage)'}"


def fresh(site: str, column: str, name: str, path: str, *, category: str = "news") -> Page:
    """A healthy list page, items dated within the last 9 days."""
    return Page(
        site=site,
        column=column,
        name=name,
        listener="main",
        path=path,
        outcome="ok",
        verdict="fresh",
        status=200,
        items=4,
        category=category,
        slow=site == "home-timeout",
    )


def failed(
    column: str,
    name: str,
    path: str,
    outcome: str,
    *,
    status: int | None = None,
    listener: str = "main",
    slow: bool = False,
) -> Page:
    """A column of the ``fleet`` site whose fetch failed: ``column-unreachable``."""
    return Page(
        site="fleet",
        column=column,
        name=name,
        listener=listener,
        path=path,
        outcome=outcome,
        verdict="unreachable",
        code="column-unreachable",
        status=status,
        slow=slow,
    )


def blocked(column: str, name: str, path: str, status: int) -> Page:
    """A column of the ``fleet`` site answered by an anti-bot page: ``column-blocked``."""
    return Page(
        site="fleet",
        column=column,
        name=name,
        listener="main",
        path=path,
        outcome="blocked",
        verdict="blocked",
        code="column-blocked",
        status=status,
    )


def unjudged(column: str, name: str, path: str, verdict: str, *, items: int = 0) -> Page:
    """A column of the ``fleet`` site that loaded but cannot be judged (``column-<verdict>``)."""
    return Page(
        site="fleet",
        column=column,
        name=name,
        listener="main",
        path=path,
        outcome="ok",
        verdict=verdict,
        code=f"column-{verdict}",
        status=200,
        items=items,
    )


def homepage(
    site: str,
    path: str,
    outcome: str,
    verdict: str,
    code: str | None,
    *,
    status: int | None = None,
    listener: str = "main",
) -> Page:
    return Page(
        site=site,
        column=None,
        name="网站首页",
        listener=listener,
        path=path,
        outcome=outcome,
        verdict=verdict,
        code=code,
        status=status,
        items=4 if outcome == "ok" else 0,
        slow=site == "home-timeout",
    )


PAGES: tuple[Page, ...] = (
    # The fleet site: a healthy homepage, healthy columns, a stale one, and a column per fault.
    homepage("fleet", "/fresh/home/", "ok", "reachable", None, status=200),
    fresh("fleet", "news", "工作动态", "/fresh/news/"),
    fresh("fleet", "notice", "通知公告", "/fresh/notice/", category="notice"),
    Page(
        site="fleet",
        column="stale",
        name="图片新闻",
        listener="main",
        path="/stale/pics/",
        outcome="ok",
        verdict="stale",
        code="column-stale",  # the one real problem: proves the fleet can fail a column
        severity="problem",
        status=200,
        items=4,
    ),
    failed("read-timeout", "读超时", "/column/", "timeout", listener="stall", slow=True),
    failed(
        "body-timeout",
        "正文超时",
        "/column/",
        "timeout",
        status=200,
        listener="stall-body",
        slow=True,
    ),
    failed("connect-timeout", "连接超时", "/column/", "timeout", listener="blackhole", slow=True),
    failed("reset", "连接重置", "/reset/", "network_error"),
    failed("reset-body", "传输中断", "/reset-body/", "network_error", status=200),
    failed("http-500", "服务器错误", "/status/500/", "http_error", status=500),
    failed("http-502", "网关错误", "/status/502/", "http_error", status=502),
    failed("http-503", "服务不可用", "/status/503/", "http_error", status=503),
    failed("http-429", "请求过多", "/429/", "http_error", status=429),
    failed("http-404", "页面不存在", "/status/404/", "http_error", status=404),
    blocked("ruishu-412", "瑞数验证", "/ruishu-412/", 412),
    blocked("ruishu-200", "瑞数脚本页", "/ruishu-200/", 200),
    blocked("jsl-521", "加速乐验证", "/jsl-521/", 521),
    blocked("safedog-403", "安全狗拦截", "/safedog-403/", 403),
    failed("redirect-loop", "重定向循环", "/loop/a/", "redirect_loop", status=302),
    failed("to-internal", "内网跳转", "/to-internal/", "address_refused", status=302),
    failed("robots", "禁止抓取", "/private/", "robots_disallowed"),
    failed("gzip-bomb", "压缩炸弹", "/gzip-bomb/", "too_large", status=200),
    failed("huge", "超大页面", "/huge/", "too_large", status=200),
    failed("huge-declared", "超大声明", "/huge-declared/", "too_large", status=200),
    failed("pdf", "文件下载", "/pdf/", "not_html", status=200),
    failed("nul-bytes", "空字符页面", "/nul-bytes/", "not_html", status=200),
    fresh("fleet", "lying-charset", "编码错标", "/lying-charset/"),
    fresh("fleet", "lying-charset-no-meta", "编码未标", "/lying-charset-no-meta/"),
    fresh("fleet", "truncated", "截断页面", "/truncated/"),
    fresh("fleet", "malformed", "残缺页面", "/malformed/"),
    unjudged("nested", "深层嵌套", "/nested/", "unreadable"),
    unjudged("empty", "空白响应", "/empty/", "unreadable"),
    unjudged("soft-404", "软404", "/soft-404/", "unreadable"),
    unjudged("maintenance", "系统维护", "/maintenance/", "unreadable"),
    unjudged("future", "未来日期", "/future/", "misdated", items=4),
    # Sites whose homepage fails: judged unknown (never 首页不更新), their columns still read.
    homepage("home-reset", "/reset/home/", "network_error", "unreachable", "site-unreachable"),
    fresh("home-reset", "news", "工作动态", "/fresh/home-reset/"),
    homepage("home-blocked", "/ruishu-412/home/", "blocked", "blocked", "site-blocked", status=412),
    fresh("home-blocked", "news", "工作动态", "/fresh/home-blocked/"),
    homepage(
        "home-timeout", "/", "timeout", "unreachable", "site-unreachable", listener="stall-home"
    ),
    fresh("home-timeout", "news", "工作动态", "/fresh/home-timeout/"),
)
SITE_NAMES = {
    "fleet": "故障测试局",
    "home-reset": "首页重置局",
    "home-blocked": "首页拦截局",
    "home-timeout": "首页超时局",
}
# New-media accounts read from feeds: a healthy one and a billion-laughs XML bomb. The bomb's
# entities are never expanded; its one item is dated yesterday, so it is read as a post.
ACCOUNTS = {"feed-ok": "/feed/", "feed-bomb": "/feed-bomb/"}


# --- the fleet ----------------------------------------------------------------------------


class FleetProcess:
    """The running fleet: its ports, its request counts, its hold."""

    def __init__(self, ports: dict[str, int]) -> None:
        self.ports = ports
        self._open = urllib.request.build_opener(urllib.request.ProxyHandler({})).open

    def url(self, listener: str, path: str) -> str:
        return f"http://127.0.0.1:{self.ports[listener]}{path}"

    def hits(self) -> Counter[str]:
        with self._open(self.url("main", "/_fleet/hits"), timeout=10) as response:
            return Counter(json.load(response))

    def hold(self, *, after: int) -> None:
        """Answer ``after`` more requests, then hold every further one until ``release``."""
        self._post(f"/_fleet/hold?after={after}")

    def release(self) -> None:
        self._post("/_fleet/release")

    def _post(self, path: str) -> None:
        request = urllib.request.Request(self.url("main", path), data=b"", method="POST")
        with self._open(request, timeout=10) as response:
            response.read()

    def write_targets(self, path: Path, *, slow: bool) -> list[Page]:
        """The targets file of the fleet's pages (with ``slow``: the timeouts too); returns
        the pages it lists."""
        pages = [page for page in PAGES if slow or not page.slow]
        lines = ["sites:"]
        for site, name in SITE_NAMES.items():
            own = [page for page in pages if page.site == site]
            if not own:
                continue
            (home,) = (page for page in own if page.column is None)
            lines += [
                f"  - id: {site}",
                f"    name: {name}",
                f"    homepage: '{self.url(home.listener, home.path)}'",
                "    columns:",
            ]
            lines += [
                f"      - {{id: {page.column}, name: {page.name}, "
                f"url: '{self.url(page.listener, page.path)}', category: {page.category}}}"
                for page in own
                if page.column is not None
            ]
        lines.append("accounts:")
        lines += [
            f"  - {{id: {account}, name: {account}发布, platform: weibo, "
            f"source: {{feed: '{self.url('main', feed)}'}}}}"
            for account, feed in ACCOUNTS.items()
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return pages


@pytest.fixture
def fleet(tmp_path: Path) -> Iterator[FleetProcess]:
    """The fault fleet in a process of its own, stopped after the test."""
    port_file = tmp_path / "fleet-ports.json"
    log = tmp_path / "fleet.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.faultfleet", "--port-file", str(port_file)],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while not port_file.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the fault fleet did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.05)
        ports = json.loads(port_file.read_text(encoding="utf-8"))
        yield FleetProcess({k: v for k, v in ports.items() if k != "pid"})
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- databases ----------------------------------------------------------------------------


class Database:
    """A database the CLI crawls into (``url`` for ``--db``) and the test reads."""

    def __init__(self, url: str, *, sqlite_path: Path | None = None) -> None:
        self.url = url
        self._sqlite_path = sqlite_path

    def rows(self, statement: str) -> list[tuple[Any, ...]]:
        if self._sqlite_path is not None:
            with contextlib.closing(sqlite3.connect(self._sqlite_path, timeout=30)) as conn:
                return conn.execute(statement).fetchall()
        with psycopg.connect(self.url, connect_timeout=10) as conn:
            return [tuple(row) for row in conn.execute(statement).fetchall()]

    def value(self, statement: str) -> Any:
        rows = self.rows(statement)
        return rows[0][0] if rows else None


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], Database]]:
    """Makes fresh databases migrated to head, of one kind: copies of the session's migrated
    SQLite or Postgres template (``sqlite_template``, ``postgres_copies``:
    tests/integration/conftest.py; Postgres is skipped when ``XUNJIAN_TEST_DATABASE_URL`` is
    not set)."""
    made: list[str] = []
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")

        def make() -> Database:
            path = tmp_path / f"db{len(made)}.sqlite3"
            made.append(str(path))
            for suffix in ("", "-wal"):  # a WAL left over, should there be one
                source = template.with_name(template.name + suffix)
                if source.exists():
                    shutil.copyfile(source, path.with_name(path.name + suffix))
            return Database(str(path), sqlite_path=path)

        yield make
        return

    server, copies = request.getfixturevalue("postgres_copies")

    def make_postgres() -> Database:
        name = copies.take()
        made.append(name)
        url = make_url(server).set(drivername="postgresql", database=name)
        return Database(url.render_as_string(hide_password=False))

    try:
        yield make_postgres
    finally:
        for name in made:
            copies.give_back(name)


# --- the crawl ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Finished:
    returncode: int
    elapsed_s: float
    max_rss_kib: int  # of the crawl and the extraction workers it waited for
    stdout: str
    stderr: str

    def report(self) -> dict[str, Any]:
        assert self.returncode == 0, f"exit {self.returncode}\n{self.stderr[-5000:]}"
        report: dict[str, Any] = json.loads(self.stdout)
        return report


class Crawl:
    """``crawl --targets F --db URL --json`` in a process group of its own."""

    def __init__(self, targets: Path, db: Database, home: Path, log: Path) -> None:
        self._out = log.with_suffix(".json")
        self._err = log
        with self._out.open("wb") as out, self._err.open("wb") as err:
            self.process = subprocess.Popen(
                [
                    str(CRAWL),
                    "--targets",
                    str(targets),
                    "--db",
                    db.url,
                    "--json",
                    "--no-progress",
                    "--per-host-delay",
                    "0",
                    "--timeout",
                    str(FETCH_TIMEOUT_S),
                    "-v",
                ],
                cwd=targets.parent,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                env={**os.environ, "NO_COLOR": "1", "XUNJIAN_HOME": str(home)},
                start_new_session=True,  # its own process group: kill -9 takes the workers too
            )
        self.started = time.monotonic()

    def running(self) -> bool:
        """True while the crawl runs; an ended crawl is reaped and fails the test."""
        pid, status, _ = os.wait4(self.process.pid, os.WNOHANG)
        if pid == 0:
            return True
        self.process.returncode = os.waitstatus_to_exitcode(status)
        raise AssertionError(f"the crawl ended early:\n{self._err.read_text(errors='replace')}")

    def kill(self) -> None:
        """``kill -9`` the crawl's process group (its extraction workers too); reap the crawl."""
        if self.process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        os.wait4(self.process.pid, 0)
        self.process.returncode = -signal.SIGKILL

    def finish(self) -> Finished:
        """Wait for the crawl to end (stopping it past ``HANG_S``)."""
        while True:
            pid, status, usage = os.wait4(self.process.pid, os.WNOHANG)
            if pid != 0:
                break
            if time.monotonic() - self.started > HANG_S:
                self.kill()
                raise AssertionError(
                    f"the crawl hung (stopped after {HANG_S} s):\n"
                    f"{self._err.read_text(errors='replace')[-5000:]}"
                )
            time.sleep(0.1)
        elapsed = time.monotonic() - self.started
        self.process.returncode = os.waitstatus_to_exitcode(status)
        return Finished(
            returncode=self.process.returncode,
            elapsed_s=elapsed,
            max_rss_kib=usage.ru_maxrss,
            stdout=self._out.read_text(encoding="utf-8"),
            stderr=self._err.read_text(encoding="utf-8", errors="replace"),
        )


def crawl(targets: Path, db: Database, tmp_path: Path, label: str) -> Finished:
    return Crawl(targets, db, tmp_path / "home", tmp_path / f"{label}.log").finish()


def assert_bounded(done: Finished) -> None:
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stderr[-5000:]}"
    assert "Traceback" not in done.stderr, done.stderr[-5000:]
    assert "internal error" not in done.stderr
    assert done.elapsed_s < RUN_BOUND_S, f"the run took {done.elapsed_s:.0f} s"
    assert done.max_rss_kib < MEMORY_BOUND_KIB, f"the crawl peaked at {done.max_rss_kib} KiB"


# --- reading the run ----------------------------------------------------------------------


def judged_pages(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per page key: what the JSON says of it (outcome, status, verdict) and its findings
    other than advisories (for a homepage: the site's findings without a column)."""
    pages: dict[str, dict[str, Any]] = {}
    for site in report["sites"]:
        findings = [f for f in site["findings"] if f["severity"] != "advisory"]
        pages[f"{site['id']}/(homepage)"] = {
            "outcome": site["homepage_outcome"],
            "status": site["homepage_status"],
            "verdict": None,
            "findings": sorted((f["code"], f["severity"]) for f in findings if not f["column"]),
        }
        for column in site["columns"]:
            pages[f"{site['id']}/{column['id']}"] = {
                "outcome": column["outcome"],
                "status": column["status"],
                "verdict": column["verdict"],
                "findings": sorted(
                    (f["code"], f["severity"]) for f in findings if f["column"] == column["id"]
                ),
            }
    return pages


def findings_of(report: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """Every finding of the run (advisories too) as (site or account, column, code, severity,
    message)."""
    rows = [
        (site["id"], f["column"] or "", f["code"], f["severity"], f["message"])
        for site in report["sites"]
        for f in site["findings"]
    ]
    rows += [
        (account["id"], "", f["code"], f["severity"], f["message"])
        for account in report["accounts"]
        for f in account["findings"]
    ]
    return sorted(rows)


def logged_attempts(log: str) -> dict[str, list[int]]:
    """Per URL, the attempts of each fetch the crawl logged (``-v``: one line per fetch)."""
    attempts: dict[str, list[int]] = {}
    for match in _FETCH_LINE.finditer(log):
        attempts.setdefault(match["url"], []).append(int(match["attempts"]))
    return attempts


_FETCH_LINE = re.compile(
    r" fetch (?P<url>\S+) status=\S+ outcome=\S+ elapsed=\S+ attempts=(?P<attempts>\d+)"
)


def items_per_page(db: Database) -> dict[str, int]:
    rows = db.rows("SELECT site_id, column_id, count(*) FROM items GROUP BY site_id, column_id")
    return {f"{site}/{column or '(homepage)'}": count for site, column, count in rows}


def mismatches(pages: list[Page], report: dict[str, Any], db: Database) -> list[str]:
    """What differs from each page's expected outcome, verdict, finding and items."""
    judged = judged_pages(report)
    stored = items_per_page(db)
    wrong: list[str] = []
    for page in pages:
        seen = judged.get(page.key)
        if seen is None:
            wrong.append(f"{page.key}: not in the report")
            continue
        expected_findings = [(page.code, page.severity)] if page.code else []
        got = (seen["outcome"], seen["status"], seen["findings"], stored.get(page.key, 0))
        want = (page.outcome, page.status, expected_findings, page.items)
        if got != want:
            wrong.append(f"{page.key}: got (outcome, status, findings, items) {got}, want {want}")
        if page.column is not None and seen["verdict"] != page.verdict:
            wrong.append(f"{page.key}: verdict {seen['verdict']}, want {page.verdict}")
    return wrong


# --- the tests ----------------------------------------------------------------------------


def test_every_fault_has_its_own_outcome_and_no_false_finding(
    fleet: FleetProcess, databases: Callable[[], Database], tmp_path: Path
) -> None:
    db = databases()
    targets = tmp_path / "targets.yaml"
    pages = fleet.write_targets(targets, slow=True)

    done = crawl(targets, db, tmp_path, "crawl")

    assert_bounded(done)
    report = done.report()
    assert report["run"]["status"] == "completed"
    assert db.rows("SELECT status FROM runs") == [("completed",)]
    assert db.value("SELECT count(*) FROM site_leases") == 0  # no lease outlives its run
    wrong = mismatches(pages, report, db)
    assert not wrong, "pages judged otherwise than expected:\n" + "\n".join(wrong)

    # The only problem is the really stale column; nothing vetoes any site.
    problems = [f for f in findings_of(report) if f[3] == "problem"]
    assert [(site, column, code) for site, column, code, _, _ in problems] == [
        ("fleet", "stale", "column-stale")
    ]
    for site in report["sites"]:
        assert site["vetoes"] == [], site["id"]
        assert site["result"] in ("合格", "无法判定"), site["id"]
    assert not STALENESS_CODES & {f[2] for f in findings_of(report)} - {"column-stale"}

    # The accounts: both read, neither judged not updated; the bomb never expanded.
    accounts = {a["id"]: a for a in report["accounts"]}
    assert {a: accounts[a]["outcome"] for a in ACCOUNTS} == {"feed-ok": "ok", "feed-bomb": "ok"}
    assert all(not accounts[a]["findings"] for a in ACCOUNTS)
    longest = db.value("SELECT max(length(title)) FROM posts WHERE account_id = 'feed-bomb'")
    assert longest < 100

    # What the lying charsets said was read right.
    for column, word in (("lying-charset", "镕堃"), ("lying-charset-no-meta", "政务公开")):
        query = f"SELECT title FROM items WHERE column_id = '{column}'"
        titles = [row[0] for row in db.rows(query)]
        assert len(titles) == 4
        assert all(title.startswith(word) for title in titles), titles

    # Every fetch ended within its deadline, its retries bounded; every request the fleet saw
    # is an attempt the crawl logged; what is refused was never requested.
    assert db.value("SELECT max(elapsed_s) FROM snapshots") < FETCH_BOUND_S
    attempts = logged_attempts(done.stderr)
    hits = fleet.hits()
    for page, per_fetch in (("/429/", 3), ("/status/503/", 3), ("/status/404/", 1)):
        assert set(attempts[fleet.url("main", page)]) == {per_fetch}, page  # Retry-After kept
        assert hits[f"main {page}"] == sum(attempts[fleet.url("main", page)]), page
    for page in ("/ruishu-412/", "/jsl-521/", "/safedog-403/"):  # a challenge answers the same
        assert set(attempts[fleet.url("main", page)]) == {1}, page
        assert hits[f"main {page}"] == len(attempts[fleet.url("main", page)]), page
    assert not [path for path in hits if path.startswith("internal ")], hits
    assert hits["main /private/"] == 0  # robots.txt refused it


def test_a_run_killed_midway_then_rerun_loses_and_doubles_nothing(
    fleet: FleetProcess, databases: Callable[[], Database], tmp_path: Path
) -> None:
    targets = tmp_path / "targets.yaml"
    pages = fleet.write_targets(targets, slow=False)  # the timeouts would only add a minute

    reference_db = databases()
    reference = crawl(targets, reference_db, tmp_path, "reference")
    assert_bounded(reference)
    undisturbed = reference.report()
    assert not mismatches(pages, undisturbed, reference_db)

    # The fleet answers a few pages, then holds every request: the run is midway when killed.
    db = databases()
    fleet.hold(after=8)
    killed = Crawl(targets, db, tmp_path / "home", tmp_path / "killed.log")
    try:
        deadline = time.monotonic() + 60
        while (db.value("SELECT count(*) FROM snapshots") or 0) < 3:
            assert killed.running()
            assert time.monotonic() < deadline, "the crawl stored no pages within 60 s"
            time.sleep(0.1)
        assert killed.running()
    finally:
        killed.kill()
        fleet.release()
    stored = db.value("SELECT count(*) FROM snapshots")
    assert 3 <= stored < len(pages)
    assert db.rows("SELECT status FROM runs") == [("running",)]
    # Each page the killed run stored was stored whole, with its items.
    partial = (
        "SELECT count(*) FROM snapshots s WHERE s.outcome = 'ok' AND s.item_count > "
        "(SELECT count(*) FROM items i WHERE i.site_id = s.site_id "
        "AND coalesce(i.column_id, '') = coalesce(s.column_id, ''))"
    )
    assert db.value(partial) == 0

    rerun = crawl(targets, db, tmp_path, "rerun")

    assert_bounded(rerun)
    report = rerun.report()
    assert report["run"]["status"] == "completed"
    assert db.rows("SELECT status FROM runs ORDER BY id") == [("interrupted",), ("completed",)]
    assert db.value("SELECT count(*) FROM site_leases") == 0  # the dead run's were taken over
    # Nothing doubled: one snapshot per page and run; nothing lost: every page in the rerun.
    doubled = db.rows(
        "SELECT run_id, site_id, column_id, count(*) FROM snapshots "
        "GROUP BY run_id, site_id, column_id HAVING count(*) > 1"
    )
    assert doubled == []
    rerun_id = report["run"]["id"]
    assert db.value(f"SELECT count(*) FROM snapshots WHERE run_id = {rerun_id}") == len(pages)
    assert items_per_page(db) == items_per_page(reference_db)
    # The rerun judges as the undisturbed run did, page by page and finding by finding.
    assert revalidated(judged_pages(report)) == judged_pages(undisturbed)
    assert findings_of(report) == findings_of(undisturbed)
    tracked = "SELECT code, site_id, column_id, resolved_at FROM finding_states ORDER BY key"
    assert db.rows(tracked) == reference_db.rows(tracked)  # one finding each, none twice


def revalidated(pages: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """``pages`` as if each page answered ``304 Not Modified`` (to the validators of the page
    the killed run stored) had been read whole, as the undisturbed run read it."""
    return {
        key: {**seen, "outcome": "ok", "status": 200} if seen["outcome"] == "not_modified" else seen
        for key, seen in pages.items()
    }


def test_unclosed_formatting_tags_never_hide_the_newest_item(
    fleet: FleetProcess, tmp_path: Path
) -> None:
    targets = tmp_path / "targets.yaml"
    targets.write_text(
        "sites:\n"
        "  - id: font\n"
        "    name: 字体标签局\n"
        f"    homepage: '{fleet.url('main', '/fresh/font-home/')}'\n"
        "    columns:\n"
        f"      - {{id: meetings, name: 会议通报, "
        f"url: '{fleet.url('main', '/unclosed-formatting/')}', category: news}}\n",
        encoding="utf-8",
    )
    path = tmp_path / "font.sqlite3"
    db = Database(str(path), sqlite_path=path)

    done = crawl(targets, db, tmp_path, "font")

    if done.returncode != 0 or "Traceback" in done.stderr:  # not the bug: a real failure
        pytest.fail(f"the crawl failed, exit {done.returncode}:\n{done.stderr[-5000:]}")
    (site,) = done.report()["sites"]
    (column,) = site["columns"]
    assert [f["code"] for f in site["findings"] if f["severity"] == "problem"] == []
    assert (column["verdict"], column["items"]) == ("fresh", 6)

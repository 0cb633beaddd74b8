"""``crawl serve`` over the database of a real demo crawl, driven in headless Chromium the way
an inspector clicks: overview → a site → one of its findings, with the content checked on
each page and no console error anywhere; then the runs, the findings list, a report download
and the refusal to listen on another address without a token."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx

from rules.period import quarter_of
from tests.support.chromium import require_chromium
from tests.support.cli import CRAWL, run_crawl
from tests.support.demo_crawl import DemoCrawl


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def dashboard(demo: DemoCrawl, log: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """``crawl serve --demo`` (what the demo crawl left in its XUNJIAN_HOME) on a free port
    until the block ends; yields its base URL."""
    port = free_port()
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [str(CRAWL), "serve", "--demo", "--port", str(port), "--nightly", "0 2 * * *"],
            env={**os.environ, **demo.env, **(env or {})},
            stdout=subprocess.DEVNULL, stderr=stderr,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # a bound on a hang: the server answers within a second or two
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None:
                raise AssertionError(log.read_text())
            time.sleep(0.1)
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)


async def test_an_inspector_clicks_through_the_dashboard(
    demo_crawl: DemoCrawl, tmp_path: Path
) -> None:
    executable = require_chromium()
    from playwright.async_api import async_playwright

    with dashboard(demo_crawl, tmp_path / "serve.log") as base:
        errors: list[str] = []
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=executable, args=["--no-sandbox", "--disable-dev-shm-usage"]
            )
            page = await browser.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))

            response = await page.goto(base + "/")
            assert response is not None
            assert response.status == 200
            assert "script-src" not in (response.headers.get("content-security-policy") or "")
            text = await page.inner_text("main")
            assert "网站与政务新媒体巡检" in await page.title()
            for expected in ("网站", "政务新媒体", "政务公开单位", "未整改问题", "下次夜间检查"):
                assert expected in text
            assert "济源产城融合示范区住房和城乡建设局" in text
            sites = await page.locator("a[href^='/sites/']").count()
            assert sites == 20
            accounts = await page.locator("a[href^='/accounts/']").count()
            assert accounts == 98

            await page.click("a[href='/sites/zjj']")
            assert "/sites/zjj" in page.url
            site_text = await page.inner_text("main")
            assert "栏目" in site_text
            assert "未整改的问题" in site_text
            finding_links = page.locator("main a[href^='/findings/']")
            assert await finding_links.count() >= 1
            message = await finding_links.first.inner_text()
            await finding_links.first.click()
            finding_text = await page.inner_text("main")
            assert message in finding_text
            for expected in ("证据", "网址", "检查时间", "首次发现", "检查时保存的页面"):
                assert expected in finding_text

            await page.goto(base + "/accounts/cl-weibo")
            assert "每周发布数" in await page.inner_text("main")
            await page.goto(base + "/runs")
            assert "运行记录" in await page.inner_text("main")
            await page.goto(base + "/findings")
            assert "未整改" in await page.inner_text("main")
            await browser.close()
        assert errors == []

        async with httpx.AsyncClient(timeout=30) as client:
            missing = await client.get(base + "/sites/nope")
            assert missing.status_code == 404
            reports = await client.get(base + "/reports")
            assert reports.status_code == 200


def test_another_address_needs_a_token(demo_crawl: DemoCrawl, tmp_path: Path) -> None:
    refused = run_crawl(
        "serve", "--targets", str(demo_crawl.targets), "--db", str(demo_crawl.db),
        "--host", "0.0.0.0", "--port", str(free_port()), env=demo_crawl.env,
    )  # fmt: skip
    assert refused.returncode == 2
    assert "set XUNJIAN_WEB_TOKEN" in refused.stderr


async def test_the_token_is_asked_for(demo_crawl: DemoCrawl, tmp_path: Path) -> None:
    token = {"XUNJIAN_WEB_TOKEN": "s3cret"}
    with dashboard(demo_crawl, tmp_path / "serve.log", env=token) as base:
        async with httpx.AsyncClient(timeout=30) as client:
            assert (await client.get(base + "/")).status_code == 401
            assert (await client.get(base + "/healthz")).status_code == 200
            ok = await client.get(base + "/", auth=("any", "s3cret"))
            assert ok.status_code == 200
            bearer = await client.get(base + "/runs", headers={"Authorization": "Bearer s3cret"})
            assert bearer.status_code == 200
            wrong = await client.get(base + "/", auth=("any", "nope"))
            assert wrong.status_code == 401
            # The notice of the quarter the demo was crawled in, as crawl report renders it.
            quarter = quarter_of(datetime.now(UTC))
            label = f"{quarter.start.year}Q{(quarter.start.month - 1) // 3 + 1}"
            notice = await client.get(
                base + "/report", params={"period": label, "format": "md"}, auth=("a", "s3cret")
            )
            assert notice.status_code == 200, notice.text
            assert "attachment" in notice.headers["content-disposition"]
            assert "政府网站与政务新媒体检查情况" in notice.text
            docx = await client.get(
                base + "/report", params={"period": label, "format": "docx"}, auth=("a", "s3cret")
            )
            assert docx.status_code == 200
            assert docx.content[:2] == b"PK"

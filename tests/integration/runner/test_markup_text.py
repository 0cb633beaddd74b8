"""The real CLI prints crawled text that looks like rich markup as text, and exits 0.

A title "[/red]通知[/]" or an HTTP reason phrase "Oops [/bold]" once made `crawl`,
`crawl findings` and `crawl status` fail (exit 3): rich parsed them as markup.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from tests.support.cli import CRAWL

# slow: runs the crawl command in subprocesses
pytestmark = pytest.mark.slow

TITLE = "[/red]通知[/]"
REASON = "Oops [/bold]"


def _list(title: str) -> str:
    rows = "".join(
        f'<li><a href="/a/{i}.html">{title}{i}号文件</a><span>2020-01-0{i + 1}</span></li>'
        for i in range(5)
    )
    return f'<html><head><meta charset="utf-8"></head><body><ul>{rows}</ul></body></html>'


@pytest.fixture
async def base() -> AsyncIterator[str]:
    async def handle(request: web.Request) -> web.Response:
        if request.path == "/robots.txt":
            return web.Response(text="User-agent: *\nAllow: /\n")
        if request.path == "/broken/":
            return web.Response(status=500, reason=REASON, text="x")
        return web.Response(text=_list(TITLE), content_type="text/html", charset="utf-8")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def _crawl(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        str(CRAWL),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**env, "NO_COLOR": "1", "COLUMNS": "200"},
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=300)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_markup_like_titles_and_reasons_are_printed_as_text(
    base: str, tmp_path: Path
) -> None:
    targets, db = tmp_path / "t.yaml", tmp_path / "x.sqlite3"
    targets.write_text(
        "sites:\n"
        "  - id: s\n"
        f"    name: '{TITLE}站'\n"
        f"    homepage: '{base}/'\n"
        "    columns:\n"
        f"      - {{name: '{TITLE}', url: '{base}/tzgg/', category: news}}\n"
        f"      - {{name: 坏栏目, url: '{base}/broken/', category: news}}\n",
        encoding="utf-8",
    )
    env = {**os.environ, "XUNJIAN_HOME": str(tmp_path / "home")}
    common = ("--targets", str(targets), "--db", str(db))
    flags = ("--no-progress", "--per-host-delay", "0", "--no-check-links", "--as-of", "2022-06-30")
    for argv in (
        (*common, *flags, "--site", "s"),
        (*common, *flags),
        ("findings", *common, "--as-of", "2022-06-30"),
        ("status", "--db", str(db)),
    ):
        code, out, err = await _crawl(*argv, env=env)
        assert code == 0, (argv, err)
        assert "internal error" not in err
    code, out, err = await _crawl(*common, *flags, "--site", "s", env=env)
    assert TITLE in out
    assert REASON in out or "500" in out

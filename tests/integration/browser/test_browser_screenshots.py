"""`crawl --screenshots` photographs the pages that carry findings; `crawl findings
--evidence DIR` writes those pictures out, one per finding — real PNGs of the page."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import struct
from pathlib import Path

from tests.support.challenge_site import serve_challenge_site
from tests.support.cli import run_crawl


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def test_a_stale_columns_page_is_photographed_and_written_out(tmp_path: Path) -> None:
    async with serve_challenge_site() as site:
        targets = tmp_path / "targets.yaml"
        targets.write_text(
            "sites:\n"
            "  - id: shot\n"
            "    name: 截图测试局\n"
            f"    homepage: {site.url('/script-list/')}\n"
            "    columns:\n"
            f"      - {{id: news, name: 工作动态, url: '{site.url('/rs/news/')}', "
            "category: news}\n",
            encoding="utf-8",
        )
        db = tmp_path / "x.sqlite3"
        common = ("--targets", str(targets), "--db", str(db))
        crawled = await asyncio.to_thread(
            run_crawl, *common, "--as-of", "2027-06-01", "--screenshots",
            "--per-host-delay", "0", "--timeout", "8", "--no-check-links",
        )  # fmt: skip
        assert crawled.returncode in (0, 1), crawled.stderr
    with sqlite3.connect(db) as conn:
        shots = conn.execute("SELECT column_id, width, height FROM screenshots").fetchall()
        images = conn.execute("SELECT count(*) FROM screenshot_images").fetchone()[0]
    assert ("news", 1280) in {(column, width) for column, width, _ in shots}
    assert 1 <= images <= len(shots)  # each distinct image stored once

    out = tmp_path / "evidence"
    written = await asyncio.to_thread(
        run_crawl, *common, "findings", "--as-of", "2027-06-01", "--evidence", str(out)
    )
    assert written.returncode == 0, written.stderr
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    stale = [e for e in index if e["column"] == "news" and e["code"] == "column-stale"]
    assert stale, index
    entry = stale[0]
    assert entry["file"] == "shot__news__column-stale.png"
    assert entry["url"].endswith("/rs/news/")
    assert entry["taken_at"].endswith("+08:00")
    width, height = _png_size((out / entry["file"]).read_bytes())
    assert (width, height) == (entry["width"], entry["height"])
    assert width == 1280
    assert 100 <= height <= 3000
    assert "wrote" in written.stderr

    exported = await asyncio.to_thread(
        run_crawl, *common, "findings", "--as-of", "2027-06-01", "--format", "json"
    )
    assert exported.returncode == 0, exported.stderr
    found = [
        f
        for s in json.loads(exported.stdout)["sites"]
        for f in s["findings"]
        if (f["column"], f["code"]) == ("news", "column-stale")
    ]
    shot = found[0]["evidence"]["screenshot"]
    assert (shot["width"], shot["height"]) == (entry["width"], entry["height"])
    assert len(shot["sha256"]) == 64

    html = await asyncio.to_thread(
        run_crawl, *common, "report", "--period", "2026Q4", "--as-of", "2027-06-01",
        "--format", "html", "--screenshots", "--allow-incomplete",
    )  # fmt: skip
    assert html.returncode == 0, html.stderr
    appendix = html.stdout[html.stdout.index("附：问题页面截图") :]
    assert "截图测试局 · 工作动态" in appendix
    assert appendix.count("data:image/png;base64,") >= 1
    assert f'width="{shot["width"]}" height="{shot["height"]}"' in appendix


def test_report_screenshots_need_html_from_the_database(tmp_path: Path) -> None:
    result = run_crawl("report", "--format", "md", "--screenshots", "--db", str(tmp_path / "x"))
    assert result.returncode == 2, result.stderr
    assert "--screenshots embeds the stored screenshots in the HTML report" in result.stderr

"""``crawl demo --faults``'s site crawled alone by the real CLI: each problem it is built to
show is found with its evidence — the veto for a letter unanswered 100 days, the wording errors,
the hidden casino links, the ID numbers of the 低保 list (masked, with their sheet and row) —
and the old .doc is said not checked."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import yaml

from crawler.demo.faults import FAULTS_SITE, serve_faults
from rules.model import local_date
from tests.support.cli import run_crawl


async def test_the_faults_site_shows_each_problem(tmp_path: Path) -> None:
    site = serve_faults(local_date(datetime.now(UTC)))
    try:
        targets = tmp_path / "targets.yaml"
        targets.write_text(
            yaml.safe_dump({"sites": [site.targets_entry()]}, allow_unicode=True),
            encoding="utf-8",
        )
        common = ("--targets", str(targets), "--db", str(tmp_path / "x.sqlite3"))
        crawled = await asyncio.to_thread(
            run_crawl, "--no-browser", "--per-host-delay", "0", *common
        )
        assert crawled.returncode in (0, 1), crawled.stderr
        done = await asyncio.to_thread(run_crawl, "findings", "--format", "json", *common)
    finally:
        site.stop()
    assert done.returncode in (0, 1), done.stderr
    (faults,) = json.loads(done.stdout)["sites"]
    assert faults["id"] == FAULTS_SITE
    assert faults["result"] == "不合格"
    assert faults["vetoes"] == ["board-unanswered"]
    codes = {finding["code"] for finding in faults["findings"]}
    assert {"board-unanswered", "wording-serious", "wording-typo", "hidden-link"} <= codes
    (listing,) = [
        f
        for f in faults["findings"]
        if f["code"] == "personal-data-exposed" and "附件" in f["message"]
    ]
    assert (
        listing["message"]
        == "附件“低保对象名单.xlsx”疑似公开未脱敏的个人信息(身份证号3个、手机号3个)"
    )
    assert listing["evidence"]["newest_where"].startswith("工作表“低保对象”第")
    assert "4108" in listing["evidence"]["detail"]
    assert "13803910001" not in done.stdout

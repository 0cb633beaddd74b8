"""``crawl discover`` end to end through the installed console script."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from discover_site import ColumnSite

from tests.support.cli import run_crawl

# slow: each test runs the crawl command in a subprocess
pytestmark = pytest.mark.slow

ENV = {"XUNJIAN_TARGETS": "", "XUNJIAN_USER_AGENT": ""}


def test_a_url_prints_a_snippet_for_review(column_site: ColumnSite, tmp_path: Path) -> None:
    result = run_crawl(
        "discover", column_site.base + "/", "--max-pages", "3", "--per-host-delay", "0", env=ENV
    )
    assert result.returncode == 0, result.stderr
    assert len(column_site.page_hits) == 3
    document = yaml.safe_load(result.stdout)
    [site] = document["sites"]
    assert [c["name"] for c in site["columns"]] == ["工作动态", "通知公告", "人事信息"]
    assert [c["category"] for c in site["columns"]] == ["news", "notice", "plan"]
    assert "# TODO: review the site id" in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_json_lists_the_candidates(column_site: ColumnSite) -> None:
    result = run_crawl(
        "discover", column_site.base + "/", "--max-pages", "5", "--per-host-delay", "0",
        "--json", env=ENV,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["site_name"] == "某某县人民政府"
    assert document["links"] == 30
    assert len(document["fetched"]) == 5
    columns = {c["name"]: c for c in document["columns"]}
    assert columns["工作动态"]["category"] == "news"
    assert columns["工作动态"]["newest"] == "2026-11-20"
    assert columns["工作动态"]["dated"] == 8
    assert columns["机构概况"]["category"] == "static"
    assert columns["机构概况"]["column_type"] == "静态类"
    assert columns["部门预算"]["category"] is None


def test_site_from_the_targets_file(column_site: ColumnSite, tmp_path: Path) -> None:
    targets = tmp_path / "targets.yaml"
    targets.write_text(
        "version: 1\nsites:\n"
        f"  - id: mmx\n    name: 某某县人民政府\n    homepage: {column_site.base}/\n"
        "    columns:\n"
        f"      - {{name: 工作动态, url: '{column_site.base}/c0/', category: news}}\n",
        encoding="utf-8",
    )
    before = targets.read_text(encoding="utf-8")
    result = run_crawl(
        "discover", "--site", "mmx", "--targets", str(targets), "--max-pages", "2",
        "--per-host-delay", "0", env=ENV,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "  - id: mmx\n" in result.stdout
    assert "already in the targets file" in result.stdout
    assert targets.read_text(encoding="utf-8") == before  # never written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["targets.yaml"]


def test_an_unreadable_homepage_is_a_clear_error(column_site: ColumnSite) -> None:
    column_site.robots = "User-agent: *\nDisallow: /\n"
    result = run_crawl("discover", column_site.base + "/", env=ENV)
    assert result.returncode == 3
    assert "could not be read (robots.txt禁止抓取, robots_disallowed" in result.stderr
    assert "Traceback" not in result.stderr
    assert column_site.hits == ["/robots.txt"]


def test_url_or_site_is_needed() -> None:
    result = run_crawl("discover", env=ENV)
    assert result.returncode == 2
    assert "give a homepage URL or --site ID" in result.stderr
    bad = run_crawl("discover", "ftp://example.gov.cn/", env=ENV)
    assert bad.returncode == 2
    assert "not an http(s) URL" in bad.stderr

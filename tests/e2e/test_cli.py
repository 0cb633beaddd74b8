"""The CLI as a product: help everywhere, clear errors without tracebacks, stable JSON."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest

from crawler.cli import main
from crawler.demo import demo_fleet, serve_in_thread
from rules.model import SHANGHAI, utc_now
from tests.support.cli import run_crawl


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += _commands(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


@pytest.mark.parametrize("path", _commands(main), ids=lambda p: " ".join(p) or "crawl")
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = run_crawl(*path, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout
    command: click.Command = main
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    assert command.help, f"{' '.join(path)} has no help text"


def test_bad_targets_file_is_one_clear_error(tmp_path: Path, home: dict[str, str]) -> None:
    targets = tmp_path / "t.yaml"
    targets.write_text(
        "sites:\n  - id: a\n    name: A\n    homepage: http://127.0.0.1:9/\n"
        "    columns:\n      - {name: X, url: 'htp://x', category: news}\n",
        encoding="utf-8",
    )
    result = run_crawl("--targets", str(targets), env=home)
    assert result.returncode == 2
    assert f"{targets}: sites[0].columns[0].url: 'htp://x' is not a URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_targets_file(tmp_path: Path, home: dict[str, str]) -> None:
    result = run_crawl("--targets", str(tmp_path / "none.yaml"), env=home)
    assert result.returncode == 2
    assert "file not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_site_id_lists_the_known_ones(tmp_path: Path, home: dict[str, str]) -> None:
    targets = tmp_path / "t.yaml"
    targets.write_text(
        "sites:\n  - {id: a, name: A, homepage: 'http://127.0.0.1:9/'}\n", encoding="utf-8"
    )
    result = run_crawl("--targets", str(targets), "--site", "b", env=home)
    assert result.returncode == 2
    assert "no site with id b" in result.stderr
    assert "known ids: a" in result.stderr


def test_bad_database_url(tmp_path: Path, home: dict[str, str]) -> None:
    targets = tmp_path / "t.yaml"
    targets.write_text(
        "sites:\n  - {id: a, name: A, homepage: 'http://127.0.0.1:9/'}\n", encoding="utf-8"
    )
    result = run_crawl("--targets", str(targets), "--db", "mysql://x/y", env=home)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr


def test_bad_as_of(home: dict[str, str]) -> None:
    result = run_crawl("--as-of", "yesterday", env=home)
    assert result.returncode == 2
    assert "--as-of 'yesterday' is not a date" in result.stderr


def test_unreachable_site_is_reported_not_stale(tmp_path: Path, home: dict[str, str]) -> None:
    # Port 9 (discard) on loopback: nothing listens, the connection is refused.
    targets = tmp_path / "t.yaml"
    targets.write_text(
        "sites:\n  - id: a\n    name: 某局\n    homepage: http://127.0.0.1:9/\n"
        "    columns:\n      - {name: 工作动态, url: 'http://127.0.0.1:9/gzdt/', category: news}\n",
        encoding="utf-8",
    )
    result = run_crawl("--targets", str(targets), "--json", "--fail-on-findings", env=home)
    assert result.returncode == 0, result.stderr  # unknown outcomes are not problems
    (site,) = json.loads(result.stdout)["sites"]
    assert [f["code"] for f in site["findings"]] == ["site-unreachable", "column-unreachable"]
    assert site["columns"][0]["outcome"] == "connect_error"
    assert site["problems"] == "无问题"
    assert site["result"] == "无法判定"  # a site that could not be loaded has not passed


def test_extract_json_shape(tmp_path: Path) -> None:
    page = tmp_path / "list.html"
    rows = "".join(
        f'<li><a href="/a/{i}.html">关于做好第{i}项工作的通知</a><span>2022-05-{i:02d}</span></li>'
        for i in range(1, 11)
    )
    html = (
        '<html><head><meta charset="gb2312"></head>'
        f'<body><ul class="list">{rows}</ul></body></html>'
    )
    page.write_bytes(html.encode("gb18030"))
    result = run_crawl(
        "extract",
        str(page),
        "--json",
        "--base-url",
        "http://x.gov.cn/tzgg/",
        "--as-of",
        "2022-06-20",
    )
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    data = json.loads(line)
    assert set(data) == {
        "source", "kind", "encoding", "items", "newest", "published", "personal_data"
    }  # fmt: skip
    assert data["source"] == str(page)
    assert data["kind"] == "list"
    assert data["encoding"] == "gb18030"
    assert data["newest"] == "2022-05-10"
    assert data["published"] is None
    assert data["items"][0] == {
        "title": "关于做好第1项工作的通知",
        "url": "http://x.gov.cn/a/1.html",
        "date": "2022-05-01",
    }
    assert all(set(item) == {"title", "url", "date"} for item in data["items"])


def test_extract_missing_file_is_an_error(tmp_path: Path) -> None:
    result = run_crawl("extract", str(tmp_path / "nope.html"))
    assert result.returncode == 2
    assert "nope.html" in result.stderr
    assert "Traceback" not in result.stderr


def test_link_checks_can_be_turned_off(tmp_path: Path) -> None:
    """--no-check-links: the pages are crawled and judged, no link or image is checked."""
    running = serve_in_thread(demo_fleet(utc_now().astimezone(SHANGHAI).date()))
    try:
        targets = tmp_path / "targets.yaml"
        running.write_targets(targets)
        db = tmp_path / "x.sqlite3"
        args = ("--targets", str(targets), "--db", str(db), "--site", "sthj", "--json")
        off = run_crawl(*args, "--no-check-links", "--per-host-delay", "0")
        assert off.returncode == 0, off.stderr
        assert json.loads(off.stdout)["sites"][0]["problems"] == "12369投诉查处应更新但长期未更新"
        on = run_crawl(*args, "--check-articles", "0", "--per-host-delay", "0")
        assert on.returncode == 0, on.stderr
        problems = json.loads(on.stdout)["sites"][0]["problems"]
        assert problems == "图片新闻图片不显示;12369投诉查处应更新但长期未更新"
    finally:
        running.stop()

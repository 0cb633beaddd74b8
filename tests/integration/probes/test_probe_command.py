"""``crawl probe`` over loopback homepages, invoked through click's test runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from probe_homepages import Homepages

from crawler.cli.probe import probe

ENV: dict[str, str | None] = {
    "NO_COLOR": "1",
    "COLUMNS": "240",
    "XUNJIAN_DATABASE_URL": None,
    "XUNJIAN_TARGETS": None,
    "XUNJIAN_USER_AGENT": None,
}


@pytest.fixture
def targets(tmp_path: Path, homepages: Homepages, closed_port: int) -> Path:
    path = tmp_path / "targets.yaml"
    path.write_text(
        "version: 1\nsites:\n"
        f"  - {{id: gov-ok, name: 健康市人民政府, homepage: '{homepages.url('/')}'}}\n"
        f"  - {{id: gov-down, name: 故障县人民政府, homepage: '{homepages.url('/down')}'}}\n"
        f"  - {{id: gov-closed, name: 关闭镇人民政府, homepage: 'http://127.0.0.1:{closed_port}/'}}\n",
        encoding="utf-8",
    )
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(probe, list(args), env=ENV, catch_exceptions=False)


@pytest.mark.slow
def test_a_round_prints_each_site_and_exits_0(targets: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "x.sqlite3")
    result = run("--targets", str(targets), "--db", db, "--spread", "0")
    assert result.exit_code == 0, result.output
    lines = {
        line.split("(")[1].split(")")[0]: line
        for line in result.output.splitlines()
        if "(gov-" in line
    }
    assert set(lines) == {"gov-ok", "gov-down", "gov-closed"}
    assert "正常" in lines["gov-ok"]
    assert "200" in lines["gov-ok"]
    assert "失败(HTTP错误)" in lines["gov-down"]
    assert "503" in lines["gov-down"]
    assert "失败(无法连接)" in lines["gov-closed"]
    for line in lines.values():
        assert "7日可用率 —, 0/0 次, 不足20次/日的天数 7 → 数据不足" in line


@pytest.mark.slow
def test_json_counts_every_round_so_far(targets: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "x.sqlite3")
    assert run("--targets", str(targets), "--db", db, "--spread", "0").exit_code == 0
    result = run(
        "--targets",
        str(targets),
        "--db",
        db,
        "--spread",
        "0",
        "--json",
        "--site",
        "gov-ok",
        "--site",
        "gov-down",
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["limit_s"] == 15.0
    by_id = {site["id"]: site for site in document["sites"]}
    assert list(by_id) == ["gov-ok", "gov-down"]
    ok, down = by_id["gov-ok"], by_id["gov-down"]
    assert (ok["ok"], ok["outcome"], ok["status"]) == (True, "ok", 200)
    assert (down["ok"], down["outcome"], down["status"]) == (False, "http_error", 503)
    assert ok["availability"]["today_probes"] == 2
    assert (down["availability"]["today_probes"], down["availability"]["today_failed"]) == (2, 2)
    assert ok["availability"]["insufficient"] is True
    assert ok["availability"]["short_days"] == 7
    assert ok["availability"]["availability"] is None


def test_an_unknown_site_is_a_usage_error(targets: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        probe,
        ["--targets", str(targets), "--db", str(tmp_path / "x.sqlite3"), "--site", "nope"],
        env=ENV,
    )
    assert result.exit_code == 2
    assert "no site with id nope" in result.output


def test_help_names_the_national_line() -> None:
    result = run("--help")
    assert result.exit_code == 0
    assert "15 s" in result.output
    assert "every 30 minutes" in result.output

"""``crawl ipv6`` end to end: the installed console script, a stub DNS server, a homepage on ::1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ipv6_servers import Served

from tests.support.cli import run_crawl
from tests.support.stub_dns import StubDns

# slow: each test runs the crawl command in a subprocess
pytestmark = pytest.mark.slow

ENV = {"XUNJIAN_DATABASE_URL": "", "XUNJIAN_NAMESERVERS": "", "XUNJIAN_TARGETS": ""}


@pytest.fixture
def targets(tmp_path: Path, v6server: Served) -> Path:
    path = tmp_path / "targets.yaml"
    path.write_text(
        "version: 1\nsites:\n"
        f"  - {{id: gov-ok, name: 双栈市人民政府, homepage: '{v6server.url('ok.gov.test')}'}}\n"
        f"  - {{id: gov-v4, name: 单栈县人民政府, homepage: '{v6server.url('v4only.gov.test')}'}}\n"
        "  - {id: gov-demo, name: 演示镇人民政府, homepage: 'http://127.0.0.1:47801/'}\n",
        encoding="utf-8",
    )
    return path


def test_json_shows_each_site_and_the_summary(
    targets: Path, tmp_path: Path, stub_dns: StubDns
) -> None:
    db = str(tmp_path / "x.sqlite3")
    result = run_crawl(
        "ipv6", "--targets", str(targets), "--db", db, "--nameserver", stub_dns.nameserver,
        "--json", env=ENV,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    by_id = {site["id"]: site for site in document["sites"]}
    assert list(by_id) == ["gov-ok", "gov-v4", "gov-demo"]
    assert by_id["gov-ok"]["outcome"] == "ok"
    assert by_id["gov-ok"]["addresses"] == ["::1"]
    assert by_id["gov-ok"]["status"] == 200
    assert by_id["gov-ok"]["findings"] == []
    assert by_id["gov-v4"]["outcome"] == "no_aaaa"
    [finding] = by_id["gov-v4"]["findings"]
    assert finding["code"] == "site-ipv6-missing"
    assert finding["message"] == "未完成IPv6改造"
    assert finding["severity"] == "advisory"
    assert finding["evidence"]["url"] == by_id["gov-v4"]["url"]
    assert by_id["gov-demo"]["outcome"] == "not_checked"
    assert by_id["gov-demo"]["findings"] == []
    assert document["summary"] == {
        "sites": 3,
        "checked": 2,
        "done": 1,
        "unknown": 1,
        "text": "3个政府网站中,1个已完成IPv6升级改造,1个未完成,1个未能检测。",
    }


def test_table_for_one_site_and_all_done(targets: Path, tmp_path: Path, stub_dns: StubDns) -> None:
    db = str(tmp_path / "x.sqlite3")
    result = run_crawl(
        "ipv6", "--targets", str(targets), "--db", db, "--nameserver", stub_dns.nameserver,
        "--site", "gov-ok", env=ENV,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "双栈市人民政府 (gov-ok)" in result.stdout
    assert "已支持IPv6" in result.stdout
    assert "1个政府网站已全部完成IPv6升级改造。" in result.stdout
    assert "gov-v4" not in result.stdout


def test_a_bad_nameserver_is_a_clear_error(targets: Path, tmp_path: Path) -> None:
    result = run_crawl(
        "ipv6", "--targets", str(targets), "--db", str(tmp_path / "x.sqlite3"),
        "--nameserver", "dns.example", env=ENV,
    )  # fmt: skip
    assert result.returncode == 2
    assert "is not an IP address" in result.stderr
    assert "Traceback" not in result.stderr

"""The developers' scripts still run against the code as it is laid out now."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

# slow: each test runs a script in a subprocess
pytestmark = pytest.mark.slow

ROOT = Path(__file__).parents[3]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, cwd=ROOT, timeout=300, check=False
    )


def test_the_benchmark_crawls_its_generated_fleet() -> None:
    result = _run("scripts/bench.py", "--sites", "2", "--columns", "1", "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["pages"] == 4  # two homepages, one column each


def test_the_migration_script_upgrades_and_reports_the_revision(tmp_path: Path) -> None:
    database = tmp_path / "m.sqlite3"
    assert _run("scripts/migrate", "upgrade", "--url", str(database)).returncode == 0
    current = _run("scripts/migrate", "current", "--url", str(database))
    assert current.returncode == 0, current.stderr
    from storage.migrate import head_revision

    assert current.stdout.strip() == head_revision()


def test_the_real_page_benchmark_crawls_saved_pages_twice() -> None:
    """Without Scrapy (it installs into its own virtualenv, from the network): the fixture
    pages served as 2 sites of 3 pages, crawled, then crawled again as 304s."""
    pages = ROOT / "tests" / "fixtures" / "pages"
    result = _run(
        "scripts/bench_real.py", "--pages", "6", "--sites", "2", "--dir", str(pages),
        "--no-scrapy", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["sites"] == 2
    assert figures["pages_per_site"] == 3
    (first,) = figures["rounds"]
    assert first["pages"] == 6
    assert first["xunjian_first_pages_per_s"] > 0
    assert first["xunjian_second_pages_per_s"] > 0
    assert figures["extraction_one_core"]["pages"] == figures["corpus_pages"] > 0


def test_the_link_check_benchmark_crawls_the_demo_fleet_both_ways() -> None:
    """With a short spacing: both runs of the demo fleet and their ratio."""
    result = _run("scripts/bench_links.py", "--delay", "0.01", "--jitter", "0", "--json")
    assert result.returncode == 0, result.stderr
    (figures,) = json.loads(result.stdout)["rounds"]
    assert figures["with_checks_requests"] > figures["without_checks_requests"] > 0
    assert figures["ratio"] > 0


def test_the_extraction_benchmark_finds_no_difference_with_itself(tmp_path: Path) -> None:
    pages = ROOT / "tests" / "fixtures" / "pages"
    saved = tmp_path / "before.jsonl"
    first = _run("scripts/bench_extract.py", "--dir", str(pages), "--save", str(saved), "--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["pages"] > 0
    again = _run("scripts/bench_extract.py", "--dir", str(pages), "--compare", str(saved), "--json")
    assert again.returncode == 0, again.stderr
    figures = json.loads(again.stdout)
    assert figures["compared"] == 2 * figures["pages"]
    assert figures["differing"] == 0


def test_the_sampling_profile_sums_py_spy_stacks_by_process_and_function(tmp_path: Path) -> None:
    """py-spy's raw stacks (one file per process) summed: waits are set apart, the rest is
    self time by function, as a share of all samples."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from bench_spy import SpyRecording, format_profile
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    (tmp_path / "crawl-10.txt").write_text(
        'process 10:"python";run (asyncio/base_events.py:600);'
        "EpollSelector.select (selectors.py:468) 30\n"
        'process 10:"python";fetch (crawler/fetch/client.py:150);'
        "check_url (crawler/fetch/client.py:478) 10\n"
    )
    (tmp_path / "worker-11.txt").write_text(
        'process 11:"python";_serve (crawler/extract/pool.py:90);'
        "extract_page (crawler/extract/page.py:104);_vote (crawler/extract/candidates.py:88) 50\n"
        'process 11:"python";_serve (crawler/extract/pool.py:89);'
        "Connection._recv (multiprocessing/connection.py:395) 10\n"
    )
    recording = SpyRecording(Path("py-spy"), tmp_path)
    recording.read_files()
    profile = recording.summary()
    assert profile.by_role == {"crawl": 40, "worker": 60}
    assert profile.top(None, 5) == [
        ("worker", "_vote (extract/candidates.py)", 50.0),
        ("crawl", "check_url (fetch/client.py)", 10.0),
    ]
    figures = profile.as_json()
    assert figures["waiting_pct"] == {"crawl": 30.0, "worker": 10.0}
    assert "crawl 40.0 % (waiting 30.0 %)" in format_profile(profile)

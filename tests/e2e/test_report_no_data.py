"""The notice never says what its data cannot: a period without stored fetches is an error that
names what is missing and how to fill it, and the defaults are the office's routine (last
quarter's notice, written in the first weeks of the next)."""

from __future__ import annotations

from datetime import datetime

from crawler.output.judged import last_complete_quarter
from rules.model import SHANGHAI
from tests.support.cli import run_crawl
from tests.support.demo_crawl import DemoCrawl


def _report(demo_crawl: DemoCrawl, *args: str) -> tuple[int, str, str]:
    result = run_crawl(
        "report",
        "--targets",
        str(demo_crawl.targets),
        "--db",
        str(demo_crawl.db),
        *args,
        env=demo_crawl.env,
    )
    return result.returncode, result.stdout, result.stderr


def test_a_period_without_fetches_is_an_error_naming_what_is_missing(
    demo_crawl: DemoCrawl,
) -> None:
    code, out, err = _report(demo_crawl, "--period", "2021Q1")
    assert code == 3
    assert out == ""  # no notice at all: not one false sentence
    assert "2021年第一季度: nothing stored was fetched between 2021-01-01 00:00 and " in err
    assert "2021-03-31 23:59 (Asia/Shanghai)" in err
    assert "20 of 20 sites (" in err
    assert "98 of 98 accounts (" in err
    assert "`crawl --site " in err
    assert "--allow-incomplete" in err
    assert "internal error" not in err


def test_allow_incomplete_writes_the_notice_and_says_so(demo_crawl: DemoCrawl) -> None:
    code, out, err = _report(demo_crawl, "--period", "2021Q1", "--allow-incomplete")
    assert code == 0, err
    assert out.startswith("# 关于2021年第一季度")
    assert "note: 2021年第一季度: nothing stored was fetched" in err
    assert "reported as 未检查" in err
    assert "正在运行的政府网站共20个，本期均未检查（无检查数据）。" in out
    assert "正在运行的政务新媒体共98个，本期均未检查（无检查数据）。" in out
    assert "门户网站本期未检查" in out
    assert "政务公开专栏本期未检查（无检查数据）。" in out
    for false_claim in ("无法访问或被拦截", "未发现", "检查0个", "共0条", "不足10条"):
        assert false_claim not in out


def test_the_default_is_the_last_complete_quarter_as_of_now(demo_crawl: DemoCrawl) -> None:
    quarter = last_complete_quarter(datetime.now(SHANGHAI))
    code, out, err = _report(demo_crawl)
    assert code == 0, err
    assert out.startswith(f"# 关于{quarter.label}")
    # the demo crawled today, inside the window from that quarter's first day to now
    assert "nothing stored was fetched" not in err

"""Logs for operators: China time, JSON lines, levels by -v, idempotent configuration, and the
one-line summaries the scheduler and the workers log."""

from __future__ import annotations

import importlib.util
import io
import json
import logging
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from crawler.cli.logs import (
    DETAIL_LOGGERS,
    LIBRARY_LOGGERS,
    _OperatorHandler,
    configure_logging,
)
from crawler.operations.loglines import MAX_LINE_CHARS, counts_line, result_line
from rules.model import Outcome

EXTRA_DETAIL = "crawler.sites.runner"  # what `crawl worker` quiets as detail


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """Put the root logger and every logger configure_logging touches back as they were."""
    root = logging.getLogger()
    names = (*DETAIL_LOGGERS, *LIBRARY_LOGGERS, EXTRA_DETAIL)
    levels = {name: logging.getLogger(name).level for name in names}
    root_level = root.level
    before = list(root.handlers)
    yield
    for handler in list(root.handlers):
        if isinstance(handler, _OperatorHandler) and handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(root_level)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def operator_handlers() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if isinstance(h, _OperatorHandler)]


def test_text_lines_carry_china_time_with_its_offset() -> None:
    stream = io.StringIO()
    configure_logging(0, stream=stream)
    logging.getLogger("crawler.test").warning("站点 %s unreachable", "gov-1")
    line = stream.getvalue().rstrip("\n")
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+08:00 WARNING crawler\.test: 站点 gov-1 unreachable",
        line,
    ), line


def test_the_time_is_converted_to_shanghai_whatever_the_machine_zone() -> None:
    configure_logging(0, stream=io.StringIO())
    (handler,) = operator_handlers()
    assert handler.formatter is not None
    created = datetime(2026, 12, 7, 3, 5, 1, tzinfo=UTC).timestamp()
    record = logging.makeLogRecord(
        {"name": "crawler.fetch.client", "levelno": logging.INFO, "levelname": "INFO",
         "msg": "fetch %s", "args": ("https://example.gov.cn/",), "created": created}
    )  # fmt: skip
    assert handler.formatter.format(record) == (
        "2026-12-07 11:05:01+08:00 INFO crawler.fetch.client: fetch https://example.gov.cn/"
    )


def test_json_lines_parse_with_the_expected_keys() -> None:
    stream = io.StringIO()
    configure_logging(0, log_format="json", base_level=logging.INFO, stream=stream)
    log = logging.getLogger("crawler.operations.scheduler")
    log.info("job nightly: run %d completed", 12)
    try:
        raise RuntimeError("resolver exploded")
    except RuntimeError:
        log.exception("job ipv6 failed")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert set(first) == {"time", "level", "logger", "message"}
    assert first["level"] == "INFO"
    assert first["logger"] == "crawler.operations.scheduler"
    assert first["message"] == "job nightly: run 12 completed"
    assert first["time"].endswith("+08:00")
    assert datetime.fromisoformat(first["time"]).utcoffset() is not None
    assert set(second) == {"time", "level", "logger", "message", "exception"}
    assert second["level"] == "ERROR"
    assert second["exception"].startswith("Traceback")
    assert "RuntimeError: resolver exploded" in second["exception"]


def test_an_unknown_log_format_is_refused() -> None:
    with pytest.raises(ValueError, match="log format 'xml'"):
        configure_logging(0, log_format="xml")


@pytest.mark.parametrize(("verbose", "shown"), [(0, False), (1, False), (2, True)])
def test_httpx_request_lines_wait_for_vv(verbose: int, shown: bool) -> None:
    stream = io.StringIO()
    configure_logging(verbose, base_level=logging.INFO, stream=stream)
    for name in ("httpx", "httpcore", "aiohttp"):
        assert logging.getLogger(name).isEnabledFor(logging.INFO) is shown
    logging.getLogger("httpx").info('HTTP Request: GET https://example.gov.cn/ "HTTP/1.1 200 OK"')
    assert ("HTTP Request:" in stream.getvalue()) is shown


def test_library_warnings_are_always_shown() -> None:
    stream = io.StringIO()
    configure_logging(0, stream=stream)
    logging.getLogger("httpx").warning("something odd")
    assert "WARNING httpx: something odd" in stream.getvalue()


@pytest.mark.parametrize(
    ("verbose", "base_level", "lifecycle", "per_fetch"),
    [
        (0, logging.WARNING, False, False),
        (0, logging.INFO, True, False),  # crawl schedule / crawl worker without -v
        (1, logging.WARNING, True, True),
        (1, logging.INFO, True, True),
    ],
)
def test_per_fetch_lines_wait_for_v_whatever_the_base_level(
    verbose: int, base_level: int, lifecycle: bool, per_fetch: bool
) -> None:
    stream = io.StringIO()
    configure_logging(verbose, base_level=base_level, stream=stream)
    logging.getLogger("crawler.operations.scheduler").info("job nightly: starting")
    logging.getLogger("crawler.fetch.client").info("fetch https://example.gov.cn/ status=200")
    logging.getLogger("crawler.fetch.client").debug("a debug line")
    text = stream.getvalue()
    assert ("job nightly: starting" in text) is lifecycle
    assert ("fetch https://example.gov.cn/" in text) is per_fetch
    assert "a debug line" not in text


def test_vv_is_debug_everywhere() -> None:
    stream = io.StringIO()
    configure_logging(2, stream=stream)
    logging.getLogger("crawler.fetch.robots").debug("robots detail")
    logging.getLogger("apscheduler.scheduler").debug("apscheduler detail")
    assert "robots detail" in stream.getvalue()
    assert "apscheduler detail" in stream.getvalue()


def test_a_command_adds_its_own_detail_loggers() -> None:
    stream = io.StringIO()
    configure_logging(0, base_level=logging.INFO, detail_loggers=(EXTRA_DETAIL,), stream=stream)
    logging.getLogger(EXTRA_DETAIL).info("run 3 started: 1 sites")
    assert stream.getvalue() == ""
    configure_logging(0, base_level=logging.INFO, stream=stream)  # the next command: reset
    assert logging.getLogger(EXTRA_DETAIL).level == logging.NOTSET
    logging.getLogger(EXTRA_DETAIL).info("run 4 started: 1 sites")
    assert "run 4 started" in stream.getvalue()


def test_configuring_again_replaces_the_handler_and_levels() -> None:
    first, second = io.StringIO(), io.StringIO()
    configure_logging(0, stream=first)
    configure_logging(0, stream=first)
    configure_logging(2, log_format="json", stream=second)
    assert len(operator_handlers()) == 1
    assert logging.getLogger().level == logging.DEBUG
    assert logging.getLogger("httpx").level == logging.NOTSET  # no longer WARNING
    logging.getLogger("crawler.test").warning("once")
    assert first.getvalue() == ""
    assert [json.loads(line)["message"] for line in second.getvalue().splitlines()] == ["once"]


def test_other_handlers_are_left_alone() -> None:
    other = logging.NullHandler()
    root = logging.getLogger()
    root.addHandler(other)
    try:
        configure_logging(0, stream=io.StringIO())
        configure_logging(1, stream=io.StringIO())
        assert other in root.handlers
    finally:
        root.removeHandler(other)


def test_without_a_stream_lines_go_to_stderr_as_it_is_then(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging(0)
    logging.getLogger("crawler.test").warning("to stderr")
    assert "WARNING crawler.test: to stderr" in capsys.readouterr().err


def test_the_detail_loggers_name_real_modules() -> None:
    for name in (*DETAIL_LOGGERS, EXTRA_DETAIL):
        assert importlib.util.find_spec(name) is not None, name


# --- one-line summaries ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Probe:
    site_id: str
    outcome: Outcome
    body: str = "x" * 1000


def test_counts_are_a_short_line_largest_first() -> None:
    assert counts_line({"timeout": 52, "ok": 3021, "blocked": 27}) == (
        "ok 3021, timeout 52, blocked 27"
    )
    assert counts_line(Counter()) == "none"


def test_a_list_of_results_is_summarised_not_printed() -> None:
    probes = [_Probe(f"gov-{n}", Outcome.OK) for n in range(38)]
    probes += [_Probe("gov-x", Outcome.TIMEOUT), _Probe("gov-y", Outcome.TIMEOUT)]
    assert result_line(probes) == "40 results: ok 38, timeout 2"
    assert result_line({"ok": 20, "no_aaaa": 2}) == "ok 20, no_aaaa 2"
    assert result_line("batch 3: 40 site jobs deferred") == "batch 3: 40 site jobs deferred"
    assert result_line([1, 2, 3]) == "3 results"
    long = result_line(_Probe("gov-1", Outcome.OK))
    assert len(long) == MAX_LINE_CHARS
    assert long.endswith("…")

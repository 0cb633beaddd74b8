"""Logs for operators: stderr, China time, text for people or JSON lines for collectors.

Configured only by the CLI, by ``configure_logging``, once per command; calling it again (a
second command in one process, tests) replaces its handler and levels, never stacks them.

Formats::

    text  2026-12-07 11:05:01+08:00 INFO crawler.fetch.client: fetch https://… status=200 …
    json  {"time": "2026-12-07T11:05:01.123+08:00", "level": "INFO",
           "logger": "crawler.fetch.client", "message": "fetch https://… status=200 …"}

(a JSON line also has ``exception``, the traceback, when the record carries one). Times are
Asia/Shanghai with the offset, as the runs are shown, whatever the machine's zone.

Levels by ``-v``::

    verbose  the project and the rest   fetch detail (DETAIL_LOGGERS)  libraries (LIBRARY_LOGGERS)
    0        base_level (WARNING)        WARNING                        WARNING
    1        INFO                        INFO: one line per fetch       WARNING
    2+       DEBUG                       DEBUG                          DEBUG

``crawl schedule`` and ``crawl worker`` pass ``base_level=logging.INFO`` for their own
lifecycle lines (a job starts, a run ends); the per-fetch lines still wait for ``-v``, and
the libraries' own request lines (httpx's "HTTP Request: …") for ``-vv``.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from datetime import datetime
from typing import TextIO

from rules.model import SHANGHAI

__all__ = ["DETAIL_LOGGERS", "LIBRARY_LOGGERS", "LOG_FORMATS", "configure_logging"]

LOG_FORMATS = ("text", "json")

DETAIL_LOGGERS = (
    "crawler.fetch",  # the one line per fetch (crawler.fetch.client)
    "crawler.accounts.crawl",  # one line per account source read
    "crawler.disclosure.crawl",  # one line per 政务公开 column read
    "crawler.sites.probes",  # one line per homepage probed
    "crawler.sites.ipv6",  # one line per site checked
    "crawler.sites.linkcheck.articles",  # one line per article not read for its images
)
"""Loggers whose INFO lines are per fetch: shown from ``-v`` on, whatever the base level."""

LIBRARY_LOGGERS = ("httpx", "httpcore", "aiohttp", "apscheduler", "procrastinate", "alembic")
"""Third-party loggers (a line per request, per job, per migration step): from ``-vv`` on."""

_TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(
    verbose: int,
    *,
    log_format: str = "text",
    base_level: int = logging.WARNING,
    detail_loggers: Iterable[str] = (),
    stream: TextIO | None = None,
) -> None:
    """Log to ``stream`` (None: stderr, as it is when a line is written) in ``log_format``.

    ``verbose`` is the count of ``-v``; ``base_level`` the root level without one (INFO for
    the long-running commands); ``detail_loggers`` more loggers whose INFO lines are detail
    for this command, quiet without ``-v`` like ``DETAIL_LOGGERS``.
    """
    if log_format not in LOG_FORMATS:
        raise ValueError(f"log format {log_format!r}: use one of {', '.join(LOG_FORMATS)}")
    root = logging.getLogger()
    for previous in [h for h in root.handlers if isinstance(h, _OperatorHandler)]:
        root.removeHandler(previous)
        for name in previous.managed:
            logging.getLogger(name).setLevel(logging.NOTSET)
        previous.close()

    if verbose >= 2:
        level, detail, library = logging.DEBUG, logging.NOTSET, logging.NOTSET
    elif verbose == 1:
        level, detail, library = min(base_level, logging.INFO), logging.NOTSET, logging.WARNING
    else:
        level, detail, library = base_level, logging.WARNING, logging.WARNING
    levels = dict.fromkeys((*DETAIL_LOGGERS, *detail_loggers), detail)
    levels.update(dict.fromkeys(LIBRARY_LOGGERS, library))
    for name, logger_level in levels.items():
        logging.getLogger(name).setLevel(logger_level)

    handler = _OperatorHandler(stream, managed=tuple(levels))
    handler.setFormatter(_JsonFormatter() if log_format == "json" else _TextFormatter())
    root.addHandler(handler)
    root.setLevel(level)


def _local_time(record: logging.LogRecord) -> datetime:
    return datetime.fromtimestamp(record.created, tz=SHANGHAI)


class _TextFormatter(logging.Formatter):
    """``2026-12-07 11:05:01+08:00 INFO name: message`` (then the traceback, if any)."""

    def __init__(self) -> None:
        super().__init__(_TEXT_FORMAT)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return _local_time(record).isoformat(sep=" ", timespec="seconds")


class _JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message (and exception, stack)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": _local_time(record).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            if not record.exc_text:
                record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)


class _OperatorHandler(logging.StreamHandler[TextIO]):
    """The handler ``configure_logging`` installs and replaces; it remembers the loggers whose
    levels it set. Without a stream it writes to ``sys.stderr`` as it is at each line (click's
    test runner and pytest swap it), not as it was when configured."""

    def __init__(self, stream: TextIO | None, *, managed: tuple[str, ...]) -> None:
        super().__init__(stream if stream is not None else sys.stderr)
        self._follow_stderr = stream is None
        self.managed = managed

    def emit(self, record: logging.LogRecord) -> None:
        if self._follow_stderr:
            self.stream = sys.stderr
        super().emit(record)

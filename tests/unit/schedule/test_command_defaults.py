"""`crawl schedule`, `crawl worker` and `crawl enqueue` declare their options without importing
the scheduler or the queue (so that --help starts at once): the defaults they show are the
ones the scheduler and the workers use."""

from __future__ import annotations

from crawler.cli import schedule as schedule_cli
from crawler.cli import worker as worker_cli
from crawler.operations import distributed, scheduler


def test_the_schedule_defaults_are_the_schedulers() -> None:
    assert schedule_cli.DEFAULT_NIGHTLY_CRON == scheduler.DEFAULT_NIGHTLY_CRON
    assert schedule_cli.DEFAULT_STOP_TIMEOUT_S == scheduler.DEFAULT_STOP_TIMEOUT_S


def test_the_worker_defaults_are_the_workers() -> None:
    settings = distributed.WorkerSettings()
    assert worker_cli.DEFAULT_CONCURRENCY == settings.concurrency
    assert worker_cli.DEFAULT_STOP_TIMEOUT_S == settings.stop_timeout_s
    assert worker_cli.DEFAULT_HEARTBEAT_S == settings.heartbeat_s
    assert worker_cli.DEFAULT_STALLED_AFTER_S == settings.stalled_after_s
    assert worker_cli.DEFAULT_STALLED_CHECK_S == settings.stalled_check_s
    assert worker_cli.DEFAULT_POLL_S == settings.poll_s

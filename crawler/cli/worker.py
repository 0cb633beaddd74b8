"""``crawl worker`` and ``crawl enqueue``: the nightly crawl shared among machines.

``crawl worker`` runs jobs from the queue in Postgres (``crawler.operations.distributed``)
until SIGTERM or SIGINT: the first signal stops taking jobs and lets running ones finish within
``--stop-timeout`` (then they are cancelled, recorded as interrupted and queued again); a
second signal cancels them at once (the stalled-job check of the other workers queues them
again). The process lives in ``crawler.operations.worker``. ``crawl enqueue`` defers one
night by hand: what ``crawl schedule --distributed`` does at the nightly time.
"""

from __future__ import annotations

from pathlib import Path

import click

from crawler.cli.options import (
    browser_options,
    db_option,
    keep_bodies_option,
    logging_options,
    targets_option,
)
from crawler.cli.runtime import configure_service_logging, guard, run_async

__all__ = ["enqueue", "worker"]

# crawler.operations.distributed's worker defaults, kept here so that --help imports no
# queue (a unit test holds them equal).
DEFAULT_CONCURRENCY = 8
DEFAULT_STOP_TIMEOUT_S = 300.0
DEFAULT_HEARTBEAT_S = 10.0
DEFAULT_STALLED_AFTER_S = 60.0
DEFAULT_STALLED_CHECK_S = 30.0
DEFAULT_POLL_S = 5.0


@click.command("worker")
@targets_option
@db_option
@click.option(
    "--concurrency",
    envvar="XUNJIAN_WORKER_CONCURRENCY",
    type=click.IntRange(1, 256),
    default=DEFAULT_CONCURRENCY,
    show_default=True,
    help="Jobs (sites) crawled at once by this worker. Env: XUNJIAN_WORKER_CONCURRENCY.",
)
@click.option(
    "--stop-timeout",
    type=click.FloatRange(0, 24 * 3600),
    default=DEFAULT_STOP_TIMEOUT_S,
    show_default=True,
    metavar="SECONDS",
    help="On SIGTERM/SIGINT, how long running jobs may go on before they are cancelled "
    "(recorded as interrupted, and queued again).",
)
@click.option(
    "--heartbeat",
    type=click.FloatRange(0.1, 3600),
    default=DEFAULT_HEARTBEAT_S,
    show_default=True,
    metavar="SECONDS",
    help="How often this worker tells the queue it is alive.",
)
@click.option(
    "--stalled-after",
    type=click.FloatRange(0.5, 24 * 3600),
    default=DEFAULT_STALLED_AFTER_S,
    show_default=True,
    metavar="SECONDS",
    help="A worker silent this long is taken as gone: its running jobs are queued again. "
    "Keep it several heartbeats long.",
)
@click.option(
    "--stalled-check",
    type=click.FloatRange(0.1, 3600),
    default=DEFAULT_STALLED_CHECK_S,
    show_default=True,
    metavar="SECONDS",
    help="How often this worker looks for jobs of gone workers.",
)
@click.option(
    "--poll",
    type=click.FloatRange(0.1, 600),
    default=DEFAULT_POLL_S,
    show_default=True,
    metavar="SECONDS",
    help="Look for new jobs at least this often (a new job also wakes the workers at once).",
)
@click.option(
    "--user-agent",
    envvar="XUNJIAN_USER_AGENT",
    help="User-Agent header sent with every request. Env: XUNJIAN_USER_AGENT.",
)
@click.option(
    "--per-host-delay",
    type=click.FloatRange(0, 60),
    metavar="SECONDS",
    help="Least time between two request starts to one host (default 0.5, plus jitter).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(1, 600),
    metavar="SECONDS",
    help="Longest one page's fetch may take, its retries included (default 60).",
)
@browser_options
@logging_options("One line per job is always logged; -v more, -vv debug.")
def worker(
    targets_path: Path,
    db: str | None,
    concurrency: int,
    stop_timeout: float,
    heartbeat: float,
    stalled_after: float,
    stalled_check: float,
    poll: float,
    user_agent: str | None,
    per_host_delay: float | None,
    timeout: float | None,
    browser: bool,
    browser_pages: int,
    screenshots: bool,
    verbose: int,
    log_format: str,
) -> None:
    """Run crawl jobs from the queue in Postgres until stopped (SIGTERM or Ctrl-C).

    Start one on as many machines as needed, against the same database and with the same
    targets file; `crawl schedule --distributed` (or `crawl enqueue`) defers the night's
    jobs, one per site, and the workers share them. A site is never crawled by two
    workers at once; a worker that dies mid-job has its job queued again.

    \b
    Examples:
      crawl worker --db postgresql://xunjian@db/xunjian --targets /etc/xunjian/targets.yaml
      crawl worker --concurrency 16
    """
    configure_service_logging(verbose, log_format=log_format, quiet=("crawler.sites.runner",))

    def body() -> None:
        from crawler.operations.distributed import WorkerSettings
        from crawler.operations.jobs import browser_settings, fetch_settings
        from crawler.operations.worker import serve_worker
        from crawler.targets import load_targets

        targets = load_targets(targets_path)
        settings = WorkerSettings(
            concurrency=concurrency,
            stop_timeout_s=stop_timeout,
            heartbeat_s=heartbeat,
            stalled_after_s=stalled_after,
            stalled_check_s=stalled_check,
            poll_s=poll,
            fetch=fetch_settings(user_agent, None, per_host_delay, timeout),
            browser=browser_settings(browser, browser_pages, timeout),
            screenshots=screenshots,
        )
        run_async(serve_worker(db=db, targets=targets, settings=settings))

    guard(body)


@click.command("enqueue")
@targets_option
@db_option
@keep_bodies_option
@logging_options("-v: more, -vv debug.")
def enqueue(
    targets_path: Path, db: str | None, keep_bodies_days: int, verbose: int, log_format: str
) -> None:
    """Defer one night's crawl to the workers now: one job per site, one for the accounts.

    What `crawl schedule --distributed` does at the nightly time. A site whose job from
    before still waits in the queue is not queued twice. Prints the batch id; `crawl status`
    shows how the night goes.
    """
    configure_service_logging(verbose, log_format=log_format, quiet=("crawler.sites.runner",))

    def body() -> None:
        from crawler.operations.distributed import defer_night
        from crawler.targets import load_targets
        from rules.model import utc_now

        targets = load_targets(targets_path)
        night = run_async(
            defer_night(
                db=db,
                targets=targets,
                now=utc_now(),
                reason="manual",
                keep_bodies_days=keep_bodies_days,
            )
        )
        click.echo(night.describe())

    guard(body)

"""``crawl schedule``: the nightly crawl, unattended (``crawl status`` shows what it did).

``schedule`` runs until SIGTERM or SIGINT: the first signal stops the triggers and lets a
running crawl finish within ``--stop-timeout``, a second one (or the timeout) cancels it and
the runner records it as interrupted; the process then exits 0. The process lives in
``crawler.operations.nightly``, the scheduling itself in ``crawler.operations.scheduler``.
"""

from __future__ import annotations

from pathlib import Path

import click

from crawler.cli.options import (
    browser_options,
    db_option,
    fetch_options,
    keep_bodies_option,
    link_check_options,
    logging_options,
    nameserver_option,
    targets_option,
)
from crawler.cli.runtime import configure_service_logging, guard, run_async

__all__ = ["schedule"]

# crawler.operations.scheduler's defaults, kept here so that --help imports no scheduler (a
# unit test holds them equal).
DEFAULT_NIGHTLY_CRON = "0 2 * * *"
DEFAULT_STOP_TIMEOUT_S = 300.0


@click.command("schedule")
@targets_option
@db_option
@click.option(
    "--nightly",
    "nightly_cron",
    envvar="XUNJIAN_NIGHTLY_CRON",
    default=DEFAULT_NIGHTLY_CRON,
    show_default=True,
    metavar="CRON",
    help="When the full crawl runs: five crontab fields (minute hour day month weekday, "
    "0 or 7 = Sunday) in Asia/Shanghai time. Env: XUNJIAN_NIGHTLY_CRON.",
)
@click.option(
    "--probe-every",
    type=click.IntRange(0, 24 * 60),
    default=30,
    show_default=True,
    metavar="MINUTES",
    help="Probe every homepage's availability this often (48 a day at 30: the national rule "
    "needs 20 a day over 7 days); 0: no probes.",
)
@click.option(
    "--ipv6-every",
    envvar="XUNJIAN_IPV6_EVERY_HOURS",
    type=click.IntRange(0, 24 * 30),
    default=24,
    show_default=True,
    metavar="HOURS",
    help="Check every site's IPv6 support (AAAA record, homepage over IPv6) this often, the "
    "first round two minutes after start-up; 0: never. Env: XUNJIAN_IPV6_EVERY_HOURS.",
)
@nameserver_option
@link_check_options
@click.option(
    "--metrics-port",
    envvar="XUNJIAN_METRICS_PORT",
    type=click.IntRange(1, 65535),
    metavar="N",
    help="Serve Prometheus metrics on http://0.0.0.0:N/metrics. Env: XUNJIAN_METRICS_PORT.",
)
@click.option(
    "--run-now", is_flag=True, help="Also run the full crawl once at start-up, due or not."
)
@click.option(
    "--distributed",
    envvar="XUNJIAN_DISTRIBUTED",
    is_flag=True,
    help="Do not crawl here: at the nightly time, defer one job per site to the `crawl "
    "worker` processes sharing this Postgres database (docs/deployment.md). "
    "Env: XUNJIAN_DISTRIBUTED=1.",
)
@click.option(
    "--stop-timeout",
    type=click.FloatRange(0, 24 * 3600),
    default=DEFAULT_STOP_TIMEOUT_S,
    show_default=True,
    metavar="SECONDS",
    help="On SIGTERM/SIGINT, how long a running crawl may go on before it is cancelled "
    "(and recorded as interrupted).",
)
@fetch_options
@browser_options
@keep_bodies_option
@logging_options("Job lines are always logged; -v adds one line per fetch, -vv debug.")
def schedule(
    targets_path: Path,
    db: str | None,
    nightly_cron: str,
    probe_every: int | None,
    ipv6_every: int,
    nameservers: tuple[tuple[str, int], ...],
    check_links: bool,
    check_articles: int,
    metrics_port: int | None,
    run_now: bool,
    distributed: bool,
    stop_timeout: float,
    user_agent: str | None,
    concurrency: int | None,
    per_host_delay: float | None,
    timeout: float | None,
    browser: bool,
    browser_pages: int,
    screenshots: bool,
    keep_bodies_days: int,
    verbose: int,
    log_format: str,
) -> None:
    """Run unattended: crawl every target by the nightly cron (02:00 Asia/Shanghai unless
    --nightly), until stopped with SIGTERM or Ctrl-C.

    At start-up, when the last completed full run is older than the last scheduled time (the
    machine was off at 02:00), one crawl runs at once. Every run is recorded in the database
    like `crawl`'s; `crawl status` shows them.

    \b
    Examples:
      crawl schedule                              02:00 every night
      crawl schedule --nightly "30 1 * * 1-5"     01:30 on weekdays
      crawl schedule --run-now --metrics-port 9108
      crawl schedule --distributed                the night shared by `crawl worker`s
    """
    configure_service_logging(verbose, log_format=log_format)

    def body() -> None:
        from datetime import timedelta

        from crawler.operations.distributed import queue_conninfo
        from crawler.operations.jobs import browser_settings, fetch_settings, link_checks
        from crawler.operations.nightly import SchedulePlan, serve_schedule
        from crawler.operations.scheduler import DEFAULT_MISFIRE_GRACE_S, Nightly, ScheduleSettings
        from crawler.targets import load_targets

        nightly = Nightly(cron=nightly_cron)
        targets = load_targets(targets_path)
        if distributed:
            queue_conninfo(db)  # Postgres, or a clear error now rather than at 02:00

        plan = SchedulePlan(
            targets=targets,
            db=db,
            fetch_settings=fetch_settings(user_agent, concurrency, per_host_delay, timeout),
            keep_bodies_days=keep_bodies_days,
            schedule=ScheduleSettings(
                nightly=nightly,
                misfire_grace_s=DEFAULT_MISFIRE_GRACE_S,
                probe_every=timedelta(minutes=probe_every) if probe_every else None,
                ipv6_every=timedelta(hours=ipv6_every) if ipv6_every else None,
                stop_timeout_s=stop_timeout,
                run_now=run_now,
            ),
            metrics_port=metrics_port,
            distributed=distributed,
            nameservers=nameservers,
            link_checks=link_checks(check_links, check_articles),
            browser=browser_settings(browser, browser_pages, timeout),
            screenshots=screenshots,
        )
        run_async(serve_schedule(plan))

    guard(body)

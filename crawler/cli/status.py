"""``crawl status``: what ran, what runs next, what is failing now."""

from __future__ import annotations

import json

import click

from crawler.cli.options import db_option, json_option, logging_options
from crawler.cli.runtime import configure_logging, guard, run_async, stdout_console

__all__ = ["status"]


@click.command("status")
@db_option
@click.option(
    "--nightly",
    "nightly_cron",
    envvar="XUNJIAN_NIGHTLY_CRON",
    metavar="CRON",
    help="The scheduler's nightly cron, to show when it runs next. Env: XUNJIAN_NIGHTLY_CRON "
    "(unset: the next run is not known here).",
)
@click.option(
    "--runs",
    "limit",
    type=click.IntRange(1, 1000),
    default=10,
    show_default=True,
    help="How many recent runs to show.",
)
@json_option("Print the status as JSON on stdout.")
@logging_options("Log to stderr.")
def status(
    db: str | None,
    nightly_cron: str | None,
    limit: int,
    as_json: bool,
    verbose: int,
    log_format: str,
) -> None:
    """Show the last runs (status, duration, pages by outcome, findings), when the nightly
    crawl runs next, and what is failing now: pages and accounts whose newest fetch failed.

    \b
    Examples:
      crawl status
      crawl status --json | jq .failing
    """
    configure_logging(verbose, log_format=log_format)

    def body() -> None:
        from crawler.operations.scheduler import Nightly
        from crawler.output.status import print_status, read_status, status_to_dict

        nightly = Nightly(cron=nightly_cron) if nightly_cron else None
        state = run_async(read_status(db, limit=limit, nightly=nightly))
        if as_json:
            click.echo(json.dumps(status_to_dict(state), ensure_ascii=False, indent=2))
        else:
            print_status(stdout_console(), state)

    guard(body)

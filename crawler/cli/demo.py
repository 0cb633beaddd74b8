"""``crawl demo``: the bundled demo fleet, crawled and reported in one command."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click

from crawler.cli.options import (
    as_of_option,
    db_option,
    fail_on_findings_option,
    json_option,
    keep_bodies_option,
    logging_options,
    progress_option,
)
from crawler.cli.runtime import EXIT_RUN, configure_logging, guard, run_async

__all__ = ["demo"]


@click.command()
@db_option
@as_of_option
@json_option("Print the run as JSON on stdout.")
@fail_on_findings_option
@progress_option
@keep_bodies_option
@logging_options()
@click.option(
    "--port", type=int, default=47801, show_default=True, help="First port of the demo fleet."
)
@click.option(
    "--keep-targets",
    type=click.Path(path_type=Path),
    help="Also write the demo's targets file here.",
)
def demo(
    db: str | None,
    as_of: str | None,
    as_json: bool,
    fail_on_findings: bool,
    progress: bool | None,
    keep_bodies_days: int,
    verbose: int,
    log_format: str,
    port: int,
    keep_targets: Path | None,
) -> None:
    """Start the bundled demo fleet (20 simulated government sites and 98 new-media accounts on
    127.0.0.1), crawl all of it, print the summary and the findings, and stop the fleet. The
    accounts are judged over the last complete quarter, like a quarterly notice.

    The demo keeps its own embedded database ($XUNJIAN_HOME/demo.sqlite3) unless --db is given,
    so its sites never mix with real ones."""
    configure_logging(verbose, log_format=log_format)

    def body() -> None:
        from crawler.cli.crawl import emit_run
        from crawler.config import demo_database_path, parse_as_of
        from crawler.demo import demo_fleet, demo_period, serve_in_thread, with_demo_accounts
        from crawler.demo.disclosure import demo_units
        from crawler.fetch import FetchSettings
        from crawler.operations.disclosure import run_disclosure
        from crawler.operations.jobs import crawl_targets
        from crawler.targets import load_targets
        from rules.model import SHANGHAI

        now = parse_as_of(as_of)
        today = now.astimezone(SHANGHAI).date()
        fleet = with_demo_accounts(demo_fleet(today))
        if db is None:
            _fresh_demo_database(demo_database_path())
        running = serve_in_thread(fleet, first_port=port, units=demo_units(today))
        try:
            with tempfile.TemporaryDirectory(prefix="xunjian-demo-") as tmp:
                path = Path(tmp) / "targets.yaml"
                running.write_targets(path)
                if keep_targets:
                    running.write_targets(keep_targets)
                targets = load_targets(path)
                # our own loopback fleet: little spacing, or the link checks take half a minute
                settings = FetchSettings(
                    per_host_delay_s=0.01, jitter_s=0.01, addresses=targets.address_policy()
                )
                report = run_async(
                    crawl_targets(
                        targets=targets,
                        wanted=(),
                        db=db,
                        now=now,
                        settings=settings,
                        show_progress=sys.stderr.isatty() if progress is None else progress,
                        keep_bodies_days=keep_bodies_days,
                        default_db=demo_database_path(),
                        # like a quarterly notice: the accounts' weeks of the last full quarter
                        period=demo_period(today),
                        read_units=False,  # read below, with the section built from them
                    )
                )
                # the 政务公开 units of 附件3, counted over the same quarter
                disclosed = run_async(
                    run_disclosure(
                        targets.units,
                        db=db,
                        period=demo_period(today),
                        now=now,
                        settings=settings,
                        default_db=demo_database_path(),
                    )
                )
        finally:
            running.stop()
        emit_run(
            report,
            as_json=as_json,
            detailed=False,
            fail_on_findings=fail_on_findings,
            disclosure=disclosed,
        )
        if report.status != "completed":
            sys.exit(EXIT_RUN)

    guard(body)


def _fresh_demo_database(path: Path) -> None:
    """The demo starts from an empty database of its own: its histories are dated relative to
    the day it runs, and posts kept from a run in another quarter would blur its weeks."""
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)

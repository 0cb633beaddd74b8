"""The ``crawl`` command line.

``crawl`` crawls every target; ``crawl --site ID`` checks one site and shows its columns.
Data goes to stdout (tables, or JSON with ``--json``), diagnostics to stderr. Errors are one
clear message and an exit status, never a traceback (see ``crawler.cli.runtime``).
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from crawler.cli.disclosure import disclosure, print_disclosure, run_disclosure
from crawler.cli.discover import discover
from crawler.cli.findings import findings
from crawler.cli.ipv6 import ipv6
from crawler.cli.probe import probe
from crawler.cli.report import report
from crawler.cli.runtime import (
    EXIT_CONFIG,
    EXIT_FINDINGS,
    EXIT_RUN,
    configure_logging,
    fetch_options,
    guard,
    keep_bodies_option,
    link_check_options,
    link_checks,
    run_async,
    stdout_console,
    targets_option,
)
from crawler.cli.schedule import schedule
from crawler.cli.status import status
from crawler.cli.worker import enqueue, worker
from crawler.config import (
    default_database_path,
    demo_database_path,
    parse_as_of,
)
from crawler.fetch import FetchSettings
from crawler.operations.jobs import crawl_targets, fetch_settings
from crawler.output.run import print_run, report_to_dict
from crawler.sites.runner import CrawlReport
from crawler.targets import load_targets
from rules.model import SHANGHAI, Severity

__all__ = ["main"]


def _emit(
    report: CrawlReport,
    *,
    as_json: bool,
    detailed: bool,
    fail_on_findings: bool,
    disclosure: dict[str, Any] | None = None,
) -> None:
    if as_json:
        document = report_to_dict(report)
        if disclosure is not None:
            document["disclosure"] = disclosure
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        print_run(stdout_console(), report, detailed=detailed)
        if disclosure is not None:
            print_disclosure(stdout_console(), disclosure)
    problems = [f for f in report.findings if f.severity is Severity.PROBLEM]
    if fail_on_findings and problems:
        sys.exit(EXIT_FINDINGS)


_COMMON = [
    click.option(
        "--db",
        envvar="XUNJIAN_DATABASE_URL",
        metavar="URL",
        help="Database: postgresql://… or a SQLite path/URL. "
        "Default: the embedded SQLite at $XUNJIAN_HOME/xunjian.sqlite3 "
        "(~/.local/share/xunjian/). Env: XUNJIAN_DATABASE_URL.",
    ),
    click.option(
        "--as-of",
        metavar="DATE",
        help="Judge as of this time instead of now: YYYY-MM-DD (end of that day, Asia/Shanghai) "
        "or an ISO datetime.",
    ),
    click.option("--json", "as_json", is_flag=True, help="Print the run as JSON on stdout."),
    click.option(
        "--fail-on-findings",
        is_flag=True,
        help="Exit with status 1 when problems are found (default: 0 whatever is found).",
    ),
    click.option(
        "--progress/--no-progress",
        default=None,
        help="Show a progress bar on stderr (default: only when stderr is a terminal).",
    ),
    keep_bodies_option,
    click.option(
        "-v", "--verbose", count=True, help="Log to stderr: -v one line per fetch, -vv debug."
    ),
]


def _common(func: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(_COMMON):
        func = option(func)
    return func


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@targets_option
@click.option(
    "--site",
    "site_ids",
    multiple=True,
    metavar="ID",
    help="Crawl only this site (repeatable) and show each of its columns.",
)
@click.option(
    "--account",
    "account_ids",
    multiple=True,
    metavar="ID",
    help="Check only this new-media account (repeatable); with --site, both.",
)
@fetch_options
@link_check_options
@_common
@click.pass_context
def main(
    ctx: click.Context,
    targets_path: Path,
    site_ids: tuple[str, ...],
    account_ids: tuple[str, ...],
    user_agent: str | None,
    concurrency: int | None,
    per_host_delay: float | None,
    check_links: bool,
    check_articles: int,
    db: str | None,
    as_of: str | None,
    as_json: bool,
    fail_on_findings: bool,
    progress: bool | None,
    keep_bodies_days: int,
    verbose: int,
) -> None:
    """Inspect government websites: crawl the columns in the targets file, store what each page
    shows, and report columns not updated in time (栏目不更新), empty or undated columns, and
    pages that could not be checked.

    \b
    Examples:
      crawl                          crawl every site in ./targets.yaml
      crawl --site jyty              one site, column by column
      crawl --account cl-weibo       one new-media account
      crawl --json > run.json        the run as JSON
      crawl --as-of 2022-06-20       judge as of a past date
      crawl extract page.html        what extraction finds on a page
      crawl demo                     crawl the bundled demo fleet
    """
    if ctx.invoked_subcommand is not None:
        return
    configure_logging(verbose)

    def body() -> None:
        now = parse_as_of(as_of)
        targets = load_targets(targets_path)
        report = run_async(
            crawl_targets(
                targets=targets,
                wanted=site_ids,
                wanted_accounts=account_ids,
                db=db,
                now=now,
                settings=fetch_settings(user_agent, concurrency, per_host_delay),
                link_checks=link_checks(check_links, check_articles),
                show_progress=sys.stderr.isatty() if progress is None else progress,
                keep_bodies_days=keep_bodies_days,
            )
        )
        _emit(report, as_json=as_json, detailed=bool(site_ids), fail_on_findings=fail_on_findings)
        if report.status != "completed":
            sys.exit(EXIT_RUN)

    guard(body)


@main.command()
@click.argument("sources", nargs=-1, required=True, metavar="PATH_OR_URL...")
@click.option(
    "--base-url", metavar="URL", help="Resolve relative links of local files against this URL."
)
@click.option("--as-of", metavar="DATE", help="Today's date for plausibility and MM-DD years.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per input, one per line.")
def extract(
    sources: tuple[str, ...], base_url: str | None, as_of: str | None, as_json: bool
) -> None:
    """Show what extraction finds on saved pages or live URLs: the list items with their
    titles, links and dates, or an article's publish date.

    \b
    JSON fields: source, kind (list|article|unknown), encoding,
    items [{title, url, date}], newest, published.
    """
    from crawler.fetch.source import load_source

    def body() -> None:
        from crawler.extract import extract_page
        from crawler.output.run import extraction_to_dict, print_extraction

        today = parse_as_of(as_of).astimezone(SHANGHAI).date()
        console = stdout_console()
        status = 0
        for source in sources:
            try:
                text, encoding, url = run_async(load_source(source, base_url=base_url))
            except OSError as exc:
                click.echo(f"error: {source}: {exc}", err=True)
                status = EXIT_CONFIG
                continue
            extraction = extract_page(text, base_url=url, today=today)
            if as_json:
                click.echo(
                    json.dumps(extraction_to_dict(source, extraction, encoding), ensure_ascii=False)
                )
            else:
                print_extraction(console, source, extraction, encoding)
        sys.exit(status)

    guard(body)


@main.command()
@_common
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
    port: int,
    keep_targets: Path | None,
) -> None:
    """Start the bundled demo fleet (20 simulated government sites and 98 new-media accounts on
    127.0.0.1), crawl all of it, print the summary and the findings, and stop the fleet. The
    accounts are judged over the last complete quarter, like a quarterly notice.

    The demo keeps its own embedded database ($XUNJIAN_HOME/demo.sqlite3) unless --db is given,
    so its sites never mix with real ones."""
    from crawler.demo import demo_fleet, demo_period, serve_in_thread, with_demo_accounts
    from crawler.demo.disclosure import demo_units

    configure_logging(verbose)

    def body() -> None:
        now = parse_as_of(as_of)
        today = now.astimezone(SHANGHAI).date()
        fleet = with_demo_accounts(demo_fleet(today))
        if db is None:
            _fresh_demo_database()
        running = serve_in_thread(fleet, first_port=port, units=demo_units(today))
        try:
            with tempfile.TemporaryDirectory(prefix="xunjian-demo-") as tmp:
                path = Path(tmp) / "targets.yaml"
                running.write_targets(path)
                if keep_targets:
                    running.write_targets(keep_targets)
                targets = load_targets(path)
                # our own loopback fleet: little spacing, or the link checks take half a minute
                settings = FetchSettings(per_host_delay_s=0.01, jitter_s=0.01)
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
        _emit(
            report,
            as_json=as_json,
            detailed=False,
            fail_on_findings=fail_on_findings,
            disclosure=disclosed,
        )
        if report.status != "completed":
            sys.exit(EXIT_RUN)

    guard(body)


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@click.option(
    "--db",
    "url",
    envvar="XUNJIAN_DATABASE_URL",
    metavar="URL",
    help="Database URL (see crawl --help).",
)
def db_upgrade(url: str | None) -> None:
    """Create or migrate the database schema to this version (needed once for Postgres;
    the embedded SQLite database is migrated automatically)."""
    from storage.engine import (
        create_engine,
        head_revision,
        is_sqlite,
        resolve_database_url,
        upgrade,
    )

    async def go() -> str:
        resolved = resolve_database_url(url, default_path=default_database_path())
        engine = create_engine(resolved)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()
        if not is_sqlite(resolved):  # the job queue of the distributed mode, beside ours
            from crawler.operations.distributed import apply_schema

            await apply_schema(url)
        return resolved

    def body() -> None:
        resolved = run_async(go())
        click.echo(f"database at revision {head_revision()}: {_redact(resolved)}")

    guard(body)


def _redact(url: str) -> str:
    """Hide a password in a database URL before printing it."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        if ":" in creds:
            return f"{scheme}://{creds.split(':', 1)[0]}:***@{host}"
    return url


main.add_command(findings)
main.add_command(report)
main.add_command(probe)
main.add_command(ipv6)
main.add_command(discover)
main.add_command(schedule)
main.add_command(status)
main.add_command(worker)
main.add_command(enqueue)
main.add_command(disclosure)


def _fresh_demo_database() -> None:
    """The demo starts from an empty database of its own: its histories are dated relative to
    the day it runs, and posts kept from a run in another quarter would blur its weeks."""
    path = demo_database_path()
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)

"""``crawl demo``: the bundled demo fleet, crawled and reported in one command; with
``--period``, run through a simulated quarter (``crawler.demo.quarter``) and, with
``--report``, that quarter's notice rendered by ``crawl report``."""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from rules.period import Period

__all__ = ["demo"]

# crawler.report.FORMATS (as in crawler.cli.report: --help imports no rendering code)
REPORT_FORMATS = ("md", "html", "docx", "xlsx")


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
@click.option(
    "--faults",
    is_flag=True,
    help="Also serve and crawl 问题示例网站, a 21st site that shows each problem of the content "
    "and interaction checks: 严重表述错误, 错别字, 暗链, personal numbers in an attachment, a "
    "letter unanswered for 100 days (docs/content-checks.md, docs/interaction.md).",
)
@click.option(
    "--period",
    metavar="QUARTER",
    help="Run the fleet through this quarter instead (2022Q2: the seed notice's), simulated: "
    "nightly crawls, probes and IPv6 checks over its days, stored with their simulated times "
    "(in $XUNJIAN_HOME/demo-QUARTER.sqlite3 unless --db is given). Takes a few minutes.",
)
@click.option(
    "--report",
    "report_format",
    type=click.Choice(REPORT_FORMATS),
    help="With --period: write the quarter's notice (as `crawl report` does) instead of the "
    "summary, running the quarter first if the database does not hold it yet.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="With --report: write the notice to this file (docx and xlsx need it).",
)
@click.option(
    "--region",
    metavar="TEXT",
    help="With --report: the area's name in the notice's sentences (default: the demo's "
    "targets file's, 示范区).",
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
    faults: bool,
    period: str | None,
    report_format: str | None,
    out: Path | None,
    region: str | None,
) -> None:
    """Start the bundled demo fleet (20 simulated government sites and 98 new-media accounts on
    127.0.0.1), crawl all of it, print the summary and the findings, and stop the fleet. The
    accounts are judged over the last complete quarter, like a quarterly notice.

    With --period the fleet runs through that quarter as it stood then (a simulated clock:
    a crawl every week, IPv6 checks over ::1 by name, availability probes), and --report then
    writes that quarter's notice from the database.

    \b
    Examples:
      crawl demo                                   crawl the demo now, print the summary
      crawl demo --faults                          …with a site showing each content problem
      crawl demo --period 2022Q2                   simulate the seed notice's quarter
      crawl demo --period 2022Q2 --report md       …and write its notice (Markdown)
      crawl demo --period 2022Q2 --report docx --out 2022Q2.docx

    The demo keeps its own embedded database ($XUNJIAN_HOME/demo.sqlite3) unless --db is given,
    so its sites never mix with real ones."""
    configure_logging(verbose, log_format=log_format)
    if period is not None:
        ctx = click.get_current_context()
        quarter = _QuarterOptions(
            period=period,
            db=db,
            as_json=as_json,
            fail_on_findings=fail_on_findings,
            keep_bodies_days=keep_bodies_days,
            port=port,
            keep_targets=keep_targets,
            report_format=report_format,
            out=out,
            region=region,
        )
        guard(lambda: _quarter(ctx, quarter, as_of=as_of))
        return
    if report_format is not None or out is not None:
        guard(_needs_period)
        return
    if faults and period is not None:
        guard(_faults_alone)
        return

    def body() -> None:
        from crawler.cli.crawl import emit_run
        from crawler.config import demo_database_path, parse_as_of
        from crawler.demo import demo_fleet, demo_period, serve_in_thread, with_demo_accounts
        from crawler.demo.disclosure import demo_units
        from crawler.demo.faults import serve_faults, with_faults_site
        from crawler.demo.server import CHALLENGED_SITE
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
        # one site behind a script challenge, read through the browser (docs/browser.md)
        running = serve_in_thread(
            fleet, first_port=port, units=demo_units(today), challenged=(CHALLENGED_SITE,)
        )
        extra = serve_faults(today) if faults else None
        try:
            text = running.targets_yaml()
            if extra is not None:
                text = with_faults_site(text, extra)
            with tempfile.TemporaryDirectory(prefix="xunjian-demo-") as tmp:
                path = Path(tmp) / "targets.yaml"
                written = [path, *([keep_targets] if keep_targets else [])]
                if db is None:  # beside the demo's database: `crawl serve --demo` shows both
                    written.append(demo_database_path().with_suffix(".yaml"))
                for target in written:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_text(text, encoding="utf-8")
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
            if extra is not None:
                extra.stop()
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


def _faults_alone() -> None:
    from crawler.config import ConfigError

    raise ConfigError(
        "--faults adds its site to the demo's crawl of today, not to a simulated quarter "
        "(whose notice is the seed's): give one of --faults and --period"
    )


def _needs_period() -> None:
    from crawler.config import ConfigError

    raise ConfigError(
        "--report and --out write a simulated quarter's notice: give --period too, e.g. "
        "`crawl demo --period 2022Q2 --report md`"
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class _QuarterOptions:
    period: str
    db: str | None
    as_json: bool
    fail_on_findings: bool
    keep_bodies_days: int
    port: int
    keep_targets: Path | None
    report_format: str | None
    out: Path | None
    region: str | None


def _quarter(ctx: click.Context, options: _QuarterOptions, *, as_of: str | None) -> None:
    """``crawl demo --period P [--report FORMAT]``: the simulated quarter, or its notice."""
    from crawler.config import ConfigError, data_home
    from crawler.demo.quarter import quarter_stored
    from rules.period import Period

    if as_of is not None:
        raise ConfigError("--as-of does not apply to --period: the quarter is simulated day by day")
    try:
        period = Period.parse(options.period)
    except ValueError as exc:
        raise ConfigError(f"--period: {exc}") from exc
    label = f"{period.start.year}Q{(period.start.month - 1) // 3 + 1}"
    if Period.parse(label) != period:
        raise ConfigError(f"--period {options.period}: the demo simulates a quarter, e.g. 2022Q2")
    if options.report_format in ("docx", "xlsx") and options.out is None:
        raise ConfigError(
            f"--report {options.report_format} writes a file: give --out "
            f"FILE.{options.report_format}"
        )
    default_db = data_home() / f"demo-{label}.sqlite3"
    targets = data_home() / f"demo-{label}.yaml"
    if options.report_format is None:
        _run_quarter(options, period, default_db, targets, summary=True)
        return
    database = options.db or str(default_db)
    held = (
        targets.is_file()
        and (options.db is not None or default_db.is_file())
        and run_async(quarter_stored(options.db, default_db, period))
    )
    if not held:
        click.echo(f"{label}: not simulated in {database} yet — running it first", err=True)
        _run_quarter(options, period, default_db, targets, summary=False)
    from crawler.cli.report import report

    # The notice exactly as `crawl report` writes it, on the quarter's targets and database.
    ctx.invoke(
        report,
        targets_path=targets,
        db=database,
        period=label,
        output_format=options.report_format,
        out=options.out,
        region=options.region,
    )


def _run_quarter(
    options: _QuarterOptions, period: Period, default_db: Path, targets_path: Path, *, summary: bool
) -> None:
    """Serve the quarter's fleet, simulate the quarter into the database, keep its targets
    file beside it; print the last crawl's summary when ``summary``."""
    from crawler.cli.crawl import emit_run
    from crawler.demo.quarter import import_zhaocuo, quarter_fleet, simulate_quarter
    from crawler.demo.server import ipv6_loopback_available, serve_in_thread
    from crawler.fetch import FetchSettings
    from crawler.operations.disclosure import run_disclosure
    from crawler.operations.jobs import crawl_targets
    from crawler.sites.runner import CrawlReport
    from crawler.targets import load_targets

    if options.db is None:
        _fresh_demo_database(default_db)
    targets_path.parent.mkdir(parents=True, exist_ok=True)
    targets_path.unlink(missing_ok=True)  # written again once the quarter is complete
    ipv6 = ipv6_loopback_available()
    if not ipv6:
        click.echo(
            "note: this machine has no IPv6 loopback (::1): the IPv6 checks are skipped, and "
            "the notice says IPv6改造情况未检查",
            err=True,
        )
    fleet, units = quarter_fleet(period)
    click.echo(
        f"simulating {period.label} ({period.start}–{period.end}): the demo fleet of "
        f"{len(fleet.sites)} sites, {len(fleet.accounts)} accounts and {len(units)} 政务公开 "
        "units, a crawl every week …",
        err=True,
    )
    running = serve_in_thread(fleet, first_port=options.port, units=units, ipv6=ipv6)
    try:
        with tempfile.TemporaryDirectory(prefix="xunjian-demo-") as tmp:
            path = Path(tmp) / "targets.yaml"
            running.write_targets(path)
            targets = load_targets(path)
            # our own loopback fleet: little spacing, or the link checks take half a minute
            settings = FetchSettings(
                per_host_delay_s=0.01, jitter_s=0.01, addresses=targets.address_policy()
            )

            async def crawl_job(
                now: datetime, timed: FetchSettings, *, read_units: bool
            ) -> CrawlReport:
                return await crawl_targets(
                    targets=targets,
                    wanted=(),
                    db=options.db,
                    now=now,
                    settings=timed,
                    show_progress=False,
                    keep_bodies_days=options.keep_bodies_days,
                    default_db=default_db,
                    period=period,
                    read_units=read_units,
                )

            result = run_async(
                simulate_quarter(
                    period=period,
                    running=running,
                    sites=targets.sites,
                    crawl_job=crawl_job,
                    settings=settings,
                    db=options.db,
                    default_db=default_db,
                    tell=lambda line: click.echo(line, err=True),
                )
            )
            last = result.last
            disclosed = run_async(
                run_disclosure(
                    targets.units,
                    db=options.db,
                    period=period,
                    now=last.finished_at,
                    settings=None,
                    default_db=default_db,
                )
            )
            # the 找错 platform's export of the quarter, as `crawl import zhaocuo` reads it
            zhaocuo = targets_path.with_name(f"{targets_path.stem}-zhaocuo.csv")
            run_async(
                import_zhaocuo(
                    targets.sites,
                    period,
                    zhaocuo,
                    db=options.db,
                    default_db=default_db,
                    now=last.finished_at,
                )
            )
            running.write_targets(targets_path)
            if options.keep_targets:
                running.write_targets(options.keep_targets)
    finally:
        running.stop()
    ipv6_line = result.ipv6_skipped or "IPv6 checks " + ", ".join(
        f"{k} {v}" for k, v in sorted(result.ipv6.items())
    )
    click.echo(
        f"simulated {period.label}: {len(result.crawls)} crawls, "
        f"{sum(result.probes.values())} probes ("
        + ", ".join(f"{k} {v}" for k, v in sorted(result.probes.items()))
        + f"), {ipv6_line}; {result.elapsed_s:.0f} s of real time ("
        + ", ".join(f"{kind} {seconds:.0f} s" for kind, seconds in result.seconds.items())
        + "). "
        f"Database {options.db or default_db}, targets {targets_path}; the notice: "
        f"`crawl demo --period {period.start.year}Q{(period.start.month - 1) // 3 + 1} "
        "--report md`",
        err=True,
    )
    if summary:
        emit_run(
            last,
            as_json=options.as_json,
            detailed=False,
            fail_on_findings=options.fail_on_findings,
            disclosure=disclosed,
        )
    if last.status != "completed":
        sys.exit(EXIT_RUN)

"""``crawl report``: the quarterly inspection notice (通报) with its attachments, from the findings
export — judged from storage, or read from a saved export (``--from-export``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from crawler.cli.options import db_option, logging_options, targets_option
from crawler.cli.runtime import EXIT_RUN, configure_logging, guard, run_async

if TYPE_CHECKING:
    from collections.abc import Sequence

    from crawler.output.judged import Coverage
    from crawler.report import ReportData
    from crawler.targets import Targets
    from crawler.targets.report import ReportSettings

__all__ = ["report"]

# crawler.report.FORMATS, kept here so that --help imports no rendering code (a unit test
# holds the two equal).
FORMATS = ("md", "html", "docx", "xlsx")


def _read_export(path: Path) -> Any:
    from crawler.config import ConfigError

    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise ConfigError(
            f"--from-export {path}: file not found — save one with "
            "`crawl findings --format json --out FILE.json`"
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"--from-export {path}: cannot read the file ({exc})") from exc
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"--from-export {path}: not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc


def _from_export(path: Path, period: str | None, as_of: str | None) -> ReportData:
    from crawler.config import ConfigError
    from crawler.report import ReportDataError, parse_export
    from rules.period import Period

    if as_of:
        raise ConfigError(
            "--as-of does not apply to --from-export: the export was judged at its own as_of"
        )
    try:
        data = parse_export(_read_export(path))
    except ReportDataError as exc:
        raise ConfigError(f"--from-export {path}: {exc}") from exc
    if period:
        try:
            wanted = Period.parse(period)
        except ValueError as exc:
            raise ConfigError(f"--period: {exc}") from exc
        if (wanted.start, wanted.end) != (data.period_start, data.period_end):
            raise ConfigError(
                f"--period {period} is not the export's period ({data.period_label}, "
                f"{data.period_start}..{data.period_end}) — leave --period out, or export "
                "that period"
            )
    return data


def _from_storage(
    targets_path: Path,
    db: str | None,
    period: str | None,
    as_of: str | None,
    *,
    allow_incomplete: bool,
) -> tuple[ReportData, ReportSettings]:
    from crawler.output.judged import judge_stored, resolve_moment
    from crawler.report import parse_export
    from crawler.targets import load_targets
    from rules.model import utc_now

    moment, judged_period = resolve_moment(
        as_of=as_of, period=period, start=None, end=None, now=utc_now()
    )
    targets = load_targets(targets_path)
    judged = run_async(
        judge_stored(
            targets,
            list(targets.sites),
            list(targets.accounts),
            db=db,
            moment=moment,
            period=judged_period,
        )
    )
    if not judged.coverage.complete:
        missing = missing_message(judged.coverage, judged.period.label, targets)
        if not allow_incomplete:
            click.echo(f"error: {missing} — {_remedy(judged.coverage)}", err=True)
            sys.exit(EXIT_RUN)
        click.echo(f"note: {missing}; reported as 未检查", err=True)
    return parse_export(judged.export), targets.report


def _export_settings(targets_path: Path) -> ReportSettings:
    """The ``report:`` settings for a saved export: the targets file's when there is one."""
    from crawler.targets import load_targets
    from crawler.targets.report import ReportSettings

    return load_targets(targets_path).report if targets_path.is_file() else ReportSettings()


def missing_message(coverage: Coverage, label: str, targets: Targets) -> str:
    """What has no fetch in the judged window (from the period's first day to the moment)."""
    window = (
        f"{coverage.window_start:%Y-%m-%d} 00:00 and "
        f"{coverage.moment.astimezone(coverage.window_start.tzinfo):%Y-%m-%d %H:%M}"
    )
    parts = []
    if coverage.sites:
        parts.append(_listed(coverage.sites, len(targets.sites), "sites"))
    if coverage.columns:
        columns = [f"{site}/{column}" for site, column in coverage.columns]
        total = sum(len(site.columns) for site in targets.sites)
        parts.append(_listed(columns, total, "columns"))
    if coverage.accounts:
        parts.append(_listed(coverage.accounts, len(targets.accounts), "accounts"))
    return f"{label}: nothing stored was fetched between {window} (Asia/Shanghai) for " + "; ".join(
        parts
    )


def _remedy(coverage: Coverage) -> str:
    """What fills the window, or how to write the notice all the same."""
    if coverage.sites:
        example = f"`crawl --site {coverage.sites[0]}`"
    elif coverage.accounts:
        example = f"`crawl --account {coverage.accounts[0]}`"
    else:
        example = "`crawl`"
    return (
        f"fetch them with `crawl` (all) or {example}, then report again (a period that is over "
        "is judged as of now with --as-of now); or give --allow-incomplete to write the notice "
        "with 未检查 for what is missing"
    )


def _listed(ids: Sequence[str], total: int, noun: str) -> str:
    shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
    return f"{len(ids)} of {total} {noun} ({shown})"


@click.command("report")
@targets_option
@db_option
@click.option(
    "--period",
    metavar="P",
    help="The period of the notice: 2022Q2, 2022-06 or 2022 (default: the last complete "
    "quarter, judged as of now).",
)
@click.option(
    "--as-of",
    metavar="DATE",
    help="Judge as of this moment: YYYY-MM-DD (end of day) or ISO time (default: the "
    "period's end, or now).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="md",
    show_default=True,
    help="md or html (to stdout unless --out), docx or xlsx (need --out).",
)
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Write to this file.")
@click.option(
    "--from-export",
    "export_path",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE.json",
    help="Render a saved `crawl findings --format json` export instead of judging storage.",
)
@click.option(
    "--region",
    metavar="TEXT",
    help="The area's name in the sentences, e.g. 示范区 (…示范区正在运行的政府网站共20个); "
    "default: the targets file's report.region.",
)
@click.option(
    "--portal",
    metavar="ID",
    help="The site whose publishing section 二 reports (default: the targets file's "
    "report.portal, else the first site).",
)
@click.option(
    "--allow-incomplete",
    is_flag=True,
    help="Write the notice even when some sites, columns or accounts have no fetch in the "
    "period (they are reported as 未检查); without it that is an error (exit 3).",
)
@click.option(
    "--charts",
    is_flag=True,
    help="HTML only: add a 图表 section — each 附件2 account's posts per natural week (the "
    "weeks the weekly rule did not judge marked 未判定) and the age of the columns' newest items.",
)
@click.option(
    "--screenshots",
    is_flag=True,
    help="HTML only: add 附：问题页面截图 — each finding's page as it looked at the check, from "
    "the screenshots crawls with --screenshots stored (read from the database).",
)
@logging_options("Log to stderr.")
def report(
    targets_path: Path,
    db: str | None,
    period: str | None,
    as_of: str | None,
    output_format: str,
    out: Path | None,
    export_path: Path | None,
    region: str | None,
    portal: str | None,
    allow_incomplete: bool,
    charts: bool,
    screenshots: bool,
    verbose: int,
    log_format: str,
) -> None:
    """Write the quarterly inspection notice: 一 websites and new media (总体情况, 主要问题),
    二 the portal's publishing, 三 the 政务公开 columns, 四 left for the office, and
    附件1 (all sites), 附件2 (accounts with problems), 附件3 (units and counts).

    \b
    Examples:
      crawl report --period 2022Q2 > 2022Q2.md
      crawl report --period 2022Q2 --format html --charts --out 2022Q2.html --region 示范区
      crawl report --period 2022Q2 --format docx --out 2022Q2.docx
      crawl report --from-export 2022Q2.json --format xlsx --out 2022Q2.xlsx
    """
    configure_logging(verbose, log_format=log_format)

    def body() -> None:
        from crawler.config import ConfigError
        from crawler.report import render

        if output_format in ("docx", "xlsx") and out is None:
            raise ConfigError(
                f"--format {output_format} writes a file: give --out FILE.{output_format}"
            )
        if charts and output_format != "html":
            raise ConfigError(
                f"--charts draws the charts of the HTML report, not of --format {output_format} "
                "— give --format html, or leave --charts out"
            )
        if screenshots and (output_format != "html" or export_path is not None):
            raise ConfigError(
                "--screenshots embeds the stored screenshots in the HTML report: give "
                "--format html and read from the database (not --from-export)"
            )
        if export_path is not None:
            data = _from_export(export_path, period, as_of)
            settings = _export_settings(targets_path)
        else:
            data, settings = _from_storage(
                targets_path, db, period, as_of, allow_incomplete=allow_incomplete
            )
        known = [entry.site for entry in data.publishing]
        if portal is not None and portal not in known:
            listed = ", ".join(known) or "none (the export has no publishing section)"
            raise ConfigError(f"--portal {portal}: no such site in the export — known: {listed}")
        images = run_async(_screenshot_images(data, db)) if screenshots else None
        rendered = render(
            data,
            output_format,
            region=region,
            portal=portal,
            settings=settings,
            charts=charts,
            screenshots=images,
        )
        if out is None:
            assert isinstance(rendered, str)
            sys.stdout.write(rendered)
            return
        try:
            if isinstance(rendered, str):
                out.write_text(rendered, encoding="utf-8")
            else:
                out.write_bytes(rendered)
        except OSError as exc:
            raise ConfigError(
                f"--out {out}: cannot write the file ({exc.strerror or exc})"
            ) from exc
        click.echo(f"wrote {out}", err=True)

    guard(body)


async def _screenshot_images(data: ReportData, db: str | None) -> dict[str, bytes]:
    """The stored images the report's findings name, by sha256."""
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from crawler.config import open_database
    from storage.screenshots import screenshot_images

    wanted = {f.screenshot.sha256 for site in data.sites for f in site.findings if f.screenshot}
    engine = await open_database(db)
    try:
        async with async_sessionmaker(engine)() as session:
            return await screenshot_images(session, wanted)
    finally:
        await engine.dispose()

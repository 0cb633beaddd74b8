"""``crawl findings``: judge any past moment or period from stored history, and export it."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from crawler.cli.options import db_option, logging_options, targets_option
from crawler.cli.runtime import configure_logging, guard, run_async, stdout_console

if TYPE_CHECKING:
    from crawler.accounts.judging import AccountReport
    from crawler.sites.judging import SiteReport

__all__ = ["findings"]

FORMATS = ("table", "json", "csv", "xlsx")


@click.command("findings")
@targets_option
@click.option(
    "--site", "site_ids", multiple=True, metavar="ID", help="Only this site (repeatable)."
)
@click.option(
    "--account", "account_ids", multiple=True, metavar="ID", help="Only this account (repeatable)."
)
@db_option
@click.option(
    "--as-of",
    metavar="DATE",
    help="Judge this moment: YYYY-MM-DD (end of day) or ISO time; with --period, the period "
    "as it stood then.",
)
@click.option(
    "--period",
    metavar="P",
    help="Judge a period: 2022Q2, 2022-06 or 2022 (as of its end, unless --as-of).",
)
@click.option("--from", "start", metavar="DATE", help="First day of a period (with --to).")
@click.option("--to", "end", metavar="DATE", help="Last day of a period (with --from).")
@click.option("--since", metavar="DATE", help="Only findings first seen on or after this date.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table on the terminal; json (docs/findings-schema.md), csv or xlsx for other tools.",
)
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Write to this file.")
@click.option(
    "--evidence",
    type=click.Path(path_type=Path, file_okay=False),
    metavar="DIR",
    help="Also write the screenshots of the findings' pages (taken by crawls run with "
    "--screenshots) into DIR, one file per finding, with index.json.",
)
@logging_options("Log to stderr.")
def findings(
    targets_path: Path,
    site_ids: tuple[str, ...],
    account_ids: tuple[str, ...],
    db: str | None,
    as_of: str | None,
    period: str | None,
    start: str | None,
    end: str | None,
    since: str | None,
    output_format: str,
    out: Path | None,
    evidence: Path | None,
    verbose: int,
    log_format: str,
) -> None:
    """Judge any past moment or period from stored history, without crawling, and export the
    findings: per site 合格/不合格, score, problems and each finding with its evidence.

    \b
    Examples:
      crawl findings                              as of now
      crawl findings --as-of 2022-06-20           as the pages stood then
      crawl findings --period 2022Q2 --format xlsx --out 2022Q2.xlsx
      crawl findings --site jyty --format json    one site, for another report tool
      crawl findings --since 2022-06-01 --format csv   problems new since June
      crawl findings --evidence shots/            the findings' screenshots, as files
    """
    configure_logging(verbose, log_format=log_format)

    def body() -> None:
        from crawler.config import ConfigError
        from crawler.output.judged import judge_stored, parse_day, resolve_moment, unchecked_note
        from crawler.targets import load_targets
        from rules.model import utc_now

        moment, judged_period = resolve_moment(
            as_of=as_of, period=period, start=start, end=end, now=utc_now()
        )
        since_day = parse_day(since, "--since") if since else None
        if output_format == "xlsx" and out is None:
            raise ConfigError("--format xlsx writes a workbook: give --out FILE.xlsx")
        targets = load_targets(targets_path)
        sites = targets.select(site_ids) if site_ids or not account_ids else []
        accounts = targets.select_accounts(account_ids) if account_ids or not site_ids else []
        judged = run_async(
            judge_stored(
                targets,
                sites,
                accounts,
                db=db,
                moment=moment,
                period=judged_period,
                since=since_day,
            )
        )
        note = unchecked_note(judged)
        if note:
            click.echo(note, err=True)
        _write(judged.export, judged.sites, judged.accounts, output_format, out)
        if evidence is not None:
            from crawler.output.evidence import read_evidence, write_evidence

            shown = [f for report in judged.sites for f in report.findings]
            found = run_async(read_evidence(shown, db=db, moment=moment))
            files = write_evidence(found, evidence)
            click.echo(
                f"wrote {files} screenshots for {len(found)} findings to {evidence}", err=True
            )

    guard(body)


def _write(
    export: dict[str, object],
    reports: tuple[SiteReport, ...],
    accounts: tuple[AccountReport, ...],
    output_format: str,
    out: Path | None,
) -> None:
    from crawler.output.accounts import print_accounts
    from crawler.output.export import to_csv, write_xlsx
    from crawler.output.interaction import print_interaction
    from crawler.output.run import print_findings, print_summary

    if output_format == "xlsx":
        assert out is not None
        write_xlsx(export, out)
        click.echo(f"wrote {out}", err=True)
        return
    if output_format == "table":
        console = stdout_console()
        if reports:
            print_summary(console, reports)
            print_findings(console, [f for report in reports for f in report.findings])
        print_accounts(console, accounts)
        if (interaction := export.get("interaction")) is not None:
            print_interaction(console, interaction)  # type: ignore[arg-type]
        return
    text = (
        json.dumps(export, ensure_ascii=False, indent=2) + "\n"
        if output_format == "json"
        else to_csv(export)
    )
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8-sig" if output_format == "csv" else "utf-8")
        click.echo(f"wrote {out}", err=True)

"""``crawl`` itself: crawl the targets file's sites and accounts, print the run.

The group in ``crawler.cli`` parses the options; this module runs the crawl and prints it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from crawler.cli.runtime import EXIT_FINDINGS, EXIT_RUN, guard, run_async, stdout_console

if TYPE_CHECKING:
    from crawler.sites.runner import CrawlReport

__all__ = ["emit_run", "run_crawl"]


def run_crawl(
    *,
    targets_path: Path,
    site_ids: tuple[str, ...],
    account_ids: tuple[str, ...],
    user_agent: str | None,
    concurrency: int | None,
    per_host_delay: float | None,
    timeout: float | None,
    browser: bool,
    browser_pages: int,
    screenshots: bool,
    check_links: bool,
    check_articles: int,
    db: str | None,
    as_of: str | None,
    as_json: bool,
    fail_on_findings: bool,
    progress: bool | None,
    keep_bodies_days: int,
) -> None:
    def body() -> None:
        from crawler.config import parse_as_of
        from crawler.operations.jobs import (
            browser_settings,
            crawl_targets,
            fetch_settings,
            link_checks,
        )
        from crawler.targets import load_targets

        now = parse_as_of(as_of)
        targets = load_targets(targets_path)
        report = run_async(
            crawl_targets(
                targets=targets,
                wanted=site_ids,
                wanted_accounts=account_ids,
                db=db,
                now=now,
                settings=fetch_settings(user_agent, concurrency, per_host_delay, timeout),
                link_checks=link_checks(check_links, check_articles),
                browser=browser_settings(browser, browser_pages, timeout),
                screenshots=screenshots,
                show_progress=sys.stderr.isatty() if progress is None else progress,
                keep_bodies_days=keep_bodies_days,
            )
        )
        emit_run(
            report, as_json=as_json, detailed=bool(site_ids), fail_on_findings=fail_on_findings
        )
        if report.status != "completed":
            sys.exit(EXIT_RUN)

    guard(body)


def emit_run(
    report: CrawlReport,
    *,
    as_json: bool,
    detailed: bool,
    fail_on_findings: bool,
    disclosure: dict[str, Any] | None = None,
) -> None:
    """Print the run (a table or JSON); exit 1 on problems when asked to."""
    from crawler.output.run import print_run, report_to_dict
    from rules.model import Severity

    if as_json:
        document = report_to_dict(report)
        if disclosure is not None:
            document["disclosure"] = disclosure
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        print_run(stdout_console(), report, detailed=detailed)
        if disclosure is not None:
            from crawler.output.disclosure import print_disclosure

            print_disclosure(stdout_console(), disclosure)
    problems = [f for f in report.findings if f.severity is Severity.PROBLEM]
    if fail_on_findings and problems:
        sys.exit(EXIT_FINDINGS)

"""``crawl discover``: propose a site's list columns as a targets.yaml snippet, for review.

``crawl discover URL`` starts from a homepage; ``crawl discover --site ID`` from the homepage
of a site in the targets file (and marks the columns it already lists). The snippet goes to
stdout; no file is ever written. See ``crawler.sites.discover``.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from crawler.cli.options import fetch_options, json_option, logging_options, targets_option
from crawler.cli.runtime import EXIT_CONFIG, EXIT_RUN, configure_logging, guard, run_async

if TYPE_CHECKING:
    from rules.model import Site

__all__ = ["DEFAULT_MAX_PAGES", "discover"]

# crawler.sites.discover.DEFAULT_MAX_PAGES, kept here so that --help imports no fetching code
# (a unit test holds the two equal).
DEFAULT_MAX_PAGES = 40


@click.command("discover")
@click.argument("url", required=False, metavar="[URL]")
@targets_option
@click.option(
    "--site",
    "site_id",
    metavar="ID",
    help="Start from this site's homepage in the targets file (instead of URL).",
)
@click.option(
    "--max-pages",
    type=click.IntRange(1, 500),
    default=DEFAULT_MAX_PAGES,
    show_default=True,
    help="Fetch at most this many pages besides the homepage and robots.txt.",
)
@json_option("Print the candidates as JSON on stdout.")
@fetch_options
@logging_options("Log to stderr: -v one line per fetch.")
def discover(
    url: str | None,
    targets_path: Path,
    site_id: str | None,
    max_pages: int,
    as_json: bool,
    user_agent: str | None,
    concurrency: int | None,
    per_host_delay: float | None,
    timeout: float | None,
    verbose: int,
    log_format: str,
) -> None:
    """Propose a site's list columns (栏目) from its homepage navigation: fetch the homepage
    and at most --max-pages of the pages it links to (politely, robots.txt honoured), keep
    those that list dated items or carry ColumnName/ColumnType meta tags, guess each one's
    category from its name, and print a targets.yaml snippet marked for review. Nothing is
    written: review the snippet, fill in its TODOs, then copy it into the targets file.

    \b
    Examples:
      crawl discover https://www.example.gov.cn/
      crawl discover --site jyty            the homepage of a site in ./targets.yaml
      crawl discover URL --json             the candidates as JSON
    """
    configure_logging(verbose, log_format=log_format)

    def body() -> None:
        from crawler.fetch.client import check_url
        from crawler.operations.jobs import fetch_settings
        from crawler.output.discover import discovery_to_dict
        from crawler.sites.discover import discover as discover_site
        from crawler.sites.discover import render_snippet
        from crawler.targets import load_targets
        from rules.model import local_date, utc_now

        if (url is None) == (site_id is None):
            click.echo("error: give a homepage URL or --site ID (one of them)", err=True)
            raise SystemExit(EXIT_CONFIG)
        site: Site | None = None
        settings = replace(
            fetch_settings(user_agent, concurrency, per_host_delay, timeout), per_host_concurrency=1
        )
        if site_id is not None:
            targets = load_targets(targets_path)
            site = targets.select([site_id])[0]
            homepage = site.homepage
            settings = replace(settings, addresses=targets.address_policy())
        else:
            assert url is not None
            homepage = url
        check_url(homepage)  # a FetchConfigError names a bad URL
        discovery = run_async(
            discover_site(
                homepage,
                settings=settings,
                max_pages=max_pages,
                respect_robots=site.respect_robots if site else True,
            )
        )
        if not discovery.outcome.readable:
            click.echo(
                f"error: the homepage {discovery.homepage} could not be read "
                f"({discovery.outcome.label}, {discovery.outcome.value}"
                + (f": {discovery.detail}" if discovery.detail else "")
                + ") — nothing to discover; check the URL or try again later",
                err=True,
            )
            raise SystemExit(EXIT_RUN)
        if as_json:
            click.echo(json.dumps(discovery_to_dict(discovery), ensure_ascii=False, indent=2))
        else:
            click.echo(
                render_snippet(
                    discovery,
                    site_id=site.id if site else None,
                    site_name=site.name if site else None,
                    checked_on=local_date(utc_now()),
                    known_urls=[column.url for column in site.columns] if site else (),
                ),
                nl=False,
            )

    guard(body)

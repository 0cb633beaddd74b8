"""``crawl extract``: what extraction finds on saved pages or live URLs."""

from __future__ import annotations

import json
import sys
from typing import cast

import click

from crawler.cli.options import json_option, logging_options
from crawler.cli.runtime import EXIT_CONFIG, configure_logging, guard, run_async, stdout_console

__all__ = ["extract"]


# crawler.output.extraction.DOCUMENT_KINDS, kept here so that --help imports no reading code
# (a unit test holds the two equal).
DOCUMENT_KINDS = ("auto", "list", "article", "feed")


@click.command()
@click.argument("sources", nargs=-1, required=True, metavar="PATH_OR_URL...")
@click.option(
    "--base-url",
    metavar="URL",
    help="Resolve relative links of local files against this URL (default: the file's own "
    "file:// URL).",
)
@click.option(
    "--kind",
    type=click.Choice(DOCUMENT_KINDS),
    default="auto",
    show_default=True,
    help="What the input is: auto (by its content), a list or article page (the page reader), "
    "or a feed (RSS/Atom/JSON Feed or Weibo API JSON: the account readers).",
)
@click.option("--as-of", metavar="DATE", help="Today's date for plausibility and MM-DD years.")
@json_option("One JSON object per input, one per line.")
@logging_options("Log to stderr: -v one line per URL fetched, -vv debug.")
def extract(
    sources: tuple[str, ...],
    base_url: str | None,
    kind: str,
    as_of: str | None,
    as_json: bool,
    verbose: int,
    log_format: str,
) -> None:
    """Show what extraction finds on saved pages or live URLs, read as a crawl reads them:
    a list's items with their titles, links and dates, an article's publish date, a feed's
    posts, or why the page cannot be read (an anti-bot challenge: "blocked").

    \b
    JSON fields: source, kind (list|article|unknown|feed|blocked), encoding,
    items [{title, url, date}], newest, published.
    A blocked input exits 0 (the outcome is the result); a missing file or a
    failed fetch exits 2.
    """
    configure_logging(verbose, log_format=log_format)

    def body() -> None:
        from crawler.config import parse_as_of
        from crawler.fetch.source import load_source
        from crawler.output.extraction import (
            DocumentKind,
            print_reading,
            read_document,
            reading_to_dict,
        )
        from rules.model import SHANGHAI

        moment = parse_as_of(as_of)
        today = moment.astimezone(SHANGHAI).date()
        console = stdout_console()
        status = 0
        for source in sources:
            try:
                loaded = run_async(load_source(source, base_url=base_url))
            except OSError as exc:
                click.echo(f"error: {source}: {exc}", err=True)
                status = EXIT_CONFIG
                continue
            reading = read_document(
                source, loaded, kind=cast("DocumentKind", kind), today=today, moment=moment
            )
            if as_json:
                click.echo(json.dumps(reading_to_dict(reading), ensure_ascii=False))
                if reading.blocked is not None:
                    click.echo(f"blocked: {source}: {reading.blocked}", err=True)
            else:
                print_reading(console, reading)
        sys.exit(status)

    guard(body)

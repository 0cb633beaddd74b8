"""``crawl extract``: what extraction finds on saved pages or live URLs."""

from __future__ import annotations

import json
import sys

import click

from crawler.cli.options import json_option, logging_options
from crawler.cli.runtime import EXIT_CONFIG, configure_logging, guard, run_async, stdout_console

__all__ = ["extract"]


@click.command()
@click.argument("sources", nargs=-1, required=True, metavar="PATH_OR_URL...")
@click.option(
    "--base-url", metavar="URL", help="Resolve relative links of local files against this URL."
)
@click.option("--as-of", metavar="DATE", help="Today's date for plausibility and MM-DD years.")
@json_option("One JSON object per input, one per line.")
@logging_options("Log to stderr: -v one line per URL fetched, -vv debug.")
def extract(
    sources: tuple[str, ...],
    base_url: str | None,
    as_of: str | None,
    as_json: bool,
    verbose: int,
    log_format: str,
) -> None:
    """Show what extraction finds on saved pages or live URLs: the list items with their
    titles, links and dates, or an article's publish date.

    \b
    JSON fields: source, kind (list|article|unknown), encoding,
    items [{title, url, date}], newest, published.
    """
    configure_logging(verbose, log_format=log_format)

    def body() -> None:
        from crawler.config import parse_as_of
        from crawler.extract import extract_page
        from crawler.fetch.source import load_source
        from crawler.output.run import extraction_to_dict, print_extraction
        from rules.model import SHANGHAI

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

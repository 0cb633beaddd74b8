"""The ``crawl`` command line.

``crawl`` crawls every target; ``crawl --site ID`` checks one site and shows its columns;
``crawl SUBCOMMAND`` does the rest (one module each in this package, loaded only when that
subcommand runs or its help is shown, so that ``crawl --help`` starts at once). Options may
stand before or after the subcommand (``crawler.cli.options``). Data goes to stdout (tables,
or JSON with ``--json``), diagnostics to stderr. Errors are one clear message and an exit
status, never a traceback (``crawler.cli.runtime``).

This package is the top of the crawl: nothing imports it.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from crawler.cli.options import (
    as_of_option,
    browser_options,
    db_option,
    fail_on_findings_option,
    fetch_options,
    json_option,
    keep_bodies_option,
    link_check_options,
    logging_options,
    progress_option,
    targets_option,
    with_shared_options,
)
from crawler.cli.runtime import configure_logging

__all__ = ["main"]

# name -> "module:attribute"; each module imports only click at its top.
SUBCOMMANDS = {
    "db": "crawler.cli.db:db",
    "demo": "crawler.cli.demo:demo",
    "disclosure": "crawler.cli.disclosure:disclosure",
    "discover": "crawler.cli.discover:discover",
    "enqueue": "crawler.cli.worker:enqueue",
    "extract": "crawler.cli.extract:extract",
    "findings": "crawler.cli.findings:findings",
    "import": "crawler.cli.imports:import_group",
    "ipv6": "crawler.cli.ipv6:ipv6",
    "notify": "crawler.cli.notify:notify",
    "probe": "crawler.cli.probe:probe",
    "report": "crawler.cli.report:report",
    "schedule": "crawler.cli.schedule:schedule",
    "serve": "crawler.cli.serve:serve",
    "status": "crawler.cli.status:status",
    "worker": "crawler.cli.worker:worker",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported when they are used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = SUBCOMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{target} is not a click command")
        return with_shared_options(command)


@click.group(
    cls=LazyGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
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
@browser_options
@link_check_options
@db_option
@as_of_option
@json_option("Print the run as JSON on stdout.")
@fail_on_findings_option
@progress_option
@keep_bodies_option
@logging_options()
@click.pass_context
def main(ctx: click.Context, /, **params: Any) -> None:
    """Inspect government websites: crawl the columns and message boards in the targets file,
    store what each page shows, and report columns not updated in time (栏目不更新), empty or
    undated columns, letters left unanswered (互动回应差), wording errors, hidden links and
    personal data exposed, and pages that could not be checked.

    Options such as --db, --targets, -v and --json may stand before or after a subcommand:
    `crawl --db URL status` is `crawl status --db URL`.

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
        return  # the subcommand takes the options given here (crawler.cli.options)
    configure_logging(params.pop("verbose"), log_format=params.pop("log_format"))
    from crawler.cli.crawl import run_crawl

    run_crawl(**params)

"""Command-line plumbing shared by the commands: logging, exit codes, errors, consoles.

Only the CLI turns errors into exit statuses; every known error is one line on stderr that
says what and where, and a bug is one line too (its traceback with -vv):

    0  done (findings or not, unless --fail-on-findings)
    1  --fail-on-findings was given and there are problem findings
    2  bad usage or configuration (targets file, profile, database URL, options)
    3  the run failed or was interrupted, or an internal error
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import click
from rich.console import Console

from crawler.config import ConfigError
from crawler.sites.linkcheck import LinkCheckSettings
from crawler.targets import TargetsError

__all__ = [
    "EXIT_CONFIG",
    "EXIT_FINDINGS",
    "EXIT_RUN",
    "configure_logging",
    "fetch_options",
    "guard",
    "keep_bodies_option",
    "run_async",
    "stdout_console",
    "targets_option",
]

logger = logging.getLogger(__name__)

T = TypeVar("T")

EXIT_FINDINGS = 1
EXIT_CONFIG = 2
EXIT_RUN = 3


def configure_logging(verbose: int) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


def run_async(coro: Awaitable[T]) -> T:
    async def runner() -> T:
        return await coro

    return asyncio.run(runner())


def stdout_console() -> Console:
    """Tables on stdout: the terminal's width, or a wide page when piped to a file."""
    return Console() if sys.stdout.isatty() else Console(width=160)


def guard(func: Callable[[], T]) -> T:
    """Run a command body; turn known errors into one-line messages and exit codes."""
    from crawler.fetch import FetchConfigError
    from storage.errors import StorageError

    try:
        return func()
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_CONFIG)
    except TargetsError as exc:
        click.echo("error: " + str(exc).replace("\n", "\nerror: "), err=True)
        sys.exit(EXIT_CONFIG)
    except (StorageError, FetchConfigError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_CONFIG)
    except KeyboardInterrupt:
        click.echo("interrupted: the run is recorded as interrupted; pages done are kept", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug: one line here, the traceback with -vv
        logger.debug("internal error", exc_info=True)
        click.echo(
            f"error: internal error ({exc.__class__.__name__}: {exc}) — this is a bug; any run "
            "is recorded as failed and every page stored so far is kept; rerun with -vv for "
            "the traceback",
            err=True,
        )
        sys.exit(EXIT_RUN)


targets_option = click.option(
    "--targets",
    "targets_path",
    envvar="XUNJIAN_TARGETS",
    default="targets.yaml",
    show_default=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The targets file: sites, columns, accounts and their rule profiles. "
    "Env: XUNJIAN_TARGETS.",
)


def fetch_options(func: Callable[..., T]) -> Callable[..., T]:
    """The politeness options of every command that crawls: --user-agent, --concurrency and
    --per-host-delay (see ``crawler.operations.jobs.fetch_settings``)."""
    options = [
        click.option(
            "--user-agent",
            envvar="XUNJIAN_USER_AGENT",
            help="User-Agent header sent with every request. Env: XUNJIAN_USER_AGENT.",
        ),
        click.option(
            "--concurrency",
            type=click.IntRange(1, 512),
            help="Fetches in flight at once (default 32).",
        ),
        click.option(
            "--per-host-delay",
            type=click.FloatRange(0, 60),
            metavar="SECONDS",
            help="Least time between two request starts to one host (default 0.5, plus jitter).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def link_check_options(func: Callable[..., T]) -> Callable[..., T]:
    """--check-links/--no-check-links and --check-articles N of the crawling commands (see
    ``link_checks``)."""
    options = [
        click.option(
            "--check-links/--no-check-links",
            "check_links",
            default=True,
            show_default=True,
            help="Check the homepage's links and the images of the pages read (图片不显示, "
            "首页不可用链接); each URL once per run.",
        ),
        click.option(
            "--check-articles",
            type=click.IntRange(0, 100),
            default=LinkCheckSettings().articles_per_site,
            show_default=True,
            metavar="N",
            help="Article pages read per site for their images (the newest of its columns).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def link_checks(check_links: bool, check_articles: int) -> LinkCheckSettings | None:
    """The link check settings the options ask for; None: no link checks."""
    return LinkCheckSettings(articles_per_site=check_articles) if check_links else None


keep_bodies_option = click.option(
    "--keep-bodies-days",
    envvar="XUNJIAN_KEEP_BODIES_DAYS",
    type=click.IntRange(0, 36500),
    default=400,
    show_default=True,
    help="Keep stored page bodies (the evidence) this many days; each page's newest body is "
    "always kept. Env: XUNJIAN_KEEP_BODIES_DAYS.",
)

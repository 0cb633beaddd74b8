"""Command-line plumbing shared by the commands: logging, exit codes, errors, consoles.

Only the CLI turns errors into exit statuses; every known error is one line on stderr that
says what and where, and a bug is one line too (its traceback with -vv):

    0  done (findings or not, unless --fail-on-findings)
    1  --fail-on-findings was given and there are problem findings
    2  bad usage or configuration (targets file, profile, database URL, options)
    3  the run failed or was interrupted, the database is unavailable, or an internal error
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, NoReturn, TypeVar

import click

if TYPE_CHECKING:
    from rich.console import Console

__all__ = [
    "EXIT_CONFIG",
    "EXIT_FINDINGS",
    "EXIT_RUN",
    "configure_logging",
    "configure_service_logging",
    "guard",
    "run_async",
    "stdout_console",
]

logger = logging.getLogger(__name__)

T = TypeVar("T")

EXIT_FINDINGS = 1
EXIT_CONFIG = 2
EXIT_RUN = 3


def configure_logging(
    verbose: int,
    *,
    log_format: str = "text",
    base_level: int = logging.WARNING,
    detail_loggers: tuple[str, ...] = (),
) -> None:
    """Logging for a command (``crawler.cli.logs``): -v one line per fetch, -vv debug."""
    from crawler.cli.logs import configure_logging as configure

    configure(verbose, log_format=log_format, base_level=base_level, detail_loggers=detail_loggers)


def configure_service_logging(
    verbose: int, *, log_format: str, quiet: tuple[str, ...] = ()
) -> None:
    """Logging for the long-running commands: their job lines always (INFO), per-fetch lines
    (and those of the ``quiet`` loggers) from -v on, debug from -vv."""
    configure_logging(verbose, log_format=log_format, base_level=logging.INFO, detail_loggers=quiet)


def run_async(coro: Awaitable[T]) -> T:
    async def runner() -> T:
        return await coro

    return asyncio.run(runner())


def stdout_console() -> Console:
    """Tables on stdout: the terminal's width, or a wide page when piped to a file; no markup."""
    from rich.console import Console

    # Crawled text (titles, reasons, names) is printed as it is: never read as rich markup.
    if sys.stdout.isatty():
        return Console(markup=False, highlight=False)
    return Console(width=160, markup=False, highlight=False)


def guard(func: Callable[[], T]) -> T:
    """Run a command body; turn known errors into one-line messages and exit codes.

    A lost or refused database connection, wherever it is (an exception group of a task
    group included), is an outage, not a bug: "database unavailable: …", exit 3."""
    try:
        return func()
    except KeyboardInterrupt:
        click.echo("interrupted: the run is recorded as interrupted; pages done are kept", err=True)
        sys.exit(130)
    except Exception as exc:
        _exit_for(exc)


def _exit_for(exc: Exception) -> NoReturn:
    from crawler.config import ConfigError
    from crawler.fetch import FetchConfigError
    from crawler.targets import TargetsError
    from rules.profile import ProfileError
    from storage.errors import StorageError
    from storage.retry import database_unavailable

    if (unavailable := database_unavailable(exc)) is not None:
        logger.debug("database unavailable", exc_info=exc)
        click.echo(f"error: {unavailable}", err=True)
        sys.exit(EXIT_RUN)
    error = _first_error(exc)
    if isinstance(error, ConfigError):
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_CONFIG)
    if isinstance(error, TargetsError):
        click.echo("error: " + str(error).replace("\n", "\nerror: "), err=True)
        sys.exit(EXIT_CONFIG)
    if isinstance(error, StorageError | FetchConfigError | ProfileError):
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_CONFIG)
    # a bug: one line here, the traceback with -vv
    logger.debug("internal error", exc_info=exc)
    click.echo(
        f"error: internal error ({error.__class__.__name__}: {error}) — this is a bug; any run "
        "is recorded as failed and every page stored so far is kept; rerun with -vv for "
        "the traceback",
        err=True,
    )
    sys.exit(EXIT_RUN)


def _first_error(exc: BaseException) -> BaseException:
    """The first error of an exception group (of a task group), else ``exc`` itself."""
    while isinstance(exc, BaseExceptionGroup):
        exc = exc.exceptions[0]
    return exc

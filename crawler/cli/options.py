"""The command line's options, declared once, and what an option before a subcommand means.

``crawl --db URL status`` and ``crawl status --db URL`` are the same command: an option given
before the subcommand is handed to the subcommand's option of the same name
(``shared_values``). An option the subcommand does not have is an error that says where it
belongs, never silently dropped; one given in both places with different values is an error.
Flags and counters (``--json``, ``-v``) given in both places combine.

This module imports nothing but click: every ``crawl … --help`` loads it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from click.core import ParameterSource

__all__ = [
    "DEFAULT_ARTICLES_PER_SITE",
    "as_of_option",
    "browser_options",
    "db_option",
    "fail_on_findings_option",
    "fetch_options",
    "json_option",
    "keep_bodies_option",
    "link_check_options",
    "log_format_option",
    "logging_options",
    "nameserver_option",
    "progress_option",
    "shared_values",
    "targets_option",
    "verbose_option",
    "with_shared_options",
]

F = TypeVar("F", bound=Callable[..., Any])

# crawler.sites.linkcheck.LinkCheckSettings().articles_per_site, kept here so that --help
# imports no fetching code (a unit test holds the two equal).
DEFAULT_ARTICLES_PER_SITE = 3

db_option = click.option(
    "--db",
    envvar="XUNJIAN_DATABASE_URL",
    metavar="URL",
    help="Database: postgresql://… or a SQLite path/URL. Default: the embedded SQLite at "
    "$XUNJIAN_HOME/xunjian.sqlite3 (~/.local/share/xunjian/). Env: XUNJIAN_DATABASE_URL.",
)

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


def verbose_option(
    text: str = "Log to stderr: -v one line per fetch, -vv debug.",
) -> Callable[[F], F]:
    """-v/--verbose, a counter, with the command's own help ``text``."""
    return click.option("-v", "--verbose", count=True, help=text)


def logging_options(
    text: str = "Log to stderr: -v one line per fetch, -vv debug.",
) -> Callable[[F], F]:
    """-v/--verbose (a counter, with the command's own help ``text``) and --log-format."""

    def decorate(func: F) -> F:
        return verbose_option(text)(log_format_option(func))

    return decorate


def json_option(text: str = "Print the result as JSON on stdout.") -> Callable[[F], F]:
    """--json (parameter ``as_json``), with the command's own help ``text``."""
    return click.option("--json", "as_json", is_flag=True, help=text)


log_format_option = click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    envvar="XUNJIAN_LOG_FORMAT",
    help="Logs on stderr as text lines, or one JSON object a line for log collectors. "
    "Env: XUNJIAN_LOG_FORMAT.",
)

as_of_option = click.option(
    "--as-of",
    metavar="DATE",
    help="Judge as of this time instead of now: YYYY-MM-DD (end of that day, Asia/Shanghai) "
    "or an ISO datetime.",
)

fail_on_findings_option = click.option(
    "--fail-on-findings",
    is_flag=True,
    help="Exit with status 1 when problems are found (default: 0 whatever is found).",
)

progress_option = click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a progress bar on stderr (default: only when stderr is a terminal).",
)

keep_bodies_option = click.option(
    "--keep-bodies-days",
    envvar="XUNJIAN_KEEP_BODIES_DAYS",
    type=click.IntRange(0, 36500),
    default=400,
    show_default=True,
    help="Keep stored page bodies (the evidence) this many days; each page's newest body is "
    "always kept. Env: XUNJIAN_KEEP_BODIES_DAYS.",
)


def _apply(func: F, options: list[Any]) -> F:
    for option in reversed(options):
        func = option(func)
    return func


def fetch_options(func: F) -> F:
    """The politeness options of every command that crawls: --user-agent, --concurrency,
    --per-host-delay and --timeout (see ``crawler.operations.jobs.fetch_settings``)."""
    return _apply(
        func,
        [
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
                help="Least time between two request starts to one host "
                "(default 0.5, plus jitter).",
            ),
            click.option(
                "--timeout",
                type=click.FloatRange(1, 600),
                metavar="SECONDS",
                help="Longest one page's fetch may take, its retries included (default 60; "
                "one attempt at most 20, a connect at most 10). A page past it is 访问超时, "
                "never 'not updated'.",
            ),
        ],
    )


def browser_options(func: F) -> F:
    """--browser/--no-browser, --browser-pages N and --screenshots of the commands that crawl
    sites."""
    return _apply(
        func,
        [
            click.option(
                "--browser/--no-browser",
                "browser",
                default=True,
                show_default=True,
                envvar="XUNJIAN_BROWSER",
                help="Read in a real browser (Chromium) the pages plain HTTP cannot: script "
                "challenges (瑞数 412, 加速乐 521) and lists built by script; recorded as "
                "'rendered'. Without a browser they stay 'blocked', never 'not updated'. "
                "Env: XUNJIAN_BROWSER (0/1); the binary: XUNJIAN_CHROMIUM.",
            ),
            click.option(
                "--browser-pages",
                type=click.IntRange(1, 100_000),
                default=200,
                show_default=True,
                metavar="N",
                help="Most pages one run opens in the browser.",
            ),
            click.option(
                "--screenshots",
                is_flag=True,
                help="With the browser: a screenshot of every page that carries a finding, "
                "stored as its evidence (`crawl findings --evidence DIR` writes them out).",
            ),
        ],
    )


def link_check_options(func: F) -> F:
    """--check-links/--no-check-links and --check-articles N of the crawling commands."""
    return _apply(
        func,
        [
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
                default=DEFAULT_ARTICLES_PER_SITE,
                show_default=True,
                metavar="N",
                help="Article pages read per site for their images (the newest of its columns).",
            ),
        ],
    )


def _matching(command: click.Command, option: click.Parameter) -> click.Parameter | None:
    names = set(option.opts) | set(option.secondary_opts)
    for param in command.params:
        if isinstance(param, click.Option) and names & (
            set(param.opts) | set(param.secondary_opts)
        ):
            return param
    return None


def _flag(option: click.Parameter) -> bool:
    return isinstance(option, click.Option) and (option.is_flag or option.count)


def _label(option: click.Parameter) -> str:
    return max(option.opts, key=len)


def shared_values(ctx: click.Context) -> dict[str, Any]:
    """The values the options given before the subcommand give to the subcommand's own.

    Raises ``click.UsageError`` for an option the subcommand does not have, or one given
    before and after it with different values.
    """
    root = ctx.find_root()
    if root is ctx:
        return {}
    path = ctx.command_path
    values: dict[str, Any] = {}
    for option in root.command.params:
        name = option.name
        if name is None or root.get_parameter_source(name) is not ParameterSource.COMMANDLINE:
            continue
        given = root.params[name]
        mine = _matching(ctx.command, option)
        if mine is None or mine.name is None:
            raise click.UsageError(
                f"{_label(option)} does not apply to `{path}`: see `{path} --help` for its options",
                ctx,
            )
        here = ctx.params.get(mine.name)
        given = _as_taken_by(mine, option, given, ctx)
        if ctx.get_parameter_source(mine.name) is not ParameterSource.COMMANDLINE:
            values[mine.name] = given
        elif _flag(mine):
            values[mine.name] = max(here, given)
        elif here != given:
            raise click.UsageError(
                f"{_label(option)} is given twice with different values ({given!r} before "
                f"`{ctx.info_name}`, {here!r} after it): give it once",
                ctx,
            )
    return values


def _as_taken_by(
    mine: click.Parameter, option: click.Parameter, given: Any, ctx: click.Context
) -> Any:
    """The value given before the subcommand, in the shape the subcommand's option takes."""
    if option.multiple and not mine.multiple:
        if len(given) != 1:
            raise click.UsageError(
                f"`{ctx.command_path}` takes one {_label(option)}, not {len(given)}", ctx
            )
        return given[0]
    if mine.multiple and not option.multiple:
        return (given,)
    return given


def with_shared_options(command: click.Command) -> click.Command:
    """Make ``command`` (and a group's subcommands) take the options given before it."""
    if getattr(command, "_xunjian_shared", False):
        return command
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            with_shared_options(sub)
        # a group's own callback runs before its subcommand: options are checked there
    elif command.callback is not None:
        callback = command.callback

        @functools.wraps(callback)
        def merged(*args: Any, **kwargs: Any) -> Any:
            kwargs.update(shared_values(click.get_current_context()))
            return callback(*args, **kwargs)

        command.callback = merged
    command._xunjian_shared = True  # type: ignore[attr-defined]
    return command


def _nameservers(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> tuple[tuple[str, int], ...]:
    if not values:
        return ()
    from crawler.sites.ipv6 import parse_nameserver  # at parse time: --help loads no DNS code

    servers = []
    for value in values:
        for part in value.replace(",", " ").split():
            try:
                servers.append(parse_nameserver(part))
            except ValueError as exc:
                raise click.BadParameter(str(exc), ctx=ctx, param=param) from None
    return tuple(servers)


nameserver_option = click.option(
    "--nameserver",
    "nameservers",
    multiple=True,
    callback=_nameservers,
    envvar="XUNJIAN_NAMESERVERS",
    metavar="ADDR[:PORT]",
    help="Name server for the AAAA lookups (repeatable; [IPV6]:PORT for an IPv6 server with "
    "a port). Default: the system's (/etc/resolv.conf). Env: XUNJIAN_NAMESERVERS.",
)

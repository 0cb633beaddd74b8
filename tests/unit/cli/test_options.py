"""Options before or after the subcommand mean the same (crawler.cli.options).

Every subcommand is parsed with each option it shares with ``crawl`` placed before it and
after it; the values its body receives must be the same. Parsing only: nothing runs.
"""

from __future__ import annotations

from typing import Any

import click
import pytest

from crawler.cli import SUBCOMMANDS, main
from crawler.cli.options import shared_values

# One valid value for every option of `crawl` itself (flags take none).
VALUES: dict[str, list[str]] = {
    "--targets": ["--targets", "elsewhere.yaml"],
    "--site": ["--site", "jyty"],
    "--account": ["--account", "cl-weibo"],
    "--user-agent": ["--user-agent", "inspector/1.0"],
    "--concurrency": ["--concurrency", "4"],
    "--per-host-delay": ["--per-host-delay", "1.5"],
    "--timeout": ["--timeout", "30"],
    "--browser": ["--no-browser"],
    "--browser-pages": ["--browser-pages", "10"],
    "--screenshots": ["--screenshots"],
    "--check-links": ["--no-check-links"],
    "--check-articles": ["--check-articles", "2"],
    "--db": ["--db", "other.sqlite3"],
    "--as-of": ["--as-of", "2022-06-30"],
    "--json": ["--json"],
    "--fail-on-findings": ["--fail-on-findings"],
    "--progress": ["--no-progress"],
    "--keep-bodies-days": ["--keep-bodies-days", "30"],
    "--verbose": ["-vv"],
    "--log-format": ["--log-format", "json"],
}

# What a subcommand needs to parse at all.
REQUIRED: dict[str, tuple[list[str], list[str]]] = {
    "db": (["db", "upgrade"], []),
    "extract": (["extract"], ["page.html"]),
    "import": (["import", "posts"], ["posts.csv"]),
}


def _parse(argv: list[str]) -> dict[str, Any]:
    """The parameters the subcommand's body would receive for ``crawl ARGV``."""
    root = main.make_context("crawl", list(argv))
    # click keeps the subcommand and its arguments aside until it invokes it
    rest = [*root._protected_args, *root.args]
    ctx = root
    command: click.Command = main
    while isinstance(command, click.Group) and rest:
        name, sub, rest = command.resolve_command(ctx, rest)
        assert sub is not None
        assert name is not None
        ctx = sub.make_context(name, rest, parent=ctx)
        command, rest = sub, [*ctx._protected_args, *ctx.args]
    return {**ctx.params, **shared_values(ctx)}


def _shared_options(name: str) -> list[str]:
    command = main.get_command(main.make_context("crawl", [name]), name)
    assert command is not None
    while isinstance(command, click.Group):
        command = next(iter(command.commands.values()))
    mine = {opt for p in command.params for opt in (*p.opts, *p.secondary_opts)}
    return [
        max(p.opts, key=len)
        for p in main.params
        if isinstance(p, click.Option) and mine & {*p.opts, *p.secondary_opts}
    ]


CASES = [(name, option) for name in sorted(SUBCOMMANDS) for option in _shared_options(name)]


def test_every_subcommand_takes_the_logging_options() -> None:
    for name in sorted(SUBCOMMANDS):
        shared = _shared_options(name)
        assert {"--verbose", "--log-format"} <= set(shared), f"crawl {name}: {shared}"


@pytest.mark.parametrize(("name", "option"), CASES, ids=[f"{n}{o}" for n, o in CASES])
def test_an_option_before_the_subcommand_is_the_same_as_after(name: str, option: str) -> None:
    head, tail = REQUIRED.get(name, ([name], []))
    value = VALUES[option]
    before = _parse([*value, *head, *tail])
    after = _parse([*head, *value, *tail])
    assert before == after
    assert before != _parse([*head, *tail]), f"{option} changed nothing for crawl {name}"


def test_an_option_the_subcommand_lacks_is_an_error_not_ignored() -> None:
    with pytest.raises(click.UsageError, match=r"--site does not apply to `crawl status`"):
        _parse(["--site", "jyty", "status"])


def test_the_same_option_twice_with_different_values_is_an_error() -> None:
    with pytest.raises(click.UsageError, match=r"--db is given twice with different values"):
        _parse(["--db", "a.sqlite3", "status", "--db", "b.sqlite3"])
    assert _parse(["--db", "a.sqlite3", "status", "--db", "a.sqlite3"])["db"] == "a.sqlite3"


def test_counters_and_flags_given_twice_combine() -> None:
    params = _parse(["-v", "--json", "status", "-vv"])
    assert params["verbose"] == 2
    assert params["as_json"] is True


def test_the_default_of_an_option_before_does_not_override_a_value_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("XUNJIAN_DATABASE_URL", raising=False)
    assert _parse(["status", "--db", "b.sqlite3"])["db"] == "b.sqlite3"

"""``crawl import posts FILE``: new-media posts from a file (crawler.accounts.imports)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from crawler.cli.options import db_option, json_option, logging_options, targets_option
from crawler.cli.runtime import configure_logging, guard, run_async, stdout_console

if TYPE_CHECKING:
    from crawler.accounts.imports import AccountImport

__all__ = ["import_group"]


@click.group("import")
def import_group() -> None:
    """Bring in data no crawl can fetch: posts of new-media accounts exported by their
    operators or a provincial 政务新媒体 platform."""


@import_group.command("posts")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@targets_option
@db_option
@click.option(
    "--until",
    metavar="DATE",
    help="The file lists every post up to this day (YYYY-MM-DD), e.g. the export's date: "
    "the accounts are judged up to it. Default: each account's newest post in the file.",
)
@json_option("Print what was imported as JSON on stdout.")
@logging_options("Log to stderr.")
def import_posts_command(
    file: Path,
    targets_path: Path,
    db: str | None,
    until: str | None,
    as_json: bool,
    verbose: int,
    log_format: str,
) -> None:
    """Import an account post list (CSV or XLSX): columns 账号 (the targets file's account id
    or name), 标题, 发布时间 and optionally 链接, with a header row. For accounts no source can
    be read (WeChat 公众号: `source: {imports: true}` in the targets file), and to fill what a
    source missed. Every row is checked first: one bad row and nothing is imported, each
    problem listed by row. Importing a file again stores nothing new.

    \b
    Examples:
      crawl import posts 2022Q2-wechat.xlsx
      crawl import posts export.csv --until 2022-06-30 --json
    """
    configure_logging(verbose, log_format=log_format)

    def body() -> None:
        from crawler.accounts.imports import import_posts, read_post_rows
        from crawler.config import ConfigError, open_database
        from crawler.output.judged import parse_day
        from crawler.targets import load_targets
        from rules.model import SHANGHAI, utc_now

        now = utc_now()
        last_day = parse_day(until, "--until") if until else None
        if last_day is not None and last_day > now.astimezone(SHANGHAI).date():
            raise ConfigError(f"--until {until}: a day in the future")
        targets = load_targets(targets_path)
        if not targets.accounts:
            raise ConfigError(f"{targets_path}: the targets file lists no account to import for")
        rows = read_post_rows(file, targets.accounts, now=now)

        async def go() -> list[AccountImport]:
            engine = await open_database(db)
            try:
                return list(
                    await import_posts(
                        rows,
                        targets.accounts,
                        engine=engine,
                        source=file.name,
                        now=now,
                        until=last_day,
                    )
                )
            finally:
                await engine.dispose()

        done = run_async(go())
        _print(done, as_json=as_json)

    guard(body)


def _print(imports: list[AccountImport], *, as_json: bool) -> None:
    from rules.model import SHANGHAI

    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "account": d.account_id,
                        "rows": d.rows,
                        "new_posts": d.new_posts,
                        "since": d.since.isoformat(),
                        "until": d.until.isoformat(),
                        "already_imported": d.skipped,
                    }
                    for d in imports
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    console = stdout_console()
    for d in imports:
        last = (d.until - timedelta(microseconds=1)).astimezone(SHANGHAI)
        span = f"{d.since.astimezone(SHANGHAI):%Y-%m-%d} – {last:%Y-%m-%d}"
        state = "already imported, nothing stored" if d.skipped else f"{d.new_posts} new posts"
        console.print(f"{d.account_id}: {d.rows} rows, {span}: {state}")
    console.print(
        f"{len(imports)} accounts, {sum(d.new_posts for d in imports)} new posts", style=None
    )

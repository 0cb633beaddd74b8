"""``crawl import``: data no crawl can fetch, from files — ``posts FILE``, new-media posts
(crawler.accounts.imports); ``zhaocuo FILE``, the 我为政府网站找错 messages of each site
(crawler.boards.zhaocuo, stored by storage.zhaocuo)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from crawler.cli.options import db_option, json_option, logging_options, targets_option
from crawler.cli.runtime import configure_logging, guard, run_async, stdout_console

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from crawler.accounts.imports import AccountImport
    from crawler.boards.zhaocuo import ZhaocuoRow
    from storage.zhaocuo import ZhaocuoStored

__all__ = ["import_group"]


@click.group("import")
def import_group() -> None:
    """Bring in data no crawl can fetch: posts of new-media accounts exported by their
    operators or a provincial 政务新媒体 platform (`posts`), and the messages each site
    received on the 我为政府网站找错 platform, exported from its back office (`zhaocuo`)."""


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


@import_group.command("zhaocuo")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@targets_option
@db_option
@json_option("Print what was imported, per site, as JSON on stdout.")
@logging_options("Log to stderr.")
def import_zhaocuo_command(
    file: Path,
    targets_path: Path,
    db: str | None,
    as_json: bool,
    verbose: int,
    log_format: str,
) -> None:
    """Import the 我为政府网站找错 messages of the platform's back-office export (CSV or XLSX,
    with a header row): columns 网站名称 or 网站标识码 (a targets file site's id, name or
    网站标识码), 留言时间, 办结时间 (empty: not handled yet) and optionally 编号 and 办理时限,
    or their English names (site, ref, received, handled, due). The notice counts, per site
    and quarter, the messages received and those handled by their due day (按期处理).

    Every row is checked first: one bad row and nothing is imported, each problem listed by
    row and column. Importing a file again changes nothing; a later export updates the
    messages it changed (a day handled filled in). Nothing is fetched.

    \b
    Examples:
      crawl import zhaocuo 找错留言-2022Q2.xlsx
      crawl import zhaocuo zhaocuo.csv --targets sites.yaml --json
    """
    configure_logging(verbose, log_format=log_format)

    def body() -> None:
        from sqlalchemy.ext.asyncio import async_sessionmaker

        from crawler.boards.zhaocuo import read_zhaocuo_rows
        from crawler.config import ConfigError, open_database
        from crawler.targets import load_targets
        from rules.model import SHANGHAI, utc_now
        from storage.retry import in_transaction
        from storage.zhaocuo import store_zhaocuo

        now = utc_now()
        targets = load_targets(targets_path)
        if not targets.sites:
            raise ConfigError(f"{targets_path}: the targets file lists no site to import for")
        rows = read_zhaocuo_rows(file, targets.sites, today=now.astimezone(SHANGHAI).date())
        by_site: dict[str, list[ZhaocuoRow]] = {}
        for row in rows:
            by_site.setdefault(row.site_id, []).append(row)

        async def go() -> list[tuple[str, int, ZhaocuoStored]]:
            engine = await open_database(db)
            try:
                sessions = async_sessionmaker(engine, expire_on_commit=False)

                async def store(session: AsyncSession) -> list[tuple[str, int, ZhaocuoStored]]:
                    return [
                        (site_id, len(group), await store_zhaocuo(
                            session, group, source=file.name, imported_at=now
                        ))
                        for site_id, group in sorted(by_site.items())
                    ]  # fmt: skip

                return await in_transaction(
                    sessions, store, what=f"importing the 找错 messages of {file.name}"
                )
            finally:
                await engine.dispose()

        _print_zhaocuo(run_async(go()), as_json=as_json)

    guard(body)


def _print_zhaocuo(done: list[tuple[str, int, ZhaocuoStored]], *, as_json: bool) -> None:
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "site": site_id,
                        "rows": rows,
                        "new": stored.new,
                        "changed": stored.changed,
                        "unchanged": stored.unchanged,
                    }
                    for site_id, rows, stored in done
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    console = stdout_console()
    for site_id, rows, stored in done:
        state = (
            f"{stored.new} new, {stored.changed} changed"
            if stored.new or stored.changed
            else "already imported, nothing changed"
        )
        console.print(f"{site_id}: {rows} rows: {state}")
    new = sum(s.new for _, _, s in done)
    changed = sum(s.changed for _, _, s in done)
    console.print(f"{len(done)} sites, {new} new messages, {changed} changed", style=None)

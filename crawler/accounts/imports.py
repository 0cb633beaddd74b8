"""``crawl import posts FILE``: posts of new-media accounts from a file, where no source can be
fetched (WeChat 公众号 since the interfaces closed; a provincial platform's export).

The file is CSV (UTF-8, with or without BOM, or GB18030) or XLSX (the first sheet), read by
``crawler.tabular``, with a header row naming the columns in Chinese or English: the account
(账号: the targets file's id or name), the title (标题), the publication time (发布时间) and,
optionally, the link (链接).
Every row is checked before anything is stored: one bad row, and the file is refused whole
with each problem by row number, so a fixed file is imported once, completely.

An import is stored like a fetch of the account's source (``account_fetches``), with the
posts it lists; it covers the span from its oldest post up to ``--until`` (default: its newest
post), and an account is judged only over what its imports and fetches cover (a week after the
span is 未判定, never "少于2次"). Importing the same rows again stores nothing: posts are
deduplicated by link (else by time and title), and an import identical to one already stored
for the account is skipped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from crawler.platforms.model import Post
from crawler.tabular import (
    ImportFileError,
    cell_text,
    cell_value,
    find_columns,
    parse_moment,
    read_records,
    refuse,
)
from crawler.targets import AccountTarget
from rules.model import SHANGHAI, Outcome
from storage import repository
from storage.accounts import record_account_fetch, sync_accounts
from storage.models import account_fetch_table
from storage.pages import content_hash
from storage.records import FetchRecord
from storage.retry import in_transaction

__all__ = ["AccountImport", "ImportRow", "import_posts", "read_post_rows"]

_TITLE_CHARS = 200
_COLUMNS: dict[str, tuple[str, ...]] = {
    "account": ("账号", "账号名称", "账号名", "公众号", "公众号名称", "账号id", "account",
                "account_id", "accountid"),
    "title": ("标题", "文章标题", "内容", "title"),
    "published": ("发布时间", "发布日期", "发文时间", "时间", "日期", "published", "published_at",
                  "publishedat", "date", "time"),
    "url": ("链接", "网址", "原文链接", "文章链接", "url", "link"),
}  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportRow:
    line: int  # the row's number in the file (the header is row 1)
    account_id: str
    title: str
    published: datetime  # aware UTC
    url: str | None

    @property
    def key(self) -> str:
        if self.url:
            return self.url
        digest = hashlib.sha256(f"{self.published.isoformat()}|{self.title}".encode()).hexdigest()
        return f"import:{digest}"


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountImport:
    """What one import stored for one account."""

    account_id: str
    rows: int
    new_posts: int
    since: datetime
    until: datetime
    skipped: bool  # the same rows were imported before: nothing stored


def read_post_rows(
    path: Path, accounts: Sequence[AccountTarget], *, now: datetime
) -> list[ImportRow]:
    """The file's rows, checked; ``ImportFileError`` lists every problem by row."""
    records = read_records(path)
    if not records:
        raise ImportFileError(f"{path}: no rows — the first row names the columns")
    header, *body = records
    columns = find_columns(
        path, header, _COLUMNS, required=("account", "title", "published"), names_shown=3
    )
    by_id = {a.id: a for a in accounts}
    by_name: dict[str, list[AccountTarget]] = {}
    for target in accounts:
        by_name.setdefault(target.account.name, []).append(target)
    rows: list[ImportRow] = []
    problems: list[str] = []
    for line, record in enumerate(body, start=2):
        cells = {name: cell_text(record, index) for name, index in columns.items()}
        if not any(cells.values()):
            continue  # a blank row
        where = f"row {line}"
        account = _account(cells["account"], by_id, by_name, where, problems)
        title = " ".join((cells["title"] or "").split())[:_TITLE_CHARS]
        if not title:
            problems.append(f"{where}: the title is empty")
        published = _published(cell_value(record, columns["published"]), where, now, problems)
        url = cells.get("url") or None
        if url is not None and not url.startswith(("http://", "https://")):
            problems.append(f"{where}: the link {url!r} is not an http(s) URL")
        if account is not None and title and published is not None:
            rows.append(
                ImportRow(
                    line=line, account_id=account.id, title=title, published=published, url=url
                )
            )
    if problems:
        refuse(path, problems)
    if not rows:
        raise ImportFileError(f"{path}: the file lists no post")
    return rows


def _account(
    text: str,
    by_id: dict[str, AccountTarget],
    by_name: dict[str, list[AccountTarget]],
    where: str,
    problems: list[str],
) -> AccountTarget | None:
    if not text:
        problems.append(f"{where}: the account is empty")
        return None
    if text in by_id:
        return by_id[text]
    named = by_name.get(text, [])
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        ids = ", ".join(a.id for a in named)
        problems.append(f"{where}: several accounts are named {text!r} ({ids}) — give the id")
    else:
        problems.append(
            f"{where}: no account {text!r} in the targets file — use an account's id or name"
        )
    return None


def _published(value: Any, where: str, now: datetime, problems: list[str]) -> datetime | None:
    moment = parse_moment(value)
    if moment is None:
        text = "" if value is None else str(value).strip()
        problems.append(
            f"{where}: the publication time {text!r} is not a date — write "
            "2022-06-01 or 2022-06-01 09:30"
        )
        return None
    if moment > now:
        shown = moment.astimezone(SHANGHAI)
        problems.append(f"{where}: published {shown:%Y-%m-%d %H:%M}, which is after now")
        return None
    return moment.astimezone(SHANGHAI).astimezone(now.tzinfo)


async def import_posts(
    rows: Sequence[ImportRow],
    accounts: Sequence[AccountTarget],
    *,
    engine: AsyncEngine,
    source: str,
    now: datetime,
    until: date | None = None,
) -> list[AccountImport]:
    """Store the rows, one import per account, in one transaction (all or nothing)."""
    groups: dict[str, list[ImportRow]] = {}
    for row in rows:
        groups.setdefault(row.account_id, []).append(row)
    ends: dict[str, datetime] = {}
    for account_id, group in groups.items():
        newest = max(row.published for row in group)
        if until is None:
            ends[account_id] = newest
            continue
        end = min(datetime.combine(until + timedelta(days=1), time(), tzinfo=SHANGHAI), now)
        if newest > end:
            late = max(group, key=lambda row: row.published)
            raise ImportFileError(
                f"{source}: row {late.line} was published after --until {until.isoformat()}"
            )
        ends[account_id] = end.astimezone(now.tzinfo)
    sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def store(session: AsyncSession) -> list[AccountImport]:
        await sync_accounts(session, [(t.account, t.source_url) for t in accounts], now=now)
        run_id = await repository.start_run(session, scope="import", started_at=now)
        done: list[AccountImport] = []
        for account_id, group in sorted(groups.items()):
            done.append(await _store_one(session, run_id, account_id, group, ends, source))
        await repository.finish_run(
            session,
            run_id,
            status="completed",
            finished_at=now,
            stats={
                "import": source,
                "accounts": len(done),
                "rows": len(rows),
                "new_posts": sum(d.new_posts for d in done),
            },
        )
        return done

    return await in_transaction(sessions, store, what=f"importing the posts of {source}")


async def _store_one(
    session: AsyncSession,
    run_id: int,
    account_id: str,
    group: Sequence[ImportRow],
    ends: dict[str, datetime],
    source: str,
) -> AccountImport:
    posts = {row.key: row for row in sorted(group, key=lambda r: r.published, reverse=True)}
    body = json.dumps(
        [[r.key, r.title, r.published.isoformat()] for r in sorted(posts.values(), key=_order)],
        ensure_ascii=False,
    ).encode()
    since, until = min(r.published for r in group), ends[account_id]
    f = account_fetch_table
    seen = await session.scalar(
        select(f.c.id).where(f.c.account_id == account_id, f.c.content_hash == content_hash(body))
    )
    if seen is not None:
        return AccountImport(
            account_id=account_id, rows=len(group), new_posts=0, since=since, until=until,
            skipped=True,
        )  # fmt: skip
    record = FetchRecord(
        url=f"import:{source}",
        final_url=None,
        fetched_at=until,
        outcome=Outcome.OK,
        status=None,
        elapsed_s=0.0,
        attempts=0,
        bytes_read=len(body),
        body=body,
        encoding="utf-8",
        content_type="application/json",
        detail=f"imported from {source}: {len(posts)} posts "
        f"{since.astimezone(SHANGHAI):%Y-%m-%d} – {_last_day(until):%Y-%m-%d}",
        page_kind="import",
        list_found=True,
    )
    values = [
        Post(key=r.key, url=r.url, title=r.title, published=r.published) for r in posts.values()
    ]
    _, new = await record_account_fetch(
        session, run_id=run_id, account_id=account_id, record=record, posts=values
    )
    return AccountImport(
        account_id=account_id, rows=len(group), new_posts=new, since=since, until=until,
        skipped=False,
    )  # fmt: skip


def _last_day(until: datetime) -> date:
    """The last day an import covers (``until`` is the end of it, or the newest post)."""
    return (until - timedelta(microseconds=1)).astimezone(SHANGHAI).date()


def _order(row: ImportRow) -> tuple[str, str]:
    return (row.published.isoformat(), row.key)

"""Crawling new-media accounts: fetch each source, read its posts, store them with the run.

A source that failed, answered with an anti-bot or login page, or came back as an empty feed
(a broken RSSHub route looks exactly like that) is stored as its own outcome and never read as
"not updated": the account is judged from the posts already held, or not at all.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crawler.accounts.staleness import (
    stale_by_build_time,
    stale_by_relay_error,
    stale_by_second_source,
    stale_by_unchanged,
)
from crawler.browser import Renderer, not_rendered, rendered_result
from crawler.fetch import Fetcher, FetchResult, FetchSettings
from crawler.platforms import SourceParse, parse_source
from crawler.platforms.page import parse_platform_page
from crawler.records import fetch_record
from crawler.targets import AccountTarget
from crawler.targets.accounts import SourceRef
from rules.model import Outcome
from storage.accounts import (
    newest_published,
    post_gaps,
    record_account_fetch,
    unchanged_since,
)
from storage.pages import content_hash
from storage.records import FetchRecord
from storage.retry import in_transaction

__all__ = ["crawl_accounts"]

logger = logging.getLogger(__name__)

AccountProgress = Callable[[AccountTarget, Outcome], None]

# A platform page that loads more posts on scroll is scrolled this often at most (within the
# browser's time per page): a week's posts of a busy account fit in a few screenfuls.
PAGE_SCROLLS = 4


async def crawl_accounts(
    targets: Sequence[AccountTarget],
    *,
    run_id: int,
    sessions: async_sessionmaker[AsyncSession],
    settings: FetchSettings,
    progress: AccountProgress | None = None,
    source_headers: Mapping[str, Mapping[str, str]] | None = None,
    renderer: Renderer | None = None,
) -> tuple[Counter[str], int]:
    """Fetch and store every account's source; returns (outcomes, new posts).

    ``source_headers`` by source kind: e.g. Weibo's cookie, read from the environment by the
    CLI, sent with every Weibo request and never logged or stored. ``renderer``: the run's
    browser, which reads ``page:`` sources (a platform's public account page); without one
    they are ``blocked``, saying so.
    """
    outcomes: Counter[str] = Counter()
    new_posts = 0
    targets = [t for t in targets if not t.imported]  # read by `crawl import posts` only
    if not targets:
        return outcomes, new_posts
    pending = iter(targets)
    async with Fetcher(settings) as fetcher:
        read = functools.partial(
            _read_source, fetcher=fetcher, renderer=renderer, headers=source_headers or {}
        )

        async def worker() -> None:
            nonlocal new_posts
            for target in pending:
                result, parsed = await read(target.source)
                outcome = _outcome(result, parsed)
                stale, note = await _staleness(target, result, parsed, outcome, read, sessions)
                if stale is not None:
                    outcome = Outcome.STALE_SUSPECT
                record = _record(result, parsed, outcome, stale, note)
                posts = parsed.posts if parsed is not None and outcome.has_content else ()
                # Written again whole on a new connection when the connection is lost.
                _, new = await in_transaction(
                    sessions,
                    functools.partial(
                        record_account_fetch,
                        run_id=run_id,
                        account_id=target.id,
                        record=record,
                        posts=posts,
                    ),
                    what=f"storing account {target.id} of run {run_id}",
                )
                new_posts += new
                outcomes[outcome.value] += 1
                logger.info("account %s: %s, %d posts, %d new", target.id, outcome, len(posts), new)
                if progress is not None:
                    progress(target, outcome)

        try:
            async with asyncio.TaskGroup() as tasks:
                for _ in range(min(len(targets), settings.max_concurrency)):
                    tasks.create_task(worker())
        except BaseExceptionGroup as group:
            # The run records (and the caller sees) what failed, not "errors in a TaskGroup".
            raise _first_error(group) from group
    return outcomes, new_posts


def _first_error(group: BaseExceptionGroup[BaseException]) -> BaseException:
    first = group.exceptions[0]
    return _first_error(first) if isinstance(first, BaseExceptionGroup) else first


SourceReader = Callable[[SourceRef], Awaitable[tuple[FetchResult, SourceParse | None]]]


async def _read_source(
    source: SourceRef,
    *,
    fetcher: Fetcher,
    renderer: Renderer | None,
    headers: Mapping[str, Mapping[str, str]],
) -> tuple[FetchResult, SourceParse | None]:
    """Fetch a source and read its answer (a platform page in the browser)."""
    # Feeds and platform APIs are the sources the office configured: no robots.txt.
    result = await fetcher.fetch(source.url, respect_robots=False, headers=headers.get(source.kind))
    if source.kind == "page":
        return await _read_page(source, result, renderer)
    return result, _parse(source, result)


async def _read_page(
    source: SourceRef, result: FetchResult, renderer: Renderer | None
) -> tuple[FetchResult, SourceParse | None]:
    """A platform page: rendered in the browser, its posts read off what it shows."""
    if not (result.outcome.has_content or result.outcome is Outcome.BLOCKED):
        return result, None  # the page could not be fetched at all: that failure stands
    if renderer is None:
        reason = "a platform page is read in the browser, and this run has none (--no-browser)"
        return replace(result, outcome=Outcome.BLOCKED, detail=reason), None
    rendered = await renderer.render(source.url, scrolls=PAGE_SCROLLS, capture_json=True)
    if not rendered.ok:
        failed = not_rendered(result, rendered)
        return replace(failed, outcome=Outcome.BLOCKED, text=None), None
    read = rendered_result(result, rendered)
    assert read.text is not None
    parsed = parse_platform_page(
        read.text,
        base_url=read.final_url,
        fetched_at=read.fetched_at,
        loaded_json=rendered.loaded_json,
    )
    return read, parsed


def _parse(source: SourceRef, result: FetchResult) -> SourceParse | None:
    kind = source.kind
    if (
        kind == "import"
        or kind == "page"
        or result.body is None
        or result.outcome not in (Outcome.OK, Outcome.HTTP_ERROR, Outcome.BLOCKED)
    ):
        return None
    return parse_source(
        kind,
        result.body,
        content_type=result.content_type,
        status=result.status or 0,
        fetched_at=result.fetched_at,
    )


def _outcome(result: FetchResult, parsed: SourceParse | None) -> Outcome:
    if parsed is None:
        return result.outcome
    if parsed.outcome is not Outcome.OK:
        return parsed.outcome  # a 432, a captcha, an RSSHub error page, a login wall …
    if result.outcome.has_content and parsed.suspect_empty:
        return Outcome.BLOCKED  # an empty feed proves nothing: a broken route looks like this
    return result.outcome


async def _staleness(
    target: AccountTarget,
    result: FetchResult,
    parsed: SourceParse | None,
    outcome: Outcome,
    read: SourceReader,
    sessions: async_sessionmaker[AsyncSession],
) -> tuple[str | None, str | None]:
    """(why the source is stale-suspect or None, a note on the second source or None);
    ``crawler.accounts.staleness`` has the signs."""
    if target.relay and outcome is Outcome.BLOCKED and parsed is not None:
        if result.status is not None and 200 <= result.status < 300:
            return stale_by_relay_error(), None
    if not (outcome.has_content or outcome is Outcome.NOT_MODIFIED):
        return None, None  # a failed fetch is its own outcome already
    fetched_at = result.fetched_at
    if target.relay and parsed is not None:
        if (stale := stale_by_build_time(parsed.built_at, fetched_at)) is not None:
            return stale, None
    if not target.relay and target.second is None:
        return None, None
    history = await in_transaction(
        sessions,
        functools.partial(
            _source_history,
            account_id=target.id,
            body=result.body if outcome.has_content else None,
            before=fetched_at,
            relay=target.relay,
        ),
        what=f"reading the source history of account {target.id}",
    )
    if target.relay:
        stale = stale_by_unchanged(history.unchanged_since, fetched_at, history.gaps)
        if stale is not None:
            return stale, None
    if target.second is None:
        return None, None
    second_result, second_parsed = await read(target.second)
    if _outcome(second_result, second_parsed) not in (Outcome.OK, Outcome.RENDERED):
        why = second_result.detail or _outcome(second_result, second_parsed).value
        return None, f"second source {target.second.url} not read: {why}"
    assert second_parsed is not None
    shown = [p.published for p in parsed.posts] if parsed is not None else []
    if history.newest is not None:
        shown.append(history.newest)
    stale = stale_by_second_source(
        max(shown, default=None),
        max((p.published for p in second_parsed.posts), default=None),
        second_url=target.second.url,
        fetched_at=fetched_at,
    )
    return stale, None if stale is not None else f"second source {target.second.url} agrees"


@dataclass(frozen=True, slots=True)
class _History:
    unchanged_since: datetime | None
    gaps: list[timedelta]
    newest: datetime | None


async def _source_history(
    session: AsyncSession, *, account_id: str, body: bytes | None, before: datetime, relay: bool
) -> _History:
    gaps = await post_gaps(session, account_id)
    newest = await newest_published(session, account_id)
    if not relay:
        return _History(unchanged_since=None, gaps=gaps, newest=newest)
    digest = content_hash(body) if body is not None else None
    since = await unchanged_since(session, account_id, content_hash=digest, before=before)
    return _History(unchanged_since=since, gaps=gaps, newest=newest)


def _record(
    result: FetchResult,
    parsed: SourceParse | None,
    outcome: Outcome,
    stale: str | None,
    note: str | None,
) -> FetchRecord:
    detail = result.detail
    if parsed is not None and parsed.detail:
        detail = parsed.detail if detail is None else f"{detail}; {parsed.detail}"
    if stale is not None:
        detail = stale if detail is None else f"{stale}; {detail}"
    if note is not None:
        detail = note if detail is None else f"{detail}; {note}"
    return fetch_record(
        result,
        outcome=outcome,
        detail=detail,
        page_kind="feed",
        list_found=bool(parsed and parsed.posts),
    )

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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crawler.browser import Renderer, not_rendered, rendered_result
from crawler.fetch import Fetcher, FetchResult, FetchSettings
from crawler.platforms import SourceParse, parse_source
from crawler.platforms.page import parse_platform_page
from crawler.records import fetch_record
from crawler.targets import AccountTarget
from rules.model import SHANGHAI, Outcome
from storage.accounts import record_account_fetch
from storage.records import FetchRecord
from storage.retry import in_transaction

__all__ = ["crawl_accounts"]

logger = logging.getLogger(__name__)

AccountProgress = Callable[[AccountTarget, Outcome], None]

# A relay's feed not generated for this long: the relay has stopped (RSSHub rebuilds a feed
# within its cache time, minutes to an hour; a relay reading once a day is two days behind
# at most).
RELAY_STALE_AFTER = timedelta(days=2)


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

        async def worker() -> None:
            nonlocal new_posts
            for target in pending:
                # Feeds and platform APIs are the sources the office configured: no robots.txt.
                result = await fetcher.fetch(
                    target.source_url,
                    respect_robots=False,
                    headers=(source_headers or {}).get(target.source_kind),
                )
                if target.source_kind == "page":
                    result, parsed = await _read_page(target, result, renderer)
                else:
                    parsed = _parse(target, result)
                outcome = _outcome(result, parsed)
                stale = _stale(target, result, parsed) if outcome is Outcome.OK else None
                if stale is not None:
                    outcome = Outcome.STALE_SUSPECT
                record = _record(result, parsed, outcome, stale)
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


async def _read_page(
    target: AccountTarget, result: FetchResult, renderer: Renderer | None
) -> tuple[FetchResult, SourceParse | None]:
    """A platform page: rendered in the browser, its posts read off what it shows."""
    if not (result.outcome.has_content or result.outcome is Outcome.BLOCKED):
        return result, None  # the page could not be fetched at all: that failure stands
    if renderer is None:
        reason = "a platform page is read in the browser, and this run has none (--no-browser)"
        return replace(result, outcome=Outcome.BLOCKED, detail=reason), None
    rendered = await renderer.render(target.source_url)
    if not rendered.ok:
        failed = not_rendered(result, rendered)
        return replace(failed, outcome=Outcome.BLOCKED, text=None), None
    read = rendered_result(result, rendered)
    assert read.text is not None
    parsed = parse_platform_page(read.text, base_url=read.final_url, fetched_at=read.fetched_at)
    return read, parsed


def _parse(target: AccountTarget, result: FetchResult) -> SourceParse | None:
    kind = target.source_kind
    if (
        kind == "import"
        or kind == "page"
        or result.body is None
        or result.outcome
        not in (
            Outcome.OK,
            Outcome.HTTP_ERROR,
            Outcome.BLOCKED,
        )
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


def _stale(target: AccountTarget, result: FetchResult, parsed: SourceParse | None) -> str | None:
    """Why a relay's feed is stale-suspect (its own build time is old), or None."""
    if not target.relay or parsed is None or parsed.built_at is None:
        return None
    age = result.fetched_at - parsed.built_at
    if age <= RELAY_STALE_AFTER:
        return None
    built = parsed.built_at.astimezone(SHANGHAI)
    return (
        f"stale-suspect: the relay last generated this feed at {built:%Y-%m-%d %H:%M} "
        f"({age.days} days before the fetch); it has likely stopped reading the account"
    )


def _record(
    result: FetchResult, parsed: SourceParse | None, outcome: Outcome, stale: str | None = None
) -> FetchRecord:
    detail = result.detail
    if parsed is not None and parsed.detail:
        detail = parsed.detail if detail is None else f"{detail}; {parsed.detail}"
    if stale is not None:
        detail = stale if detail is None else f"{stale}; {detail}"
    return fetch_record(
        result,
        outcome=outcome,
        detail=detail,
        page_kind="feed",
        list_found=bool(parsed and parsed.posts),
    )

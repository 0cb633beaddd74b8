"""Reading a site's message boards: their pages back a year, their letters' detail pages when
the list lacks the reply day, and a JSON endpoint where the list is loaded by script.

A board is read from each of its list URLs, following the pagination
(``crawler.extract.pagination``) while the oldest letter on the page is still inside the year
before the check. The read stops, and says why, at:

- ``year_start``: a page held a letter asked before the year began — the year was seen;
- ``last_page``: no next page;
- ``repeat``: the next page is one already read (same content, or the same letters);
- ``page_limit``: the page limit came first — letters older than the last page are unseen;
- ``failed``: a page could not be fetched, or no letters were recognised on the first page.

A page whose rows are loaded by script (no letters in the HTML) is read through the JSON
endpoint its script declares, or the one the targets file names (``json:``), page by page
through its page-number parameter. Letters without a reply day whose state is not plainly
pending have their detail page read, the oldest first, up to ``DETAIL_LIMIT`` per board and
run; a letter whose reply day is already stored is not asked again.

A board that cannot be read is stored with its outcome and is unknown to the rules: never
"unanswered". Pages are fetched by the run's polite ``Fetcher`` (limits, spacing, robots).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import logging
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crawler.boards.reading import (
    BoardPage,
    BoardSelectorError,
    LetterSeen,
    letter_state,
    read_board_json,
    read_board_page,
    read_letter_detail,
)
from crawler.extract.pagination import next_page
from crawler.fetch import Fetcher, FetchResult, FetchSettings
from crawler.fetch.shared import own_or_shared
from rules.boards import Board, LetterState
from rules.model import Outcome, Site, local_date
from storage.boards import BoardReadWrite, LetterWrite, letters_replied, record_board_read
from storage.retry import in_transaction

__all__ = [
    "DETAIL_LIMIT",
    "LOOKBACK_DAYS",
    "PAGE_LIMIT",
    "letter_key",
    "read_board",
    "read_boards",
]

logger = logging.getLogger(__name__)

PAGE_LIMIT = 30  # list pages per board URL and run
DETAIL_LIMIT = 20  # letter detail pages per board and run
LOOKBACK_DAYS = 365  # 监测时间点前1年内
_PAGE_PARAMS = ("pageNo", "pageNum", "page", "pageIndex", "currentPage", "curPage", "p")
_EMPTY_NOTICE = re.compile(
    r"暂无(相关)?(留言|信件|来信|信息|内容|数据|记录)|没有(找到)?(相关)?(留言|记录|数据)"
)


def letter_key(letter: LetterSeen) -> str:
    """A letter's stable key in its board: its detail URL, else a hash of title and day."""
    if letter.url:
        return letter.url[:200]
    text = f"{letter.title}|{letter.asked.isoformat() if letter.asked else ''}"
    return "h:" + hashlib.sha256(text.encode()).hexdigest()[:40]


@dataclass(slots=True)
class _Read:
    """What a board's read has gathered so far."""

    letters: dict[str, LetterSeen] = field(default_factory=dict)
    first: FetchResult | None = None
    pages_read: int = 0
    layout: str | None = None
    stops: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)

    def add(self, page: BoardPage, where_prefix: str) -> None:
        """Keep the page's letters not seen on an earlier page, with where they were read."""
        for letter in page.letters:
            key = letter_key(letter)
            if key not in self.letters:
                self.letters[key] = _located(letter, where_prefix)
        self.layout = self.layout or (page.layout if page.letters else None)


def _located(letter: LetterSeen, prefix: str) -> LetterSeen:
    return replace(letter, where=f"{prefix} {letter.where}".strip())


async def read_board(
    fetcher: Fetcher,
    site: Site,
    board: Board,
    *,
    today: date,
    known_replied: frozenset[str] = frozenset(),
    page_limit: int = PAGE_LIMIT,
    detail_limit: int = DETAIL_LIMIT,
    clock: Callable[[], datetime] | None = None,
) -> BoardReadWrite:
    """Read one board through its pages and say how the read ended; never raises on a failed
    fetch or an unreadable page. ``known_replied``: keys of letters whose reply day is
    stored already (their detail pages are not read again)."""
    since = today - timedelta(days=LOOKBACK_DAYS)
    read = _Read()
    if board.json is not None:
        await _Lists(fetcher, site, board, read, today, since, page_limit).json(board.json.url)
    else:
        for url in board.urls:
            await _Lists(fetcher, site, board, read, today, since, page_limit).html(url)
    details_read = await _read_details(
        fetcher, site, read, today=today, since=since, known=known_replied, limit=detail_limit
    )
    first = read.first
    assert first is not None  # every read fetches at least its first page
    stopped = _overall(read.stops)
    detail = "; ".join(read.details) or (first.detail if first.outcome is not Outcome.OK else None)
    return BoardReadWrite(
        site_id=site.id,
        board_id=board.id,
        url=board.json.url if board.json is not None else board.urls[0],
        read_at=first.fetched_at if clock is None else clock(),
        outcome=first.outcome,
        status=first.status,
        detail=detail,
        layout=read.layout,
        pages_read=read.pages_read,
        details_read=details_read,
        stopped=stopped,
        complete=stopped in ("year_start", "last_page", "repeat"),
        letters=[
            LetterWrite(
                key=key,
                title=letter.title,
                url=letter.url,
                asked=letter.asked,
                replied=letter.replied,
                state=letter.state,
                status=letter.status,
                unit=letter.unit or board.unit,
                where=letter.where,
            )
            for key, letter in read.letters.items()
        ],
    )


def _overall(stops: Sequence[str]) -> str:
    """The read's stop reason: the worst of its lists' (one failed list fails the read)."""
    for worst in ("failed", "page_limit", "repeat", "last_page", "year_start"):
        if worst in stops:
            return worst
    return "failed"


@dataclass(frozen=True, slots=True)
class _Lists:
    """Reads a board's lists, HTML or JSON, page by page into ``read``."""

    fetcher: Fetcher
    site: Site
    board: Board
    read: _Read
    today: date
    since: date
    page_limit: int

    async def html(self, url: str) -> None:
        fetcher, site, board, read = self.fetcher, self.site, self.board, self.read
        today, since, page_limit = self.today, self.since, self.page_limit
        hashes: set[str] = set()
        letter_sets: set[frozenset[str]] = set()
        number = 0
        while True:
            result = await fetcher.fetch(url, respect_robots=site.respect_robots)
            read.first = read.first or result
            if result.outcome is not Outcome.OK or result.text is None:
                read.stops.append("failed")
                read.details.append(_failure(url, result))
                return
            digest = hashlib.sha256(result.body or result.text.encode()).hexdigest()
            if digest in hashes:
                read.stops.append("repeat")
                return
            hashes.add(digest)
            try:
                page = await asyncio.to_thread(
                    read_board_page,
                    result.text,
                    result.final_url,
                    today=today,
                    selector=board.selector,
                    headers=dict(board.headers),
                )
            except BoardSelectorError as exc:  # the targets file checks it; never a crashed run
                read.stops.append("failed")
                read.details.append(f"{url}: {exc}")
                return
            number += 1
            if not page.letters and number == 1 and page.endpoints:
                # The rows are loaded by script: read the endpoint the page declares.
                stops, details = len(read.stops), len(read.details)
                for endpoint in page.endpoints:
                    if await self.json(endpoint):
                        return
                del read.stops[stops:], read.details[details:]  # none served letters: said below
            if not page.letters:
                if number == 1 and _EMPTY_NOTICE.search(result.text):
                    read.pages_read += 1
                    read.stops.append("last_page")  # "暂无留言": an empty board, read whole
                elif number == 1:
                    read.stops.append("failed")
                    read.details.append(f"{url}: no letters recognised on the board's page")
                else:
                    read.stops.append("last_page")
                return
            keys = frozenset(letter_key(letter) for letter in page.letters)
            if keys in letter_sets:
                read.stops.append("repeat")
                return
            letter_sets.add(keys)
            read.pages_read += 1
            read.add(page, f"page {number}" if number > 1 else "")
            if _reached(page, since):
                read.stops.append("year_start")
                return
            following = next_page(result.text, result.final_url).next_url
            if following is None:
                read.stops.append("last_page")
                return
            if number >= page_limit:
                read.stops.append("page_limit")
                read.details.append(f"{url}: stopped after {page_limit} pages inside the year")
                return
            url = following

    async def json(self, url: str) -> bool:
        """Read a JSON endpoint page by page; False when its first page held no letters (the
        caller tries something else), with the stop appended either way."""
        fetcher, site, board, read = self.fetcher, self.site, self.board, self.read
        today, since, page_limit = self.today, self.since, self.page_limit
        spec = board.json
        records = spec.records if spec is not None and spec.url == url else None
        fields = dict(spec.fields) if spec is not None and spec.url == url else {}
        param = spec.page_param if spec is not None and spec.url == url else None
        letter_sets: set[frozenset[str]] = set()
        number = 0
        while True:
            result = await fetcher.fetch(url, respect_robots=site.respect_robots)
            read.first = read.first or result
            if result.outcome is not Outcome.OK or result.text is None:
                read.stops.append("failed")
                read.details.append(_failure(url, result))
                return number > 0
            try:
                document = json.loads(result.text)
            except ValueError:
                read.stops.append("failed")
                read.details.append(f"{url}: the endpoint did not answer JSON")
                return number > 0
            page = read_board_json(
                document, result.final_url, today=today, records=records, fields=fields
            )
            number += 1
            if not page.letters:
                read.stops.append("last_page" if number > 1 else "failed")
                if number == 1:
                    read.details.append(f"{url}: no letters recognised in the JSON")
                return number > 1
            keys = frozenset(letter_key(letter) for letter in page.letters)
            if keys in letter_sets:
                read.stops.append("repeat")
                return True
            letter_sets.add(keys)
            read.pages_read += 1
            read.add(page, f"{_short(url)}")
            if _reached(page, since):
                read.stops.append("year_start")
                return True
            following = _next_json_page(url, param)
            if following is None:
                read.stops.append("last_page")
                return True
            if number >= page_limit:
                read.stops.append("page_limit")
                read.details.append(f"{url}: stopped after {page_limit} pages inside the year")
                return True
            url = following


def _short(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}{'?' + parts.query if parts.query else ''}"


def _next_json_page(url: str, param: str | None) -> str | None:
    """The endpoint's next page: its page-number parameter plus one (None: it has none)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    names = [param] if param else list(_PAGE_PARAMS)
    for index, (key, value) in enumerate(query):
        if key in names and value.isdigit():
            query[index] = (key, str(int(value) + 1))
            return urlunsplit(parts._replace(query=urlencode(query)))
    if param:  # a named parameter absent from the first URL: its first page was 1
        return urlunsplit(parts._replace(query=urlencode([*query, (param, "2")])))
    return None


def _reached(page: BoardPage, since: date) -> bool:
    dated = [letter.asked for letter in page.letters if letter.asked is not None]
    return bool(dated) and min(dated) < since


def _failure(url: str, result: FetchResult) -> str:
    return f"{url}: {result.outcome.value}" + (f" ({result.detail})" if result.detail else "")


async def _read_details(
    fetcher: Fetcher,
    site: Site,
    read: _Read,
    *,
    today: date,
    since: date,
    known: frozenset[str],
    limit: int,
) -> int:
    """Read the detail pages of the letters that lack a reply day, oldest first; returns how
    many were fetched."""
    wanted = [
        (key, letter)
        for key, letter in read.letters.items()
        if letter.url
        and letter.replied is None
        and letter.state is not LetterState.PENDING
        and key not in known
        and (letter.asked is None or letter.asked >= since)
    ]
    wanted.sort(key=lambda pair: pair[1].asked or date.max)
    fetched = 0
    for key, letter in wanted[:limit]:
        assert letter.url is not None
        result = await fetcher.fetch(letter.url, respect_robots=site.respect_robots)
        fetched += 1
        if result.outcome is not Outcome.OK or result.text is None:
            continue  # the letter keeps what the list showed
        detail = await asyncio.to_thread(read_letter_detail, result.text, today=today)
        status = letter.status or detail.status
        replied = detail.replied
        read.letters[key] = replace(
            letter,
            asked=letter.asked or detail.asked,
            replied=replied,
            status=status,
            state=_state_of(status, replied, letter.state),
            where=f"{letter.where}; detail {detail.where}" if detail.where else letter.where,
        )
    return fetched


def _state_of(status: str | None, replied: date | None, shown: LetterState) -> LetterState:
    state = letter_state(status, replied)
    return shown if state is LetterState.UNKNOWN else state


async def read_boards(
    sites: Sequence[Site],
    *,
    sessions: async_sessionmaker[AsyncSession],
    settings: FetchSettings,
    now: datetime,
    clock: Callable[[], datetime] | None = None,
    fetcher: Fetcher | None = None,
) -> Counter[str]:
    """Read and store every board of ``sites``, each read in its own transaction; returns
    the reads per stop reason. ``fetcher``: a client shared with the run's other phases (by
    default one of its own)."""
    jobs = [(site, board) for site in sites for board in site.boards]
    stops: Counter[str] = Counter()
    if not jobs:
        return stops
    today = local_date(now)
    pending = iter(jobs)
    async with own_or_shared(fetcher, settings) as fetcher:

        async def worker() -> None:
            for site, board in pending:
                known = await in_transaction(
                    sessions,
                    functools.partial(letters_replied, site_id=site.id, board_id=board.id),
                    what=f"reading the letters of board {board.id}",
                )
                read = await read_board(
                    fetcher, site, board, today=today, known_replied=known, clock=clock
                )
                await in_transaction(
                    sessions,
                    functools.partial(record_board_read, read=read),
                    what=f"storing the read of board {board.id}",
                )
                stops[read.stopped] += 1
                logger.info(
                    "%s board %s: %s, %d pages, %d letters, %d details, stopped at %s",
                    site.id,
                    board.id,
                    read.outcome,
                    read.pages_read,
                    len(read.letters),
                    read.details_read,
                    read.stopped,
                )

        async with asyncio.TaskGroup() as tasks:
            for _ in range(min(len(jobs), settings.max_concurrency)):
                tasks.create_task(worker())
    return stops

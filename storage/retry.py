"""Database work retried when the connection is lost, for a bounded time.

A crawl writes in batches, each one transaction (``async with sessions() as session,
session.begin()``). When the connection drops in the middle of one — the server restarted,
a failover, a backend terminated — the transaction is rolled back by the server, so the
batch can be written again, whole, on a new connection. ``in_transaction`` does that (and
reads too: a phase's reads are one transaction, read again whole) with a jittered exponential
backoff (tenacity) for at most ``RetryPolicy.total_s`` in all (2 minutes unless set), so a
database restart or a failover is waited out. Past that it raises ``DatabaseUnavailableError``
(``storage.errors``), which says where and what failed; the runner records the run as failed
with it. Only a lost connection (or one that cannot be opened) is retried; any other database
error (a constraint, a bad statement) is raised at once.

The policy is set in this one place: ``set_retry_policy`` (tests: ``RetryPolicy.no_wait()``,
no sleeping and a few tries). ``database_unavailable`` is the one seam that turns a lost
connection found anywhere in an error (exception groups of task groups included) into
``DatabaseUnavailableError`` for the CLI.

Cancellation (a shutdown, a stopped run) never cuts a transaction in half: the attempt runs
on its own task, and a cancelled caller waits for that transaction to end — commit or roll
back — before it sees ``CancelledError`` (no retry follows). A cancellation landing inside
the driver (aiosqlite's rollback while the pool resets a connection, say) could otherwise
leave a connection in a transaction nobody will end, and SQLite's write lock with it: every
later write of the process, recording the run as interrupted included, then fails with
"database is locked".

A connection lost during the COMMIT itself cannot tell whether the commit happened; that
window is one round trip and is accepted: item upserts are idempotent, and the worst case
is a page's snapshot stored twice.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
    stop_never,
    wait_none,
    wait_random_exponential,
)

from storage.errors import DatabaseUnavailableError

__all__ = [
    "RetryPolicy",
    "database_unavailable",
    "in_transaction",
    "is_connection_lost",
    "retry_policy",
    "set_retry_policy",
    "using_retry_policy",
]

logger = logging.getLogger(__name__)

T = TypeVar("T")

_CONNECTION_ERRNOS = frozenset(
    {
        errno.ECONNREFUSED,
        errno.ECONNRESET,
        errno.ECONNABORTED,
        errno.EHOSTUNREACH,
        errno.ENETUNREACH,
        errno.ETIMEDOUT,
        errno.EPIPE,
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    """How long a lost connection is waited out: ``total_s`` in all from the first try, waits
    growing from ``first_wait_s`` to ``max_wait_s`` (jittered); ``attempts`` bounds the tries
    too when set."""

    total_s: float = 120.0
    first_wait_s: float = 0.25
    max_wait_s: float = 10.0
    attempts: int | None = None

    @classmethod
    def no_wait(cls, *, attempts: int = 4) -> RetryPolicy:
        """For tests: ``attempts`` tries, no sleeping between them."""
        return cls(total_s=30.0, first_wait_s=0.0, max_wait_s=0.0, attempts=attempts)


_policy = RetryPolicy()


def retry_policy() -> RetryPolicy:
    """The policy ``in_transaction`` uses."""
    return _policy


def set_retry_policy(policy: RetryPolicy) -> None:
    """Set the policy of every later ``in_transaction`` (the process's one setting)."""
    global _policy
    _policy = policy


@contextmanager
def using_retry_policy(policy: RetryPolicy) -> Iterator[None]:
    """``policy`` inside the block, the one before after it (tests)."""
    before = _policy
    set_retry_policy(policy)
    try:
        yield
    finally:
        set_retry_policy(before)


def is_connection_lost(exc: BaseException) -> bool:
    """Whether ``exc`` says the database connection is gone or cannot be opened (not that a
    statement failed)."""
    if isinstance(exc, DBAPIError):
        return bool(exc.connection_invalidated) or isinstance(
            exc, OperationalError | InterfaceError
        )
    if isinstance(exc, ConnectionError | TimeoutError):
        return True
    if isinstance(exc, OSError):
        # asyncio's "Multiple exceptions: [Errno 111] …" (every address refused) has no errno
        return exc.errno in _CONNECTION_ERRNOS or str(exc).startswith("Multiple exceptions")
    return type(exc).__name__ == "ConnectionDoesNotExistError"  # asyncpg's, not wrapped


def database_unavailable(exc: BaseException) -> DatabaseUnavailableError | None:
    """The ``DatabaseUnavailableError`` that ``exc`` holds or is (a lost connection found in
    it, its exception groups or its causes); None when it is not about the connection."""
    for error in _errors_in(exc):
        if isinstance(error, DatabaseUnavailableError):
            return error
    for error in _errors_in(exc):
        if is_connection_lost(error):
            return DatabaseUnavailableError(url=None, what=_describe(error))
    return None


def _errors_in(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    pending = [exc]
    while pending:
        error = pending.pop(0)
        if id(error) in seen:
            continue
        seen.add(id(error))
        if isinstance(error, BaseExceptionGroup):
            pending.extend(error.exceptions)
        else:
            yield error
        if error.__cause__ is not None:
            pending.append(error.__cause__)


def _describe(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{error.__class__.__name__}: {text[0]}" if text else error.__class__.__name__


def _url(sessions: async_sessionmaker[AsyncSession]) -> str | None:
    bind: Any = sessions.kw.get("bind")
    url = getattr(bind, "url", None)
    return None if url is None else url.render_as_string(hide_password=False)


async def in_transaction(
    sessions: async_sessionmaker[AsyncSession],
    work: Callable[[AsyncSession], Awaitable[T]],
    *,
    what: str = "a database transaction",
    total_s: float | None = None,
) -> T:
    """Run ``work`` in one transaction of a new session; again, whole, when the connection is
    lost, until the policy's time is up (or ``total_s``, when shorter); then raise
    ``DatabaseUnavailableError`` saying ``what`` failed. ``work`` must only touch the
    database through the session."""
    policy = _policy
    limit_s = policy.total_s if total_s is None else min(total_s, policy.total_s)
    stop = stop_after_delay(limit_s) | (
        stop_after_attempt(policy.attempts) if policy.attempts is not None else stop_never
    )
    wait = (
        wait_random_exponential(multiplier=policy.first_wait_s, max=policy.max_wait_s)
        if policy.max_wait_s > 0
        else wait_none()
    )
    started = time.monotonic()

    def log_retry(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        logger.warning(
            "database connection lost while %s (%s); trying again (attempt %d, %.0f of %.0f s)",
            what,
            error.__class__.__name__ if error else "?",
            state.attempt_number + 1,
            time.monotonic() - started,
            limit_s,
        )

    cancelled = False
    retrying = AsyncRetrying(
        retry=retry_if_exception(lambda exc: not cancelled and is_connection_lost(exc)),
        stop=stop,
        wait=wait,
        before_sleep=log_retry,
        reraise=True,
    )

    async def attempts() -> T:
        try:
            async for attempt in retrying:
                with attempt:
                    async with sessions() as session, session.begin():
                        return await work(session)
        except Exception as exc:
            if not is_connection_lost(exc):
                raise
            elapsed = time.monotonic() - started
            raise DatabaseUnavailableError(
                url=_url(sessions),
                what=f"{what} failed: {_describe(exc)} (gave up after {elapsed:.0f} s)",
            ) from exc
        raise AssertionError("unreachable: tenacity reraises the last error")  # pragma: no cover

    task = asyncio.ensure_future(attempts())
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        cancelled = True  # the transaction under way ends; no other attempt starts
        await _settle(task)
        raise


async def _settle(task: asyncio.Future[Any]) -> None:
    """Wait for a transaction's task to end, whatever it ends with (its caller was cancelled
    and raises that). Cancelled again while waiting, stop waiting: the task still ends its
    transaction on its own."""
    await asyncio.wait({task})
    if not task.cancelled():
        task.exception()  # retrieved: the caller's cancellation is what is raised

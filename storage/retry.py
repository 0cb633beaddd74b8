"""Transactions retried when the database connection is lost.

A crawl writes in batches, each one transaction (``async with sessions() as session,
session.begin()``). When the connection drops in the middle of one — the server restarted,
a failover, a backend terminated — the transaction is rolled back by the server, so the
batch can be written again, whole, on a new connection: ``in_transaction`` does that up to
``ATTEMPTS`` times with a short exponential backoff (tenacity), then lets the error through
(the runner records the run as failed, with the error). Only a lost connection is retried;
any other database error (a constraint, a bad statement) is raised at once.

A connection lost during the COMMIT itself cannot tell whether the commit happened; that
window is one round trip and is accepted: item upserts are idempotent, and the worst case
is a page's snapshot stored twice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

__all__ = ["ATTEMPTS", "in_transaction", "is_connection_lost"]

logger = logging.getLogger(__name__)

ATTEMPTS = 4
"""Tries of one transaction (the first and three retries), about 1.5 s of waiting in all."""

T = TypeVar("T")


def is_connection_lost(exc: BaseException) -> bool:
    """Whether ``exc`` says the database connection is gone (not that a statement failed)."""
    if isinstance(exc, DBAPIError):
        return bool(exc.connection_invalidated) or isinstance(
            exc, OperationalError | InterfaceError
        )
    return isinstance(exc, ConnectionError)


def _log_retry(state: RetryCallState) -> None:
    error = state.outcome.exception() if state.outcome else None
    logger.warning(
        "database connection lost (%s); writing the batch again (attempt %d of %d)",
        error.__class__.__name__ if error else "?",
        state.attempt_number + 1,
        ATTEMPTS,
    )


async def in_transaction(
    sessions: async_sessionmaker[AsyncSession],
    work: Callable[[AsyncSession], Awaitable[T]],
    *,
    attempts: int = ATTEMPTS,
) -> T:
    """Run ``work`` in one transaction of a new session; again, whole, when the connection is
    lost (at most ``attempts`` tries). ``work`` must only write through the session."""
    retrying = AsyncRetrying(
        retry=retry_if_exception(is_connection_lost),
        stop=stop_after_attempt(attempts),
        wait=wait_exponential(multiplier=0.25, max=2.0),
        before_sleep=_log_retry,
        reraise=True,
    )
    async for attempt in retrying:
        with attempt:
            async with sessions() as session, session.begin():
                return await work(session)
    raise AssertionError("unreachable: tenacity reraises the last error")  # pragma: no cover

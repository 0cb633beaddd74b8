"""Retry policy: what is transient, Retry-After, backoff, attempt counting, the deadline."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest

from crawler.fetch.result import FetchResult
from crawler.fetch.retry import (
    Attempt,
    RetryPolicy,
    backoff_s,
    is_transient,
    parse_retry_after,
    retry_transient,
)
from rules.model import Outcome

NOW = datetime(2024, 5, 1, 8, 0, 0, tzinfo=UTC)
NO_WAIT = RetryPolicy(attempts=3, base_wait_s=0.0, max_wait_s=0.0)


def result(outcome: Outcome, status: int | None = None) -> FetchResult:
    return FetchResult(
        url="http://a.example/",
        final_url="http://a.example/",
        outcome=outcome,
        status=status,
        fetched_at=NOW,
        elapsed_s=0.0,
        attempts=1,
        bytes_read=0,
        body=None,
        text=None,
        encoding=None,
        content_type=None,
        etag=None,
        last_modified=None,
        detail=None,
    )


@pytest.mark.parametrize(
    ("outcome", "status", "transient"),
    [
        (Outcome.TIMEOUT, None, True),
        (Outcome.CONNECT_ERROR, None, True),
        (Outcome.NETWORK_ERROR, 200, True),
        (Outcome.HTTP_ERROR, 429, True),
        (Outcome.HTTP_ERROR, 502, True),
        (Outcome.HTTP_ERROR, 503, True),
        (Outcome.HTTP_ERROR, 504, True),
        (Outcome.HTTP_ERROR, 500, False),
        (Outcome.HTTP_ERROR, 404, False),
        (Outcome.BLOCKED, 412, False),
        (Outcome.BLOCKED, 503, False),
        (Outcome.DNS_ERROR, None, False),
        (Outcome.TLS_ERROR, None, False),
        (Outcome.OK, 200, False),
    ],
)
def test_is_transient(outcome: Outcome, status: int | None, transient: bool) -> None:
    assert is_transient(result(outcome, status)) is transient


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Wed, 01 May 2024 08:00:30 GMT", 30.0),
        ("Wed, 01 May 2024 07:00:00 GMT", 0.0),  # in the past
        ("soon", None),
        ("-5", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == seconds


def test_backoff_grows_is_capped_and_zero_means_zero() -> None:
    policy = RetryPolicy(attempts=5, base_wait_s=1.0, max_wait_s=3.0)
    assert 1.0 <= backoff_s(1, policy) <= 2.0
    assert 2.0 <= backoff_s(2, policy) <= 3.0
    assert backoff_s(10, policy) == 3.0
    assert backoff_s(3, NO_WAIT) == 0.0


def scripted(*outcomes: Attempt) -> tuple[list[int], Callable[[], Awaitable[Attempt]]]:
    calls: list[int] = []

    async def attempt() -> Attempt:
        calls.append(1)
        return outcomes[min(len(calls), len(outcomes)) - 1]

    return calls, attempt


async def test_stops_at_first_success() -> None:
    calls, attempt = scripted(
        Attempt(result=result(Outcome.HTTP_ERROR, 503)), Attempt(result=result(Outcome.OK, 200))
    )
    last, count = await retry_transient(attempt, policy=NO_WAIT, remaining_s=lambda: math.inf)
    assert last.result.outcome is Outcome.OK
    assert count == 2 == len(calls)


async def test_gives_up_after_the_attempts_and_returns_the_last_failure() -> None:
    calls, attempt = scripted(Attempt(result=result(Outcome.TIMEOUT)))
    last, count = await retry_transient(attempt, policy=NO_WAIT, remaining_s=lambda: math.inf)
    assert last.result.outcome is Outcome.TIMEOUT
    assert count == 3 == len(calls)


async def test_permanent_failure_is_not_retried() -> None:
    calls, attempt = scripted(Attempt(result=result(Outcome.BLOCKED, 412)))
    _last, count = await retry_transient(attempt, policy=NO_WAIT, remaining_s=lambda: math.inf)
    assert count == 1 == len(calls)


async def test_wait_that_overruns_the_deadline_is_not_made() -> None:
    policy = RetryPolicy(attempts=3, base_wait_s=0.0, max_wait_s=60.0)
    calls, attempt = scripted(Attempt(result=result(Outcome.HTTP_ERROR, 429), retry_after_s=30.0))
    last, count = await retry_transient(attempt, policy=policy, remaining_s=lambda: 10.0)
    assert last.result.status == 429
    assert count == 1 == len(calls)

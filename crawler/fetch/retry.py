"""Retries of transient HTTP failures, with tenacity (storage/retry.py retries lost database
connections the same way).

Transient: timeouts, connect errors, broken responses, and HTTP 429/502/503/504. Never
retried: blocked (a challenge answers the same way again), other HTTP errors, DNS and TLS
failures, robots.txt refusals. Waits honour ``Retry-After`` (seconds or an HTTP date),
else back off exponentially with jitter from ``base_wait_s``; both are capped at
``max_wait_s``; ``base_wait_s=0`` retries at once. A retry is not made when, after its wait,
less than ``MIN_ATTEMPT_S`` of the fetch's overall deadline would be left.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_result,
    stop_after_attempt,
)
from tenacity.stop import stop_base

from crawler.fetch.result import FetchResult
from rules.model import Outcome

TRANSIENT_OUTCOMES = frozenset({Outcome.TIMEOUT, Outcome.CONNECT_ERROR, Outcome.NETWORK_ERROR})
TRANSIENT_STATUSES = frozenset({429, 502, 503, 504})

MIN_ATTEMPT_S = 0.1  # an attempt with less time than this left is not worth starting

_jitter = random.Random()  # noqa: S311 (spreads retries, not security)


@dataclass(frozen=True, slots=True, kw_only=True)
class Attempt:
    """One attempt's result and the server's ``Retry-After`` in seconds, if it sent one."""

    result: FetchResult
    retry_after_s: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    attempts: int
    base_wait_s: float
    max_wait_s: float


def is_transient(result: FetchResult) -> bool:
    if result.outcome in TRANSIENT_OUTCOMES:
        return True
    return result.outcome is Outcome.HTTP_ERROR and result.status in TRANSIENT_STATUSES


def parse_retry_after(value: str | None, *, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP date), or None."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)  # HTTP dates are GMT
    return max(0.0, (when - now).total_seconds())


def backoff_s(attempt_number: int, policy: RetryPolicy) -> float:
    """Wait after failed attempt ``attempt_number`` (1-based): base·2ⁿ⁻¹ plus up to base jitter."""
    base = policy.base_wait_s
    if base == 0:
        return 0.0
    exponential = base * 2.0 ** min(attempt_number - 1, 30)
    return min(exponential + _jitter.uniform(0.0, base), policy.max_wait_s)


async def retry_transient(
    attempt: Callable[[], Awaitable[Attempt]],
    *,
    policy: RetryPolicy,
    remaining_s: Callable[[], float],
) -> tuple[Attempt, int]:
    """Run ``attempt`` until it is not transient or the policy stops; returns (last, count)."""
    first = await attempt()
    if not is_transient(first.result):
        return first, 1  # most fetches: no retry machinery to set up
    count = 0
    made = [first]  # the attempt already made is the retrying's first

    async def counted() -> Attempt:
        nonlocal count
        count += 1
        return made.pop() if made else await attempt()

    def wait(state: RetryCallState) -> float:
        last = _last_attempt(state)
        if last.retry_after_s is not None:
            return min(last.retry_after_s, policy.max_wait_s)
        return backoff_s(state.attempt_number, policy)

    retrying = AsyncRetrying(
        stop=stop_after_attempt(policy.attempts) | _StopPastDeadline(remaining_s),
        wait=wait,
        retry=retry_if_result(lambda last: is_transient(last.result)),
        retry_error_callback=_last_attempt,
        reraise=True,
    )
    last: Attempt = await retrying(counted)
    return last, count


class _StopPastDeadline(stop_base):
    """Stop when the coming wait would leave too little of the fetch's deadline to try again."""

    def __init__(self, remaining_s: Callable[[], float]) -> None:
        self._remaining_s = remaining_s

    def __call__(self, retry_state: RetryCallState) -> bool:
        return self._remaining_s() - retry_state.upcoming_sleep < MIN_ATTEMPT_S


def _last_attempt(state: RetryCallState) -> Attempt:
    assert state.outcome is not None, "tenacity calls wait/stop only after an attempt"
    last = state.outcome.result()
    assert isinstance(last, Attempt)
    return last

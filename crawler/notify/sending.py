"""Telling each channel what is new: findings opened and resolved since it was last told, a
digest, a nightly run that did not complete.

Sent once: a channel is told of a finding when the finding's state (open, resolved) differs
from what the log says the channel was last told (``storage.notifications``), so a rerun
sends nothing again and a finding that comes back is told once more. A message is tried up
to ``ATTEMPTS`` times with growing waits when the failure may pass (a timeout, a 5xx, the
platform's rate limit), spaced by the platform's rate limit; a message that still failed is
logged with its error and its findings are told next time. Nothing here raises: a channel
that is down never fails or blocks the crawl, it only says so in the log.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from tenacity import (
    AsyncRetrying,
    RetryError,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from crawler.notify.channels import MIN_INTERVAL_S, SendError, deliver
from crawler.notify.messages import (
    Outgoing,
    digest_message,
    findings_message,
    run_failed_message,
    test_message,
)
from crawler.targets import Targets
from crawler.targets.notify import Channel
from rules.model import SHANGHAI
from storage.lifecycle import finding_states
from storage.notifications import Message, channel_states, record_message, was_sent
from storage.records import FindingState
from storage.retry import in_transaction

__all__ = ["ATTEMPTS", "Sent", "notify_findings", "notify_run_failed", "send_digests", "send_test"]

logger = logging.getLogger(__name__)

ATTEMPTS = 4
_WAIT_MIN_S, _WAIT_MAX_S = 2.0, 30.0
_HTTP_TIMEOUT = httpx.Timeout(15.0, connect=10.0)


@dataclass(frozen=True, slots=True, kw_only=True)
class Sent:
    """What one channel was sent (or not): for the log line and ``crawl notify --json``."""

    channel: str
    kind: str
    title: str
    findings: int
    ok: bool
    attempts: int
    error: str | None = None


async def notify_findings(
    engine: AsyncEngine,
    targets: Targets,
    *,
    now: datetime,
    channels: Sequence[Channel] | None = None,
    env: Mapping[str, str] | None = None,
    dry_run: bool = False,
) -> list[Sent]:
    """Tell each channel the findings opened and resolved since it was last told."""
    settings = targets.notify
    chosen = _chosen(targets, channels)
    if not chosen:
        return []
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    states = await in_transaction(sessions, finding_states, what="reading findings to notify")
    units = _units(targets, states)
    results = []
    async with _client() as client:
        for channel in chosen:
            told = await in_transaction(
                sessions,
                functools.partial(channel_states, channel=channel.name),
                what=f"reading what channel {channel.name} was told",
            )
            mine = [s for s in states if _concerns(channel, s, units)]
            new = [s for s in mine if s.open and told.get(s.key) != "open"]
            resolved = [s for s in mine if not s.open and told.get(s.key) == "open"]
            if not new and not resolved:
                continue
            message = findings_message(
                new, resolved, now=now, base_url=settings.base_url, units=units
            )
            results.append(await _send(sessions, client, channel, message, now, env, dry_run))
    return results


async def send_digests(
    engine: AsyncEngine,
    targets: Targets,
    *,
    now: datetime,
    channels: Sequence[Channel] | None = None,
    env: Mapping[str, str] | None = None,
    force: bool = False,
    dry_run: bool = False,
) -> list[Sent]:
    """Send each channel its digest when one is due (daily: once a day; weekly: on Mondays,
    Asia/Shanghai), once; ``force``: to every chosen channel now."""
    settings = targets.notify
    chosen = _chosen(targets, channels)
    local = now.astimezone(SHANGHAI)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    states: list[FindingState] | None = None
    results = []
    async with _client() as client:
        for channel in chosen:
            if force:
                span, key = "摘要", f"digest:{local:%Y-%m-%dT%H:%M:%S}"
            elif channel.digest == "daily":
                span, key = "日报", f"digest:{local:%Y-%m-%d}"
            elif channel.digest == "weekly" and local.weekday() == 0:
                span, key = "周报", f"digest:{local:%G-W%V}"
            else:
                continue
            sent = await in_transaction(
                sessions,
                functools.partial(was_sent, channel=channel.name, dedupe_key=key),
                what=f"reading the notification log of {channel.name}",
            )
            if sent and not force:
                continue
            if states is None:
                states = await in_transaction(
                    sessions,
                    functools.partial(finding_states, include_resolved=False),
                    what="reading open findings for a digest",
                )
            units = _units(targets, states)
            mine = [s for s in states if _concerns(channel, s, units)]
            message = digest_message(
                mine, now=now, base_url=settings.base_url, units=units, dedupe_key=key, span=span
            )
            results.append(await _send(sessions, client, channel, message, now, env, dry_run))
    return results


async def notify_run_failed(
    engine: AsyncEngine,
    targets: Targets,
    *,
    now: datetime,
    run_id: int | None,
    error: str,
    env: Mapping[str, str] | None = None,
) -> list[Sent]:
    """Tell every channel that the nightly run did not complete (once per run)."""
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    message = run_failed_message(now=now, run_id=run_id, error=error)
    results = []
    async with _client() as client:
        for channel in targets.notify.channels:
            results.append(await _send(sessions, client, channel, message, now, env, False))
    return results


async def send_test(
    engine: AsyncEngine,
    channel: Channel,
    *,
    now: datetime,
    env: Mapping[str, str] | None = None,
) -> Sent:
    """A test message to ``channel``, logged like any other."""
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with _client() as client:
        message = test_message(channel.name, now=now)
        return await _send(sessions, client, channel, message, now, env, False)


def _chosen(targets: Targets, channels: Sequence[Channel] | None) -> list[Channel]:
    """The channels asked for, else every channel of the targets file."""
    return list(targets.notify.channels if channels is None else channels)


def _client() -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=_HTTP_TIMEOUT, follow_redirects=False, trust_env=False)


def _units(targets: Targets, states: Sequence[FindingState]) -> dict[str, str | None]:
    """Finding key -> the unit of its site or account (None: none given)."""
    site_units = {site.id: site.unit for site in targets.sites}
    account_units = {a.id: a.account.unit for a in targets.accounts}
    return {
        s.key: account_units.get(s.account_id) if s.account_id else site_units.get(s.site_id or "")
        for s in states
    }


def _concerns(channel: Channel, state: FindingState, units: Mapping[str, str | None]) -> bool:
    if state.severity not in channel.severities:
        return False
    return not channel.units or units.get(state.key) in channel.units


_last_sent: dict[str, float] = {}  # channel -> time.monotonic() of its last attempt


async def _send(
    sessions: async_sessionmaker[AsyncSession],
    client: httpx.AsyncClient,
    channel: Channel,
    message: Outgoing,
    now: datetime,
    env: Mapping[str, str] | None,
    dry_run: bool,
) -> Sent:
    """Deliver with retries, then log it (and what it told) in one transaction."""
    if message.dedupe_key is not None and not dry_run:
        done = await in_transaction(
            sessions,
            functools.partial(was_sent, channel=channel.name, dedupe_key=message.dedupe_key),
            what=f"reading the notification log of {channel.name}",
        )
        if done:
            return _unsent(channel, message, "already sent")
    if dry_run:
        return _unsent(channel, message, "dry run: not sent")
    attempts, error = await _deliver_with_retries(client, channel, message, env)
    sent_at = datetime.now(now.tzinfo) if error is None else None
    record = Message(
        channel=channel.name,
        kind=message.kind,
        title=message.title,
        findings=message.finding_count,
        created_at=now,
        sent_at=sent_at,
        attempts=attempts,
        error=error,
        dedupe_key=message.dedupe_key,
    )
    try:
        await in_transaction(
            sessions,
            functools.partial(record_message, message=record, told=message.told),
            what=f"logging a notification to {channel.name}",
        )
    except Exception as exc:  # the crawl goes on; the next run tells these findings again
        logger.error("notify %s: the message could not be logged: %s", channel.name, exc)
    if error is None:
        logger.info(
            "notify %s: sent %r (%d findings)", channel.name, message.title, record.findings
        )
    else:
        logger.error("notify %s: not sent after %d attempts: %s", channel.name, attempts, error)
    return Sent(
        channel=channel.name,
        kind=message.kind,
        title=message.title,
        findings=record.findings,
        ok=error is None,
        attempts=attempts,
        error=error,
    )


def _unsent(channel: Channel, message: Outgoing, why: str) -> Sent:
    """A message not sent on purpose (already sent, a dry run): nothing went wrong."""
    return Sent(
        channel=channel.name,
        kind=message.kind,
        title=message.title,
        findings=message.finding_count,
        ok=True,
        attempts=0,
        error=why,
    )


async def _deliver_with_retries(
    client: httpx.AsyncClient,
    channel: Channel,
    message: Outgoing,
    env: Mapping[str, str] | None,
) -> tuple[int, str | None]:
    """(attempts made, None when delivered else the last error)."""
    attempts = 0
    variables = os.environ if env is None else env
    retrying = AsyncRetrying(
        stop=stop_after_attempt(ATTEMPTS),
        wait=wait_exponential(multiplier=_WAIT_MIN_S, max=_WAIT_MAX_S),
        retry=retry_if_exception(lambda exc: isinstance(exc, SendError) and exc.transient),
        reraise=False,
    )
    try:
        async for attempt in retrying:
            with attempt:
                attempts += 1
                await _pace(channel)
                await deliver(channel, message, client=client, env=variables)
    except RetryError as exc:
        last = exc.last_attempt.exception()
        return attempts, str(last) if last is not None else "failed"
    except SendError as exc:
        return attempts, str(exc)
    except Exception as exc:  # a channel is never allowed to fail the crawl
        logger.debug("notify %s failed", channel.name, exc_info=True)
        return attempts, f"{exc.__class__.__name__}: {exc}"
    return attempts, None


async def _pace(channel: Channel) -> None:
    """Keep to the platform's rate limit: wait out the channel's interval since its last send."""
    interval = MIN_INTERVAL_S.get(channel.kind, 0.0)
    last = _last_sent.get(channel.name)
    if last is not None and interval:
        delay = last + interval - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
    _last_sent[channel.name] = time.monotonic()

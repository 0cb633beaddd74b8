"""Availability probes of homepages (站点无法访问, 国办秘函〔2019〕19号 单项否决).

A probe is one GET of a site's homepage, never retried (a failure is a data point, DESIGN.md
decision 3), with a limit of 15 s for the whole load: connect, headers, redirects and body.
What a probe shows (``probe_verdict``):

- loaded: the homepage came back (``ok``/``not_modified``) in less than the limit → ok;
- not loaded: a timeout, a refused or broken connection, a DNS or TLS failure, an HTTP error
  status, a redirect loop → failed ("超过（含）15秒网站仍打不开");
- answered: an anti-bot challenge or WAF page (``blocked``) → the server answered, so the site
  is up: ok when the answer came in under the limit, failed when not. 站点无法访问 is about the
  site being down; a challenge a browser passes (docs/browser.md) is not that, and its detail
  says so;
- cannot tell: robots.txt refusing the homepage, a body over the size cap, a response that is
  not a document → neither ok nor failed, and not counted. The national line is a share of
  failures; a probe that could not see the page must not move it.

robots.txt is honoured as the crawl honours it: a site with ``robots: respect`` (the default)
is probed only if its robots.txt allows the homepage, ``robots: ignore`` skips the check.

A round probes each homepage once. Starts are spread over ``spread_s`` seconds at a stable
offset per site (from its id), so the sites of one server are not hit at the same instant and
each site is probed at the same phase of every round; per-host politeness (the ``Fetcher``'s
limits) still applies. Queueing for a slot does not count against the limit.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from crawler.fetch import FetchConfigError, Fetcher, FetchResult, FetchSettings
from rules.model import Outcome, Site
from storage.probes import record_probes, register_sites
from storage.retry import in_transaction

__all__ = [
    "PROBE_LIMIT_S",
    "ProbeResult",
    "probe_offset_s",
    "probe_settings",
    "probe_sites",
    "probe_verdict",
]

logger = logging.getLogger(__name__)

PROBE_LIMIT_S = 15.0
"""超过（含）15秒网站仍打不开: a homepage not loaded in under 15 s is a failed probe."""

_LOADED = frozenset({Outcome.OK, Outcome.RENDERED, Outcome.NOT_MODIFIED})
_ANSWERED = frozenset({Outcome.BLOCKED})  # a challenge page: the server is up
_CANNOT_TELL = frozenset(
    {
        Outcome.ROBOTS_DISALLOWED,
        Outcome.ADDRESS_REFUSED,
        Outcome.STALE_SUSPECT,  # account sources only: never a homepage's
        Outcome.ACCOUNT_CLOSED,
        Outcome.TOO_LARGE,
        Outcome.NOT_HTML,
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ProbeResult:
    """One probe of a homepage, as stored."""

    site_id: str
    url: str
    probed_at: datetime  # aware UTC: when the request started
    ok: bool | None  # True loaded in time, False not loaded, None the probe could not tell
    outcome: Outcome
    status: int | None
    latency_s: float | None  # from the request start to the end of the load; None: no request
    detail: str | None


def probe_settings(
    base: FetchSettings | None = None, *, limit_s: float = PROBE_LIMIT_S
) -> FetchSettings:
    """Fetch settings for probes: one attempt, ``limit_s`` for the whole load.

    Everything else (user agent, concurrency, politeness) comes from ``base``.
    """
    settings = base or FetchSettings()
    return replace(
        settings,
        timeout_s=limit_s,
        attempt_timeout_s=limit_s,
        connect_timeout_s=min(settings.connect_timeout_s, limit_s),
        retry_attempts=1,
    )


def probe_verdict(outcome: Outcome, latency_s: float | None, limit_s: float) -> bool | None:
    """What one probe shows: True loaded in under ``limit_s``, False not loaded, None cannot
    tell (see the module docstring)."""
    if outcome in _LOADED or outcome in _ANSWERED:
        return latency_s is not None and latency_s < limit_s
    if outcome in _CANNOT_TELL:
        return None
    return False


def probe_offset_s(site_id: str, spread_s: float) -> float:
    """The stable start offset of a site within a round, in [0, ``spread_s``)."""
    if spread_s <= 0:
        return 0.0
    digest = hashlib.sha256(site_id.encode("utf-8")).digest()
    return spread_s * int.from_bytes(digest[:8], "big") / 2**64


async def probe_sites(
    sites: Sequence[Site],
    *,
    engine: AsyncEngine,
    settings: FetchSettings,
    now: datetime,
    spread_s: float = 0.0,
) -> list[ProbeResult]:
    """Probe each site's homepage once, store every probe, return them in the order given.

    ``settings`` must not retry (``retry_attempts=1``; build them with ``probe_settings``);
    its ``timeout_s`` is the probe's limit. ``now`` is when the round starts: sites not yet in
    storage are registered with it. Each probe is stamped with the moment its request
    started. ``spread_s`` spreads the starts over that many seconds (see the module docstring);
    a single site is probed at once. The probes are written in one transaction at the end of
    the round.
    """
    if settings.retry_attempts != 1:
        raise FetchConfigError(
            what="probe setting retry_attempts",
            value=settings.retry_attempts,
            problem="is not 1",
            hint="probes never retry, a failed probe is a data point: use probe_settings()",
        )
    if not sites:
        return []
    spread = spread_s if len(sites) > 1 else 0.0
    async with Fetcher(settings) as fetcher:

        async def probe(site: Site) -> ProbeResult:
            await asyncio.sleep(probe_offset_s(site.id, spread))
            result = await fetcher.fetch(site.homepage, respect_robots=site.respect_robots)
            probe = _probe_of(site, result, limit_s=settings.timeout_s)
            logger.info(
                "probe %s %s ok=%s outcome=%s status=%s latency=%s",
                site.id,
                site.homepage,
                probe.ok,
                probe.outcome.value,
                probe.status,
                f"{probe.latency_s:.3f}s" if probe.latency_s is not None else "-",
            )
            return probe

        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(probe(site)) for site in sites]
    results = [task.result() for task in tasks]

    sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def store(session: AsyncSession) -> None:
        await register_sites(session, sites, now=now)
        await record_probes(session, results)

    await in_transaction(sessions, store, what="storing the availability probes")
    return results


def _probe_of(site: Site, result: FetchResult, *, limit_s: float) -> ProbeResult:
    latency = result.elapsed_s if result.attempts > 0 else None
    ok = probe_verdict(result.outcome, latency, limit_s)
    detail = result.detail
    if ok is False and (result.outcome in _LOADED or result.outcome in _ANSWERED):
        detail = f"loaded in {latency:.3f} s, not under the {limit_s:g} s limit"
    elif ok and result.outcome in _ANSWERED:
        detail = f"up: the server answered with a {result.detail or 'challenge page'}"
    return ProbeResult(
        site_id=site.id,
        url=site.homepage,
        probed_at=result.fetched_at,
        ok=ok,
        outcome=result.outcome,
        status=result.status,
        latency_s=latency,
        detail=detail,
    )

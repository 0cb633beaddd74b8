"""The Fetcher: one URL in, one ``FetchResult`` out; network and HTTP failures are outcomes.

One fetch: check robots.txt (cached per host) → attempts, retried by ``retry`` while the
failure is transient → one attempt: take a politeness slot per hop (``limits``), send, follow
redirects ourselves (``redirects``), read the body streamed and capped, then classify:
304 → not_modified; challenge/WAF page → blocked; ≥300 → http_error; not a document →
not_html; too big → too_large; else decode (``decode``) → ok. Transport exceptions become
outcomes in ``transport.describe_failure``; our deadlines (``asyncio.timeout``) become
``timeout``. Every hop passes the address policy (``addresses``): an internal address it
refuses is ``address_refused``, never followed and never read.

A redirect hop is a new plain request (no body, no body headers). It keeps the caller's
headers (a platform's cookie, validators) only while it stays on the same host — not on
a downgrade from https to http — and drops them on a cross-host hop.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from types import TracebackType
from typing import Any

import aiohttp
import httpx

from crawler.fetch.addresses import normal_host, parse_address, requested_host
from crawler.fetch.challenge import detect_challenge
from crawler.fetch.classify import decode_and_classify
from crawler.fetch.decode import decode_html
from crawler.fetch.errors import FetchConfigError, FetcherClosedError
from crawler.fetch.limits import HostLimits
from crawler.fetch.media import content_type_not_document, not_document_reason
from crawler.fetch.reading import Progress, content_length, read_capped
from crawler.fetch.redirects import RedirectTrail, redirect_request
from crawler.fetch.result import EVIDENCE_BYTES, FetchResult
from crawler.fetch.retry import Attempt, RetryPolicy, parse_retry_after, retry_transient
from crawler.fetch.robots import (
    ROBOTS_MAX_BYTES,
    RobotsCache,
    RobotsRules,
    allow_all,
    parse_robots,
    user_agent_token,
)
from crawler.fetch.settings import FetchSettings
from crawler.fetch.transport import build_transport, describe_failure
from rules.model import Outcome, utc_now

logger = logging.getLogger(__name__)

ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ACCEPT_LANGUAGE = "zh-CN,zh;q=0.9,en;q=0.5"
THREAD_DECODE_BYTES = 256 * 1024  # bigger bodies are decoded off the event loop
_RETRY_AFTER_STATUSES = frozenset({429, 503})
_TRANSPORT_ERRORS = (httpx.HTTPError, aiohttp.ClientError, OSError)


class Fetcher:
    """Fetches pages politely over one client; use as ``async with Fetcher(settings) as f``.

    ``transport`` replaces the aiohttp-backed transport (tests, benchmarks); the Fetcher
    closes it on exit either way.
    """

    def __init__(
        self, settings: FetchSettings, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._settings = settings
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._limits = _new_limits(settings)
        self._robots = RobotsCache(self._load_robots)
        self._policy = RetryPolicy(
            attempts=settings.retry_attempts,
            base_wait_s=settings.retry_base_wait_s,
            max_wait_s=settings.retry_max_wait_s,
        )

    async def __aenter__(self) -> Fetcher:
        settings = self._settings
        self._client = httpx.AsyncClient(
            transport=self._transport or build_transport(settings),
            headers={
                "User-Agent": settings.user_agent,
                "Accept": ACCEPT,
                "Accept-Language": ACCEPT_LANGUAGE,
            },
            timeout=httpx.Timeout(
                connect=settings.connect_timeout_s,
                read=settings.attempt_timeout_s,
                write=settings.connect_timeout_s,
                pool=settings.connect_timeout_s,
            ),
            follow_redirects=False,
            trust_env=False,
        )
        self._limits = _new_limits(settings)
        self._robots = RobotsCache(self._load_robots)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    def add_cookies(self, cookies: Iterable[Mapping[str, Any]]) -> None:
        """Cookies a browser earned (name, value, domain, path), sent from now on to their
        domain like the ones the sites set themselves."""
        client = self._open_client("")
        for cookie in cookies:
            client.cookies.set(
                str(cookie["name"]),
                str(cookie["value"]),
                domain=str(cookie.get("domain") or ""),
                path=str(cookie.get("path") or "/"),
            )

    @property
    def settings(self) -> FetchSettings:
        """The settings this Fetcher was made with (its concurrency and per-host limits)."""
        return self._settings

    def now(self) -> datetime:
        """The time a fetch starting now is stamped with (``FetchSettings.clock``)."""
        return self._settings.clock()

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        respect_robots: bool = True,
        headers: Mapping[str, str] | None = None,
        decode: bool = True,
    ) -> FetchResult:
        """Fetch ``url``; never raises for network or HTTP failures (see ``FetchResult``).

        ``headers`` are sent as given (a platform's cookie, say); they are never logged and
        never stored. ``decode=False`` leaves a successful document undecoded and unchecked
        for anti-bot pages: ``ok`` with its ``body`` and no ``text``, for a caller that
        decodes and checks it elsewhere (``classify_document``, in an extraction worker).
        """
        target = check_url(url)
        client = self._open_client(url)
        with _asked_for(target):
            if respect_robots and (refused := await self._refused_by_robots(url, target)):
                return refused
            sent: dict[str, str] = dict(headers or {})
            if etag:
                sent["If-None-Match"] = etag
            if last_modified:
                sent["If-Modified-Since"] = last_modified
            clock = _Clock(timeout_s=self._settings.timeout_s)
            last, count = await retry_transient(
                lambda: self._attempt(
                    client,
                    str(target),
                    headers=sent,
                    validators_sent=bool(etag or last_modified),
                    clock=clock,
                    respect_robots=respect_robots,
                    expect_document=True,
                    max_body_bytes=self._settings.max_body_bytes,
                    decode=decode,
                ),
                policy=self._policy,
                remaining_s=clock.remaining_s,
            )
            result = replace(last.result, url=url, attempts=count, elapsed_s=clock.elapsed_s())
            _log(result)
            return result

    async def check(
        self,
        url: str,
        *,
        method: str = "HEAD",
        max_body_bytes: int = 0,
        respect_robots: bool = True,
        headers: Mapping[str, str] | None = None,
    ) -> FetchResult:
        """Check a resource (an image, a linked page) politely without reading all of it.

        ``method`` is ``HEAD`` (headers only) or ``GET`` (at most ``max_body_bytes`` of the
        body are kept; ``complete`` is False when there was more). Any content type is
        accepted: the caller judges it. Redirects, limits, retries, robots.txt, anti-bot
        pages (``blocked``) and HTTP errors are as in ``fetch``.
        """
        if method not in ("HEAD", "GET"):
            raise FetchConfigError(
                what="check method", value=method, problem="is not HEAD or GET", hint="use one"
            )
        target = check_url(url)
        client = self._open_client(url)
        with _asked_for(target):
            if respect_robots and (refused := await self._refused_by_robots(url, target)):
                return refused
            clock = _Clock(timeout_s=self._settings.timeout_s)
            last, count = await retry_transient(
                lambda: self._attempt(
                    client,
                    str(target),
                    headers=dict(headers or {}),
                    validators_sent=False,
                    clock=clock,
                    respect_robots=respect_robots,
                    expect_document=False,
                    max_body_bytes=max(max_body_bytes, 0),
                    method=method,
                    raw=True,
                ),
                policy=self._policy,
                remaining_s=clock.remaining_s,
            )
            result = replace(last.result, url=url, attempts=count, elapsed_s=clock.elapsed_s())
            _log(result)
            return result

    # --- one attempt ---------------------------------------------------------------------

    async def _attempt(
        self,
        client: httpx.AsyncClient,
        url: str,
        *,
        headers: dict[str, str],
        clock: _Clock,
        respect_robots: bool,
        expect_document: bool,
        max_body_bytes: int,
        validators_sent: bool | None = None,
        method: str = "GET",
        raw: bool = False,
        decode: bool = True,
    ) -> Attempt:
        progress = Progress(url=url, final_url=url, fetched_at=self.now())
        try:
            async with asyncio.timeout(None) as deadline:
                try:
                    return await self._hops(
                        client,
                        client.build_request(method, url, headers=headers),
                        own_headers=headers,
                        progress=progress,
                        clock=clock,
                        deadline=deadline,
                        respect_robots=respect_robots,
                        expect_document=expect_document,
                        max_body_bytes=max_body_bytes,
                        validators_sent=bool(headers)
                        if validators_sent is None
                        else validators_sent,
                        raw=raw,
                        decode=decode,
                    )
                except _TRANSPORT_ERRORS as exc:
                    outcome, detail = describe_failure(exc, self._settings)
                    return Attempt(result=progress.result(outcome, detail=detail))
        except TimeoutError:
            if not deadline.expired():
                raise
            limit = f"{progress.deadline_s:g} s"
            detail = f"no complete response within {limit}"
            if progress.status is not None:
                detail = f"body not complete within {limit} ({progress.bytes_read} bytes read)"
            return Attempt(result=progress.result(Outcome.TIMEOUT, detail=detail))

    async def _hops(
        self,
        client: httpx.AsyncClient,
        request: httpx.Request,
        *,
        own_headers: Mapping[str, str],
        progress: Progress,
        clock: _Clock,
        deadline: asyncio.Timeout,
        respect_robots: bool,
        expect_document: bool,
        max_body_bytes: int,
        validators_sent: bool,
        raw: bool = False,
        decode: bool = True,
    ) -> Attempt:
        trail = RedirectTrail(max_redirects=self._settings.max_redirects)
        loop = asyncio.get_running_loop()
        while True:
            refused = self._literal_refusal(request.url)
            if refused is not None:
                if trail.urls:
                    refused = f"redirect to {request.url}: {refused}"
                return Attempt(result=progress.result(Outcome.ADDRESS_REFUSED, detail=refused))
            if trail.urls and respect_robots:
                refusal = await self._robots_refusal(request.url)
                if refusal is not None:
                    return Attempt(
                        result=progress.result(Outcome.ROBOTS_DISALLOWED, detail=refusal)
                    )
            async with self._limits.slot(host_key(request.url)):
                if not trail.urls:
                    clock.start(loop.time())
                    progress.fetched_at = self.now()
                    progress.deadline_s = min(self._settings.attempt_timeout_s, clock.remaining_s())
                    deadline.reschedule(loop.time() + progress.deadline_s)
                    trail.start(str(request.url), request.headers.get("cookie"))
                response = await client.send(request, stream=True)
                try:
                    progress.seen(response)
                    following = response.next_request
                    if following is None:
                        return await self._read(
                            response,
                            progress=progress,
                            expect_document=expect_document,
                            max_body_bytes=max_body_bytes,
                            validators_sent=validators_sent,
                            raw=raw,
                            decode=decode,
                        )
                    following = redirect_request(client, request, following, own_headers)
                    problem = trail.follow(
                        str(following.url), following.url.scheme, following.headers.get("cookie")
                    )
                    if problem is not None:
                        outcome = (
                            Outcome.HTTP_ERROR
                            if following.url.scheme not in ("http", "https")
                            else Outcome.REDIRECT_LOOP
                        )
                        return Attempt(result=progress.result(outcome, detail=problem))
                    request = following
                finally:
                    await response.aclose()

    async def _read(
        self,
        response: httpx.Response,
        *,
        progress: Progress,
        expect_document: bool,
        max_body_bytes: int,
        validators_sent: bool,
        raw: bool = False,
        decode: bool = True,
    ) -> Attempt:
        status = response.status_code
        content_type = progress.content_type
        if status == 304:
            if validators_sent:
                return Attempt(result=progress.result(Outcome.NOT_MODIFIED))
            return Attempt(
                result=progress.result(
                    Outcome.HTTP_ERROR, detail="304 Not Modified to a request without validators"
                )
            )
        if status >= 300:
            body = await read_capped(response, EVIDENCE_BYTES, progress)
            text, _ = decode_html(body.data, content_type)
            challenge = detect_challenge(status, text)
            if challenge is not None:
                return Attempt(
                    result=progress.result(Outcome.BLOCKED, body=body.data, detail=challenge)
                )
            reason = response.reason_phrase or ""
            detail = f"HTTP {status} {reason}".rstrip()
            if status < 400:
                detail += " without a usable Location header"
            retry_after = None
            if status in _RETRY_AFTER_STATUSES:
                retry_after = parse_retry_after(response.headers.get("retry-after"), now=utc_now())
            return Attempt(
                result=progress.result(Outcome.HTTP_ERROR, body=body.data, detail=detail),
                retry_after_s=retry_after,
            )
        if raw:  # a resource check: the first bytes, whatever they are (the caller judges)
            head = await read_capped(response, max_body_bytes, progress)
            return Attempt(
                result=progress.result(Outcome.OK, body=head.data, complete=not head.over_limit)
            )
        declared_length = content_length(response)
        if declared_length is not None and declared_length > max_body_bytes:
            return Attempt(
                result=progress.result(
                    Outcome.TOO_LARGE,
                    detail=f"Content-Length {declared_length} bytes is over the "
                    f"{max_body_bytes}-byte limit",
                )
            )
        if expect_document:
            by_type = content_type_not_document(content_type)
            if by_type is not None:
                return Attempt(result=progress.result(Outcome.NOT_HTML, detail=by_type))

        def sniff(head: bytes) -> str | None:
            return not_document_reason(content_type, head) if expect_document else None

        body = await read_capped(response, max_body_bytes, progress, sniff=sniff)
        if body.not_document is not None:
            return Attempt(result=progress.result(Outcome.NOT_HTML, detail=body.not_document))
        if body.over_limit:
            return Attempt(
                result=progress.result(
                    Outcome.TOO_LARGE,
                    detail=f"body over the {max_body_bytes}-byte limit (stopped reading)",
                )
            )
        if not decode:  # the caller decodes and checks it (classify_document)
            return Attempt(result=progress.result(Outcome.OK, body=body.data))
        if len(body.data) > THREAD_DECODE_BYTES:
            text, encoding, challenge = await asyncio.to_thread(
                decode_and_classify, status, body.data, content_type
            )
        else:
            text, encoding, challenge = decode_and_classify(status, body.data, content_type)
        if challenge is not None:
            evidence = body.data[:EVIDENCE_BYTES]
            return Attempt(result=progress.result(Outcome.BLOCKED, body=evidence, detail=challenge))
        return Attempt(
            result=progress.result(Outcome.OK, body=body.data, text=text, encoding=encoding)
        )

    # --- robots.txt ----------------------------------------------------------------------

    async def _refused_by_robots(self, url: str, target: httpx.URL) -> FetchResult | None:
        """The logged ``robots_refused`` result when robots.txt refuses ``target``."""
        refusal = await self._robots_refusal(target)
        if refusal is None:
            return None
        result = _robots_refused(url, target, refusal, self.now())
        _log(result)
        return result

    async def _robots_refusal(self, url: httpx.URL) -> str | None:
        rules = await self._robots.rules_for(str(url))
        user_agent = self._settings.user_agent
        if rules.allows(str(url), user_agent):
            return None
        return (
            f"robots.txt at {rules.robots_url} disallows {url.raw_path.decode('ascii')} "
            f"for user-agent {user_agent_token(user_agent)!r}"
        )

    async def _load_robots(self, robots_url: str) -> RobotsRules:
        client = self._open_client(robots_url)
        attempt = await self._attempt(
            client,
            robots_url,
            headers={},
            clock=_Clock(timeout_s=self._settings.attempt_timeout_s),
            respect_robots=False,
            expect_document=False,
            max_body_bytes=ROBOTS_MAX_BYTES,
        )
        result = attempt.result
        if result.outcome is Outcome.OK and result.text is not None:
            return parse_robots(robots_url, result.text)
        reason = result.outcome.value
        if result.status is not None:
            reason += f" {result.status}"
        return allow_all(robots_url, reason)

    def _literal_refusal(self, url: httpx.URL) -> str | None:
        """Why an IP-literal ``url`` may not be requested (names are checked at connect)."""
        if parse_address(url.host) is None:
            return None
        refused = self._settings.addresses.refusal(url.host, url.host)
        return None if refused is None else str(refused)

    def _open_client(self, url: str) -> httpx.AsyncClient:
        if self._client is None:
            raise FetcherClosedError(url)
        return self._client


def check_url(url: str) -> httpx.URL:
    """The absolute http(s) URL to fetch (fragment dropped), or a ``FetchConfigError``."""
    hint = "use an absolute URL starting with http:// or https://"
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise FetchConfigError(
            what="URL", value=url, problem=f"is not a valid URL ({exc})", hint=hint
        ) from exc
    if parsed.scheme not in ("http", "https"):
        raise FetchConfigError(what="URL", value=url, problem="is not an http(s) URL", hint=hint)
    if not parsed.host:
        raise FetchConfigError(what="URL", value=url, problem="has no host", hint=hint)
    return parsed.copy_with(fragment=None)


def host_key(url: httpx.URL) -> str:
    """``scheme://host:port``: the unit of politeness."""
    port = url.port or (443 if url.scheme == "https" else 80)
    return f"{url.scheme}://{url.host}:{port}"


def _new_limits(settings: FetchSettings) -> HostLimits:
    return HostLimits(
        max_concurrency=settings.max_concurrency,
        per_host_concurrency=settings.per_host_concurrency,
        per_host_delay_s=settings.per_host_delay_s,
        jitter_s=settings.jitter_s,
    )


@dataclass(slots=True, kw_only=True)
class _Clock:
    """The overall deadline of one fetch; it starts with the first request."""

    timeout_s: float
    started_at: float | None = None  # event-loop time

    def start(self, now: float) -> None:
        if self.started_at is None:
            self.started_at = now

    def deadline(self) -> float:
        assert self.started_at is not None, "deadline() before the first request"
        return self.started_at + self.timeout_s

    def remaining_s(self) -> float:
        if self.started_at is None:
            return math.inf
        return self.deadline() - asyncio.get_running_loop().time()

    def elapsed_s(self) -> float:
        if self.started_at is None:
            return 0.0
        return asyncio.get_running_loop().time() - self.started_at


@contextmanager
def _asked_for(target: httpx.URL) -> Iterator[None]:
    """Within: ``target``'s host is the one this fetch was asked for (``addresses``)."""
    token = requested_host.set(normal_host(target.host))
    try:
        yield
    finally:
        requested_host.reset(token)


def _robots_refused(url: str, target: httpx.URL, refusal: str, fetched_at: datetime) -> FetchResult:
    return FetchResult(
        url=url,
        final_url=str(target),
        outcome=Outcome.ROBOTS_DISALLOWED,
        status=None,
        fetched_at=fetched_at,
        elapsed_s=0.0,
        attempts=0,
        bytes_read=0,
        body=None,
        text=None,
        encoding=None,
        content_type=None,
        etag=None,
        last_modified=None,
        detail=refusal,
    )


def _log(result: FetchResult) -> None:
    logger.info(
        "fetch %s status=%s outcome=%s elapsed=%.3fs attempts=%d bytes=%d%s",
        result.url,
        result.status,
        result.outcome.value,
        result.elapsed_s,
        result.attempts,
        result.bytes_read,
        f" detail={result.detail!r}" if result.detail else "",
    )

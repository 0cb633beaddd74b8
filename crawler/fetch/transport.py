"""The HTTP transport under httpx, and the one seam where transport errors become outcomes.

We keep httpx's API on aiohttp's faster engine (DESIGN.md decision 1) through
``httpx_aiohttp.AiohttpTransport``, given an aiohttp session we configure ourselves:

- connections capped at ``max_concurrency`` (our own limits keep requests below it),
  no per-host cap in aiohttp (ours applies), no aiohttp cookie jar (httpx keeps cookies;
  two jars would send cookies twice), no proxy from the environment, header lines up to
  64 KiB (WAFs send very long ``Set-Cookie`` lines);
- aiohttp never follows redirects (the transport passes ``allow_redirects=False``);
  ``crawler.fetch.redirects`` does;
- every connection passes the address policy (``crawler.fetch.addresses``) on the addresses
  its host RESOLVED to (IP literals and cached lookups included), so DNS rebinding cannot
  reach an internal host: ``PolicyConnector``.

The transport's own error mapping is unreliable: it maps every
``aiohttp.ClientConnectionError`` — refused connections, DNS failures, TLS errors, a server
that hung up — to ``httpx.ConnectTimeout``. ``describe_failure`` therefore reads the
original aiohttp exception (``__cause__``) when there is one, and httpx's or the OS's
exception otherwise (httpx's default transport, used when a caller injects one).
"""

from __future__ import annotations

import errno
import socket
import ssl
from collections.abc import Iterator, Sequence
from typing import Any

import aiohttp
import httpx
from aiohttp.abc import ResolveResult
from httpx_aiohttp import AiohttpTransport

from crawler.fetch.addresses import AddressPolicy, AddressRefusedError
from crawler.fetch.settings import FetchSettings
from rules.model import Outcome

MAX_HEADER_BYTES = 64 * 1024


def build_transport(settings: FetchSettings) -> httpx.AsyncBaseTransport:
    """An aiohttp-backed httpx transport; call inside the running event loop."""
    ssl_context = httpx.create_ssl_context(verify=settings.verify_tls, trust_env=False)
    connector = PolicyConnector(
        settings.addresses,
        limit=settings.max_concurrency,
        limit_per_host=0,
        ssl=ssl_context,
        ttl_dns_cache=300,
    )
    session = aiohttp.ClientSession(
        connector=connector,
        cookie_jar=aiohttp.DummyCookieJar(),
        trust_env=False,
        max_line_size=MAX_HEADER_BYTES,
        max_field_size=MAX_HEADER_BYTES,
    )
    return AiohttpTransport(client=session, verify=settings.verify_tls, trust_env=False)


class PolicyConnector(aiohttp.TCPConnector):
    """A TCP connector that refuses resolved addresses the address policy does not allow.

    Any refused address refuses the whole host: a name that resolves to a public and an
    internal address is not tried address by address.
    """

    def __init__(self, policy: AddressPolicy, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._policy = policy

    async def _resolve_host(
        self, host: str, port: int, traces: Sequence[Any] | None = None
    ) -> list[ResolveResult]:
        resolved = await super()._resolve_host(host, port, traces=traces)
        for entry in resolved:
            refused = self._policy.refusal(host, entry["host"])
            if refused is not None:
                raise refused
        return resolved


def describe_failure(exc: BaseException, settings: FetchSettings) -> tuple[Outcome, str]:
    """The outcome and a readable detail for a transport-level failure of one request."""
    for link in _chain(exc):
        if isinstance(link, aiohttp.ClientError):
            return _from_aiohttp(link, settings)
    return _from_httpx_or_os(exc, settings)


def _from_aiohttp(exc: aiohttp.ClientError, settings: FetchSettings) -> tuple[Outcome, str]:
    if isinstance(exc, aiohttp.ClientSSLError | aiohttp.ClientConnectorCertificateError):
        return Outcome.TLS_ERROR, f"TLS error with {exc.host}:{exc.port}: {_reason(exc)}"
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return Outcome.TIMEOUT, f"connect timeout after {settings.connect_timeout_s} s"
    if isinstance(exc, aiohttp.ServerTimeoutError):
        return Outcome.TIMEOUT, f"read timeout after {settings.attempt_timeout_s} s"
    if isinstance(exc, aiohttp.ClientConnectorError):
        os_error = exc.os_error
        if isinstance(os_error, AddressRefusedError):
            return Outcome.ADDRESS_REFUSED, str(os_error)
        if isinstance(os_error, socket.gaierror):
            return Outcome.DNS_ERROR, f"cannot resolve host {exc.host!r}: {os_error}"
        if isinstance(os_error, ssl.SSLError):
            return Outcome.TLS_ERROR, f"TLS error with {exc.host}:{exc.port}: {os_error}"
        if isinstance(os_error, TimeoutError):
            return Outcome.TIMEOUT, f"connect timeout after {settings.connect_timeout_s} s"
        return (
            Outcome.CONNECT_ERROR,
            f"cannot connect to {exc.host}:{exc.port}: {_reason(os_error)}",
        )
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return Outcome.NETWORK_ERROR, "server closed the connection before responding"
    if isinstance(exc, aiohttp.ClientPayloadError):
        return Outcome.NETWORK_ERROR, f"response body broken mid-transfer: {_reason(exc)}"
    if isinstance(exc, aiohttp.ClientResponseError):
        return Outcome.NETWORK_ERROR, f"malformed HTTP response: {exc.message}"
    return Outcome.NETWORK_ERROR, f"connection failed ({type(exc).__name__}): {_reason(exc)}"


def _from_httpx_or_os(exc: BaseException, settings: FetchSettings) -> tuple[Outcome, str]:
    for link in _chain(exc):
        if isinstance(link, AddressRefusedError):
            return Outcome.ADDRESS_REFUSED, str(link)
        if isinstance(link, socket.gaierror):
            return Outcome.DNS_ERROR, f"cannot resolve host: {link}"
        if isinstance(link, ssl.SSLError):
            return Outcome.TLS_ERROR, f"TLS error: {_reason(link)}"
    if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
        return Outcome.TIMEOUT, f"connect timeout after {settings.connect_timeout_s} s"
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return Outcome.TIMEOUT, f"read timeout after {settings.attempt_timeout_s} s"
    if isinstance(exc, httpx.ConnectError | httpx.ProxyError | ConnectionRefusedError):
        return Outcome.CONNECT_ERROR, f"cannot connect: {_reason(exc)}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return Outcome.NETWORK_ERROR, f"broken HTTP response: {_reason(exc)}"
    if isinstance(exc, httpx.DecodingError):
        return Outcome.NETWORK_ERROR, f"undecodable content encoding: {_reason(exc)}"
    if isinstance(exc, OSError) and exc.errno is not None and _is_unreachable(exc):
        return Outcome.CONNECT_ERROR, f"cannot connect: {_reason(exc)}"
    return Outcome.NETWORK_ERROR, f"connection failed ({type(exc).__name__}): {_reason(exc)}"


def _is_unreachable(exc: OSError) -> bool:
    return exc.errno in {errno.ECONNREFUSED, errno.EHOSTUNREACH, errno.ENETUNREACH}


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        yield link
        link = link.__cause__ or link.__context__


def _reason(exc: BaseException | None) -> str:
    if exc is None:
        return "unknown reason"
    text = str(exc).strip()
    return text or type(exc).__name__

"""IPv6 checks of homepages (IPv6升级改造): an AAAA record, then the homepage over IPv6.

For each site: look up the AAAA record of the homepage's host with dnspython's asynchronous
resolver (the system's name servers, or those given in ``Ipv6Settings``); then fetch the
homepage with the ``Fetcher`` over an aiohttp connector whose resolver answers every name
with its AAAA addresses only. The URL is left as it is, so the ``Host`` header, TLS SNI and
the certificate check all use the site's name, while the connection goes to the IPv6
address; a redirect to another host is followed over IPv6 as well (its AAAA looked up the
same way). robots.txt is honoured as the crawl honours it, fetched over IPv6 too.

What a check ends in (``rules.ipv6.Ipv6Outcome``):

- ``no_aaaa``: the name server answered NOERROR without AAAA, or NXDOMAIN;
- ``dns_failed``: the lookup failed on our side (timeout, SERVFAIL, no name server);
- ``no_local_route``: this machine has no route to the IPv6 address (no IPv6 here), checked
  before connecting; the site is not to blame;
- ``fetch_failed``: the homepage did not load over IPv6 (refused, timed out, reset, TLS
  failure, an HTTP error status, a redirect loop, a redirect to a host without AAAA) but it
  did load over IPv4 (its A record looked up at the same name servers, the fetch over an
  IPv4-only connector): the site has not made IPv6 work;
- ``unreachable``: the homepage loaded over neither: the site is down, which the
  availability probes judge; no IPv6 finding;
- ``blocked``: an anti-bot page, or robots.txt refused the homepage: cannot tell;
- ``ok``: the homepage answered over IPv6 (a page too large or not HTML still answered);
- ``not_checked``: the homepage is addressed by an IPv4 literal or ``localhost`` (the demo
  fleet on 127.0.0.1), so there is no name to look up. An IPv6 literal is fetched as is.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import logging
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import aiohttp
import dns.asyncresolver
import dns.exception
import dns.name
import dns.nameserver
import dns.resolver
import httpx
from aiohttp.abc import AbstractResolver, ResolveResult
from httpx_aiohttp import AiohttpTransport
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from crawler.config import open_database
from crawler.fetch import FetchConfigError, Fetcher, FetchResult, FetchSettings
from crawler.fetch.transport import MAX_HEADER_BYTES
from rules.ipv6 import Ipv6Check, Ipv6Outcome
from rules.model import Outcome, Site, utc_now
from storage.ipv6 import record_ipv6_checks
from storage.probes import register_sites
from storage.retry import in_transaction

__all__ = [
    "DnsLookup",
    "Ipv6Settings",
    "check_ipv6",
    "check_round",
    "check_sites_ipv6",
    "lookup_aaaa",
    "lookup_addresses",
    "parse_nameserver",
]

logger = logging.getLogger(__name__)

_ANSWERED = frozenset({Outcome.OK, Outcome.NOT_MODIFIED, Outcome.TOO_LARGE, Outcome.NOT_HTML})
_CANNOT_TELL = frozenset({Outcome.BLOCKED, Outcome.ROBOTS_DISALLOWED, Outcome.ADDRESS_REFUSED})
MAX_SITES_AT_ONCE = 16  # sites checked at once: bounds the DNS queries in flight
_NO_ROUTE_ERRNOS = frozenset({errno.ENETUNREACH, errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT})


def _default_fetch() -> FetchSettings:
    return FetchSettings(timeout_s=30.0, attempt_timeout_s=15.0, retry_attempts=2)


@dataclass(frozen=True, slots=True, kw_only=True)
class Ipv6Settings:
    """Where names are looked up and how the homepage is fetched over IPv6.

    ``nameservers`` are ``(address, port)`` pairs; empty: the system's (/etc/resolv.conf).
    ``dns_timeout_s`` bounds one lookup, all servers and retries included.
    """

    nameservers: tuple[tuple[str, int], ...] = ()
    dns_timeout_s: float = 5.0
    fetch: FetchSettings = field(default_factory=_default_fetch)

    def __post_init__(self) -> None:
        if not self.dns_timeout_s > 0:
            raise FetchConfigError(
                what="IPv6 setting dns_timeout_s",
                value=self.dns_timeout_s,
                problem="is not positive",
                hint="use a number of seconds above 0",
            )


def parse_nameserver(text: str) -> tuple[str, int]:
    """``ADDR``, ``ADDR:PORT`` or ``[IPV6]:PORT`` → (address, port); ValueError otherwise."""
    value = text.strip()
    port = 53
    if value.startswith("["):
        address, _, rest = value[1:].partition("]")
        if rest:
            if not rest.startswith(":"):
                raise ValueError(f"{text!r}: expected [IPV6]:PORT")
            port = _port(rest[1:], text)
    elif value.count(":") == 1:
        address, port_text = value.split(":")
        port = _port(port_text, text)
    else:
        address = value
    try:
        ipaddress.ip_address(address)
    except ValueError:
        raise ValueError(
            f"{text!r} is not an IP address — give ADDR, ADDR:PORT or [IPV6]:PORT"
        ) from None
    return address, port


def _port(text: str, whole: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"{whole!r}: the port must be a number from 1 to 65535")
    return int(text)


# --- the AAAA lookup ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class DnsLookup:
    """The answer to one AAAA lookup: addresses, or why there are none."""

    addresses: tuple[str, ...] = ()
    aaaa: bool | None  # None: the lookup failed on our side
    detail: str


def _resolver(settings: Ipv6Settings) -> dns.asyncresolver.Resolver:
    if settings.nameservers:
        resolver = dns.asyncresolver.Resolver(configure=False)
        resolver.nameservers = [
            dns.nameserver.Do53Nameserver(address, port) for address, port in settings.nameservers
        ]
    else:
        try:
            resolver = dns.asyncresolver.Resolver()
        except (dns.resolver.NoResolverConfiguration, OSError) as exc:
            raise FetchConfigError(
                what="name servers",
                value="system configuration",
                problem=f"cannot be read ({exc})",
                hint="give one with --nameserver ADDR[:PORT]",
            ) from exc
    resolver.timeout = settings.dns_timeout_s
    resolver.lifetime = settings.dns_timeout_s
    resolver.cache = dns.resolver.Cache()
    return resolver


async def lookup_aaaa(resolver: dns.asyncresolver.Resolver, host: str) -> DnsLookup:
    """The AAAA addresses of ``host`` (following CNAMEs), never raising for DNS failures."""
    return await lookup_addresses(resolver, host, "AAAA")


async def lookup_addresses(
    resolver: dns.asyncresolver.Resolver, host: str, rdtype: str
) -> DnsLookup:
    """The ``rdtype`` (AAAA or A) addresses of ``host``; ``aaaa`` tells whether any exist."""
    try:
        name = dns.name.from_text(host)
        answer = await resolver.resolve(name, rdtype, search=False)
    except dns.resolver.NXDOMAIN:
        return DnsLookup(aaaa=False, detail=f"{host}: NXDOMAIN (no such name)")
    except dns.resolver.NoAnswer:
        return DnsLookup(aaaa=False, detail=f"{host}: no {rdtype} record (NOERROR, empty answer)")
    except dns.resolver.LifetimeTimeout:
        return DnsLookup(aaaa=None, detail=f"{host}: {rdtype} lookup timed out (our side)")
    except dns.resolver.NoNameservers as exc:
        return DnsLookup(aaaa=None, detail=f"{host}: no name server answered ({exc})")
    except dns.exception.DNSException as exc:
        return DnsLookup(aaaa=None, detail=f"{host}: {rdtype} lookup failed ({exc})")
    addresses = tuple(dict.fromkeys(rdata.address for rdata in answer))
    if not addresses:
        return DnsLookup(aaaa=False, detail=f"{host}: no {rdtype} record")
    return DnsLookup(addresses=addresses, aaaa=True, detail=f"{rdtype} {', '.join(addresses)}")


class _FamilyResolver(AbstractResolver):
    """aiohttp's resolver for a fetch over one address family: every name → its AAAA (or A)
    addresses only, looked up with ``lookup``."""

    def __init__(
        self, lookup: Callable[[str], Awaitable[DnsLookup]], family: socket.AddressFamily
    ) -> None:
        self._lookup = lookup
        self._family = family
        self.known: dict[str, tuple[str, ...]] = {}
        self.failed: set[str] = set()  # hosts whose lookup failed on our side

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        addresses = self.known.get(host.lower())
        if addresses is None:
            found = await self._lookup(host)
            if not found.addresses:
                if found.aaaa is None:
                    self.failed.add(host.lower())
                # aiohttp reports a gaierror as a DNS failure (crawler.fetch.transport)
                raise socket.gaierror(socket.EAI_NONAME, found.detail)
            addresses = self.known[host.lower()] = found.addresses
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=self._family,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in addresses
        ]

    async def close(self) -> None:
        return None


def _family_transport(
    settings: FetchSettings, resolver: AbstractResolver, family: socket.AddressFamily
) -> httpx.AsyncBaseTransport:
    """Like ``crawler.fetch.transport.build_transport``, connecting over ``family`` only."""
    ssl_context = httpx.create_ssl_context(verify=settings.verify_tls, trust_env=False)
    connector = aiohttp.TCPConnector(
        limit=settings.max_concurrency,
        limit_per_host=0,
        ssl=ssl_context,
        resolver=resolver,
        family=family,
        use_dns_cache=False,
    )
    session = aiohttp.ClientSession(
        connector=connector,
        cookie_jar=aiohttp.DummyCookieJar(),
        trust_env=False,
        max_line_size=MAX_HEADER_BYTES,
        max_field_size=MAX_HEADER_BYTES,
    )
    return AiohttpTransport(client=session, verify=settings.verify_tls, trust_env=False)


# --- one check ---------------------------------------------------------------------------


def _host_of(url: str) -> tuple[str, ipaddress.IPv4Address | ipaddress.IPv6Address | None]:
    host = httpx.URL(url).host
    try:
        return host, ipaddress.ip_address(host)
    except ValueError:
        return host, None


def _no_route(addresses: Sequence[str]) -> str | None:
    """Why this machine cannot reach any of ``addresses`` over IPv6, or None if it can.

    A UDP ``connect`` only looks up the route: nothing is sent.
    """
    if not socket.has_ipv6:
        return "this Python has no IPv6 support"
    reasons = []
    for address in addresses:
        try:
            with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as sock:
                sock.connect((address, 80))
            return None
        except OSError as exc:
            if exc.errno not in _NO_ROUTE_ERRNOS:
                return None  # not a routing problem: let the fetch tell
            reasons.append(f"{address}: {exc.strerror or exc}")
    return "no IPv6 route from this machine (" + "; ".join(reasons) + ")"


def _described(family: str, result: FetchResult) -> str:
    what = f"GET over {family}: {result.outcome.value}"
    if result.status is not None:
        what += f" (HTTP {result.status})"
    if result.detail:
        what += f", {result.detail}"
    return what


def _fetched(result: FetchResult) -> Ipv6Outcome:
    if result.outcome in _ANSWERED:
        return Ipv6Outcome.OK
    if result.outcome in _CANNOT_TELL:
        return Ipv6Outcome.BLOCKED
    return Ipv6Outcome.FETCH_FAILED


async def check_ipv6(
    site: Site,
    *,
    fetcher: Fetcher,
    lookup: Callable[[str], Awaitable[DnsLookup]],
    known: dict[str, tuple[str, ...]],
    fetcher_v4: Fetcher | None = None,
    failed_lookups: set[str] | None = None,
) -> Ipv6Check:
    """Check one site: AAAA of the homepage's host, then the homepage over IPv6; when that
    fails, the homepage over IPv4 with ``fetcher_v4``, to tell a site without working IPv6
    (``fetch_failed``) from a site that is down (``unreachable``). Without ``fetcher_v4`` a
    failure over IPv6 is ``fetch_failed``.

    ``fetcher`` must connect over IPv6 only, through a resolver reading ``known`` and adding
    to ``failed_lookups`` the hosts whose lookup failed on our side (a redirect's target):
    such a failure is ``dns_failed``, never the site's. ``fetcher_v4`` connects over IPv4
    only (``check_sites_ipv6`` builds them).
    """
    checked_at = fetcher.now()
    url = site.homepage
    host, literal = _host_of(url)

    def check(
        outcome: Ipv6Outcome,
        detail: str,
        *,
        addresses: tuple[str, ...] = (),
        aaaa: bool | None = None,
        status: int | None = None,
    ) -> Ipv6Check:
        return Ipv6Check(
            site_id=site.id,
            url=url,
            host=host,
            checked_at=checked_at,
            addresses=addresses,
            aaaa=aaaa,
            outcome=outcome,
            status=status,
            detail=detail,
        )

    if isinstance(literal, ipaddress.IPv4Address) or host.lower() == "localhost":
        return check(
            Ipv6Outcome.NOT_CHECKED,
            f"the homepage is addressed as {host}, not by a domain name: no AAAA to look up",
        )
    if isinstance(literal, ipaddress.IPv6Address):
        addresses: tuple[str, ...] = (str(literal),)
        aaaa: bool | None = None
        seen = f"the homepage is addressed by the IPv6 literal {literal}"
    else:
        found = await lookup(host)
        if found.aaaa is None:
            return check(Ipv6Outcome.DNS_FAILED, found.detail)
        if not found.aaaa:
            return check(Ipv6Outcome.NO_AAAA, found.detail, aaaa=False)
        addresses, aaaa, seen = found.addresses, True, found.detail
        known[host.lower()] = addresses
    no_route = await asyncio.to_thread(_no_route, addresses)
    if no_route is not None:
        return check(
            Ipv6Outcome.NO_LOCAL_ROUTE, f"{seen}; {no_route}", addresses=addresses, aaaa=aaaa
        )
    result = await fetcher.fetch(url, respect_robots=site.respect_robots)
    outcome = _fetched(result)
    detail = f"{seen}; {_described('IPv6', result)}"
    if result.outcome is Outcome.DNS_ERROR and failed_lookups:
        outcome = Ipv6Outcome.DNS_FAILED  # a redirect's host: its lookup failed on our side
    if outcome is Ipv6Outcome.FETCH_FAILED:
        if literal is not None:
            outcome = Ipv6Outcome.UNREACHABLE  # an IPv6-only address: the site is down
        elif fetcher_v4 is not None:
            over_v4 = await fetcher_v4.fetch(url, respect_robots=site.respect_robots)
            detail += f"; {_described('IPv4', over_v4)}"
            if over_v4.outcome not in _ANSWERED and over_v4.outcome is not Outcome.BLOCKED:
                outcome = Ipv6Outcome.UNREACHABLE
    return check(outcome, detail, addresses=addresses, aaaa=aaaa, status=result.status)


async def check_sites_ipv6(
    sites: Sequence[Site],
    *,
    settings: Ipv6Settings,
    engine: AsyncEngine | None = None,
    now: datetime | None = None,
) -> list[Ipv6Check]:
    """Check each site once, in the order given; store the checks when ``engine`` is given
    (sites not yet in storage are registered with ``now``)."""
    if not sites:
        return []
    resolver = _resolver(settings)

    async def lookup(host: str) -> DnsLookup:
        return await lookup_addresses(resolver, host, "AAAA")

    async def lookup_v4(host: str) -> DnsLookup:
        return await lookup_addresses(resolver, host, "A")

    gate = asyncio.Semaphore(MAX_SITES_AT_ONCE)
    v6_resolver = _FamilyResolver(lookup, socket.AF_INET6)
    v4_resolver = _FamilyResolver(lookup_v4, socket.AF_INET)
    v6_transport = _family_transport(settings.fetch, v6_resolver, socket.AF_INET6)
    v4_transport = _family_transport(settings.fetch, v4_resolver, socket.AF_INET)
    async with (
        Fetcher(settings.fetch, transport=v6_transport) as fetcher,
        Fetcher(settings.fetch, transport=v4_transport) as fetcher_v4,
    ):

        async def one(site: Site) -> Ipv6Check:
            async with gate:
                result = await check_ipv6(
                    site,
                    fetcher=fetcher,
                    lookup=lookup,
                    known=v6_resolver.known,
                    fetcher_v4=fetcher_v4,
                    failed_lookups=v6_resolver.failed,
                )
            logger.info(
                "ipv6 %s %s outcome=%s addresses=%s status=%s",
                site.id,
                result.host,
                result.outcome.value,
                ",".join(result.addresses) or "-",
                result.status,
            )
            return result

        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(one(site)) for site in sites]
    results = [task.result() for task in tasks]
    if engine is not None:
        sessions = async_sessionmaker(engine, expire_on_commit=False)

        async def store(session: AsyncSession) -> None:
            await register_sites(session, sites, now=now or utc_now())
            await record_ipv6_checks(session, results)

        await in_transaction(sessions, store, what="storing the IPv6 checks")
    return results


async def check_round(
    sites: Sequence[Site], *, db: str | None, settings: Ipv6Settings
) -> tuple[datetime, list[Ipv6Check]]:
    """Check each site once now and store the checks in ``db``; return when the round started
    and the checks, in the order given."""
    started = utc_now()
    engine = await open_database(db)
    try:
        checks = await check_sites_ipv6(sites, settings=settings, engine=engine, now=started)
    finally:
        await engine.dispose()
    return started, checks

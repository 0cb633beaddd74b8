"""The address policy every outbound request passes (DESIGN.md decision 12).

A public website that redirects or links to ``http://10.0.0.1/admin/`` or
``http://169.254.169.254/latest/meta-data/`` must not make the crawler read an internal host
and store what it says. Loopback, private (RFC 1918, fc00::/7), link-local, CGNAT,
multicast, unspecified, reserved and cloud-metadata addresses are therefore refused unless

- the host is one the targets file names (an office inspecting an intranet site names it),
- or an allowed range (``allow_addresses:`` in the targets file) contains the address,
- or, when the policy ``trusts_requested_host``, the host is the one the caller asked for
  (``crawl extract URL``: the person typed it). Redirect hops to other hosts are still
  checked.

The check runs on the addresses a host RESOLVED to, at connect time (``transport``), so a
name that resolves to an internal address (DNS rebinding) is refused like the address
itself; the fetcher also checks IP-literal URLs before sending each hop (``client``).
IPv4-mapped and 6to4/NAT64-embedded IPv4 addresses are judged as the IPv4 they carry.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from urllib.parse import urlsplit

from crawler.fetch.errors import FetchConfigError

__all__ = [
    "AddressPolicy",
    "AddressRefusedError",
    "IPNetwork",
    "address_kind",
    "host_of",
    "normal_host",
    "parse_address",
    "parse_networks",
    "requested_host",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_METADATA = frozenset(
    {
        ipaddress.ip_address("169.254.169.254"),  # AWS, GCP, Azure, OpenStack, Alibaba Cloud
        ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
        ipaddress.ip_address("fd00:ec2::254"),  # AWS over IPv6
    }
)
_NETWORKS: tuple[tuple[str, IPNetwork], ...] = tuple(
    (kind, ipaddress.ip_network(cidr))
    for kind, cidr in (
        ("unspecified", "0.0.0.0/8"),
        ("loopback", "127.0.0.0/8"),
        ("private", "10.0.0.0/8"),
        ("private", "172.16.0.0/12"),
        ("private", "192.168.0.0/16"),
        ("CGNAT", "100.64.0.0/10"),
        ("link-local", "169.254.0.0/16"),
        ("reserved", "192.0.0.0/24"),  # IETF protocol assignments
        ("reserved", "198.18.0.0/15"),  # benchmarking
        ("multicast", "224.0.0.0/4"),
        ("reserved", "240.0.0.0/4"),  # incl. 255.255.255.255
        ("unspecified", "::/128"),
        ("loopback", "::1/128"),
        ("private", "fc00::/7"),
        ("link-local", "fe80::/10"),
        ("private", "fec0::/10"),  # deprecated site-local
        ("multicast", "ff00::/8"),
    )
)

_NAT64 = ipaddress.ip_network("64:ff9b::/96")

# The host the current fetch was asked for (see ``AddressPolicy.trusts_requested_host``); set
# by the fetcher for one fetch, read by the connector in the same task.
requested_host: ContextVar[str | None] = ContextVar("requested_host", default=None)


class AddressRefusedError(OSError):
    """A connection to an internal address the policy does not allow (becomes an outcome)."""

    def __init__(self, *, host: str, address: str, kind: str) -> None:
        self.host = host
        self.address = address
        self.kind = kind
        where = host if host == address else f"{host} ({address})"
        super().__init__(
            f"{where} is a {kind} address: refused — name the host in the targets file or "
            "list its range under allow_addresses"
        )


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if int(address) >> 32 == 0 and int(address) > 1:  # deprecated IPv4-compatible ::a.b.c.d
        return ipaddress.IPv4Address(int(address))
    return None


def parse_address(text: str) -> IPAddress | None:
    """The IP address ``text`` spells (brackets and a zone id allowed), or None for a name."""
    bare = text.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        return None


def address_kind(address: IPAddress) -> str | None:
    """Why ``address`` is internal ("loopback", "private", "metadata" …), or None if public."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return address_kind(embedded)
    if address in _METADATA:
        return "metadata"
    for kind, network in _NETWORKS:
        if address.version == network.version and address in network:
            return kind
    return None


def parse_networks(
    values: Iterable[str], *, where: str = "allow_addresses"
) -> tuple[IPNetwork, ...]:
    """CIDR ranges (or single addresses) from a list of strings; a ``FetchConfigError`` names
    the bad entry."""
    networks: list[IPNetwork] = []
    for index, value in enumerate(values):
        if not isinstance(value, str):
            raise FetchConfigError(
                what=f"{where}[{index}]",
                value=value,
                problem="is not a string",
                hint="write an address range like '10.20.0.0/16' or an address like '10.20.1.5'",
            )
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=True))
        except ValueError as exc:
            raise FetchConfigError(
                what=f"{where}[{index}]",
                value=value,
                problem=f"is not an address range ({exc})",
                hint="write CIDR like '10.20.0.0/16' (host bits zero) or one address",
            ) from exc
    return tuple(networks)


def host_of(url: str) -> str | None:
    """The normalised host of an http(s) URL, or None when it has none."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return normal_host(host) if host else None


def normal_host(host: str) -> str:
    """A host as policies compare it: lower case, no brackets, no trailing dot."""
    return host.strip("[]").rstrip(".").lower()


@dataclass(frozen=True, slots=True, kw_only=True)
class AddressPolicy:
    """Which internal addresses may be reached; public addresses always may.

    ``allowed_hosts``: host names or IP literals (no port) whose addresses are never refused.
    ``allowed_networks``: ranges whose addresses are never refused.
    ``trusts_requested_host``: the host each fetch was asked for is allowed too (code paths
    without a targets file); a targets-file crawl sets it False.
    """

    allowed_hosts: frozenset[str] = frozenset()
    allowed_networks: tuple[IPNetwork, ...] = ()
    trusts_requested_host: bool = True

    @classmethod
    def for_hosts(cls, hosts: Iterable[str], networks: Iterable[IPNetwork] = ()) -> AddressPolicy:
        """The strict policy of a targets file: its named hosts and ranges only."""
        return cls(
            allowed_hosts=frozenset(normal_host(h) for h in hosts if h),
            allowed_networks=tuple(networks),
            trusts_requested_host=False,
        )

    def refusal(self, host: str, address: str) -> AddressRefusedError | None:
        """The error to raise when ``host`` resolved to ``address`` may not be reached."""
        parsed = parse_address(address)
        if parsed is None:
            return None
        kind = address_kind(parsed)
        if kind is None:
            return None
        name = normal_host(host)
        if name in self.allowed_hosts:
            return None
        if self.trusts_requested_host and name == requested_host.get():
            return None
        checked = parsed
        if isinstance(parsed, ipaddress.IPv6Address) and (embedded := _embedded_ipv4(parsed)):
            checked = embedded
        for network in self.allowed_networks:
            if checked.version == network.version and checked in network:
                return None
            if parsed.version == network.version and parsed in network:
                return None
        return AddressRefusedError(host=name, address=str(parsed), kind=kind)

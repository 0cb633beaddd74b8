"""A stub DNS server for the demo fleet's names: no outside name server is ever asked.

The simulated quarter serves each site on 127.0.0.1 and ::1 at one port, behind the domain
its pages show (``DemoSite.domain``: www.jiyuan.gov.cn, jyty.jiyuan.gov.cn, …). This server
answers those names, over UDP on 127.0.0.1, with their A (127.0.0.1) and AAAA (::1) records;
every other name is NXDOMAIN. The IPv6 checks (``crawler.sites.ipv6``) are pointed at it, so
they look the names up and fetch each homepage over IPv6 as they do for a real site.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import cast

import dns.flags
import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

__all__ = ["StubNameServer", "start_name_server"]

logger = logging.getLogger(__name__)

IPV4_LOOPBACK = "127.0.0.1"
IPV6_LOOPBACK = "::1"
TTL_S = 60


class StubNameServer(asyncio.DatagramProtocol):
    """Answers A and AAAA queries for ``names`` with the loopback addresses."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = frozenset(name.lower().rstrip(".") for name in names)
        self.transport: asyncio.DatagramTransport | None = None

    @property
    def address(self) -> tuple[str, int]:
        """(address, port) to give as a name server."""
        assert self.transport is not None, "the name server is not started"
        host, port = self.transport.get_extra_info("sockname")[:2]
        return host, port

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # a datagram endpoint's transport (which on Python 3.11 does not subclass
        # asyncio.DatagramTransport, though it is one)
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | object, int]) -> None:
        try:
            answer = self.answer(data)
        except Exception:  # a malformed query gets no reply, as from a real server
            logger.debug("stub DNS: malformed query from %s", addr, exc_info=True)
            return
        if self.transport is not None:
            self.transport.sendto(answer, addr)

    def answer(self, wire: bytes) -> bytes:
        query = dns.message.from_wire(wire)
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        question = query.question[0]
        name = question.name.to_text(omit_final_dot=True).lower()
        if name not in self.names:
            response.set_rcode(dns.rcode.NXDOMAIN)
            return response.to_wire()
        address = {dns.rdatatype.A: IPV4_LOOPBACK, dns.rdatatype.AAAA: IPV6_LOOPBACK}.get(
            question.rdtype
        )
        if address is not None:  # another type of a known name: NOERROR, no answer
            response.answer.append(
                dns.rrset.from_text_list(
                    question.name, TTL_S, dns.rdataclass.IN, question.rdtype, [address]
                )
            )
        return response.to_wire()

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


async def start_name_server(names: Iterable[str]) -> StubNameServer:
    """Serve ``names`` on 127.0.0.1 (a port the system picks) in the running loop."""
    loop = asyncio.get_running_loop()
    _, server = await loop.create_datagram_endpoint(
        lambda: StubNameServer(names), local_addr=(IPV4_LOOPBACK, 0)
    )
    return server

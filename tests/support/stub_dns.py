"""A tiny DNS server on 127.0.0.1 (UDP) for the IPv6 tests: no outside DNS is ever asked.

Names in ``aaaa`` get their AAAA addresses and names in ``a`` their A addresses (a name in
either exists: a type it lacks is NOERROR with an empty answer); names in ``no_answer`` exist
without any address; names in ``servfail`` get SERVFAIL; names in ``silent`` get no
reply at all (the resolver times out); every other name is NXDOMAIN. It runs in a thread, so
that sync CLI tests (which start their own event loop) and async tests can share it.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import dns.flags
import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset


@dataclass
class StubDns:
    port: int = 0
    aaaa: dict[str, list[str]] = field(default_factory=dict)  # name → AAAA addresses
    a: dict[str, list[str]] = field(default_factory=dict)  # name → A addresses
    no_answer: set[str] = field(default_factory=set)
    servfail: set[str] = field(default_factory=set)
    silent: set[str] = field(default_factory=set)
    queries: list[tuple[str, str]] = field(default_factory=list)  # (name, type)

    @property
    def nameserver(self) -> str:
        """The ``--nameserver`` value of this server."""
        return f"127.0.0.1:{self.port}"

    def reply(self, wire: bytes) -> bytes | None:
        query = dns.message.from_wire(wire)
        question = query.question[0]
        name = question.name.to_text(omit_final_dot=True).lower()
        self.queries.append((name, dns.rdatatype.to_text(question.rdtype)))
        if name in self.silent:
            return None
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        if name in self.servfail:
            response.set_rcode(dns.rcode.SERVFAIL)
        elif name in self.aaaa or name in self.a:
            kind = dns.rdatatype.to_text(question.rdtype)
            addresses = {"AAAA": self.aaaa, "A": self.a}.get(kind, {}).get(name)
            if addresses:
                response.answer.append(
                    dns.rrset.from_text_list(
                        question.name, 60, dns.rdataclass.IN, question.rdtype, addresses
                    )
                )
        elif name not in self.no_answer:
            response.set_rcode(dns.rcode.NXDOMAIN)
        return response.to_wire()


@contextmanager
def serve_stub_dns(**answers: object) -> Iterator[StubDns]:
    """Serve a ``StubDns`` (keyword arguments: its fields) until the block ends."""
    stub = StubDns(**answers)  # type: ignore[arg-type]
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.05)
    stub.port = sock.getsockname()[1]
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                wire, peer = sock.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                answer = stub.reply(wire)
            except Exception:  # a malformed query gets no reply
                continue
            if answer is not None:
                sock.sendto(answer, peer)

    thread = threading.Thread(target=serve, name="stub-dns", daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        stop.set()
        thread.join()
        sock.close()

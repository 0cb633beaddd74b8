"""The servers of the IPv6 tests: a dual-stack homepage server (::1 and 127.0.0.1 on one
port), an IPv4-only one, a stub DNS server on 127.0.0.1, and a port with nothing listening on
either family. The database engines come from the parent conftest."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from tests.support.stub_dns import StubDns, serve_stub_dns

HOMEPAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>某某市人民政府</title></head>"
    "<body><ul><li><a href='/a/1.html'>市政府常务会议召开</a><span>2024-06-01</span></li>"
    "</ul></body></html>"
)
ROBOTS = "User-agent: *\nDisallow: /private/\n"

if not socket.has_ipv6:  # pragma: no cover - every CI machine has ::1
    pytest.skip("no IPv6 support in this Python", allow_module_level=True)


@dataclass
class Served:
    """A homepage server: its port and every request (path, Host header, family)."""

    port: int = 0
    hits: list[tuple[str, str, str]] = field(default_factory=list)

    def url(self, host: str, path: str = "/") -> str:
        return f"http://{host}:{self.port}{path}"

    def paths(self, family: str) -> list[tuple[str, str]]:
        return [(path, host) for path, host, fam in self.hits if fam == family]


class _V4HTTPServer(ThreadingHTTPServer):
    daemon_threads = True


class _V6HTTPServer(ThreadingHTTPServer):
    address_family = socket.AF_INET6
    daemon_threads = True


def _handler(state: Served) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        """``/`` a homepage, ``/down`` 503, ``/v6down`` 503 over IPv6 only, ``/private/``
        disallowed by robots.txt, ``/to/NAME`` a redirect to ``http://NAME:PORT/``."""

        server_version: ClassVar[str] = "stub"

        def do_GET(self) -> None:
            family = "IPv6" if self.server.address_family == socket.AF_INET6 else "IPv4"
            state.hits.append((self.path, self.headers.get("Host", ""), family))
            path = self.path.split("?")[0]
            if path == "/robots.txt":
                self._send(200, ROBOTS)
            elif path.startswith("/to/"):  # /to/NAME redirects to NAME's homepage, same port
                self.send_response(302)
                self.send_header("Location", f"http://{path[4:]}:{state.port}/")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif path == "/down" or (path == "/v6down" and family == "IPv6"):
                self._send(503, "<html><body><h1>503</h1></body></html>")
            elif path in ("/", "/private/", "/v6down"):
                self._send(200, HOMEPAGE)
            else:
                self._send(404, "<html><body>404</body></html>")

        def _send(self, status: int, text: str) -> None:
            body = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler


@contextmanager
def _serving(servers: list[ThreadingHTTPServer]) -> Iterator[None]:
    threads = [threading.Thread(target=s.serve_forever, args=(0.05,), daemon=True) for s in servers]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
        for thread in threads:
            thread.join()


def _free_on(family: socket.AddressFamily, host: str, port: int) -> bool:
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


@pytest.fixture
def v6server() -> Iterator[Served]:
    """The homepage server on [::1] and 127.0.0.1, one port."""
    state = Served()
    handler = _handler(state)
    for _ in range(20):
        v6 = _V6HTTPServer(("::1", 0), handler)
        port = v6.server_address[1]
        try:
            v4 = _V4HTTPServer(("127.0.0.1", port), handler)
        except OSError:
            v6.server_close()
            continue
        break
    else:  # pragma: no cover
        pytest.fail("no port free on both ::1 and 127.0.0.1")
    state.port = port
    with _serving([v6, v4]):
        yield state


@pytest.fixture
def v4server() -> Iterator[Served]:
    """The homepage server on 127.0.0.1 only; nothing listens on [::1] at its port."""
    state = Served()
    for _ in range(20):
        v4 = _V4HTTPServer(("127.0.0.1", 0), _handler(state))
        if _free_on(socket.AF_INET6, "::1", v4.server_address[1]):
            break
        v4.server_close()
    else:  # pragma: no cover
        pytest.fail("no IPv4 port with its ::1 twin free")
    state.port = v4.server_address[1]
    with _serving([v4]):
        yield state


@pytest.fixture
def stub_dns() -> Iterator[StubDns]:
    """ok.gov.test and down.gov.test: AAAA ::1 and A 127.0.0.1; v6only.gov.test: AAAA only;
    v4only.gov.test: A only; broken.gov.test SERVFAIL; slow.gov.test never answered;
    anything else NXDOMAIN."""
    with serve_stub_dns(
        aaaa={"ok.gov.test": ["::1"], "down.gov.test": ["::1"], "v6only.gov.test": ["::1"]},
        a={
            "ok.gov.test": ["127.0.0.1"],
            "down.gov.test": ["127.0.0.1"],
            "v4only.gov.test": ["127.0.0.1"],
        },
        servfail={"broken.gov.test"},
        silent={"slow.gov.test"},
    ) as stub:
        yield stub


@pytest.fixture
def closed_port() -> int:
    """A port with nothing listening on ::1 nor on 127.0.0.1."""
    for _ in range(20):
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
            sock.bind(("::1", 0))
            port: int = sock.getsockname()[1]
        if _free_on(socket.AF_INET, "127.0.0.1", port):
            return port
    pytest.fail("no port free on both families")  # pragma: no cover

"""A loopback homepage server for the probe tests. It runs in a thread, so that sync CLI tests
(which start their own event loop) and async tests share it.

Routes: ``/`` a healthy homepage, ``/slow`` answers only when the test ends (later than any
probe limit), ``/down`` 503, ``/waf`` a 412 challenge page, ``/private/`` a homepage that
robots.txt disallows.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

from rules.model import Site
from tests.support.loopsite import CHALLENGE

HOMEPAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>某某市人民政府</title></head>"
    "<body><ul><li><a href='/a/1.html'>市政府常务会议召开</a><span>2024-06-01</span></li>"
    "</ul></body></html>"
)
DOWN = "<html><body><h1>503 Service Unavailable</h1><p>nginx</p></body></html>"
ROBOTS = "User-agent: *\nDisallow: /private/\n"
SLOW_RELEASE_S = 10.0  # the longest /slow waits if a test never releases it


@dataclass
class Homepages:
    base: str = ""
    release: threading.Event = field(default_factory=threading.Event)
    hits: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path

    def site(self, site_id: str, path: str, *, respect_robots: bool = True) -> Site:
        return Site(
            id=site_id,
            name=f"{site_id} 人民政府",
            homepage=self.url(path),
            respect_robots=respect_robots,
        )


class _Handler(BaseHTTPRequestHandler):
    state: ClassVar[Homepages]

    def do_GET(self) -> None:
        self.state.hits.append(self.path)
        if self.path == "/robots.txt":
            self._answer(200, ROBOTS, "text/plain")
        elif self.path in ("/", "/private/"):
            self._answer(200, HOMEPAGE)
        elif self.path == "/slow":
            self.state.release.wait(SLOW_RELEASE_S)
            self._answer(200, HOMEPAGE)
        elif self.path == "/down":
            self._answer(503, DOWN)
        elif self.path == "/waf":
            self._answer(412, CHALLENGE)
        else:
            self._answer(404, "<html><body>not found</body></html>")

    def _answer(self, status: int, body: str, content_type: str = "text/html") -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests read ``hits`` instead."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up on /slow closed its socket: expected, not an error."""


@contextmanager
def serve_homepages() -> Iterator[Homepages]:
    """Serve the routes on a free loopback port for the duration of the block."""
    state = Homepages()
    server = _Server(("127.0.0.1", 0), type("Handler", (_Handler,), {"state": state}))
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="homepages", daemon=True
    )
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()
        thread.join()

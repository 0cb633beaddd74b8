"""Redirect hops followed by us, so that cycles and overlong chains are ours to name.

httpx (and the aiohttp transport, which passes ``allow_redirects=False``) would follow a
cycle until its cap and report only "too many redirects". We follow ``next_request`` hop by
hop. A cycle is a URL revisited with the same cookies: a WAF that sets a cookie and sends
the browser back to the page it came from is not a loop.

Each hop is built anew (``redirect_request``): httpx's ``next_request`` carries the first
request's (empty) body stream, which the aiohttp transport sends as ``Transfer-Encoding:
chunked`` with ``Content-Type: application/octet-stream`` — strict servers and WAFs reject
that — and it drops the caller's Cookie header even on the same host while keeping the
caller's other headers on a cross-host hop.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

from crawler.fetch.addresses import normal_host

_ALLOWED_SCHEMES = ("http", "https")


@dataclass(slots=True)
class RedirectTrail:
    max_redirects: int
    urls: list[str] = field(default_factory=list)
    _seen: set[tuple[str, str | None]] = field(default_factory=set)

    def start(self, url: str, cookie: str | None) -> None:
        self.urls.append(url)
        self._seen.add((url, cookie))

    def follow(self, url: str, scheme: str, cookie: str | None) -> str | None:
        """Record a hop to ``url``; return why it must not be followed, or None."""
        self.urls.append(url)
        if scheme not in _ALLOWED_SCHEMES:
            return f"redirect to a non-HTTP URL {url!r}"
        key = (url, cookie)
        if key in self._seen:
            return "redirect cycle: " + " → ".join(self.urls)
        self._seen.add(key)
        hops = len(self.urls) - 1
        if hops > self.max_redirects:
            return f"more than {self.max_redirects} redirects: " + " → ".join(self.urls)
        return None


def redirect_request(
    client: httpx.AsyncClient,
    request: httpx.Request,
    following: httpx.Request,
    own_headers: Mapping[str, str],
) -> httpx.Request:
    """The next hop as a plain request without a body: the caller's headers go along only
    while the hop stays on the same host (and does not downgrade https to http)."""
    same_host = normal_host(following.url.host) == normal_host(request.url.host) and not (
        request.url.scheme == "https" and following.url.scheme != "https"
    )
    method = following.method if following.method in ("GET", "HEAD") else "GET"
    return client.build_request(method, following.url, headers=own_headers if same_host else None)

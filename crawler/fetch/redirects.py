"""Redirect hops followed by us, so that cycles and overlong chains are ours to name.

httpx (and the aiohttp transport, which passes ``allow_redirects=False``) would follow a
cycle until its cap and report only "too many redirects". We follow ``next_request`` hop by
hop. A cycle is a URL revisited with the same cookies: a WAF that sets a cookie and sends
the browser back to the page it came from is not a loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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

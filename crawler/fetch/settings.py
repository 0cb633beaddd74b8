"""How the fetcher behaves: limits, timeouts, retries. Read once at the edge, passed down.

Time budget of one ``Fetcher.fetch`` call:

- ``attempt_timeout_s`` bounds one attempt: connect, headers, every redirect hop and the
  body. It is also the read timeout of a single socket read.
- ``timeout_s`` bounds the whole fetch: every attempt and the waits between them. The
  clock starts when the first request starts (queueing for a free slot does not count).
  A retry whose wait would not fit in what is left is not made: the last failure stands.
- ``connect_timeout_s`` bounds name resolution, TCP connect and the TLS handshake.

``addresses`` is the address policy (``crawler.fetch.addresses``): which internal addresses
may be reached. The default trusts only the host each fetch was asked for; a crawl of a
targets file replaces it with the file's named hosts and ``allow_addresses`` ranges.

``clock`` says when a fetch happens (``FetchResult.fetched_at``, and so every stored time
derived from it). It is the wall clock (``utc_now``) but for the demo's simulated quarter
(``crawler.demo.quarter``), which stamps its fetches with the simulated day. Waits and
timeouts always run on the event loop's own clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from crawler.fetch.addresses import AddressPolicy
from crawler.fetch.errors import FetchConfigError
from rules.model import utc_now

DEFAULT_USER_AGENT = "xunjian/0.1 (+government website inspection)"


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchSettings:
    user_agent: str = DEFAULT_USER_AGENT
    max_concurrency: int = 32  # global in-flight requests
    per_host_concurrency: int = 2  # in flight per host (scheme + host + port)
    per_host_delay_s: float = 0.5  # minimum gap between request starts to one host
    jitter_s: float = 0.25  # random extra (0..jitter_s) added to each per-host gap
    timeout_s: float = 60.0  # overall deadline of one fetch, all attempts and waits
    attempt_timeout_s: float = 20.0  # deadline of one attempt (all redirect hops, body)
    connect_timeout_s: float = 10.0
    max_body_bytes: int = 5_000_000
    max_redirects: int = 5
    retry_attempts: int = 3  # total attempts for transient failures (1 = never retry)
    retry_max_wait_s: float = 30.0  # cap on Retry-After and on the backoff
    retry_base_wait_s: float = 1.0  # first backoff step; 0 = retry without waiting
    verify_tls: bool = True
    addresses: AddressPolicy = field(default_factory=AddressPolicy)
    clock: Callable[[], datetime] = utc_now  # aware UTC "now" of each fetch (see above)

    def __post_init__(self) -> None:
        if not self.user_agent.strip():
            _invalid("user_agent", self.user_agent, "is empty", "give a product token")
        for name in ("max_concurrency", "per_host_concurrency", "max_body_bytes", "retry_attempts"):
            value = getattr(self, name)
            if value < 1:
                _invalid(name, value, "is below 1", "use a positive whole number")
        if self.max_redirects < 0:
            _invalid("max_redirects", self.max_redirects, "is negative", "use 0 or more")
        for name in ("timeout_s", "attempt_timeout_s", "connect_timeout_s"):
            value = getattr(self, name)
            if not value > 0:
                _invalid(name, value, "is not positive", "use a number of seconds above 0")
        for name in ("per_host_delay_s", "jitter_s", "retry_max_wait_s", "retry_base_wait_s"):
            value = getattr(self, name)
            if not value >= 0:
                _invalid(name, value, "is negative", "use 0 or more seconds")


def _invalid(name: str, value: object, problem: str, hint: str) -> None:
    raise FetchConfigError(what=f"fetch setting {name}", value=value, problem=problem, hint=hint)

"""Every outcome of Fetcher.fetch against the misbehaving loopback server, on both transports."""

from __future__ import annotations

import asyncio
import logging
import tracemalloc
from collections.abc import Callable
from datetime import UTC

import pytest
from fetch_server import GBK_HTML, LYING_HTML, MockServer

from crawler.fetch import FetchConfigError, Fetcher, FetcherClosedError
from rules.model import Outcome

FetcherFactory = Callable[..., Fetcher]  # the make_fetcher fixture


async def test_ok_page(server: MockServer, make_fetcher: FetcherFactory) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/page"))
    assert result.outcome is Outcome.OK
    assert result.status == 200
    assert result.attempts == 1
    assert result.encoding == "utf-8"
    assert result.text is not None
    assert "关于做好第1批政务公开工作的通知" in result.text
    assert result.body is not None
    assert result.bytes_read == len(result.body)
    assert result.final_url == server.url("/page")
    assert result.fetched_at.tzinfo is UTC
    assert result.detail is None


async def test_big_page_is_decoded_off_the_loop(
    server: MockServer, make_fetcher: FetcherFactory
) -> None:
    async with make_fetcher(max_body_bytes=2_000_000) as fetcher:
        result = await fetcher.fetch(server.url("/big-page"))
    assert result.outcome is Outcome.OK
    assert result.bytes_read > 256 * 1024
    assert result.text is not None
    assert result.text.endswith("</ul></body></html>")


async def test_sends_our_user_agent(server: MockServer, make_fetcher: FetcherFactory) -> None:
    async with make_fetcher(user_agent="xunjian-test/9.9") as fetcher:
        await fetcher.fetch(server.url("/headers"), respect_robots=False)
    assert server.seen_headers[-1]["User-Agent"] == "xunjian-test/9.9"


async def test_gbk_declared_gb2312(server: MockServer, make_fetcher: FetcherFactory) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/gbk"))
    assert result.outcome is Outcome.OK
    assert result.encoding == "gb18030"
    assert result.text == GBK_HTML


async def test_lying_charset_is_read_as_utf8(
    server: MockServer, make_fetcher: FetcherFactory
) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/lying-charset"))
    assert result.outcome is Outcome.OK
    assert result.encoding == "utf-8"
    assert result.text == LYING_HTML


async def test_gzip_body_is_decoded(server: MockServer, make_fetcher: FetcherFactory) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/gzip"))
    assert result.outcome is Outcome.OK
    assert result.text is not None
    assert result.text.startswith("<!DOCTYPE html>")


# waits out a fetch timeout
@pytest.mark.slow
async def test_slow_response_times_out(server: MockServer, make_fetcher: FetcherFactory) -> None:
    async with make_fetcher(retry_attempts=1) as fetcher:
        result = await fetcher.fetch(server.url("/slow"))
    assert result.outcome is Outcome.TIMEOUT
    assert result.status is None
    assert result.detail is not None
    assert "0.5 s" in result.detail


# waits out a fetch timeout
@pytest.mark.slow
async def test_slow_body_times_out_with_status(
    server: MockServer, make_fetcher: FetcherFactory
) -> None:
    async with make_fetcher(retry_attempts=1) as fetcher:
        result = await fetcher.fetch(server.url("/slow-body"))
    assert result.outcome is Outcome.TIMEOUT
    assert result.status == 200


# waits out fetch timeouts
@pytest.mark.slow
async def test_timeouts_are_retried(server: MockServer, make_fetcher: FetcherFactory) -> None:
    async with make_fetcher(retry_attempts=2, attempt_timeout_s=0.2) as fetcher:
        result = await fetcher.fetch(server.url("/slow"))
    assert result.outcome is Outcome.TIMEOUT
    assert result.attempts == 2
    assert server.hits["/slow"] == 2


# waits out the fetch deadline
@pytest.mark.slow
async def test_overall_deadline_bounds_the_retries(
    server: MockServer, make_fetcher: FetcherFactory
) -> None:
    async with make_fetcher(retry_attempts=5, attempt_timeout_s=0.3, timeout_s=0.5) as fetcher:
        result = await fetcher.fetch(server.url("/slow"))
    assert result.outcome is Outcome.TIMEOUT
    assert result.attempts == 2  # 0.3 s, then what is left of 0.5 s


async def test_flaky_503_then_ok(server: MockServer, make_fetcher: FetcherFactory) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/flaky"))
    assert result.outcome is Outcome.OK
    assert result.attempts == 2


async def test_429_is_retried_then_kept(server: MockServer, make_fetcher: FetcherFactory) -> None:
    async with make_fetcher(retry_attempts=3, retry_max_wait_s=0.01) as fetcher:
        result = await fetcher.fetch(server.url("/429"))
    assert result.outcome is Outcome.HTTP_ERROR
    assert result.status == 429
    assert result.attempts == 3
    assert result.body == b"slow down"


async def test_retry_after_longer_than_deadline_stops_retrying(
    server: MockServer, make_fetcher: FetcherFactory
) -> None:
    async with make_fetcher(retry_max_wait_s=30.0, timeout_s=0.5) as fetcher:
        result = await fetcher.fetch(server.url("/429"))
    assert result.outcome is Outcome.HTTP_ERROR
    assert result.attempts == 1  # Retry-After: 1 does not fit in the 0.5 s deadline


async def test_404_is_not_retried(server: MockServer, make_fetcher: FetcherFactory) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/404"))
    assert result.outcome is Outcome.HTTP_ERROR
    assert result.status == 404
    assert result.attempts == 1
    assert server.hits["/404"] == 1
    assert result.body is not None
    assert "页面不存在".encode() in result.body


async def test_redirect_loop(server: MockServer, make_fetcher: FetcherFactory) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/redirect-loop/a"))
    assert result.outcome is Outcome.REDIRECT_LOOP
    assert result.detail is not None
    assert result.detail.startswith("redirect cycle")
    assert server.hits["/redirect-loop/a"] == 1
    assert server.hits["/redirect-loop/b"] == 1


async def test_redirect_chain_within_cap(server: MockServer, make_fetcher: FetcherFactory) -> None:
    async with make_fetcher(max_redirects=5) as fetcher:
        result = await fetcher.fetch(server.url("/redirect-chain/5"))
    assert result.outcome is Outcome.OK
    assert result.final_url == server.url("/redirect-chain/0")
    assert result.url == server.url("/redirect-chain/5")


async def test_redirect_chain_over_cap(server: MockServer, make_fetcher: FetcherFactory) -> None:
    async with make_fetcher(max_redirects=5) as fetcher:
        result = await fetcher.fetch(server.url("/redirect-chain/6"))
    assert result.outcome is Outcome.REDIRECT_LOOP
    assert result.detail is not None
    assert "more than 5 redirects" in result.detail
    assert server.hits["/redirect-chain/0"] == 0


async def test_cookie_redirect_back_is_not_a_loop(
    server: MockServer, make_fetcher: FetcherFactory
) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/cookie-dance"))
    assert result.outcome is Outcome.OK
    assert server.hits["/cookie-dance"] == 2


async def test_redirect_to_non_http_url(server: MockServer, make_fetcher: FetcherFactory) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/redirect-ftp"))
    assert result.outcome is Outcome.HTTP_ERROR
    assert result.status == 302
    assert result.detail is not None
    assert "ftp://" in result.detail


@pytest.mark.parametrize("path", ["/huge", "/huge-declared"])
async def test_huge_body_is_too_large_and_memory_bounded(
    server: MockServer, make_fetcher: FetcherFactory, path: str
) -> None:
    cap = 200_000
    async with make_fetcher(max_body_bytes=cap) as fetcher:
        tracemalloc.start()
        try:
            result = await fetcher.fetch(server.url(path))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert result.outcome is Outcome.TOO_LARGE
    assert result.body is None
    assert result.bytes_read <= cap + 64 * 1024  # stopped within one chunk of the cap
    assert peak < 16 * 1024 * 1024  # the server offers 64 MiB
    await asyncio.sleep(0)  # let the server notice the hang-up
    assert server.huge_bytes_sent < server.huge_total_bytes


async def test_ruishu_412_is_blocked_once(server: MockServer, make_fetcher: FetcherFactory) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/412"))
    assert result.outcome is Outcome.BLOCKED
    assert result.status == 412
    assert result.attempts == 1
    assert result.detail == "412 challenge page (瑞数)"
    assert result.body is not None
    assert b"$_ts" in result.body
    assert result.text is None


async def test_ruishu_200_is_blocked(server: MockServer, make_fetcher: FetcherFactory) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/challenge-200"))
    assert result.outcome is Outcome.BLOCKED
    assert result.status == 200


async def test_waf_403_is_blocked(server: MockServer, make_fetcher: FetcherFactory) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/waf-403"))
    assert result.outcome is Outcome.BLOCKED
    assert result.detail == "403 challenge page (安全狗)"


async def test_plain_403_is_an_http_error(server: MockServer, make_fetcher: FetcherFactory) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/403"))
    assert result.outcome is Outcome.HTTP_ERROR
    assert result.status == 403


async def test_reset_mid_body_is_network_error(
    server: MockServer, make_fetcher: FetcherFactory
) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/reset"))
    assert result.outcome is Outcome.NETWORK_ERROR
    assert result.attempts == 3
    assert result.status == 200


@pytest.mark.parametrize("path", ["/pdf", "/pdf-as-html"])
async def test_pdf_is_not_html(server: MockServer, make_fetcher: FetcherFactory, path: str) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url(path))
    assert result.outcome is Outcome.NOT_HTML
    assert result.body is None
    assert result.attempts == 1


async def test_html_served_as_octet_stream_is_read(
    server: MockServer, make_fetcher: FetcherFactory
) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/octet-html"))
    assert result.outcome is Outcome.OK


async def test_etag_gives_not_modified(server: MockServer, make_fetcher: FetcherFactory) -> None:
    async with make_fetcher() as fetcher:
        first = await fetcher.fetch(server.url("/etag"))
        second = await fetcher.fetch(
            server.url("/etag"), etag=first.etag, last_modified=first.last_modified
        )
        stale = await fetcher.fetch(server.url("/etag"), etag='"v0"')
    assert first.outcome is Outcome.OK
    assert first.etag == '"v1"'
    assert second.outcome is Outcome.NOT_MODIFIED
    assert second.status == 304
    assert second.body is None
    assert server.seen_headers[-2]["If-None-Match"] == '"v1"'
    assert server.seen_headers[-2]["If-Modified-Since"] == "Wed, 01 May 2024 08:00:00 GMT"
    assert stale.outcome is Outcome.OK


async def test_robots_disallowed(server: MockServer, make_fetcher: FetcherFactory) -> None:
    async with make_fetcher() as fetcher:
        refused = await fetcher.fetch(server.url("/private"))
        allowed = await fetcher.fetch(server.url("/private"), respect_robots=False)
        await fetcher.fetch(server.url("/page"))
    assert refused.outcome is Outcome.ROBOTS_DISALLOWED
    assert refused.attempts == 0
    assert refused.detail is not None
    assert "/private" in refused.detail
    assert allowed.outcome is Outcome.OK
    assert server.hits["/private"] == 1
    assert server.hits["/robots.txt"] == 1  # cached per host


async def test_robots_checked_on_redirect_target(
    server: MockServer, make_fetcher: FetcherFactory
) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(server.url("/redirect-to-private"))
    assert result.outcome is Outcome.ROBOTS_DISALLOWED
    assert server.hits["/private"] == 0


async def test_closed_port_is_connect_error(closed_port: int, make_fetcher: FetcherFactory) -> None:
    async with make_fetcher(retry_attempts=2) as fetcher:
        result = await fetcher.fetch(f"http://127.0.0.1:{closed_port}/page")
    assert result.outcome is Outcome.CONNECT_ERROR
    assert result.attempts == 2
    assert result.status is None


async def test_unresolvable_host_is_dns_error(make_fetcher: FetcherFactory) -> None:
    try:
        await asyncio.wait_for(
            asyncio.get_running_loop().getaddrinfo("nonexistent.invalid", 80), timeout=2
        )
    except TimeoutError:
        pytest.skip("the resolver here hangs on .invalid names instead of failing")
    except OSError:
        pass
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch("http://nonexistent.invalid/page")
    assert result.outcome is Outcome.DNS_ERROR
    assert result.attempts == 1


async def test_tls_to_a_plain_http_port_is_tls_error(
    server: MockServer, make_fetcher: FetcherFactory
) -> None:
    url = server.url("/page").replace("http://", "https://")
    async with make_fetcher(retry_attempts=1) as fetcher:
        result = await fetcher.fetch(url, respect_robots=False)
    assert result.outcome is Outcome.TLS_ERROR


async def test_per_host_limit_holds(server: MockServer, make_fetcher: FetcherFactory) -> None:
    async with make_fetcher(per_host_concurrency=2) as fetcher:
        results = await asyncio.gather(
            *(fetcher.fetch(server.url("/concurrency")) for _ in range(8))
        )
    assert all(result.outcome is Outcome.OK for result in results)
    assert server.max_in_flight == 2


async def test_global_limit_holds(server: MockServer, make_fetcher: FetcherFactory) -> None:
    async with make_fetcher(per_host_concurrency=10, max_concurrency=3) as fetcher:
        results = await asyncio.gather(
            *(fetcher.fetch(server.url("/concurrency")) for _ in range(9))
        )
    assert all(result.outcome is Outcome.OK for result in results)
    assert server.max_in_flight == 3


async def test_one_log_line_per_fetch(
    server: MockServer, make_fetcher: FetcherFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="crawler.fetch")
    async with make_fetcher() as fetcher:
        await fetcher.fetch(server.url("/cookie-dance"))
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert len(lines) == 1
    assert "outcome=ok" in lines[0]
    assert "status=200" in lines[0]
    assert "attempts=1" in lines[0]
    assert "waf_ok" not in lines[0]  # no cookies in logs


async def test_non_http_url_is_a_config_error(make_fetcher: FetcherFactory) -> None:
    async with make_fetcher() as fetcher:
        with pytest.raises(FetchConfigError, match="http://"):
            await fetcher.fetch("ftp://example.org/file")
        with pytest.raises(FetchConfigError):
            await fetcher.fetch("/relative/path.html")


async def test_fetch_outside_the_context_is_an_error(make_fetcher: FetcherFactory) -> None:
    fetcher = make_fetcher()
    with pytest.raises(FetcherClosedError, match="async with"):
        await fetcher.fetch("http://127.0.0.1/")

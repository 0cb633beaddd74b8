"""The address policy on a real loopback network: a public site (127.0.0.1, named) that
redirects to an internal host (127.0.0.2, not named), and what a redirect hop sends."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web

from crawler.fetch import Fetcher, FetchSettings
from crawler.fetch.addresses import AddressPolicy, parse_networks
from crawler.targets import parse_targets
from crawler.targets.base import TargetsError
from rules.model import Outcome

FAST = FetchSettings(
    per_host_delay_s=0.0,
    jitter_s=0.0,
    timeout_s=3.0,
    attempt_timeout_s=1.0,
    connect_timeout_s=1.0,
    retry_attempts=1,
)
PAGE = "<html><head><title>t</title></head><body><ul><li>通知</li></ul></body></html>"


@dataclass
class Recorder:
    base_url: str = ""
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append((request.path_qs, {k.lower(): v for k, v in request.headers.items()}))
        location = request.query.get("to")
        if location:
            raise web.HTTPFound(location)
        return web.Response(text=PAGE, content_type="text/html")


async def _serve(host: str) -> AsyncIterator[Recorder]:
    recorder = Recorder()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", recorder.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, host, 0)
    await site.start()
    recorder.base_url = f"http://{host}:{runner.addresses[0][1]}"
    try:
        yield recorder
    finally:
        await runner.cleanup()


@pytest.fixture
async def public() -> AsyncIterator[Recorder]:
    async for recorder in _serve("127.0.0.1"):
        yield recorder


@pytest.fixture
async def internal() -> AsyncIterator[Recorder]:
    async for recorder in _serve("127.0.0.2"):
        yield recorder


def _named(*hosts: str, allow: tuple[str, ...] = ()) -> FetchSettings:
    policy = AddressPolicy.for_hosts(hosts, parse_networks(allow))
    return FetchSettings(**{**_fields(FAST), "addresses": policy})


def _fields(settings: FetchSettings) -> dict[str, object]:
    return {name: getattr(settings, name) for name in settings.__dataclass_fields__}


async def test_redirect_to_an_unnamed_internal_host_is_refused(
    public: Recorder, internal: Recorder
) -> None:
    target = f"{internal.base_url}/admin/secret"
    async with Fetcher(_named("127.0.0.1")) as fetcher:
        result = await fetcher.fetch(f"{public.base_url}/column/?to={target}", respect_robots=False)
    assert result.outcome is Outcome.ADDRESS_REFUSED
    assert not result.outcome.readable
    assert result.text is None
    assert result.body is None
    assert "127.0.0.2" in (result.detail or "")
    assert "loopback" in (result.detail or "")
    assert internal.requests == []  # never followed


async def test_the_same_redirect_is_followed_when_allow_addresses_lists_the_range(
    public: Recorder, internal: Recorder
) -> None:
    target = f"{internal.base_url}/admin/"
    async with Fetcher(_named("127.0.0.1", allow=("127.0.0.2/32",))) as fetcher:
        result = await fetcher.fetch(f"{public.base_url}/column/?to={target}", respect_robots=False)
    assert result.outcome is Outcome.OK
    assert result.final_url == target
    assert [path for path, _ in internal.requests] == ["/admin/"]


async def test_a_first_url_on_an_unnamed_internal_host_is_refused(internal: Recorder) -> None:
    async with Fetcher(_named("127.0.0.1")) as fetcher:
        fetched = await fetcher.fetch(f"{internal.base_url}/admin/")
        checked = await fetcher.check(f"{internal.base_url}/logo.png", method="GET")
    assert fetched.outcome is Outcome.ADDRESS_REFUSED
    assert checked.outcome is Outcome.ADDRESS_REFUSED
    assert fetched.attempts == 1  # not retried
    assert internal.requests == []


async def test_the_check_runs_on_resolved_addresses(public: Recorder) -> None:
    """'localhost' is not named: that it resolves to a named address does not matter."""
    port = public.base_url.rsplit(":", 1)[1]
    async with Fetcher(_named("127.0.0.1")) as fetcher:
        result = await fetcher.fetch(f"http://localhost:{port}/", respect_robots=False)
    assert result.outcome is Outcome.ADDRESS_REFUSED
    assert "localhost" in (result.detail or "")
    assert public.requests == []


async def test_without_a_targets_file_the_typed_host_is_allowed_but_not_its_redirects(
    public: Recorder, internal: Recorder
) -> None:
    async with Fetcher(FAST) as fetcher:
        typed = await fetcher.fetch(f"{internal.base_url}/page")
        redirected = await fetcher.fetch(
            f"{public.base_url}/?to={internal.base_url}/admin/", respect_robots=False
        )
    assert typed.outcome is Outcome.OK
    assert redirected.outcome is Outcome.ADDRESS_REFUSED
    assert [path for path, _ in internal.requests] == ["/robots.txt", "/page"]


async def test_a_redirect_hop_is_a_plain_get(public: Recorder) -> None:
    async with Fetcher(_named("127.0.0.1")) as fetcher:
        result = await fetcher.fetch(f"{public.base_url}/a?to=/b", respect_robots=False)
    assert result.outcome is Outcome.OK
    (_, first), (path, hop) = public.requests
    assert path == "/b"
    for headers in (first, hop):
        assert "transfer-encoding" not in headers
        assert "content-type" not in headers
        assert headers.get("content-length", "0") == "0"


async def test_same_host_keeps_the_sources_headers_cross_host_drops_them(
    public: Recorder, internal: Recorder
) -> None:
    headers = {"Cookie": "SUB=secret", "X-Source": "weibo"}
    settings = _named("127.0.0.1", "127.0.0.2")
    async with Fetcher(settings) as fetcher:
        same = await fetcher.fetch(
            f"{public.base_url}/api?to=/api2", respect_robots=False, headers=headers
        )
        cross = await fetcher.fetch(
            f"{public.base_url}/api?to={internal.base_url}/x",
            respect_robots=False,
            headers=headers,
        )
    assert same.outcome is Outcome.OK
    assert cross.outcome is Outcome.OK
    hop = public.requests[1][1]
    assert hop.get("cookie") == "SUB=secret"
    assert hop.get("x-source") == "weibo"
    ((_, elsewhere),) = internal.requests
    assert "cookie" not in elsewhere
    assert "x-source" not in elsewhere


def test_targets_name_their_hosts_and_ranges() -> None:
    targets = parse_targets(
        """
allow_addresses: ["10.20.0.0/16"]
sites:
  - id: a
    name: 甲
    homepage: http://127.0.0.1:8001/
    columns:
      - {name: 通知公告, url: "http://Intranet.example.gov.cn/tzgg/", category: notice}
"""
    )
    policy = targets.address_policy()
    assert policy.refusal("127.0.0.1", "127.0.0.1") is None
    assert policy.refusal("intranet.example.gov.cn", "10.9.9.9") is None
    assert policy.refusal("other", "10.20.1.1") is None
    assert policy.refusal("m.weibo.cn", "10.9.9.9") is None  # the Weibo API base is named
    assert policy.refusal("127.0.0.2", "127.0.0.2") is not None


def test_a_bad_range_in_the_targets_file_says_where() -> None:
    with pytest.raises(TargetsError, match=r"allow_addresses: .*'10\.0\.0\.1/8'.*CIDR"):
        parse_targets("allow_addresses: ['10.0.0.1/8']\nsites: []\n")

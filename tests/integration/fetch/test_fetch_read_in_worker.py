"""A page fetched undecoded and read in an extraction worker comes out as ``Fetcher.fetch``
would have given it: the same outcome, detail, evidence and codec — a challenge is ``blocked``
and never extracted — whether the worker is a process or (a small run) a thread."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import date

import pytest
from aiohttp import web
from fetch_server import serving
from test_fetch_challenge_pages import RUISHU_SHELL, TS_LIST_PAGE

from crawler.extract.pool import ExtractionPool
from crawler.fetch import Fetcher
from crawler.fetch.result import EVIDENCE_BYTES
from crawler.sites.reading import read_fetched
from rules.model import Outcome

FetcherFactory = Callable[..., Fetcher]  # the make_fetcher fixture
TODAY = date(2024, 6, 1)
GBK_LIST = (
    "<html><head><title>通知公告</title></head><body><ul>"
    + "".join(
        f"<li><a href='/a/{i}.html'>关于第{i}批项目的公示</a>2024-05-0{i}</li>" for i in range(1, 7)
    )
    + "</ul></body></html>"
).encode("gbk")
EMPTY_COLUMN = "<html><body><h1>政策解读</h1><p>暂无信息</p></body></html>"
BIG_SHELL = RUISHU_SHELL.replace("</head>", f"<script>var pad='{'x' * 100_000}';</script></head>")


@pytest.fixture
async def pages_site() -> AsyncIterator[str]:
    def page(body: bytes | str, *, status: int = 200, charset: str = "utf-8") -> web.Response:
        data = body.encode("utf-8") if isinstance(body, str) else body
        return web.Response(
            status=status, body=data, headers={"Content-Type": f"text/html; charset={charset}"}
        )

    routes = {
        "/list.html": lambda: page(TS_LIST_PAGE),
        "/shell-200": lambda: page(RUISHU_SHELL),
        "/big-shell-200": lambda: page(BIG_SHELL),
        "/gbk.html": lambda: page(GBK_LIST, charset="gbk"),
        "/empty.html": lambda: page(EMPTY_COLUMN),
    }

    async def handle(request: web.Request) -> web.Response:
        return routes[request.path]()

    app = web.Application()
    app.router.add_get("/{tail:.*}", handle)
    async with serving(app) as url:
        yield url


@pytest.mark.parametrize("pages", [1, 100], ids=["thread", "process"])
@pytest.mark.parametrize(
    ("path", "outcome", "listed"),
    [
        ("/list.html", Outcome.OK, True),
        ("/shell-200", Outcome.BLOCKED, False),
        ("/big-shell-200", Outcome.BLOCKED, False),
        ("/gbk.html", Outcome.OK, True),
        ("/empty.html", Outcome.OK, False),
    ],
)
async def test_reading_in_the_worker_gives_what_the_fetch_gives(
    pages_site: str,
    make_fetcher: FetcherFactory,
    pages: int,
    path: str,
    outcome: Outcome,
    listed: bool,
) -> None:
    url = f"{pages_site}{path}"
    async with make_fetcher() as fetcher:
        whole = await fetcher.fetch(url, respect_robots=False)
        raw = await fetcher.fetch(url, respect_robots=False, decode=False)
    assert raw.outcome is Outcome.OK
    assert (raw.text, raw.encoding) == (None, None)
    with ExtractionPool(pages=pages, workers=1) as pool:
        read, extraction = await read_fetched(pool, raw, today=TODAY, selector=None, homepage=False)
    assert whole.outcome is read.outcome is outcome
    assert (read.detail, read.body, read.encoding) == (whole.detail, whole.body, whole.encoding)
    if outcome is Outcome.BLOCKED:
        assert read.detail == "200 challenge page (瑞数)"
        assert len(read.body or b"") == min(len(raw.body or b""), EVIDENCE_BYTES)
        assert extraction is None
        return
    assert extraction is not None
    assert extraction.list_found is listed
    # the text comes back only when the crawl still reads it: no list was found
    assert read.text == (None if listed else whole.text)
    if path == "/gbk.html":
        assert read.encoding == whole.encoding
        assert [item.title for item in extraction.items][:1] == ["关于第1批项目的公示"]


async def test_a_page_with_text_is_extracted_as_it_is(
    pages_site: str, make_fetcher: FetcherFactory
) -> None:
    """A page already decoded (a browser's rendering, say) is extracted, not read again."""
    async with make_fetcher() as fetcher:
        whole = await fetcher.fetch(f"{pages_site}/list.html", respect_robots=False)
    with ExtractionPool(pages=1) as pool:
        read, extraction = await read_fetched(
            pool, whole, today=TODAY, selector=None, homepage=False
        )
    assert read is whole
    assert extraction is not None
    assert extraction.list_found

"""A column site for the discovery tests: a homepage whose menu links 30 list pages, with a
robots.txt each test can change, counting every request. It runs in a thread so that the sync
CLI tests and the async tests share it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

COLUMNS = 30


def list_page(name: str, column_type: str | None = None, dated: bool = True) -> str:
    rows = "".join(
        f'<li><a href="/art/{name}-{i}.html">{name}第{i}条信息的标题内容</a>'
        f"<span>{f'2026-11-{20 - i:02d}' if dated else ''}</span></li>"
        for i in range(8)
    )
    meta = f'<meta name="ColumnType" content="{column_type}">' if column_type else ""
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{name}</title>{meta}</head>"
        f"<body><div class='nav'><a href='/'>首页</a></div><h2>{name}</h2>"
        f"<ul class='list'>{rows}</ul><div class='pages'>共1页</div></body></html>"
    )


@dataclass
class ColumnSite:
    base: str = ""
    robots: str = "User-agent: *\nAllow: /\n"
    pages: dict[str, str] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)

    @property
    def page_hits(self) -> list[str]:
        """Requests other than the homepage and robots.txt."""
        return [path for path in self.hits if path not in ("/", "/robots.txt")]


def _pages() -> dict[str, str]:
    names = ["工作动态", "通知公告", "人事信息", "机构概况", "部门预算"]
    names += [f"专题栏目{i}" for i in range(COLUMNS - len(names))]
    menu = "".join(f"<li><a href='/c{i}/'>{name}</a></li>" for i, name in enumerate(names))
    homepage = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>某某县人民政府</title>"
        "<meta name='SiteName' content='某某县人民政府'><meta name='SiteIDCode' "
        "content='4100000001'></head><body><div class='nav'><ul>"
        f"<li><a href='/'>首页</a></li>{menu}</ul></div>"
        "<a href='/files/report.pdf'>年度报告</a>"
        "<a href='http://elsewhere.example/'>友情链接</a></body></html>"
    )
    pages = {"/": homepage}
    for i, name in enumerate(names):
        pages[f"/c{i}/"] = list_page(name)
    # 机构概况 is a static page: no dated list, but its column tags say what it is
    pages["/c3/"] = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>机构概况</title>"
        "<meta name='ColumnName' content='机构概况'><meta name='ColumnType' content='静态类'>"
        "</head><body><p>本局是县人民政府工作部门。</p></body></html>"
    )
    return pages


@pytest.fixture
def column_site() -> Iterator[ColumnSite]:
    state = ColumnSite(pages=_pages())

    class Handler(BaseHTTPRequestHandler):
        server_version: ClassVar[str] = "stub"

        def do_GET(self) -> None:
            state.hits.append(self.path)
            if self.path == "/robots.txt":
                self._send(200, state.robots, "text/plain")
            elif self.path in state.pages:
                self._send(200, state.pages[self.path], "text/html")
            else:
                self._send(404, "<html><body>404</body></html>", "text/html")

        def _send(self, status: int, text: str, kind: str) -> None:
            body = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()

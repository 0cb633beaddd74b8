"""``crawl demo --faults``: one more simulated site that shows each problem the content and
interaction checks find, apart from the 20 sites of the seed notice (whose 附件1 has none of
them).

问题示例网站 (id ``faults``), served on its own port:

- its homepage writes 中华人民共合国 (严重表述错误) and 再接再励 (错别字), and hides a block of
  casino links off-screen in its footer (暗链);
- an article of its 通知公告 links a 低保 list (XLSX) with 身份证号 and mobile numbers
  (个人信息泄露, found with the sheet and row), and an old .doc that cannot be checked;
- its 网上咨询 board shows a letter still 办理中 after 100 days (互动回应差: the veto).

Everything is dated relative to ``today``; the ID numbers are made up (a valid check character,
a real birth date) and belong to nobody.
"""

from __future__ import annotations

import asyncio
import io
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from aiohttp import web

__all__ = ["FAULTS_SITE", "FaultsSite", "serve_faults", "with_faults_site"]

FAULTS_SITE = "faults"
FAULTS_NAME = "问题示例网站(演示)"
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_PEOPLE = (
    ("张某某", "41088119650312101"),
    ("李某某", "41088119720528204"),
    ("王某某", "41088119811109302"),
)


def _id_number(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def _page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>'
        '</head><body><div class="nav"><a href="/">首页</a> <a href="/tzgg/">通知公告</a> '
        f'<a href="/hdjl/zxts/">网上咨询</a></div>{body}<div id="footer">主办：{FAULTS_NAME}'
        '<div style="position:absolute;left:-9999px;top:-9999px">'
        '<a href="http://casino-vip.example.com/">真人娱乐</a>'
        '<a href="http://casino-vip.example.com/bjl">百家乐</a></div></div></body></html>'
    )


def _pages(today: date) -> dict[str, tuple[str, bytes]]:
    html = "text/html; charset=utf-8"

    def day(ago: int) -> str:
        return (today - timedelta(days=ago)).isoformat()

    notices = "".join(
        f'<li><a href="/tzgg/{n}.html">关于做好民生保障工作的通知（第{n}号）</a>'
        f"<span>{day(n)}</span></li>"
        for n in range(1, 7)
    )
    home = _page(
        FAULTS_NAME,
        f'<ul class="list">{notices}</ul><div class="intro"><p>深入学习贯彻中华人民共合国宪法，'
        "各单位要再接再励，扎实做好各项工作。</p></div>",
    )
    article = _page(
        "关于低保对象的公示",
        "<h1>关于低保对象的公示</h1><div class='content'>"
        f"<p>发布时间：{day(1)}</p><p>现将本月低保对象名单予以公示。</p>"
        '<p>附件：<a href="/files/dibao.xlsx">低保对象名单.xlsx</a> '
        '<a href="/files/notice.doc">公示通知.doc</a></p></div>',
    )
    letters = [("咨询社保缴费问题", 3, 2), ("咨询公积金提取", 12, 3), ("小区路灯不亮", 100, None)]
    letters += [(f"咨询义务教育入学问题{n}", 20 + n * 30, 4) for n in range(1, 8)]
    rows = "".join(
        f'<tr><td><a href="/hdjl/zxts/{ago}.html">{title}</a></td><td>{day(ago)}</td>'
        f"<td>{day(ago - after) if after else ''}</td>"
        f"<td>{'已办结' if after else '办理中'}</td></tr>"
        for title, ago, after in sorted(letters, key=lambda letter: letter[1])
    )
    board = _page(
        "网上咨询",
        "<table><tr><th>标题</th><th>留言时间</th><th>答复时间</th><th>办理状态</th></tr>"
        f"{rows}</table>",
    )
    pages = {
        "/": (html, home.encode()),
        "/tzgg/": (html, _page("通知公告", f'<ul class="list">{notices}</ul>').encode()),
        "/hdjl/zxts/": (html, board.encode()),
        "/files/dibao.xlsx": ("application/octet-stream", _dibao()),
        "/files/notice.doc": (
            "application/msword",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,
        ),
    }
    for n in range(1, 7):
        pages[f"/tzgg/{n}.html"] = (html, article.encode())
    return pages


def _dibao() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "低保对象"
    sheet.append(["序号", "姓名", "身份证号", "联系电话", "保障人数"])
    for n, (name, first17) in enumerate(_PEOPLE, 1):
        sheet.append([n, name, _id_number(first17), f"1380391{n:04d}", n + 1])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass(slots=True)
class FaultsSite:
    """The served site: its base URL; ``stop()`` when done."""

    url: str
    _loop: asyncio.AbstractEventLoop
    _runner: web.AppRunner
    _thread: threading.Thread

    def targets_entry(self) -> dict[str, Any]:
        """Its entry in a targets file's ``sites:``."""
        return {
            "id": FAULTS_SITE,
            "name": FAULTS_NAME,
            "homepage": self.url,
            "columns": [{"id": "tzgg", "name": "通知公告", "url": f"{self.url}tzgg/",
                         "category": "notice"}],
            "boards": [{"id": "zxts", "name": "网上咨询", "kind": "咨询",
                        "url": f"{self.url}hdjl/zxts/"}],
        }  # fmt: skip

    def stop(self) -> None:
        done = asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop)
        done.result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)


def serve_faults(today: date, *, host: str = "127.0.0.1") -> FaultsSite:
    """Serve the faults site from a thread of its own, on a port the system picks."""
    pages = _pages(today)
    started: Future[FaultsSite] = Future()

    async def handle(request: web.Request) -> web.StreamResponse:
        found = pages.get(request.path)
        if found is None:
            return web.Response(status=404, text="not found")
        content_type, body = found
        return web.Response(body=body, headers={"Content-Type": content_type})

    def run() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)

        async def start() -> FaultsSite:
            app = web.Application()
            app.router.add_route("GET", "/{path:.*}", handle)
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, host, 0)
            await site.start()
            port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            return FaultsSite(url=f"http://{host}:{port}/", _loop=loop, _runner=runner,
                              _thread=thread)  # fmt: skip

        try:
            started.set_result(loop.run_until_complete(start()))
        except BaseException as exc:  # handed to the caller
            started.set_exception(exc)
            loop.close()
            return
        loop.run_forever()
        loop.close()

    thread = threading.Thread(target=run, name="xunjian-demo-faults", daemon=True)
    thread.start()
    return started.result(timeout=30)


def with_faults_site(targets_yaml: str, site: FaultsSite) -> str:
    """A targets file's text with the faults site added to its ``sites:``."""
    import yaml

    data = yaml.safe_load(targets_yaml)
    data.setdefault("sites", []).append(site.targets_entry())
    return "# the demo fleet and its faults site (crawl demo --faults)\n" + yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False
    )

"""``crawl extract`` tells the truth about a saved page or a URL: relative links are kept,
feeds and Weibo API answers are read as a crawl reads them, challenges say "needs a browser"."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from crawler.cli.extract import DOCUMENT_KINDS as CLI_KINDS
from crawler.output.extraction import DOCUMENT_KINDS
from tests.support.cli import run_crawl

AS_OF = "2024-06-01"
FIELDS = {"source", "kind", "encoding", "items", "newest", "published", "personal_data"}

TS_SNIPPET = (
    '<meta id="9DhefwqGPrzGxEp9hPaoag" content="Hk2qXJ8tK0.ZxB5nQ3lYr" r=\'m\'>'
    "<script type=\"text/javascript\" r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts={};"
    '$_ts.nsd=84730;$_ts.cd="qEqcrAAlWsGqDqLUroAErSaqDqLUAGa";</script>'
    '<script type="text/javascript" src="/4QbVtADbnLVIc/c.FxJzG50F.dfe1675.js" r=\'m\'></script>'
)
RUISHU_SHELL = (
    '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; '
    f'charset=utf-8">{TS_SNIPPET}</head><body></body></html>'
)
# Relative links of every shape a CMS writes: parent, root, same directory, onclick.
ROWS = (
    ("../art/2024/0501.html", "关于做好2024年汛期安全防范工作的通知", "2024-05-01"),
    ("/zwgk/tzgg/0502.html", "关于开展安全生产月活动的通知", "2024-05-02"),
    ("./0503.html", "关于公布第二批政务公开示范点的通知", "2024-05-03"),
    ("0504.html", "关于征求城市更新规划意见的公告", "2024-05-04"),
    ("../art/2024/0505.html?id=5", "关于2024年度部门预算公开的说明", "2024-05-05"),
    ("content.jsp?id=6", "关于调整公交线路的通告", "2024-05-06"),
)


def _list_page(*, head: str = "", rows: tuple[tuple[str, str, str], ...] = ROWS) -> str:
    entries = "".join(
        f'<li><a href="{href}" title="{title}">{title}</a><span>{day}</span></li>'
        for href, title, day in rows
    )
    return (
        f"<html><head><meta charset='utf-8'>{head}<title>通知公告</title></head><body>"
        "<div class='nav'><a href='/'>首页</a><a href='/zwgk/'>政务公开</a>"
        "<a href='/zwgk/tzgg/'>通知公告</a></div>"
        f"<div class='list'><ul>{entries}</ul></div>"
        "<div class='footer'>主办单位：某市人民政府办公室</div></body></html>"
    )


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>某市人民政府 - 要闻动态</title>
<link>http://www.x.gov.cn/</link><description>要闻</description>
<item><title>示范区召开安全生产工作会议</title>
<link>http://www.x.gov.cn/xwzx/202405/t20240523_101.html</link>
<pubDate>Thu, 23 May 2024 16:30:00 +0800</pubDate></item>
<item><title>示范区开展防汛应急演练</title>
<link>http://www.x.gov.cn/xwzx/202405/t20240520_100.html</link>
<pubDate>Mon, 20 May 2024 09:00:00 +0800</pubDate></item>
</channel></rss>
"""
WEIBO = {
    "ok": 1,
    "data": {
        "cards": [
            {
                "card_type": 9,
                "mblog": {
                    "id": "5010000000000002",
                    "created_at": "Fri May 24 09:40:00 +0800 2024",
                    "text": "#防汛# 2024年防汛工作会议召开",
                },
            },
            {
                "card_type": 11,
                "card_group": [
                    {
                        "card_type": 9,
                        "mblog": {
                            "id": "5010000000000001",
                            "created_at": "Mon May 20 20:15:00 +0800 2024",
                            "text": "周末不休息，金融服务进企业",
                        },
                    }
                ],
            },
        ]
    },
}


def _extract_json(*args: str) -> list[dict[str, Any]]:
    result = run_crawl("extract", *args, "--json", "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert all(set(line) == FIELDS for line in lines)
    return lines


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_relative_links_are_kept_with_or_without_a_base_url(tmp_path: Path) -> None:
    page = _write(tmp_path / "site" / "zwgk" / "tzgg" / "index.html", _list_page())
    (local,) = _extract_json(str(page))
    (based,) = _extract_json(str(page), "--base-url", "http://www.x.gov.cn/zwgk/tzgg/index.html")
    for data in (local, based):
        assert data["kind"] == "list"
        assert data["newest"] == "2024-05-06"
        assert [(item["title"], item["date"]) for item in data["items"]] == [
            (title, day) for _, title, day in ROWS
        ]
    site = tmp_path / "site"
    assert [item["url"] for item in local["items"]] == [
        (site / "zwgk" / "art" / "2024" / "0501.html").as_uri(),
        "file:///zwgk/tzgg/0502.html",  # root-relative: the root of the file system
        (site / "zwgk" / "tzgg" / "0503.html").as_uri(),
        (site / "zwgk" / "tzgg" / "0504.html").as_uri(),
        (site / "zwgk" / "art" / "2024" / "0505.html").as_uri() + "?id=5",
        (site / "zwgk" / "tzgg" / "content.jsp").as_uri() + "?id=6",
    ]
    assert [item["url"] for item in based["items"]] == [
        "http://www.x.gov.cn/zwgk/art/2024/0501.html",
        "http://www.x.gov.cn/zwgk/tzgg/0502.html",
        "http://www.x.gov.cn/zwgk/tzgg/0503.html",
        "http://www.x.gov.cn/zwgk/tzgg/0504.html",
        "http://www.x.gov.cn/zwgk/art/2024/0505.html?id=5",
        "http://www.x.gov.cn/zwgk/tzgg/content.jsp?id=6",
    ]


def test_a_file_link_on_a_web_page_is_no_item(tmp_path: Path) -> None:
    rows = (*ROWS, ("file:///C:/内部/通知.doc", "关于内部文件的通知", "2024-05-07"))
    page = _write(tmp_path / "list.html", _list_page(rows=rows))
    (data,) = _extract_json(str(page), "--base-url", "http://www.x.gov.cn/zwgk/tzgg/")
    assert "关于内部文件的通知" not in [item["title"] for item in data["items"]]
    assert all(item["url"].startswith("http://") for item in data["items"])


def test_the_text_output_shows_file_links(tmp_path: Path) -> None:
    page = _write(tmp_path / "tzgg" / "index.html", _list_page())
    result = run_crawl("extract", str(page), "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    assert "list, encoding utf-8, 6 items, newest 2024-05-06" in result.stdout
    assert "no list found" not in result.stdout
    assert "file:///" in result.stdout


def test_a_saved_rss_feed_is_read_as_a_crawl_reads_it(tmp_path: Path) -> None:
    feed = _write(tmp_path / "rss.xml", RSS)
    (data,) = _extract_json(str(feed))
    assert data["kind"] == "feed"
    assert data["newest"] == "2024-05-23"
    assert data["published"] is None
    assert data["items"] == [
        {
            "title": "示范区召开安全生产工作会议",
            "url": "http://www.x.gov.cn/xwzx/202405/t20240523_101.html",
            "date": "2024-05-23",
        },
        {
            "title": "示范区开展防汛应急演练",
            "url": "http://www.x.gov.cn/xwzx/202405/t20240520_100.html",
            "date": "2024-05-20",
        },
    ]
    text = run_crawl("extract", str(feed), "--as-of", AS_OF)
    assert "feed (RSS/Atom), encoding utf-8, 2 posts, newest 2024-05-23" in text.stdout


def test_a_saved_weibo_api_answer_gives_its_posts(tmp_path: Path) -> None:
    answer = _write(tmp_path / "getIndex.json", json.dumps(WEIBO, ensure_ascii=False))
    (data,) = _extract_json(str(answer))
    assert data["kind"] == "feed"
    assert data["newest"] == "2024-05-24"
    assert data["items"] == [
        {
            "title": "#防汛# 2024年防汛工作会议召开",
            "url": "https://m.weibo.cn/detail/5010000000000002",
            "date": "2024-05-24",
        },
        {
            "title": "周末不休息，金融服务进企业",
            "url": "https://m.weibo.cn/detail/5010000000000001",
            "date": "2024-05-20",
        },
    ]


def test_a_weibo_refusal_is_blocked(tmp_path: Path) -> None:
    answer = _write(tmp_path / "refused.json", '{"ok": 0, "msg": "请求过于频繁，歇歇吧"}')
    result = run_crawl("extract", str(answer), "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    assert "blocked: Weibo API refused the request (ok=0)" in result.stdout


def test_a_saved_challenge_page_needs_a_browser(tmp_path: Path) -> None:
    shell = _write(tmp_path / "412.html", RUISHU_SHELL)
    result = run_crawl("extract", str(shell), "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{shell}: blocked: needs a browser (瑞数 challenge)"
    assert "selector" not in result.stdout
    as_json = run_crawl("extract", str(shell), "--json", "--as-of", AS_OF)
    assert as_json.returncode == 0
    assert json.loads(as_json.stdout) == {
        "source": str(shell),
        "kind": "blocked",
        "encoding": "utf-8",
        "items": [],
        "newest": None,
        "published": None,
        "personal_data": [],
    }
    assert f"blocked: {shell}: needs a browser (瑞数 challenge)" in as_json.stderr


def test_a_content_page_with_the_ruishu_snippet_is_read(tmp_path: Path) -> None:
    page = _write(tmp_path / "list.html", _list_page(head=TS_SNIPPET))
    (data,) = _extract_json(str(page), "--base-url", "http://www.x.gov.cn/zwgk/tzgg/")
    assert data["kind"] == "list"
    assert len(data["items"]) == len(ROWS)
    assert data["newest"] == "2024-05-06"


def test_kind_forces_the_reader(tmp_path: Path) -> None:
    page = _write(tmp_path / "list.html", _list_page())
    feed = _write(tmp_path / "feed.xml", RSS)
    as_feed = run_crawl("extract", str(page), "--kind", "feed", "--as-of", AS_OF)
    assert as_feed.returncode == 0, as_feed.stderr
    assert "blocked: an HTML page where a feed was expected" in as_feed.stdout
    as_list = run_crawl("extract", str(feed), "--kind", "list", "--as-of", AS_OF)
    assert as_list.returncode == 0, as_list.stderr
    assert "unknown" in as_list.stdout
    assert "note: asked for a list; the page reader finds no list" in as_list.stdout


def test_the_cli_offers_the_readers_kinds() -> None:
    assert CLI_KINDS == DOCUMENT_KINDS


class _Site(BaseHTTPRequestHandler):
    pages: ClassVar[dict[str, tuple[int, str, str]]] = {
        "/tzgg/index.html": (200, "text/html; charset=utf-8", _list_page(head=TS_SNIPPET)),
        "/shell": (412, "text/html; charset=utf-8", RUISHU_SHELL),
        "/rss.xml": (200, "application/rss+xml; charset=utf-8", RSS),
    }

    def do_GET(self) -> None:
        status, content_type, body = self.pages.get(self.path, (404, "text/plain", "not found"))
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_urls_are_classified_like_saved_pages(site: str) -> None:
    page, shell, feed = _extract_json(f"{site}/tzgg/index.html", f"{site}/shell", f"{site}/rss.xml")
    assert page["kind"] == "list"
    assert page["items"][0]["url"] == f"{site}/art/2024/0501.html"
    assert [item["title"] for item in page["items"]] == [title for _, title, _ in ROWS]
    assert shell["kind"] == "blocked"
    assert feed["kind"] == "feed"
    assert len(feed["items"]) == 2
    text = run_crawl("extract", f"{site}/shell")
    assert text.returncode == 0, text.stderr
    assert text.stdout.strip() == f"{site}/shell: blocked: needs a browser (瑞数 challenge)"


def test_a_failed_fetch_is_an_error(site: str) -> None:
    result = run_crawl("extract", f"{site}/missing")
    assert result.returncode == 2
    assert "http_error 404" in result.stderr
    assert "Traceback" not in result.stderr


def test_personal_data_on_a_page_is_shown_masked_and_never_whole(tmp_path: Path) -> None:
    # a 公示 list: a real-shaped 身份证号 (check character computed) and a mobile number
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    body = "41010219900101123"
    id_number = (
        body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    )
    page = tmp_path / "gongshi.html"
    page.write_text(
        "<html><body><h1>2022年低保对象公示</h1><table>"
        f"<tr><td>张三</td><td>{id_number}</td><td>13812345678</td></tr>"
        "</table></body></html>",
        encoding="utf-8",
    )
    (found,) = _extract_json(str(page))
    assert [(p["kind"], p["masked"]) for p in found["personal_data"]] == [
        ("id_card", id_number[:4] + "*" * 10 + id_number[-4:]),
        ("mobile", "138****5678"),
    ]
    text = run_crawl("extract", str(page), "--as-of", AS_OF)
    assert "personal data shown on the page (masked): 身份证号 1, 手机号 1" in text.stdout
    for output in (json.dumps(found, ensure_ascii=False), text.stdout, text.stderr):
        assert id_number not in output
        assert "13812345678" not in output

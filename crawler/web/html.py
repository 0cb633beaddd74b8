"""HTML by hand, escaped by default: every value from storage or a crawled page passes ``e``.

Pages are plain server-rendered HTML and one stylesheet (no script at all): the dashboard's
Content-Security-Policy forbids scripts, so even markup that slipped through could not run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from html import escape
from urllib.parse import quote

from rules.model import SHANGHAI

__all__ = ["CSS", "e", "layout", "link", "local", "table", "url_path"]

CSS = """
body{font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei",sans-serif;
margin:0;color:#222;background:#f6f7f9}
header{background:#1f4e79;color:#fff;padding:10px 24px}header a{color:#fff;margin-right:18px}
main{padding:16px 24px;max-width:1200px}h1{font-size:22px}h2{font-size:18px;margin-top:28px}
table{border-collapse:collapse;background:#fff;width:100%;margin:8px 0}
th,td{border:1px solid #d8dbe0;padding:4px 8px;text-align:left;vertical-align:top;font-size:14px}
th{background:#eef1f5}.pass{color:#1a7f37}.fail{color:#c62828;font-weight:bold}
.unknown{color:#8a6d00}.muted{color:#777}.num{text-align:right}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{background:#fff;border:1px solid #d8dbe0;
padding:10px 16px;min-width:160px}.card b{font-size:22px;display:block}
pre{background:#fff;border:1px solid #d8dbe0;padding:8px;white-space:pre-wrap;max-height:480px;
overflow:auto;font-size:13px}img.shot{max-width:100%;border:1px solid #d8dbe0}
dl{display:grid;grid-template-columns:max-content auto;gap:4px 16px}dt{color:#555}
"""


def e(value: object) -> str:
    """``value`` as text inside HTML (also inside a quoted attribute)."""
    if value is None:
        return ""
    return escape(str(value), quote=True)


def url_path(*parts: str) -> str:
    """A path of the dashboard with each part quoted: ``/findings/<key>``."""
    return "/" + "/".join(quote(part, safe="") for part in parts)


def link(href: str, text: object) -> str:
    return f'<a href="{e(href)}">{e(text)}</a>'


def local(moment: datetime | str | None, *, day: bool = False) -> str:
    """A stored time in Asia/Shanghai (the dashboard shows local time)."""
    if moment is None:
        return ""
    if isinstance(moment, str):
        try:
            parsed = datetime.fromisoformat(moment)
        except ValueError:
            return moment
        moment = parsed
    if isinstance(moment, datetime):
        shown = moment.astimezone(SHANGHAI)
        return f"{shown:%Y-%m-%d}" if day else f"{shown:%Y-%m-%d %H:%M}"
    if isinstance(moment, date):
        return moment.isoformat()
    return str(moment)


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], *, empty: str = "无") -> str:
    """A table whose cells are already HTML (callers escape what they put in)."""
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    if not body:
        return f'<p class="muted">{e(empty)}</p>'
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_NAV = (("/", "总览"), ("/findings", "问题"), ("/runs", "运行记录"), ("/reports", "通报下载"))


def layout(title: str, body: str, *, subtitle: str = "") -> str:
    nav = " ".join(
        link(href, text)
        for href, text in (
            ("/", "总览"),
            ("/findings", "问题"),
            ("/runs", "运行记录"),
            ("/reports", "通报下载"),
        )
    )
    sub = f'<p class="muted">{e(subtitle)}</p>' if subtitle else ""
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f'<title>{e(title)} · 巡检</title><link rel="stylesheet" href="/style.css"></head>'
        f"<body><header><b>巡检</b> &nbsp; {nav}</header><main><h1>{e(title)}</h1>{sub}"
        f"{body}</main></body></html>"
    )

"""The page chrome every demo page shares: head with government meta tags, a top bar with
today's date, header, navigation, a sidebar of recent items, and a footer.

Several parts carry dates that are not list items, as real sites do: the top bar's
``今天是…`` shows ``today``, the sidebar's 热点推荐 shows the site's newest items, and the
footer shows © years and the 网站标识码. An extractor must ignore all of them.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from datetime import date
from html import escape

from crawler.demo.model import Charset, DemoColumn, DemoItem, DemoSite
from crawler.demo.styles.base import CmsStyle
from crawler.demo.styles.trs import shorten

__all__ = ["document", "newest_items", "today_widget"]

_WEEKDAYS = "一二三四五六日"
SIDEBAR_ITEMS = 5

_CSS = (
    "body{margin:0;font:14px/1.6 'Microsoft YaHei',sans-serif;color:#333}"
    ".wrap{width:1200px;margin:0 auto}.nav li{display:inline-block;margin:0 12px}"
    ".main{display:flex;gap:20px}.content-area{flex:1}.sidebar{width:300px}"
    ".footer{background:#f2f2f2;text-align:center;padding:20px 0}"
)


def today_widget(today: date) -> str:
    return f"今天是{today.year}年{today.month}月{today.day}日 星期{_WEEKDAYS[today.weekday()]}"


def _charset_meta(charset: Charset) -> str:
    if charset is Charset.UTF8:
        return '<meta charset="utf-8">'
    if charset is Charset.GBK:
        return '<meta charset="gb2312">'
    return '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'


def _head(site: DemoSite, title: str, metas: Sequence[tuple[str, str]]) -> str:
    tags = [("SiteName", site.name), ("SiteDomain", site.domain), ("SiteIDCode", site.site_code)]
    lines = "\n".join(
        f'<meta name="{name}" content="{escape(value)}">' for name, value in (*tags, *metas)
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n'
        f"{_charset_meta(site.charset)}\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n{lines}\n<style>{_CSS}</style>\n</head>\n"
    )


def newest_items(site: DemoSite, count: int) -> list[tuple[DemoColumn, DemoItem]]:
    """The site's ``count`` newest items across all list columns."""
    pairs = [(column, item) for column in site.columns for item in column.items]
    # as sorted(…, reverse=True)[:count], without sorting the portal's thousands of items
    return heapq.nlargest(count, pairs, key=lambda pair: (pair[1].published, pair[1].at))


def _nav(site: DemoSite, style: CmsStyle, page_path: str) -> str:
    links = "".join(
        f'<li><a href="{style.link(page_path, style.column_path(column))}">'
        f"{escape(column.name)}</a></li>"
        for column in site.columns
    )
    return (
        '<div class="nav"><div class="wrap"><ul>'
        f'<li class="on"><a href="{style.link(page_path, "/")}">首页</a></li>{links}'
        "</ul></div></div>\n"
    )


def _sidebar(site: DemoSite, style: CmsStyle, page_path: str) -> str:
    rows = "".join(
        f'<li><a href="{style.link(page_path, style.article_path(column, item))}" '
        f'title="{escape(item.title)}">{escape(shorten(item.title, 18))}</a>'
        f"<em>{item.published.isoformat()}</em></li>"
        for column, item in newest_items(site, SIDEBAR_ITEMS)
    )
    return (
        '<div class="sidebar">\n'
        f'<div class="side-box hot"><h3>热点推荐</h3><ul>{rows}</ul></div>\n'
        '<div class="side-box service"><h3>便民服务</h3><ul>'
        "<li>办事指南</li><li>表格下载</li><li>政策咨询</li><li>投诉举报</li></ul></div>\n"
        "</div>\n"
    )


def _footer(site: DemoSite, today: date) -> str:
    number = site.site_code[-4:]
    return (
        '<div class="footer"><div class="wrap">\n'
        f"<p>主办单位：{escape(site.unit)}　承办单位：{escape(site.unit)}办公室</p>\n"
        f"<p>网站标识码：{site.site_code}　<span>豫ICP备1201{number}号-1</span>　"
        f"<span>豫公网安备 4190010200{number}号</span></p>\n"
        f"<p>版权所有 &copy; 2016-{today.year} {escape(site.name)}　"
        f"联系电话：0391-663{number}</p>\n"
        "</div></div>\n"
    )


def document(
    site: DemoSite,
    style: CmsStyle,
    *,
    today: date,
    page_path: str,
    title: str,
    main: str,
    metas: Sequence[tuple[str, str]] = (),
    trail: str | None = None,
) -> str:
    """A whole page around ``main``; ``trail`` is the column name in the breadcrumb."""
    location = ""
    if trail is not None:
        location = (
            f'<div class="location">当前位置：<a href="{style.link(page_path, "/")}">首页</a>'
            f" &gt; <span>{escape(trail)}</span></div>\n"
        )
    content = f'<div class="content-area">\n{location}{main}\n</div>\n'
    sidebar = _sidebar(site, style, page_path)
    body = sidebar + content if style.sidebar_first else content + sidebar
    top = (
        '<div class="topbar"><div class="wrap">'
        f'<span class="today">{today_widget(today)}</span>'
        '<span class="tools">无障碍浏览 | 长者模式 | 繁体版</span></div></div>\n'
        f'<div class="header"><div class="wrap"><h1 class="logo">'
        f'<a href="{style.link(page_path, "/")}">{escape(site.name)}</a></h1>'
        '<div class="search"><input type="text" name="q" placeholder="请输入关键字">'
        '<button type="button">搜索</button></div></div></div>\n'
    )
    return (
        _head(site, title, metas)
        + "<body>\n"
        + top
        + _nav(site, style, page_path)
        + f'<div class="main wrap">\n{body}</div>\n'
        + _footer(site, today)
        + "</body>\n</html>\n"
    )

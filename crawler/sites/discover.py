"""Column discovery: propose a site's list columns (栏目) for the targets file, for review.

From the homepage, the links of its navigation come first (``nav``, ``header`` and menu
blocks), then the "more" links of its blocks (更多), then other links on the same host with
short texts (column names are short; article titles are long). At most ``max_pages`` of them
are fetched, politely (one ``Fetcher``: per-host spacing, robots.txt honoured; a link that
robots.txt refuses is skipped without counting against the bound). A page is proposed as a
column when it reads as a list of dated items (``crawler.extract``: a list with at least
``MIN_DATED`` dated items) or carries the ColumnName/ColumnType meta tags of
国办发〔2017〕47号. Its name is its ColumnName, else the link's text; its category is guessed
from the name (then from ColumnType):

    动态 要闻 新闻 工作                → news (2 weeks)
    通知 公告 公示 政策 文件           → notice (6 months)
    人事 规划 计划                     → plan (1 year)
    概况 简介 领导 机构                → static

(``plan`` words are tried first, so 工作计划 is a plan; then ``notice``, ``news``, ``static``.)
A name none of these fit gets no category: the snippet leaves a ``# category: ?`` TODO.

Nothing is written: ``render_snippet`` returns a targets.yaml text marked for review.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urldefrag, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from crawler.extract import extract_page
from crawler.fetch import Fetcher, FetchResult, FetchSettings
from rules.model import Category, Outcome, local_date, utc_now

__all__ = [
    "DEFAULT_MAX_PAGES",
    "MIN_DATED",
    "Discovery",
    "LinkCandidate",
    "ProposedColumn",
    "columns_to_dicts",
    "discover",
    "discover_columns",
    "guess_category",
    "nav_links",
    "render_snippet",
    "site_id_from",
]

DEFAULT_MAX_PAGES = 40
MIN_DATED = 3
MAX_NAME_CHARS = 16  # longer link texts are article titles, not column names

_KEYWORDS: tuple[tuple[Category, tuple[str, ...]], ...] = (
    (Category.PLAN, ("人事", "规划", "计划")),
    (Category.NOTICE, ("通知", "公告", "公示", "政策", "文件")),
    (Category.NEWS, ("动态", "要闻", "新闻", "工作")),
    (Category.STATIC, ("概况", "简介", "领导", "机构")),
)
_TYPE_KEYWORDS: tuple[tuple[Category, tuple[str, ...]], ...] = (
    *_KEYWORDS,
    (Category.STATIC, ("静态",)),
)
_NAV_TAGS = frozenset({"nav", "header"})
_NAV_WORDS = ("nav", "menu", "header")


def _in_navigation(anchor: LexborNode) -> bool:
    """Inside a ``nav``/``header`` element, a navigation role, or a block whose class or id
    says nav, menu or header."""
    node = anchor.parent
    while node is not None and node.tag not in ("body", "html"):
        if node.tag in _NAV_TAGS or node.attributes.get("role") == "navigation":
            return True
        names = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}".lower()
        if any(word in names for word in _NAV_WORDS):
            return True
        node = node.parent
    return False


_MORE = re.compile(r"^\s*(更多|more|查看更多|>>|»)", re.IGNORECASE)
_SKIP_TEXTS = frozenset(
    """首页 网站首页 返回首页 无障碍 无障碍浏览 长者模式 关怀版 繁體 繁体 简体 english 登录 注册
    网站地图 站点地图 联系我们 设为首页 加入收藏 收藏 打印 关闭 rss""".split()
)
_FILE_SUFFIXES = (
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".zip", ".rar", ".7z",
    ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".svg", ".mp4", ".mp3", ".wps", ".txt",
    ".css", ".js", ".xml", ".json", ".apk", ".exe",
)  # fmt: skip
_DEAD_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "about:", "vbscript:", "#")
_SPACE = re.compile(r"\s+")
# Paths of articles, not columns: a date in the path, or the CMS's article file names.
_ARTICLE_PATH = re.compile(
    r"/20\d\d[-_/]?\d\d(?:[-_/]?\d\d)?/|/t20\d{6}_|content_\d+|art_\d+_\d+|/info/\d+/\d+",
    re.IGNORECASE,
)


def guess_category(name: str, column_type: str | None = None) -> tuple[Category | None, str]:
    """The category a column's name suggests, and why: ("news", "name has 要闻")."""
    for category, words in _KEYWORDS:
        for word in words:
            if word in name:
                return category, f"name has {word}"
    if column_type:
        for category, words in _TYPE_KEYWORDS:
            for word in words:
                if word in column_type:
                    return category, f"ColumnType {column_type}"
    if column_type and "应更新" in column_type:
        return None, f"ColumnType {column_type}: probably update, which needs max_age_days"
    return None, "no keyword in the name" + (f" or ColumnType {column_type}" if column_type else "")


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkCandidate:
    """A same-site link of the homepage that may lead to a column."""

    url: str
    text: str
    source: str  # "nav", "more" or "link"


@dataclass(frozen=True, slots=True, kw_only=True)
class ProposedColumn:
    """A page that looks like a column, with what was seen on it."""

    name: str
    url: str
    category: Category | None
    reason: str  # why this category (or why none)
    link_text: str
    source: str  # "nav", "more" or "link"
    list_found: bool
    item_count: int
    dated_count: int
    newest: date | None
    column_name: str | None  # the ColumnName meta tag
    column_type: str | None  # the ColumnType meta tag


@dataclass(frozen=True, slots=True, kw_only=True)
class Discovery:
    """What discovery saw on one site."""

    homepage: str
    outcome: Outcome  # of the homepage fetch
    detail: str | None = None
    site_name: str | None = None  # SiteName meta, else the <title>
    site_code: str | None = None  # SiteIDCode meta
    candidates: int = 0  # same-site links found on the homepage
    fetched: list[str] = field(default_factory=list)  # candidate URLs requested
    robots_skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (url, outcome: detail)
    columns: list[ProposedColumn] = field(default_factory=list)


def _text(node: LexborNode) -> str:
    return _SPACE.sub(" ", node.text(deep=True) or "").strip()


def _same_site(url: str, homepage: str) -> bool:
    a, b = urlsplit(url), urlsplit(homepage)
    return a.scheme in ("http", "https") and a.netloc.lower() == b.netloc.lower()


def _normal(url: str) -> str:
    return urldefrag(url)[0]


def _is_homepage(url: str, homepage: str) -> bool:
    """``url`` is the homepage (``/``, ``index.html``, ``default.aspx`` … of its folder) or
    the site's root."""
    if urlsplit(url).query:
        return False

    def folder(path: str) -> str:
        return re.sub(r"/(index|default)\.\w+$", "/", path or "/")

    stripped = folder(urlsplit(url).path)
    return stripped in (folder(urlsplit(homepage).path), "/")


def nav_links(html: str, *, base_url: str) -> list[LinkCandidate]:
    """The homepage's same-site links in the order discovery tries them: navigation menus,
    then "more" links, then other links with short texts. Files and the homepage are left out."""
    tree = LexborHTMLParser(html.replace("\x00", ""))
    base_node = tree.css_first("base[href]")
    base = base_url
    if base_node is not None and base_node.attributes.get("href"):
        base = urljoin(base_url, base_node.attributes.get("href") or "")
    seen: dict[str, LinkCandidate] = {}

    def consider(anchor: LexborNode, source: str, text: str | None = None) -> None:
        href = (anchor.attributes.get("href") or "").strip()
        if not href or href.lower().startswith(_DEAD_SCHEMES):
            return
        url = _normal(urljoin(base, href))
        if not _same_site(url, base_url) or _is_homepage(url, base_url):
            return
        if urlsplit(url).path.lower().endswith(_FILE_SUFFIXES):
            return
        label = text if text is not None else _text(anchor)
        label = label or (anchor.attributes.get("title") or "").strip()
        if label.lower() in _SKIP_TEXTS:
            return
        if source == "link" and (
            not label or len(label) > MAX_NAME_CHARS or _ARTICLE_PATH.search(url)
        ):
            return
        if url not in seen:
            seen[url] = LinkCandidate(url=url, text=label, source=source)

    anchors = tree.css("a[href]")
    for anchor in anchors:
        if _in_navigation(anchor):
            consider(anchor, "nav")
    for anchor in anchors:
        text = _text(anchor)
        if _MORE.match(text):
            consider(anchor, "more", _more_name(anchor))
    for anchor in anchors:
        consider(anchor, "link")
    return list(seen.values())


def _more_name(anchor: LexborNode) -> str:
    """The name of the block a "more" link belongs to: the nearest heading before it."""
    node: LexborNode | None = anchor.parent
    for _ in range(4):
        if node is None:
            break
        heading = node.css_first("h1, h2, h3, h4, h5, h6, .title, [class*=title], span, b, strong")
        if heading is not None:
            text = _text(heading)
            if text and not _MORE.match(text) and len(text) <= MAX_NAME_CHARS:
                return text
        node = node.parent
    return (anchor.attributes.get("title") or "").strip()


def _page_title(html: str) -> str | None:
    tree = LexborHTMLParser(html.replace("\x00", ""))
    node = tree.css_first("title")
    if node is None:
        return None
    return _text(node) or None


def _propose(link: LinkCandidate, result: FetchResult, today: date) -> ProposedColumn | None:
    if result.outcome is not Outcome.OK or result.text is None:
        return None
    extraction = extract_page(result.text, base_url=result.final_url, today=today)
    meta = extraction.meta
    column_name = (meta.get("ColumnName") or "").strip() or None
    column_type = (meta.get("ColumnType") or "").strip() or None
    dated = sum(1 for item in extraction.items if item.published is not None)
    listed = extraction.list_found and dated >= MIN_DATED
    if not listed and (
        (column_name is None and column_type is None)
        or extraction.kind == "article"
        or "ArticleTitle" in meta
    ):
        return None  # not a list, and either no column tags or an article's own tags
    name = column_name or link.text or _page_title(result.text) or result.final_url
    category, reason = guess_category(name, column_type)
    return ProposedColumn(
        name=name,
        url=result.final_url,
        category=category,
        reason=reason,
        link_text=link.text,
        source=link.source,
        list_found=extraction.list_found,
        item_count=len(extraction.items),
        dated_count=dated,
        newest=extraction.newest,
        column_name=column_name,
        column_type=column_type,
    )


async def discover_columns(
    homepage: str,
    *,
    fetcher: Fetcher,
    today: date,
    max_pages: int = DEFAULT_MAX_PAGES,
    respect_robots: bool = True,
) -> Discovery:
    """Fetch ``homepage`` and at most ``max_pages`` of its same-site links; propose the
    pages that look like columns, in the order their links were found."""
    if max_pages < 1:
        raise ValueError(f"max_pages={max_pages}: use 1 or more")
    home = await fetcher.fetch(homepage, respect_robots=respect_robots)
    if home.outcome is not Outcome.OK or home.text is None:
        return Discovery(homepage=homepage, outcome=home.outcome, detail=home.detail)
    home_meta = extract_page(home.text, base_url=home.final_url, today=today, homepage=True).meta
    links = nav_links(home.text, base_url=home.final_url)
    discovery = Discovery(
        homepage=homepage,
        outcome=home.outcome,
        site_name=(home_meta.get("SiteName") or "").strip() or _page_title(home.text),
        site_code=(home_meta.get("SiteIDCode") or "").strip() or None,
        candidates=len(links),
    )
    results: dict[str, tuple[LinkCandidate, FetchResult]] = {}
    pending = list(reversed(links))
    budget = [max_pages]

    async def worker() -> None:
        while pending and budget[0] > 0:
            link = pending.pop()
            budget[0] -= 1
            result = await fetcher.fetch(link.url, respect_robots=respect_robots)
            if result.attempts == 0:  # robots.txt refused it: nothing was requested
                budget[0] += 1
                discovery.robots_skipped.append(link.url)
                continue
            discovery.fetched.append(link.url)
            results[link.url] = (link, result)

    async with asyncio.TaskGroup() as group:
        for _ in range(2):
            group.create_task(worker())
    proposed: dict[str, ProposedColumn] = {}
    for link in links:
        if link.url not in results:
            continue
        _, result = results[link.url]
        if result.outcome is not Outcome.OK:
            discovery.failed.append(
                (link.url, f"{result.outcome.value}: {result.detail or result.status or ''}")
            )
            continue
        column = await asyncio.to_thread(_propose, link, result, today)
        if column is not None and column.url not in proposed:
            proposed[column.url] = column
    discovery.columns.extend(proposed.values())
    return discovery


async def discover(
    homepage: str, *, settings: FetchSettings, max_pages: int, respect_robots: bool
) -> Discovery:
    """``discover_columns`` as of today (Asia/Shanghai), with a fetcher of its own."""
    async with Fetcher(settings) as fetcher:
        return await discover_columns(
            homepage,
            fetcher=fetcher,
            today=local_date(utc_now()),
            max_pages=max_pages,
            respect_robots=respect_robots,
        )


def _yaml_string(value: str) -> str:
    """A YAML double-quoted scalar (JSON's escaping is valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def site_id_from(homepage: str) -> str:
    """A site id proposal from the homepage's host: www.jiyuan.gov.cn → jiyuan-gov-cn."""
    host = (urlsplit(homepage).hostname or "site").lower()
    host = host.removeprefix("www.")
    slug = re.sub(r"[^a-z0-9]+", "-", host).strip("-") or "site"
    return slug[:64].rstrip("-")


def render_snippet(
    discovery: Discovery,
    *,
    site_id: str | None = None,
    site_name: str | None = None,
    checked_on: date,
    known_urls: Iterable[str] = (),
) -> str:
    """A targets.yaml text for the discovered columns, marked for review; nothing is written.

    Every guess is a YAML comment or a TODO: a column without a category has its category
    line commented out, so the text parses as YAML but does not load as targets until it is
    reviewed and filled in.
    """
    known = {_normal(url) for url in known_urls}
    lines = [
        f"# Proposed by `crawl discover` from {discovery.homepage} on {checked_on.isoformat()}",
        "# (Asia/Shanghai). REVIEW BEFORE USE: check each column's URL, name and category,",
        "# fill in every TODO, and remove what is not a column. Categories are guessed from the",
        "# names: news 2 weeks, notice 6 months, plan 1 year, update (needs max_age_days), static.",
        f"# {len(discovery.fetched)} pages fetched of {discovery.candidates} links on the homepage"
        + (
            f", {len(discovery.robots_skipped)} refused by robots.txt"
            if discovery.robots_skipped
            else ""
        )
        + ".",
        "version: 1",
        "sites:",
    ]
    chosen_id = site_id or site_id_from(discovery.homepage)
    id_note = "" if site_id else "  # TODO: review the site id"
    lines.append(f"  - id: {chosen_id}{id_note}")
    name = site_name or discovery.site_name
    if name:
        lines.append(f"    name: {_yaml_string(name)}")
    else:
        lines.append('    name: "TODO"  # TODO: the site\'s name')
    lines.append(f"    homepage: {_yaml_string(discovery.homepage)}")
    if discovery.site_code:
        lines.append(f"    site_code: {_yaml_string(discovery.site_code)}")
    if not discovery.columns:
        lines.append("    columns: []  # TODO: no list column found; add the columns by hand")
        return "\n".join(lines) + "\n"
    lines.append("    columns:")
    for column in discovery.columns:
        seen = [f"{column.dated_count}/{column.item_count} items dated"]
        if column.newest is not None:
            seen.append(f"newest item {column.newest.isoformat()}")
        if column.column_type:
            seen.append(f"ColumnType {column.column_type}")
        if _normal(column.url) in known:
            seen.append("already in the targets file")
        lines.append(f"      # {'; '.join(seen)}")
        lines.append(f"      - name: {_yaml_string(column.name)}")
        lines.append(f"        url: {_yaml_string(column.url)}")
        if column.category is None:
            lines.append(
                f"        # category: ?  # TODO: news | notice | plan | static, or update with "
                f"max_age_days ({column.reason})"
            )
        else:
            lines.append(
                f"        category: {column.category.value}  # guessed: {column.reason}; review"
            )
    return "\n".join(lines) + "\n"


def columns_to_dicts(columns: Sequence[ProposedColumn]) -> list[dict[str, object]]:
    return [
        {
            "name": column.name,
            "url": column.url,
            "category": column.category.value if column.category else None,
            "reason": column.reason,
            "link_text": column.link_text,
            "source": column.source,
            "list_found": column.list_found,
            "items": column.item_count,
            "dated": column.dated_count,
            "newest": column.newest.isoformat() if column.newest else None,
            "column_name": column.column_name,
            "column_type": column.column_type,
        }
        for column in columns
    ]

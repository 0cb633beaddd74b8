"""Pagination of column list pages: one page's HTML and URL in, the next page's URL out.

Pure: no fetching. The styles read, in this order (the first that gives a next page wins):

- ``trs``: the TRS WCM script ``createPageHTML(countPage, currentPage, "index", "html")``
  (arguments literal, or variables set by ``var countPage = 10``). Pages are numbered from 0:
  ``index.html`` is page 0, ``index_1.html`` page 1 … up to ``countPage - 1``. It also gives
  the page count.
- ``next-link``: an ``<a>`` whose text is 下一页 / 下页 / 后页 / ``>`` / ``›`` / ``»`` (with a real
  ``href``, not ``javascript:`` or ``#``).
- ``numbered``: a link to the next number of this page's own sequence: ``index_N.html`` (and
  ``list_N.html`` …; after ``index.html`` either ``index_1.html`` or ``index_2.html``), or the
  same path with the next value of a page parameter (``?page=N``, ``&pageNum=N``, ``pageNo``,
  ``pageIndex``, ``currentPage``, ``curPage``, ``p``) — Hanweb's
  ``/col/col123/index.html?uid=…&pageNum=2`` is this style.

Hanweb's ``jpage`` / ``dataproxy.jsp`` lists are loaded by a POST from a script and have no page
URL in the HTML: the records of the first page (embedded in ``<datastore>``) are read, no
further page is found, and the column's crawl stops at ``last_page`` (see docs/disclosure.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import SplitResult, parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser

__all__ = ["PageLinks", "PagingStyle", "next_page"]

PagingStyle = Literal["trs", "next-link", "numbered"]

_CREATE_PAGE = re.compile(
    r"createPageHTML\(\s*([\w.]+)\s*,\s*([\w.]+)\s*,\s*['\"]([^'\"]*)['\"]\s*,\s*['\"]([^'\"]*)['\"]"
)
_NEXT_TEXTS = frozenset(
    {"下一页", "下页", "后页", "下一頁", ">", "›", "»", ">>", "〉", "下一页>", "下一页>>"}
)
_PAGE_PARAMS = ("page", "pagenum", "pageno", "pageindex", "currentpage", "curpage", "p")
_NUMBERED_FILE = re.compile(r"^(?P<stem>.+?)(?:_(?P<n>\d+))?\.(?P<ext>s?html?|jsp|php|aspx?)$")


@dataclass(frozen=True, slots=True, kw_only=True)
class PageLinks:
    """Where the list continues after this page."""

    next_url: str | None  # absolute; None: this is the last page (as far as the page says)
    style: PagingStyle | None  # how the next page was found
    page_count: int | None = None  # the total number of pages, where the page says (TRS)
    current: int | None = None  # this page's index in its sequence, where known


def next_page(html: str, url: str) -> PageLinks:
    """The next list page after ``html`` served at ``url``; never raises on page content."""
    trs = _trs(html, url)
    if trs is not None:
        return trs
    try:
        tree = LexborHTMLParser(html)
    except Exception:  # a page that cannot be parsed has no next page
        return PageLinks(next_url=None, style=None)
    hrefs: list[tuple[str, str]] = []
    for anchor in tree.css("a[href]"):
        href = (anchor.attributes.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        text = re.sub(r"\s+", "", anchor.text(deep=True) or "")
        hrefs.append((text, urljoin(url, href)))
    for text, target in hrefs:
        if text in _NEXT_TEXTS and _same_site(target, url) and _strip(target) != _strip(url):
            return PageLinks(next_url=target, style="next-link")
    numbered = _numbered(url, [target for _, target in hrefs])
    if numbered is not None:
        return numbered
    return PageLinks(next_url=None, style=None)


def _strip(url: str) -> str:
    return urlsplit(url)._replace(fragment="").geturl()


def _same_site(target: str, url: str) -> bool:
    return urlsplit(target).netloc == urlsplit(url).netloc


def _int_value(token: str, html: str) -> int | None:
    if token.isdigit():
        return int(token)
    name = re.escape(token.split(".")[-1])
    match = re.search(rf"\b{name}\s*=\s*['\"]?(\d+)", html)
    return int(match[1]) if match else None


def _trs(html: str, url: str) -> PageLinks | None:
    match = _CREATE_PAGE.search(html)
    if match is None:
        return None
    count = _int_value(match[1], html)
    current = _int_value(match[2], html)
    name, ext = match[3] or "index", match[4] or "html"
    if count is None or current is None:
        return None
    if current + 1 >= count:
        return PageLinks(next_url=None, style="trs", page_count=count, current=current)
    return PageLinks(
        next_url=urljoin(url, f"{name}_{current + 1}.{ext}"),
        style="trs",
        page_count=count,
        current=current,
    )


def _numbered(url: str, targets: list[str]) -> PageLinks | None:
    here = urlsplit(url)
    wanted: set[str] = set()
    current: int | None = None
    # A page parameter in this URL's query (or none yet: page 1).
    query = parse_qsl(here.query, keep_blank_values=True)
    keys = [k for k, _ in query]
    param = next((k for k in keys if k.lower() in _PAGE_PARAMS), None)
    if param is not None:
        value = dict(query)[param]
        if value.isdigit():
            current = int(value)
            wanted.add(_with_param(here, query, param, current + 1))
    # The file name of this URL in an _N sequence.
    directory, _, leaf = here.path.rpartition("/")
    file = _NUMBERED_FILE.match(leaf or "index.html")
    if file is not None and param is None:
        stem, ext = file["stem"], file["ext"]
        number = int(file["n"]) if file["n"] else None
        prefix = urlunsplit((here.scheme, here.netloc, f"{directory}/", "", ""))
        if number is None:
            current = 0
            wanted.update(urljoin(prefix, f"{stem}_{n}.{ext}") for n in (1, 2))
        else:
            current = number
            wanted.add(urljoin(prefix, f"{stem}_{number + 1}.{ext}"))
    for target in targets:
        if _strip(target) in wanted:
            return PageLinks(next_url=_strip(target), style="numbered", current=current)
    if param is None:
        # The first page of a ?page=N list carries no parameter: look for page 2 of this path.
        for target in targets:
            split = urlsplit(target)
            if split.netloc != here.netloc or split.path != here.path:
                continue
            pairs = parse_qsl(split.query, keep_blank_values=True)
            found = next((k for k, _ in pairs if k.lower() in _PAGE_PARAMS), None)
            if found is None:
                continue
            if dict(pairs)[found] == "2" and _other_params(pairs, found) == _other_params(
                query, found
            ):
                return PageLinks(next_url=_strip(target), style="numbered", current=1)
    return None


def _other_params(pairs: list[tuple[str, str]], skip: str) -> list[tuple[str, str]]:
    return sorted((k, v) for k, v in pairs if k != skip)


def _with_param(here: SplitResult, query: list[tuple[str, str]], param: str, value: int) -> str:
    pairs = [(k, str(value) if k == param else v) for k, v in query]
    return urlunsplit(here._replace(query=urlencode(pairs), fragment=""))

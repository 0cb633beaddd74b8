"""One page in, one ``PageExtraction`` out: a list, an article, or neither.

The page is parsed once. The list is looked for in the HTML (by structure, or with the
column's CSS selector), in Hanweb datastore scripts and in JSON arrays inside scripts; the best
scoring one wins. A list found in the HTML takes in the headline and pinned blocks above it
(``blocks``): the column's newest item may stand there.

Article or list is decided on the whole page: its article signs (a publish-date meta tag, the
ArticleTitle tag, a visible 发布时间 line, a heading, the running text outside the list's
entries) against the list. A page with article signs whose list is a side box (相关文章,
推荐, attachment rows) is an article; otherwise it is one when its running text outweighs the
list. Only the entries are left out of the running text, so an article body that holds a few
dated links is still prose, never the page's list. With a selector, what it selects is the
list. Nothing here raises on any input string: a page that cannot be read is "unknown".
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from types import MappingProxyType
from typing import Literal

from selectolax.lexbor import LexborHTMLParser, LexborNode

from crawler.extract.anchors import ReadAnchor, document_base, read_anchors
from crawler.extract.article import ArticleSigns, htmldate_fallback, read_article_signs
from crawler.extract.blocks import blocks_above
from crawler.extract.hidden_links import HiddenLink, find_hidden_links, hidden_links_in
from crawler.extract.limits import too_complex
from crawler.extract.links import PageImage, PageLink, collect_images, collect_links
from crawler.extract.listitems import place_entries, to_items
from crawler.extract.listpage import FoundList, find_list, find_lists, select_list
from crawler.extract.meta import MetaTags, read_meta
from crawler.extract.pagekind import PageIdentity, read_page_identity
from crawler.extract.personal import PersonalMatch, find_personal_data
from crawler.extract.scripted import datastore_html, json_list, written_html
from crawler.extract.text import collapse
from crawler.extract.wording import WordingHit, check_text
from crawler.extract.wording.load import bundled_wording
from rules.model import Item

logger = logging.getLogger(__name__)

_ARTICLE_TITLE_MIN_CHARS = 6  # an ArticleTitle this short may be a column's name
_ARTICLE_PROSE_CHARS = 500  # running text that makes a headed page without date tags an article
_PROSE_TO_LIST_RATIO = 3  # … when it is this many times the list's title text
_SIGNED_PROSE_CHARS = 200  # running text that, with one whole-page article sign, makes an article
_WELL_DATED_ENTRIES = 3  # a list with this many dated entries (half of them or more) is dated
_UNDATED_PROSE_CHARS = 1000  # running text that outweighs an undated list without a heading …
_UNDATED_PROSE_RATIO = 5  # … when it is this many times the list's title text
_DATASTORE_PREFIX = "script datastore: "
_WRITTEN_PREFIX = "script document.write: "


@dataclass(frozen=True, slots=True, kw_only=True)
class PageExtraction:
    """What one page holds, as far as freshness is concerned."""

    kind: Literal["list", "article", "unknown"]
    items: tuple[Item, ...]  # list entries in page order (empty for article/unknown)
    list_found: bool  # False: no list found, an explicit result
    newest: date | None  # the newest entry date of a list
    published: date | None  # an article's publish date
    published_where: str | None  # where the article date was read
    meta: Mapping[str, str]  # the government meta tags found, by their canonical names
    links: tuple[PageLink, ...] = ()  # every <a href> of the page (for the link checks)
    images: tuple[PageImage, ...] = ()  # every <img> of the page (for the image checks)
    # Why extraction did not read the page at all (too deeply nested, out of time): such a page
    # is unreadable, whatever its text says — never an empty column.
    refused: str | None = None
    # 身份证号, mobile and bank card numbers its text shows, masked (crawler.extract.personal)
    personal: tuple[PersonalMatch, ...] = ()
    # the curated list's 严重表述错误/错别字 in its text (crawler.extract.wording)
    wording: tuple[WordingHit, ...] = ()
    # links hidden from visitors to other sites (暗链, crawler.extract.hidden_links)
    hidden_links: tuple[HiddenLink, ...] = ()

    @property
    def content(self) -> dict[str, list[dict[str, object]]] | None:
        """What the content checks found, as stored (``snapshots.content_checks``); None:
        nothing."""
        found: dict[str, list[dict[str, object]]] = {}
        if self.wording:
            found["wording"] = [
                {"wrong": h.wrong, "right": h.right, "kind": h.kind, "source": h.source,
                 "sentence": h.sentence}
                for h in self.wording
            ]  # fmt: skip
        if self.hidden_links:
            found["hidden"] = [
                {"url": h.url, "text": h.text, "how": h.how, "how_text": h.how_text,
                 "where": h.where, "keywords": list(h.keywords), "external": h.external}
                for h in self.hidden_links
            ]  # fmt: skip
        return found or None


_NOTHING: Mapping[str, str] = MappingProxyType({})


def extract_page(
    html: str,
    *,
    base_url: str,
    today: date,
    selector: str | None = None,
    homepage: bool = False,
) -> PageExtraction:
    """Extract the list (or the article date) of one decoded page. Never raises on page content.

    With ``homepage=True`` the items are those of EVERY list on the page, not only the main
    one: a homepage is updated in many blocks (要闻, 通知公告, 部门动态 …), and "no new
    information on the homepage" must look at all of them. Markup past ``limits`` (nesting,
    tags) is not parsed at all: the page is "unknown".
    """
    if reason := too_complex(html):
        logger.warning("%s: %s", base_url, reason)
        return refused_page(reason)
    try:
        if homepage:
            return _extract_homepage(html, base_url=base_url, today=today)
        return _extract(html, base_url=base_url, today=today, selector=selector)
    except RecursionError:
        logger.warning("page too deeply nested to extract: %s", base_url)
    except Exception:
        logger.exception("extraction failed on %s; reported as an unknown page", base_url)
    return _unknown(_NOTHING)


@dataclass(frozen=True, slots=True)
class _Parsed:
    meta: MetaTags
    base: str  # the URL links resolve against
    scripts: list[str]
    body: LexborNode | None
    root: LexborNode | None  # the body, or the document when there is none
    links: tuple[PageLink, ...] = ()
    images: tuple[PageImage, ...] = ()
    title: str = ""  # the document's <title>
    personal: tuple[PersonalMatch, ...] = ()  # personal numbers its text shows, masked
    hidden_links: tuple[HiddenLink, ...] = ()  # 暗链
    text: str = ""  # the visible text the content checks read (with ``today`` only)
    today: date | None = None  # None: no content checks
    anchors: list[ReadAnchor] | None = None  # the root's anchors, read once for all their uses

    def wording(self, page_date: date | None = None) -> tuple[WordingHit, ...]:
        """The wording list's errors in the text, checked once the page's kind is known: with
        an article's own date (from the page, never htmldate's guess: a wrong date would make a
        correct title wrong) the post holders are checked too."""
        if self.today is None or not self.text:
            return ()
        hits = check_text(self.text, bundled_wording(), today=self.today, page_date=page_date)
        return tuple(hits)


def page_references(html: str, base_url: str) -> tuple[tuple[PageLink, ...], tuple[PageImage, ...]]:
    """The links and images of a page, read exactly as ``extract_page`` reads them."""
    parsed = _parse(html, base_url)
    return parsed.links, parsed.images


def _parse(html: str, base_url: str, today: date | None = None) -> _Parsed:
    """Parse once: meta tags, the base URL and the scripts' text, then drop non-content tags;
    with ``today``, the content checks too: personal numbers, the wording list, 暗链 (read
    from the markup before scripts, styles and comments are dropped)."""
    hidden: tuple[HiddenLink, ...] = ()
    nul = "\x00" in html
    tree = LexborHTMLParser(html.replace("\x00", "") if nul else html)
    if today is not None:
        # the 暗链 scan reads this parse before scripts, styles and comments are dropped; a
        # page with NUL characters it reads as written, in a parse of its own
        found = find_hidden_links(html, base_url) if nul else hidden_links_in(tree, html, base_url)
        hidden = tuple(found)
    meta = read_meta(tree)
    base_node = tree.css_first("base[href]")
    base = document_base(base_url, base_node.attributes.get("href") if base_node else None)
    scripts = [node.text(deep=True) for node in tree.css("script")]
    title_node = tree.css_first("title")
    title = title_node.text(deep=True) if title_node is not None else ""
    tree.strip_tags(["script", "style", "noscript", "template"])
    body = tree.body
    root = body if body is not None else tree.root
    anchors = read_anchors(root) if root is not None else None
    links = collect_links(root, base_url=base, anchors=anchors)
    images = collect_images(root, base_url=base)
    personal: tuple[PersonalMatch, ...] = ()
    text = ""
    if today is not None and root is not None:
        text = root.text(separator="\n")
        personal = tuple(find_personal_data(text, today=today))
    return _Parsed(
        meta, base, scripts, body, root, links, images, title, personal, hidden, text, today,
        anchors,
    )  # fmt: skip


def _extract(html: str, *, base_url: str, today: date, selector: str | None) -> PageExtraction:
    if not html or not html.strip():
        return _unknown(_NOTHING)
    parsed = _parse(html, base_url, today)
    meta, base, scripts, body, root = (
        parsed.meta,
        parsed.base,
        parsed.scripts,
        parsed.body,
        parsed.root,
    )

    found: FoundList | None = None
    if root is not None:
        if selector is not None:
            found = select_list(root, selector, base_url=base, today=today)
        else:
            found = _best_list(root, scripts, base_url=base, today=today, anchors=parsed.anchors)
            if found is not None and found.containers and not found.side_box:
                found = _with_blocks(found, base_url=base, today=today)

    skip = frozenset(node.mem_id for node in found.entries) if found else frozenset()
    signs = read_article_signs(body, meta, scripts=scripts, today=today, skip=skip)
    identity = read_page_identity(root, meta, title=parsed.title, scripts=scripts, skip=skip)
    government = MappingProxyType(dict(meta.government))

    if found is not None and (
        selector is not None
        or not (
            _is_article(signs, identity, found, titled=_titled(root, meta, found))
            or _says_article(identity, signs, found)
        )
    ):
        dates = [item.published for item in found.items if item.published is not None]
        return PageExtraction(
            kind="list",
            items=found.items,
            list_found=True,
            newest=max(dates) if dates else None,
            published=None,
            published_where=None,
            meta=government,
            links=parsed.links,
            images=parsed.images,
            personal=parsed.personal,
            wording=parsed.wording(),
            hidden_links=parsed.hidden_links,
        )
    # Here a list found is an article's own (related links): the page is that article.
    if (
        found is not None
        or signs.is_article
        or (signs.heading and signs.prose_chars >= _ARTICLE_PROSE_CHARS)
        or _says_article(identity, signs, None)
    ):
        published, where = signs.published, signs.published_where
        if published is None:
            published = htmldate_fallback(html, today=today)
            where = "htmldate" if published is not None else None
        return PageExtraction(
            kind="article",
            items=(),
            list_found=False,
            newest=None,
            published=published,
            published_where=where,
            meta=government,
            links=parsed.links,
            images=parsed.images,
            personal=parsed.personal,
            wording=parsed.wording(published if signs.published else None),
            hidden_links=parsed.hidden_links,
        )
    return _unknown(government, parsed)


def _extract_homepage(html: str, *, base_url: str, today: date) -> PageExtraction:
    if not html or not html.strip():
        return _unknown(_NOTHING)
    parsed = _parse(html, base_url, today)
    base, scripts, root = parsed.base, parsed.scripts, parsed.root
    government = MappingProxyType(dict(parsed.meta.government))
    lists = (
        find_lists(root, base_url=base, today=today, anchors=parsed.anchors)
        if root is not None
        else []
    )
    in_scripts = _best_list_in_scripts(scripts, base_url=base, today=today)
    if in_scripts is not None:
        lists.append(in_scripts)
    if not lists:
        return _unknown(government, parsed)
    items: dict[str, Item] = {}
    for found in lists:
        for item in found.items:
            items.setdefault(item.url, item)
    dates = [item.published for item in items.values() if item.published is not None]
    return PageExtraction(
        kind="list",
        items=tuple(items.values()),
        list_found=True,
        newest=max(dates) if dates else None,
        published=None,
        published_where=None,
        meta=government,
        links=parsed.links,
        images=parsed.images,
        personal=parsed.personal,
        wording=parsed.wording(),
        hidden_links=parsed.hidden_links,
    )


def _best_list(
    root: LexborNode,
    scripts: list[str],
    *,
    base_url: str,
    today: date,
    anchors: list[ReadAnchor] | None,
) -> FoundList | None:
    in_html = find_list(root, base_url=base_url, today=today, anchors=anchors)
    in_scripts = _best_list_in_scripts(scripts, base_url=base_url, today=today)
    choices = [found for found in (in_html, in_scripts) if found is not None]
    return max(choices, key=lambda found: found.score, default=None)


def _best_list_in_scripts(scripts: list[str], *, base_url: str, today: date) -> FoundList | None:
    """The best list that scripts hold: datastore records, document.write HTML, JSON arrays."""
    choices: list[FoundList] = []
    for fragment_html, prefix in (
        (datastore_html(scripts), _DATASTORE_PREFIX),
        (written_html(scripts), _WRITTEN_PREFIX),
    ):
        if fragment_html is not None:
            in_fragment = _fragment_list(fragment_html, prefix, base_url=base_url, today=today)
            if in_fragment is not None:
                choices.append(in_fragment)
    in_json = json_list(scripts, base_url=base_url, today=today)
    if in_json is not None:
        choices.append(in_json)
    return max(choices, key=lambda found: found.score, default=None)


def _fragment_list(
    fragment_html: str, prefix: str, *, base_url: str, today: date
) -> FoundList | None:
    """The list in HTML that scripts render on the client."""
    fragment = LexborHTMLParser(fragment_html).body
    if fragment is None:
        return None
    found = find_list(fragment, base_url=base_url, today=today, prefix=prefix)
    if found is None:
        return None
    # the fragment's elements are not in the page tree: nothing to leave out there
    return FoundList(
        items=found.items,
        score=found.score,
        containers=(),
        title_chars=found.title_chars,
        side_box=found.side_box,
        framed=found.framed,
    )


def _with_blocks(found: FoundList, *, base_url: str, today: date) -> FoundList:
    """The list with the dated entries of the headline and pinned blocks above it, first."""
    read = blocks_above(
        found.containers,
        base_url=base_url,
        today=today,
        taken=frozenset(item.url for item in found.items),
    )
    if not read:
        return found
    placed = place_entries(read, today=today, pinned=True)
    return FoundList(
        items=to_items(placed, today=today, prefix="") + found.items,
        score=found.score,
        containers=found.containers,
        title_chars=found.title_chars + sum(len(entry.title) for _, entry in read),
        entries=tuple(element for element, _ in read) + found.entries,
        side_box=found.side_box,
        framed=found.framed,
    )


def _is_article(
    signs: ArticleSigns, identity: PageIdentity, found: FoundList, *, titled: bool
) -> bool:
    """True when the page is one article and the list found on it is the article's.

    An ArticleTitle tag that is the page's own heading makes an article whatever lists it
    holds. A dated list on a page that runs on over pages (下一页, 共N页) or whose heading is
    the column's name is the column's, however long the text above it. A side box (相关文章,
    推荐, comments, attachment rows, any list in the page's frame or a side region) is an
    article's when the page has a heading, a date tag or line, and some prose. Any other list
    is, when the page has article signs (a date or ArticleTitle tag, a date line with some
    prose) and its running text outweighs the list, or without them when it has a heading over
    long prose that far outweighs the list."""
    if titled:
        return True
    if (identity.paginated or identity.column_named) and _well_dated(found):
        return False  # a column's dated list, whatever intro or description stands above it
    labelled = signs.meta_date or signs.meta_article or signs.visible_line
    aside = found.side_box or found.framed
    if aside and signs.heading and labelled and signs.prose_chars > 0:
        return True  # (a 热点回应 column page, its list alone under a date tag, stays a list)
    if signs.is_article:
        return signs.prose_chars > found.title_chars
    if not signs.heading or signs.prose_chars < _ARTICLE_PROSE_CHARS:
        return False
    return aside or signs.prose_chars >= _PROSE_TO_LIST_RATIO * found.title_chars


def _says_article(identity: PageIdentity, signs: ArticleSigns, found: FoundList | None) -> bool:
    """True when the whole page says it is one article, whatever its list (or without one).

    A column page says otherwise: its list runs on over pages, or a heading is the column's
    name. Else a headline naming the page as its title does, with an article type, makes an
    article whatever list it holds (its related links, its teasers). A list that is not
    dated (fewer than three dated entries, or under half of them) is an article's when the
    page has two of a headline, an article type and a date tag or line, or one of them over
    some prose, or running text that far outweighs the list."""
    if identity.paginated or identity.column_named:
        return False
    if identity.headline and identity.article_typed:
        return True
    if found is not None and _well_dated(found):
        return False
    dated_sign = signs.meta_date or signs.visible_line
    count = sum((identity.headline, identity.article_typed, dated_sign))
    if count >= 2 or (count == 1 and signs.prose_chars >= _SIGNED_PROSE_CHARS):
        return True
    return (
        found is not None
        and not any(item.published is not None for item in found.items)
        and signs.prose_chars >= _UNDATED_PROSE_CHARS
        and signs.prose_chars >= _UNDATED_PROSE_RATIO * found.title_chars
    )


def _well_dated(found: FoundList) -> bool:
    dated = sum(1 for item in found.items if item.published is not None)
    return dated >= _WELL_DATED_ENTRIES and 2 * dated >= len(found.items)


def _titled(root: LexborNode | None, meta: MetaTags, found: FoundList) -> bool:
    """The ArticleTitle tag names an article (not the column) and the page's heading is it."""
    title = collapse(meta.government.get("ArticleTitle", ""))
    if len(title) < _ARTICLE_TITLE_MIN_CHARS or title == meta.government.get("ColumnName"):
        return False
    if root is None or any(item.title == title for item in found.items):
        return False
    entries = {node.mem_id for node in found.entries}
    for heading in root.css("h1, h2, h3"):
        text = collapse(heading.text())
        # the heading is the title, holds it, or most of it (a site name in an h1 is not)
        same = title in text or (text in title and 2 * len(text) >= len(title))
        if text and same and not _inside(heading, entries):
            return True
    return False


def _inside(node: LexborNode, ids: set[int]) -> bool:
    current: LexborNode | None = node
    while current is not None:
        if current.mem_id in ids:
            return True
        current = current.parent
    return False


def refused_page(reason: str) -> PageExtraction:
    """A page extraction did not read at all, and why: unreadable, never an empty column."""
    return replace(_unknown(_NOTHING), refused=reason)


def _unknown(meta: Mapping[str, str], parsed: _Parsed | None = None) -> PageExtraction:
    return PageExtraction(
        kind="unknown",
        items=(),
        list_found=False,
        newest=None,
        published=None,
        published_where=None,
        meta=meta,
        links=parsed.links if parsed else (),
        images=parsed.images if parsed else (),
        personal=parsed.personal if parsed else (),
        wording=parsed.wording() if parsed else (),
        hidden_links=parsed.hidden_links if parsed else (),
    )

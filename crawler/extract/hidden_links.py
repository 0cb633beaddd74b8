"""Hidden links (暗链): links to gambling, pornography, loans, fake documents or private game
servers that a hacked site carries where its visitors, and so its office, never see them.

A link is returned only when it is **hidden** and **external**: its host lies outside the
page's registrable domain (``own_hosts`` add more; the last three labels under ``gov.cn``,
``com.cn`` and the like, else two) and is no government host. Hidden links to the site itself
or to other government sites (dropdown menus, tabs, skip links) are never returned. Hidden
means, on the link or an element around it (``<body>``/``<html>`` aside: hidden until
scripts run), set inline or by a rule of the page's ``<style>`` blocks:

- *weak* (menus and tabs hide this way): ``display:none``, ``visibility:hidden``, the
  ``hidden`` attribute, ``<noscript>``, an HTML comment (old links are commented out);
- *strong*: ``position:absolute|fixed`` with ``left``/``top`` ≤ −500px, ``width``/``height``
  ≤ 2px with ``overflow:hidden``, ``opacity:0``, ``<marquee>`` ≤ 2px or ``scrollamount`` ≥ 500;
  ``text-indent`` ≤ −999px or ``font-size`` ≤ 1px where no class, id or background could make
  the element an icon (then weak); a link colour set inline equal to the background behind it,
  found inline or in ``bgcolor`` through elements without class or id;
- written by an inline script (``document.write``, ``innerHTML``: its string literals,
  unescaped) with any of the above: ``script-written``.

``aria-hidden`` alone is not hiding. A wrong 暗链 finding costs more than a missed one, so a
hidden external link is returned when

- its text, title, image alt or URL holds one unambiguous spam word and its hiding is strong;
- or it holds one unambiguous or two ambiguous words of different meanings (澳门 and 娱乐;
  贷款, 彩票, 发票, 办证 alone are government words), and the hiding block is no page
  furniture: it holds no link of the site's own, is no child of an ``<li>`` (a submenu), and
  neither it nor its two parents have a class or id of a menu, tab, carousel, share box or
  skip link (``nav``, ``tab``, ``sub``, ``slide``, ``share``, ``sr-only``, ``yqlj`` …);
- or, without such words, its hiding is strong, it leads to no share, statistics or badge
  service (bshare, jiathis, cnzz, the 党政机关 badge …) and the block is no furniture.

The stylesheet is read only for simple selectors ending in a class or id
(``crawler.extract.hiding_css`` says which); no external CSS is fetched.

- ``hiding_css``: the page's stylesheet, inline styles, lengths and colours, and the reasons
  an element's own style and attributes give
- ``hiding_fragments``: the links in HTML comments and in the HTML inline scripts write
- ``spam_words``: ``SPAM_WORDS`` and how surely the words found make a link planted
- ``link_hosts``: government hosts, registrable domains, share and statistics services
- ``page_furniture``: menus, tabs, share boxes and skip links, hidden by design
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode

from crawler.extract.anchors import document_base
from crawler.extract.hiding_css import (
    _INLINE_TAGS,
    MAX_STYLE_CHARS,
    TINY_PX,
    _colour,
    _declarations,
    _own_reasons,
    _pictured,
    _pixels,
    _Reason,
    _StyleSheet,
    _via,
)
from crawler.extract.hiding_fragments import _COMMENT, _comments, _worth_reading, _written_html
from crawler.extract.link_hosts import (
    _AUTHORITY,
    _bare_host,
    _host,
    _is_widget,
    _registrable,
    is_government_host,
)
from crawler.extract.links import absolute_url
from crawler.extract.locate import describe, position
from crawler.extract.page_furniture import _furniture
from crawler.extract.spam_words import _SURE, SPAM_WORDS, _spam_grade, _spam_words
from crawler.extract.text import collapse

__all__ = ["SPAM_WORDS", "HiddenLink", "find_hidden_links", "hidden_links_in", "is_government_host"]

MAX_HIDDEN_LINKS = 200
MAX_TEXT_CHARS = 80
MAX_URL_CHARS = 200  # of a URL, what is searched for spam words
_FRAME_TAGS = frozenset({"html", "body", "head"})
_SEE_THROUGH = frozenset({"transparent", "none", "inherit", "initial", "unset", ""})
_ABSOLUTE_LINKS = 'a[href^="http" i], a[href^="//"]'


@dataclass(frozen=True, slots=True, kw_only=True)
class HiddenLink:
    """One hidden external link, with how and where it is hidden as evidence."""

    url: str  # absolute
    text: str  # the anchor text (or its title), whitespace collapsed, ≤ 80 characters
    how: str  # display-none, off-screen, same-colour, comment, script-written, css-class …
    how_text: str  # in Chinese, with the value that hides: 位于页面可视区域之外(left:-9999px)
    where: str  # the hiding element, CSS-like: div#footer > div[style] > a[3]
    keywords: tuple[str, ...]  # SPAM_WORDS found in its text, URL, title or image alt
    external: bool  # outside the site's registrable domain and no government host


def find_hidden_links(
    html: str, base_url: str, *, own_hosts: Iterable[str] = ()
) -> list[HiddenLink]:
    """The page's hidden external links that look planted, in document order (links in the
    page first, then those in comments, then those written by scripts); at most 200."""
    return hidden_links_in(HTMLParser(html), html, base_url, own_hosts=own_hosts)


def hidden_links_in(
    tree: HTMLParser, html: str, base_url: str, *, own_hosts: Iterable[str] = ()
) -> list[HiddenLink]:
    """``find_hidden_links`` on ``html`` already parsed, its scripts, styles and comments
    still in the tree (the page's one parse, read before they are dropped)."""
    base = tree.css_first("base[href]")
    href = base.attributes.get("href") if base is not None else None
    sheet = _StyleSheet(
        text for text in (node.text() for node in tree.css("style")) if len(text) <= MAX_STYLE_CHARS
    )
    scan = _Scan(base_url, document_base(base_url, href), own_hosts, sheet)
    hideable = _hideable_links(tree, sheet)
    if hideable:
        for anchor in tree.css(_ABSOLUTE_LINKS):  # relative links are the site's own
            if anchor.mem_id in hideable:
                scan.consider(anchor, outer=None)
    if "<!--" in html and any(_worth_reading(m.group(1)) for m in _COMMENT.finditer(html)):
        for node in _comments(tree.root):
            scan.consider_fragment(node.comment_content or "", node, "comment")
    if "document.write" in html or "innerHTML" in html:  # JavaScript is case-sensitive
        for script in tree.css("script"):
            written = _written_html(script)
            if written:
                scan.consider_fragment(written, script, "script")
    return scan.found[:MAX_HIDDEN_LINKS]


def _hideable_links(tree: HTMLParser, sheet: _StyleSheet) -> set[int]:
    """The anchors (``mem_id``) that something could hide: those that are, or stand inside, an
    element styled inline, ``hidden``, a ``<noscript>`` or ``<marquee>``, or named by the
    stylesheet's class or id (by substring: a superset), ``<html>``, ``<head>`` and ``<body>``
    aside. Any other anchor has nothing in its chain to hide it (``_Scan.hiding`` stops at
    ``<body>``), so looking at these alone finds the same links, and most pages' anchors are
    never walked up in Python."""
    hiders = ["[style]", "[hidden]", "noscript", "marquee"]
    for key in sheet.rules:  # .name or #name, the name [-\w]+: nothing to escape in quotes
        hiders.append(f'[{"id" if key[0] == "#" else "class"}*="{key[1:]}"]')
    found: set[int] = set()
    for hider in tree.css(", ".join(hiders)):
        if hider.tag not in _FRAME_TAGS:
            found.update(anchor.mem_id for anchor in hider.css("a"))  # the hider itself too
    return found


@dataclass(slots=True, eq=False)
class _Element:
    node: LexborNode
    tag: str
    attrs: dict[str, str | None]
    ident: str
    classes: frozenset[str]
    container: str = ""  # "comment" or "script": where a fragment's links were found
    fragment: LexborNode | None = None  # the container's: the fragment's body
    style: dict[str, tuple[str, str]] | None = None  # property -> (value, selector or "")
    reasons: tuple[_Reason, ...] | None = None


class _Scan:
    def __init__(
        self, page_url: str, base_url: str, own_hosts: Iterable[str], sheet: _StyleSheet
    ) -> None:
        self.base_url = base_url  # what links resolve against; the site is the page's
        self.sheet = sheet
        hosts = [_host(h) if "//" in h else h.split(":")[0] for h in own_hosts]
        hosts.append(_host(page_url))
        self.own = {_registrable(h) for h in hosts if h.strip()}
        self.external_hosts: dict[str, bool] = {}
        self.elements: dict[int, _Element] = {}
        self.chains: dict[int, list[_Element]] = {}
        self.holds_own: dict[int, bool] = {}
        self.fragments: list[HTMLParser] = []  # kept alive: element caches are keyed by address
        self.found: list[HiddenLink] = []
        self.seen: set[str] = set()

    def consider(self, anchor: LexborNode, *, outer: list[_Element] | None) -> None:
        if len(self.found) >= MAX_HIDDEN_LINKS:
            return
        href = anchor.attrs.get("href") or ""
        if not self.is_external(href):
            return
        chain = self.chain(anchor, outer)
        picked = self.hiding(chain)
        if picked is None:
            return
        reason, at = picked
        attrs = chain[0].attrs
        title = attrs.get("title") or ""
        text = collapse(anchor.text(deep=True)) or collapse(title)
        image = anchor.css_first("img[alt]")
        alt = (image.attributes.get("alt") or "") if image is not None else ""
        keywords = _spam_words(f"{text} {title} {alt} {unquote(href.strip()[:MAX_URL_CHARS])}")
        spam = _spam_grade(keywords, f"{text} {title}")
        if not self.keep(chain, at, reason, spam=spam, href=href):
            return
        url = absolute_url(href, self.base_url)
        if url is None or url in self.seen:
            return
        if any(element.container == "script" for element in chain):
            reason = _Reason("script-written", f"由脚本写入页面，{reason.how_text}", reason.strong)
        self.seen.add(url)
        self.found.append(
            HiddenLink(
                url=url,
                text=text[:MAX_TEXT_CHARS],
                how=reason.how,
                how_text=reason.how_text,
                where=_where(chain, at),
                keywords=keywords,
                external=True,
            )
        )

    def consider_fragment(self, markup: str, container: LexborNode, kind: str) -> None:
        lowered = markup.lower()
        if "<a" not in lowered or "href" not in lowered:
            return
        fragment = HTMLParser(markup)
        self.fragments.append(fragment)
        place = _element(container)
        place.container, place.fragment = kind, fragment.body
        outer = [place, *(self.chain(container.parent, None) if container.parent else [])]
        for anchor in fragment.css(_ABSOLUTE_LINKS):
            self.consider(anchor, outer=outer)

    def is_external(self, href: str | None) -> bool:
        """Whether the link leads outside the site and government; relative links are the
        site's own."""
        authority = _AUTHORITY.match(href or "")
        if authority is None:
            return False
        external = self.external_hosts.get(authority[1])
        if external is None:
            host = _bare_host(authority[1])
            external = bool(host) and not is_government_host(host)
            external = external and _registrable(host) not in self.own
            self.external_hosts[authority[1]] = external
        return external

    def chain(self, node: LexborNode, outer: list[_Element] | None) -> list[_Element]:
        """The node and its ancestors, innermost first; a fragment's continue at its place."""
        if outer is None:
            cached = self.chains.get(node.mem_id)
            if cached is not None:
                return cached
        elements: list[_Element] = []
        tail: list[_Element] = outer or []
        current: LexborNode | None = node
        while current is not None and current.tag and not current.tag.startswith("-"):
            if outer is not None and current.tag in _FRAME_TAGS:
                break  # a fragment's own html/body: its place stands for it
            cached = self.chains.get(current.mem_id) if outer is None else None
            if cached is not None:
                tail = cached
                break
            element = self.elements.get(current.mem_id)
            if element is None:
                element = self.elements[current.mem_id] = _element(current)
            elements.append(element)
            current = current.parent
        chain = elements + tail
        if outer is None:
            for i, element in enumerate(elements):
                self.chains[element.node.mem_id] = chain[i:]
        return chain

    def style(self, chain: list[_Element], i: int) -> dict[str, tuple[str, str]]:
        element = chain[i]
        if element.style is None:
            style: dict[str, tuple[str, str]] = {}
            for rule in self.sheet.matching(chain, i):
                marker = f"{rule.selector}\x00" if rule.revealed else rule.selector
                style.update((name, (value, marker)) for name, value in rule.declarations)
            inline = element.attrs.get("style")
            if inline:
                style.update((name, (value, "")) for name, value in _declarations(inline).items())
            element.style = style
        return element.style

    def hiding(self, chain: list[_Element]) -> tuple[_Reason, int] | None:
        """The strongest, then nearest, reason the link at ``chain[0]`` is not seen."""
        found: list[tuple[_Reason, int]] = []
        visibility_open = font_open = True  # font: no stylesheet could resize what is inside
        for i, element in enumerate(chain):
            if element.tag in _FRAME_TAGS:
                break
            if element.container:
                if element.container == "comment":
                    found.append((_Reason("comment", "写在HTML注释中", strong=False), i))
                continue
            style = self.style(chain, i) if element.style is None else element.style
            if element.reasons is None:
                element.reasons = _own_reasons(element, style)
            if element.reasons:
                found += [(reason, i) for reason in element.reasons]
            if not style:
                if font_open and (
                    element.ident or element.classes or element.tag not in _INLINE_TAGS
                ):
                    font_open = False
                continue
            if "visibility" in style and visibility_open:
                visibility_open = False
                value, source = style["visibility"]
                if value in ("hidden", "collapse"):
                    found.append((_via(source, "visibility-hidden", f"visibility:{value} 隐藏"), i))
            if font_open and "font-size" in style:
                font_open = False
                value, source = style["font-size"]
                size = _pixels(value, font=True)
                if size is not None and size <= TINY_PX and chain[0].node.css_first("img") is None:
                    strong = not _pictured(element, style)
                    found.append(
                        (_via(source, "tiny-font", f"字号过小(font-size:{value})", strong), i)
                    )
            elif element.ident or element.classes or element.tag not in _INLINE_TAGS:
                font_open = False  # an external stylesheet may size it (.nav li{…})
        colour = self.same_colour(chain)
        if colour is not None:
            found.append(colour)
        if not found:
            return None
        return min(found, key=lambda pair: (not pair[0].strong, pair[1]))

    def same_colour(self, chain: list[_Element]) -> tuple[_Reason, int] | None:
        """The link's own colour (inline or the page's stylesheet) equal to the first
        background behind it, or transparent."""
        style = self.style(chain, 0)
        if "color" not in style:
            return None
        value, source = style["color"]
        if source:
            return None  # only an inline colour: an external stylesheet may set another
        if value == "transparent":
            return _via(source, "same-colour", "文字颜色透明(color:transparent)", True), 0
        colour = _colour(value)
        for i, element in enumerate(chain):
            if colour is None or element.tag in ("html", "head"):
                return None
            if element.container:
                continue
            style = self.style(chain, i)
            background = style.get("background-color") or style.get("background")
            if background is None and element.attrs.get("bgcolor"):
                background = (element.attrs.get("bgcolor") or "", "")
            if element.attrs.get("background") or (background and "url(" in background[0]):
                return None  # an image behind the text: its colours are unknown
            tokens = background[0].split() if background is not None else []
            if background is not None and tokens and tokens[0] not in _SEE_THROUGH:
                if next(filter(None, map(_colour, tokens)), None) != colour:
                    return None
                if chain[0].node.css_first("img") is not None:
                    return None  # a picture link shows whatever its text's colour
                how_text = f"文字颜色与背景相同({value})"
                return _via(source or background[1], "same-colour", how_text, True), i
            if element.ident or element.classes:
                return None  # an external stylesheet may give this one a background
        return None

    def keep(
        self, chain: list[_Element], at: int, reason: _Reason, *, spam: int, href: str
    ) -> bool:
        """Whether a hidden external link is reported (see the module's rules)."""
        if spam == _SURE and reason.strong:
            return True
        if not spam and (not reason.strong or _is_widget(href)):
            return False
        return not _furniture(chain, at) and not self.holds_own_link(chain, at)

    def holds_own_link(self, chain: list[_Element], at: int) -> bool:
        """Whether the hiding block (a comment: what it holds) links to the site."""
        node = chain[at].fragment or chain[at].node
        held = self.holds_own.get(node.mem_id)
        if held is None:
            held = any(
                not self.is_external(href) and not _dead(href)
                for a in node.css("a[href]")
                for href in (a.attrs.get("href") or "",)
            )
            self.holds_own[node.mem_id] = held
        return held


def _where(chain: list[_Element], at: int) -> str:
    """The hiding element with its parent, the places of fragments and the link."""
    shown = {0, at}
    if at + 1 < len(chain) and chain[at + 1].tag not in ("html",):
        shown.add(at + 1)
        if chain[at + 1].container and at + 2 < len(chain):
            shown.add(at + 2)
    shown.update(i for i in range(at) if chain[i].container)
    parts: list[str] = []
    previous = -1
    for i in sorted(shown, reverse=True):
        element = chain[i]
        if element.container == "comment":
            label = "<!--…-->"
        elif i == 0 or element.container:
            label = position(element.node)
        else:
            label = describe(element.node)
            if label == element.tag and i == at:
                label += next((f"[{a}]" for a in ("style", "hidden") if a in element.attrs), "")
        if parts:
            parts.append(" > " if previous == i + 1 else " ")
        parts.append(label)
        previous = i
    return "".join(parts)


def _element(node: LexborNode) -> _Element:
    attrs = node.attributes
    return _Element(
        node=node,
        tag=node.tag or "",
        attrs=attrs,
        ident=(attrs.get("id") or "").strip(),
        classes=frozenset((attrs.get("class") or "").split()),
    )


def _dead(href: str) -> bool:
    href = href.strip().lower()
    return not href or href.startswith(("javascript:", "mailto:", "tel:", "#"))

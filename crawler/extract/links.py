"""Every link and image of a page: absolute URLs, deduplicated, for the link and image checks.

Links are ``<a href>``; images are ``<img src>`` (or the lazy-loading ``data-original`` /
``data-src`` when ``src`` is a placeholder). URLs that lead nowhere (``javascript:``,
``mailto:``, ``tel:``, ``data:``, bare ``#fragments``) are skipped; fragments are dropped, so
``/a.html#top`` and ``/a.html`` are one link. Each keeps a label for the evidence: the link
text, or the image's ``alt``/``title`` or the title of the link around it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urldefrag

from selectolax.lexbor import LexborNode

from crawler.extract.anchors import ReadAnchor, read_anchors
from crawler.extract.text import collapse
from crawler.extract.urls import join_url

__all__ = ["PageImage", "PageLink", "collect_images", "collect_links"]

MAX_REFERENCES = 2000  # per page and kind: beyond this a page is a sitemap, not a page
MAX_LABEL_CHARS = 80
_DEAD = ("javascript:", "mailto:", "tel:", "data:", "about:", "vbscript:", "#")
_LAZY = ("data-original", "data-src", "data-lazy-src")


@dataclass(frozen=True, slots=True, kw_only=True)
class PageLink:
    url: str  # absolute http(s), no fragment
    label: str  # the link text or its title attribute


@dataclass(frozen=True, slots=True, kw_only=True)
class PageImage:
    url: str  # absolute http(s), no fragment
    label: str  # alt, title, or the title of the link around the image


def absolute_url(value: str | None, base_url: str) -> str | None:
    """The absolute http(s) URL a ``href``/``src`` points to, or None when it leads nowhere."""
    target = (value or "").strip()
    if not target or target.lower().startswith(_DEAD):
        return None
    try:
        url = join_url(base_url, target)
        if "#" in url:  # (urldefrag returns a URL without one as it is)
            url, _ = urldefrag(url)
    except ValueError:
        return None
    return url if url.lower().startswith(("http://", "https://")) else None


def collect_links(
    root: LexborNode | None, *, base_url: str, anchors: list[ReadAnchor] | None = None
) -> tuple[PageLink, ...]:
    """The links of ``root``; ``anchors``: its anchors already read (``read_anchors``)."""
    if root is None:
        return ()
    found: dict[str, PageLink] = {}
    for _, attributes, text in read_anchors(root) if anchors is None else anchors:
        if "href" not in attributes:  # (the anchors ``a[href]`` selects)
            continue
        url = absolute_url(attributes["href"], base_url)
        if url is None or url in found:
            continue
        text = text or collapse(attributes.get("title") or "")
        found[url] = PageLink(url=url, label=text[:MAX_LABEL_CHARS])
        if len(found) >= MAX_REFERENCES:
            break
    return tuple(found.values())


def collect_images(root: LexborNode | None, *, base_url: str) -> tuple[PageImage, ...]:
    if root is None:
        return ()
    found: dict[str, PageImage] = {}
    for image in root.css("img"):
        attributes = image.attributes
        url = None
        for name in (*_LAZY, "src"):
            url = absolute_url(attributes.get(name), base_url)
            if url is not None:
                break
        if url is None or url in found:
            continue
        found[url] = PageImage(url=url, label=_image_label(image)[:MAX_LABEL_CHARS])
        if len(found) >= MAX_REFERENCES:
            break
    return tuple(found.values())


def _image_label(image: LexborNode) -> str:
    attributes = image.attributes
    for name in ("alt", "title"):
        text = collapse(attributes.get(name) or "")
        if text:
            return text
    node = image.parent
    for _ in range(3):  # the link around the image, or its caption nearby
        if node is None:
            break
        if node.tag == "a":
            text = collapse(node.attributes.get("title") or "") or collapse(node.text(deep=True))
            if text:
                return text
        node = node.parent
    return ""

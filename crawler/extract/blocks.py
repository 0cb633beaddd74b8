"""Headline and pinned blocks above a column's list: entries of the same column outside it.

Column pages often put one to three entries above the list in their own block: a 头条 with a
picture and a summary, a 置顶 notice, a ``ul.top`` of pinned items. Such a block may hold the
column's newest item, and the list alone would lose it. A block is taken when it stands
before the list (as a sibling of the list's container or of one of its nearest ancestors,
below the page's top-level regions), holds at most ``MAX_BLOCK_LINKS`` title links, each of
them a dated entry with a real title, and is no navigation, header, sidebar or 热点/相关/推荐
box. A sibling holding more links (another list, a menu) ends the search at its level.
"""

from __future__ import annotations

import re
from datetime import date

from selectolax.lexbor import LexborNode

from crawler.extract.anchors import Link, read_link
from crawler.extract.items import Entry, read_entry
from crawler.extract.regions import box_heading, is_box_heading, own_discount
from crawler.extract.text import collapse
from crawler.extract.years import is_pinned

MAX_BLOCK_LINKS = 3
_LEVELS = 3  # the list's container and its two nearest ancestors
_SIBLINGS = 4  # blocks looked at before the list, per level
_MIN_TITLE_CHARS = 6  # a column name or a breadcrumb is shorter
_TODAY_WORDS = re.compile(r"今天|今日|当前时间|现在时间")


def blocks_above(
    containers: tuple[LexborNode, ...],
    *,
    base_url: str,
    today: date,
    taken: frozenset[str],
) -> list[tuple[LexborNode, Entry]]:
    """The dated entries of the headline and pinned blocks above the list, in page order.

    ``containers`` are the list's containers (the first is where the search starts); ``taken``
    the URLs the list already holds, not read twice.
    """
    if not containers:
        return []
    found: list[list[tuple[LexborNode, Entry]]] = []
    node: LexborNode | None = containers[0]
    for _ in range(_LEVELS):
        if node is None or node.parent is None or node.parent.tag in ("body", "html"):
            break
        if own_discount(node) < 1.0:
            break  # the list itself sits in a side box: no column region around it
        found.extend(_level_blocks(node, base_url=base_url, today=today, taken=taken))
        node = node.parent
    entries = [pair for block in reversed(found) for pair in block]
    return entries


def _level_blocks(
    node: LexborNode, *, base_url: str, today: date, taken: frozenset[str]
) -> list[list[tuple[LexborNode, Entry]]]:
    """The blocks among ``node``'s preceding siblings, nearest first."""
    out: list[list[tuple[LexborNode, Entry]]] = []
    sibling = node.prev
    seen = 0
    while sibling is not None and seen < _SIBLINGS:
        if sibling.is_element_node:
            seen += 1
            links = _title_links(sibling, base_url=base_url)
            if len(links) > MAX_BLOCK_LINKS:
                break
            if links and _may_be_block(sibling):
                block = _read_block(sibling, links, base_url=base_url, today=today, taken=taken)
                if block:
                    out.append(block)
        sibling = sibling.prev
    return out


def _title_links(block: LexborNode, *, base_url: str) -> list[tuple[LexborNode, Link]]:
    anchors = [block] if block.tag == "a" else block.css("a")
    out: list[tuple[LexborNode, Link]] = []
    for anchor in anchors:
        link = read_link(anchor, base_url=base_url)
        if link is not None:
            out.append((anchor, link))
    return out


def _may_be_block(block: LexborNode) -> bool:
    if own_discount(block) < 1.0 and not is_pinned(block, ""):
        return False  # a side box, a menu; but ``ul.top`` above a list is its pinned block
    heading = box_heading(block)
    if heading is not None and is_box_heading(heading):
        return False
    first = block.css_first("h1, h2, h3, h4, h5, h6")
    return first is None or not is_box_heading(collapse(first.text()))


def _read_block(
    block: LexborNode,
    links: list[tuple[LexborNode, Link]],
    *,
    base_url: str,
    today: date,
    taken: frozenset[str],
) -> list[tuple[LexborNode, Entry]]:
    """The block's dated entries: one per link target, each in its own element."""
    by_url: dict[str, list[tuple[LexborNode, Link]]] = {}
    for anchor, link in links:
        by_url.setdefault(link.url, []).append((anchor, link))
    single = len(by_url) == 1
    elements = {
        url: block if single else _entry_element(block, pairs) for url, pairs in by_url.items()
    }
    stop_at = frozenset(element.mem_id for element in elements.values())
    out: list[tuple[LexborNode, Entry]] = []
    for url, pairs in by_url.items():
        if url in taken:
            continue
        element = elements[url]
        entry = read_entry(element, base_url=base_url, today=today, links=pairs, stop_at=stop_at)
        if entry is None or entry.date_hit is None or len(entry.title) < _MIN_TITLE_CHARS:
            continue
        if _TODAY_WORDS.search(entry.date_hit.raw):
            continue  # a "今天是…" line, not the entry's date
        out.append((element, entry))
    return out


def _entry_element(block: LexborNode, pairs: list[tuple[LexborNode, Link]]) -> LexborNode:
    """The widest element inside ``block`` around one link target's anchors holding no other
    link."""
    ids = {anchor.mem_id for anchor, _ in pairs}
    element = pairs[0][0]
    parent = element.parent
    while parent is not None and parent.mem_id != block.mem_id and not _other_links(parent, ids):
        element = parent
        parent = parent.parent
    return element


def _other_links(node: LexborNode, ids: set[int]) -> bool:
    return any(
        anchor.mem_id not in ids and collapse(anchor.text()) for anchor in node.css("a[href]")
    )

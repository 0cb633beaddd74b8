"""Short, readable locators of nodes, for "where was this date read" evidence.

``describe(node)`` gives ``ul.news-list`` or ``div#list``; ``position(node)`` gives ``li[3]``
(1-based among the siblings with the same tag).
"""

from __future__ import annotations

from selectolax.lexbor import LexborNode


def describe(node: LexborNode) -> str:
    tag = node.tag or "?"
    attributes = node.attributes
    ident = (attributes.get("id") or "").strip()
    if ident and " " not in ident:
        return f"{tag}#{ident}"
    classes = (attributes.get("class") or "").split()
    return f"{tag}.{classes[0]}" if classes else tag


def position(node: LexborNode) -> str:
    tag = node.tag
    index = 1
    sibling = node.prev
    while sibling is not None:
        if sibling.tag == tag:
            index += 1
        sibling = sibling.prev
    return f"{tag}[{index}]"


def class_and_id(node: LexborNode) -> str:
    """The lower-cased class and id of ``node``, for matching layout hints."""
    attributes = node.attributes
    return f"{attributes.get('class') or ''} {attributes.get('id') or ''}".lower()

"""Limits past which a page is not read: markup no real government page comes near.

The HTML parser's cost grows faster than the page when elements nest deep or never close
(``<div>`` × 40 000 takes seconds to parse, × 100 000 minutes), and the extraction walks
follow. ``too_complex`` reads the raw text in linear time, before any parsing (most pages
only by counting ``<``), and says why a page is not to be read, or ``None``. The saved pages
(tests/fixtures) parse to trees at most 16 elements deep, count 6 by the measure below and
hold under 300 elements; the limits sit far above anything a real page reaches.

The count is the nesting the markup asks for: every start tag of an element that is neither
void (``<br>``) nor closed by the next of its kind (``<p>``, ``<li>``, ``<td>``) opens one
level, its end tag closes one of the same name (a stray end tag closes nothing). Markup that
piles up unclosed elements (``<div>``, ``<b>``, ``<table>``, ``<ul>``) counts them all; the
elements the parser closes by itself count none.
"""

from __future__ import annotations

import re

__all__ = ["MAX_NESTING", "MAX_TAGS", "too_complex"]

MAX_NESTING = 2_000
"""Open elements past which a page is not read (parsing 2 000 nested ``<div>`` takes ~1 ms)."""

MAX_TAGS = 200_000
"""Start tags past which a page is not read (a 1 MB page of real markup holds far fewer)."""

_START = re.compile(r"<[A-Za-z]")
# Elements that hold nothing, or that the next one of their kind (or their parent's end) closes.
_FLAT = frozenset(
    (
        "area base basefont bgsound br col embed frame hr img input keygen link meta param "
        "source track wbr "
        "p li dt dd option optgroup tr td th thead tbody tfoot colgroup caption rb rt rp "
        "html head body"
    ).split()
)
_NOT_FLAT = rf"(?!(?:{'|'.join(sorted(_FLAT, key=len, reverse=True))})(?![A-Za-z0-9-]))"
# the start and end tags of the elements that nest (a flat one's end tag closes nothing)
_NESTING_TAG = re.compile(rf"<(/?){_NOT_FLAT}([A-Za-z][A-Za-z0-9-]*)", re.I | re.A)
_NESTING_START = re.compile(rf"<{_NOT_FLAT}[A-Za-z]", re.I | re.A)


def too_complex(html: str) -> str | None:
    """Why the page is not to be parsed ("page too deeply nested (depth N) — not read"), or None."""
    # Bounds first, counted in C: no page can nest deeper than it has elements that nest, nor
    # have more start tags than '<' not followed by '/'; most pages stop here.
    starts = html.count("<") - html.count("</")
    if starts <= min(MAX_NESTING, MAX_TAGS):
        return None
    tags = len(_START.findall(html))
    if tags <= MAX_TAGS and len(_NESTING_START.findall(html)) <= MAX_NESTING:
        return None
    deepest = _deepest(html)
    if deepest > MAX_NESTING:
        return f"page too deeply nested (depth {deepest}) — not read"
    if tags > MAX_TAGS:
        return f"page has too many tags ({tags}) — not read"
    return None


def _deepest(html: str) -> int:
    """The most elements the markup holds open at once (see the module's docstring)."""
    open_by_name: dict[str, int] = {}
    nesting = deepest = 0
    for end, name in _NESTING_TAG.findall(html):
        name = name.lower()
        if end:
            held = open_by_name.get(name)
            if held:
                open_by_name[name] = held - 1
                nesting -= 1
            continue
        open_by_name[name] = open_by_name.get(name, 0) + 1
        nesting += 1
        if nesting > deepest:
            deepest = nesting
    return deepest

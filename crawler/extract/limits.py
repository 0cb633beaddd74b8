"""Limits past which a page is not read: markup no real government page comes near.

The HTML parser's cost grows faster than the page when elements nest deep or never close
(``<div>`` × 40 000 takes seconds to parse, × 100 000 minutes), and the extraction walks
follow. ``too_complex`` reads the raw text once, in linear time and before any parsing, and
says why a page is not to be read, or ``None``. The saved pages (tests/fixtures) parse to
trees at most 16 elements deep, count 6 by the measure below and hold under 300 elements;
the limits sit far above anything a real page reaches.

The count is the nesting the markup asks for: every start tag of an element that is neither
void (``<br>``) nor closed by the next of its kind (``<p>``, ``<li>``, ``<td>``) opens one
level, its end tag closes one of the same name (a stray end tag closes nothing). Markup that
piles up unclosed elements (``<div>``, ``<b>``, ``<table>``, ``<ul>``) counts them all; the
elements the parser closes by itself count none.
"""

from __future__ import annotations

import re
from collections import Counter

__all__ = ["MAX_NESTING", "MAX_TAGS", "too_complex"]

MAX_NESTING = 2_000
"""Open elements past which a page is not read (parsing 2 000 nested ``<div>`` takes ~1 ms)."""

MAX_TAGS = 200_000
"""Start tags past which a page is not read (a 1 MB page of real markup holds far fewer)."""

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
# Elements that hold nothing, or that the next one of their kind (or their parent's end) closes.
_FLAT = frozenset(
    (
        "area base basefont bgsound br col embed frame hr img input keygen link meta param "
        "source track wbr "
        "p li dt dd option optgroup tr td th thead tbody tfoot colgroup caption rb rt rp "
        "html head body"
    ).split()
)


def too_complex(html: str) -> str | None:
    """Why the page is not to be parsed ("page too deeply nested (depth N) — not read"), or None."""
    open_by_name: Counter[str] = Counter()
    nesting = deepest = tags = 0
    for match in _TAG.finditer(html):
        name = match.group(2).lower()
        if match.group(1):  # an end tag
            if open_by_name[name] > 0:
                open_by_name[name] -= 1
                nesting -= 1
            continue
        tags += 1
        if name in _FLAT:
            continue
        open_by_name[name] += 1
        nesting += 1
        deepest = max(deepest, nesting)
    if deepest > MAX_NESTING:
        return f"page too deeply nested (depth {deepest}) — not read"
    if tags > MAX_TAGS:
        return f"page has too many tags ({tags}) — not read"
    return None

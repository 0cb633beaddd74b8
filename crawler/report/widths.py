"""Table column widths fitted to the cells' text, for the DOCX and XLSX renderers.

A Chinese character is one em wide, a digit or Latin letter about half of one: ``text_width``
counts a string in half-ems. ``fit_widths`` shares a table's width among its columns as a
browser's automatic table layout does: each column first gets what it should not wrap (its
header, and its short cells such as 序号, 合格 or 订阅号), then the rest of the width in
proportion to how much more its longest cell wants. A column of long unit names so gets more
than one of numbers, and a table narrower than the page is widened in proportion.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence

__all__ = ["SHORT_CELL", "fit_widths", "text_width"]

SHORT_CELL = 8  # half-ems: a cell this short (四个字, ≥1234) is never wrapped


def text_width(text: str) -> int:
    """``text``'s width in half-ems: 2 for a wide character (CJK, full-width punctuation, and
    the ambiguous ones such as “” that Chinese fonts draw wide), 1 for the others."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


def fit_widths(
    columns: Sequence[Sequence[str]],
    total: int,
    *,
    half_em: float,
    padding: float,
    stretch: bool = True,
) -> list[int]:
    """Widths summing to ``total`` for ``columns`` (each the column's texts, header first).

    ``half_em`` is the width of a half-em of the cell font and ``padding`` the room a cell
    takes besides its text (margins, borders), both in the unit of ``total``: twips for a
    DOCX, character widths for an XLSX. With ``stretch=False`` a table whose every cell fits
    on one line keeps its natural widths, narrower than ``total``.
    """
    if not columns:
        return []
    wants = [max((text_width(t) for t in texts), default=1) for texts in columns]
    floors = [_unwrapped(texts) for texts in columns]
    least = [f * half_em + padding for f in floors]
    most = [w * half_em + padding for w in wants]
    if sum(most) <= total and not stretch:
        return [math.ceil(m) for m in most]
    if sum(most) <= total:  # everything fits on one line: widen each in proportion
        shares = [total * m / sum(most) for m in most]
    elif sum(least) >= total:  # not even the short cells fit: shrink each in proportion
        shares = [total * f / sum(least) for f in least]
    else:
        spare, wanted = total - sum(least), sum(m - f for m, f in zip(most, least, strict=True))
        shares = [f + spare * (m - f) / wanted for m, f in zip(most, least, strict=True)]
    return _whole(shares, total)


def _unwrapped(texts: Sequence[str]) -> int:
    """What a column should not wrap: its header and its short cells."""
    widths = [text_width(text) for text in texts]
    return max([widths[0] if widths else 1, *(w for w in widths if w <= SHORT_CELL)])


def _whole(shares: Sequence[float], total: int) -> list[int]:
    """``shares`` as whole numbers summing to ``total`` (the largest remainders round up)."""
    widths = [int(share) for share in shares]
    by_remainder = sorted(range(len(shares)), key=lambda n: widths[n] - shares[n])
    for n in by_remainder[: total - sum(widths)]:
        widths[n] += 1
    return widths

"""Resolving a page's references, memoised.

One page resolves the same ``href`` several times (the link collection, the list candidates,
the hidden-link scan read the same anchors), and a site's pages share their menus: on real
pages two resolutions in three had been made before. ``urllib.parse.urljoin`` is pure Python
(about 25 µs a call), so its answers are kept, bounded, per process.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urljoin

__all__ = ["join_url"]

JOINS_KEPT = 16_384


@lru_cache(maxsize=JOINS_KEPT)
def join_url(base_url: str, target: str) -> str:
    """``urljoin(base_url, target)``; raises ``ValueError`` as it does (never kept)."""
    return urljoin(base_url, target)

"""Page furniture hidden by design, whose hidden links are no 暗链: submenus, tabs,
carousels, share boxes and skip links, known by their tag (``<nav>``, a block in an ``<li>``)
or by the words of their class and id (``nav``, ``tab``, ``sub``, ``slide``, ``share``,
``sr-only``, ``yqlj`` …).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

# Class and id words of page furniture that is hidden by design.
_UI_WORDS = frozenset(
    {"sub", "drop", "sr", "only", "skip", "visually", "mobile", "wap", "panel", "pane", "focus",
     "banner", "dialog", "tip", "tips", "more", "hover", "toggle", "qrcode", "ewm", "weixin"}
)  # fmt: skip
_UI_PREFIXES = (
    "nav", "menu", "submenu", "subnav", "dropdown", "tab", "slide", "swiper", "carousel",
    "share", "bdshare", "bshare", "jiathis", "popup", "modal", "lightbox", "tooltip", "yqlj",
    "friend", "youqing", "accordion", "collapse", "wza", "lunbo", "scroll",
)  # fmt: skip
_WORD = re.compile(r"[a-z]+|[A-Z][a-z]*")


class _Named(Protocol):
    """What of an element tells whether it is furniture (``hidden_links._Element`` has it)."""

    @property
    def tag(self) -> str: ...
    @property
    def ident(self) -> str: ...
    @property
    def classes(self) -> frozenset[str]: ...
    @property
    def container(self) -> str: ...


def _furniture(chain: Sequence[_Named], at: int) -> bool:
    """Whether the hiding block is a submenu, tab, carousel, share box or skip link."""
    if chain[at].container:
        return False  # a comment's links are judged by what they say
    if at + 1 < len(chain) and chain[at + 1].tag in ("li", "nav"):
        return True
    for element in chain[at : at + 3]:
        if element.tag == "nav":
            return True
        names = f"{element.ident} {' '.join(element.classes)}"
        for word in _WORD.findall(names):
            word = word.lower()
            if word in _UI_WORDS or word.startswith(_UI_PREFIXES):
                return True
    return False

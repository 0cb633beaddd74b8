"""Page renderers imitating the CMSs that Chinese government sites run on.

``STYLES`` maps a style key (``DemoSite.style``) to its renderer.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from crawler.demo.styles.base import CmsStyle
from crawler.demo.styles.cjk import CjkStyle
from crawler.demo.styles.easysite import EasysiteStyle
from crawler.demo.styles.hanweb import HanwebStyle
from crawler.demo.styles.portal import PortalStyle
from crawler.demo.styles.trs import TrsStyle
from crawler.demo.styles.vsb import VsbStyle

__all__ = ["STYLES", "CmsStyle", "style_for"]

STYLES: Mapping[str, CmsStyle] = MappingProxyType(
    {
        style.key: style
        for style in (
            TrsStyle(),
            HanwebStyle(),
            VsbStyle(),
            EasysiteStyle(),
            CjkStyle(),
            PortalStyle(),
        )
    }
)


class UnknownStyleError(KeyError):
    """A demo site names a style that does not exist."""


def style_for(key: str) -> CmsStyle:
    try:
        return STYLES[key]
    except KeyError:
        raise UnknownStyleError(
            f"unknown demo style {key!r} — use one of {', '.join(sorted(STYLES))}"
        ) from None

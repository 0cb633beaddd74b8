"""The hosts links lead to: government hosts, a site's registrable domain, and the share,
statistics and badge services whose links a page hides by design.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = ["is_government_host"]

_GOVERNMENT_SUFFIXES = (".gov.cn", ".mil.cn", ".gov", ".gov.hk", ".gov.mo", ".政务", ".xn--zfr164b")
_SECOND_LEVEL = frozenset({"gov.cn", "com.cn", "org.cn", "net.cn", "edu.cn", "ac.cn", "mil.cn"})
_WIDGET_DOMAINS = frozenset(
    {
        "bshare.cn", "jiathis.com", "addthis.com", "cnzz.com", "umeng.com", "51.la", "conac.cn",
        "baidu.com", "qq.com", "weibo.com", "sina.com.cn", "douban.com", "renren.com",
    }
)  # fmt: skip
_AUTHORITY = re.compile(r"\s*(?:[hH][tT][tT][pP][sS]?:)?//([^/?#\\\s]*)")


def is_government_host(host: str) -> bool:
    """``*.gov.cn`` (and ``gov.cn``), ``*.mil.cn``, ``*.gov``, ``*.gov.hk``, ``*.gov.mo`` and
    the ``.政务`` domains, which only government bodies can register."""
    host = host.strip().lower().rstrip(".")
    return host == "gov.cn" or host.endswith(_GOVERNMENT_SUFFIXES)


def _is_widget(href: str) -> bool:
    """Whether the link goes to a share, statistics or badge service."""
    authority = _AUTHORITY.match(href)
    return authority is not None and _registrable(_bare_host(authority[1])) in _WIDGET_DOMAINS


def _bare_host(authority: str) -> str:
    """``user@www.Example.com.:8080`` as ``www.example.com``."""
    host = authority.rpartition("@")[2].lower()
    return host if host.startswith("[") else host.partition(":")[0].rstrip(".")


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return ""


def _registrable(host: str) -> str:
    """The last two labels, three under ``gov.cn``, ``com.cn`` and the like; an IP whole."""
    host = host.lower().rstrip(".")
    labels = host.split(".")
    if host.replace(".", "").isdigit() or ":" in host:
        return host
    if len(labels) >= 3 and ".".join(labels[-2:]) in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])

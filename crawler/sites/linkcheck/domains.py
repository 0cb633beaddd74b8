"""Which site a URL belongs to: own links and external links are reported apart.

Own means the same registrable domain as the site's homepage host (``www.jiyuan.gov.cn`` and
``jyty.jiyuan.gov.cn`` share ``jiyuan.gov.cn``). Without the public suffix list, the
registrable domain is the last two labels, or three under a two-level suffix of a country
code (``gov.cn``, ``com.cn``, ``org.cn``, ``edu.cn``, ``net.cn``, ``ac.cn``, ``com.hk`` …) and
under the Chinese provincial suffixes (``ha.cn``, ``bj.cn`` …). An IP address or a single-label
host (``localhost``) has no registrable domain: there the site is the host and port.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

__all__ = ["is_external", "site_key"]

_SECOND_LEVEL = frozenset({"gov", "com", "org", "edu", "net", "ac", "mil", "co", "int"})
_CN_PROVINCES = frozenset(
    "bj tj he sx nm ln jl hl sh js zj ah fj jx sd ha hb hn gd gx hi cq sc gz yn xz sn gs qh "
    "nx xj tw hk mo".split()
)


def site_key(url: str) -> str | None:
    """The registrable domain of ``url``'s host (or ``host:port`` for IPs), None if no host."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".").lower()
        port = parts.port
    except ValueError:
        return None
    if not host:
        return None
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return f"{host}:{port or _default_port(parts.scheme)}"
    labels = host.split(".")
    if len(labels) == 1:
        return f"{host}:{port or _default_port(parts.scheme)}"
    keep = 2
    if len(labels) >= 3 and len(labels[-1]) == 2:
        second = labels[-2]
        if second in _SECOND_LEVEL or (labels[-1] == "cn" and second in _CN_PROVINCES):
            keep = 3
    return ".".join(labels[-keep:])


def is_external(url: str, homepage: str) -> bool:
    """True when ``url`` belongs to another site than ``homepage``."""
    return site_key(url) != site_key(homepage)


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80

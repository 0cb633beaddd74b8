"""Resolving a page's references: ``urljoin``'s answers, the common ones computed directly.

One page resolves the same ``href`` several times (the link collection, the list candidates,
the hidden-link scan read the same anchors), and a site's pages share their menus: on real
pages two resolutions in three had been made before. ``urllib.parse.urljoin`` is pure Python
(about 25 µs a call), so its answers are kept, bounded, per process; so are those
computed directly (a page's link collection and its candidate lists resolve each ``href``).

Most references are plain: ``http://host/path?query`` or a path without parameters
(``;``), fragments, colons or control characters, against a base of the same form. For those
``join_url`` follows ``urljoin``'s own steps (RFC 3986 merge and dot removal, as written in
CPython 3.11) on the parts a regex reads, without its parsing and re-assembling: the answer
is the same string (``tests/unit/extract/test_urls.py`` holds the two side by side). Anything
else goes to ``urljoin`` itself.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urljoin

__all__ = ["join_url"]

JOINS_KEPT = 16_384

# What urlsplit/urlunsplit hand back unchanged: a lower-case http(s) scheme, an ASCII
# authority without brackets, a path without parameters, a query that is not empty.
_PLAIN_ABSOLUTE = re.compile(
    r"(https?://[A-Za-z0-9._~!$&'()*+,=:@%-]+)(/[^\x00-\x20\x7f#?;]*)?(?:\?([^\x00-\x20\x7f#]+))?"
)
# A reference without scheme, authority, parameters or fragment (no colon: no scheme).
_PLAIN_RELATIVE = re.compile(r"(?!//)([^\x00-\x20\x7f#?;:]*)(?:\?([^\x00-\x20\x7f#]*))?")


@lru_cache(maxsize=JOINS_KEPT)
def join_url(base_url: str, target: str) -> str:
    """``urljoin(base_url, target)``; raises ``ValueError`` as it does."""
    base = _base_parts(base_url) if target else None
    if base is not None:  # (urljoin parses the base too, and may raise on it)
        if _PLAIN_ABSOLUTE.fullmatch(target):
            return target  # urljoin gives it back as it is, whatever plain base it has
        joined = _join_plain(base, target)
        if joined is not None:
            return joined
    return urljoin(base_url, target)


@lru_cache(maxsize=256)  # a page's base, and the bases of the pages fetched around it
def _base_parts(base_url: str) -> tuple[str, str, str] | None:
    """A plain base as (scheme and authority, path, query), or None."""
    match = _PLAIN_ABSOLUTE.fullmatch(base_url)
    if match is None:
        return None
    return match[1], match[2] or "", match[3] or ""


def _join_plain(base: tuple[str, str, str], target: str) -> str | None:
    """``urljoin``'s answer for a plain relative ``target`` against a plain base, or None."""
    reference = _PLAIN_RELATIVE.fullmatch(target)
    if reference is None:
        return None
    origin, base_path, base_query = base
    path, query = reference[1], reference[2] or ""
    if not path:  # "?page=2", or "?": the base's path, and its query when none is given
        query = query or base_query
        return f"{origin}{base_path}?{query}" if query else f"{origin}{base_path}"
    if path[:1] == "/":
        segments = path.split("/")
    else:
        base_segments = base_path.split("/")
        if base_segments[-1] != "":
            del base_segments[-1]  # the base's last segment is a file, not a directory
        segments = base_segments + path.split("/")
        segments[1:-1] = filter(None, segments[1:-1])
    resolved: list[str] = []
    for segment in segments:
        if segment == "..":
            if resolved:
                resolved.pop()
        elif segment != ".":
            resolved.append(segment)
    if segments[-1] in (".", ".."):
        resolved.append("")
    joined = "/".join(resolved) or "/"
    if joined[:1] != "/":
        joined = "/" + joined
    return f"{origin}{joined}?{query}" if query else f"{origin}{joined}"

"""The data endpoints a board page's own scripts call, for a page whose list is loaded by
script: the URL literals of ``$.ajax({url: '…'})``, ``$.get('…')``, ``$.post('…')``,
``$.getJSON('…')``, ``fetch('…')``, ``axios.get/post('…')`` and ``url: "…"`` in inline
``<script>`` text.

A URL counts when its path looks like data (it ends in ``.json``, ``.do``, ``.action``,
``.jsp``, ``.ashx`` or ``.php``, or holds ``/api/``, ``list``, ``query`` or ``search``) and it
is on the page's own host; resolved against the page URL, in the order written, without
repeats, at most ``MAX_ENDPOINTS``. A literal built at run time (a template with ``${…}``)
is left out; one cut short by a ``+`` keeps its literal part (``'/api/list?page=' + n``).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

__all__ = ["MAX_ENDPOINTS", "script_endpoints"]

MAX_ENDPOINTS = 5
_MAX_SCRIPT_CHARS = 500_000
_LITERAL = r"""(?P<q>['"`])(?P<url>[^'"`\s<>]{1,500}?)(?P=q)"""
_CALL = re.compile(
    r"(?:\$\.(?:ajax|get|post|getJSON)|\bjQuery\.(?:ajax|get|post|getJSON)|\bfetch"
    r"|\baxios(?:\.(?:get|post|request))?)\s*\(\s*"
    + _LITERAL
    + r"|['\"]?\burl['\"]?\s*:\s*"
    + _LITERAL.replace("q>", "q2>").replace("(?P=q)", "(?P=q2)").replace("<url>", "<url2>")
)
_DATA_SUFFIXES = (".json", ".do", ".action", ".jsp", ".ashx", ".php")
_DATA_WORDS = ("/api/", "list", "query", "search")


def script_endpoints(tree: LexborHTMLParser, base_url: str) -> tuple[str, ...]:
    """The same-host data endpoints the page's inline scripts call (see the module docstring)."""
    host = urlsplit(base_url).hostname
    found: list[str] = []
    for script in tree.css("script"):
        if script.attributes.get("src"):
            continue
        text = (script.text(deep=True) or "")[:_MAX_SCRIPT_CHARS]
        for match in _CALL.finditer(text):
            literal = match["url"] or match["url2"] or ""
            url = _endpoint(literal, base_url, host)
            if url is not None and url not in found:
                found.append(url)
                if len(found) >= MAX_ENDPOINTS:
                    return tuple(found)
    return tuple(found)


def _endpoint(literal: str, base_url: str, host: str | None) -> str | None:
    if "${" in literal or literal.startswith(("#", "javascript:", "data:")):
        return None
    try:
        url = urljoin(base_url, literal)
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or host is None or parts.hostname != host:
        return None
    path = parts.path.lower()
    if path.endswith(_DATA_SUFFIXES) or any(word in path for word in _DATA_WORDS):
        return url
    return None

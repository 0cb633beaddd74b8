"""Markup a page carries outside its element tree, where planted links hide too: its HTML
comments (old links are commented out) and the HTML its inline scripts write
(``document.write``, ``innerHTML``: their string literals, unescaped).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import unquote

from selectolax.lexbor import LexborNode

from crawler.extract.spam_words import _spam_words

MAX_SCRIPT_CHARS = 100_000  # an inline script longer than this is a library, not read
_COMMENT = re.compile(r"<!--(.*?)-->", re.S)
_JS_STRING = re.compile(r"""'([^'\\\n]*(?:\\.[^'\\\n]*)*)'|"([^"\\\n]*(?:\\.[^"\\\n]*)*)\"""")
_LINK_MARKUP = re.compile(r"<a\b|\\x3c|\\u003c|%3c", re.I)  # a link written, maybe escaped
_ANCHOR_TAG = re.compile(r"<[aA]\s[^>]*>[^<]{0,200}")
_JS_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)", re.S)


def _worth_reading(comment: str) -> bool:
    """Whether a comment holds a link with a spam word (what a comment's link needs)."""
    return any(_spam_words(tag) for tag in _ANCHOR_TAG.findall(comment))


def _comments(root: LexborNode | None) -> Iterator[LexborNode]:
    if root is None:
        return
    for node in root.traverse(include_text=True):
        if node.is_comment_node and not (node.comment_content or "").lstrip().startswith("[if"):
            yield node


def _written_html(script: LexborNode) -> str:
    """The HTML an inline script writes: its string literals, unescaped, in order."""
    if script.attributes.get("src"):
        return ""
    code = script.text()
    if "document.write" not in code and "innerHTML" not in code:
        return ""
    if len(code) > MAX_SCRIPT_CHARS or not _LINK_MARKUP.search(code):
        return ""  # a library, or nothing that writes a link
    pieces = []
    for match in _JS_STRING.finditer(code):
        piece = match.group(1) or match.group(2) or ""
        piece = _JS_ESCAPE.sub(_unescape_js, piece) if "\\" in piece else piece
        pieces.append(unquote(piece) if "%3c" in piece.lower() else piece)
    return "".join(pieces)


def _unescape_js(match: re.Match[str]) -> str:
    escape = match.group(1)
    if len(escape) > 1:
        return chr(int(escape[1:], 16))
    return {"n": "\n", "t": "\t", "r": ""}.get(escape, escape)

"""Bytes to text, decided by us (DESIGN.md decision 2); ``response.text`` is never used.

Order: a byte-order mark; then valid UTF-8 that contains multibyte sequences wins over any
declaration (GB declarations that lie are common, and GB-encoded Chinese text is practically
never valid UTF-8); then the Content-Type charset and the ``<meta>``/XML declaration in the
first 4 KB, each used only if the bytes decode with it cleanly; then plain ASCII as UTF-8;
then a declared codec with a handful of bad bytes (a truncated character); then
charset-normalizer's guess; then, as the last resort, decoding with U+FFFD replacement.
When replacement was needed the encoding name says so: ``"gb18030 (with replacement)"``.

gb2312, gbk and their aliases are decoded as gb18030, a superset: Python's gb2312 codec
cannot decode characters such as 镕 and 堃 that real pages declared as gb2312 contain.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from crawler.fetch.media import parse_content_type

PRESCAN_BYTES = 4096
WITH_REPLACEMENT = " (with replacement)"
PREFERRED_ON_TIE = "gb18030"
_TIE_CHAOS = 0.01  # charset-normalizer "chaos" scores closer than this are a tie
_MAX_BAD_RATIO = 0.01  # declared codec still trusted with up to 1 % undecodable characters

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_ALIASES = {
    "gb2312": "gb18030",
    "gb_2312": "gb18030",
    "gb_2312-80": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "ms936": "gb18030",
    "windows-936": "gb18030",
    "euc-cn": "gb18030",
    "csgb2312": "gb18030",
    "iso-ir-58": "gb18030",
    "chinese": "gb18030",
    "big5": "big5hkscs",  # as browsers do (WHATWG Encoding)
    "x-x-big5": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
}
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([a-zA-Z0-9_.:-]+)""", re.I)


def decode_html(body: bytes, content_type: str | None) -> tuple[str, str]:
    """Decode a fetched document; returns ``(text, encoding used)``. Never raises."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return _decode_or_replace(body[len(bom) :], codec)
    utf8 = _strict(body, "utf-8")
    if utf8 is not None and not body.isascii():
        return utf8, "utf-8"
    declared = declared_codecs(body, content_type)
    for codec in declared:
        text = _strict(body, codec)
        if text is not None:
            return text, codec
    if utf8 is not None:
        return utf8, "utf-8"
    for codec in declared:
        text = body.decode(codec, errors="replace")
        if text.count("\ufffd") <= max(1.0, _MAX_BAD_RATIO * _non_ascii_count(text)):
            return text, codec + WITH_REPLACEMENT
    guess = _guess(body)
    if guess is not None:
        text = _strict(body, guess)
        if text is not None:
            return text, guess
    fallback = declared[0] if declared else (guess or "utf-8")
    return body.decode(fallback, errors="replace"), fallback + WITH_REPLACEMENT


def declared_codecs(body: bytes, content_type: str | None) -> list[str]:
    """Codecs the response declares, in order of authority: header, then the document itself."""
    labels: list[str] = []
    _, header_charset = parse_content_type(content_type)
    if header_charset:
        labels.append(header_charset)
    head = body[:PRESCAN_BYTES]
    xml = _XML_ENCODING.match(head)
    if xml:
        labels.append(xml.group(1).decode("ascii"))
    meta = _META_CHARSET.search(head)
    if meta:
        labels.append(meta.group(1).decode("ascii"))
    codecs_found: list[str] = []
    for label in labels:
        codec = normalize_codec(label)
        if codec is not None and codec not in codecs_found:
            codecs_found.append(codec)
    return codecs_found


def normalize_codec(label: str) -> str | None:
    """The Python codec for a charset label, or None when unknown or unusable.

    A UTF-16/32 declaration without a byte-order mark cannot be true for a page whose
    declaration we could read as ASCII, so it counts as UTF-8 (as browsers do).
    """
    name = label.strip().strip("\"'").lower()
    name = _ALIASES.get(name, name)
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    if codec.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return _ALIASES.get(codec, codec)


def _strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _decode_or_replace(body: bytes, codec: str) -> tuple[str, str]:
    text = _strict(body, codec)
    if text is not None:
        return text, codec
    return body.decode(codec, errors="replace"), codec + WITH_REPLACEMENT


def _non_ascii_count(text: str) -> int:
    return sum(1 for char in text if ord(char) > 0x7F)


def _guess(body: bytes) -> str | None:
    """charset-normalizer's best guess; on a tie, GB18030 (the pages we inspect are Chinese).

    Short GB-encoded snippets are as plausible in cp949 (Korean) as in GB18030, and
    charset-normalizer then picks whichever it tried first.
    """
    matches = from_bytes(body)
    best = matches.best()
    if best is None:
        return None
    for match in matches:
        codec = normalize_codec(match.encoding)
        if codec == PREFERRED_ON_TIE and match.chaos <= best.chaos + _TIE_CHAOS:
            return codec
    return normalize_codec(best.encoding)

"""Text normalisation shared by the extractors: width folding and whitespace collapsing.

``fold_width`` maps one character to one character, so positions found in the folded text
are positions in the original text too.
"""

from __future__ import annotations

# Full-width ASCII forms (U+FF01..U+FF5E) to ASCII, the ideographic space to a space, and the
# dash look-alikes to "-". Every mapping is one character to one character.
_WIDTH_TABLE: dict[int, str] = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}
_WIDTH_TABLE.update(
    {
        0x3000: " ",
        0x00A0: " ",
        0x2010: "-",
        0x2011: "-",
        0x2012: "-",
        0x2013: "-",
        0x2212: "-",
        0xFE58: "-",
        0xFE63: "-",
    }
)


def fold_width(text: str) -> str:
    """Full-width digits and punctuation as ASCII; same length as ``text``."""
    return text.translate(_WIDTH_TABLE)


def collapse(text: str) -> str:
    """Whitespace (including the ideographic and no-break spaces) collapsed to single spaces.

    ``str.split()`` splits at exactly the characters ``\\s`` matches (``str.isspace``), so this
    is ``re.sub(r"\\s+", " ", text).strip()``, in a fraction of the time (it runs on every
    text node of a page, several times).
    """
    return " ".join(text.split())

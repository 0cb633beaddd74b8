"""``too_complex`` counts as the plain walk over every tag does (``_walk`` below, the
module's definition written out), its shortcuts for pages far below the limits included."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.extract import limits
from crawler.extract.limits import _FLAT, too_complex

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")


def _walk(html: str) -> str | None:
    open_by_name: dict[str, int] = {}
    nesting = deepest = tags = 0
    for match in _TAG.finditer(html):
        name = match.group(2).lower()
        if match.group(1):
            if open_by_name.get(name, 0) > 0:
                open_by_name[name] -= 1
                nesting -= 1
            continue
        tags += 1
        if name in _FLAT:
            continue
        open_by_name[name] = open_by_name.get(name, 0) + 1
        nesting += 1
        deepest = max(deepest, nesting)
    if deepest > limits.MAX_NESTING:
        return f"page too deeply nested (depth {deepest}) — not read"
    if tags > limits.MAX_TAGS:
        return f"page has too many tags ({tags}) — not read"
    return None


# Tag names that differ in case, that begin like a flat one (link, pre, table), a name
# with digits and dashes, and characters that case-fold to ASCII letters (the Kelvin sign).
_PIECES = st.sampled_from(
    ["<div>", "</div>", "<DIV ", "</Div>", "<p>", "</p>", "<pre>", "</pre>", "<li>", "<link>",
     "<List>", "</list>", "<td>", "<table>", "</table>", "<br/>", "<h1-x>", "</h1-x>", "<b>",
     "</B>", "<lin\u212a>", "<\u212abd>", "< div>", "<", "/", "x", "<!-- <div> -->", "</"]
)  # fmt: skip


@pytest.fixture
def low_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Limits small enough for generated markup to cross them."""
    monkeypatch.setattr(limits, "MAX_NESTING", 6)
    monkeypatch.setattr(limits, "MAX_TAGS", 12)


@pytest.mark.usefixtures("low_limits")
@settings(max_examples=3000, deadline=None)
@given(html=st.lists(_PIECES, max_size=40).map("".join))
def test_the_verdict_is_the_walks(html: str) -> None:
    assert too_complex(html) == _walk(html)


@pytest.mark.parametrize("repeat", [1_999, 2_000, 2_001, 3_000])
def test_the_verdict_is_the_walks_at_the_limits(repeat: int) -> None:
    for html in (
        "<div>" * repeat,
        "<div></div>" * repeat,
        "<p><span>" * repeat + "</span>" * repeat,
        "<DIV>" * repeat + "<br>" * (200_001 - repeat),
    ):
        assert too_complex(html) == _walk(html)

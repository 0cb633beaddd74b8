"""``join_url`` answers exactly as ``urllib.parse.urljoin``, its shortcut for plain references
included: the same string, or the same ``ValueError``."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.extract.urls import join_url

BASES = (
    "http://www.example.gov.cn/col/col123/index.html",
    "https://www.example.gov.cn/a/b/",
    "http://h",
    "http://h/",
    "http://h:8080/a?page=2",
    "http://h/a;p/b.html",
    "HTTP://H/A/",
    "file:///tmp/page.html",
    "",
)
# Pieces that decide how a reference parses: dot segments, delimiters, brackets, the control
# characters urlsplit strips or drops, non-ASCII text and other schemes.
_PIECES = st.sampled_from(
    ["a", "B", "x.html", "/", "//", ".", "..", "./", "../", "?", "#", ";", ":", "%2F", "@",
     "[", "]", "\\", " ", "\t", "\n", "\x00", "\x7f", "\u3000", "\xa0", "中文", "http:",
     "https://", "HTTP://", "h", "=", "&"]
)  # fmt: skip
_REFERENCES = st.lists(_PIECES, max_size=8).map("".join)


def _outcome(base: str, target: str, join: object) -> str:
    try:
        return join(base, target)  # type: ignore[operator,no-any-return]
    except ValueError:
        return "ValueError"


@pytest.mark.parametrize(
    "target",
    [
        "/a/b.html", "a/b.html", "./a.html", "../a.html", "../../../../x", ".", "..", "./",
        "?page=2", "?", "/a/./b/../c", "a//b", "/.//x", "http://other.cn/x?y=1",
        "https://other.cn", "http://[::1]/", "http://h/a#top", "a.html?", "a;b", "中文.html",
    ],
)  # fmt: skip
@pytest.mark.parametrize("base", BASES)
def test_common_references_join_as_urljoin_does(base: str, target: str) -> None:
    assert _outcome(base, target, join_url) == _outcome(base, target, urljoin)


@settings(max_examples=3000, deadline=None)
@given(base=st.one_of(st.sampled_from(BASES), _REFERENCES.map("http://h/".__add__)),
       target=_REFERENCES)  # fmt: skip
def test_any_reference_joins_as_urljoin_does(base: str, target: str) -> None:
    assert _outcome(base, target, join_url) == _outcome(base, target, urljoin)

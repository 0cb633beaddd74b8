"""Candidates whose entries hold more than three links each are not read: what that rests on.

Every entry of a candidate is read (each holds a title link), so the links an entry holds are
known before reading, and ``_score`` gives such a candidate 0 whatever its entries' dates.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from crawler.extract.candidates import collect_candidates
from crawler.extract.listpage import (
    _MAX_LINKS_PER_ENTRY,
    _links_per_entry,
    _read_entries,
    _score,
)

PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "pages"
TODAY = date(2022, 6, 20)
BASE = "http://www.example.gov.cn/col/"


def _check(html: str) -> int:
    body = LexborHTMLParser(html).body
    if body is None:
        return 0
    pruned = 0
    for candidate in collect_candidates(body, base_url=BASE).values():
        read = _read_entries(candidate, base_url=BASE, today=TODAY)
        assert len(read) == len(candidate.entries)
        if _links_per_entry(candidate) > _MAX_LINKS_PER_ENTRY:
            assert _score(candidate, read) == 0.0
            pruned += 1
    return pruned


@pytest.mark.parametrize("page", sorted(PAGES.glob("*.htm*")), ids=lambda page: page.name)
def test_fixture_pages(page: Path) -> None:
    _check(page.read_text(encoding="utf-8", errors="replace"))


_ENTRY = st.builds(
    lambda links, day, tag: (
        f"<{tag}>"
        + "".join(f'<a href="/a/{n}.html">第{n}条通知公告的标题文字</a>' for n in range(links))
        + (f"<span>2022-05-{day:02d}</span>" if day else "")
        + f"</{tag}>"
    ),
    st.integers(min_value=1, max_value=6),
    st.integers(min_value=0, max_value=28),
    st.sampled_from(["li", "div", "p"]),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_ENTRY, min_size=1, max_size=6), min_size=1, max_size=4))
def test_generated_blocks(blocks: list[list[str]]) -> None:
    html = "<body>" + "".join(f"<div><ul>{''.join(b)}</ul></div>" for b in blocks) + "</body>"
    _check(html)


def test_a_block_of_menus_is_pruned() -> None:
    menu = "".join(f'<li><a href="/m/{n}.html">栏目名称{n}的链接</a></li>' for n in range(5))
    html = f"<body><div>{''.join(f'<ul>{menu}</ul>' for _ in range(4))}</div></body>"
    assert _check(html) >= 1

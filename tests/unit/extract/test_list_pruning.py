"""Candidates that cannot score as lists are not read: what that rests on.

Every entry of a candidate is read (each holds a title link), so the links an entry holds and
its longest link title are known before reading: ``_place`` bounds ``_score`` from them (a
candidate whose entries hold more than three links each scores 0 whatever its dates).
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
    _MIN_SCORE,
    _links_per_entry,
    _place,
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
        score = _score(candidate, read)
        if _links_per_entry(candidate) > _MAX_LINKS_PER_ENTRY:
            assert score == 0.0
        place = _place(candidate)
        if place is None:
            assert score < _MIN_SCORE
            pruned += 1
        else:
            assert _score(candidate, read, place) == score
    return pruned


@pytest.mark.parametrize("page", sorted(PAGES.glob("*.htm*")), ids=lambda page: page.name)
def test_fixture_pages(page: Path) -> None:
    _check(page.read_text(encoding="utf-8", errors="replace"))


_ENTRY = st.builds(
    lambda links, title, day, tag: (
        f"<{tag}>"
        + "".join(f'<a href="/a/{n}.html">{title}{n}</a>' for n in range(links))
        + (f"<span>2022-05-{day:02d}</span>" if day else "")
        + f"</{tag}>"
    ),
    st.integers(min_value=1, max_value=6),
    st.sampled_from(["通知", "政务公开", "关于开展安全生产检查的通知公告", "x" * 40]),
    st.integers(min_value=0, max_value=28),
    st.sampled_from(["li", "div", "p"]),
)
_BLOCK = st.builds(
    lambda entries, place, heading: f"{heading}<div{place}><ul>{''.join(entries)}</ul></div>",
    st.lists(_ENTRY, min_size=1, max_size=6),
    st.sampled_from(["", ' class="nav"', ' class="footer"', ' id="main-list"', ' class="side"']),
    st.sampled_from(["", "<h3>热点推荐</h3>", "<h3>通知公告</h3>"]),
)


@settings(max_examples=80, deadline=None)
@given(st.lists(_BLOCK, min_size=1, max_size=4))
def test_generated_blocks(blocks: list[str]) -> None:
    _check("<body>" + "".join(blocks) + "</body>")


def test_a_block_of_menus_is_pruned() -> None:
    menu = "".join(f'<li><a href="/m/{n}.html">栏目名称{n}的链接</a></li>' for n in range(5))
    html = f"<body><div>{''.join(f'<ul>{menu}</ul>' for _ in range(4))}</div></body>"
    assert _check(html) >= 1

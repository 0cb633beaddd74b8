"""``normalise`` without full-width letters or digits drops the same gaps as the one scan
that also folds them (``_GAP_OR_WIDE`` with ``_fold_or_drop``)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.extract.wording.check import _GAP_OR_WIDE, _fold_or_drop, normalise

_PIECES = st.sampled_from(
    ["中", "华", "a", "1", "１", "Ａ", "ｚ", "，", " ", "\n", "\t", "\u3000", "\u200b", "\xad",
     "\ufeff", "\xa0", "。", "-", "㐀", "\uf900", "x y"]
)  # fmt: skip


@settings(max_examples=2000, deadline=None)
@given(text=st.one_of(st.text(max_size=60), st.lists(_PIECES, max_size=30).map("".join)))
def test_normalise_is_the_one_scan(text: str) -> None:
    assert normalise(text) == _GAP_OR_WIDE.sub(_fold_or_drop, text)

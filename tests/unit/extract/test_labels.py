"""The label hint: a text it passes over holds no publish label, whatever its width or case."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from crawler.extract.labels import PUBLISH_LABEL, PUBLISH_LABEL_HINT
from crawler.extract.text import fold_width

_WORDS = st.sampled_from(
    [
        "发布时间：", "发表于", "发布于", "信息日期", "时间", "日期", "时 间", "Published on",
        "POSTED at", "Veröffentlicht am", "erschienen", "Publié le", "publiée", "Publicado el",
        "publicada", "Pubblicato il", "Opublikowano", "Date:", "DATUM :", "fecha：",
        "ｐｕｂｌｉｓｈｅｄ", "Ｄａｔｅ：", "ＰＯＳＴＥＤ", "ſ", "K", "İ", "ı", "update", "data",
        "2022-05-20", "：", " ", "\u3000", "a", "x",
    ]
)  # fmt: skip


@given(st.lists(st.one_of(_WORDS, st.text(max_size=6)), max_size=8).map("".join))
def test_a_label_is_never_passed_over(text: str) -> None:
    if PUBLISH_LABEL.search(fold_width(text)) is not None:
        assert PUBLISH_LABEL_HINT.search(text) is not None


def test_plain_lines_are_passed_over() -> None:
    assert PUBLISH_LABEL_HINT.search("市政府召开常务会议 研究部署重点工作") is None
    assert PUBLISH_LABEL_HINT.search("来源：县政府办 浏览次数：12") is None

"""二's 网民咨询 and 找错 sentences from the export's interaction section: the seed's words, a
board that could not be read (never zero), no 找错 reports (nothing said), a malformed section."""

from __future__ import annotations

from typing import Any

import pytest

from crawler.report.interaction import interaction_sentence, parse_interaction
from crawler.report.model import ReportDataError


def section(**consult: Any) -> dict[str, Any]:
    return {
        "period": {"label": "2022Q2", "start": "2022-04-01", "end": "2022-06-30"},
        "boards": [],
        "units": [],
        "consult": {
            "site": "portal",
            "boards": ["网上咨询"],
            "unread": [],
            "received": 83,
            "answered": 80,
            "rate": 80 / 83,
            "rate_text": "96%",
            **consult,
        },
        "late_letters": [],
        "zhaocuo": [
            {"site": "portal", "site_name": "某市人民政府", "received": 3, "handled": 3,
             "on_time": 3, "overdue_open": 0}
        ],
    }  # fmt: skip


def test_the_seed_sentences() -> None:
    text = interaction_sentence(parse_interaction(section()), None)
    assert text == (
        "网民咨询办理方面，各部门共受理网民咨询83个，办结80个，办结率96%。"
        "收到“我为政府网站找错”留言3条，按期处理3条。"
    )


def test_an_unread_board_is_said_never_counted_as_zero() -> None:
    unread = parse_interaction(section(unread=["网上咨询"], received=0, answered=0))
    text = interaction_sentence(unread, "portal")
    assert text.startswith("网民咨询办理方面，网上咨询栏目本期未能读取，办理情况无检查数据。")
    assert "受理网民咨询0个" not in text
    some = parse_interaction(section(boards=["网上咨询", "市长信箱"], unread=["市长信箱"]))
    assert "（市长信箱栏目本期未能读取，未计入。）" in interaction_sentence(some, "portal")


def test_nothing_is_said_without_boards_or_reports() -> None:
    empty = {**section(), "consult": None, "zhaocuo": []}
    assert interaction_sentence(parse_interaction(empty), None) == ""
    assert interaction_sentence(None, "portal") == ""
    other_portal = interaction_sentence(parse_interaction(section()), "other")
    assert "找错" not in other_portal


def test_a_malformed_section_says_where() -> None:
    with pytest.raises(ReportDataError, match=r"consult\.received"):
        parse_interaction(section(received="83"))
    with pytest.raises(ReportDataError, match=r"export\.interaction"):
        parse_interaction([1, 2])

"""``boards:`` in the targets file: kinds in Chinese and English, ids, JSON sources, and the
errors a person gets for a wrong kind, a board without a URL or a mapping to no field."""

from __future__ import annotations

import pytest

from crawler.targets import TargetsError, parse_targets
from rules.boards import BoardKind


def targets(boards: str) -> str:
    return f"""
sites:
  - id: portal
    name: 某某市人民政府
    homepage: http://127.0.0.1:9/
    boards:
{boards}
"""


def test_boards_are_read_with_their_kinds_and_ids() -> None:
    parsed = parse_targets(
        targets(
            """      - {name: 网上咨询, kind: 咨询, url: "http://127.0.0.1:9/hdjl/wszx/index.html",
         reply_days: 5, unit: 市政府办公室}
      - {id: ft, name: 在线访谈, kind: interview, urls: ["http://127.0.0.1:9/ft/"]}
      - name: 市长信箱
        kind: 市长信箱
        url: http://127.0.0.1:9/szxx/
        headers: {提问日期: asked}
        selector: ul.mail > li
      - name: 热线
        kind: 咨询
        json: {url: "http://127.0.0.1:9/api/list?pageNo=1", records: data.records,
               fields: {title: subject, asked: createTime}}"""
        )
    )
    consult, interview, mailbox, hotline = parsed.sites[0].boards
    assert (consult.id, consult.kind, consult.reply_days, consult.unit) == (
        "hdjl-wszx",
        BoardKind.CONSULT,
        5,
        "市政府办公室",
    )
    assert consult.kind.vetoable
    assert not interview.kind.vetoable
    assert (interview.id, interview.urls) == ("ft", ("http://127.0.0.1:9/ft/",))
    assert mailbox.kind is BoardKind.MAILBOX
    assert mailbox.headers == (("提问日期", "asked"),)
    assert mailbox.selector == "ul.mail > li"
    assert hotline.json is not None
    assert hotline.json.records == "data.records"
    assert dict(hotline.json.fields) == {"title": "subject", "asked": "createTime"}
    assert hotline.urls == ("http://127.0.0.1:9/api/list?pageNo=1",)
    hash(parsed.sites[0])  # sites stay hashable values


@pytest.mark.parametrize(
    ("board", "expected"),
    [
        ('{name: x, kind: 聊天, url: "http://127.0.0.1:9/x/"}', "unknown board kind '聊天'"),
        ("{name: x, kind: 咨询}", "a board needs its list page"),
        ('{name: x, kind: 咨询, url: "ftp://x/"}', "is not a URL"),
        (
            '{name: x, kind: 咨询, url: "http://127.0.0.1:9/x/", headers: {日期: when}}',
            "headers map to unknown field 'when'",
        ),
        (
            '{name: x, kind: 咨询, json: {url: "http://127.0.0.1:9/a", fields: {who: name}}}',
            "unknown letter field 'who'",
        ),
    ],
)
def test_a_wrong_board_says_where_and_what_to_do(board: str, expected: str) -> None:
    with pytest.raises(TargetsError) as caught:
        parse_targets(targets(f"      - {board}"))
    assert "sites[0].boards[0]" in str(caught.value)
    assert expected in str(caught.value)


def test_two_boards_with_one_id_are_refused() -> None:
    with pytest.raises(TargetsError, match="duplicate board id 'a'"):
        parse_targets(
            targets(
                '      - {id: a, name: x, kind: 咨询, url: "http://127.0.0.1:9/x/"}\n'
                '      - {id: a, name: y, kind: 投诉, url: "http://127.0.0.1:9/y/"}'
            )
        )


def test_a_selector_that_is_not_css_is_refused_at_load() -> None:
    with pytest.raises(TargetsError, match="is not a CSS selector"):
        parse_targets(
            targets('      - {name: x, kind: 咨询, url: "http://127.0.0.1:9/x/", selector: "ul["}')
        )

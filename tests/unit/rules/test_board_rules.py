"""互动交流 rules of national-2019 and the counts: the veto on both sides of 3 months, the
excluded kinds, boards that could not be read, states the board does not show, the reply and
message deductions, 办结率 and 按期办结."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from engine_builders import NOW, TODAY, site

from rules.boards import Board, BoardKind, LetterState
from rules.engine import evaluate
from rules.evaluation import ObjectResult, Result
from rules.interaction import add_working_days, count_letters, percent_text
from rules.letters import BoardFacts, LetterFact
from rules.model import Outcome
from rules.period import Period
from rules.profile_files import load_profile

NATIONAL = load_profile("national-2019")
Q2 = Period.parse("2022Q2")
BOARD = Board(id="wszx", name="网上咨询", kind=BoardKind.CONSULT, urls=("http://x/hdjl/",))


def letter(
    asked_ago: int,
    replied_after: int | None = 2,
    *,
    state: LetterState | None = None,
    key: str | None = None,
    gone: bool = False,
) -> LetterFact:
    asked = TODAY - timedelta(days=asked_ago)
    replied = None if replied_after is None else asked + timedelta(days=replied_after)
    if replied is not None and replied > TODAY:
        replied = None
    return LetterFact(
        key=key or f"k{asked_ago}-{replied_after}",
        title=f"咨询{asked_ago}",
        url=f"http://x/hdjl/{asked_ago}.html",
        asked=asked,
        replied=replied,
        state=state or (LetterState.ANSWERED if replied else LetterState.PENDING),
        where=f"table[1] tr[{asked_ago}]",
        gone_at=NOW if gone else None,
    )


def board(
    *letters: LetterFact,
    kind: BoardKind = BoardKind.CONSULT,
    outcome: Outcome | None = Outcome.OK,
    complete: bool = True,
) -> BoardFacts:
    return BoardFacts(
        site_id="s1",
        site_name="某局",
        board=replace(BOARD, kind=kind),
        checked_at=NOW,
        outcome=outcome,
        complete=complete,
        letters=letters,
    )


def judge(*boards: BoardFacts) -> ObjectResult:
    facts = replace(site(), boards=boards)
    return evaluate([facts], [], NATIONAL, now=NOW, period=Q2).sites[0]


def codes(result: ObjectResult) -> list[str]:
    return [item.finding.code for item in result.findings]


def reasons(result: ObjectResult, rule: str) -> list[str]:
    return [item.reason for item in result.not_judged if item.rule == rule]


def recent() -> list[LetterFact]:
    return [letter(days) for days in range(3, 40, 3)]


def test_a_board_answering_in_days_passes() -> None:
    result = judge(board(*recent()))
    assert codes(result) == []
    assert result.result is Result.PASSED


def test_a_letter_pending_for_100_days_vetoes_with_its_evidence() -> None:
    result = judge(board(*recent(), letter(100, None)))
    assert result.result is Result.FAILED
    assert result.vetoes == ("board-unanswered",)
    (found,) = [item.finding for item in result.findings if item.finding.code == "board-unanswered"]
    assert "互动回应差" in found.message
    assert "未答复" in found.message
    assert "100天" in found.message
    evidence = found.evidence
    assert evidence.newest_url == "http://x/hdjl/100.html"
    assert evidence.newest_date == TODAY - timedelta(days=100)
    assert evidence.newest_where == "table[1] tr[100]"
    assert evidence.age_days == 100
    assert evidence.threshold == "超过3个月未回应"


def test_three_months_is_calendar_months_and_a_late_answer_counts() -> None:
    assert codes(judge(board(*recent(), letter(85, None)))) == []  # under 3 months: pending
    late = judge(board(*recent(), letter(200, 95)))  # answered, but after more than 3 months
    assert "board-unanswered" in codes(late)
    assert codes(judge(board(*recent(), letter(200, 80)))) == []


def test_letters_older_than_a_year_gone_or_of_unknown_state_never_veto() -> None:
    assert codes(judge(board(*recent(), letter(400, None)))) == []
    assert codes(judge(board(*recent(), letter(100, None, gone=True)))) == []
    unknown = letter(100, None, state=LetterState.UNKNOWN)
    answered_some_day = letter(150, None, state=LetterState.ANSWERED, key="answered")
    assert codes(judge(board(*recent(), unknown, answered_some_day))) == []


def test_excluded_kinds_are_never_vetoed() -> None:
    for kind in (BoardKind.INTERVIEW, BoardKind.SURVEY, BoardKind.PETITION, BoardKind.DISCIPLINE):
        result = judge(board(letter(100, None), kind=kind))
        assert codes(result) == []
        assert result.not_judged == ()


def test_a_board_that_could_not_be_read_is_not_judged_never_unanswered() -> None:
    for outcome in (Outcome.TIMEOUT, Outcome.BLOCKED, None):
        result = judge(board(letter(100, None), outcome=outcome))
        assert codes(result) == []
        (reason,) = reasons(result, "board-unanswered")
        assert "网上咨询" in reason
        assert "无法判断" in reason
    # a readable board's veto still counts beside an unreadable one
    both = judge(board(letter(100, None)), board(outcome=Outcome.TIMEOUT))
    assert both.vetoes == ("board-unanswered",)
    assert reasons(both, "board-unanswered")


def test_no_reply_for_two_months_deducts_3() -> None:
    stale = judge(board(letter(70, None), letter(90, 5)))
    assert codes(stale) == ["board-replies-stale"]
    assert stale.score == 97
    assert "最新答复日期" in stale.findings[0].finding.message
    assert codes(judge(board(letter(30, 5)))) == []
    shown_without_days = board(letter(10, None, state=LetterState.ANSWERED))
    assert reasons(judge(shown_without_days), "board-replies-stale")


def test_no_message_for_six_months_is_a_note() -> None:
    quiet = judge(board(letter(200, 3)))
    assert "board-messages-stale" in codes(quiet)
    empty = judge(board())
    assert "board-messages-stale" in codes(empty)
    assert codes(judge(board(complete=False))) == []  # an incomplete empty read: unknown
    assert reasons(judge(board(complete=False)), "board-messages-stale")


def test_a_site_without_boards_has_nothing_judged_here() -> None:
    result = judge()
    assert codes(result) == []
    assert reasons(result, "board-unanswered") == []


def test_counts_receipts_answers_and_replies_in_time() -> None:
    day = date(2022, 4, 1)  # a Friday

    def at(asked: date, replied: date | None, state: LetterState) -> LetterFact:
        return LetterFact(
            key=f"{asked}{replied}", title="t", url=None, asked=asked, replied=replied, state=state
        )

    letters = [
        at(day, date(2022, 4, 8), LetterState.ANSWERED),  # 5 working days: in time
        at(day, date(2022, 4, 11), LetterState.ANSWERED),  # 6 working days: late
        at(date(2022, 5, 3), None, LetterState.ANSWERED),  # answered, day unknown
        at(date(2022, 6, 1), None, LetterState.PENDING),
        at(date(2022, 6, 2), None, LetterState.UNKNOWN),
        at(date(2022, 3, 31), date(2022, 4, 1), LetterState.ANSWERED),  # the quarter before
    ]
    counts = count_letters(letters, period=Q2, reply_days=5)
    assert (counts.received, counts.answered, counts.pending, counts.unknown) == (5, 3, 1, 1)
    assert (counts.timed, counts.on_time, counts.median_days) == (2, 1, 8.5)
    assert percent_text(counts.rate) == "60%"
    assert count_letters(letters, period=Q2, reply_days=None).on_time is None
    assert add_working_days(day, 5) == date(2022, 4, 8)
    assert percent_text(80 / 83) == "96%"
    assert percent_text(None) == "—"

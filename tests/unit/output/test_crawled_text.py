"""Crawled text is printed as it is: a title or reason that looks like rich markup is text."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from crawler.cli.runtime import stdout_console
from crawler.output.run import print_findings
from rules.model import Evidence, Finding, Outcome, Severity

PIECES = ["[", "]", "/", "=", "#", "通知", " ", "a", "bold", "[/", "[/]", "[bold]", "[link=x]"]
MARKUP_LIKE = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


def _finding(text: str) -> Finding:
    return Finding(
        code="column-stale",
        severity=Severity.PROBLEM,
        message=f"{text}2周未更新",
        site_id="s",
        site_name=text or "站",
        column_id="c",
        column_name=text or "栏目",
        evidence=Evidence(
            url="http://127.0.0.1/c/",
            checked_at=datetime(2022, 6, 30, tzinfo=UTC),
            outcome=Outcome.OK,
            newest_date=date(2022, 5, 1),
            newest_title=text,
            newest_where="span.date",
            detail=text,
        ),
    )


def _console(buffer: io.StringIO) -> Console:
    console = stdout_console()
    console.file = buffer
    return console


@given(MARKUP_LIKE)
def test_findings_with_markup_like_text_print_it_verbatim(text: str) -> None:
    buffer = io.StringIO()
    print_findings(_console(buffer), [_finding(text)])
    if text.strip():
        assert text.strip() in buffer.getvalue()


def test_the_reported_cases_print_verbatim() -> None:
    for text in ("[/red]通知[/]", "Oops [/bold]", "[link=http://x]点我[/link]"):
        buffer = io.StringIO()
        print_findings(_console(buffer), [_finding(text)])
        assert text in buffer.getvalue()

"""judge_page's optional ``windows``: a profile's column windows, the defaults unchanged."""

from __future__ import annotations

from datetime import timedelta

from engine_builders import NOW, TODAY, page

from rules.freshness import Verdict, judge_page, judge_pages
from rules.model import Category, Window


def test_without_windows_the_national_windows_apply() -> None:
    column = page("xw", newest=TODAY - timedelta(days=10))
    assert judge_page(column, now=NOW).verdict is Verdict.FRESH
    assert judge_page(column, now=NOW, windows={}).verdict is Verdict.FRESH


def test_a_window_override_changes_only_its_category() -> None:
    windows = {Category.NEWS: Window(days=7, label="1周")}
    news = page("xw", newest=TODAY - timedelta(days=8))
    notice = page("tz", category=Category.NOTICE, newest=TODAY - timedelta(days=100))
    update = page("ys", category=Category.UPDATE, max_age_days=30, newest=TODAY - timedelta(31))
    verdicts = judge_pages([news, notice, update], now=NOW, windows=windows)
    assert [v.verdict for v in verdicts] == [Verdict.STALE, Verdict.FRESH, Verdict.OVERDUE]
    assert verdicts[0].findings[0].message == "xw1周未更新"
    assert judge_page(news, now=NOW).verdict is Verdict.FRESH

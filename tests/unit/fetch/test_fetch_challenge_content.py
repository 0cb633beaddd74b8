"""classify_challenge: a page with content is content whatever scripts it carries; a challenge
without content is blocked, and says what would get past it."""

from __future__ import annotations

from itertools import pairwise

import pytest

from crawler.fetch.challenge import (
    Challenge,
    anchor_windows,
    classify_challenge,
    content_link_count,
    detect_challenge,
)

TS_SNIPPET = (
    '<meta id="9DhefwqGPrzGxEp9hPaoag" content="Hk2qXJ8tK0.ZxB5nQ3lYr" r=\'m\'>'
    "<script type=\"text/javascript\" r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts={};"
    '$_ts.nsd=84730;$_ts.cd="qEqcrAAlWsGqDqLUroAErSaqDqLUAGa";</script>'
    '<script type="text/javascript" charset="utf-8" src="/4QbVtADbnLVIc/c.FxJzG50F.dfe1675.js" '
    "r='m'></script>"
)
# A short column page of a site behind 瑞数, as a browser gets it: the $_ts snippet, a menu,
# six entries. Its visible text is well under the "small page" bound.
TS_LIST_PAGE = (
    f"<!DOCTYPE html><html><head><meta charset='utf-8'>{TS_SNIPPET}<title>通知公告</title></head>"
    "<body><div class='nav'><a href='/'>首页</a><a href='/zwgk/'>政务公开</a>"
    "<a href='/tzgg/'>通知公告</a></div><ul class='list'>"
    + "".join(
        f"<li><a href='../art/2024/{i}.html'>关于第{i}批工作的通知</a>"
        f"<span>2024-05-{i:02d}</span></li>"
        for i in range(1, 7)
    )
    + "</ul></body></html>"
)
# What a 瑞数 site answers first: 412 and a shell of scripts, no text, no link.
RUISHU_SHELL = (
    '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; '
    f'charset=utf-8">{TS_SNIPPET}</head><body></body></html>'
)
JIASULE_521 = (
    "<html><body><script>document.cookie=('__jsl_clearance=1714550400.123|0|'+"
    "'abcdEFGH%3D');location.href=location.pathname+location.search</script></body></html>"
)
# 加速乐's first answer spells the cookie name out character by character.
JIASULE_521_OBFUSCATED = (
    "<html><body><script>document.cookie=('_')+('_')+('j')+('s')+('l')+('_')+('c')+('l')"
    "+('e')+('a')+('r')+('a')+('n')+('c')+('e')+('=')+('1714550400');"
    "location.href=location.pathname+location.search</script></body></html>"
)
SAFEDOG_BLOCK = (
    "<html><head><title>网站防火墙</title></head><body><h3>您的访问被拦截</h3>"
    "<p>可能原因：您提交的内容包含危险的攻击请求</p><p>网站安全狗</p>"
    "<a href='/'>返回首页</a></body></html>"
)


@pytest.mark.parametrize("status", [200, 202])
def test_a_list_page_carrying_the_ruishu_snippet_is_content(status: int) -> None:
    assert classify_challenge(status, TS_LIST_PAGE) is None
    assert detect_challenge(status, TS_LIST_PAGE) is None


@pytest.mark.parametrize("status", [412, 202, 200])
def test_a_bare_ruishu_shell_is_a_challenge_that_needs_a_browser(status: int) -> None:
    challenge = classify_challenge(status, RUISHU_SHELL)
    assert challenge == Challenge(status=status, vendor="瑞数", script_only=True)
    assert challenge.needs_browser
    assert challenge.remedy == "needs a browser (瑞数 challenge)"
    assert challenge.detail == f"{status} challenge page (瑞数)"


def test_a_412_is_a_challenge_whatever_it_shows() -> None:
    assert detect_challenge(412, TS_LIST_PAGE) == "412 challenge page (瑞数)"
    assert detect_challenge(412, "") == "412 challenge page (unknown WAF)"


def test_jiasule_521_cookie_page_needs_a_browser() -> None:
    challenge = classify_challenge(521, JIASULE_521)
    assert challenge is not None
    assert challenge.detail == "521 challenge page (加速乐)"
    assert challenge.remedy == "needs a browser (加速乐 challenge)"


def test_jiasule_521_obfuscated_script_is_named_by_its_status() -> None:
    challenge = classify_challenge(521, JIASULE_521_OBFUSCATED)
    assert challenge is not None
    assert challenge.vendor == "加速乐"
    assert challenge.remedy == "needs a browser (加速乐 challenge)"


def test_an_unnamed_script_only_page_needs_a_browser() -> None:
    challenge = classify_challenge(503, "<html><script>var a=1;</script></html>")
    assert challenge is not None
    assert challenge.detail == "503 script-only challenge page"
    assert challenge.remedy == "needs a browser (script-only challenge)"


@pytest.mark.parametrize("status", [200, 403])
def test_a_waf_block_page_asks_to_allow_the_address(status: int) -> None:
    challenge = classify_challenge(status, SAFEDOG_BLOCK)
    assert challenge is not None
    assert challenge.vendor == "安全狗"
    assert not challenge.needs_browser
    assert challenge.remedy.startswith("refused by the site's firewall (安全狗 block page)")


def test_links_in_scripts_and_empty_links_are_not_content() -> None:
    scripted = "<script>" + "<a href='/x'>一条通知</a>" * 10 + "</script>"
    empty = "<a href='/x'><img src='a.png'></a>" * 10 + "<a href='/y'>字</a>" * 10
    assert content_link_count(scripted) == 0
    assert content_link_count(empty) == 0
    assert content_link_count(TS_LIST_PAGE) == 5  # counting stops at the threshold
    assert content_link_count(TS_LIST_PAGE, stop_at=100) == 9


def test_a_challenge_with_a_few_links_stays_a_challenge() -> None:
    page = RUISHU_SHELL.replace("<body></body>", "<body><a href='/'>返回首页</a></body>")
    assert classify_challenge(200, page) is not None


def test_unclosed_anchors_are_counted_in_linear_time() -> None:
    text = "<a href='/x'>" * 50_000
    assert classify_challenge(200, text) is None
    # The search for each anchor's </a> never goes past the next anchor, so the characters
    # searched in all are at most the page's: linear however many anchors are left open.
    windows = list(anchor_windows(text))
    assert len(windows) == 50_000
    assert sum(end - start for start, end in windows) <= len(text)
    assert all(end <= following for (_, end), (following, _) in pairwise(windows))


def test_an_opening_tag_without_its_end_does_not_swallow_the_next_one() -> None:
    text = "<a href='/x' " * 20_000 + "<a href='/y'>首页</a>"
    windows = list(anchor_windows(text))
    assert len(windows) == 1
    assert content_link_count(text, stop_at=2) == 1


def test_an_anchor_left_open_before_the_next_one_is_not_counted() -> None:
    assert content_link_count("<a href='/a'>政务<a href='/b'>公开</a>", stop_at=5) == 1
    assert content_link_count("<a href='/a'>政务</A ><a href='/b'>公开</a>", stop_at=5) == 2

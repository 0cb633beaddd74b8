"""detect_challenge on sample challenge, block and ordinary pages."""

from __future__ import annotations

import pytest

from crawler.fetch.challenge import detect_challenge, visible_text_length

RUISHU = (
    '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; '
    'charset=utf-8"><meta id="9DhefwqGPrzGxEp9hPaoag" content="Hk2qXJ8tK0.ZxB5nQ3lYr" '
    "r='m'><!--[if lt IE 9]><script r='m'>document.createElement(\"section\")</script>"
    "<![endif]--><script type=\"text/javascript\" r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts={};"
    '$_ts.nsd=84730;$_ts.cd="qEqcrAAlWsGqDqLUroAErSaqDqLUAGa";</script><script '
    'type="text/javascript" charset="utf-8" src="/4QbVtADbnLVIc/c.FxJzG50F.dfe1675.js" '
    "r='m'></script></head><body></body></html>"
)
JIASULE = (
    "<html><body><script>document.cookie=('_')+('_')+('jsl_clearance_s')+('=')+"
    "('1714550400.123|0|abc');location.href=location.pathname+location.search</script>"
    "</body></html>"
)
GENERIC_SCRIPT_ONLY = (
    "<html><head><script src='/x.js'></script><script>var a=1;for(;;){}</script></head>"
    "<body><noscript>请开启JavaScript后访问</noscript></body></html>"
)
SAFEDOG = (
    "<html><head><title>网站防火墙</title></head><body><h3>您的访问被拦截</h3>"
    "<p>可能原因：您提交的内容包含危险的攻击请求</p><p>网站安全狗</p></body></html>"
)
YUNSUO = "<html><body><div>您的访问被阻断。当前网址受云锁保护。</div></body></html>"
NGINX_403 = (
    "<html><head><title>403 Forbidden</title></head><body><center><h1>403 Forbidden</h1>"
    "</center><hr><center>nginx</center></body></html>"
)
LIST_PAGE = (
    "<html><head><script src='/js/jquery.js'></script><script>var _hmt = _hmt || [];"
    "</script></head><body><div class='list'><ul>"
    + "".join(
        f"<li><a href='/art/{i}.html'>关于做好第{i}批政务公开工作的通知</a>"
        f"<span>2024-05-{i:02d}</span></li>"
        for i in range(1, 25)
    )
    + "</ul></div><div class='footer'>主办单位：某某市人民政府办公室 网站标识码：1234000001 "
    "本网站已部署网站防火墙</div></body></html>"
)
SPA_SHELL = (
    "<html><head><script src='/app.js'></script></head><body><div id='app'></div>"
    "<noscript>请开启JavaScript</noscript></body></html>"
)


@pytest.mark.parametrize(
    ("status", "text", "expected"),
    [
        (412, RUISHU, "412 challenge page (瑞数)"),
        (202, RUISHU, "202 challenge page (瑞数)"),
        (200, RUISHU, "200 challenge page (瑞数)"),
        (412, "", "412 challenge page (unknown WAF)"),
        (521, JIASULE, "521 challenge page (加速乐)"),
        (200, JIASULE, "200 challenge page (加速乐)"),
        (202, GENERIC_SCRIPT_ONLY, "202 challenge page (JS)"),
        (403, SAFEDOG, "403 challenge page (安全狗)"),
        (200, SAFEDOG, "200 challenge page (安全狗)"),
        (403, YUNSUO, "403 challenge page (云锁)"),
    ],
)
def test_challenges_are_detected(status: int, text: str, expected: str) -> None:
    assert detect_challenge(status, text) == expected


@pytest.mark.parametrize(
    ("status", "text"),
    [
        (200, LIST_PAGE),  # mentions 网站防火墙 in the footer, but is a real page
        (403, NGINX_403),
        (404, RUISHU),  # a 404 is an HTTP error whatever it shows
        (500, SAFEDOG),
        (200, SPA_SHELL),  # script-only but no challenge marker
        (200, GENERIC_SCRIPT_ONLY),
        (503, "<html><body><h1>Service Unavailable</h1></body></html>"),
    ],
)
def test_ordinary_pages_are_not_challenges(status: int, text: str) -> None:
    assert detect_challenge(status, text) is None


def test_visible_text_ignores_scripts_styles_and_tags() -> None:
    html = (
        "<html><style>p{}</style><script>var x='很多字';</script><p>通 知</p><!-- 注释 --></html>"
    )
    assert visible_text_length(html) == 2


def test_unclosed_script_does_not_hang() -> None:
    text = "<script>" * 20_000
    assert detect_challenge(403, text) == "403 script-only challenge page"

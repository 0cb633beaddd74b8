"""Every marker of a challenge vendor is looked for only where one of its plain substrings
shows (a fast pre-check): each example a marker's pattern matches must hold one of them."""

from __future__ import annotations

import pytest

from crawler.fetch.challenge import _MARKERS

EXAMPLES = [
    "var $_ts=window['$_ts'];",
    'window["$_ts"]',
    "$_ts.nsd=1",
    '<meta id="abcdefg" content="x" r=\'m\'>',
    '<META ID="abcdefg" CONTENT="x" R="M">',
    "document.cookie='__jsl_clearance=1'",
    "JSL_CLEARANCE_S",
    "创宇盾 KnownSec 365CYD jiasule",
    "安全狗 SafeDog",
    "云锁 YunSuo",
    "Aliyun_WAF errors.aliyun.com 阿里云盾 /_WAF_/",
    "360WZWS 网站卫士",
    "WAF.Tencent-Cloud.com 腾讯云 Web 应用防火墙",
    "CF-Browser-Verification challenge-platform cf_chl_opt",
    "The requested URL was rejected. Please consult with your administrator.",
    "您的访问被拦截 您的访问被阻断 访问被拒绝 非法访问 网站防火墙 WEB应用防火墙 疑似攻击 拦截提示",
    "请开启 JavaScript",
    "Please enable   JavaScript",
]


@pytest.mark.parametrize("text", EXAMPLES)
def test_a_matching_pattern_always_has_its_needle(text: str) -> None:
    matched = 0
    for marker in _MARKERS:
        if marker.pattern.search(text):
            matched += 1
            assert any(needle in text.lower() for needle in marker.needles), (marker.vendor, text)
    assert matched, text

"""What the page behind an external link is: each kind flagged from its title, description,
text or host; the look-alikes a government links to never flagged; any input bounded."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.extract import landing
from crawler.extract.landing import (
    MAX_HTML_CHARS,
    PARKED_TEXT_MAX_CHARS,
    Landing,
    classify_landing,
)
from crawler.extract.spam_words import _SURE_WORDS, OTHER_SURE_WORDS
from rules.links import LandingKind, LandingPlace, LandingWords

URL = "http://youqing.example.com/"


def page(title: str = "", body: str = "", head: str = "") -> str:
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>{head}</head>'
        f"<body>{body}</body></html>"
    )


def words_at(found: Landing, place: LandingPlace) -> tuple[str, ...]:
    return next((w.words for w in found.found if w.place is place), ())


# --- each kind ---------------------------------------------------------------------------


def test_a_gambling_title() -> None:
    found = classify_landing(
        page("澳门新葡京娱乐城-百家乐官方网站", "<p>真人荷官 注册送彩金</p>"), URL
    )
    assert found is not None
    assert found.kind is LandingKind.GAMBLING
    assert words_at(found, LandingPlace.TITLE) == ("新葡京", "娱乐城", "百家乐")
    assert words_at(found, LandingPlace.TEXT) == ("真人荷官", "注册送", "彩金")


def test_gambling_in_the_text_only_when_several_words_are_dense() -> None:
    games = "".join(
        f'<li><a href="/g{n}">{word}</a></li>'
        for n, word in enumerate(["百家乐", "六合彩", "时时彩", "真人娱乐", "老虎机"])
    )
    found = classify_landing(page("首页", f"<ul>{games}</ul>"), URL)
    assert found is not None
    assert found.kind is LandingKind.GAMBLING
    assert found.found == (
        LandingWords(
            place=LandingPlace.TEXT, words=("百家乐", "六合彩", "时时彩", "真人娱乐", "老虎机")
        ),
    )


def test_two_sure_words_in_the_text_are_not_enough() -> None:
    assert classify_landing(page("首页", "<p>百家乐</p><p>六合彩</p>"), URL) is None


def test_a_porn_description() -> None:
    head = '<meta name="description" content="免费成人视频在线观看，每日更新">'
    found = classify_landing(page("视频在线", "<p>最新上传</p>", head), URL)
    assert found is not None
    assert found.kind is LandingKind.PORN
    assert found.found == (LandingWords(place=LandingPlace.META, words=("成人视频",)),)


def test_a_loan_title() -> None:
    found = classify_landing(page("信用卡套现_黑户贷款_秒下款", "<p>联系客服</p>"), URL)
    assert found is not None
    assert found.kind is LandingKind.LOAN
    assert words_at(found, LandingPlace.TITLE) == ("信用卡套现", "黑户贷款", "秒下款")


@pytest.mark.parametrize(
    ("title", "body", "place", "words"),
    [
        ("example.com", "<h1>This domain is for sale!</h1><p>Buy this domain now</p>",
         LandingPlace.TEXT, ("this domain is for sale", "buy this domain")),
        ("This domain may be for sale", "", LandingPlace.TITLE, ("this domain may be for sale",)),
        ("xxx.cn", "<p>该域名正在出售，有意请联系</p>", LandingPlace.TEXT, ("该域名正在出售",)),
        ("此域名出售", "", LandingPlace.TITLE, ("此域名出售",)),
        ("首页", "<div>本站域名转让 QQ:12345</div>", LandingPlace.TEXT, ("域名转让",)),
        ("域名停放", "<p>4.cn</p>", LandingPlace.TITLE, ("域名停放",)),
    ],
)  # fmt: skip
def test_a_parking_phrase(
    title: str, body: str, place: LandingPlace, words: tuple[str, ...]
) -> None:
    found = classify_landing(page(title, body), URL)
    assert found is not None
    assert found.kind is LandingKind.PARKING
    assert words_at(found, place) == words


@pytest.mark.parametrize(
    ("final_url", "service"),
    [
        ("https://sedo.com/search/details/?domain=youqing.example.com", "sedo.com"),
        ("https://www.dan.com/buy-domain/youqing.example.com", "dan.com"),
        ("https://www.afternic.com/forsale/youqing.example.com", "afternic.com"),
        ("https://www.hugedomains.com/domain_profile.cfm?d=youqing", "hugedomains.com"),
        ("https://www.22.cn/ym/youqing", "22.cn"),
    ],
)
def test_a_redirect_to_a_parking_service(final_url: str, service: str) -> None:
    found = classify_landing(page("Welcome"), final_url)
    assert found == Landing(
        kind=LandingKind.PARKING,
        found=(LandingWords(place=LandingPlace.HOST, words=(service,)),),
    )


def test_a_page_framing_a_parking_service() -> None:
    html = (
        "<html><head><title>youqing.example.com</title>"
        '<script src="//img.sedoparking.com/js/park.js"></script></head>'
        '<frameset><frame src="https://www.parkingcrew.net/landing?d=youqing"></frameset></html>'
    )
    found = classify_landing(html, URL)
    assert found is not None
    assert found.kind is LandingKind.PARKING
    assert words_at(found, LandingPlace.EMBED) == ("sedoparking.com", "parkingcrew.net")


def test_a_refresh_to_a_parking_service() -> None:
    head = '<meta http-equiv="refresh" content="0; url=https://www.bodis.com/park?d=youqing">'
    found = classify_landing(page("", "", head), URL)
    assert found is not None
    assert words_at(found, LandingPlace.EMBED) == ("bodis.com",)


def test_a_domain_for_sale_named_for_gambling_is_parked() -> None:
    found = classify_landing(page("baijiale-casino.com 该域名正在出售"), URL)
    assert found is not None
    assert found.kind is LandingKind.PARKING


# --- look-alikes never flagged -----------------------------------------------------------


def test_the_welfare_lottery_site() -> None:
    body = (
        "<ul><li>双色球第2024001期开奖公告</li><li>福彩3D</li><li>七乐彩</li><li>快乐8</li>"
        "<li>投注站查询</li><li>彩票公益金</li><li>回顾：重庆时时彩、北京赛车PK10已停售</li>"
        "<li>幸运飞艇</li></ul>"
    )
    head = '<meta name="keywords" content="中国福利彩票,福彩,双色球,彩票">'
    assert classify_landing(page("中国福利彩票", body, head), "https://www.zhcw.com/") is None


def test_the_sports_lottery_on_a_government_host() -> None:
    body = "<p>大乐透 排列3 竞彩足球 体育投注 赌球</p>"
    assert classify_landing(page("中国体育彩票", body), "https://www.lottery.gov.cn/") is None


def test_a_bank_loan_page() -> None:
    head = '<meta name="keywords" content="个人贷款,住房贷款,信用卡,网贷">'
    body = (
        "<h1>个人贷款</h1><p>个人住房贷款、个人消费贷款、经营贷款，线上申请，快速审批。</p>"
        "<p>信用卡分期 借贷 套现风险提示</p>"
    )
    assert classify_landing(page("个人贷款_中国工商银行", body, head), URL) is None


@pytest.mark.parametrize(
    ("title", "body"),
    [
        ("我市开展打击跨境赌博专项行动", "<p>严厉打击网络赌博、六合彩、百家乐等违法犯罪。</p>"),
        ("网络赌博的危害", "<p>近日，警方提醒广大群众远离网络赌博，切勿下载百家乐、"
         "时时彩等软件，谨防上当受骗。</p>"),
        ("男子网赌输光积蓄", "<p>日前，民警破获一起网络赌博案，抓获犯罪嫌疑人3名。</p>"),
        ("扫黄打非", "<p>清理色情网站、成人视频、黄色网站等有害信息。</p>"),
    ],
)  # fmt: skip
def test_an_article_against_gambling_or_pornography(title: str, body: str) -> None:
    assert classify_landing(page(title, body), URL) is None


def test_macau_tourism() -> None:
    body = (
        "<p>澳门旅游攻略：游览大三巴牌坊、妈阁庙，入住澳门威尼斯人度假村或新葡京酒店，"
        "参观赌场建筑，体验澳门娱乐与美食。</p><p>Casino Lisboa</p>"
    )
    assert classify_landing(page("澳门旅游攻略_澳门娱乐", body), URL) is None


def test_a_news_portal_with_a_stray_headline() -> None:
    headlines = "".join(
        f"<li><a href='/n{n}'>今日要闻第{n}条：经济社会发展稳中向好</a></li>" for n in range(300)
    )
    stray = "<li>德州扑克世界大赛开幕</li><li>老虎机收藏展</li><li>电影《一夜情》上映</li>"
    stray += "<li>六合彩开奖（香港）</li><li>百家乐规则科普</li><li>时时彩往事</li>"
    found = classify_landing(page("新闻网-新闻中心", f"<ul>{headlines}{stray}</ul>"), URL)
    assert found is None


def test_an_english_page_with_bet_inside_words() -> None:
    body = "<p>Between the alphabet and better spelling, the betterment of letters.</p>"
    assert classify_landing(page("The alphabet, better", body), URL) is None


def test_a_government_host_is_never_flagged() -> None:
    assert classify_landing(page("百家乐"), "http://www.example.gov.cn/a.html") is None
    assert classify_landing(page("This domain is for sale"), "https://www.gov.mo/") is None


def test_a_page_hiding_casino_links_is_not_itself_a_casino() -> None:
    spam = "".join(
        f'<a href="http://c{n}.example/">百家乐{n} 真人娱乐 六合彩</a>' for n in range(30)
    )
    body = f'<p>某某科技有限公司</p><div style="position:absolute;left:-9999px">{spam}</div>'
    body += f'<div style="display:none">{spam}</div><div hidden>{spam}</div>'
    assert classify_landing(page("某某科技有限公司", body), URL) is None


def test_a_registrar_homepage_menu_is_no_parked_domain() -> None:
    long_text = "<p>" + "域名注册、云服务器、企业邮箱、网站建设服务。" * 200 + "</p>"
    assert len(long_text) > PARKED_TEXT_MAX_CHARS
    body = f"<nav>域名注册 域名转让 域名交易</nav>{long_text}"
    assert classify_landing(page("云计算服务", body), URL) is None


def test_every_sure_spam_word_is_given_a_kind_or_left_out_on_purpose() -> None:
    kinds = set(landing._KIND_OF)
    assert kinds | set(OTHER_SURE_WORDS) == set(_SURE_WORDS)
    assert not kinds & set(OTHER_SURE_WORDS)
    assert len(_SURE_WORDS) == len(set(_SURE_WORDS))  # each word of one kind only


# --- bounded -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "html",
    ["", "   ", "<", "<<<>>>&&&", "\x00\x00<title>\x00</title>", "<title>", "</html></html>",
     "<html><head><title>未闭合", "<?xml version='1.0'?><rss><channel/></rss>"],
)  # fmt: skip
def test_empty_or_malformed_html(html: str) -> None:
    assert classify_landing(html, URL) is None
    assert classify_landing(html, "not a url") is None
    assert classify_landing(html, "http://[::1") is None


def test_deep_nesting_is_not_parsed() -> None:
    started = time.perf_counter()
    assert classify_landing("<div>" * 200_000 + "百家乐", URL) is None
    assert time.perf_counter() - started < 2.0


def test_only_the_start_of_a_huge_page_is_read() -> None:
    comment = "<!-- " + "x" * 1_000 + " -->"
    filler = comment * (MAX_HTML_CHARS // len(comment) + 1)
    late = page("youqing.example.com", f"{filler}<p>该域名正在出售</p>")
    early = page("youqing.example.com", f"<p>该域名正在出售</p>{filler}")
    assert len(late) > MAX_HTML_CHARS
    started = time.perf_counter()
    assert classify_landing(late, URL) is None  # the phrase lies past what is read
    found = classify_landing(early, URL)
    assert found is not None
    assert found.kind is LandingKind.PARKING
    assert time.perf_counter() - started < 2.0


def test_a_huge_gambling_page_is_still_judged_on_its_start() -> None:
    games = "百家乐 六合彩 时时彩 真人娱乐 " * 20
    html = page("首页", f"<p>{games}</p>" * 20_000)
    assert len(html) > 5 * MAX_HTML_CHARS
    found = classify_landing(html, URL)
    assert found is not None
    assert found.kind is LandingKind.GAMBLING


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2_000), st.text(max_size=200))
def test_never_raises(html: str, url: str) -> None:
    found = classify_landing(html, url)
    assert found is None or (found.found and all(w.words for w in found.found))

"""Hidden links (暗链): planted links found with how and where they hide; the page's own
hidden furniture (menus, tabs, skip links, share boxes) left alone."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.extract.hidden_links import (
    SPAM_WORDS,
    HiddenLink,
    find_hidden_links,
    is_government_host,
)

PAGE_URL = "http://www.example.gov.cn/index.html"
CASINOS = [
    ("http://www.6613.com/", "澳门新葡京"),
    ("http://www.js333.com/", "金沙娱乐城"),
    ("http://www.vns88.com/", "威尼斯人"),
    ("http://www.bet365.com/zh-cn", "bet365"),
    ("http://www.hg0088.com/", "皇冠体育"),
    ("http://www.bjl888.net/", "百家乐"),
    ("http://ssc.example.com/", "重庆时时彩"),
    ("http://www.tyc.org/", "太阳城集团"),
    ("http://lhc.example.net/", "六合彩开奖"),
    ("http://casino.example.org/", "真人娱乐平台"),
]


def page(body: str, *, head: str = "") -> str:
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>某某市人民政府</title>'
        f"{head}</head><body>{body}</body></html>"
    )


def found(body: str, *, head: str = "", **kwargs: object) -> list[HiddenLink]:
    return find_hidden_links(page(body, head=head), PAGE_URL, **kwargs)  # type: ignore[arg-type]


def urls(body: str, *, head: str = "") -> list[str]:
    return [link.url for link in found(body, head=head)]


TRS_FOOTER = """
<div class="footer">
  <div class="footer_con">
    <p><a href="../../wzdt/">网站地图</a> | <a href="../../lxwm/">联系我们</a></p>
    <p>主办单位：某某市人民政府办公室 &nbsp; <a href="https://beian.miit.gov.cn" target="_blank">
      京ICP备05070602号</a> &nbsp; 网站标识码：1100000088</p>
    <p><a href="https://bszs.conac.cn/sitename?method=show&amp;id=0123" target="_blank">
      <img src="../../images/dzjg.png" alt="党政机关"></a></p>
    <script type="text/javascript">document.write(unescape("%3Cspan id='_ideConac'%3E%3C/span%3E\
%3Cscript src='https://dcs.conac.cn/js/01/000/0000/60429971/CA0100000006042997.js' \
type='text/javascript'%3E%3C/script%3E"));</script>
  </div>
  <div style="position:absolute; left:-9999px; top:-9999px">
    {links}
  </div>
</div>
""".replace(
    "{links}", "\n    ".join(f'<a href="{url}" target="_blank">{text}</a>' for url, text in CASINOS)
)


def test_a_hacked_trs_footer_holding_ten_casino_links_off_screen() -> None:
    links = found(TRS_FOOTER)
    assert [link.url for link in links] == [url for url, _ in CASINOS]
    first = links[0]
    assert first.text == "澳门新葡京"
    assert first.how == "off-screen"
    assert first.how_text == "位于页面可视区域之外(left:-9999px)"
    assert first.where == "div.footer > div[style] > a[1]"
    assert links[2].where == "div.footer > div[style] > a[3]"
    assert first.keywords == ("澳门", "新葡京")
    assert links[3].keywords == ("bet365",)
    assert all(link.external for link in links)


def test_a_display_none_block_of_gambling_links() -> None:
    links = found(
        '<div id="main"><p>正文</p></div>'
        '<div style="display:none"><a href="http://www.bc8.com/">博彩网站</a>'
        '<a href="http://www.dc.net/">网上赌场</a></div>'
    )
    assert [(link.how, link.keywords) for link in links] == [
        ("display-none", ("博彩",)),
        ("display-none", ("赌场",)),
    ]
    assert links[0].how_text == "display:none 隐藏"
    assert links[0].where == "body > div[style] > a[1]"


def test_white_links_on_a_white_background() -> None:
    links = found(
        '<div style="background-color:#FFFFFF"><a href="http://www.dk.com/" '
        'style="color:white">小额网贷秒下款</a></div>'
        '<table bgcolor="#fff"><tr><td><a href="http://x.cc/" style="color:rgb(255, 255, 255)">'
        "办证刻章</a></td></tr></table>"
    )
    assert [(link.url, link.how) for link in links] == [
        ("http://www.dk.com/", "same-colour"),
        ("http://x.cc/", "same-colour"),
    ]
    assert links[0].how_text == "文字颜色与背景相同(white)"


def test_a_class_of_the_page_stylesheet_that_hides() -> None:
    links = found(
        '<div class="hh"><a href="http://www.amcp.com/">澳门彩票娱乐</a></div>',
        head="<style>.hh{display:none}</style>",
    )
    assert len(links) == 1
    assert links[0].how == "css-class"
    assert links[0].how_text == "页面样式表 .hh 规则隐藏：display:none 隐藏"
    assert links[0].keywords == ("澳门", "彩票", "娱乐")


def test_an_off_screen_rule_by_id_and_descendant_selector() -> None:
    head = "<style>#ft .lk { position: absolute; top: -2000px }</style>"
    body = '<div id="ft"><p class="lk"><a href="http://a.com/">a.com</a></p></div>'
    links = found(body, head=head)
    assert [(link.how, link.keywords) for link in links] == [("css-class", ())]
    assert "top:-2000px" in links[0].how_text


def test_links_in_a_comment() -> None:
    links = found(
        '<div id="footer">版权所有<!-- <a href="http://www.lhc.com/">六合彩</a>'
        '<a href="http://www.sf.com/">传奇私服发布网</a> --></div>'
    )
    assert [(link.url, link.how) for link in links] == [
        ("http://www.lhc.com/", "comment"),
        ("http://www.sf.com/", "comment"),
    ]
    assert links[0].how_text == "写在HTML注释中"
    assert links[0].where == "div#footer > <!--…--> > a[1]"


def test_a_hidden_block_written_by_document_write() -> None:
    script = (
        "<script>\n"
        "document.write('<div style=\"display:none\">');\n"
        "document.write('<a href=\"http://www.ag.com/\">\\u767e\\u5bb6\\u4e50</a>');\n"
        "document.write('</div>');\n"
        "</script>"
    )
    links = found(f'<div id="bottom">{script}</div>')
    assert [(link.url, link.text, link.how) for link in links] == [
        ("http://www.ag.com/", "百家乐", "script-written")
    ]
    assert links[0].how_text == "由脚本写入页面，display:none 隐藏"
    assert links[0].where == "div#bottom > script[1] > div[style] > a[1]"


def test_a_visible_link_written_by_a_script_is_not_hidden() -> None:
    script = "<script>document.write('<a href=\"http://www.dc.com/\">赌场</a>')</script>"
    assert urls(script) == []


def test_a_marquee_one_pixel_high_even_without_spam_words() -> None:
    links = found(
        '<marquee height="1" width="1"><a href="http://www.abc123.com/">abc123</a></marquee>'
    )
    assert [(link.url, link.how, link.keywords) for link in links] == [
        ("http://www.abc123.com/", "marquee-hidden", ())
    ]


@pytest.mark.parametrize(
    ("style", "how"),
    [
        ("text-indent:-9999px", "off-screen"),
        ("position:fixed;left:-600px", "off-screen"),
        ("width:0;height:0;overflow:hidden", "zero-size"),
        ("height:1px;overflow:hidden", "overflow-hidden"),
        ("font-size:0", "tiny-font"),
        ("font-size:1px", "tiny-font"),
        ("opacity:0", "transparent"),
    ],
)
def test_strong_hiding_needs_no_spam_words(style: str, how: str) -> None:
    links = found(f'<div style="{style}"><a href="http://www.xyz.com/">www.xyz.com</a></div>')
    assert [(link.how, link.keywords) for link in links] == [(how, ())]


@pytest.mark.parametrize(
    "hider",
    [
        '<div style="visibility:hidden">',
        "<div hidden>",
        "<noscript>",
        "<div style='display:none'>",
    ],
)
def test_weak_hiding_counts_only_with_spam_words(hider: str) -> None:
    closing = "</noscript>" if hider == "<noscript>" else "</div>"
    with_words = f'{hider}<a href="http://www.qp.com/">棋牌娱乐</a>{closing}'
    without = f'{hider}<a href="http://www.qp.com/">合作伙伴</a>{closing}'
    assert urls(with_words) == ["http://www.qp.com/"]
    assert urls(without) == []


def test_keywords_in_the_url_and_title_count() -> None:
    links = found(
        '<div style="display:none"><a href="http://www.baijiale-casino.com/" title="x">'
        "点击进入</a><a href='http://a.net/%E5%8D%9A%E5%BD%A9/'>进入</a></div>"
    )
    assert [link.keywords for link in links] == [("baijiale", "casino"), ("博彩",)]


def test_at_most_200_links_and_each_url_once() -> None:
    many = "".join(f'<a href="http://www.c{i}.com/">百家乐{i}</a>' for i in range(300))
    twice = '<a href="http://www.c0.com/">百家乐</a>'
    links = found(f'<div style="display:none">{twice}{many}</div>')
    assert len(links) == 200
    assert len({link.url for link in links}) == 200


# The page's own hidden furniture, and external links that are not planted.


def test_same_site_dropdown_menus_are_not_hidden_links() -> None:
    menu = """
    <ul class="nav">
      <li><a href="/zwgk/">政务公开</a>
        <ul class="sub" style="display:none">
          <li><a href="/zwgk/zcwj/">政策文件</a></li>
          <li><a href="http://www.example.gov.cn/zwgk/czzj/">财政资金</a></li>
        </ul>
      </li>
      <li><a href="/bmfw/">便民服务</a>
        <div class="drop" style="position:absolute;left:-9999px">
          <a href="http://www.bank.com.cn/loan/">创业担保贷款</a>
          <a href="/bmfw/sb/">社保查询</a>
        </div>
      </li>
    </ul>
    """
    assert urls(menu) == []


def test_a_css_dropdown_the_page_reveals_on_hover() -> None:
    hides = "#box .pop{position:absolute;left:-9999px}"
    reveals = "#box div:hover .pop{left:0}"
    body = (
        '<div id="box"><div><a href="http://www.people.com.cn/">人民网</a>'
        '<div class="pop"><a href="http://www.xinhuanet.com/">新华网</a></div></div></div>'
    )
    assert urls(body, head=f"<style>{hides}{reveals}</style>") == []
    assert urls(body, head=f"<style>{hides}</style>") == ["http://www.xinhuanet.com/"]


def test_tab_panels_hidden_until_clicked() -> None:
    tabs = """
    <div class="tab-title"><span class="on">本地要闻</span><span>媒体聚焦</span></div>
    <div class="tab-con"><ul>
      <li><a href="/xwzx/bdyw/202405/t1.html">市政府召开常务会议</a></li>
    </ul></div>
    <div class="tab-con" style="display:none"><ul>
      <li><a href="http://www.xinhuanet.com/politics/2024-05/20/c_1.htm">公安部部署打击跨境赌博专项行动</a></li>
      <li><a href="http://www.people.com.cn/n1/2024/0520/c1.html">全国助学贷款政策解读</a></li>
    </ul></div>
    """
    assert urls(tabs) == []


def test_a_skip_link_hidden_the_sr_only_way() -> None:
    head = (
        "<style>.sr-only{position:absolute;left:-10000px;width:1px;height:1px;"
        "overflow:hidden}</style>"
    )
    body = '<a class="sr-only" href="#main">跳到主要内容</a><div id="main">正文</div>'
    assert urls(body, head=head) == []


def test_share_widgets_are_not_hidden_links() -> None:
    bshare = """
    <div class="bshare-custom"><a title="分享到新浪微博" class="bshare-sinaminiblog"
      href="javascript:void(0);"></a><a title="更多平台" class="bshare-more"></a></div>
    <div id="bsPanelHolder" style="position:absolute;left:-9999px;top:-9999px">
      <div id="bsPanel" style="display:none"><a href="http://www.bshare.cn/">bShare</a>
      <a href="http://www.bshare.cn/help">分享</a></div>
    </div>
    <div class="jiathis_style" style="font-size:0"><a href="http://www.jiathis.com/share"
      class="jiathis jiathis_txt">分享到</a></div>
    """
    assert urls(bshare) == []


def test_a_friendly_links_select_is_not_hidden() -> None:
    select = """
    <div class="yqlj">友情链接：<select onchange="window.open(this.value)">
      <option value="">--市州政府网站--</option>
      <option value="http://www.other.com/">合作网站</option>
      <option value="http://www.bocai.com/">博彩</option>
    </select></div>
    """
    assert urls(select) == []


def test_hidden_links_to_other_government_sites_are_not_returned() -> None:
    body = (
        '<div style="position:absolute;left:-9999px">'
        '<a href="http://www.gov.cn/">中国政府网</a>'
        '<a href="https://www.beijing.gov.cn/">北京市人民政府</a>'
        '<a href="http://www.mps.gov.cn/n2254314/">打击赌博</a></div>'
    )
    assert urls(body) == []


def test_the_sites_own_other_hosts_are_not_external() -> None:
    body = (
        '<div style="position:absolute;left:-9999px"><a href="http://example.com.cn/a">a</a></div>'
    )
    assert urls(body) == ["http://example.com.cn/a"]
    own = found(body, own_hosts=["www.example.com.cn"])
    assert own == []


def test_visible_loan_notices_are_not_hidden_links() -> None:
    notice = """
    <div class="article"><h1>关于做好2024年创业担保贷款工作的通知</h1>
      <p>申请人可通过<a href="http://www.icbc.com.cn/cydb/">工商银行创业担保贷款专区</a>办理，
      助学贷款请登录<a href="https://www.csls.cdb.com.cn/">国家开发银行生源地信用助学贷款系统</a>。</p>
    </div>
    """
    assert urls(notice) == []


def test_a_single_government_word_in_a_hidden_external_link_is_not_spam() -> None:
    body = '<div style="display:none"><a href="http://www.bank.com/">创业担保贷款</a></div>'
    assert urls(body) == []


def test_statistics_and_commented_out_old_links_are_not_hidden_links() -> None:
    body = """
    <noscript><a href="http://www.cnzz.com/stat/website.php?web_id=1000">站长统计</a></noscript>
    <!-- <a href="http://www.people.com.cn/">人民网</a> 2019年停用 -->
    <!--[if lt IE 9]><a href="http://www.google.cn/chrome/">请升级浏览器</a><![endif]-->
    """
    assert urls(body) == []


def test_colour_and_font_size_an_external_stylesheet_may_override() -> None:
    body = """
    <div class="footer"><a href="http://www.partner.com/" style="color:#fff">合作单位</a></div>
    <ul style="font-size:0"><li class="item"><a href="http://www.other.com/">其他网站</a></li></ul>
    <div style="background:#fff url(bg.png)"><a href="http://x.com/" style="color:#fff">x</a></div>
    <div style="background:#fff">
      <a href="http://y.com/" style="color:#fff"><img src="y.png" alt="合作单位"></a></div>
    <div style="font-size:0"><ul><li><a href="http://z.com/">外部网站</a></li></ul></div>
    <p><a href="http://w.com/">白色链接</a></p>
    <span style="width:0;height:0;overflow:hidden"><a href="http://v.com/">行内元素</a></span>
    """
    head = "<style>body{background:#fff} p a{color:#fff}</style>"
    assert urls(body, head=head) == []


def test_icon_links_whose_text_is_hidden_show_a_picture() -> None:
    head = "<style>.youtube_t{text-indent:-999999px}</style>"
    icons = (
        '<span class="youtube"><a class="youtube_t" href="https://www.youtube.com/c/x">'
        "Youtube</a></span>"
        '<a class="weibo" style="font-size:0" href="https://weibo.com/x">微博</a>'
        '<a style="text-indent:-999em;background:url(wx.png)" href="https://wx.qq.com/">微信</a>'
    )
    assert urls(icons, head=head) == []
    assert urls('<a class="x" style="font-size:0" href="http://am.com/">百家乐</a>') == [
        "http://am.com/"
    ]


def test_aria_hidden_carousels_and_a_body_hidden_until_scripts_run() -> None:
    carousel = (
        '<div aria-hidden="true"><a href="http://www.ext.com/">外部</a></div>'
        '<div class="swiper-slide" style="position:absolute;left:-1920px">'
        '<a href="http://www.news.com/1.html">图片新闻</a></div>'
    )
    assert urls(carousel) == []
    body_hidden = (
        '<html><body style="display:none"><a href="http://www.bank.com/">合作银行</a></body></html>'
    )
    assert find_hidden_links(body_hidden, PAGE_URL) == []


def test_a_page_without_links_has_none() -> None:
    assert found("<p>无内容</p>") == []


def test_the_hiding_link_itself_and_a_submenu_with_gambling_words() -> None:
    body = (
        '<div id="links"><a href="/">首页</a>'
        '<a href="http://www.xpj.com/" style="display:none">新葡京娱乐城</a></div>'
        '<ul class="nav"><li><a href="/">首页</a>'
        '<div style="position:absolute;left:-9999px"><a href="http://bjl.com/">百家乐</a></div>'
        '<div style="position:absolute;left:-9999px"><a href="http://qp.com/">棋牌 澳门</a></div>'
        "</li></ul>"
    )
    links = found(body)
    assert [(link.url, link.where) for link in links] == [
        ("http://www.xpj.com/", "div#links > a[2]"),
        ("http://bjl.com/", "li > div[style] > a[1]"),
    ]


def test_two_ambiguous_words_of_different_meanings_make_spam() -> None:
    body = (
        '<div style="display:none"><a href="http://am.com/">澳门棋牌</a>'
        '<a href="http://dk.com/loan/">贷款</a></div>'
    )
    assert urls(body) == ["http://am.com/"]


def test_script_written_links_escaped_and_url_encoded() -> None:
    script = (
        "<script>var s = unescape('%3Cdiv%20style%3D%22position%3Aabsolute%3Btop%3A-999px%22%3E"
        "%3Ca%20href%3D%22http%3A//www.sf123.com/%22%3Esf%3C/a%3E%3C/div%3E');"
        "document.write(s);</script>"
    )
    links = found(script)
    assert [(link.url, link.how) for link in links] == [("http://www.sf123.com/", "script-written")]
    assert links[0].how_text == "由脚本写入页面，位于页面可视区域之外(top:-999px)"


@pytest.mark.parametrize(
    ("host", "government"),
    [
        ("www.gov.cn", True),
        ("gov.cn", True),
        ("WWW.BEIJING.GOV.CN.", True),
        ("www.nasa.gov", True),
        ("www.info.gov.hk", True),
        ("www.gov.mo", True),
        ("www.81.mil.cn", True),
        ("gov.cn.evil.com", False),
        ("xgov.cn", False),
        ("www.example.com.cn", False),
        ("www.gov.uk.com", False),
    ],
)
def test_government_hosts(host: str, government: bool) -> None:
    assert is_government_host(host) is government


def test_spam_words_are_a_tuple_matched_without_false_words() -> None:
    assert isinstance(SPAM_WORDS, tuple)
    assert {"博彩", "贷款", "casino", "bet", "porn", "loan", "bocai"} <= set(SPAM_WORDS)
    body = (
        '<div style="display:none"><a href="http://alphabet.com/tibet/">Alphabet better</a>'
        '<a href="http://nav.com/java/">java</a></div>'
    )
    assert urls(body) == []


_PIECES = st.sampled_from(
    [
        "<div style='display:none'>",
        '<div style="position:absolute;left:-9999px">',
        "<div style='color:#fff;background:#fff'>",
        "<marquee height=1>",
        "<noscript>",
        "</div>",
        "<!--",
        "-->",
        "<a href='http://www.bc.com/'>博彩</a>",
        '<a href="//x.com/">x',
        "<a href='http://[::1'>bad</a>",
        "<a href='/local'>本站</a>",
        "</a>",
        "<style>.h{display:none}.a .b{left:-999px;position:absolute}@media{.x{",
        "}</style>",
        '<script>document.write(\'<a href="http://w.com" style="font-size:0">',
        "')</script>",
        "<ul><li class='h'>",
        "<base href='::'>",
        "<div style='opacity:0px;height:1px;overflow:hidden;font-size:.5em;left:-9999px'>",
        "<span style='visibility:hidden;text-indent:-1e5px;position:absolute;top:-px'>",
        "<p style='color:rgb(300,1,1,0.5);background-color:rgba(1,2,3);font-size:%'>",
        "<td bgcolor='#fff' background=''><a style='color:#FFF;opacity:.' href='http://c.cn/'>",
        "<marquee height='1px' scrollamount='1e9' width=''>",
        "<div hidden class='sub.on'><!--[if IE]>",
        "<script>x.innerHTML = '\\x3ca href=\\'http://q.com\\' style=display:none>\\u'",
    ]
)
_PAGES = st.lists(st.one_of(_PIECES, st.text(max_size=10)), max_size=30).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html=_PAGES)
def test_any_markup_never_raises(html: str) -> None:
    links = find_hidden_links(html, PAGE_URL)
    assert len(links) <= 200
    for link in links:
        assert link.url.startswith(("http://", "https://"))
        assert link.external
        assert len(link.text) <= 80
        assert link.how
        assert link.how_text
        assert link.where

"""Every link and image of a page, absolute and deduplicated, with a label for the evidence."""

from __future__ import annotations

import pickle
from datetime import date

from crawler.extract import extract_page

PAGE = """<!DOCTYPE html><html><head><base href="/site/"></head><body>
<div class="nav"><a href="index.html">首页</a><a href="javascript:void(0)">菜单</a>
<a href="mailto:a@b.cn">来信</a><a href="tel:12369">电话</a><a href="#top">顶部</a>
<a href="index.html#main">首页</a>
<a href="http://www.henan.gov.cn/" title="河南省人民政府"></a></div>
<div class="pic-list"><a href="a/1.html" title="植树活动"><img src="/img/1.png"></a>
<img src="data:image/gif;base64,R0lGOD" data-original="/img/2.jpg" alt="  环境 执法 ">
<img src="/img/1.png" alt="again"><img src=""><img src="data:image/png;base64,AAA"></div>
<ul class="list"><li><a href="a/1.html">植树活动顺利开展</a><span>2022-06-01</span></li>
<li><a href="a/2.html">环境执法检查</a><span>2022-05-30</span></li>
<li><a href="a/3.html">大气污染防治会议</a><span>2022-05-28</span></li></ul>
</body></html>"""


def test_links_and_images_are_collected() -> None:
    extraction = extract_page(
        PAGE, base_url="http://sthj.example.gov.cn/x/", today=date(2022, 6, 20)
    )
    links = {link.url: link.label for link in extraction.links}
    assert links == {
        "http://sthj.example.gov.cn/site/index.html": "首页",
        "http://www.henan.gov.cn/": "河南省人民政府",
        "http://sthj.example.gov.cn/site/a/1.html": "植树活动",
        "http://sthj.example.gov.cn/site/a/2.html": "环境执法检查",
        "http://sthj.example.gov.cn/site/a/3.html": "大气污染防治会议",
    }
    images = [(image.url, image.label) for image in extraction.images]
    assert images == [
        ("http://sthj.example.gov.cn/img/1.png", "植树活动"),
        ("http://sthj.example.gov.cn/img/2.jpg", "环境 执法"),
    ]
    assert extraction.list_found
    # the values cross the extraction pool's process boundary
    refs = (extraction.links, extraction.images)
    assert pickle.loads(pickle.dumps(refs)) == refs


def test_homepage_and_unknown_pages_carry_them_too() -> None:
    today = date(2022, 6, 20)
    home = extract_page(PAGE, base_url="http://sthj.example.gov.cn/", today=today, homepage=True)
    assert len(home.images) == 2
    bare = '<html><body><img src="/logo.png"><a href="/about.html">关于</a></body></html>'
    unknown = extract_page(bare, base_url="http://x.cn/", today=today)
    assert unknown.kind == "unknown"
    assert [i.url for i in unknown.images] == ["http://x.cn/logo.png"]
    assert [link.url for link in unknown.links] == ["http://x.cn/about.html"]

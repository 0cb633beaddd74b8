"""Column discovery on plain values: the category guesses and the order links are tried in."""

from __future__ import annotations

import pytest

from crawler.sites.discover import guess_category, nav_links, site_id_from
from rules.model import Category


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("政务要闻", Category.NEWS),
        ("部门动态", Category.NEWS),
        ("图片新闻", Category.NEWS),
        ("工作动态", Category.NEWS),
        ("通知公告", Category.NOTICE),
        ("公示公告", Category.NOTICE),
        ("政策文件", Category.NOTICE),
        ("人事信息", Category.PLAN),
        ("规划计划", Category.PLAN),
        ("工作计划", Category.PLAN),
        ("机构概况", Category.STATIC),
        ("中心简介", Category.STATIC),
        ("领导信息", Category.STATIC),
        ("部门预算", None),
        ("健康科普", None),
    ],
)
def test_category_from_the_name(name: str, category: Category | None) -> None:
    assert guess_category(name)[0] is category


def test_column_type_when_the_name_says_nothing() -> None:
    assert guess_category("旅游资讯", "动态要闻类") == (Category.NEWS, "ColumnType 动态要闻类")
    assert guess_category("健康科普", "静态类")[0] is Category.STATIC
    category, reason = guess_category("部门预算", "应更新类")
    assert category is None
    assert "max_age_days" in reason


HOMEPAGE = """<html><head><base href="/sub/"></head><body>
<div class="header"><a href="/">首页</a><a href="zwyw/">政务要闻</a></div>
<ul id="mainnav"><li><a href="tzgg/index.html">通知公告</a></li>
<li><a href="javascript:void(0)">菜单</a></li></ul>
<div class="box"><h3>部门动态</h3><a class="more" href="/sub/bmdt/">更多&gt;&gt;</a>
<ul><li><a href="/sub/bmdt/2026-11/24/content_1.html">短标题</a></li>
<li><a href="/sub/bmdt/t20261120_2.html">一条很长很长的文章标题不是栏目名称</a></li></ul></div>
<a href="/sub/zfgk/">政府概况</a>
<a href="/sub/files/a.pdf">附件</a>
<a href="https://other.example.gov.cn/x/">其他网站</a>
<a href="/sub/zwyw/#top">政务要闻</a>
</body></html>"""


def test_links_in_order_nav_then_more_then_others() -> None:
    links = nav_links(HOMEPAGE, base_url="http://gov.example/sub/index.html")
    assert [(link.url, link.text, link.source) for link in links] == [
        ("http://gov.example/sub/zwyw/", "政务要闻", "nav"),
        ("http://gov.example/sub/tzgg/index.html", "通知公告", "nav"),
        ("http://gov.example/sub/bmdt/", "部门动态", "more"),
        ("http://gov.example/sub/zfgk/", "政府概况", "link"),
    ]


@pytest.mark.parametrize(
    ("homepage", "site_id"),
    [
        ("https://www.jiyuan.gov.cn/", "jiyuan-gov-cn"),
        ("http://127.0.0.1:47801/", "127-0-0-1"),
        ("https://JYTY.example.gov.cn/index.html", "jyty-example-gov-cn"),
    ],
)
def test_site_id_from_the_host(homepage: str, site_id: str) -> None:
    assert site_id_from(homepage) == site_id


def test_the_homepage_itself_is_not_a_candidate() -> None:
    html = (
        "<div class='nav'><a href='index.html'>首页</a><a href='/sub/default.aspx'>主页</a>"
        "<a href='/'>门户</a><a href='/sub/?page=2'>第二页</a><a href='tzgg/'>通知公告</a></div>"
    )
    links = nav_links(html, base_url="http://gov.example/sub/index.html")
    assert [link.url for link in links] == [
        "http://gov.example/sub/?page=2",
        "http://gov.example/sub/tzgg/",
    ]

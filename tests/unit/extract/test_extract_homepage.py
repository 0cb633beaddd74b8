"""A homepage is updated in many blocks: its newest information is the newest of all of them."""

from __future__ import annotations

from datetime import date

from crawler.extract import extract_page

TODAY = date(2022, 6, 20)


def block(title: str, rows: list[tuple[str, str]], path: str) -> str:
    items = "".join(
        f'<li><a href="/{path}/{i}.html">{text}</a><span>{day}</span></li>'
        for i, (text, day) in enumerate(rows)
    )
    return f'<div class="box"><h3>{title}</h3><ul>{items}</ul></div>'


HOMEPAGE = (
    "<html><body><div class='header'>今天是2022年6月20日 星期一</div>"
    + block(
        "通知公告",
        [(f"关于开展第{i}批专项整治工作的通知公告", f"2021-0{i}-15") for i in range(1, 9)],
        "tzgg",
    )
    + block(
        "要闻动态",
        [
            ("市政府召开常务会议研究部署重点工作", "2022-06-18"),
            ("全市安全生产工作会议召开", "2022-06-10"),
            ("我市举办政务公开培训班", "2022-06-02"),
        ],
        "ywdt",
    )
    + "<div class='footer'>© 2004-2022 版权所有 网站标识码4190000001</div></body></html>"
)


def test_homepage_newest_is_the_newest_of_every_block() -> None:
    page = extract_page(HOMEPAGE, base_url="http://x.gov.cn/", today=TODAY, homepage=True)
    assert page.kind == "list"
    assert page.list_found
    assert page.newest == date(2022, 6, 18)
    urls = {item.url for item in page.items}
    assert "http://x.gov.cn/tzgg/0.html" in urls
    assert "http://x.gov.cn/ywdt/0.html" in urls
    assert len(page.items) == 11


def test_a_column_page_keeps_its_main_list_only() -> None:
    page = extract_page(HOMEPAGE, base_url="http://x.gov.cn/", today=TODAY)
    assert page.kind == "list"
    assert len(page.items) < 11


def test_a_homepage_without_lists_is_unknown() -> None:
    page = extract_page(
        "<html><body><h1>欢迎</h1><p>网站维护中</p></body></html>",
        base_url="http://x.gov.cn/",
        today=TODAY,
        homepage=True,
    )
    assert page.kind == "unknown"
    assert not page.list_found

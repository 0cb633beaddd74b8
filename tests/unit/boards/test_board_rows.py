"""Reading the letters of a board's list page laid out as rows: ul/li, div rows, dl blocks,
div tables; the menus and news boxes beside them are not letters."""

from __future__ import annotations

from datetime import date

from crawler.boards.reading import LetterSeen, read_board_page
from rules.boards import LetterState

TODAY = date(2022, 6, 1)
BASE = "http://www.example.gov.cn/hdjl/zxly/index.html"


def page(body: str) -> str:
    return f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>"


def by_title(letters: tuple[LetterSeen, ...]) -> dict[str, LetterSeen]:
    return {letter.title: letter for letter in letters}


# --- row boards ---------------------------------------------------------------------------

LI_BOARD = page(
    """
<div class="left-menu"><ul>
  <li><a href="/hdjl/zxly/">在线留言</a></li><li><a href="/hdjl/szxx/">市长信箱</a></li>
  <li><a href="/hdjl/zxft/">在线访谈</a></li><li><a href="/hdjl/dczj/">调查征集</a></li>
</ul></div>
<div class="letter-box"><ul class="letter-list">
  <li>
    <p class="t"><a href="/hdjl/zxly/202205/t20220512_501.html">关于新建小学学区划分的咨询</a></p>
    <p><span>留言时间：2022-05-12</span><span>答复时间：2022-05-18</span>
       <span>状态：已办结</span><span>办理单位：市教育局</span><span>留言人：陈先生</span></p>
  </li>
  <li>
    <p class="t"><a href="/hdjl/zxly/202205/t20220520_502.html">小区物业乱收费</a></p>
    <p><span>留言时间：</span><span>2022-05-20 14:03</span><span>状态：办理中</span>
       <span>办理单位:市市场监管局</span></p>
  </li>
  <li>
    <p class="t"><a href="/hdjl/zxly/202205/t20220525_503.html">公园厕所无人打扫</a></p>
    <p><span>留言时间：2022/5/25</span><span>答复时间：2022/5/27</span>
       <span>状态：已回复</span></p>
  </li>
</ul></div>"""
)


def test_li_rows_with_labelled_spans() -> None:
    board = read_board_page(LI_BOARD, BASE, today=TODAY)
    assert board.layout == "rows"
    letters = by_title(board.letters)
    assert set(letters) == {"关于新建小学学区划分的咨询", "小区物业乱收费", "公园厕所无人打扫"}
    school = letters["关于新建小学学区划分的咨询"]
    assert school == LetterSeen(
        title="关于新建小学学区划分的咨询",
        url="http://www.example.gov.cn/hdjl/zxly/202205/t20220512_501.html",
        asked=date(2022, 5, 12),
        replied=date(2022, 5, 18),
        status="已办结",
        state=LetterState.ANSWERED,
        unit="市教育局",
        where="ul.letter-list li[1]",
    )
    fees = letters["小区物业乱收费"]
    assert (fees.asked, fees.replied, fees.status, fees.unit) == (
        date(2022, 5, 20),
        None,
        "办理中",
        "市市场监管局",
    )
    assert fees.state is LetterState.PENDING
    assert "陈先生" not in repr(board)


DIV_BOARD = page(
    """
<div id="nav"><a href="/">首页</a> <a href="/news/">新闻中心</a> <a href="/hdjl/">互动交流</a></div>
<div class="xx-list">
  <div class="item"><a href="detail.html?id=1">道路两侧绿化带缺苗</a>
    <span class="d1">2022-04-18</span><span class="d2">2022-04-22</span><b>[已办结]</b></div>
  <div class="item"><a href="detail.html?id=2">反映供水水压不足</a>
    <span class="d1">2022-04-20</span><span class="d2"></span><b>[办理中]</b></div>
  <div class="item"><a href="detail.html?id=3">咨询新生儿医保参保</a>
    <span class="d1">2022-04-26</span><span class="d2">2022-04-28</span><b>[已办结]</b></div>
  <div class="item"><a href="detail.html?id=4">小区门口路灯损坏</a>
    <span class="d1">2022-05-03</span><span class="d2"></span><b>[未办结]</b></div>
</div>"""
)


def test_div_rows_with_unlabelled_dates() -> None:
    board = read_board_page(DIV_BOARD, BASE, today=TODAY)
    assert board.layout == "rows"
    assert [(one.asked, one.replied, one.status, one.state) for one in board.letters] == [
        (date(2022, 4, 18), date(2022, 4, 22), "已办结", LetterState.ANSWERED),
        (date(2022, 4, 20), None, "办理中", LetterState.PENDING),
        (date(2022, 4, 26), date(2022, 4, 28), "已办结", LetterState.ANSWERED),
        (date(2022, 5, 3), None, "未办结", LetterState.PENDING),
    ]
    assert board.letters[1].where == "div.xx-list div[2]"
    assert board.letters[0].url == "http://www.example.gov.cn/hdjl/zxly/detail.html?id=1"
    assert "首页" not in {one.title for one in board.letters}


def test_labels_in_one_line_and_numbers_that_are_not_dates() -> None:
    html = page(
        "<ul class='xx'>"
        "<li><a href='1.html'>关于2022年度高考加分政策的咨询</a> 留言时间：2022-04-01 10:00 "
        "回复时间：2022-04-05 办理单位：市教育局 浏览次数：231</li>"
        "<li><a href='2.html'>反映夜市噪音</a> 留言时间 2022-04-03 状态：受理中 "
        "编号：20220403001</li>"
        "</ul>"
    )
    board = read_board_page(html, BASE, today=TODAY)
    assert [(one.asked, one.replied, one.status, one.unit) for one in board.letters] == [
        (date(2022, 4, 1), date(2022, 4, 5), None, "市教育局"),
        (date(2022, 4, 3), None, "受理中", None),
    ]


def test_div_columns_with_an_unlabelled_unit() -> None:
    html = page(
        "<div class='list'>"
        "<div class='row'><div><a href='d?1'>关于路灯问题的咨询</a></div><div>市城管局</div>"
        "<div>2022-05-01</div><div>已回复</div></div>"
        "<div class='row'><div><a href='d?2'>关于停车问题的咨询</a></div><div>市交警支队</div>"
        "<div>2022-05-02</div><div>未回复</div></div>"
        "</div>"
    )
    board = read_board_page(html, BASE, today=TODAY)
    assert [(one.unit, one.state) for one in board.letters] == [
        ("市城管局", LetterState.ANSWERED),
        ("市交警支队", LetterState.PENDING),
    ]


def test_dl_rows() -> None:
    html = page(
        "<div class='ly'>"
        + "".join(
            f"<dl><dt><a href='/ly/{n}.html'>第{n}封关于停车收费的来信</a></dt>"
            f"<dd>来信时间：2022年5月{n}日</dd><dd>回复时间：2022年5月{n + 3}日</dd></dl>"
            for n in (1, 2, 3)
        )
        + "</div>"
    )
    board = read_board_page(html, BASE, today=TODAY)
    assert board.layout == "rows"
    assert [(one.asked, one.replied) for one in board.letters] == [
        (date(2022, 5, n), date(2022, 5, n + 3)) for n in (1, 2, 3)
    ]
    assert board.letters[0].where == "div.ly dl[1]"


def test_div_table_with_a_header_row() -> None:
    # The header names the reply before the asked day: the columns, not the order, decide.
    html = page(
        "<ul class='tab'>"
        "<li class='head'><span>信件标题</span><span>回复时间</span><span>写信时间</span></li>"
        "<li><span><a href='/m/1'>信访件一号事项</a></span><span>2022-05-09</span>"
        "<span>2022-05-01</span></li>"
        "<li><span><a href='/m/2'>信访件二号事项</a></span><span>2022-05-12</span>"
        "<span>2022-05-02</span></li>"
        "</ul>"
    )
    board = read_board_page(html, BASE, today=TODAY)
    assert [(one.asked, one.replied) for one in board.letters] == [
        (date(2022, 5, 1), date(2022, 5, 9)),
        (date(2022, 5, 2), date(2022, 5, 12)),
    ]


def test_the_board_with_most_letters_wins_over_a_dated_news_box() -> None:
    news = "".join(
        f"<li><a href='/news/{n}.html'>本市召开第{n}次工作会议</a><span>2022-05-{n:02d}</span></li>"
        for n in (1, 2, 3)
    )
    html = page(f"<div class='news'><ul>{news}</ul></div>{DIV_BOARD}")
    board = read_board_page(html, BASE, today=TODAY)
    assert len(board.letters) == 4
    assert all("工作会议" not in one.title for one in board.letters)


def test_a_page_without_a_board() -> None:
    html = page(
        "<div class='nav'><a href='/'>首页</a><a href='/a'>机构</a><a href='/b'>政策</a></div>"
        "<div class='article'><h1>关于开展2022年度评议工作的通知</h1><p>各单位：……</p></div>"
    )
    board = read_board_page(html, BASE, today=TODAY)
    assert board == read_board_page(html, BASE, today=TODAY)
    assert (board.letters, board.layout) == ((), "none")

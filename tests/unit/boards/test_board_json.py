"""Boards loaded by script: the JSON records of an endpoint, and the endpoints a page's own
scripts declare."""

from __future__ import annotations

import json
from datetime import date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.boards.reading import LetterSeen, read_board_json, read_board_page
from rules.boards import LetterState
from rules.model import SHANGHAI

TODAY = date(2022, 6, 1)
ENDPOINT = "http://www.example.gov.cn/api/letter/list.do?pageNo=1"


def ms(year: int, month: int, day: int, hour: int, minute: int) -> int:
    """Epoch milliseconds of a Shanghai wall-clock time."""
    return int(datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).timestamp() * 1000)


NESTED = {
    "code": 0,
    "msg": "success",
    "data": {
        "total": 83,
        "current": 1,
        "channels": [{"id": 1, "name": "市长信箱"}, {"id": 2, "name": "部门信箱"}],
        "records": [
            {
                "id": "a1",
                "letterTitle": "关于小区充电桩安装的咨询，电话13912345678",
                "createTime": ms(2022, 4, 1, 10, 0),
                "replyTime": ms(2022, 4, 2, 7, 0),  # 2022-04-01 23:00 UTC: Shanghai's 04-02
                "status": 2,
                "deptName": "市发展改革委",
                "detailUrl": "/hdjl/letter/detail.html?id=a1",
                "userName": "刘**",
            },
            {
                "id": "a2",
                "letterTitle": "农贸市场周边环境脏乱",
                "createTime": ms(2022, 5, 18, 9, 30),
                "replyTime": None,
                "status": 1,
                "deptName": "区城管局",
                "detailUrl": "https://www.example.gov.cn/hdjl/letter/detail.html?id=a2",
                "userName": "周**",
            },
            {
                "id": "a3",
                "letterTitle": "",
                "createTime": ms(2022, 5, 19, 9, 30),
            },
        ],
    },
}


def test_nested_records_with_millisecond_times() -> None:
    board = read_board_json(NESTED, ENDPOINT, today=TODAY)
    assert board.layout == "json"
    assert len(board.letters) == 2  # the record without a title is no letter
    first, second = board.letters
    assert first == LetterSeen(
        title="关于小区充电桩安装的咨询，电话139****5678",
        url="http://www.example.gov.cn/hdjl/letter/detail.html?id=a1",
        asked=date(2022, 4, 1),
        replied=date(2022, 4, 2),
        status=None,  # a status code with no words
        state=LetterState.ANSWERED,
        unit="市发展改革委",
        where="records[1]",
    )
    assert (second.replied, second.status, second.state) == (None, None, LetterState.UNKNOWN)
    assert second.url == "https://www.example.gov.cn/hdjl/letter/detail.html?id=a2"
    assert "周**" not in repr(board)


def test_the_named_path_and_fields() -> None:
    document = {
        "success": True,
        "result": {
            "pageInfo": {"page": 1, "size": 2},
            "list": [
                {
                    "XJBT": "反映公交车辆超速",
                    "LXRQ": "2022-03-02 08:00:00",
                    "DFRQ": "2022年3月9日",
                    "BLZT": "已答复",
                    "CBDW": "市交通运输局",
                    "ID": 501,
                    "LINK": "show.jsp?id=501",
                },
                {
                    "XJBT": "咨询二孩生育补贴",
                    "LXRQ": "2022/5/30",
                    "DFRQ": "",
                    "BLZT": "办理中",
                    "CBDW": "市卫健委",
                    "ID": 502,
                    "LINK": "javascript:void(0)",
                },
            ],
        },
    }
    fields = {
        "title": "XJBT",
        "asked": "LXRQ",
        "replied": "DFRQ",
        "status": "BLZT",
        "unit": "CBDW",
        "url": "LINK",
    }
    board = read_board_json(document, ENDPOINT, today=TODAY, records="result.list", fields=fields)
    assert board.layout == "json"
    assert [
        (one.title, one.asked, one.replied, one.status, one.state, one.unit, one.url)
        for one in board.letters
    ] == [
        (
            "反映公交车辆超速",
            date(2022, 3, 2),
            date(2022, 3, 9),
            "已答复",
            LetterState.ANSWERED,
            "市交通运输局",
            "http://www.example.gov.cn/api/letter/show.jsp?id=501",
        ),
        (
            "咨询二孩生育补贴",
            date(2022, 5, 30),
            None,
            "办理中",
            LetterState.PENDING,
            "市卫健委",
            None,
        ),
    ]
    assert [one.where for one in board.letters] == ["records[1]", "records[2]"]


def test_a_top_level_list_with_second_times_and_pinyin_keys() -> None:
    seconds = ms(2022, 5, 10, 12, 0) // 1000
    document = [
        {"xxbt": "关于幼儿园收费标准的咨询", "lysj": seconds, "hfsj": str(seconds + 86400),
         "zt": "已回复", "blbm": "市教育局"},
        {"xxbt": "建议增加夜间公交班次", "lysj": "20220512", "hfsj": None, "zt": "待回复",
         "blbm": "市交通局"},
        {"xxbt": "未来日期的来信", "lysj": "2022-06-09", "zt": "已受理"},
    ]  # fmt: skip
    board = read_board_json(document, ENDPOINT, today=TODAY)
    assert board.layout == "json"
    assert [(one.asked, one.replied, one.state) for one in board.letters] == [
        (date(2022, 5, 10), date(2022, 5, 11), LetterState.ANSWERED),
        (date(2022, 5, 12), None, LetterState.PENDING),
        (None, None, LetterState.PENDING),  # a day after the check is no day
    ]


def test_statusname_is_preferred_over_a_status_code() -> None:
    document = {
        "rows": [
            {"title": "来信甲", "addTime": "2022-05-01", "status": 3, "statusName": "已办结"},
            {"title": "来信乙", "addTime": "2022-05-02", "status": 1, "statusName": "办理中"},
        ]
    }
    board = read_board_json(document, ENDPOINT, today=TODAY)
    assert [one.status for one in board.letters] == ["已办结", "办理中"]


def test_java_dates_and_html_in_titles() -> None:
    document = {
        "data": [
            {
                "subject": "<em>关于</em>路灯维修",
                "submitTime": {"time": ms(2022, 5, 3, 8, 0), "year": 122},
            },
            {"subject": "占道经营", "submitTime": {"time": ms(2022, 5, 4, 8, 0)}},
        ]
    }
    board = read_board_json(document, ENDPOINT, today=TODAY)
    assert [(one.title, one.asked) for one in board.letters] == [
        ("关于 路灯维修", date(2022, 5, 3)),
        ("占道经营", date(2022, 5, 4)),
    ]


def test_no_records_found() -> None:
    assert read_board_json({"code": 500, "msg": "error"}, ENDPOINT, today=TODAY).layout == "none"
    assert read_board_json(NESTED, ENDPOINT, today=TODAY, records="data.rows").layout == "none"
    empty = read_board_json(
        {"data": {"records": []}}, ENDPOINT, today=TODAY, records="data.records"
    )
    assert (empty.letters, empty.layout) == ((), "json")
    news = {"list": [{"name": "无时间字段的条目"}, {"name": "另一个条目"}]}
    assert read_board_json(news, ENDPOINT, today=TODAY).layout == "none"


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=12)
    | st.sampled_from(["2022-05-20", "1651334400000", "已办结", "/a/b.html", "13812345678"]),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(
            st.sampled_from(["title", "createTime", "replyTime", "status", "url", "data", "list"])
            | st.text(max_size=5),
            children,
            max_size=6,
        )
    ),
    max_leaves=40,
)


@settings(max_examples=150, deadline=None)
@given(_JSON, st.sampled_from([None, "data", "data.list", "0.title", "list.0"]))
def test_any_json_reads_without_raising(document: object, records: str | None) -> None:
    board = read_board_json(document, ENDPOINT, today=TODAY, records=records)
    for letter in board.letters:
        assert letter.asked is None or letter.asked <= TODAY
        assert letter.replied is None or letter.replied <= TODAY
        assert "13812345678" not in letter.title


# --- endpoints declared by the page's scripts ----------------------------------------------

SCRIPTED = """<html><head>
<script src="/js/jquery.min.js"></script>
<script src="https://cdn.example.com/list.js"></script>
</head><body>
<div id="letterList"><p class="empty">加载中……</p></div>
<script>
  var pageNo = 1;
  function load(page) {
    $.ajax({
      type: "POST",
      url: '/hdjl/letter/queryList.do?columnId=12',
      data: {pageNo: page},
      dataType: 'json'
    });
  }
  fetch("../api/letters?page=" + pageNo).then(function (r) { return r.json(); });
  $.get('https://stats.other-host.com/api/count.do');
  $.post("/hdjl/letter/queryList.do?columnId=12");
  axios.post(`/hdjl/search/${kind}`);
  var opts = {url: "/images/banner.png"};
  $.getJSON('data/letters.json');
  $.ajax({url: 'http://www.example.gov.cn:8080/hdjl/list.action'});
</script>
</body></html>"""


def test_endpoints_of_the_page_scripts() -> None:
    board = read_board_page(SCRIPTED, "http://www.example.gov.cn/hdjl/zxly/index.html", today=TODAY)
    assert board.layout == "none"
    assert board.endpoints == (
        "http://www.example.gov.cn/hdjl/letter/queryList.do?columnId=12",
        "http://www.example.gov.cn/hdjl/api/letters?page=",
        "http://www.example.gov.cn/hdjl/zxly/data/letters.json",
        "http://www.example.gov.cn:8080/hdjl/list.action",
    )


def test_at_most_five_endpoints() -> None:
    calls = "".join(f"$.get('/api/list{n}.do');" for n in range(9))
    html = f"<html><body><script>{calls}</script></body></html>"
    board = read_board_page(html, "https://www.example.gov.cn/", today=TODAY)
    assert board.endpoints == tuple(f"https://www.example.gov.cn/api/list{n}.do" for n in range(5))


def test_endpoints_come_with_a_read_board_too() -> None:
    rows = "".join(
        f"<li><a href='/l/{n}'>第{n}封来信标题</a><span>2022-05-0{n}</span></li>" for n in (1, 2)
    )
    html = (
        f"<html><body><ul class='list'>{rows}</ul>"
        "<script>$.ajax({url: '/api/visit/count'})</script></body></html>"
    )
    board = read_board_page(html, "http://www.example.gov.cn/hd/", today=TODAY)
    assert len(board.letters) == 2
    assert board.endpoints == ("http://www.example.gov.cn/api/visit/count",)


def test_endpoint_literals_round_trip_through_json() -> None:
    # A page that embeds its endpoint in a JSON config object reads the same.
    config = json.dumps({"url": "/hdjl/letter/pageList.jsp"})
    html = f"<html><body><script>var cfg = {config};</script></body></html>"
    board = read_board_page(html, "http://www.example.gov.cn/", today=TODAY)
    assert board.endpoints == ("http://www.example.gov.cn/hdjl/letter/pageList.jsp",)

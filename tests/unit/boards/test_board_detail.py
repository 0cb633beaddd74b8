"""A letter's own page: labelled dates and status in table, dl and text forms; never a guess."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.boards.reading import LetterDetail, read_letter_detail

TODAY = date(2022, 6, 1)

TABLE_DETAIL = """<html><body>
<div class="nav"><a href="/">首页</a> &gt; 互动交流 &gt; 在线咨询</div>
<table class="xjxq" border="1">
  <tr><th>信件标题</th><td colspan="3">关于城区停车位不足的咨询</td></tr>
  <tr><th>来信人</th><td>张**</td><th>来信时间</th><td>2022-04-01 09:12</td></tr>
  <tr><th>办理状态</th><td>已办结</td><th>办理单位</th><td>市公安局</td></tr>
  <tr><th>来信内容</th><td colspan="3">您好，城区停车位不足，请问有何规划？</td></tr>
  <tr><th>答复时间：</th><td colspan="3">2022年4月8日</td></tr>
  <tr><th>答复内容</th><td colspan="3">您好，我局已于2022年3月启动停车场建设……</td></tr>
</table>
<div class="footer">发布日期：2022-04-09</div>
</body></html>"""


def test_detail_in_table_form() -> None:
    detail = read_letter_detail(TABLE_DETAIL, today=TODAY)
    assert (detail.asked, detail.replied, detail.status) == (
        date(2022, 4, 1),
        date(2022, 4, 8),
        "已办结",
    )
    assert detail.where is not None
    assert detail.where == (
        'table "答复时间 2022年4月8日"; table "来信时间 2022-04-01 09:12"; table "办理状态 已办结"'
    )


def test_detail_in_dl_form() -> None:
    html = """<div class="letter">
      <h2>反映学校周边道路积水</h2>
      <dl><dt>留言时间</dt><dd>2022/05/03</dd></dl>
      <dl><dt>状态</dt><dd>已回复</dd></dl>
      <dl><dt>回复时间</dt><dd>2022/05/06 17:40</dd></dl>
      <dl><dt>回复内容</dt><dd>已安排排水管网疏通。</dd></dl>
    </div>"""
    detail = read_letter_detail(html, today=TODAY)
    assert (detail.asked, detail.replied, detail.status) == (
        date(2022, 5, 3),
        date(2022, 5, 6),
        "已回复",
    )
    assert detail.where is not None
    assert detail.where.startswith('dl "回复时间 2022/05/06 17:40";')


def test_detail_in_text_form() -> None:
    # The writer's name beside the asked day is no part of where it was read.
    html = """<div class="content">
      <p>咨询时间：2022年5月10日 提问人：王女士</p>
      <p>问题：新生儿如何办理医保？</p>
      <p>处理状态：已办结</p>
      <div class="reply"><p>办结时间:2022-05-13</p><p>您好，可通过……办理。</p></div>
    </div>"""
    detail = read_letter_detail(html, today=TODAY)
    assert detail == LetterDetail(
        asked=date(2022, 5, 10),
        replied=date(2022, 5, 13),
        status="已办结",
        where='text "办结时间:2022-05-13"; text "咨询时间：2022年5月10日"; text "处理状态：已办结"',
    )


def test_label_and_value_in_separate_spans() -> None:
    html = (
        "<div><span class='lbl'>留言时间：</span><span>2022-05-01</span></div>"
        "<div><span class='lbl'>回复时间：</span><span>2022-05-04</span></div>"
    )
    detail = read_letter_detail(html, today=TODAY)
    assert (detail.asked, detail.replied) == (date(2022, 5, 1), date(2022, 5, 4))


def test_a_reply_block_with_a_date_after_its_label() -> None:
    html = """<div class="ly"><p>留言时间：2022-05-01</p><p>市民来信内容……</p></div>
    <div class="hf"><h4>回复内容</h4><p>【回复】2022-05-09 市住建局</p><p>您好……</p></div>"""
    detail = read_letter_detail(html, today=TODAY)
    assert (detail.asked, detail.replied) == (date(2022, 5, 1), date(2022, 5, 9))
    assert detail.where == 'text "【回复】2022-05-09"; text "留言时间：2022-05-01"'


def test_an_unlabelled_date_is_no_reply_date() -> None:
    html = """<div class="article"><h1>关于噪音扰民的投诉</h1>
      <p class="date">2022-05-07</p><p>您好，我小区楼下……</p>
      <p>回复：已转交相关部门处理。</p></div>"""
    detail = read_letter_detail(html, today=TODAY)
    assert detail == LetterDetail(asked=None, replied=None, status=None, where=None)


def test_deadlines_and_future_days_are_not_reply_days() -> None:
    html = """<p>留言时间：2022-05-20</p><p>预计办结时间：2022-05-30</p>
      <p>承诺答复时间：5个工作日</p><p>答复时间：2022-07-01</p><p>状态：办理中</p>"""
    detail = read_letter_detail(html, today=TODAY)
    assert (detail.asked, detail.replied, detail.status) == (date(2022, 5, 20), None, "办理中")


def test_a_pending_letter_with_an_empty_reply() -> None:
    html = """<table><tr><td>来信时间</td><td>2022-05-28</td></tr>
      <tr><td>回复时间</td><td></td></tr><tr><td>办理状态</td><td>待回复</td></tr></table>"""
    detail = read_letter_detail(html, today=TODAY)
    assert (detail.asked, detail.replied, detail.status) == (date(2022, 5, 28), None, "待回复")


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["<td>", "</td>", "<th>答复时间</th>", "<dt>", "<dd>", "回复内容", "【回复】",
             "答复时间：", "状态：", "2022-05-01", "2099-01-01", "已办结", "<p>", "</p>", "\n"]
        )
        | st.text(max_size=6),
        max_size=40,
    )
)  # fmt: skip
def test_any_detail_page_reads_without_raising(pieces: list[str]) -> None:
    detail = read_letter_detail("".join(pieces), today=TODAY)
    assert detail.replied is None or detail.replied <= TODAY
    assert detail.asked is None or detail.asked <= TODAY

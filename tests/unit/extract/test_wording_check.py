"""The wording list: each group flags its errors with the right correction, correct text and
near-misses are left alone, and the bundled list is consistent with itself."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.extract.wording import (
    MAX_HITS,
    WordingFileError,
    WordingList,
    check_text,
    load_wording,
    normalise,
    parse_wording,
)

TODAY = date(2026, 12, 7)


@pytest.fixture(scope="module")
def wording() -> WordingList:
    return load_wording()


def hits_of(text: str, wording: WordingList, **kwargs: date) -> list[tuple[str, str, str]]:
    return [(h.wrong, h.right, h.kind) for h in check_text(text, wording, today=TODAY, **kwargs)]


@pytest.mark.parametrize(
    ("text", "wrong", "right", "kind"),
    [
        # 国名
        ("依据《中华人民共合国宪法》第三条。", "中华人民共合国", "中华人民共和国", "严重表述错误"),
        ("中华民族共和国成立七十五周年。", "中华民族共和国", "中华人民共和国", "严重表述错误"),
        # 国家机构
        ("国务院办工厅印发通知。", "国务院办工厅", "国务院办公厅", "严重表述错误"),
        ("市人民检查院召开会议。", "人民检查院", "人民检察院", "严重表述错误"),
        (
            "省人力资源与社会保障厅发布公告。",
            "人力资源与社会保障厅",
            "人力资源和社会保障厅",
            "严重表述错误",
        ),
        ("新疆维吾尔族自治区代表团。", "新疆维吾尔族自治区", "新疆维吾尔自治区", "严重表述错误"),
        # 党的机构
        ("中共中央办工厅、国务院办公厅印发。", "中共中央办工厅", "中共中央办公厅", "严重表述错误"),
        ("市纪律检察委员会通报。", "纪律检察委员会", "纪律检查委员会", "严重表述错误"),
        ("学习党的二十届三种全会精神。", "种全会", "中全会", "严重表述错误"),
        # 规范表述
        (
            "深入学习习近平新时代中国特色社会注意思想。",
            "特色社会注意",
            "特色社会主义",
            "严重表述错误",
        ),
        ("坚持中国特设社会主义道路。", "特设社会主义", "特色社会主义", "严重表述错误"),
        (
            "以习近平总书记为核心的党中央坚强领导。",
            "以习近平总书记为核心的党中央",
            "以习近平同志为核心的党中央",
            "严重表述错误",
        ),
        (
            "坚决维护习近平同志党中央的核心、全党的核心地位。",
            "维护习近平同志党中央的核心",
            "维护习近平总书记党中央的核心",
            "严重表述错误",
        ),
        (
            "确立习近平总书记党中央的核心、全党的核心地位。",
            "确立习近平总书记党中央的核心",
            "确立习近平同志党中央的核心",
            "严重表述错误",
        ),
        (
            "筑牢中华民族共同体意识。",
            "筑牢中华民族共同体意识",
            "铸牢中华民族共同体意识",
            "严重表述错误",
        ),
        ("推动京津翼协同发展。", "京津翼", "京津冀", "严重表述错误"),
        # 领导人姓名
        ("习进平总书记强调。", "习进平", "习近平", "严重表述错误"),
        # 政务用语 and 成语
        ("要认真贯砌落实。", "贯砌", "贯彻", "错别字"),
        ("作出工作部暑。", "部暑", "部署", "错别字"),
        ("对此项工作进行布署。", "布署", "部署", "错别字"),
        ("这是攻府的职责。", "攻府", "政府", "错别字"),
        ("希望同志们再接再励。", "再接再励", "再接再厉", "错别字"),
        ("工作要按步就班地推进。", "按步就班", "按部就班", "错别字"),
        ("消息不径而走。", "不径而走", "不胫而走", "错别字"),
        ("文章针贬时弊。", "针贬时弊", "针砭时弊", "错别字"),
        ("发韧于上世纪。", "发韧", "发轫", "错别字"),
        ("一愁莫展。", "一愁莫展", "一筹莫展", "错别字"),
        # 语境
        (
            "截止2024年3月31日，全市累计办理业务1200件。",
            "截止",
            "截至",
            "错别字",
        ),
        ("截止２０２４年３月，共受理申请35件。", "截止", "截至", "错别字"),
        ("截止目前，已完成整改。", "截止", "截至", "错别字"),
        ("各单位必需严格遵守规定。", "必需", "必须", "错别字"),
        ("他好象没有来。", "好象", "好像", "错别字"),
        ("做好防讯抗旱工作。", "防讯", "防汛", "错别字"),
    ],
)
def test_each_group_flags_its_error_with_the_correction(
    wording: WordingList, text: str, wrong: str, right: str, kind: str
) -> None:
    assert hits_of(text, wording) == [(wrong, right, kind)]


@pytest.mark.parametrize(
    "text",
    [
        "中华人民共和国全国人民代表大会常务委员会第十次会议通过。",
        "全国人民代表大会常务委员会委员长会议，全国人大常委会组成人员，常务委员。",
        "深入学习贯彻习近平新时代中国特色社会主义思想，全面贯彻党的二十大和二十届三中全会精神。",
        "坚决维护习近平总书记党中央的核心、全党的核心地位，坚决维护党中央权威和集中统一领导。",
        "确立习近平同志党中央的核心、全党的核心地位，确立习近平新时代中国特色社会主义思想的指导地位。",
        "在以习近平同志为核心的党中央坚强领导下，铸牢中华民族共同体意识，筑牢安全防线。",
        "国务院办公厅、中共中央办公厅；人民检察院；中央纪律检查委员会；国家监察委员会。",
        "截止到目前，报名已截止。报名截止日期为2024年5月20日。申报截止2024年5月20日，已申报的单位请核对。",
        "生活必需品供应充足，这是必需的。必须坚持人民至上。",
        "好像下雨了。学习象棋，这象征着团结，形象这样好，不像话。",
        "创业担保贷款贴息。其它事项另行通知。请使用帐号登录，账号与帐号均可。",
        "全部暑假作业已完成；发布署名文章；宣布署理人选。",
        "学习习近平总书记重要讲话，养成良好的学习习惯彻底改变面貌；一贯切实履行职责。",
        "以经济建设为中心，在次年实施，稳定和协调发展。各自已经完成任务，来自已有的项目。",
        "不能自已的激动；来到商洛实地调研；未必需要，势必需要一系列配套办法。",
        "权利与权力，制定与制订，其他与其它，认真地做，做得好。",
        "盗贼蜂起，肆掠城邑。交通迅速发展，畅通迅捷。情感概念，概括。",
        "2023年3月，国务院总理李克强作政府工作报告。",
        "",
    ],
)
def test_correct_text_and_near_misses_are_not_flagged(wording: WordingList, text: str) -> None:
    assert hits_of(text, wording) == []


def test_whitespace_inside_a_cjk_run_is_ignored_and_positions_map_back(
    wording: WordingList,
) -> None:
    assert hits_of("中华人民共\n和国成立", wording) == []
    text = "本页说明。\n依据中华人民共\n合国 宪法，国务院\u3000办工厅印发。"
    hits = check_text(text, wording, today=TODAY)
    assert [h.wrong for h in hits] == ["中华人民共合国", "国务院办工厅"]
    assert text[hits[0].position] == "中"
    assert text[hits[0].position : hits[0].position + 8] == "中华人民共\n合国"
    assert text[hits[1].position : hits[1].position + 7] == "国务院\u3000办工厅"
    assert hits[0].sentence.startswith("依据中华人民共 合国")
    assert normalise("中华 人民\n共和国 2024 年") == "中华人民共和国 2024 年"
    assert normalise("２０２４年ＡＢｃ") == "2024年ABc"


def test_the_sentence_is_short_and_on_one_line(wording: WordingList) -> None:
    text = "前言。" + "很长的一段文字" * 30 + "要贯砌落实" + "很长的一段文字" * 30 + "。"
    (hit,) = check_text(text, wording, today=TODAY)
    assert len(hit.sentence) <= 80
    assert "贯砌" in hit.sentence
    assert "\n" not in hit.sentence


def test_an_office_file_adds_and_replaces_entries(tmp_path: Path) -> None:
    extra = tmp_path / "office.yaml"
    extra.write_text(
        "- {wrong: 济源市人民攻府, right: 济源市人民政府, kind: 严重表述错误,"
        " source: 本地机构 (市编办)}\n"
        "- {wrong: 再接再励, right: 再接再厉, kind: 错别字, source: 成语 (本地), not_before: 奖}\n",
        encoding="utf-8",
    )
    wording = load_wording(extra)
    assert len(wording) == len(load_wording()) + 1  # one added, one replaced
    assert hits_of("济源市人民攻府发布通知。", wording) == [
        ("济源市人民攻府", "济源市人民政府", "严重表述错误")
    ]
    assert hits_of("设立再接再励奖。", wording) == []  # the office narrowed the bundled entry
    assert hits_of("希望再接再励。", wording) == [("再接再励", "再接再厉", "错别字")]


@pytest.mark.parametrize(
    ("content", "where"),
    [
        ("- {wrong: 部暑, right: 部署, source: 政务用语}\n", "[0].kind: missing"),
        (
            "- {wrong: 部暑, right: 部署, kind: 错别字, source: x}\n"
            "- {wrong: 攻府, right: 政府, kind: 错字, source: x}\n",
            "[1].kind:",
        ),
        ("- {wrong: 部暑, right: 部署, kind: 错别字, source: x, context: '('}\n", "[0].context:"),
        ("- {wrong: 部暑, right: 部署, kind: 错别字, source: x, colour: red}\n", "[0].colour:"),
        ("- {wrong: 部 暑, right: 部署, kind: 错别字, source: x}\n", "[0].wrong:"),
        ("- {wrong: 习近平, right: 习近平总书记, kind: 错别字, source: x}\n", "[0].wrong:"),
        (
            "- {wrong: 部暑, right: 部署, kind: 错别字, source: x}\n"
            "- {wrong: 部暑, right: 部属, kind: 错别字, source: y}\n",
            "[1].wrong: '部暑' is already item [0]",
        ),
        ("- {title: 国务院总理, name: 李强, valid_from: 2023-03, source: x}\n", "[0].valid_from:"),
        (
            "- {title: 国务院总理, name: 李强, valid_from: 2023-13-40, source: x}\n",
            "not a real day",
        ),
        (
            "- {title: 国务院总理, name: 李强, valid_from: 2023-03-11, valid_to: 2020-01-01, "
            "source: x}\n",
            "[0].valid_to:",
        ),
        ("wrong: 部暑\n", "must be a YAML list"),
        ("- [1, 2\n", "invalid YAML"),
    ],
)
def test_a_bad_file_says_where(tmp_path: Path, content: str, where: str) -> None:
    bad = tmp_path / "office.yaml"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(WordingFileError) as caught:
        load_wording(bad)
    message = str(caught.value)
    assert message.startswith(f"{bad}: ")
    assert where in message


def test_a_former_holder_is_flagged_only_on_pages_dated_after_the_change(
    wording: WordingList,
) -> None:
    text = "国务院总理李克强主持召开国务院常务会议。"
    assert hits_of(text, wording) == []  # no page date: never
    assert hits_of(text, wording, page_date=date(2022, 6, 1)) == []  # in office then
    assert hits_of(text, wording, page_date=date(2023, 3, 20)) == []  # within the grace month
    assert hits_of(text, wording, page_date=date(2024, 6, 1)) == [
        ("国务院总理李克强", "国务院总理李强", "严重表述错误")
    ]
    assert hits_of(text, wording, page_date=date(2030, 1, 1)) == []  # a page date after today
    for past in (
        "时任国务院总理李克强主持会议。",
        "2019年，国务院总理李克强来我市考察。",
        "回忆当时，国务院总理李克强来我市考察。",
    ):
        assert hits_of(past, wording, page_date=date(2024, 6, 1)) == []
    assert hits_of("国务院总理李强主持会议。", wording, page_date=date(2024, 6, 1)) == []


def test_a_misspelt_leader_name_is_flagged_whatever_the_date(wording: WordingList) -> None:
    for page_date in (date(2015, 1, 1), date(2024, 1, 1)):
        assert hits_of("习近萍同志指出。", wording, page_date=page_date) == [
            ("习近萍", "习近平", "严重表述错误")
        ]
    assert hits_of("学习进平台，实习进平台。", wording) == []


def test_hits_are_capped(wording: WordingList) -> None:
    hits = check_text("贯砌。" * 500, wording, today=TODAY)
    assert len(hits) == MAX_HITS
    assert [h.position for h in hits] == sorted(h.position for h in hits)


def test_a_large_text_runs(wording: WordingList) -> None:
    paragraph = (
        "为深入贯彻落实党中央、国务院决策部署，截至2024年5月20日，全市共受理申请1200件，"
        "办结率98%。各单位要按照统一部署，切实做好防汛抗旱工作。\n"
    )
    text = paragraph * (200_000 // len(paragraph)) + "再接再励"
    hits = check_text(text, wording, today=TODAY)
    assert [h.wrong for h in hits] == ["再接再励"]


def test_every_bundled_entry_is_consistent(wording: WordingList) -> None:
    entries = wording.entries
    assert len(entries) >= 150
    assert {entry.kind for entry in entries} == {"严重表述错误", "错别字"}
    for entry in entries:
        assert entry.source
        assert entry.group
        assert entry.wrong != entry.right
        assert entry.wrong not in entry.right, entry
        assert hits_of(entry.right, wording) == [], entry  # no right form is another's wrong
    plain = [(entry.wrong, entry.right) for entry in entries if entry.context is None]
    assert len({wrong for wrong, _ in plain}) == len(plain)  # one correction per wrong form
    for wrong, right in plain:  # a wrong form holding another's is corrected the same way
        for other, other_right in plain:
            if other != wrong and other in wrong:
                assert wrong.replace(other, other_right) == right, (wrong, other)
    assert len(wording.holders) >= 10


def test_the_bundled_file_parses_alone() -> None:
    text = (Path(__file__).parents[3] / "crawler/extract/wording/wording.yaml").read_text(
        encoding="utf-8"
    )
    entries, holders = parse_wording(text)
    assert len(entries) == len(load_wording().entries)
    assert {h.title for h in holders} >= {"国务院总理", "国家主席"}


_PIECES = st.sampled_from(
    [
        "中华人民共",
        "合国",
        "和国",
        "截止",
        "2024年5月",
        "２０２４",
        "，全市",
        "共",
        "必需",
        "要",
        "习",
        "近平",
        "进平",
        "国务院总理李克强",
        "部暑",
        "假",
        " ",
        "\n",
        "\u3000",
        "\u200b",
        "。",
        "a",
        "",
    ]
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.one_of(st.text(max_size=200), st.lists(_PIECES, max_size=40).map("".join)),
    page_date=st.one_of(st.none(), st.dates(min_value=date(2000, 1, 1))),
)
def test_random_text_never_raises(wording: WordingList, text: str, page_date: date | None) -> None:
    hits = check_text(text, wording, today=TODAY, page_date=page_date)
    assert len(hits) <= MAX_HITS
    for hit in hits:
        assert 0 <= hit.position < len(text)
        assert len(hit.sentence) <= 80


def _article(published_line: str) -> str:
    return (
        "<html><head><title>国务院常务会议召开</title></head><body><h1>国务院常务会议召开</h1>"
        f'<div class="info">{published_line}</div><div class="content"><p>'
        "国务院总理李克强主持召开国务院常务会议，研究部署有关工作。会议指出，要持续优化营商环境，"
        "推动经济运行持续好转。会议强调，各地区各部门要抓好落实，确保各项政策落地见效。"
        "</p></div></body></html>"
    )


def test_an_article_is_checked_for_post_holders_at_its_own_date() -> None:
    from crawler.extract import extract_page

    def wording_of(published_line: str) -> list[tuple[str, str]]:
        page = extract_page(
            _article(published_line), base_url="http://www.example.gov.cn/a.html", today=TODAY
        )
        return [(hit.wrong, hit.right) for hit in page.wording]

    assert wording_of("发布时间：2024-06-01") == [("国务院总理李克强", "国务院总理李强")]
    assert wording_of("发布时间：2022-06-01") == []  # in office on the page's date
    assert wording_of("来源：国务院办公厅") == []  # no date of its own: holders not checked

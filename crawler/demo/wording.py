"""Chinese wording for demo pages: article titles and body text in a department site's voice.

Titles come from templates chosen by the column's name, filled with the unit's short name,
one of its business topics and the item's date, drawn without repetition so titles within a
column stay distinct.
"""

from __future__ import annotations

import random
from datetime import date

__all__ = ["article_body", "column_text", "titles"]

_UNIT_PREFIXES = ("济源产城融合示范区", "济源市")

_TEMPLATES: dict[str, tuple[str, ...]] = {
    "news": (
        "{unit}召开{topic}工作推进会",
        "{unit}开展{topic}专项督导检查",
        "{unit}部署{topic}重点工作",
        "{unit}党组专题研究{topic}工作",
        "示范区{topic}工作取得阶段性成效",
        "{unit}组织{topic}业务培训",
        "{unit}深入基层调研{topic}工作",
        "{unit}召开{month}月份{topic}工作例会",
        "{unit}扎实推进{topic}工作",
        "我区{topic}工作经验获省级推广",
    ),
    "photo": (
        "【图片新闻】{unit}开展{topic}现场观摩活动",
        "【图片新闻】{topic}工作现场",
        "【图片新闻】{unit}志愿者走进社区宣传{topic}",
        "【图片新闻】{unit}领导一线督导{topic}",
        "【图片新闻】{topic}培训现场",
        "【图片新闻】{unit}开展{topic}主题党日活动",
        "【图片新闻】{topic}应急演练",
        "【图片新闻】{month}月{topic}宣传活动剪影",
    ),
    "notice": (
        "关于开展{year}年度{topic}工作的通知",
        "关于做好{topic}有关工作的通知",
        "{unit}关于{topic}的公告",
        "关于{topic}检查情况的通报",
        "关于征集{topic}意见建议的公告",
        "关于{year}年{topic}项目申报的通知",
        "关于进一步加强{topic}工作的通知",
        "关于{topic}名单的公示",
    ),
    "policy": (
        "{unit}关于印发《{topic}实施方案》的通知",
        "关于进一步规范{topic}管理的意见",
        "{unit}关于印发{topic}管理办法的通知",
        "《{topic}工作规则》政策解读",
        "关于印发{year}年{topic}工作要点的通知",
        "{topic}三年行动计划({year}—{year2}年)",
        "关于加快推进{topic}的若干措施",
    ),
    "budget": (
        "{unit}{year}年部门预算公开",
        "{unit}{year}年部门预算及“三公”经费预算说明",
        "{unit}{year}年政府采购预算",
        "{unit}{year}年部门整体支出绩效目标",
        "{unit}{year}年部门预算调整说明",
    ),
    "final": (
        "{unit}{year0}年部门决算公开",
        "{unit}{year0}年度“三公”经费决算说明",
        "{unit}{year0}年部门整体支出绩效自评报告",
    ),
    "personnel": (
        "{unit}关于{name}同志任职的通知",
        "{unit}{year}年公开招聘工作人员公告",
        "{unit}{year}年公开招聘拟聘用人员公示",
        "{unit}干部任前公示",
        "{unit}关于{name}等同志职务调整的通知",
        "{unit}{year}年度公务员考核结果公示",
    ),
    "plan": (
        "{unit}{year}年{topic}工作计划",
        "示范区“十四五”{topic}发展规划",
        "{unit}{year}年上半年工作总结及下半年工作计划",
        "{unit}{year}年{topic}专项规划",
        "{topic}中长期发展规划({year}—2035年)",
    ),
    "tender": (
        "{topic}项目招标公告",
        "{topic}项目中标候选人公示",
        "{topic}工程施工招标公告",
        "{topic}项目竞争性磋商公告",
        "{topic}项目中标结果公告",
        "{topic}服务采购项目更正公告",
    ),
    "standard": (
        "关于发布{year}年第{quarter}季度建设工程材料价格信息的通知",
        "关于调整{topic}计价依据的通知",
        "{year}年{month}月建设工程人工价格指数",
        "关于执行{topic}定额的补充说明",
    ),
    "construction": (
        "{topic}工程建设进展情况",
        "{topic}工程开工建设",
        "{topic}工程竣工验收公示",
        "{topic}工程质量安全检查情况通报",
    ),
    "safety": (
        "{unit}开展{topic}安全生产大检查",
        "关于{topic}安全生产隐患排查治理情况的通报",
        "{topic}安全生产专项整治行动方案",
        "{unit}约谈{topic}重点企业",
    ),
    "education": (
        "“安全生产月”{topic}宣传活动走进企业",
        "{unit}开展{topic}知识进校园活动",
        "{topic}安全知识宣传手册",
        "{unit}举办{topic}应急知识讲座",
    ),
    "flood": (
        "关于做好{year}年防汛工作的通知",
        "{unit}开展森林防火专项检查",
        "{year}年汛期{topic}隐患排查情况",
        "{unit}组织防汛抗旱应急演练",
        "关于加强{topic}期间森林防火工作的通知",
    ),
    "stats": (
        "{year}年{month}月示范区主要经济指标",
        "{year}年{month}月{topic}统计快报",
        "{year}年第{quarter}季度{topic}运行分析",
        "{year}年{month}月居民消费价格变动情况",
    ),
    "disclosure": (
        "{year}年{month}月{topic}情况公示",
        "{topic}项目审批结果公示",
        "关于{topic}资金发放情况的公示",
        "{topic}受理情况公示",
        "{year}年第{quarter}季度{topic}信息公开",
    ),
    "complaint": (
        "{year}年{month}月12369环保举报受理及办理情况",
        "关于{topic}投诉的办理结果公示",
        "12369环保举报热线{topic}问题查处情况",
        "关于群众反映{topic}问题的调查处理情况",
    ),
}

_KIND_BY_COLUMN = {
    "图片新闻": "photo",
    "通知公告": "notice",
    "公示公告": "notice",
    "公告公示": "notice",
    "政策文件": "policy",
    "政策法规": "policy",
    "政策解读": "policy",
    "部门预算": "budget",
    "财政预算": "budget",
    "部门决算": "final",
    "人事信息": "personnel",
    "人事任免": "personnel",
    "规划计划": "plan",
    "工作计划": "plan",
    "工程招标": "tender",
    "招投标信息": "tender",
    "交易公告": "tender",
    "政府采购": "tender",
    "标准定额": "standard",
    "工程建设": "construction",
    "安全生产": "safety",
    "宣传教育": "education",
    "防火防汛抗旱": "flood",
    "12369投诉查处": "complaint",
    "统计数据": "stats",
    "审计公告": "notice",
    "规划公示": "disclosure",
    "环评公示": "disclosure",
    "社会救助": "disclosure",
    "惠农补贴": "disclosure",
    "招考信息": "personnel",
    "中标公示": "tender",
    "森林防火": "flood",
}

_NAMES = ("王建国", "李红梅", "张伟", "刘志强", "陈晓燕", "杨明", "赵丽", "孙海涛", "周静", "吴刚")


def short_unit(unit: str) -> str:
    """``济源产城融合示范区教育体育局`` → ``教育体育局``."""
    for prefix in _UNIT_PREFIXES:
        if unit.startswith(prefix) and len(unit) > len(prefix):
            return unit[len(prefix) :]
    return unit


def titles(
    column_name: str,
    unit: str,
    topics: tuple[str, ...],
    dates: list[date],
    rng: random.Random,
) -> list[str]:
    """One distinct title per date (newest first) for a column named ``column_name``."""
    templates = _TEMPLATES[_KIND_BY_COLUMN.get(column_name, "news")]
    combos = [(t, topic) for t in templates for topic in topics]
    rng.shuffle(combos)
    out: list[str] = []
    for index, day in enumerate(dates):
        template, topic = combos[index % len(combos)]
        title = template.format(
            unit=short_unit(unit),
            topic=topic,
            year=day.year,
            year0=day.year - 1,
            year2=day.year + 2,
            month=day.month,
            quarter=(day.month - 1) // 3 + 1,
            name=rng.choice(_NAMES),
        )
        if title in out:  # more dates than distinct combinations: number the repeat
            title = f"{title}({index + 1})"
        out.append(title)
    return out


def article_body(title: str, unit: str, topic: str, day: date) -> tuple[str, ...]:
    """Three paragraphs of an article page."""
    return (
        f"{day.year}年{day.month}月{day.day}日，{short_unit(unit)}围绕“{title}”相关工作进行安排部署。",
        f"会议强调，要坚持以人民为中心的发展思想，把{topic}工作摆在突出位置，"
        "压实责任、细化措施，确保各项任务按时保质完成。",
        f"下一步，{short_unit(unit)}将持续加强{topic}工作的统筹协调和督促检查，"
        "及时总结经验做法，推动工作取得更大成效。",
    )


def column_text(column_name: str, unit: str, topics: tuple[str, ...]) -> tuple[str, ...]:
    """Paragraphs of a static column such as 机构概况 or 领导信息."""
    if "领导" in column_name:
        return (
            f"局长：{_NAMES[0]}，主持{short_unit(unit)}全面工作。",
            f"副局长：{_NAMES[1]}，负责{topics[0]}、办公室工作。",
            f"副局长：{_NAMES[2]}，负责{topics[-1]}工作。",
        )
    return (
        f"{unit}是示范区管委会工作部门，负责{'、'.join(topics)}等工作。",
        "内设机构：办公室、政策法规科、业务科、监督检查科。",
        "办公地址：济源市济源大道1号。办公时间：工作日上午8:30—12:00，下午14:30—17:30。",
    )

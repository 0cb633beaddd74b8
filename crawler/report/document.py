"""The notice as a document: title, sections of paragraphs, and the attachments' tables.

Every renderer (Markdown, HTML, DOCX, XLSX) writes this one structure, so the four formats say
the same thing. Section 四 (下一步工作要求) is the office's own text: a placeholder.
"""

from __future__ import annotations

from dataclasses import dataclass

from crawler.report import text
from crawler.report.interaction import interaction_sentence
from crawler.report.model import UNKNOWN, AccountEntry, ReportData, SiteEntry
from crawler.report.text import DEFAULT_SETTINGS
from crawler.targets.report import ReportSettings

__all__ = [
    "NEXT_STEPS_PLACEHOLDER",
    "Attachment",
    "Notice",
    "Paragraph",
    "Section",
    "Table",
    "attachment1_rows",
    "attachment2_rows",
    "attachment3_tables",
    "build_notice",
]

NEXT_STEPS_PLACEHOLDER = "【此部分由办公室填写下一步工作要求。】"

Cell = str | int


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    lead: str = ""  # the bold opening, such as "（一）总体情况。"
    placeholder: bool = False  # text for the office to write, shown highlighted


@dataclass(frozen=True, slots=True)
class Section:
    heading: str
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True, slots=True)
class Table:
    caption: str  # "（区管委会部门）", or "" for the attachment's only table
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True, slots=True)
class Attachment:
    number: int
    title: str  # 2022年第二季度政府网站检查情况
    note: str  # "（仅存在问题部分）" or ""
    tables: tuple[Table, ...]
    empty: str  # what is printed when there is nothing to list


@dataclass(frozen=True, slots=True)
class Notice:
    title: str
    intro: str
    sections: tuple[Section, ...]
    attachments: tuple[Attachment, ...]


def _site_problems(site: SiteEntry) -> str:
    if site.result != UNKNOWN:
        return site.problems
    why = [f.message for f in site.findings if f.severity == "unknown"]
    return "无法判定：" + ("；".join(dict.fromkeys(why)) or "未能读取页面")


def attachment1_rows(data: ReportData) -> tuple[tuple[Cell, ...], ...]:
    """附件1: every site — 序号, 网站名称, 检查结果, 存在问题."""
    return tuple(
        (n, site.name, "未检查", "本期无检查数据")
        if data.unchecked("site", site.id)
        else (n, site.name, site.result, _site_problems(site))
        for n, site in enumerate(data.sites, 1)
    )


def attachment2_rows(data: ReportData) -> tuple[tuple[Cell, ...], ...]:
    """附件2: the accounts with problems — 序号, 名称, 类型, 分数, 存在问题."""
    shown = [
        a
        for a in data.accounts
        if (a.problem_findings or a.result == "不合格") and not data.unchecked("account", a.id)
    ]
    return tuple(
        (n, account.name, account.type, _score(account), account.problems)
        for n, account in enumerate(shown, 1)
    )


def _score(account: AccountEntry) -> Cell:
    """附件2's 分数: the number, or what a veto shows instead (单项否决)."""
    if account.score_text == str(account.score):
        return account.score
    return account.score_text


def _no_account_rows(data: ReportData) -> str:
    """What 附件2 says when it lists no account."""
    checked = [a for a in data.accounts if not data.unchecked("account", a.id)]
    if not data.accounts:
        return "无检查数据。"
    if not checked:
        return "政务新媒体本期未检查（无检查数据）。"
    if len(checked) < len(data.accounts):
        return (
            "已检查的政务新媒体未发现存在问题"
            f"（另有{len(data.accounts) - len(checked)}个本期未检查）。"
        )
    return "未发现存在问题的政务新媒体。"


def _count(published: int, complete: bool) -> Cell:
    return published if complete else f"≥{published}"


def attachment3_tables(
    data: ReportData, settings: ReportSettings = DEFAULT_SETTINGS
) -> tuple[Table, ...]:
    """附件3: departments (序号, 单位名称, 公开条数) and towns (序号, 镇办名称, 公开数量), captioned
    as the ``report:`` settings' ``tables`` say."""
    if data.disclosure is None:
        return ()
    tables = []
    for level, headers in (
        ("department", ("序号", "单位名称", "公开条数")),
        ("town", ("序号", "镇办名称", "公开数量")),
    ):
        caption = f"（{settings.tables.get(level, level)}）"
        units = text.ranked_units(data.disclosure, level)
        rows = tuple(
            (n, unit.name, _count(unit.published, unit.complete) if unit.read else "未检查")
            for n, unit in enumerate(units, 1)
        )
        tables.append(Table(caption=caption, headers=headers, rows=rows))
    return tuple(tables)


def build_notice(
    data: ReportData,
    *,
    region: str | None = None,
    portal: str | None = None,
    settings: ReportSettings = DEFAULT_SETTINGS,
) -> Notice:
    """The whole notice for ``data``; ``region`` is the area's name in the sentences
    (示范区), ``portal`` the id of the site whose publishing section 二 reports; each defaults
    to the ``report:`` settings of the targets file, which also give the office, the cited
    documents, the labels, the bands and the number of examples."""
    region = settings.region if region is None else region
    portal = settings.portal if portal is None else portal
    label = data.period_label
    sections = (
        Section(
            "一、政府网站与政务新媒体检查情况",
            (
                Paragraph(text.site_overall(data, region), lead="（一）总体情况。"),
                Paragraph(text.account_overall(data, region)),
                Paragraph(text.main_problems(data, settings), lead="（二）主要问题。"),
            ),
        ),
        Section(
            "二、政府门户网站运行保障情况",
            (
                Paragraph(
                    text.portal_publishing(data, portal)
                    + interaction_sentence(data.interaction, portal)
                ),
            ),
        ),
        Section(
            "三、政务公开专栏管理情况",
            (
                Paragraph(text.disclosure_basic(data, settings), lead="（一）基本情况。"),
                Paragraph(text.disclosure_problems(data), lead="（二）主要问题。"),
            ),
        ),
        Section("四、下一步工作要求", (Paragraph(NEXT_STEPS_PLACEHOLDER, placeholder=True),)),
    )
    site_table = Table("", ("序号", "网站名称", "检查结果", "存在问题"), attachment1_rows(data))
    account_table = Table("", ("序号", "名称", "类型", "分数", "存在问题"), attachment2_rows(data))
    attachments = (
        Attachment(1, f"{label}政府网站检查情况", "", (site_table,), "无检查数据。"),
        Attachment(
            2,
            f"{label}政务新媒体检查情况",
            "（仅存在问题部分）",
            (account_table,),
            _no_account_rows(data),
        ),
        Attachment(
            3,
            f"{label}政务公开专栏检查情况",
            "",
            attachment3_tables(data, settings),
            "无检查数据（未配置政务公开单位或尚未检查）。",
        ),
    )
    return Notice(
        title=text.title(data, region),
        intro=text.intro(data, region, settings),
        sections=sections,
        attachments=attachments,
    )

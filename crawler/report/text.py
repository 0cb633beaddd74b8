"""The generated Chinese sentences of the quarterly notice: pure functions of the report data.

The wording follows the notice the demo reproduces
("2022年第二季度，示范区正在运行的政府网站共20个，检查20个，检查率100%，
其中：合格20个，合格率为100%。"), set in the full-width punctuation of a 公文
(，：；（）“”) with half-width digits; names and messages taken from the export are left as
they are. Nothing is claimed without data: no IPv6 check reads "IPv6改造情况未检查", a site
that could not be read is 无法判定 and not counted as checked, and a missing section says
that it has no data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import TypeVar
from zoneinfo import ZoneInfo

from crawler.report.model import (
    FAILED,
    PASSED,
    UNKNOWN,
    AccountEntry,
    Disclosure,
    DisclosureUnit,
    Publishing,
    ReportData,
    SiteEntry,
)
from crawler.targets.report import ReportSettings

__all__ = [
    "account_overall",
    "disclosure_basic",
    "disclosure_problems",
    "intro",
    "ipv6_sentence",
    "main_problems",
    "percent",
    "portal_of",
    "portal_publishing",
    "ranked_units",
    "short_name",
    "site_overall",
    "title",
]

_Ranked = TypeVar("_Ranked", SiteEntry, AccountEntry)
_SHANGHAI = ZoneInfo("Asia/Shanghai")

DEFAULT_SETTINGS = ReportSettings()
_UPDATE_CODES = re.compile(r"not-updated|stale|overdue|empty|undated|weekly|dormant")
_REGION_PREFIX = re.compile(r"^.+?(?:示范区|自治州|地区|市|县|区|旗)(?=.{2,})")
_SITE_SUFFIX = re.compile(r"(?:门户网站|网站)$")
_ACCOUNT_QUALIFIER = re.compile(r"^“[^”]*”")  # “两微一端”
_DETAIL = re.compile(r"[,，(（].*$")  # ,发现2次(扣10分) — the attachment has the details


def percent(part: int, whole: int) -> str:
    """100%, 95%, 94.4% — as the notices print rates."""
    if whole == 0:
        return "—"
    value = round(100 * part / whole, 1)
    return f"{value:g}%"


def short_name(name: str) -> str:
    """A unit's name without the region before it and 网站 after it: 住房和城乡建设局."""
    short = _SITE_SUFFIX.sub("", _REGION_PREFIX.sub("", name))
    return short or name


def _joined(names: Iterable[str]) -> str:
    return "、".join(dict.fromkeys(names))


def title(data: ReportData, region: str = "") -> str:
    return f"关于{data.period_label}{region}政府网站与政务新媒体检查情况的通报"


def intro(data: ReportData, region: str = "", settings: ReportSettings = DEFAULT_SETTINGS) -> str:
    """The opening: the documents cited and the issuing office, when the targets file's
    ``report:`` section names them."""
    documents = _listed(settings.documents) + "等文件" if settings.documents else "有关文件"
    office = settings.office or ""
    return (
        f"按照{documents}要求，{office}对{data.period_label}{region}政府网站与政务新媒体建设"
        "管理情况、政务公开专栏管理情况进行了检查，现将有关情况通报如下："
    )


def _listed(names: Sequence[str]) -> str:
    """A list as a 公文 writes it: 、 between the items, 和 before the last."""
    if len(names) < 2:
        return "".join(names)
    return "、".join(names[:-1]) + "和" + names[-1]


def _overall(
    noun: str,
    entries: Sequence[SiteEntry] | Sequence[AccountEntry],
    label: str,
    region: str,
    unchecked: Callable[[str], bool] = lambda _: False,
) -> str:
    """``label`` opens the sentence ("2022年第二季度，"), or is empty. An entry with no fetch in
    the period is 未检查, never "无法访问或被拦截": that is said only of what was fetched and
    failed."""
    running = len(entries)
    if running == 0:
        return f"{label}{region}没有列入检查的{noun}。"
    not_checked = [e for e in entries if unchecked(e.id)]
    unknown = [e for e in entries if e.result == UNKNOWN and not unchecked(e.id)]
    failed = [e for e in entries if e.result == FAILED and not unchecked(e.id)]
    passed = sum(1 for e in entries if e.result == PASSED and not unchecked(e.id))
    checked = running - len(unknown) - len(not_checked)
    if len(not_checked) == running:
        return f"{label}{region}正在运行的{noun}共{running}个，本期均未检查（无检查数据）。"
    text = (
        f"{label}{region}正在运行的{noun}共{running}个，检查{checked}个，"
        f"检查率{percent(checked, running)}"
    )
    if checked:
        text += f"，其中：合格{passed}个，合格率为{percent(passed, checked)}"
    if failed:
        text += f"；不合格{len(failed)}个（{_joined(e.name for e in failed)}）"
    text += "。"
    if unknown:
        text += (
            f"另有{len(unknown)}个{noun}检查时无法访问或被拦截，无法判定，未计入检查数"
            f"（{_joined(e.name for e in unknown)}）。"
        )
    if not_checked:
        text += (
            f"另有{len(not_checked)}个{noun}本期未检查（无检查数据），未计入检查数"
            f"（{_joined(e.name for e in not_checked)}）。"
        )
    return text


def period_opening(data: ReportData) -> str:
    """The period as a sentence opens with it: 2022年第二季度, and 截至M月D日 while the period
    is in progress (nothing in it is final yet)."""
    if data.in_progress:
        return f"{data.period_label}（截至{_month_day(_as_of_day(data))}）"
    return data.period_label


def _as_of_day(data: ReportData) -> date:
    return data.as_of.astimezone(_SHANGHAI).date()


def site_overall(data: ReportData, region: str = "") -> str:
    """(一)总体情况, the websites: running, checked, 检查率, 合格, 合格率, then IPv6."""
    unchecked = _unchecked(data, "site")
    text = _overall("政府网站", data.sites, period_opening(data) + "，", region, unchecked)
    checked = [s for s in data.sites if not unchecked(s.id)]
    return text + ipv6_sentence(checked) if checked else text


def _unchecked(data: ReportData, kind: str) -> Callable[[str], bool]:
    return lambda entry_id: data.unchecked(kind, entry_id)


def ipv6_sentence(sites: Sequence[SiteEntry]) -> str:
    """全部完成 only when every site checked has an IPv6 check and all passed it."""
    checked = [s for s in sites if s.result != UNKNOWN] or list(sites)
    known = [s for s in checked if s.ipv6 is not None]
    if not known:
        return "IPv6改造情况未检查。"
    missing = [s for s in known if s.ipv6 is False]
    unchecked = len(checked) - len(known)
    if not missing and not unchecked:
        return f"{len(known)}个政府网站已全部完成IPv6升级改造。"
    parts = []
    if missing:
        parts.append(
            f"{len(missing)}个政府网站未完成IPv6改造（{_joined(s.name for s in missing)}）"
        )
    done = len(known) - len(missing)
    if done:
        parts.append(f"{done}个已完成IPv6升级改造")
    if unchecked:
        parts.append(f"{unchecked}个IPv6改造情况未检查")
    return "，".join(parts) + "。"


def account_overall(data: ReportData, region: str = "") -> str:
    """The accounts' sentence; it follows the websites' one, so it does not repeat the period."""
    return _overall("政务新媒体", data.accounts, "", region, _unchecked(data, "account"))


def _account_kind(type_label: str) -> str:
    """How the notice names an account of a type: 微博账号, 抖音号, 订阅号."""
    if type_label.endswith("号"):
        return type_label
    if type_label in ("抖音", "快手", "头条", "视频"):
        return f"{type_label}号"
    return f"{type_label}账号"


def _worst(entries: Sequence[_Ranked], count: int) -> list[_Ranked]:
    """The ``count`` entries that lost most points, then have most findings, ties by name —
    in the targets file's order."""
    ranked = sorted(
        range(len(entries)),
        key=lambda n: (
            -sum(f.points for f in entries[n].problem_findings),
            -len(entries[n].problem_findings),
            entries[n].name,
        ),
    )
    chosen = set(ranked[:count])
    return [entry for n, entry in enumerate(entries) if n in chosen]


def _site_phrase(site: SiteEntry) -> str:
    """存在栏目长期未更新问题 for the update problems; other problems by their message."""
    phrases = [
        "栏目长期未更新" if _UPDATE_CODES.search(f.code) else f.message
        for f in site.problem_findings
    ]
    return "存在" + "、".join(dict.fromkeys(phrases)) + "问题"


# The content checks' findings (docs/content-checks.md), as 主要问题 names them when they are
# notes (a profile that makes one a deduction has it named with the site's other problems).
_CONTENT_PROBLEMS = (
    ("wording-serious", "存在严重表述错误"),
    ("wording-typo", "存在错别字"),
    ("personal-data-exposed", "疑似泄露个人信息"),
    ("hidden-link", "存在暗链"),
    ("external-link-hijacked", "外部链接疑似指向不良网站"),
)


def content_problems(data: ReportData) -> str:
    """内容方面，甲局网站存在严重表述错误，乙局网站疑似泄露个人信息。 — the content checks'
    notes, by kind, naming the sites; "" when there are none."""
    sites = [s for s in data.sites if not data.unchecked("site", s.id)]
    parts = []
    for code, phrase in _CONTENT_PROBLEMS:
        named = [
            short_name(s.name)
            for s in sites
            if any(f.code == code and f.severity != "problem" for f in s.findings)
        ]
        if named:
            parts.append(f"{_joined(named)}网站{phrase}")
    return "内容方面，" + "，".join(parts) + "。" if parts else ""


def main_problems(data: ReportData, settings: ReportSettings = DEFAULT_SETTINGS) -> str:
    """(二)主要问题, naming the worst accounts and sites (``_worst``), as many as the
    ``report:`` settings ask, then the content checks' notes (``content_problems``)."""
    content = content_problems(data)
    sites = [s for s in data.sites if s.problem_findings and not data.unchecked("site", s.id)]
    accounts = [
        a for a in data.accounts if a.problem_findings and not data.unchecked("account", a.id)
    ]
    if not sites and not accounts:
        entries = [("site", s.id) for s in data.sites] + [("account", a.id) for a in data.accounts]
        missing = sum(1 for kind, entry_id in entries if data.unchecked(kind, entry_id))
        if entries and missing == len(entries):
            return "本期无检查数据，未能检查政府网站和政务新媒体存在的问题。"
        if content:
            unchecked = f"另有{missing}个本期未检查。" if missing else ""
            return f"个别网站存在内容问题。{content}{unchecked}"
        if missing:
            return f"已检查的政府网站和政务新媒体未发现存在问题（另有{missing}个本期未检查）。"
        return "本次检查未发现政府网站和政务新媒体存在问题。"
    subjects = "和".join(noun for noun, some in (("网站", sites), ("政务新媒体", accounts)) if some)
    worst_accounts = _worst(accounts, settings.example_accounts)
    worst_sites = _worst(sites, settings.example_sites)
    # the lead speaks of the problems of the examples it names, as the notices write it
    examples: list[SiteEntry | AccountEntry] = [*worst_sites, *worst_accounts]
    codes = [f.code for entry in examples or [*sites, *accounts] for f in entry.problem_findings]
    updates = [bool(_UPDATE_CODES.search(code)) for code in codes]
    if all(updates):
        lead = f"个别{subjects}信息更新不及时。"
    elif any(updates):
        lead = f"个别{subjects}存在信息更新不及时等问题。"
    else:
        lead = f"个别{subjects}存在问题。"
    parts = []
    if accounts:
        by_problem: dict[str, dict[str, list[str]]] = {}
        for account in worst_accounts:
            first = account.problem_findings[0].message
            message = _DETAIL.sub("", _ACCOUNT_QUALIFIER.sub("", first)) or first
            kinds = by_problem.setdefault(message, {})
            kinds.setdefault(_account_kind(account.type), []).append(f"“{account.name}”")
        for message, kinds in by_problem.items():
            named = "、".join(kind + "".join(names) for kind, names in kinds.items())
            parts.append(f"{named}{message}")
    if sites:
        by_phrase: dict[str, list[str]] = {}
        for site in worst_sites:
            by_phrase.setdefault(_site_phrase(site), []).append(short_name(site.name))
        for phrase, names in by_phrase.items():
            parts.append(f"{_joined(names)}网站{phrase}")
    return lead + ("如" + "；".join(parts) if parts else "") + "。" + content


def portal_of(data: ReportData, portal: str | None = None) -> Publishing | None:
    """The portal's publishing entry: the site ``portal`` if given, else the first site."""
    if not data.publishing:
        return None
    if portal is None:
        return data.publishing[0]
    for entry in data.publishing:
        if entry.site == portal:
            return entry
    return None


def _month_day(day: date) -> str:
    return f"{day.month}月{day.day}日"


def portal_publishing(data: ReportData, portal: str | None = None) -> str:
    """二、政府门户网站运行保障情况: items published in the period, in total and by category."""
    entry = portal_of(data, portal)
    if entry is not None and data.unchecked("site", entry.site):
        return f"{data.period_label}，门户网站本期未检查，信息发布情况无检查数据。"
    if entry is None:
        if data.publishing and portal is not None:
            return f"{data.period_label}，门户网站（{portal}）无信息发布数据。"
        return f"{data.period_label}，门户网站信息发布情况无数据。"
    portal_name = (
        entry.site_name if entry.site_name.endswith("网站") else f"{entry.site_name}门户网站"
    )
    if entry.categories is None:  # an older export: its columns as their first pages showed
        until = "" if entry.until >= data.period_end else f"，截至{_month_day(entry.until)}"
        text = f"{data.period_label}{until}，{portal_name}共发布信息{entry.total}条"
        columns = [f"{c.name}{c.published}条" for c in entry.columns if c.published]
        if columns:
            text += "，其中" + "，".join(columns)
        return text + "（按检查读取的各栏目列表页所示发布日期统计，同一信息只计一次）。"
    return _portal_by_category(data, entry, portal_name)


# 二's categories as the notice words them ("其中要闻类468条，管委会及办公室文件7份，…，开设专题
# 3个"); a category not named here is written by its label.
_PORTAL_PHRASES = {
    "news": "要闻类",
    "documents": "管委会及办公室文件",
    "interpretation": "政策解读",
    "gazette": "政府公报",
    "executive-meeting": "政府常务会议",
    "announcement": "公告公示",
    "consultation": "意见征集",
    "special": "开设专题",
}


def _portal_count(published: int, complete: bool | None) -> str:
    """A count, with ≥ when some of its columns were not read back to the period start."""
    return f"≥{published}" if complete is False else str(published)


def _portal_by_category(data: ReportData, entry: Publishing, portal_name: str) -> str:
    """截至 the day counted to, the total, then each category that has columns in the notice's
    order, with its counting word. A category whose columns were not all read whole and show
    nothing is left out (never "0条" for what was not read); a lower bound reads ≥N."""
    parts = [
        f"{_PORTAL_PHRASES.get(c.id, c.label)}{_portal_count(c.published, c.complete)}{c.unit}"
        for c in entry.categories or ()
        if c.complete or c.published
    ]
    text = (
        f"{data.period_label}，截至{_month_day(entry.until)}，{portal_name}共发布信息"
        f"{_portal_count(entry.total, entry.complete)}条"
    )
    if parts:
        text += "，其中" + "，".join(parts)
    text += "。"
    if entry.complete is False:
        text += "标“≥”的数量有栏目未能读取至本期开始，为不完全统计。"
    return text


# 三(二) lists the problems in this order, as the notice does; others follow.
_DISCLOSURE_ORDER = {
    "disclosure-columns-single-item": 0,
    "disclosure-overview-stale": 1,
    "disclosure-column-stale": 2,
}


def ranked_units(disclosure: Disclosure, level: str) -> list[DisclosureUnit]:
    """The units of a level by count, most first; ties keep the targets file order."""
    units = [u for u in disclosure.units if u.level == level]
    order = {u.id: n for n, u in enumerate(units)}
    return sorted(units, key=lambda u: (-u.published, order[u.id]))


def _named(disclosure: Disclosure, keep: Callable[[DisclosureUnit], bool]) -> str:
    """Towns first, then departments, each most first — as the notice lists them."""
    return _joined(
        u.name
        for level in ("town", "department")
        for u in ranked_units(disclosure, level)
        if u.read and keep(u)  # a unit not read has no count to band
    )


def disclosure_basic(data: ReportData, settings: ReportSettings = DEFAULT_SETTINGS) -> str:
    """三(一)基本情况: columns per level, items, and the units over and under the ``report:``
    settings' bands (200/100, 20/10 by default)."""
    disclosure = data.disclosure
    if disclosure is None:
        return f"{data.period_label}，政务公开专栏无检查数据（未配置政务公开单位或尚未检查）。"
    if disclosure.units and not any(u.read for u in disclosure.units):
        return f"{data.period_label}，政务公开专栏本期未检查（无检查数据）。"
    # A 专栏 is a unit's 政务公开 area: the notice's 591 = 23 departments + 18 towns + 550 村居.
    text = f"{period_opening(data)}，{settings.platform}开通的专栏有{disclosure.units_total}个"
    levels = [
        f"{settings.levels.get(level, level)}{totals.units}个"
        for level, totals in disclosure.by_level.items()
        if totals.units
    ]
    if levels:
        text += "。其中" + "，".join(levels)
    text += f"，公开信息共{disclosure.published_total}条。"
    top, high_line, under, low_line = settings.bands
    high = [
        f"{named}{phrase}"
        for keep, phrase in (
            (lambda u: u.published > top, f"超过{top}条"),
            (lambda u: high_line < u.published <= top, f"公开信息超过{high_line}条"),
        )
        if (named := _named(disclosure, keep))
    ]
    low = [
        f"{named}{phrase}。"
        for keep, phrase in (
            (lambda u: low_line <= u.published < under, f"公开信息不足{under}条"),
            (lambda u: u.published < low_line, f"公开信息不足{low_line}条"),
        )
        if (named := _named(disclosure, keep))
    ]
    if data.in_progress:
        # The quarter's bands (超过200条, 不足10条) are judged once it is over.
        return text + "各单位公开数量分档待本期结束后统计。" + _unread_units(disclosure)
    if high:
        text += "其中" + "，".join(high) + "。"
    text += "".join(low)
    partial = [u.name for u in disclosure.units if not u.complete and u.read]
    if partial:
        text += f"{_joined(partial)}有栏目未能完整读取，其公开数量为不完全统计。"
    return text + _unread_units(disclosure)


def _unread_units(disclosure: Disclosure) -> str:
    unread = [u.name for u in disclosure.units if not u.read]
    if not unread:
        return ""
    return f"{_joined(unread)}本期未检查（无检查数据），未计入以上统计。"


def disclosure_problems(data: ReportData) -> str:
    """三(二)主要问题, grouped by problem, naming the units."""
    disclosure = data.disclosure
    if disclosure is None:
        return "政务公开专栏无检查数据。"
    groups: dict[tuple[str, str], list[str]] = {}
    for finding in disclosure.findings:
        if finding.severity != "problem":
            continue
        name = finding.unit_name or finding.unit or ""
        groups.setdefault((finding.code, finding.message), []).append(name)
    if not groups:
        unread = sum(1 for unit in disclosure.units if not unit.read)
        if disclosure.units and unread == len(disclosure.units):
            return "政务公开专栏本期未检查，未能检查存在的问题。"
        if unread:
            return f"已检查的政务公开专栏未发现存在问题（另有{unread}个单位本期未检查）。"
        return "本次检查未发现政务公开专栏存在问题。"
    parts = []
    ordered = sorted(groups.items(), key=lambda group: _DISCLOSURE_ORDER.get(group[0][0], 9))
    for (code, message), names in ordered:
        units = _joined(n for n in names if n)
        if code == "disclosure-columns-single-item":
            parts.append(f"{units}基层政务公开下{message}")
        elif code == "disclosure-column-stale":
            both = "均" if len(dict.fromkeys(names)) > 1 else ""
            parts.append(f"{units}{both}存在{message}问题")
        else:
            parts.append(f"{units}的{message}")
    return "本次检查中发现，如" + "；".join(parts) + "。"

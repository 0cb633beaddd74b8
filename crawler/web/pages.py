"""The dashboard's pages, from the findings export (docs/findings-schema.md) and the stored
history: overview, a site, an account, a finding, the findings, the runs, the reports.

Every value from storage is escaped (``e``); the stored page a finding was judged on is shown
as its visible text in a ``<pre>``, never as a page of the dashboard's origin.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from crawler.extract.personal import mask_personal_data, page_text
from crawler.web.charts import age_chart, weeks_chart
from crawler.web.html import e, layout, link, local, table, url_path
from rules.model import SHANGHAI, Outcome
from storage.notifications import Message
from storage.records import FindingState
from storage.runs import RunSummary
from storage.views import HistoryPoint, ProbePoint, StoredPage

__all__ = [
    "account_page",
    "finding_page",
    "findings_page",
    "overview_page",
    "reports_page",
    "runs_page",
    "site_page",
]

_COLUMN_HEADERS = ["栏目", "抓取结果", "最新日期", "距今(天)", "判断", "条目", "最新日期的变化"]
_RESULT_CLASS = {"合格": "pass", "不合格": "fail"}
_SEVERITY = {"problem": "问题", "unknown": "未能检查", "advisory": "提示"}
_VERDICT = {
    "fresh": "及时",
    "stale": "未及时更新",
    "overdue": "应更新未更新",
    "empty": "空白栏目",
    "undated": "未标注日期",
    "misdated": "日期有误",
    "static": "不考核更新",
    "unreadable": "未识别到列表",
    "unreachable": "无法访问",
    "blocked": "被拦截",
    "not_checked": "未检查",
    "reachable": "可访问",
}
_WEEK_REASON = {
    "partial-week": "跨期的周",
    "not-ended": "尚未结束",
    "unreadable": "来源无法读取",
    "not-fetched-after": "周结束后未抓取",
    "no-history": "无历史数据",
    "before-history": "早于历史数据",
    "history-gap": "历史数据有缺口",
    "period-not-judged": "本期不判定",
    "no-rule": "无此规则",
}
_RUN_STATUS = {"running": "运行中", "completed": "完成", "failed": "失败", "interrupted": "中断"}
_PAGE_TEXT_CHARS = 20_000


def _result(value: str | None) -> str:
    text = value or "无法判定"
    return f'<span class="{_RESULT_CLASS.get(text, "unknown")}">{e(text)}</span>'


def _outcome(value: str | None) -> str:
    if value is None:
        return '<span class="muted">未检查</span>'
    try:
        label = Outcome(value).label
    except ValueError:
        label = value
    good = value in ("ok", "rendered", "not_modified")
    return e(label) if good else f'<span class="unknown">{e(label)}</span>'


def _verdict(value: str | None) -> str:
    text = _VERDICT.get(value or "", value or "")
    if value in ("fresh", "static", "reachable"):
        return e(text)
    return f'<span class="fail">{e(text)}</span>'


def _week_reason(week: Mapping[str, Any]) -> str:
    reason = str(week.get("reason") or "")
    return _WEEK_REASON.get(reason, reason)


def finding_key(finding: Mapping[str, Any], *, account: bool = False) -> str:
    """The lifecycle key of an export finding (storage.lifecycle.key_of)."""
    owner = f"account:{finding['site']}" if account else finding["site"]
    return f"{finding['code']}|{owner}|{finding.get('column') or ''}"


def _counts(objects: Sequence[Mapping[str, Any]]) -> Counter[str]:
    return Counter(str(o.get("result") or "无法判定") for o in objects)


def _card(title: str, value: object, note: str = "") -> str:
    return (
        f'<div class="card">{e(title)}<b>{e(value)}</b><span class="muted">{e(note)}</span></div>'
    )


def overview_page(
    export: Mapping[str, Any],
    *,
    open_states: Sequence[FindingState],
    last_run: RunSummary | None,
    next_run: datetime | None,
) -> str:
    sites, accounts = export.get("sites", []), export.get("accounts", [])
    units = (export.get("disclosure") or {}).get("units", [])
    site_counts, account_counts = _counts(sites), _counts(accounts)
    severity = Counter(s.severity for s in open_states)
    cards = [
        _card("网站", f"{site_counts['合格']}/{len(sites)} 合格",
              f"不合格{site_counts['不合格']} 无法判定{site_counts['无法判定']}"),
        _card("政务新媒体", f"{account_counts['合格']}/{len(accounts)} 合格",
              f"不合格{account_counts['不合格']} 无法判定{account_counts['无法判定']}"),
        _card("政务公开单位", len(units)),
        _card("未整改问题", severity["problem"],
              f"未能检查{severity['unknown']} 提示{severity['advisory']}"),
    ]  # fmt: skip
    if last_run is not None:
        cards.append(
            _card(
                "最近一次运行",
                local(last_run.started_at),
                f"{last_run.status.value} · 运行{last_run.id}",
            )
        )
    cards.append(_card("下次夜间检查", local(next_run) if next_run else "未知"))
    open_by_owner = Counter(s.site_id or f"account:{s.account_id}" for s in open_states)
    site_rows = [
        [
            link(url_path("sites", s["id"]), s["name"]),
            e(s.get("unit")),
            _result(s.get("result")),
            e(s.get("score_text")),
            e(s.get("problems")),
            f'<span class="num">{open_by_owner[s["id"]]}</span>',
        ]
        for s in sites
    ]
    account_rows = [
        [
            link(url_path("accounts", a["id"]), a["name"]),
            e(a.get("type")),
            e(a.get("unit")),
            _result(a.get("result")),
            e(a.get("score_text")),
            e(a.get("problems")),
        ]
        for a in accounts
    ]
    unit_rows = [
        [e(u.get("name")), e(u.get("level")), f'<span class="num">{e(u.get("published"))}</span>']
        for u in units
    ]
    period = export.get("period", {})
    body = (
        f'<div class="cards">{"".join(cards)}</div>'
        "<h2>网站</h2>"
        + table(["网站", "主办单位", "结果", "得分", "存在问题", "未整改"], site_rows)
        + "<h2>政务新媒体</h2>"
        + table(["账号", "类型", "主办单位", "结果", "得分", "存在问题"], account_rows)
        + "<h2>政务公开专栏</h2>"
        + table(["单位", "层级", "本期公开信息"], unit_rows)
    )
    subtitle = f"{period.get('label', '')}，截至{local(export.get('as_of'))}"
    return layout("网站与政务新媒体巡检", body, subtitle=subtitle)


def _finding_rows(
    findings: Sequence[Mapping[str, Any]], *, account: bool = False
) -> list[list[str]]:
    return [
        [
            link(url_path("findings", finding_key(f, account=account)), f["message"]),
            e(f.get("column_name") or ("首页" if not account else "")),
            e(_SEVERITY.get(f["severity"], f["severity"])),
            e(local(f.get("first_seen"), day=True)),
        ]
        for f in findings
    ]


def _state_rows(states: Sequence[FindingState]) -> list[list[str]]:
    return [
        [
            link(url_path("findings", s.key), s.message),
            e(s.column_name or ""),
            e(local(s.first_seen, day=True)),
            e(local(s.resolved_at, day=True)),
        ]
        for s in states
    ]


def site_page(
    site: Mapping[str, Any],
    *,
    history: Mapping[str | None, Sequence[HistoryPoint]],
    resolved: Sequence[FindingState],
    probes: Sequence[ProbePoint],
) -> str:
    columns = site.get("columns", [])
    rows = []
    for column in columns:
        points = history.get(column["id"], ())
        rows.append(
            [
                e(column["name"]),
                _outcome(column.get("outcome")),
                e(column.get("newest")),
                f'<span class="num">{e(column.get("age_days"))}</span>',
                _verdict(column.get("verdict")),
                f'<span class="num">{e(column.get("items"))}</span>',
                age_chart(points, max_age_days=column.get("max_age_days")),
            ]
        )
    probe_rows = [
        [
            e(local(p.probed_at)),
            "可访问" if p.ok else ("无法访问" if p.ok is False else "无法判断"),
            e(f"{p.latency_s:.2f} s" if p.latency_s is not None else ""),
            e(p.detail),
        ]
        for p in probes
    ]
    homepage = e(site.get("homepage"))
    body = (
        f'<dl><dt>首页</dt><dd><a href="{homepage}" rel="noreferrer noopener">{homepage}</a></dd>'
        f"<dt>主办单位</dt><dd>{e(site.get('unit'))}</dd>"
        f"<dt>结果</dt><dd>{_result(site.get('result'))} {e(site.get('score_text'))}</dd>"
        f"<dt>存在问题</dt><dd>{e(site.get('problems'))}</dd></dl>"
        "<h2>栏目</h2>"
        + table(
            ["栏目", "抓取结果", "最新日期", "距今(天)", "判断", "条目", "最新日期的变化"], rows
        )
        + "<h2>未整改的问题</h2>"
        + table(["问题", "栏目", "类别", "首次发现"], _finding_rows(site.get("findings", [])))
        + "<h2>已整改的问题</h2>"
        + table(["问题", "栏目", "首次发现", "整改于"], _state_rows(resolved))
        + "<h2>可用性监测（最近）</h2>"
        + table(["时间", "结果", "耗时", "说明"], probe_rows)
    )
    return layout(str(site["name"]), body, subtitle="网站")


def account_page(account: Mapping[str, Any], *, resolved: Sequence[FindingState]) -> str:
    weeks = account.get("weeks", [])
    rule = account.get("weekly_rule") or {}
    week_rows = [
        [
            e(w["monday"]),
            f'<span class="num">{e(w["posts"])}</span>',
            "是" if w.get("judged") else f'<span class="muted">否（{e(_week_reason(w))}）</span>',
        ]
        for w in weeks
    ]
    source = e(account.get("source"))
    open_rows = _finding_rows(account.get("findings", []), account=True)
    body = (
        f"<dl><dt>类型</dt><dd>{e(account.get('type'))}</dd>"
        f"<dt>主办单位</dt><dd>{e(account.get('unit'))}</dd>"
        f"<dt>来源</dt><dd>{source}（{_outcome(account.get('outcome'))}，"
        f"{e(local(account.get('checked_at')))}）</dd>"
        f"<dt>最新发布</dt><dd>{e(local(account.get('newest_post')))}</dd>"
        f"<dt>结果</dt><dd>{_result(account.get('result'))} {e(account.get('score_text'))}</dd>"
        f"<dt>存在问题</dt><dd>{e(account.get('problems'))}</dd></dl>"
        "<h2>每周发布数</h2>"
        + weeks_chart(weeks, minimum=rule.get("min_posts"))
        + table(["周一", "发布数", "是否判断"], week_rows)
        + "<h2>未整改的问题</h2>"
        + table(["问题", "", "类别", "首次发现"], open_rows)
        + "<h2>已整改的问题</h2>"
        + table(["问题", "", "首次发现", "整改于"], _state_rows(resolved))
    )
    return layout(str(account["name"]), body, subtitle="政务新媒体")


_EVIDENCE_LABELS = {
    "url": "网址",
    "checked_at": "检查时间",
    "outcome": "抓取结果",
    "status": "HTTP状态",
    "newest_date": "最新日期",
    "newest_title": "最新信息",
    "newest_url": "最新信息网址",
    "newest_where": "日期所在位置",
    "threshold": "标准",
    "cutoff": "截止日期",
    "age_days": "距今天数",
    "item_count": "条目数",
    "dated_count": "有日期的条目",
    "detail": "说明",
}


def finding_page(
    state: FindingState,
    *,
    page: StoredPage | None,
    screenshot: str | None,
    owner_href: str,
) -> str:
    evidence = state.evidence
    facts = "".join(
        f"<dt>{e(label)}</dt><dd>{_evidence_value(key, evidence.get(key))}</dd>"
        for key, label in _EVIDENCE_LABELS.items()
        if evidence.get(key) not in (None, "")
    )
    status = "已整改" if state.resolved_at else "未整改"
    body = (
        f"<dl><dt>对象</dt><dd>{link(owner_href, state.site_name)}"
        f"{e('·' + state.column_name) if state.column_name else ''}</dd>"
        f"<dt>问题</dt><dd>{e(state.message)}</dd>"
        f"<dt>类别</dt><dd>{e(_SEVERITY.get(state.severity, state.severity))}"
        f"（{e(state.code)}）</dd>"
        f"<dt>状态</dt><dd>{e(status)}</dd>"
        f"<dt>首次发现</dt><dd>{e(local(state.first_seen))}</dd>"
        f"<dt>最近发现</dt><dd>{e(local(state.last_seen))}</dd>"
        + (f"<dt>整改于</dt><dd>{e(local(state.resolved_at))}</dd>" if state.resolved_at else "")
        + "</dl><h2>证据</h2>"
        + f"<dl>{facts}</dl>"
    )
    if screenshot is not None:
        body += f'<h2>页面截图</h2><img class="shot" alt="页面截图" src="{e(screenshot)}">'
    if page is not None:
        body += (
            f"<h2>检查时保存的页面（文字）</h2><p class='muted'>{e(page.url)}，"
            f"{e(local(page.fetched_at))}，{_outcome(page.outcome)}</p>"
            f"<pre>{e(_visible_text(page))}</pre>"
        )
    return layout(state.message, body, subtitle=f"{state.site_name} · 问题详情")


def _evidence_value(key: str, value: object) -> str:
    if key in ("url", "newest_url") and isinstance(value, str):
        return f'<a href="{e(value)}" rel="noreferrer noopener">{e(value)}</a>'
    if key == "checked_at":
        return e(local(str(value)))
    if key == "outcome" and isinstance(value, str):
        return _outcome(value)
    if isinstance(value, str):  # a crawled title may carry a 身份证号: shown masked
        return e(mask_personal_data(value, today=datetime.now(SHANGHAI).date()))
    return e(value)


def _visible_text(page: StoredPage) -> str:
    """The stored page as a reader saw it, as text — the personal numbers it showed masked."""
    if page.body is None:
        return "（页面正文未保存或已按保留期清理）"
    text = page_text(page.body.decode(page.encoding or "utf-8", errors="replace"))
    shown = mask_personal_data(text, today=page.fetched_at.astimezone(SHANGHAI).date())
    if len(shown) > _PAGE_TEXT_CHARS:
        shown = shown[:_PAGE_TEXT_CHARS] + "\n……"
    return shown


def findings_page(states: Sequence[FindingState]) -> str:
    open_states = [s for s in states if s.open]
    resolved = [s for s in states if not s.open]
    rows = [
        [
            link(url_path("findings", s.key), s.message),
            e(s.site_name + (f"·{s.column_name}" if s.column_name else "")),
            e(_SEVERITY.get(s.severity, s.severity)),
            e(local(s.first_seen, day=True)),
            e(local(s.last_seen, day=True)),
        ]
        for s in sorted(open_states, key=lambda s: (s.severity != "problem", s.first_seen))
    ]
    body = (
        f"<h2>未整改（{len(open_states)}）</h2>"
        + table(["问题", "对象", "类别", "首次发现", "最近发现"], rows)
        + f"<h2>已整改（最近{len(resolved)}）</h2>"
        + table(["问题", "栏目", "首次发现", "整改于"], _state_rows(resolved))
    )
    return layout("问题", body)


def runs_page(runs: Sequence[RunSummary], messages: Sequence[Message]) -> str:
    run_rows = [
        [
            e(r.id),
            e(r.scope),
            e(_RUN_STATUS.get(r.status.value, r.status.value)),
            e(local(r.started_at)),
            e(f"{r.duration_s:.0f} s" if r.duration_s is not None else ""),
            f'<span class="num">{r.pages}</span>',
            f'<span class="num">{r.findings}</span>',
            e(r.error),
        ]
        for r in runs
    ]
    message_rows = [
        [
            e(local(m.created_at)),
            e(m.channel),
            e(m.kind),
            e(m.title),
            "已发送" if m.sent_at else f'<span class="fail">未发送</span>：{e(m.error)}',
        ]
        for m in messages
    ]
    body = (
        table(["运行", "范围", "状态", "开始", "耗时", "页面", "问题", "原因"], run_rows)
        + "<h2>通知</h2>"
        + table(["时间", "通道", "类型", "标题", "结果"], message_rows)
    )
    return layout("运行记录", body)


def reports_page(periods: Sequence[str]) -> str:
    formats = (("docx", "Word"), ("xlsx", "Excel"), ("html", "网页"), ("md", "Markdown"))
    rows = [
        [e(period)]
        + [link(f"/report?period={period}&format={fmt}", label) for fmt, label in formats]
        for period in periods
    ]
    body = (
        "<p>与 <code>crawl report</code> 同一渲染：通报正文和附件1–3。缺少数据的季度不生成，"
        "请先补齐检查。</p>" + table(["季度", "", "", "", ""], rows)
    )
    return layout("通报下载", body)


def not_found_page(what: str) -> str:
    return layout("未找到", f"<p>{e(what)}</p>")

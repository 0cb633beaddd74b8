"""The messages, in Chinese, in the words of the inspection notices: short, one line a finding.

Each message has a title, a markdown body (企业微信, 钉钉 and 飞书 render it), a plain-text body
(e-mail) and a JSON payload (webhooks: the finding entries of the findings export, with
``key``, ``unit``, ``last_seen`` and ``resolved_at``; docs/operations.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from rules.model import SHANGHAI
from storage.records import FindingState

__all__ = [
    "MAX_LISTED",
    "Outgoing",
    "digest_message",
    "findings_message",
    "run_failed_message",
    "test_message",
]

MAX_LISTED = 15  # findings named in one message; the rest are counted
SCHEMA = "xunjian.notification/1"
_SEVERITY = {"problem": "问题", "unknown": "未能检查", "advisory": "提示"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Outgoing:
    """A message ready for any channel."""

    kind: str  # findings, digest, run-failed, test
    title: str
    markdown: str
    text: str
    payload: Mapping[str, Any]
    told: Mapping[str, str] = field(default_factory=dict)  # finding key -> open / resolved
    dedupe_key: str | None = None

    @property
    def finding_count(self) -> int:
        return len(self.told)


def _local(moment: datetime) -> str:
    return f"{moment.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"


def _subject(state: FindingState) -> str:
    if state.column_name:
        return f"{state.site_name}·{state.column_name}"
    return state.site_name


def _link(base_url: str | None, state: FindingState) -> str:
    if not base_url:
        return ""
    return f"（[详情]({base_url.rstrip('/')}/findings/{quote(state.key, safe='')})）"


def _lines(states: Sequence[FindingState], base_url: str | None, *, markdown: bool) -> list[str]:
    lines = []
    for state in states[:MAX_LISTED]:
        line = f"- {_subject(state)}：{state.message}"
        lines.append(line + (_link(base_url, state) if markdown else ""))
    if len(states) > MAX_LISTED:
        lines.append(f"- 另有{len(states) - MAX_LISTED}项未列出")
    return lines


def entry(state: FindingState, unit: str | None) -> dict[str, Any]:
    """A finding as webhooks receive it: the findings export's fields, and its lifecycle."""
    return {
        "key": state.key,
        "code": state.code,
        "severity": state.severity,
        "message": state.message,
        "site": state.site_id,
        "account": state.account_id,
        "site_name": state.site_name,
        "column": state.column_id,
        "column_name": state.column_name,
        "unit": unit,
        "evidence": dict(state.evidence),
        "first_seen": state.first_seen.isoformat(),
        "last_seen": state.last_seen.isoformat(),
        "resolved_at": state.resolved_at.isoformat() if state.resolved_at else None,
    }


def findings_message(
    new: Sequence[FindingState],
    resolved: Sequence[FindingState],
    *,
    now: datetime,
    base_url: str | None,
    units: Mapping[str, str | None],
) -> Outgoing:
    """New and resolved findings since the channel was last told."""
    parts = []
    if new:
        parts.append(f"发现{len(new)}个新问题")
    if resolved:
        parts.append(f"{len(resolved)}个问题已整改")
    title = "网站与政务新媒体巡检：" + "，".join(parts)
    markdown = [f"**{title}**", f"检查时间：{_local(now)}"]
    text = [title, f"检查时间：{_local(now)}"]
    for label, states in (("新发现的问题", new), ("已整改的问题", resolved)):
        if states:
            heading = f"{label}（{len(states)}）"
            markdown += ["", f"**{heading}**", *_lines(states, base_url, markdown=True)]
            text += ["", heading, *_lines(states, base_url, markdown=False)]
    if base_url:
        markdown += ["", f"[打开巡检看板]({base_url})"]
        text += ["", f"巡检看板：{base_url}"]
    told = {s.key: "open" for s in new} | {s.key: "resolved" for s in resolved}
    return Outgoing(
        kind="findings",
        title=title,
        markdown="\n".join(markdown),
        text="\n".join(text),
        payload={
            "schema": SCHEMA,
            "kind": "findings",
            "sent_at": now.isoformat(),
            "new": [entry(s, units.get(s.key)) for s in new],
            "resolved": [entry(s, units.get(s.key)) for s in resolved],
        },
        told=told,
    )


def digest_message(
    open_states: Sequence[FindingState],
    *,
    now: datetime,
    base_url: str | None,
    units: Mapping[str, str | None],
    dedupe_key: str,
    span: str,
) -> Outgoing:
    """What is open now: counts by severity and by site or account, the oldest problems first."""
    by_severity = Counter(s.severity for s in open_states)
    by_subject = Counter(s.site_name for s in open_states)
    title = f"网站与政务新媒体巡检{span}：现有{len(open_states)}个未整改问题"
    counts = "，".join(f"{_SEVERITY.get(k, k)}{v}个" for k, v in sorted(by_severity.items()))
    oldest = sorted(open_states, key=lambda s: (s.first_seen, s.key))
    markdown = [f"**{title}**", f"截至{_local(now)}" + (f"：{counts}" if counts else "")]
    if by_subject:
        markdown += ["", "**问题较多的网站和账号**"]
        markdown += [f"- {name}：{count}个" for name, count in by_subject.most_common(5)]
        markdown += ["", "**持续时间最长的问题**"]
        for state in oldest[:5]:
            markdown.append(
                f"- {_subject(state)}：{state.message}（自{_local(state.first_seen)[:10]}起）"
            )
    if base_url:
        markdown += ["", f"[打开巡检看板]({base_url})"]
    body = "\n".join(markdown)
    return Outgoing(
        kind="digest",
        title=title,
        markdown=body,
        text=body.replace("**", ""),
        payload={
            "schema": SCHEMA,
            "kind": "digest",
            "sent_at": now.isoformat(),
            "open": [entry(s, units.get(s.key)) for s in oldest],
        },
        dedupe_key=dedupe_key,
    )


def run_failed_message(*, now: datetime, run_id: int | None, error: str) -> Outgoing:
    """The nightly run did not complete."""
    run = f"（运行{run_id}）" if run_id is not None else ""
    title = f"网站与政务新媒体巡检：夜间检查未完成{run}"
    body = [
        f"**{title}**",
        f"时间：{_local(now)}",
        f"原因：{error}",
        "本次检查结果不完整，请处理后重新运行。",
    ]
    markdown = "\n".join(body)
    return Outgoing(
        kind="run-failed",
        title=title,
        markdown=markdown,
        text=markdown.replace("**", ""),
        payload={
            "schema": SCHEMA,
            "kind": "run-failed",
            "sent_at": now.isoformat(),
            "run": run_id,
            "error": error,
        },
        dedupe_key=f"run-failed:{run_id if run_id is not None else now.isoformat()}",
    )


def test_message(channel: str, *, now: datetime) -> Outgoing:
    title = "网站与政务新媒体巡检：测试消息"
    markdown = f"**{title}**\n通道“{channel}”配置正确，{_local(now)}发送。"
    return Outgoing(
        kind="test",
        title=title,
        markdown=markdown,
        text=markdown.replace("**", ""),
        payload={"schema": SCHEMA, "kind": "test", "channel": channel, "sent_at": now.isoformat()},
    )

"""The 存在问题 text of an inspection notice, built from a site's findings.

Columns that share a problem are joined the way the notices write them:
"工程招标、标准定额应更新但长期未更新", "行业动态、新闻时事2周未更新"; different problems are
separated by ";" (as the notices print it) and a site without problems reads "无问题".
"""

from __future__ import annotations

from collections.abc import Iterable

from rules.model import Finding, Severity

__all__ = ["problem_text"]

# Problems whose message is "<column name><suffix>", grouped by suffix in the notices.
_COLUMN_SUFFIXES = {
    "column-overdue": "应更新但长期未更新",
    "column-empty": "为空白栏目",
    "column-undated": "信息未标注发布时间,视为未更新",
    "column-images-broken": "图片不显示",
}


def problem_text(findings: Iterable[Finding], *, include_unknown: bool = False) -> str:
    groups: dict[str, list[str]] = {}
    for finding in findings:
        if finding.severity is Severity.ADVISORY:
            continue  # meta tags and the like: reported, but not 存在问题
        if finding.severity is Severity.UNKNOWN and not include_unknown:
            continue
        suffix = _COLUMN_SUFFIXES.get(finding.code)
        if finding.code == "column-stale" and finding.column_name:
            suffix = finding.message.removeprefix(finding.column_name)
        if suffix is not None and finding.column_name and finding.message.endswith(suffix):
            names = groups.setdefault(suffix, [])
            if finding.column_name not in names:
                names.append(finding.column_name)
        else:
            groups.setdefault(finding.message, [])
    parts = ["、".join(names) + key if names else key for key, names in groups.items()]
    return ";".join(parts) if parts else "无问题"

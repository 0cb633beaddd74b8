"""Content checks: what the text of the pages read shows — 严重表述错误 and 错别字 from the
curated list, hidden links (暗链), and personal numbers in articles and attachments.

Pure values: the crawl finds them (``crawler.extract.wording``, ``crawler.extract.hidden_links``,
``crawler.extract.attachments``), storage keeps them masked, and here they become what the
rules count. A page's own checks ride on its ``PageFacts`` (``wording``, ``hidden_links``);
the sampled articles and the attachments linked from the pages read are ``ContentCheck``
values. The same wrong sentence on every page of a site (a footer, a navigation line) is one
occurrence, not one per page.

Finding codes (documented in docs/rules.md):

    wording-serious          严重表述错误 (profile rule, measure ``wording_hits``)
    wording-typo             错别字 (profile rule, measure ``wording_hits``)
    hidden-link              暗链 (profile rule, measure ``hidden_links``)
    personal-data-exposed    an article or an attachment showing personal numbers (advisory, 疑似,
                             as for pages: ``rules.personal``)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from rules.model import Evidence, Finding, PageFacts, Severity
from rules.personal import MOBILES_IN_A_LIST, exposed

__all__ = [
    "ContentCheck",
    "Hit",
    "check_content_personal_data",
    "hidden_links_of",
    "wording_hits_of",
]

_SHOWN = 5


@dataclass(frozen=True, slots=True, kw_only=True)
class ContentCheck:
    """The checks of one sampled article or one attachment, as one run read it."""

    site_id: str
    site_name: str
    column_id: str | None  # the column whose page linked it (None: the homepage)
    column_name: str | None
    url: str
    source: str  # article | attachment
    parent_url: str | None  # the page that linked it
    name: str | None  # an attachment's link text or file name
    checked_at: datetime
    checked: bool  # False: not read (``reason`` says why)
    reason: str | None = None
    personal: tuple[Mapping[str, str], ...] = ()  # {kind, masked, snippet, where}
    wording: tuple[Mapping[str, str], ...] = ()  # {wrong, right, kind, source, sentence}
    hidden: tuple[Mapping[str, object], ...] = ()  # {url, text, how, how_text, where, …}


@dataclass(frozen=True, slots=True, kw_only=True)
class Hit:
    """One occurrence found, and where: the page (or article, attachment) that shows it."""

    url: str
    where: str  # 网站首页 / 通知公告栏目页 / 文章 / 附件“…”
    column_id: str | None
    column_name: str | None
    checked_at: datetime
    entry: Mapping[str, object] = field(default_factory=dict)


def _page_where(page: PageFacts) -> str:
    return "网站首页" if page.column_id is None else f"{page.column_name}栏目页"


def _check_where(check: ContentCheck) -> str:
    if check.source == "attachment":
        return f"附件“{check.name or check.url.rsplit('/', 1)[-1]}”"
    return "文章页"


def wording_hits_of(
    pages: Iterable[PageFacts], checks: Iterable[ContentCheck], kind: str
) -> list[Hit]:
    """The distinct 严重表述错误 or 错别字 (``kind``) of a site's pages and checks: an entry in
    the same sentence counts once, where it was first seen."""
    hits: dict[tuple[object, object], Hit] = {}
    for page in pages:
        if page.outcome is None or not page.outcome.readable:
            continue
        for entry in page.wording:
            if entry.get("kind") == kind:
                hits.setdefault(
                    (entry.get("wrong"), entry.get("sentence")),
                    Hit(url=page.url, where=_page_where(page), column_id=page.column_id,
                        column_name=page.column_name, checked_at=page.checked_at, entry=entry),
                )  # fmt: skip
    for check in checks:
        for entry in check.wording:
            if entry.get("kind") == kind:
                hits.setdefault(
                    (entry.get("wrong"), entry.get("sentence")),
                    Hit(url=check.url, where=_check_where(check), column_id=check.column_id,
                        column_name=check.column_name, checked_at=check.checked_at, entry=entry),
                )  # fmt: skip
    return list(hits.values())


def hidden_links_of(pages: Iterable[PageFacts], checks: Iterable[ContentCheck]) -> list[Hit]:
    """The distinct hidden links (by target URL) of a site's pages and articles."""
    hits: dict[object, Hit] = {}
    for page in pages:
        if page.outcome is None or not page.outcome.readable:
            continue
        for entry in page.hidden_links:
            hits.setdefault(
                entry.get("url"),
                Hit(url=page.url, where=_page_where(page), column_id=page.column_id,
                    column_name=page.column_name, checked_at=page.checked_at, entry=entry),
            )  # fmt: skip
    for check in checks:
        for entry in check.hidden:
            hits.setdefault(
                entry.get("url"),
                Hit(url=check.url, where=_check_where(check), column_id=check.column_id,
                    column_name=check.column_name, checked_at=check.checked_at, entry=entry),
            )  # fmt: skip
    return list(hits.values())


def check_content_personal_data(checks: Sequence[ContentCheck]) -> list[Finding]:
    """``personal-data-exposed`` for the articles and attachments that show a 身份证号, a named
    bank card or a list of mobiles — the same thresholds as for pages (``rules.personal``)."""
    findings: list[Finding] = []
    for check in checks:
        if not check.checked or not check.personal:
            continue
        if (exposure := exposed(check.personal)) is None:
            continue
        named, distinct = exposure
        shown = distinct[:_SHOWN]
        detail = "; ".join(
            f"{found['masked']} ({found.get('where', '')}: …{found['snippet']}…)" for found in shown
        )
        first_where = shown[0].get("where") if shown else None
        findings.append(
            Finding(
                code="personal-data-exposed",
                severity=Severity.ADVISORY,
                message=f"{_check_where(check)}疑似公开未脱敏的个人信息({named})",
                site_id=check.site_id,
                site_name=check.site_name,
                column_id=check.column_id,
                column_name=check.column_name,
                evidence=Evidence(
                    url=check.url,
                    checked_at=check.checked_at,
                    newest_url=check.parent_url,
                    newest_where=first_where,
                    threshold=f"身份证号、银行卡号任一,或手机号{MOBILES_IN_A_LIST}个以上",
                    detail=f"masked: {detail}",
                ),
                extra={"source": check.source, "linked_from": check.parent_url},
            )
        )
    return findings

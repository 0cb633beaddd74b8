"""Links and images: what a check of one URL showed, and the findings they make.

The crawler checks the images of the homepage and the column pages, and the links of the
homepage (``crawler.sites.linkcheck``); storage keeps one ``LinkCheck`` per URL and page per run.
``judge_links`` turns a site's checks into findings. Only verdicts that are certainly the
site's fault count (``LinkVerdict.broken``): a check that timed out, could not connect, was
refused by robots.txt or answered with an anti-bot page tells nothing about the site and
never makes a finding.

Finding codes (documented in docs/rules.md):

    column-images-broken   images of a column page (or the homepage) do not display:
                           "图片新闻图片不显示" — at least one image certainly broken
    homepage-links-broken  links of the homepage to the site's own pages are dead:
                           "首页存在N个不可用链接"
    external-links-broken  links of the homepage to other sites are dead (advisory)
    external-link-hijacked links of the homepage to other sites whose page now shows gambling,
                           pornography, illegal loans or a parked domain (advisory, 疑似):
                           "首页存在1个外部链接疑似指向赌博网站"

A hijacked link's check keeps what was seen in its ``detail``, written and read here
(``hijacked_detail``, ``read_hijacked``) so that a finding judged again from storage names the
same kind and words: "链接目标页面疑似赌博网站：标题含“百家乐”，正文含“六合彩”“时时彩”".
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from rules.model import Evidence, Finding, Severity, Site

__all__ = [
    "BROKEN_STATUSES",
    "LINK_CODES",
    "LandingKind",
    "LandingPlace",
    "LandingWords",
    "LinkCheck",
    "LinkKind",
    "LinkVerdict",
    "SiteLinkFacts",
    "hijacked_detail",
    "judge_links",
    "read_hijacked",
    "unjudged_subjects",
]

LINK_CODES = (
    "column-images-broken",
    "homepage-links-broken",
    "external-links-broken",
    "external-link-hijacked",
)
EVIDENCE_URLS = 5  # broken URLs named in a finding's detail; the rest are counted

# HTTP statuses that say the resource is gone or broken on the site's side. Others (401, 403,
# 429, 502, 503, 504 …) may be about the requester, the moment, or a gateway: not certain.
BROKEN_STATUSES = frozenset({400, 404, 410, 500})


class LinkKind(StrEnum):
    IMAGE = "image"
    LINK = "link"


class LinkVerdict(StrEnum):
    """What a check of one URL showed."""

    OK = "ok"
    HTTP_ERROR = "http_error"  # a 4xx/5xx answer (the status is kept)
    NOT_IMAGE = "not_image"  # an image URL answering with something else (an HTML page …)
    EMPTY = "empty"  # an image URL answering with no bytes
    TRUNCATED = "truncated"  # image bytes that stop before the format's end
    UNREACHABLE = "unreachable"  # DNS, connection, TLS or a broken transfer: ours or theirs
    TIMEOUT = "timeout"
    BLOCKED = "blocked"  # an anti-bot challenge instead of the resource
    NOT_CHECKED = "not_checked"  # robots.txt refused it, or a URL the client cannot fetch
    HIJACKED = "hijacked"  # an external link's page shows gambling, porn, loans or parking

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    LinkVerdict.OK: "正常",
    LinkVerdict.HTTP_ERROR: "HTTP错误",
    LinkVerdict.NOT_IMAGE: "不是图片",
    LinkVerdict.EMPTY: "内容为空",
    LinkVerdict.TRUNCATED: "图片不完整",
    LinkVerdict.UNREACHABLE: "无法连接",
    LinkVerdict.TIMEOUT: "访问超时",
    LinkVerdict.BLOCKED: "被反爬虫拦截",
    LinkVerdict.NOT_CHECKED: "未检查",
    LinkVerdict.HIJACKED: "指向不良页面",
}


class LandingKind(StrEnum):
    """What the page an external link leads to now is (``crawler.extract.landing``)."""

    GAMBLING = "gambling"
    PORN = "porn"
    LOAN = "loan"  # illegal lending, credit-card cash-out
    PARKING = "parking"  # a parked domain or one for sale

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    LandingKind.GAMBLING: "赌博网站",
    LandingKind.PORN: "色情网站",
    LandingKind.LOAN: "非法网贷网站",
    LandingKind.PARKING: "域名停放或出售页面",
}


class LandingPlace(StrEnum):
    """Where on the linked page (or its address) the words were seen."""

    TITLE = "title"
    META = "meta"  # meta keywords or description
    TEXT = "text"  # the visible text
    HOST = "host"  # the host the link redirected to
    EMBED = "embed"  # a frame, script or refresh target of the page

    @property
    def label(self) -> str:
        return _PLACE_LABELS[self]


_PLACE_LABELS = {
    LandingPlace.TITLE: "标题含",
    LandingPlace.META: "关键词或描述含",
    LandingPlace.TEXT: "正文含",
    LandingPlace.HOST: "跳转至",
    LandingPlace.EMBED: "页面嵌入",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class LandingWords:
    place: LandingPlace
    words: tuple[str, ...]


_HIJACKED_PREFIX = "链接目标页面疑似"
_QUOTED = re.compile(r"“([^“”]*)”")


def hijacked_detail(kind: LandingKind, found: Sequence[LandingWords]) -> str:
    """The detail of a hijacked link's check: "链接目标页面疑似赌博网站：标题含“百家乐”"."""
    seen = "，".join(
        f"{where.place.label}{''.join(f'“{word}”' for word in where.words)}"
        for where in found
        if where.words
    )
    return f"{_HIJACKED_PREFIX}{kind.label}：{seen}" if seen else f"{_HIJACKED_PREFIX}{kind.label}"


def read_hijacked(detail: str | None) -> tuple[LandingKind, tuple[str, ...]] | None:
    """The kind and the words of a detail ``hijacked_detail`` wrote, or None."""
    if not detail or not detail.startswith(_HIJACKED_PREFIX):
        return None
    rest = detail.removeprefix(_HIJACKED_PREFIX)
    for kind in LandingKind:
        if rest.startswith(kind.label):
            return kind, tuple(dict.fromkeys(_QUOTED.findall(rest)))
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkCheck:
    """One URL as seen on one page in one run, and what checking it showed."""

    site_id: str
    column_id: str | None  # the page it was seen on: None for the homepage
    page_url: str
    url: str
    kind: LinkKind
    external: bool  # another registrable domain than the site's homepage
    verdict: LinkVerdict
    checked_at: datetime  # aware UTC
    status: int | None = None
    content_type: str | None = None
    detail: str | None = None
    label: str | None = None  # the link text, or the image's alt / nearby title

    @property
    def broken(self) -> bool:
        """Certainly the site's fault: a gone or failing resource, or bytes that are no image."""
        if self.verdict is LinkVerdict.HTTP_ERROR:
            return self.status in BROKEN_STATUSES
        return self.verdict in (LinkVerdict.NOT_IMAGE, LinkVerdict.EMPTY, LinkVerdict.TRUNCATED)

    def describe(self) -> str:
        """The URL and what it showed, for a finding's detail."""
        if self.verdict is LinkVerdict.HTTP_ERROR:
            what = self.detail or f"HTTP {self.status}"
        else:
            what = f"{self.verdict.value}: {self.detail}" if self.detail else self.verdict.value
        return f"{self.url} ({what})"


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteLinkFacts:
    """A site's link and image checks of one run (the run judged)."""

    site_id: str
    checks: tuple[LinkCheck, ...]
    capped: Mapping[str, int] = field(default_factory=dict)  # kind → URLs left unchecked


def judge_links(
    site: Site, facts: SiteLinkFacts | None, *, column_names: Mapping[str, str] | None = None
) -> list[Finding]:
    """The findings of a site's link and image checks, homepage first, then columns in order.

    A URL seen on several pages was checked once; each page it appears on counts it.
    """
    if facts is None or not facts.checks:
        return []
    names = dict(column_names or {c.id: c.name for c in site.columns})
    order = {column.id: index for index, column in enumerate(site.columns)}
    findings: list[Finding] = []
    images: dict[str | None, list[LinkCheck]] = {}
    for check in facts.checks:
        if check.kind is LinkKind.IMAGE:
            images.setdefault(check.column_id, []).append(check)
    homepage_images: dict[str | None, list[LinkCheck]] = {}
    if None in images:
        homepage_images[None] = images.pop(None)
    findings += _image_findings(site, homepage_images, names, order)
    links = [c for c in facts.checks if c.kind is LinkKind.LINK and c.column_id is None]
    own = _unique([c for c in links if not c.external and c.broken])
    if own:
        findings.append(
            _finding(
                site,
                "homepage-links-broken",
                Severity.PROBLEM,
                f"首页存在{len(own)}个不可用链接",
                None,
                None,
                own,
                total=len(_unique([c for c in links if not c.external])),
                what="links to the site's own pages are dead",
                threshold="首页链接应可用",
            )
        )
    external = _unique([c for c in links if c.external and c.broken])
    if external:
        findings.append(
            _finding(
                site,
                "external-links-broken",
                Severity.ADVISORY,
                f"首页存在{len(external)}个不可用外部链接",
                None,
                None,
                external,
                total=len(_unique([c for c in links if c.external])),
                what="links to other sites are dead",
                threshold="首页外部链接应可用",
            )
        )
    hijacked = _unique([c for c in links if c.external and c.verdict is LinkVerdict.HIJACKED])
    if hijacked:
        findings.append(
            _hijacked_finding(site, hijacked, total=len(_unique([c for c in links if c.external])))
        )
    findings += _image_findings(site, images, names, order)
    return findings


def _hijacked_finding(site: Site, hijacked: Sequence[LinkCheck], *, total: int) -> Finding:
    """``external-link-hijacked``: each homepage link to another site whose page now shows
    gambling, pornography, illegal loans or a parked domain, with the words seen."""
    seen = [(check, read_hijacked(check.detail)) for check in hijacked]
    kinds = [kind for kind in LandingKind if any(r is not None and r[0] is kind for _, r in seen)]
    shown = "; ".join(
        f"{check.url}" + (f" (“{check.label}”)" if check.label else "") + f": {check.detail}"
        for check in hijacked
    )
    first = hijacked[0]
    return Finding(
        code="external-link-hijacked",
        severity=Severity.ADVISORY,
        message=f"首页存在{len(hijacked)}个外部链接疑似指向"
        + ("、".join(kind.label for kind in kinds) or "不良页面"),
        site_id=site.id,
        site_name=site.name,
        column_id=None,
        column_name=None,
        evidence=Evidence(
            url=first.page_url,
            checked_at=max(check.checked_at for check in hijacked),
            threshold="首页外部链接不应指向赌博、色情、非法网贷网站或域名停放页面",
            item_count=total,
            detail=f"{len(hijacked)} of {total} links to other sites lead to such pages: {shown}",
        ),
        extra={
            "rule": None,
            "effect": "note",
            "points": 0,
            "occurrences": len(hijacked),
            "hijacked_links": [
                {
                    "page_url": check.page_url,
                    "url": check.url,
                    "label": check.label,
                    "kind": found[0].value if found else None,
                    "words": list(found[1]) if found else [],
                    "detail": check.detail,
                }
                for check, found in seen
            ],
        },
    )


def _image_findings(
    site: Site,
    images: Mapping[str | None, list[LinkCheck]],
    names: Mapping[str, str],
    order: Mapping[str, int],
) -> list[Finding]:
    findings: list[Finding] = []
    for column_id in sorted(images, key=lambda c: -1 if c is None else order.get(c, len(order))):
        page = images[column_id]
        broken = _unique([c for c in page if c.broken])
        if not broken:
            continue
        name = names.get(column_id, column_id) if column_id is not None else None
        where = name or "网站首页"
        findings.append(
            _finding(
                site,
                "column-images-broken",
                Severity.PROBLEM,
                f"{where}图片不显示",
                column_id,
                name,
                broken,
                total=len(_unique(page)),
                what="images do not display",
                threshold="栏目页图片应正常显示(发现1张及以上无法显示即为问题)",
            )
        )
    return findings


def unjudged_subjects(
    site: Site,
    facts: SiteLinkFacts | None,
    judged: Collection[tuple[str | None, LinkKind]],
) -> list[tuple[str, str | None]]:
    """The (code, column) of link findings this run cannot clear: a page whose images (or the
    homepage whose links) were not all checked (``judged`` lacks the page and kind: link checks
    off, a 304 without earlier checks, the per-site bound) or not all conclusively (a timeout,
    a block …). An open finding there stays open: only a full, conclusive check resolves it."""
    checks = facts.checks if facts is not None else ()
    out: list[tuple[str, str | None]] = []
    for column_id in [None, *(column.id for column in site.columns)]:
        images = [c for c in checks if c.kind is LinkKind.IMAGE and c.column_id == column_id]
        if (column_id, LinkKind.IMAGE) not in judged or not all(_conclusive(c) for c in images):
            out.append(("column-images-broken", column_id))
    links = [c for c in checks if c.kind is LinkKind.LINK and c.column_id is None]
    # a hijacked link is cleared, as a broken one, only when every external link was read
    groups = (
        (("homepage-links-broken",), False),
        (("external-links-broken", "external-link-hijacked"), True),
    )
    for codes, external in groups:
        group = [c for c in links if c.external is external]
        if (None, LinkKind.LINK) not in judged or not all(_conclusive(c) for c in group):
            out += [(code, None) for code in codes]
    return out


def _conclusive(check: LinkCheck) -> bool:
    return check.verdict in (LinkVerdict.OK, LinkVerdict.HIJACKED) or check.broken


def _unique(checks: Iterable[LinkCheck]) -> list[LinkCheck]:
    return list({check.url: check for check in checks}.values())


def _finding(
    site: Site,
    code: str,
    severity: Severity,
    message: str,
    column_id: str | None,
    column_name: str | None,
    broken: Sequence[LinkCheck],
    *,
    total: int,
    what: str,
    threshold: str,
) -> Finding:
    shown = "; ".join(check.describe() for check in broken[:EVIDENCE_URLS])
    more = len(broken) - EVIDENCE_URLS
    detail = f"{len(broken)} of {total} {what}: {shown}"
    if more > 0:
        detail += f"; and {more} more"
    first = broken[0]
    return Finding(
        code=code,
        severity=severity,
        message=message,
        site_id=site.id,
        site_name=site.name,
        column_id=column_id,
        column_name=column_name,
        evidence=Evidence(
            url=first.page_url,
            checked_at=max(check.checked_at for check in broken),
            status=first.status,
            threshold=threshold,
            item_count=total,
            detail=detail,
        ),
        extra={
            "rule": None,
            "effect": "note",
            "points": 0,
            "occurrences": len(broken),
            "broken_urls": [check.url for check in broken],
        },
    )

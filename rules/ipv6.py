"""IPv6 support of a site (IPv6升级改造): judging the newest IPv6 check, and the 总体情况 count.

A check (``crawler.sites.ipv6``) looks up the AAAA record of the homepage's host and then fetches
the homepage over IPv6. Its outcome:

    ok              an AAAA record, and the homepage answered over IPv6 → 已支持IPv6
    no_aaaa         the name server answered: no AAAA record (or no such name) → finding
    fetch_failed    an AAAA record, but the homepage did not load over IPv6 (refused, timed out,
                    an HTTP error status …) while it did load over IPv4 → finding
    unreachable     the homepage loaded over neither IPv6 nor IPv4: the site is down (the
                    availability probes' business), unknown for IPv6, no finding
    dns_failed      the lookup itself failed on our side (timeout, SERVFAIL, no name server
                    answering): unknown, no finding
    blocked         the IPv6 fetch met an anti-bot page or robots.txt: unknown, no finding
    no_local_route  this machine has no IPv6 route to the address: unknown, no finding
    not_checked     the homepage is addressed by an IPv4 literal or ``localhost``: there is no
                    name to look up; no finding (the demo fleet is served this way)

The 2019 indicators (国办秘函〔2019〕19号) do not score IPv6 as far as known, so the finding
``site-ipv6-missing`` (未完成IPv6改造) is ``Severity.ADVISORY``: no points, not part of the
存在问题 text, but counted in the report's 总体情况 (``ipv6_summary``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from rules.model import Evidence, Finding, Severity, Site

__all__ = [
    "IPV6_MISSING",
    "Ipv6Check",
    "Ipv6Outcome",
    "Ipv6Summary",
    "ipv6_findings",
    "ipv6_summary",
]

IPV6_MISSING = "site-ipv6-missing"
_THRESHOLD = "首页域名有AAAA记录, 且首页可通过IPv6访问"


class Ipv6Outcome(StrEnum):
    """How one IPv6 check of a site ended (see the module docstring)."""

    OK = "ok"
    NO_AAAA = "no_aaaa"
    FETCH_FAILED = "fetch_failed"
    DNS_FAILED = "dns_failed"
    BLOCKED = "blocked"
    NO_LOCAL_ROUTE = "no_local_route"
    UNREACHABLE = "unreachable"
    NOT_CHECKED = "not_checked"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def conclusive(self) -> bool:
        """True when the check tells whether the site supports IPv6."""
        return self in _CONCLUSIVE

    @property
    def done(self) -> bool | None:
        """True supports IPv6, False does not, None unknown."""
        if self is Ipv6Outcome.OK:
            return True
        if self in _CONCLUSIVE:
            return False
        return None


_LABELS = {
    Ipv6Outcome.OK: "已支持IPv6",
    Ipv6Outcome.NO_AAAA: "无AAAA记录",
    Ipv6Outcome.FETCH_FAILED: "IPv6访问失败",
    Ipv6Outcome.DNS_FAILED: "域名解析失败,无法判断",
    Ipv6Outcome.BLOCKED: "访问被拦截,无法判断",
    Ipv6Outcome.NO_LOCAL_ROUTE: "本机无IPv6路由,无法判断",
    Ipv6Outcome.UNREACHABLE: "首页经IPv4亦无法访问,无法判断",
    Ipv6Outcome.NOT_CHECKED: "未检测(首页以IPv4地址访问)",
}
_CONCLUSIVE = frozenset({Ipv6Outcome.OK, Ipv6Outcome.NO_AAAA, Ipv6Outcome.FETCH_FAILED})


@dataclass(frozen=True, slots=True, kw_only=True)
class Ipv6Check:
    """One IPv6 check of a site's homepage, as stored."""

    site_id: str
    url: str  # the homepage
    host: str  # the homepage's host (the name looked up)
    checked_at: datetime  # aware UTC: when the check started
    addresses: tuple[str, ...] = ()  # the AAAA addresses (or the IPv6 literal of the URL)
    aaaa: bool | None = None  # an AAAA record exists; None: not looked up or lookup failed
    outcome: Ipv6Outcome
    status: int | None = None  # HTTP status of the fetch over IPv6
    detail: str | None = None  # what was seen: the lookup's answer, the fetch's failure


def ipv6_findings(site: Site, check: Ipv6Check | None) -> list[Finding]:
    """``site-ipv6-missing`` when the newest check shows the site without IPv6; nothing when
    it supports IPv6 or when it is unknown (no check, a failure on our side, blocked)."""
    if check is None or check.outcome.done is not False:
        return []
    if check.outcome is Ipv6Outcome.NO_AAAA:
        seen = f"no AAAA record for {check.host}"
    else:
        seen = (
            f"AAAA {', '.join(check.addresses) or '—'}, "
            "but the homepage did not load over IPv6 while it loaded over IPv4"
        )
    detail = seen + (f": {check.detail}" if check.detail else "")
    return [
        Finding(
            code=IPV6_MISSING,
            severity=Severity.ADVISORY,
            message="未完成IPv6改造",
            site_id=site.id,
            site_name=site.name,
            column_id=None,
            column_name=None,
            evidence=Evidence(
                url=check.url,
                checked_at=check.checked_at,
                status=check.status,
                threshold=_THRESHOLD,
                detail=detail,
            ),
            extra={
                "ipv6_outcome": check.outcome.value,
                "host": check.host,
                "addresses": list(check.addresses),
            },
        )
    ]


@dataclass(frozen=True, slots=True, kw_only=True)
class Ipv6Summary:
    """The IPv6 line of the report's 总体情况."""

    sites: int  # sites counted
    checked: int  # sites whose newest check is conclusive
    done: int  # … and shows IPv6 support

    @property
    def unknown(self) -> int:
        return self.sites - self.checked

    @property
    def all_done(self) -> bool:
        return self.sites > 0 and self.done == self.sites

    @property
    def text(self) -> str:
        """ "20个政府网站已全部完成IPv6升级改造", or what is known short of that."""
        if self.all_done:
            return f"{self.sites}个政府网站已全部完成IPv6升级改造。"
        if self.checked == 0:
            return f"{self.sites}个政府网站的IPv6升级改造情况未能检测。"
        text = f"{self.sites}个政府网站中,{self.done}个已完成IPv6升级改造"
        if self.checked > self.done:
            text += f",{self.checked - self.done}个未完成"
        if self.unknown:
            text += f",{self.unknown}个未能检测"
        return text + "。"

    def as_dict(self) -> dict[str, object]:
        return {
            "sites": self.sites,
            "checked": self.checked,
            "done": self.done,
            "unknown": self.unknown,
            "text": self.text,
        }


def ipv6_summary(site_ids: Iterable[str], checks: Mapping[str, Ipv6Check]) -> Ipv6Summary:
    """Count the sites ``site_ids`` by their newest check in ``checks`` (site id → check):
    conclusive ones, and those with IPv6 support."""
    ids = list(dict.fromkeys(site_ids))
    outcomes = [checks[site_id].outcome for site_id in ids if site_id in checks]
    return Ipv6Summary(
        sites=len(ids),
        checked=sum(1 for outcome in outcomes if outcome.conclusive),
        done=sum(1 for outcome in outcomes if outcome is Ipv6Outcome.OK),
    )

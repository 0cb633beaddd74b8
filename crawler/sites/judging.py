"""Judging stored facts: each site by its rule profile, into the values the CLI reports.

Accounts are judged the same way in ``crawler.accounts.judging``.

Used after a crawl and by ``crawl findings`` (re-evaluating any past moment): both read page
facts from storage and hand them here. The rules stay pure; this module only groups sites by
profile and keeps, beside each site's result, the per-column verdicts the tables show.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from rules.content import ContentCheck, check_content_personal_data
from rules.engine import evaluate
from rules.evaluation import ObjectResult, ScoredFinding
from rules.facts import ProbeStats, SiteFacts
from rules.freshness import PageVerdict, judge_pages
from rules.ipv6 import Ipv6Check, ipv6_findings
from rules.letters import BoardFacts
from rules.links import SiteLinkFacts, judge_links
from rules.meta_tags import check_meta
from rules.model import Finding, PageFacts, Site
from rules.period import Period, quarter_of
from rules.personal import check_personal_data
from rules.profile import Profile

__all__ = ["SiteReport", "judge_sites"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteReport:
    site: Site
    profile: Profile
    # The homepage first, then the columns in file order. A crawl's reports keep each page's
    # facts without the content checks' details (``crawler.sites.judge_phase.slim_report``).
    pages: tuple[PageVerdict, ...]
    result: ObjectResult
    advisories: tuple[Finding, ...] = ()  # low severity, outside the score (meta tags, IPv6)
    links: tuple[Finding, ...] = ()  # broken images and links (rules.links), no points

    @property
    def scored(self) -> tuple[ScoredFinding, ...]:
        return self.result.findings

    @property
    def findings(self) -> list[Finding]:
        scored = [scored.stored() for scored in self.result.findings]
        return _in_page_order(self.site, scored, self.links) + list(self.advisories)


def judge_sites(
    sites: Sequence[Site],
    pages: Sequence[PageFacts],
    profiles: Mapping[str, Profile],
    *,
    now: datetime,
    period: Period | None = None,
    probes: Mapping[str, ProbeStats] | None = None,
    links: Mapping[str, SiteLinkFacts] | None = None,
    ipv6: Mapping[str, Ipv6Check] | None = None,
    boards: Mapping[str, tuple[BoardFacts, ...]] | None = None,
    content: Mapping[str, tuple[ContentCheck, ...]] | None = None,
) -> tuple[SiteReport, ...]:
    """Judge each site by its profile at ``now``; the reports keep the order of ``sites``.

    ``probes``: each site's availability probes over the trailing window (none: not judged).
    ``links``: each site's link and image checks (none: not judged).
    ``ipv6``: each site's newest IPv6 check (none: not judged).
    ``boards``: each site's message boards as read (none: not judged).
    ``content``: each site's sampled articles' and attachments' content checks.
    """
    period = period or quarter_of(now)
    by_site: dict[str, list[PageFacts]] = {s.id: [] for s in sites}
    for page in pages:
        by_site[page.site_id].append(page)
    results: dict[str, ObjectResult] = {}
    for ref, profile in profiles.items():
        members = [s for s in sites if s.profile == ref]
        if not members:
            continue
        facts = [
            SiteFacts(
                site=s,
                pages=tuple(by_site[s.id]),
                probes=(probes or {}).get(s.id),
                boards=(boards or {}).get(s.id, ()),
                content=(content or {}).get(s.id, ()),
            )
            for s in members
        ]
        evaluation = evaluate(facts, [], profile, now=now, period=period)
        results.update({result.id: result for result in evaluation.sites})
    return tuple(
        SiteReport(
            site=site,
            profile=profiles[site.profile],
            pages=tuple(
                judge_pages(by_site[site.id], now=now, windows=profiles[site.profile].windows)
            ),
            result=results[site.id],
            advisories=(
                *check_meta(by_site[site.id]),
                *check_personal_data(by_site[site.id]),
                *check_content_personal_data((content or {}).get(site.id, ())),
                *ipv6_findings(site, (ipv6 or {}).get(site.id)),
            ),
            links=tuple(judge_links(site, (links or {}).get(site.id))),
        )
        for site in sites
    )


def _in_page_order(site: Site, scored: list[Finding], links: Sequence[Finding]) -> list[Finding]:
    """The rule findings with the link findings merged in by page: a column's broken images
    come before the problems of the columns after it, as a notice lists a site's problems."""
    if not links:
        return scored
    order = {column.id: index for index, column in enumerate(site.columns)}

    def position(finding: Finding) -> int:
        return -1 if finding.column_id is None else order.get(finding.column_id, len(order))

    pending = list(links)
    merged: list[Finding] = []
    for finding in scored:
        if finding.column_id is not None:
            while pending and position(pending[0]) < position(finding):
                merged.append(pending.pop(0))
        merged.append(finding)
    return merged + pending

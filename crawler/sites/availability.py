"""Homepage availability so far, as the national rule 站点无法访问 will judge it.

A round (``probe_round``) probes each site's homepage once (``crawler.sites.probes``), stores
the probes, then counts per site what the rule reads: over the whole days it judges (by
default the 7 days before the check date, Asia/Shanghai), the share of probes that loaded, and
how many of those days have too few probes to judge (数据不足); today's probes apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker

from crawler.config import open_database
from crawler.fetch import FetchSettings
from crawler.sites.probes import ProbeResult, probe_sites
from crawler.targets import Targets
from rules.facts import ProbeStats
from rules.measures.site import ProbeFailureParams
from rules.model import Site, local_date, utc_now
from rules.profile import Profile
from storage.probes import probe_stats

__all__ = ["Availability", "SiteProbe", "availability", "probe_params", "probe_round"]

_MEASURE = "probe_failure_ratio"


@dataclass(frozen=True, slots=True, kw_only=True)
class Availability:
    """The probes of one site over the days the availability rule judges, and today so far."""

    window_days: int
    min_probes_per_day: int
    first_day: date  # Asia/Shanghai
    last_day: date  # the day before the check date
    probes: int  # probes that could tell, over the judged days
    failed: int
    short_days: int  # judged days with fewer than min_probes_per_day probes
    today_probes: int
    today_failed: int

    @property
    def insufficient(self) -> bool:
        return self.short_days > 0

    @property
    def ratio(self) -> float | None:
        """The share of probes that loaded; None without probes."""
        return (self.probes - self.failed) / self.probes if self.probes else None

    @property
    def text(self) -> str:
        rate = f"{self.ratio:.2%}" if self.ratio is not None else "—"
        text = (
            f"{self.window_days}日可用率 {rate}, {self.probes - self.failed}/{self.probes} 次, "
            f"不足{self.min_probes_per_day}次/日的天数 {self.short_days}"
        )
        if self.insufficient:
            text += " → 数据不足"
        return text + f"; 今日 {self.today_probes} 次, 失败 {self.today_failed} 次"

    def as_dict(self) -> dict[str, Any]:
        return {
            "window_days": self.window_days,
            "min_probes_per_day": self.min_probes_per_day,
            "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(),
            "probes": self.probes,
            "failed": self.failed,
            "availability": None if self.ratio is None else round(self.ratio, 6),
            "short_days": self.short_days,
            "insufficient": self.insufficient,
            "today_probes": self.today_probes,
            "today_failed": self.today_failed,
        }


def probe_params(profile: Profile) -> ProbeFailureParams:
    """The availability rule's window and daily minimum in ``profile`` (the national ones when
    the profile has no enabled availability rule)."""
    for rule in profile.enabled_rules:
        if rule.measure == _MEASURE and isinstance(rule.params, ProbeFailureParams):
            return rule.params
    return ProbeFailureParams()


def availability(
    stats: ProbeStats | None, *, today: date, params: ProbeFailureParams
) -> Availability:
    """Count ``stats`` as the availability rule does: the ``window_days`` whole days before
    ``today`` (Asia/Shanghai), each needing ``min_probes_per_day`` probes; today apart."""
    per_day: Mapping[date, tuple[int, int]] = stats.per_day if stats is not None else {}
    days = [today - timedelta(days=back) for back in range(params.window_days, 0, -1)]
    counts = [per_day.get(day, (0, 0)) for day in days]
    today_probes, today_failed = per_day.get(today, (0, 0))
    return Availability(
        window_days=params.window_days,
        min_probes_per_day=params.min_probes_per_day,
        first_day=days[0],
        last_day=days[-1],
        probes=sum(count for count, _ in counts),
        failed=sum(failed for _, failed in counts),
        short_days=sum(1 for count, _ in counts if count < params.min_probes_per_day),
        today_probes=today_probes,
        today_failed=today_failed,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteProbe:
    """One site's probe of a round, and its availability counted after the round."""

    site: Site
    probe: ProbeResult
    availability: Availability


async def probe_round(
    targets: Targets,
    sites: Sequence[Site],
    *,
    db: str | None,
    settings: FetchSettings,
    spread_s: float,
) -> tuple[datetime, list[SiteProbe]]:
    """Probe ``sites`` once, store the probes in ``db`` and return the check time and, per
    site in the order given, its probe and its availability under its profile's rule."""
    params = {site.id: probe_params(targets.profile_of(site)) for site in sites}
    engine = await open_database(db)
    try:
        results = await probe_sites(
            sites, engine=engine, settings=settings, now=utc_now(), spread_s=spread_s
        )
        # After the round, so that the probes just made are counted.
        checked_at = utc_now()
        async with async_sessionmaker(engine)() as session:
            stats = await probe_stats(
                session,
                site_ids=[site.id for site in sites],
                now=checked_at,
                window_days=max((p.window_days for p in params.values()), default=7),
            )
    finally:
        await engine.dispose()
    today = local_date(checked_at)
    return checked_at, [
        SiteProbe(
            site=site,
            probe=result,
            availability=availability(stats.get(site.id), today=today, params=params[site.id]),
        )
        for site, result in zip(sites, results, strict=True)
    ]

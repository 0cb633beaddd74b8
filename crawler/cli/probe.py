"""``crawl probe``: one round of homepage availability probes, and the availability so far.

Each site's homepage is probed once now (``crawler.sites.probes``); every probe is stored. Then,
per site, what the national rule 站点无法访问 will judge: over the whole days it reads (by
default the 7 days before today, Asia/Shanghai), the share of probes that loaded, and how many
of those days have too few probes to judge (数据不足). Exit 0 whatever the probes showed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from sqlalchemy.ext.asyncio import async_sessionmaker

from crawler.cli.runtime import configure_logging, guard, run_async, stdout_console, targets_option
from crawler.config import open_database
from crawler.fetch import FetchSettings
from crawler.sites.probes import ProbeResult, probe_settings, probe_sites
from crawler.targets import Targets, load_targets
from rules.facts import ProbeStats
from rules.measures.site import ProbeFailureParams
from rules.model import SHANGHAI, Site, local_date, utc_now
from rules.profile import Profile
from storage.probes import probe_stats

__all__ = ["Availability", "availability", "probe", "probe_params"]

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
class _SiteProbe:
    site: Site
    probe: ProbeResult
    availability: Availability


async def _probe_round(
    targets: Targets,
    sites: Sequence[Site],
    *,
    db: str | None,
    settings: FetchSettings,
    spread_s: float,
) -> tuple[datetime, list[_SiteProbe]]:
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
        _SiteProbe(
            site=site,
            probe=result,
            availability=availability(stats.get(site.id), today=today, params=params[site.id]),
        )
        for site, result in zip(sites, results, strict=True)
    ]


def _verdict_label(probe: ProbeResult) -> str:
    if probe.ok is True:
        return "正常"
    if probe.ok is False:
        return f"失败({probe.outcome.label})"
    return f"无法判断({probe.outcome.label})"


def _to_dict(checked_at: datetime, limit_s: float, rows: Sequence[_SiteProbe]) -> dict[str, Any]:
    return {
        "checked_at": checked_at.isoformat(),
        "limit_s": limit_s,
        "sites": [
            {
                "id": row.site.id,
                "name": row.site.name,
                "url": row.probe.url,
                "probed_at": row.probe.probed_at.isoformat(),
                "ok": row.probe.ok,
                "outcome": row.probe.outcome.value,
                "status": row.probe.status,
                "latency_s": row.probe.latency_s,
                "detail": row.probe.detail,
                "availability": row.availability.as_dict(),
            }
            for row in rows
        ],
    }


def _print(console: Console, checked_at: datetime, rows: Sequence[_SiteProbe]) -> None:
    table = Table(
        title=f"首页可用性监测 {checked_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}",
        title_justify="left",
    )
    for header in ("网站", "本次", "状态码", "耗时", "可用性"):
        table.add_column(header)
    for row in rows:
        probe = row.probe
        table.add_row(
            f"{row.site.name} ({row.site.id})",
            _verdict_label(probe),
            str(probe.status) if probe.status is not None else "—",
            f"{probe.latency_s:.2f}s" if probe.latency_s is not None else "—",
            row.availability.text,
        )
    console.print(table)


@click.command("probe")
@targets_option
@click.option(
    "--site", "site_ids", multiple=True, metavar="ID", help="Only this site (repeatable)."
)
@click.option(
    "--db", envvar="XUNJIAN_DATABASE_URL", metavar="URL", help="Database (see crawl --help)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the probes as JSON on stdout.")
@click.option(
    "--spread",
    "spread_s",
    type=click.FloatRange(0, 600),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="Start the probes at stable offsets over this many seconds, so that sites sharing a "
    "server are not hit at once (0: all at once).",
)
@click.option(
    "--user-agent",
    envvar="XUNJIAN_USER_AGENT",
    help="User-Agent header sent with every request. Env: XUNJIAN_USER_AGENT.",
)
@click.option("-v", "--verbose", count=True, help="Log to stderr: -v one line per probe.")
def probe(
    targets_path: Path,
    site_ids: tuple[str, ...],
    db: str | None,
    as_json: bool,
    spread_s: float,
    user_agent: str | None,
    verbose: int,
) -> None:
    """Probe each homepage once now (one GET, 15 s limit, never retried), store the probes and
    show each site's availability so far: 站点无法访问 is judged over the 7 days before the
    check date, each with at least 20 probes, and vetoes at 5% failed probes.

    \b
    Examples:
      crawl probe                    every site in ./targets.yaml
      crawl probe --site jyty        one site
      crawl probe --json             the probes and availability as JSON
    Run it every 30 minutes (48 probes a day) to have enough probes; see docs/site-health.md.
    """
    configure_logging(verbose)

    def body() -> None:
        targets = load_targets(targets_path)
        sites = targets.select(site_ids)
        base = FetchSettings(user_agent=user_agent) if user_agent else None
        settings = probe_settings(base)
        checked_at, rows = run_async(
            _probe_round(targets, sites, db=db, settings=settings, spread_s=spread_s)
        )
        if as_json:
            document = _to_dict(checked_at, settings.timeout_s, rows)
            click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        else:
            _print(stdout_console(), checked_at, rows)

    guard(body)

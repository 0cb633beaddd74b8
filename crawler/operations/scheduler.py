"""Unattended operation: the nightly crawl by cron, a catch-up at start-up, probes, metrics.

The only module that imports APScheduler (3.x). One ``AsyncIOScheduler`` with jobs rebuilt
at every start-up (nothing is kept in APScheduler's own stores; runs are recorded by the
runner in our database):

- ``nightly``: the full crawl, by a crontab expression in Asia/Shanghai (default 02:00).
  ``misfire_grace_time`` is explicit (APScheduler's default of 1 s silently skips a run that
  starts a little late), ``coalesce=True`` (a backlog of missed times is one run) and
  ``max_instances=1`` (a crawl still running when the next is due is not started twice).
  At start-up, when the last completed full run started before the most recent scheduled
  time (the machine was off at 02:00), the job runs at once: the catch-up.
- ``probe``: every N minutes, when ``crawler.sites.probes`` provides ``probe_sites``.

In the distributed mode (``defer_job`` instead of ``crawl_job``) the nightly job does not
crawl: it defers the night to the workers (``crawler.operations.distributed``: one job per
site), and the catch-up compares the last *batch* deferred, not the last full run, with the
schedule.

Stopping (SIGTERM, SIGINT): the triggers stop first, then a running job gets
``stop_timeout_s`` to finish; past that (or on a second signal) it is cancelled, and the
runner records its run as interrupted. Every job logs one line when it starts and one
when it ends, with the run id and how the run ended.

Errors: ``CronError`` (a ``ConfigError``) for a crontab expression that cannot be used.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from crawler.config import ConfigError
from crawler.operations.loglines import result_line
from rules.model import SHANGHAI, utc_now
from storage import batches, runs
from storage.records import RunStatus
from storage.runs import RunSummary

__all__ = [
    "DEFAULT_MISFIRE_GRACE_S",
    "DEFAULT_NIGHTLY_CRON",
    "DEFAULT_STOP_TIMEOUT_S",
    "CrawlJob",
    "CronError",
    "DeferJob",
    "Metrics",
    "Nightly",
    "NightlyScheduler",
    "ProbeJob",
    "ScheduleSettings",
    "catch_up_due",
]

logger = logging.getLogger(__name__)

DEFAULT_NIGHTLY_CRON = "0 2 * * *"
DEFAULT_MISFIRE_GRACE_S = 3600
DEFAULT_STOP_TIMEOUT_S = 300.0

CrawlJob = Callable[[datetime], Awaitable[int]]
"""Runs one full crawl judged at the given time; returns the run id."""
DeferJob = Callable[[datetime, str], Awaitable[str]]
"""Defers one night to the workers, given the time and why (scheduled, catch-up, requested);
returns a line saying what it queued."""
ProbeJob = Callable[[datetime], Awaitable[object]]
"""Probes the sites' availability once, at the given time."""


class CronError(ConfigError):
    """A crontab expression that cannot be scheduled."""

    def __init__(self, expression: str, reason: str) -> None:
        self.expression = expression
        super().__init__(
            f"nightly schedule {expression!r}: {reason} — give five crontab fields "
            "'minute hour day month weekday', e.g. '0 2 * * *' for 02:00 every day "
            "(--nightly or XUNJIAN_NIGHTLY_CRON)"
        )


# --- the nightly time ----------------------------------------------------------------------

_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_NUMERIC_WEEKDAY = re.compile(r"^(\*|\d+(?:-\d+)?)(?:/(\d+))?$")
# Where to look back for the most recent scheduled time: short first, so that a cron firing
# every minute does not walk a year of minutes.
_LOOKBACKS = (
    timedelta(hours=2),
    timedelta(days=2),
    timedelta(days=35),
    timedelta(days=400),
    timedelta(days=8 * 366),
)


def _crontab_weekdays(weekdays: str, expression: str) -> str:
    """The weekday field in APScheduler 3's terms.

    Crontab counts 0 (or 7) as Sunday; APScheduler 3.x counts 0 as Monday (its issue 286,
    kept for compatibility). Numbers, ranges and steps are spelled out as day names, which
    both read alike; names pass through.
    """
    parts: list[str] = []
    for part in weekdays.split(","):
        match = _NUMERIC_WEEKDAY.match(part)
        if match is None:
            parts.append(part)  # names (mon-fri) or something APScheduler will judge
            continue
        span, step_text = match.groups()
        step = int(step_text) if step_text else 1
        if span == "*":
            first, last = 0, 6
        elif "-" in span:
            first, last = (int(n) for n in span.split("-"))
        else:
            first = last = int(span)
            if step_text:
                last = 7  # "1/2": from Monday on, every second day
        if not (0 <= first <= 7 and 0 <= last <= 7) or first > last or step < 1:
            raise CronError(expression, f"weekday {part!r} is not within 0-7 (0 and 7 are Sunday)")
        days = sorted({n % 7 for n in range(first, last + 1, step)})
        parts.append(",".join(_WEEKDAYS[n] for n in days))
    return ",".join(parts)


@dataclass(frozen=True, slots=True, kw_only=True)
class Nightly:
    """When the full crawl runs: a five-field crontab expression in a time zone."""

    cron: str = DEFAULT_NIGHTLY_CRON
    timezone: ZoneInfo = SHANGHAI

    def __post_init__(self) -> None:
        # Fail on a bad expression here, not at the first fire time. Without a year field,
        # a cron with no next time (31 February) never fires at all.
        if self.trigger().get_next_fire_time(None, utc_now()) is None:
            raise CronError(self.cron, "no such day ever comes")

    def trigger(self) -> CronTrigger:
        fields = self.cron.split()
        if len(fields) != 5:
            raise CronError(self.cron, f"{len(fields)} fields, not 5")
        minute, hour, day, month, weekday = fields
        try:
            return CronTrigger(
                minute=minute,
                hour=hour,
                day=day,
                month=month,
                day_of_week=_crontab_weekdays(weekday, self.cron),
                timezone=self.timezone,
            )
        except ValueError as exc:
            raise CronError(self.cron, str(exc)) from exc

    def next_after(self, moment: datetime) -> datetime | None:
        """The first scheduled time at or after ``moment`` (aware), None if there is none."""
        fire: datetime | None = self.trigger().get_next_fire_time(None, moment)
        return fire

    def last_before(self, moment: datetime) -> datetime | None:
        """The most recent scheduled time at or before ``moment``; None when the cron has
        not fired in the last eight years (a 29 February that is far away)."""
        trigger = self.trigger()
        for lookback in _LOOKBACKS:
            fire: datetime | None = trigger.get_next_fire_time(None, moment - lookback)
            last: datetime | None = None
            while fire is not None and fire <= moment:
                last = fire
                fire = trigger.get_next_fire_time(last, moment + timedelta(days=1))
            if last is not None:
                return last
        return None


def catch_up_due(*, last_full_started: datetime | None, nightly: Nightly, now: datetime) -> bool:
    """Whether the nightly crawl was missed: the last completed full run started before the
    most recent scheduled time (or there has been none at all)."""
    scheduled = nightly.last_before(now)
    if scheduled is None:
        return False
    return last_full_started is None or last_full_started < scheduled


# --- metrics -------------------------------------------------------------------------------


class Metrics:
    """Prometheus metrics of the runs, in a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.fetches = Counter(
            "xunjian_fetches",
            "Fetches stored by the scheduler's runs, by outcome (pages and account sources).",
            ["outcome"],
            registry=self.registry,
        )
        self.pages = Counter(
            "xunjian_pages", "Site pages fetched by the scheduler's runs.", registry=self.registry
        )
        self.runs = Counter(
            "xunjian_runs",
            "Runs started by the scheduler, by final status.",
            ["status"],
            registry=self.registry,
        )
        self.run_duration = Histogram(
            "xunjian_run_duration_seconds",
            "Duration of the scheduler's runs.",
            ["status"],
            buckets=(60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400),
            registry=self.registry,
        )
        self.last_full_run = Gauge(
            "xunjian_last_completed_full_run_timestamp_seconds",
            "When the last completed full run started (Unix time); alert when it is old.",
            registry=self.registry,
        )
        self.open_findings = Gauge(
            "xunjian_open_findings",
            "Open (unresolved) problems by finding code.",
            ["code"],
            registry=self.registry,
        )

    def observe_run(self, summary: RunSummary) -> None:
        for fetched in (summary.pages_by_outcome, summary.accounts_by_outcome):
            for outcome, count in fetched.items():
                self.fetches.labels(outcome=outcome).inc(count)
        self.pages.inc(summary.pages)
        self.runs.labels(status=summary.status.value).inc()
        if summary.duration_s is not None:
            self.run_duration.labels(status=summary.status.value).observe(summary.duration_s)
        if summary.full and summary.status is RunStatus.COMPLETED:
            self.last_full_run.set(summary.started_at.timestamp())

    def set_open_findings(self, counts: Mapping[str, int]) -> None:
        self.open_findings.clear()  # a code with nothing open is no longer reported
        for code, count in counts.items():
            self.open_findings.labels(code=code).set(count)

    def serve(self, port: int, *, address: str = "0.0.0.0") -> Callable[[], None]:  # noqa: S104
        """Serve /metrics on ``port`` in a thread; returns the function that stops it."""
        try:
            server, thread = start_http_server(port, addr=address, registry=self.registry)
        except OSError as exc:
            raise ConfigError(
                f"--metrics-port {port}: cannot listen on {address}:{port} ({exc.strerror}) — "
                "choose a free port"
            ) from exc
        logger.info("metrics on http://%s:%d/metrics", address, port)

        def stop() -> None:
            server.shutdown()
            server.server_close()
            thread.join()

        return stop


# --- the scheduler -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduleSettings:
    nightly: Nightly = field(default_factory=Nightly)
    misfire_grace_s: int = DEFAULT_MISFIRE_GRACE_S
    probe_every: timedelta | None = None
    ipv6_every: timedelta | None = None
    # the first IPv6 round after start-up, out of the way of a catch-up crawl's start
    ipv6_first_delay: timedelta = timedelta(minutes=2)
    stop_timeout_s: float = DEFAULT_STOP_TIMEOUT_S
    run_now: bool = False  # run the nightly crawl once at start-up, due or not
    # distributed: how often the scheduler looks whether the night is done, to notify
    notify_every: timedelta = timedelta(minutes=5)


class NightlyScheduler:
    """Runs ``crawl_job`` by the nightly cron (and ``probe_job`` every ``probe_every``) until
    told to stop. ``engine`` is for reading runs (catch-up, logs, metrics); each job opens
    what it needs itself."""

    def __init__(
        self,
        *,
        settings: ScheduleSettings,
        engine: AsyncEngine,
        crawl_job: CrawlJob | None = None,
        defer_job: DeferJob | None = None,
        probe_job: ProbeJob | None = None,
        ipv6_job: ProbeJob | None = None,
        notify_job: ProbeJob | None = None,
        metrics: Metrics | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._settings = settings
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        if (crawl_job is None) == (defer_job is None):
            raise ValueError("give the scheduler one of crawl_job and defer_job (distributed)")
        self._crawl_job = crawl_job
        self._defer_job = defer_job
        self._probe_job = probe_job
        self._ipv6_job = ipv6_job
        self._notify_job = notify_job
        self._metrics = metrics
        self._clock = clock
        self._scheduler = AsyncIOScheduler(timezone=settings.nightly.timezone)
        self._running: set[asyncio.Task[object]] = set()
        self._start_reason: str | None = None  # why the nightly job runs at start-up, if it does
        self.finished_runs: list[RunSummary] = []  # what the jobs ran, oldest first
        self.ready = asyncio.Event()  # set once the jobs are scheduled

    @property
    def next_nightly(self) -> datetime | None:
        """When the nightly job runs next (None before start and after stop)."""
        job = self._scheduler.get_job("nightly")
        fire: datetime | None = getattr(job, "next_run_time", None)  # unset until started
        return fire

    async def run(self, stop: asyncio.Event, force: asyncio.Event | None = None) -> None:
        """Schedule the jobs and run them until ``stop`` is set; then drain (``force`` set:
        cancel a running crawl at once instead of waiting for it)."""
        now = self._clock()
        async with self._sessions() as session:
            last_full = await runs.last_run(
                session, scope=runs.FULL_SCOPE, status=RunStatus.COMPLETED
            )
            open_findings = await runs.open_findings_by_code(session)
            last_batch = await batches.last_batch(session) if self._defer_job else None
        if self._metrics is not None:
            self._metrics.set_open_findings(open_findings)
            if last_full is not None:
                self._metrics.last_full_run.set(last_full.started_at.timestamp())
        nightly = self._settings.nightly
        if self._defer_job is not None:  # distributed: the last night deferred to the workers
            last_night = last_batch.created_at if last_batch else None
            last_what = "last night deferred"
        else:
            last_night = last_full.started_at if last_full else None
            last_what = "last completed full run"
        due = catch_up_due(last_full_started=last_night, nightly=nightly, now=now)
        if due:
            logger.warning(
                "nightly crawl missed (%s: %s; last scheduled: %s): catching up now",
                last_what,
                _local(last_night) if last_night else "none",
                _local(nightly.last_before(now)),
            )
        elif self._settings.run_now:
            logger.info("nightly crawl requested at start-up (--run-now)")
        self._start_reason = "catch-up" if due else "requested" if self._settings.run_now else None
        options: dict[str, object] = {
            "misfire_grace_time": self._settings.misfire_grace_s,
            "coalesce": True,
            "max_instances": 1,
            "replace_existing": True,
        }
        nightly_options = dict(options)
        if self._start_reason:
            # The wall clock, not self._clock: APScheduler judges misfires by the wall clock.
            nightly_options["next_run_time"] = datetime.now(nightly.timezone)
        self._scheduler.add_job(
            self._nightly, nightly.trigger(), id="nightly", name="nightly crawl", **nightly_options
        )
        if self._probe_job is not None and self._settings.probe_every is not None:
            self._scheduler.add_job(
                self._periodic,
                IntervalTrigger(seconds=self._settings.probe_every.total_seconds()),
                args=("probe", self._probe_job),
                id="probe",
                name="availability probes",
                **options,
            )
        if self._ipv6_job is not None and self._settings.ipv6_every is not None:
            self._scheduler.add_job(
                self._periodic,
                IntervalTrigger(seconds=self._settings.ipv6_every.total_seconds()),
                args=("ipv6", self._ipv6_job),
                id="ipv6",
                name="IPv6 checks",
                next_run_time=datetime.now(nightly.timezone) + self._settings.ipv6_first_delay,
                **options,
            )
        if self._notify_job is not None:
            self._scheduler.add_job(
                self._periodic,
                IntervalTrigger(seconds=self._settings.notify_every.total_seconds()),
                args=("notify", self._notify_job),
                id="notify",
                name="notifications of a finished distributed night",
                **options,
            )
        self._scheduler.start()
        self.ready.set()
        logger.info(
            "scheduler started: nightly crawl %r (%s), next at %s",
            nightly.cron,
            nightly.timezone.key,
            "now" if self._start_reason else _local(nightly.next_after(now)),
        )
        try:
            await stop.wait()
        finally:
            await self._drain(force)

    async def _drain(self, force: asyncio.Event | None) -> None:
        """Stop the triggers; give running jobs their time, then cancel them."""
        self._scheduler.pause()
        pending: set[asyncio.Task[object]] = {t for t in self._running if not t.done()}
        timeout_s = self._settings.stop_timeout_s
        if pending:
            logger.warning(
                "stopping: no new jobs; waiting up to %.0f s for the running one to finish",
                timeout_s,
            )
            deadline = time.monotonic() + timeout_s
            forced = asyncio.ensure_future((force or asyncio.Event()).wait())
            try:
                while pending and not forced.done():
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        break
                    done, _ = await asyncio.wait(
                        pending | {forced}, timeout=remaining, return_when=asyncio.FIRST_COMPLETED
                    )
                    pending -= done
            finally:
                forced.cancel()
                await asyncio.wait({forced})
            for task in pending:
                task.cancel()
            if pending:
                logger.warning("stopping: cancelled the running job; its run is interrupted")
                await asyncio.wait(pending)
        self._scheduler.shutdown(wait=False)
        await asyncio.sleep(0)  # AsyncIOScheduler shuts down in a loop callback
        logger.info("scheduler stopped")

    def _track(self) -> asyncio.Task[object]:
        task = asyncio.current_task()
        assert task is not None  # APScheduler runs coroutine jobs as tasks
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        return task

    async def _nightly(self) -> None:
        task = self._track()
        reason, self._start_reason = self._start_reason or "scheduled", None
        started = self._clock()
        if self._defer_job is not None:
            await self._defer(task, reason)
            return
        assert self._crawl_job is not None
        logger.info("job nightly (%s): full crawl starting", reason)
        run_id: int | None = None
        error: str | None = None
        try:
            run_id = await self._crawl_job(self._clock())
        except asyncio.CancelledError:
            # The runner recorded the run as interrupted. Returning ends the job quietly:
            # APScheduler would log the cancellation as a crash, and nothing awaits it
            # but the drain, which only needs it done.
            task.uncancel()
            error = "cancelled by shutdown"
        except Exception as exc:
            error = f"{exc.__class__.__name__}: {exc}"
            logger.debug("job nightly failed", exc_info=True)
        await self._report("nightly", started, run_id, error)

    async def _defer(self, task: asyncio.Task[object], reason: str) -> None:
        """The distributed night: defer it to the workers; one log line says what was queued."""
        assert self._defer_job is not None
        try:
            line = await self._defer_job(self._clock(), reason)
        except asyncio.CancelledError:
            task.uncancel()  # see _nightly
            logger.warning("job nightly (%s): cancelled by shutdown while deferring", reason)
            return
        except Exception as exc:
            logger.error(
                "job nightly (%s): deferring the night failed: %s: %s",
                reason,
                exc.__class__.__name__,
                exc,
            )
            logger.debug("job nightly failed", exc_info=True)
            return
        logger.info("job nightly (%s): %s", reason, line)

    async def _report(
        self, job: str, started: datetime, run_id: int | None, error: str | None
    ) -> None:
        """The job's closing log line, from the run as stored; metrics with it."""
        try:
            async with self._sessions() as session:
                if run_id is not None:
                    summary: RunSummary | None = await runs.run_summary(session, run_id)
                else:
                    since = await runs.runs_started_since(session, started)
                    summary = since[-1] if since else None  # the run this job started
                open_findings = await runs.open_findings_by_code(session)
        except Exception as exc:
            logger.error("job %s ended (%s); its run could not be read back: %s", job, error, exc)
            return
        if summary is None:
            logger.error("job %s failed before a run was recorded: %s", job, error)
            return
        self.finished_runs.append(summary)
        elapsed = summary.duration_s if summary.duration_s is not None else 0.0
        outcomes = ", ".join(f"{k} {v}" for k, v in summary.pages_by_outcome.items()) or "none"
        line = "job %s: run %d %s in %.1f s: %d pages (%s), %d accounts, %d findings%s"
        args = (
            job,
            summary.id,
            summary.status.value,
            elapsed,
            summary.pages,
            outcomes,
            summary.accounts,
            summary.findings,
            f" — {error}" if error else "",
        )
        if summary.status is RunStatus.COMPLETED:
            logger.info(line, *args)
        else:
            logger.error(line, *args)
        if self._metrics is not None:
            self._metrics.observe_run(summary)
            self._metrics.set_open_findings(open_findings)

    async def _periodic(self, name: str, job: ProbeJob) -> None:
        """A round of probes or IPv6 checks: one log line, never fatal to the scheduler."""
        task = self._track()
        logger.info("job %s: starting", name)
        try:
            result = await job(self._clock())
        except asyncio.CancelledError:
            task.uncancel()
            logger.warning("job %s: cancelled by shutdown", name)  # see _nightly
            return
        except Exception as exc:
            logger.error("job %s failed: %s: %s", name, exc.__class__.__name__, exc)
            logger.debug("job %s failed", name, exc_info=True)
            return
        logger.info("job %s: done (%s)", name, result_line(result))


def _local(moment: datetime | None) -> str:
    if moment is None:
        return "never"
    return f"{moment.astimezone(SHANGHAI):%Y-%m-%d %H:%M %Z}"

"""What ``crawl status`` shows: the recent runs, the next nightly run, and what is failing now.

``read_status`` gathers it from storage into a ``Status``; ``status_to_dict`` is its JSON shape
and ``print_status`` its tables.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from rich.console import Console
from rich.table import Table
from rich.text import Text
from sqlalchemy.ext.asyncio import async_sessionmaker

from crawler.config import open_database
from rules.model import SHANGHAI, utc_now
from storage import runs
from storage.batches import BatchProgress, last_batch
from storage.records import RunStatus
from storage.runs import FailingAccount, FailingPage, RunSummary

__all__ = ["Schedule", "Status", "print_status", "read_status", "status_to_dict"]


class Schedule(Protocol):
    """When the nightly crawl runs (``crawler.operations.scheduler.Nightly``)."""

    @property
    def cron(self) -> str: ...

    def next_after(self, moment: datetime) -> datetime | None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Status:
    """What ``crawl status`` shows, read at ``now``."""

    runs: list[RunSummary]
    last_full: RunSummary | None
    failing_pages: list[FailingPage]
    failing_accounts: list[FailingAccount]
    open_findings: dict[str, int]
    nightly: Schedule | None
    now: datetime
    batch: BatchProgress | None = None  # the last distributed night (crawl worker), if any

    @property
    def next_nightly(self) -> datetime | None:
        return None if self.nightly is None else self.nightly.next_after(self.now)


async def read_status(db: str | None, *, limit: int, nightly: Schedule | None) -> Status:
    """The status from the database ``db``: the ``limit`` most recent runs, and the rest."""
    engine = await open_database(db)
    try:
        async with async_sessionmaker(engine)() as session:
            recent = await runs.recent_runs(session, limit=limit)
            last_full = await runs.last_run(
                session, scope=runs.FULL_SCOPE, status=RunStatus.COMPLETED
            )
            pages = await runs.failing_pages(session)
            accounts = await runs.failing_accounts(session)
            open_findings = await runs.open_findings_by_code(session)
            batch = await last_batch(session)
    finally:
        await engine.dispose()
    return Status(
        runs=recent,
        last_full=last_full,
        failing_pages=pages,
        failing_accounts=accounts,
        open_findings=open_findings,
        nightly=nightly,
        now=utc_now(),
        batch=batch,
    )


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(SHANGHAI).isoformat()


def _run_to_dict(run: RunSummary) -> dict[str, Any]:
    return {
        "id": run.id,
        "scope": run.scope,
        "status": run.status.value,
        "started_at": _iso(run.started_at),
        "finished_at": _iso(run.finished_at),
        "duration_s": None if run.duration_s is None else round(run.duration_s, 1),
        "pages": run.pages,
        "pages_by_outcome": dict(run.pages_by_outcome),
        "accounts": run.accounts,
        "accounts_by_outcome": dict(run.accounts_by_outcome),
        "findings": run.findings,
        "skipped_sites": dict(run.skipped_sites),
        "hostname": run.hostname,
        "error": run.error,
    }


def status_to_dict(state: Status) -> dict[str, Any]:
    """The status as JSON: runs newest first, times in Asia/Shanghai (ISO 8601)."""
    by_site: dict[str, dict[str, Any]] = {}
    for page in state.failing_pages:
        site = by_site.setdefault(
            page.site_id, {"site": page.site_id, "site_name": page.site_name, "pages": []}
        )
        site["pages"].append(
            {
                "column": page.column_id,
                "column_name": page.column_name,
                "url": page.url,
                "outcome": page.outcome.value,
                "status": page.status,
                "detail": page.detail,
                "fetched_at": _iso(page.fetched_at),
                "run_id": page.run_id,
            }
        )
    next_at = state.next_nightly
    return {
        "checked_at": _iso(state.now),
        "runs": [_run_to_dict(run) for run in state.runs],
        "last_completed_full_run": _run_to_dict(state.last_full) if state.last_full else None,
        "next_nightly": (
            {"cron": state.nightly.cron, "at": _iso(next_at)} if state.nightly else None
        ),
        "failing": list(by_site.values()),
        "failing_accounts": [
            {
                "account": a.account_id,
                "name": a.name,
                "platform": a.platform,
                "url": a.url,
                "outcome": a.outcome.value,
                "status": a.status,
                "detail": a.detail,
                "fetched_at": _iso(a.fetched_at),
                "run_id": a.run_id,
            }
            for a in state.failing_accounts
        ],
        "open_findings": state.open_findings,
        "last_distributed_night": _batch_to_dict(state.batch) if state.batch else None,
    }


def _batch_to_dict(batch: BatchProgress) -> dict[str, Any]:
    return {
        "batch": batch.id,
        "created_at": _iso(batch.created_at),
        "reason": batch.reason,
        "sites": batch.sites,
        "accounts": batch.accounts,
        "jobs": batch.jobs,
        "scopes_expected": batch.expected,
        "scopes_completed": batch.scopes_completed,
        "scopes_running": batch.scopes_running,
        "runs_by_status": batch.runs_by_status,
        "done": batch.done,
        "last_finished_at": _iso(batch.last_finished_at),
    }


def _local(moment: datetime | None) -> str:
    return "" if moment is None else f"{moment.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"


def _outcomes(counts: Mapping[str, int]) -> str:
    return " ".join(f"{outcome} {count}" for outcome, count in counts.items())


_STATUS_STYLE = {
    RunStatus.COMPLETED: "green",
    RunStatus.RUNNING: "cyan",
    RunStatus.FAILED: "red",
    RunStatus.INTERRUPTED: "yellow",
}


def print_status(console: Console, state: Status) -> None:
    if state.runs:
        table = Table(title="Recent runs (times in Asia/Shanghai)")
        for name in ("run", "scope", "status", "started", "finished", "duration"):
            table.add_column(name)
        table.add_column("pages", justify="right")
        table.add_column("by outcome")
        table.add_column("accounts", justify="right")
        table.add_column("findings", justify="right")
        table.add_column("sites skipped", justify="right")
        for run in state.runs:
            style = _STATUS_STYLE[run.status]
            table.add_row(
                str(run.id),
                run.scope if len(run.scope) <= 24 else run.scope[:23] + "…",
                Text(run.status.value, style=style),
                _local(run.started_at),
                _local(run.finished_at),
                _duration(run.duration_s),
                str(run.pages),
                _outcomes(run.pages_by_outcome),
                str(run.accounts),
                str(run.findings),
                str(len(run.skipped_sites)) if run.skipped_sites else "",
            )
        console.print(table)
    else:
        console.print("No runs yet: run `crawl` or `crawl schedule`.")
    last = state.last_full
    console.print(
        "Last completed full run: "
        + (f"#{last.id}, started {_local(last.started_at)}" if last else "none")
    )
    if state.nightly is None:
        console.print(
            "Next nightly run: not scheduled here (set --nightly or XUNJIAN_NIGHTLY_CRON)"
        )
    else:
        console.print(
            f"Next nightly run: {_local(state.next_nightly) or 'never'} "
            f"(cron '{state.nightly.cron}', Asia/Shanghai)"
        )
    if state.batch is not None:
        batch = state.batch
        runs_text = ", ".join(f"{status} {n}" for status, n in batch.runs_by_status.items())
        console.print(
            f"Last distributed night: #{batch.id} queued {_local(batch.created_at)} "
            f"({batch.reason}): {batch.scopes_completed} of {batch.expected} sites/account "
            f"jobs completed, {batch.scopes_running} running"
            + (f"; runs: {runs_text}" if runs_text else "")
            + (" — done" if batch.done else "")
        )
    if state.open_findings:
        console.print(
            "Open problems: "
            + ", ".join(f"{code} {count}" for code, count in state.open_findings.items())
        )
    _print_failing(console, state.failing_pages, state.failing_accounts)


def _print_failing(
    console: Console, pages: Sequence[FailingPage], accounts: Sequence[FailingAccount]
) -> None:
    if not pages and not accounts:
        console.print("Failing now: nothing — every page's newest fetch was readable.")
        return
    by_site: dict[str, list[FailingPage]] = {}
    for page in pages:
        by_site.setdefault(page.site_id, []).append(page)
    console.print(
        f"Failing now: {len(pages)} pages on {len(by_site)} sites, {len(accounts)} accounts"
    )
    if by_site:
        table = Table(title="Pages whose newest fetch failed, by site")
        for name in ("site", "pages", "outcomes", "which", "fetched", "example"):
            table.add_column(name)
        for failing in list(by_site.values())[:_MAX_ROWS]:
            first = failing[0]
            example = first.url + (f"\n{first.detail}" if first.detail else "")
            table.add_row(
                f"{first.site_name} ({first.site_id})",
                str(len(failing)),
                _outcomes(Counter(_outcome_text(p.outcome.value, p.status) for p in failing)),
                _names([p.column_name or "首页" for p in failing]),
                _local(max(p.fetched_at for p in failing)),
                example,
            )
        console.print(table)
        _more(console, len(by_site) - _MAX_ROWS, "sites")
    by_platform: dict[str, list[FailingAccount]] = {}
    for account in accounts:
        by_platform.setdefault(account.platform, []).append(account)
    if by_platform:
        table = Table(title="Accounts whose newest fetch failed, by platform")
        for name in ("platform", "accounts", "outcomes", "which", "fetched"):
            table.add_column(name)
        for platform, failed in list(by_platform.items())[:_MAX_ROWS]:
            table.add_row(
                platform,
                str(len(failed)),
                _outcomes(Counter(_outcome_text(a.outcome.value, a.status) for a in failed)),
                _names([f"{a.name} ({a.account_id})" for a in failed]),
                _local(max(a.fetched_at for a in failed)),
            )
        console.print(table)
        _more(console, len(by_platform) - _MAX_ROWS, "platforms")


_MAX_ROWS = 50  # per table; --json lists everything
_MAX_NAMES = 5


def _outcome_text(outcome: str, status: int | None) -> str:
    return outcome if status is None else f"{outcome} ({status})"


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(names[:_MAX_NAMES])
    return shown if len(names) <= _MAX_NAMES else f"{shown} … +{len(names) - _MAX_NAMES}"


def _more(console: Console, hidden: int, what: str) -> None:
    if hidden > 0:
        console.print(f"… and {hidden} more {what} (crawl status --json lists them all)")

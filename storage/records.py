"""Values that cross the storage boundary: what one fetch produced, and what a run is."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from rules.model import Outcome


class RunStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    INTERRUPTED = "interrupted"  # the process stopped (SIGTERM, crash) before finishing


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchRecord:
    """One fetch of one page, as storage keeps it. ``body`` is the raw bytes when read."""

    url: str
    final_url: str | None
    fetched_at: datetime  # aware UTC
    outcome: Outcome
    status: int | None
    elapsed_s: float
    attempts: int
    bytes_read: int
    body: bytes | None
    encoding: str | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    detail: str | None = None
    page_kind: str | None = None
    list_found: bool = False
    meta: Mapping[str, str] = field(default_factory=dict)
    # personal numbers the page's text shows, masked ({kind, masked, snippet}); never whole
    personal_data: tuple[Mapping[str, str], ...] = ()
    # what the content checks found in its text: {"wording": [...], "hidden": [...]}
    content_checks: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RunInfo:
    """One crawl run as recorded."""

    id: int
    scope: str
    status: RunStatus
    started_at: datetime
    finished_at: datetime | None
    pid: int | None
    hostname: str | None
    stats: Mapping[str, object]


@dataclass(frozen=True, slots=True, kw_only=True)
class FindingState:
    """One problem across runs: when it was first and last seen, and when it was resolved."""

    key: str
    code: str
    severity: str
    site_id: str | None  # None for an account's finding
    account_id: str | None
    site_name: str  # the site's or the account's name
    column_id: str | None
    column_name: str | None
    message: str
    evidence: Mapping[str, object]
    first_seen: datetime
    last_seen: datetime
    resolved_at: datetime | None
    first_run_id: int
    last_run_id: int

    @property
    def open(self) -> bool:
        return self.resolved_at is None

"""The tables, as typed SQLAlchemy models.

``sites`` and ``columns`` mirror the targets file (inactive, never deleted, when a target
leaves it). ``runs`` are crawls. ``snapshots`` hold one row per fetch outcome, failed or
not; the body behind a snapshot is stored once per distinct content in ``bodies``.
``items`` are list entries with their history (first and last seen, and the snapshot that
last showed them). ``findings`` are what the rules concluded in a run.
``accounts`` are 政务新媒体 accounts; ``account_fetches`` hold one row per fetch of an
account's source, and ``posts`` the posts with their history, like ``items``.
``probes`` are homepage availability probes, one row per probe whatever it showed.
``site_leases`` say which run is crawling a site now, so two runs never crawl it at once.
``screenshots`` are pictures of the pages that carried findings (images in ``screenshot_images``).

The homepage of a site is the page with ``column_id`` NULL. Because SQL treats NULLs as
distinct in unique constraints, homepage items get their own partial unique index.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, JSONDocument, table_of


class SiteRow(Base):
    __tablename__ = "sites"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    homepage: Mapped[str] = mapped_column(Text)
    site_code: Mapped[str | None] = mapped_column(String(40))
    unit: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime]


class ColumnRow(Base):
    __tablename__ = "columns"

    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    column_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(20))
    max_age_days: Mapped[int | None] = mapped_column(Integer)
    selector: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime]


class RunRow(Base):
    __tablename__ = "runs"
    __table_args__ = (Index("ix_runs_status_started_at", "status", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20))
    pid: Mapped[int | None] = mapped_column(Integer)
    hostname: Mapped[str | None] = mapped_column(Text)
    stats: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)


class SnapshotRow(Base):
    __tablename__ = "snapshots"
    __table_args__ = (
        ForeignKeyConstraint(["site_id", "column_id"], ["columns.site_id", "columns.column_id"]),
        Index("ix_snapshots_run_id_site_id_column_id", "run_id", "site_id", "column_id"),
        Index("ix_snapshots_site_id_column_id_id", "site_id", "column_id", "id"),
        Index("ix_snapshots_content_hash_fetched_at", "content_hash", "fetched_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"))
    column_id: Mapped[str | None] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(Text)
    final_url: Mapped[str | None] = mapped_column(Text)
    fetched_at: Mapped[datetime]
    outcome: Mapped[str] = mapped_column(String(30))
    status: Mapped[int | None] = mapped_column(Integer)
    elapsed_s: Mapped[float] = mapped_column(Float)
    attempts: Mapped[int] = mapped_column(Integer)
    bytes_read: Mapped[int] = mapped_column(BigInteger)
    encoding: Mapped[str | None] = mapped_column(String(40))
    content_type: Mapped[str | None] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[str | None] = mapped_column(Text)
    page_kind: Mapped[str | None] = mapped_column(String(40))
    list_found: Mapped[bool] = mapped_column(Boolean)
    item_count: Mapped[int] = mapped_column(Integer)
    meta: Mapped[dict[str, str] | None] = mapped_column(JSONDocument)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    # personal numbers the page showed, masked only ({kind, masked, snippet})
    personal_data: Mapped[list[dict[str, str]] | None] = mapped_column(JSONDocument)
    # the content checks of its text: {"wording": [...], "hidden": [...]} (rules.content)
    content_checks: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)


class BodyRow(Base):
    """A distinct page body, zlib-compressed, keyed by the sha256 hex of the raw bytes."""

    __tablename__ = "bodies"

    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(BigInteger)  # uncompressed bytes
    first_stored_at: Mapped[datetime]


class ItemRow(Base):
    __tablename__ = "items"
    __table_args__ = (
        ForeignKeyConstraint(["site_id", "column_id"], ["columns.site_id", "columns.column_id"]),
        UniqueConstraint("site_id", "column_id", "url"),
        Index(
            "uq_items_homepage_site_id_url",
            "site_id",
            "url",
            unique=True,
            sqlite_where=text("column_id IS NULL"),
            postgresql_where=text("column_id IS NULL"),
        ),
        Index("ix_items_last_snapshot_id", "last_snapshot_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"))
    column_id: Mapped[str | None] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    published: Mapped[date | None]
    date_where: Mapped[str | None] = mapped_column(Text)
    date_text: Mapped[str | None] = mapped_column(Text)
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    last_snapshot_id: Mapped[int] = mapped_column(ForeignKey("snapshots.id"))


class FindingRow(Base):
    __tablename__ = "findings"
    __table_args__ = (
        Index("ix_findings_run_id", "run_id"),
        Index("ix_findings_site_id_created_at", "site_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    code: Mapped[str] = mapped_column(String(60))
    severity: Mapped[str] = mapped_column(String(20))
    site_id: Mapped[str | None] = mapped_column(ForeignKey("sites.id"))  # None: an account's
    account_id: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"))
    site_name: Mapped[str] = mapped_column(Text)
    column_id: Mapped[str | None] = mapped_column(String(100))
    column_name: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    created_at: Mapped[datetime]


class FindingStateRow(Base):
    """The lifecycle of one problem across runs: the same (code, site, subject) is one row.

    ``resolved_at`` is set when a run judged the subject again and no longer found the
    problem (rectification); a problem seen again reopens the same row.
    """

    __tablename__ = "finding_states"
    __table_args__ = (Index("ix_finding_states_site_id_resolved_at", "site_id", "resolved_at"),)

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    code: Mapped[str] = mapped_column(String(60))
    severity: Mapped[str] = mapped_column(String(20))
    site_id: Mapped[str | None] = mapped_column(ForeignKey("sites.id"))  # None: an account's
    account_id: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"))
    site_name: Mapped[str] = mapped_column(Text)
    column_id: Mapped[str | None] = mapped_column(String(100))
    column_name: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    first_run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    last_run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))


class AccountRow(Base):
    """A 政务新媒体 account from the targets (inactive, never deleted, when it leaves them)."""

    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    platform: Mapped[str] = mapped_column(String(20))
    unit: Mapped[str | None] = mapped_column(Text)
    source_url: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime]


class AccountFetchRow(Base):
    """One fetch of an account's source, failed or not; the body is kept in ``bodies``."""

    __tablename__ = "account_fetches"
    __table_args__ = (
        Index("ix_account_fetches_account_id_fetched_at", "account_id", "fetched_at"),
        Index("ix_account_fetches_run_id", "run_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    url: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[datetime]
    outcome: Mapped[str] = mapped_column(String(30))
    status: Mapped[int | None] = mapped_column(Integer)
    elapsed_s: Mapped[float] = mapped_column(Float)
    detail: Mapped[str | None] = mapped_column(Text)
    post_count: Mapped[int] = mapped_column(Integer)  # distinct posts the fetch showed
    content_hash: Mapped[str | None] = mapped_column(String(64))


class PostRow(Base):
    """A post of an account with its history: first and last seen, and the fetch that last
    showed it. ``key`` is stable per account (platform id, else guid, else link)."""

    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("account_id", "key"),
        Index("ix_posts_account_id_published", "account_id", "published"),
        Index("ix_posts_last_fetch_id", "last_fetch_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    key: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    published: Mapped[datetime]
    is_repost: Mapped[bool | None] = mapped_column(Boolean)  # None: the source does not say
    # the time as the page showed it when relative (3天前): ``published`` is that precise
    shown: Mapped[str | None] = mapped_column(Text)
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    last_fetch_id: Mapped[int] = mapped_column(ForeignKey("account_fetches.id"))


site_table = table_of(SiteRow)
column_table = table_of(ColumnRow)
run_table = table_of(RunRow)
snapshot_table = table_of(SnapshotRow)
body_table = table_of(BodyRow)
item_table = table_of(ItemRow)
finding_table = table_of(FindingRow)
finding_state_table = table_of(FindingStateRow)
account_table = table_of(AccountRow)
account_fetch_table = table_of(AccountFetchRow)
post_table = table_of(PostRow)


class ProbeRow(Base):
    """One availability probe of a homepage: a single GET, never retried.

    ``ok`` is True when the homepage loaded within the probe's limit, False when it did not
    (timeout, refused connection, an HTTP error …), and NULL when the probe could not tell
    (an anti-bot page, robots.txt refused the request): such a probe is neither counted nor
    failed. ``latency_s`` is NULL when no request was made.
    """

    __tablename__ = "probes"
    __table_args__ = (Index("ix_probes_site_id_probed_at", "site_id", "probed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"))
    url: Mapped[str] = mapped_column(Text)
    probed_at: Mapped[datetime]
    ok: Mapped[bool | None] = mapped_column(Boolean)
    status: Mapped[int | None] = mapped_column(Integer)
    latency_s: Mapped[float | None] = mapped_column(Float)
    outcome: Mapped[str] = mapped_column(String(30))
    detail: Mapped[str | None] = mapped_column(Text)


probe_table = table_of(ProbeRow)


class Ipv6CheckRow(Base):
    """One IPv6 check of a site's homepage: the AAAA lookup of its host, then a fetch over
    IPv6. ``aaaa`` is NULL when no lookup was made or it failed on our side; ``outcome`` is a
    ``rules.ipv6.Ipv6Outcome`` value; ``addresses`` the AAAA addresses (a JSON list)."""

    __tablename__ = "ipv6_checks"
    __table_args__ = (Index("ix_ipv6_checks_site_id_checked_at", "site_id", "checked_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"))
    checked_at: Mapped[datetime]
    url: Mapped[str] = mapped_column(Text)
    host: Mapped[str] = mapped_column(Text)
    addresses: Mapped[list[str]] = mapped_column(JSONDocument)
    aaaa: Mapped[bool | None] = mapped_column(Boolean)
    outcome: Mapped[str] = mapped_column(String(30))
    status: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str | None] = mapped_column(Text)


ipv6_check_table = table_of(Ipv6CheckRow)


class BatchRow(Base):
    """A night of the distributed mode: one job per site (and one for the accounts) deferred
    to the workers at ``created_at``; its runs are linked in ``batch_runs``."""

    __tablename__ = "batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(20))  # scheduled, catch-up, requested, manual
    sites: Mapped[int] = mapped_column(Integer)
    accounts: Mapped[int] = mapped_column(Integer)
    jobs: Mapped[int] = mapped_column(Integer)  # jobs deferred (a site already queued: none)


class BatchRunRow(Base):
    """A run made by a job of a batch (a retried job makes a second run of the same scope)."""

    __tablename__ = "batch_runs"
    __table_args__ = (Index("ix_batch_runs_batch_id", "batch_id"),)

    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"))


batch_table = table_of(BatchRow)
batch_run_table = table_of(BatchRunRow)


class SiteLeaseRow(Base):
    """Which run is crawling a site now: one row per site, taken before the site's pages are
    fetched and deleted when the run ends (``storage.leases``).

    The run renews ``expires_at`` while it works; a lease past it, or of a run no longer
    ``running``, is a dead run's and may be taken over.
    """

    __tablename__ = "site_leases"
    __table_args__ = (Index("ix_site_leases_run_id", "run_id"),)

    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    taken_at: Mapped[datetime]
    expires_at: Mapped[datetime]


site_lease_table = table_of(SiteLeaseRow)


class ScreenshotRow(Base):
    """A screenshot of a page that carried a finding, taken by the run's browser: the
    picture of the page at the time of the check (``storage.screenshots``). The image is
    stored once per content hash in ``screenshot_images``."""

    __tablename__ = "screenshots"
    __table_args__ = (
        Index("ix_screenshots_site_id_column_id_taken_at", "site_id", "column_id", "taken_at"),
        Index("ix_screenshots_content_hash", "content_hash"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"))
    column_id: Mapped[str | None] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(Text)
    taken_at: Mapped[datetime]
    content_hash: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(40))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)


screenshot_table = table_of(ScreenshotRow)


class ScreenshotImageRow(Base):
    """A distinct screenshot image (already compressed), keyed by the sha256 hex of its bytes."""

    __tablename__ = "screenshot_images"

    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(BigInteger)
    first_stored_at: Mapped[datetime]


screenshot_image_table = table_of(ScreenshotImageRow)


class DisclosureReadRow(Base):
    """One read of a 政务公开 column: its pages followed back to the period start, or not.

    The units and their columns live in the targets file only (a unit is an id there), so
    the rows carry ``unit_id`` and ``column_id`` without a foreign key. ``complete`` is True
    when the read reached the period start, the last page or a repeated page; ``oldest`` is
    the oldest item date it saw (a later count for another period is complete only back to
    it). ``updated`` is an overview page's own update date.
    """

    __tablename__ = "disclosure_reads"
    __table_args__ = (
        Index("ix_disclosure_reads_unit_id_column_id_read_at", "unit_id", "column_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[str] = mapped_column(String(100))
    column_id: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(Text)
    read_at: Mapped[datetime]
    outcome: Mapped[str] = mapped_column(String(30))  # of the first page
    status: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str | None] = mapped_column(Text)
    pages_read: Mapped[int] = mapped_column(Integer)
    stopped: Mapped[str] = mapped_column(String(20))
    complete: Mapped[bool] = mapped_column(Boolean)
    item_count: Mapped[int] = mapped_column(Integer)  # distinct items on the pages read
    oldest: Mapped[date | None]
    updated: Mapped[date | None]
    updated_where: Mapped[str | None] = mapped_column(Text)


class DisclosureItemRow(Base):
    """An item of a 政务公开 column with its history, deduplicated by URL across pages and
    reads."""

    __tablename__ = "disclosure_items"
    __table_args__ = (
        UniqueConstraint("unit_id", "column_id", "url"),
        Index("ix_disclosure_items_unit_id_published", "unit_id", "published"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[str] = mapped_column(String(100))
    column_id: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    published: Mapped[date | None]
    date_where: Mapped[str | None] = mapped_column(Text)
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    last_read_id: Mapped[int] = mapped_column(ForeignKey("disclosure_reads.id"))


disclosure_read_table = table_of(DisclosureReadRow)
disclosure_item_table = table_of(DisclosureItemRow)


class LinkCheckRow(Base):
    """One link or image as seen on one page in one run, and what checking its URL showed.

    A URL is requested once per run; every page it was seen on gets its own row. ``verdict``
    is a ``rules.links.LinkVerdict``; ``external`` marks a URL of another registrable domain
    than the site's homepage.
    """

    __tablename__ = "link_checks"
    __table_args__ = (
        Index("ix_link_checks_run_id_site_id", "run_id", "site_id"),
        Index("ix_link_checks_site_id_checked_at", "site_id", "checked_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"))
    column_id: Mapped[str | None] = mapped_column(String(100))  # None: the homepage
    page_url: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(10))
    external: Mapped[bool] = mapped_column(Boolean)
    verdict: Mapped[str] = mapped_column(String(20))
    status: Mapped[int | None] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[str | None] = mapped_column(Text)
    label: Mapped[str | None] = mapped_column(Text)
    checked_at: Mapped[datetime]


link_check_table = table_of(LinkCheckRow)


class NotificationStateRow(Base):
    """What a notification channel was last told of a finding: ``open`` or ``resolved``.

    A finding is news to a channel when its state differs from what the channel was told, so
    a rerun never sends it again and a finding that comes back is sent once more."""

    __tablename__ = "notification_states"

    channel: Mapped[str] = mapped_column(String(100), primary_key=True)
    finding_key: Mapped[str] = mapped_column(String(400), primary_key=True)
    state: Mapped[str] = mapped_column(String(10))
    notified_at: Mapped[datetime]


class NotificationRow(Base):
    """One message to a channel, sent or not (``error``): the notification log.

    ``dedupe_key`` names a message that is sent once (a digest of a day, a failed run's alarm);
    None for findings messages, which the states above keep from being sent twice."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("channel", "dedupe_key"),
        Index("ix_notifications_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))  # findings, digest, run-failed, test
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    findings: Mapped[int] = mapped_column(Integer)  # how many findings it told of
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)


notification_state_table = table_of(NotificationStateRow)
notification_table = table_of(NotificationRow)

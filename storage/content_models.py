"""The content checks of the articles sampled and the attachments linked from the pages read.

One row per article or attachment a run read (``content_checks``): whether it could be read
(``checked``, ``reason``), its content hash (an attachment already read with the same hash is
not read again: its findings are copied), and what its text showed — personal numbers only
masked, the curated list's wording errors, hidden links. A page's own checks are on its
snapshot (``snapshots.content_checks``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, JSONDocument, table_of

__all__ = ["ContentCheckRow", "content_check_table"]


class ContentCheckRow(Base):
    __tablename__ = "content_checks"
    __table_args__ = (
        Index("ix_content_checks_run_id_site_id", "run_id", "site_id"),
        Index("ix_content_checks_url_content_hash", "url", "content_hash"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"))
    column_id: Mapped[str | None] = mapped_column(String(100))  # the linking page's column
    url: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20))  # article | attachment
    parent_url: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)  # an attachment's link text
    kind: Mapped[str | None] = mapped_column(String(20))  # html, pdf, docx, xlsx, doc, xls …
    content_hash: Mapped[str | None] = mapped_column(String(64))
    checked: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(Text)
    found: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)  # personal, wording, hidden
    checked_at: Mapped[datetime]


content_check_table = table_of(ContentCheckRow)

"""``crawl findings --evidence DIR``: the screenshots behind the findings, written out.

Each finding of a site whose page has a screenshot taken at or before the moment judged gets
its file, named by the finding (``<site>__<column or homepage>__<code>.png``), and
``index.json`` says which file shows which finding: its page, when it was taken (Asia/
Shanghai) and its size. A finding whose page has no screenshot (none was taken: run the
crawl with ``--screenshots``) is listed there without a file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker

from crawler.config import open_database
from rules.model import SHANGHAI, Finding
from storage.screenshots import screenshot_images, screenshots_as_of

__all__ = ["read_evidence", "write_evidence"]

_UNSAFE = re.compile(r"[^\w.-]+")


def _name(finding: Finding) -> str:
    parts = (finding.site_id, finding.column_id or "homepage", finding.code)
    return "__".join(_UNSAFE.sub("_", part) for part in parts) + ".png"


async def read_evidence(
    findings: Sequence[Finding], *, db: str | None, moment: datetime
) -> list[tuple[dict[str, Any], bytes | None]]:
    """Each finding's index entry and the image of its page's screenshot (None: none)."""
    engine = await open_database(db)
    found: list[tuple[dict[str, Any], bytes | None]] = []
    try:
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        async with sessions() as session:
            shots = await screenshots_as_of(
                session, as_of=moment, site_ids=sorted({f.site_id for f in findings})
            )
            images = await screenshot_images(session, (s.content_hash for s in shots.values()))
            for finding in findings:
                entry: dict[str, Any] = {
                    "site": finding.site_id,
                    "column": finding.column_id,
                    "code": finding.code,
                    "message": finding.message,
                    "file": None,
                }
                shot = shots.get((finding.site_id, finding.column_id))
                image = images.get(shot.content_hash) if shot else None
                if shot is not None and image is not None:
                    entry |= {
                        "file": _name(finding),
                        "url": shot.url,
                        "taken_at": shot.taken_at.astimezone(SHANGHAI).isoformat(),
                        "width": shot.width,
                        "height": shot.height,
                    }
                found.append((entry, image))
    finally:
        await engine.dispose()
    return found


def write_evidence(found: Sequence[tuple[dict[str, Any], bytes | None]], out: Path) -> int:
    """Write the images and ``index.json`` under ``out``; returns how many images."""
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    for entry, image in found:
        if entry["file"] is not None and image is not None:
            (out / entry["file"]).write_bytes(image)
            written += 1
    text = json.dumps([entry for entry, _ in found], ensure_ascii=False, indent=2) + "\n"
    (out / "index.json").write_text(text, encoding="utf-8")
    return written

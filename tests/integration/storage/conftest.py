"""Storage test values. The engines (one suite over SQLite and Postgres) come from
``tests/integration/conftest.py``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from rules.model import Category, Column, Outcome, Site
from storage.records import FetchRecord

POSTGRES_URL_ENV = "XUNJIAN_TEST_DATABASE_URL"

T0 = datetime(2024, 6, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def make_site(site_id: str = "gov-a", *, columns: tuple[str, ...] = ("news", "notice")) -> Site:
    return Site(
        id=site_id,
        name=f"{site_id} 人民政府",
        homepage=f"http://127.0.0.1:9/{site_id}/",
        site_code="1100000001",
        unit="某某办公室",
        columns=tuple(
            Column(
                id=column_id,
                name=f"{column_id} 栏目",
                url=f"http://127.0.0.1:9/{site_id}/{column_id}/",
                category=Category.NEWS,
            )
            for column_id in columns
        ),
    )


def make_record(
    *,
    url: str = "http://127.0.0.1:9/gov-a/news/",
    fetched_at: datetime = T0,
    outcome: Outcome = Outcome.OK,
    status: int | None = 200,
    body: bytes | None = b"<html>list</html>",
    etag: str | None = None,
    last_modified: str | None = None,
    list_found: bool = True,
    detail: str | None = None,
) -> FetchRecord:
    return FetchRecord(
        url=url,
        final_url=url,
        fetched_at=fetched_at,
        outcome=outcome,
        status=status,
        elapsed_s=0.25,
        attempts=1,
        bytes_read=len(body or b""),
        body=body,
        encoding="utf-8",
        content_type="text/html; charset=utf-8",
        etag=etag,
        last_modified=last_modified,
        detail=detail,
        page_kind="list",
        list_found=list_found,
        meta={"ColumnName": "要闻动态"},
    )


@pytest.fixture
def record() -> Callable[..., FetchRecord]:
    """Build a ``FetchRecord``; keywords override the defaults."""
    return make_record


@pytest.fixture
def site() -> Site:
    return make_site()


@pytest.fixture
def site_factory() -> Callable[..., Site]:
    """Build a ``Site`` with NEWS columns; ``site_factory("gov-b", columns=("a",))``."""
    return make_site

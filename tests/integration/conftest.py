"""Database engines for the integration tests: one suite over both databases.

SQLite runs in temp files. Postgres runs when ``XUNJIAN_TEST_DATABASE_URL`` is set.

``blank_engine`` is an empty database: on Postgres a schema of the test's own (the engine's
search_path points at it), dropped afterwards. The migrations from scratch are tested on it
(tests/integration/storage), on both databases.

``engine`` is a database migrated to head, the test's own: a copy of a template the migrations
built once per session (per xdist worker). On SQLite a file copy; on Postgres a
``CREATE DATABASE … TEMPLATE`` made ahead of need on a thread, and dropped there after the
test. Migrating for every test cost more than most tests themselves (~70 ms on SQLite, ~170 ms
on Postgres).

Every test ends by asserting that no pooled connection was left checked out.
"""

from __future__ import annotations

import asyncio
import os
import queue
import shutil
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import QueuePool

from storage.engine import create_engine, resolve_database_url, upgrade

POSTGRES_URL_ENV = "XUNJIAN_TEST_DATABASE_URL"
DATABASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _postgres_url(tmp_path: Path) -> str:
    configured = os.environ.get(POSTGRES_URL_ENV)
    if not configured:
        pytest.skip(f"{POSTGRES_URL_ENV} is not set")
    return resolve_database_url(configured, default_path=tmp_path)


def _with_database(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def _plain(url: str) -> str:
    """The libpq form of an engine URL, for psycopg."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _migrate(url: str) -> None:
    """Migrate the database at ``url`` to head, on an event loop of its own in a thread (a
    session fixture's work, kept off the tests' loops)."""

    async def go() -> None:
        engine = create_engine(url)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, go()).result()


@asynccontextmanager
async def _sqlite_engine(path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(resolve_database_url(str(path), default_path=path.parent))
    try:
        yield engine
        _assert_no_leaked_connections(engine)
    finally:
        await engine.dispose()


@asynccontextmanager
async def _postgres_schema_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An engine on a new, empty schema of the test server (its search_path); dropped after."""
    url = _postgres_url(tmp_path)
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(url)
    try:
        async with admin.begin() as connection:
            await connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        engine = create_engine(url, connect_args={"server_settings": {"search_path": schema}})
        try:
            yield engine
            _assert_no_leaked_connections(engine)
        finally:
            await engine.dispose()
            async with admin.begin() as connection:
                await connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    finally:
        await admin.dispose()


@pytest.fixture(params=DATABASES)
async def blank_engine(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[AsyncEngine]:
    """An engine on an empty database (no migrations run)."""
    if request.param == "sqlite":
        async with _sqlite_engine(tmp_path / "x.sqlite3") as engine:
            yield engine
    else:
        async with _postgres_schema_engine(tmp_path) as engine:
            yield engine


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per session (per xdist worker). Its engine is
    disposed: the last connection to close checkpointed the WAL into the file."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    _migrate(resolve_database_url(str(path), default_path=path.parent))
    return path


class PostgresCopies:
    """Databases copied from a migrated template on a thread of their own: made ahead of need
    (``take`` rarely waits) and dropped after use (``give_back`` never waits). A copy costs
    ~0.1 s, nearly all of it the server writing; the tests run meanwhile."""

    AHEAD = 2

    def __init__(self, url: str, template: str) -> None:
        self._admin = _plain(url)
        self._template = template
        self._ready: queue.Queue[str] = queue.Queue(maxsize=self.AHEAD)
        self._used: queue.Queue[str | None] = queue.Queue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="postgres-copies", daemon=True)
        self._thread.start()

    def take(self) -> str:
        """The name of a fresh copy, the caller's alone."""
        while True:
            try:
                return self._ready.get(timeout=0.5)
            except queue.Empty:
                if not self._thread.is_alive():
                    raise RuntimeError("no test database could be made") from self._error

    def give_back(self, name: str) -> None:
        self._used.put(name)

    def close(self) -> None:
        """Drop every copy left, then stop the thread."""
        self._used.put(None)
        self._thread.join()
        if self._error is not None:
            raise RuntimeError("the test databases could not all be made or dropped") from (
                self._error
            )

    def _work(self) -> None:
        try:
            with psycopg.connect(self._admin, autocommit=True) as admin:
                while True:
                    while not self._ready.full():  # this thread alone puts: no race
                        name = f"xunjian_test_{uuid.uuid4().hex[:16]}"
                        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self._template}"')
                        self._ready.put(name)
                    used = self._used.get()  # until a test is done, or close()
                    if used is None:
                        break
                    admin.execute(f'DROP DATABASE IF EXISTS "{used}" WITH (FORCE)')
                while not self._ready.empty():
                    name = self._ready.get_nowait()
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except Exception as exc:  # reported by take() and close()
            self._error = exc


@pytest.fixture(scope="session")
def postgres_copies(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, PostgresCopies]]:
    """A Postgres database migrated to head once per session (per xdist worker) and the
    copies made of it; all dropped at the end. Yields the server's URL and the copies."""
    url = _postgres_url(tmp_path_factory.getbasetemp())
    template = f"xunjian_template_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_plain(url), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{template}"')
    try:
        _migrate(_with_database(url, template))
        copies = PostgresCopies(url, template)
        try:
            yield url, copies
        finally:
            copies.close()
    finally:
        with psycopg.connect(_plain(url), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')


@pytest.fixture(params=DATABASES)
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An engine on a database migrated to head, the test's own."""
    async with _migrated_engine(request, request.param, tmp_path / "x.sqlite3") as engine:
        yield engine


@pytest.fixture
async def twin_engine(
    request: pytest.FixtureRequest, engine: AsyncEngine, tmp_path: Path
) -> AsyncIterator[AsyncEngine]:
    """A second database of ``engine``'s kind, migrated, the test's own: the same work done
    two ways, side by side."""
    kind = "sqlite" if engine.dialect.name == "sqlite" else "postgres"
    async with _migrated_engine(request, kind, tmp_path / "twin.sqlite3") as twin:
        yield twin


@asynccontextmanager
async def _migrated_engine(
    request: pytest.FixtureRequest, kind: str, path: Path
) -> AsyncIterator[AsyncEngine]:
    """An engine on a new database migrated to head: a copy of the SQLite template at
    ``path``, or a copy of the Postgres template."""
    if kind == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        for suffix in ("", "-wal"):  # a WAL left over, should there be one
            source = template.with_name(template.name + suffix)
            if source.exists():
                shutil.copyfile(source, path.with_name(path.name + suffix))
        async with _sqlite_engine(path) as engine:
            yield engine
        return

    url, copies = request.getfixturevalue("postgres_copies")
    name = copies.take()
    try:
        engine = create_engine(_with_database(url, name))
        try:
            yield engine
            _assert_no_leaked_connections(engine)
        finally:
            await engine.dispose()
    finally:
        copies.give_back(name)


def _assert_no_leaked_connections(engine: AsyncEngine) -> None:
    pool = engine.pool
    assert isinstance(pool, QueuePool), f"unexpected pool {pool!r}"
    assert pool.checkedout() == 0, "a test leaked a database connection"

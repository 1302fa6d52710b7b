"""Every test gets its own data folder and SQLite file (a copy of one migrated and seeded template,
so tests start in milliseconds). Service tests use the `db` fixture; page tests use NiceGUI's
`user` fixture, which runs main.py against the same file.

Set GOGAEK_TEST_DATABASE_URL=postgres://user:pass@host:5432/name to run against PostgreSQL instead:
the database `name` is created, migrated and seeded once, and put back in exactly that state
before every test (the user needs the CREATEDB right). With pytest-xdist (`-n`), each worker uses a
database of its own named after it (`name_gw0`, …)."""

from __future__ import annotations

import asyncio
import functools
import io
import os
import shutil
import sqlite3
import sys
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from argon2 import PasswordHasher
from nicegui.testing import User
from tortoise import Tortoise

from core import passwords
from core.db import migrate, tortoise_config
from core.settings import reload_settings, use_office_timezone

T = TypeVar("T")


def _per_worker(url: str | None) -> str | None:
    """Under pytest-xdist every worker gets a database of its own: `name_gw0`, `name_gw1`, …"""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    base, _, rest = url.rpartition("/")
    name, question, query = rest.partition("?")
    return f"{base}/{name}_{worker}{question}{query}"


EXTERNAL_DATABASE = _per_worker(os.environ.get("GOGAEK_TEST_DATABASE_URL"))

# NiceGUI's User waits 0.3 s for an element by default, and the tests here ask for 2-5 s. Page
# builders and event handlers await the database (and sometimes password hashing); on two cores
# running the suite in four processes beside their browsers that can take far longer, so every
# wait lasts at least 20 s. A wait ends as soon as the page shows (or stops showing) the element,
# so a passing test is not slower for it.
PATIENCE_SECONDS = 20

# Argon2id stays the algorithm, with the smallest costs: hashing is slow on purpose (0.2 s of CPU
# with the recommended parameters), and the tests here make and check about a thousand passwords.
# A hash carries its own parameters, so verifying works the same way. The end-to-end tests run the
# real server, with the recommended parameters.
passwords._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def _patient(wait: Callable, pause: float) -> Callable:
    floor = round(PATIENCE_SECONDS / pause)

    @functools.wraps(wait)
    async def patient(self: User, *args, retries: int = 0, **kwargs) -> None:
        await wait(self, *args, retries=max(retries, floor), **kwargs)

    return patient


User.should_see = _patient(User.should_see, pause=0.1)
User.should_not_see = _patient(User.should_not_see, pause=0.05)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the xdist_group marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run alone: fast feedback first, the end-to-end tests (real server + Chromium) last.

    In parallel runs (`-n`, pytest-xdist with `--dist loadgroup`) the long tests go first so that
    the short ones fill the workers' gaps at the end instead of one worker finishing a long
    browser test alone: the reliability tests (marked `slow`: crash safety, load) as one group,
    one after the other on one worker, then the end-to-end tests, then the rest. The end-to-end
    tests of one module stay on one worker: its browser and its module-wide server (e.g. the call
    popup's demo office) start once, not once on every worker that got one of its tests."""
    parallel = bool(os.environ.get("PYTEST_XDIST_WORKER"))
    for item in items:
        if parallel and item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.xdist_group("reliability"))
        elif parallel and "e2e" in item.path.parts:
            item.add_marker(pytest.mark.xdist_group(item.path.stem))
    items.sort(
        key=lambda item: (
            not (parallel and item.get_closest_marker("slow")),
            ("e2e" in item.path.parts) != parallel,
        )
    )


async def _prepare(database_url: str) -> None:
    from services.codes import seed_codes

    await migrate(database_url)
    await Tortoise.init(config=tortoise_config(database_url))
    try:
        await seed_codes()
    finally:
        await Tortoise.close_connections()


def run_to_end(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end from synchronous test code. Where the thread already has an event
    loop (the sync Playwright API keeps one on the test's thread), it runs on a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def _postgres_admin_url(url: str, database: str = "postgres") -> tuple[str, str]:
    base, _, name = url.rpartition("/")
    return f"{base}/{database}".replace("postgres://", "postgresql://", 1), name.split("?")[0]


@dataclass
class PostgresSnapshot:
    """The migrated, seeded state of the test database: every table's rows (binary COPY) and
    every sequence's position. Restoring it (TRUNCATE, COPY back, setval) takes a tenth of a
    second, a fifth of what recreating the database from a template costs."""

    tables: list[str]
    rows: dict[str, bytes]
    sequences: dict[str, int]


async def _connect(url: str):
    import asyncpg

    _, name = _postgres_admin_url(url)
    return await asyncpg.connect(_postgres_admin_url(url, name)[0])


async def _snapshot_postgres(url: str) -> PostgresSnapshot:
    connection = await _connect(url)
    try:
        tables = [
            r[0]
            for r in await connection.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
        rows = {}
        for table in tables:
            if await connection.fetchval(f'SELECT EXISTS (SELECT 1 FROM "{table}")'):
                buffer = io.BytesIO()
                await connection.copy_from_table(table, output=buffer, format="binary")
                rows[table] = buffer.getvalue()
        sequences = dict(
            await connection.fetch(
                "SELECT sequencename, last_value FROM pg_sequences "
                "WHERE schemaname = 'public' AND last_value IS NOT NULL"
            )
        )
        return PostgresSnapshot(tables, rows, sequences)
    finally:
        await connection.close()


async def _restore_postgres(url: str, snapshot: PostgresSnapshot) -> None:
    connection = await _connect(url)
    try:
        # like DROP DATABASE … WITH (FORCE): a connection a test left open must not block TRUNCATE
        await connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        async with connection.transaction():
            listed = ", ".join(f'"{table}"' for table in snapshot.tables)
            await connection.execute(f"TRUNCATE {listed} RESTART IDENTITY CASCADE")
            for table, data in snapshot.rows.items():
                await connection.copy_to_table(table, source=io.BytesIO(data), format="binary")
            for sequence, value in snapshot.sequences.items():
                await connection.execute("SELECT setval($1, $2, true)", sequence, value)
    finally:
        await connection.close()


async def _create_postgres(url: str) -> PostgresSnapshot:
    import asyncpg

    admin_url, name = _postgres_admin_url(url)
    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    await _prepare(url)
    return await _snapshot_postgres(url)


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Path | PostgresSnapshot:
    use_office_timezone()
    if EXTERNAL_DATABASE:
        return asyncio.run(_create_postgres(EXTERNAL_DATABASE))
    path = tmp_path_factory.mktemp("template") / "gogaek.sqlite3"
    asyncio.run(_prepare(f"sqlite://{path}"))
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(autouse=True)
def isolated_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template_database: Path | PostgresSnapshot
) -> Path:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    monkeypatch.setenv("GOGAEK_DATA_DIR", str(data_dir))
    if isinstance(template_database, PostgresSnapshot):
        run_to_end(_restore_postgres(EXTERNAL_DATABASE, template_database))
        monkeypatch.setenv("DATABASE_URL", EXTERNAL_DATABASE)
    else:
        shutil.copy(template_database, data_dir / "gogaek.sqlite3")
        monkeypatch.setenv("DATABASE_URL", f"sqlite://{data_dir / 'gogaek.sqlite3'}")
    use_office_timezone()
    reload_settings()
    yield data_dir
    reload_settings()


@pytest.fixture(autouse=True)
def forget_open_pages() -> Iterator[None]:
    """The simulated pages of a test end with it: the next test (a service test too) must not find
    them in the page registries, nor close them on a loop that is gone, nor count the files their
    forms were holding."""
    yield
    frame = sys.modules.get("pages.frame")
    if frame is not None:
        frame.signed_in_clients.clear()
        frame._page_sessions.clear()
        frame._waiting_events.clear()
    attachments = sys.modules.get("services.attachments")
    if attachments is not None:
        attachments.PendingUploads._server_bytes = 0


@pytest.fixture
async def db(isolated_data: Path):
    """A migrated database with the code tables seeded, the ORM connected."""
    await Tortoise.init(config=tortoise_config())
    try:
        yield
    finally:
        await Tortoise.close_connections()


@pytest.fixture
def device(tmp_path: Path):
    """A serial caller-ID box: the far end of a real pseudo-terminal the CTI reader opens."""
    from tests.telephony.devices import FakeSerialDevice

    fake = FakeSerialDevice(tmp_path)
    yield fake
    fake.close()

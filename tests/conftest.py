"""Every test gets its own data folder and SQLite file (a copy of one migrated and seeded template,
so tests start in milliseconds). Service tests use the `db` fixture; page tests use NiceGUI's
`user` fixture, which runs main.py against the same file.

Set GOGAEK_TEST_DATABASE_URL=postgres://user:pass@host:5432/name to run against PostgreSQL instead:
the database `name` is then recreated for every test from a migrated and seeded `name_template`
(the user needs the CREATEDB right)."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from nicegui.testing import User
from tortoise import Tortoise

from core.db import migrate, tortoise_config
from core.settings import reload_settings, use_office_timezone

EXTERNAL_DATABASE = os.environ.get("GOGAEK_TEST_DATABASE_URL")

# NiceGUI's User waits 0.3 s for an element by default. Page builders and event handlers here await
# the database (and sometimes password hashing); on a loaded two-core machine that can take longer,
# so wait up to 3 s. A test still fails as soon as the wait runs out.
User.should_see.__kwdefaults__["retries"] = 30
User.should_not_see.__kwdefaults__["retries"] = 60


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Fast feedback first: the end-to-end tests (real server + Chromium) run last."""
    items.sort(key=lambda item: "e2e" in item.path.parts)


async def _prepare(database_url: str) -> None:
    from services.codes import seed_codes

    await migrate(database_url)
    await Tortoise.init(config=tortoise_config(database_url))
    try:
        await seed_codes()
    finally:
        await Tortoise.close_connections()


def _postgres_admin_url(url: str, database: str = "postgres") -> tuple[str, str]:
    base, _, name = url.rpartition("/")
    return f"{base}/{database}".replace("postgres://", "postgresql://", 1), name.split("?")[0]


async def _postgres_exec(url: str, *statements: str) -> None:
    import asyncpg

    admin_url, _ = _postgres_admin_url(url)
    connection = await asyncpg.connect(admin_url)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


def _recreate_postgres(url: str, *, from_template: bool) -> None:
    _, name = _postgres_admin_url(url)
    template = f"{name}_template"
    if from_template:
        asyncio.run(
            _postgres_exec(
                url,
                f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                f'CREATE DATABASE "{name}" TEMPLATE "{template}"',
            )
        )
        return
    asyncio.run(
        _postgres_exec(
            url, f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)', f'CREATE DATABASE "{template}"'
        )
    )
    template_url = url.rsplit("/", 1)[0] + "/" + template
    asyncio.run(_prepare(template_url))


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    use_office_timezone()
    if EXTERNAL_DATABASE:
        _recreate_postgres(EXTERNAL_DATABASE, from_template=False)
        return None
    path = tmp_path_factory.mktemp("template") / "gogaek.sqlite3"
    asyncio.run(_prepare(f"sqlite://{path}"))
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(autouse=True)
def isolated_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template_database: Path | None) -> Path:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    monkeypatch.setenv("GOGAEK_DATA_DIR", str(data_dir))
    if template_database is None:
        _recreate_postgres(EXTERNAL_DATABASE, from_template=True)
        monkeypatch.setenv("DATABASE_URL", EXTERNAL_DATABASE)
    else:
        shutil.copy(template_database, data_dir / "gogaek.sqlite3")
        monkeypatch.setenv("DATABASE_URL", f"sqlite://{data_dir / 'gogaek.sqlite3'}")
    use_office_timezone()
    reload_settings()
    yield data_dir
    reload_settings()


@pytest.fixture
async def db(isolated_data: Path):
    """A migrated database with the code tables seeded, the ORM connected."""
    await Tortoise.init(config=tortoise_config())
    try:
        yield
    finally:
        await Tortoise.close_connections()

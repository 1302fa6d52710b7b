"""Every test gets its own data folder and SQLite file (a copy of one migrated and seeded template,
so tests start in milliseconds). Service tests use the `db` fixture; page tests use NiceGUI's
`user` fixture, which runs main.py against the same file.

Set GOGAEK_TEST_DATABASE_URL to run the service tests against PostgreSQL instead."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from tortoise import Tortoise

from core.db import migrate, tortoise_config
from core.settings import reload_settings, use_office_timezone

EXTERNAL_DATABASE = os.environ.get("GOGAEK_TEST_DATABASE_URL")


async def _prepare(database_url: str) -> None:
    from services.codes import seed_codes

    await migrate(database_url)
    await Tortoise.init(config=tortoise_config(database_url))
    try:
        await seed_codes()
    finally:
        await Tortoise.close_connections()


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    if EXTERNAL_DATABASE:
        return None
    path = tmp_path_factory.mktemp("template") / "gogaek.sqlite3"
    use_office_timezone()
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
    if EXTERNAL_DATABASE:
        await _prepare(EXTERNAL_DATABASE)
    await Tortoise.init(config=tortoise_config())
    try:
        yield
    finally:
        await Tortoise.close_connections()

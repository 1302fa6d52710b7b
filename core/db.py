"""Database wiring: the Tortoise config for SQLite (default) or PostgreSQL, and migrations."""

from __future__ import annotations

import logging
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from pypika_tortoise import functions as sql_functions
from pypika_tortoise.terms import LiteralValue, Term
from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connection
from tortoise.expressions import Function
from tortoise.migrations.api import migrate as run_migrations

from core.settings import get_settings
from models import MODEL_MODULES

log = logging.getLogger(__name__)

# committed-means-durable: WAL with a full fsync at every commit; wait instead of failing when busy
SQLITE_PRAGMAS = {"journal_mode": "WAL", "synchronous": "FULL", "foreign_keys": "ON", "busy_timeout": "10000"}


def _connection_url(url: str) -> str:
    if not url.startswith("sqlite"):
        return url.replace("postgresql://", "postgres://", 1)
    base, _, query = url.partition("?")
    params = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
    for key, value in SQLITE_PRAGMAS.items():
        params.setdefault(key, value)
    return base + "?" + "&".join(f"{k}={v}" for k, v in params.items())


def tortoise_config(database_url: str | None = None) -> dict[str, Any]:
    url = database_url or get_settings().database_url
    return {
        "connections": {"default": _connection_url(url)},
        "apps": {
            "models": {"models": MODEL_MODULES, "default_connection": "default", "migrations": "migrations"}
        },
        # Naive datetimes in office time everywhere: see core.fields.LocalDatetimeField.
        "use_tz": False,
        "timezone": "UTC",
    }


# The Tortoise CLI (`tortoise -c core.db.TORTOISE_ORM makemigrations`) reads this.
TORTOISE_ORM = tortoise_config("sqlite://data/gogaek.sqlite3")


async def migrate(database_url: str | None = None) -> None:
    """Apply every pending migration, then close the migration connection."""
    config = tortoise_config(database_url)
    try:
        await run_migrations(config=config)
    finally:
        await Tortoise.close_connections()


class TextHead(Function):
    """`TextHead("inquiry", 1, 80)`: the first characters of a long text column. The bounds are
    written into the SQL as numbers: given as parameters, PostgreSQL picks its text-pattern
    SUBSTRING and refuses integers."""

    def _get_function_field(self, field: Term | str, *default_values) -> Term:
        start, length = (LiteralValue(str(int(value))) for value in default_values)
        return sql_functions.Substring(field, start, length)


async def serialize_numbering(connection: BaseDBAsyncClient, name: str) -> None:
    """Inside a transaction that picks "the day's highest number + 1" and inserts it: on
    PostgreSQL, whose transactions truly run side by side, wait for the other savers of the same
    kind of number (a transaction-level advisory lock, released at commit). SQLite already runs
    one write transaction at a time."""
    if connection.capabilities.dialect == "postgres":
        await connection.execute_query("SELECT pg_advisory_xact_lock($1)", [zlib.crc32(name.encode())])


async def database_status() -> dict[str, Any]:
    try:
        await get_connection("default").execute_query("SELECT 1")
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "engine": "sqlite" if get_settings().is_sqlite else "postgresql"}


@asynccontextmanager
async def open_database(database_url: str | None = None) -> AsyncIterator[None]:
    """Migrate, then connect the ORM for a command-line task; closes when done."""
    await migrate(database_url)
    await Tortoise.init(config=tortoise_config(database_url))
    try:
        yield
    finally:
        await Tortoise.close_connections()

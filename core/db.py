"""Database wiring: the Tortoise config for SQLite (default) or PostgreSQL, and migrations."""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
import time
import zlib
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from pypika_tortoise import functions as sql_functions
from pypika_tortoise.terms import LiteralValue, Term
from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.connection import get_connection
from tortoise.expressions import Function
from tortoise.migrations.api import migrate as run_migrations
from tortoise.migrations.recorder import MigrationRecorder
from tortoise.transactions import in_transaction

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


# Migrations renamed to say what they do (old name → new name). An office's database records the
# migrations it applied by name; the old names are rewritten before migrating, so a renamed
# migration is not taken for a new one and run again.
RENAMED_MIGRATIONS = {
    "0003_receptions_indexes": "0003_reception_stats_and_contact_indexes",
    "0004_bench_search_index": "0004_substring_search_tables",
    "0005_bench_indexes": "0005_reception_log_indexes",
}


async def migrate(database_url: str | None = None) -> None:
    """Apply every pending migration, then close the migration connection. On SQLite, refresh
    the query planner's statistics as well."""
    config = tortoise_config(database_url)
    try:
        await _rename_recorded_migrations(config)
        await run_migrations(config=config)
    finally:
        await Tortoise.close_connections()
    url = database_url or get_settings().database_url
    if url.startswith("sqlite"):
        refresh_statistics(url.split("://", 1)[1].split("?", 1)[0])


async def _rename_recorded_migrations(config: dict[str, Any]) -> None:
    """Rewrite the old names of RENAMED_MIGRATIONS in Tortoise's table of applied migrations
    (a new database has no such table yet: nothing to do)."""
    await Tortoise.init(config=config)
    try:
        connection = get_connection("default")
        recorder = MigrationRecorder(connection)
        applied = {key.name for key in await recorder.applied_migrations() if key.app_label == "models"}
        renames = [(old, new) for old, new in RENAMED_MIGRATIONS.items() if old in applied]
        if not renames:
            return
        mark = (lambda n: f"${n}") if connection.capabilities.dialect == "postgres" else (lambda n: "?")
        async with in_transaction("default") as transaction:
            for old, new in renames:
                await transaction.execute_query(
                    f"UPDATE {recorder.table_name} SET name = {mark(1)} WHERE app = {mark(2)} AND name = {mark(3)}",
                    [new, "models", old],
                )
        log.info("renamed recorded migrations: %s", ", ".join(f"{old} → {new}" for old, new in renames))
    finally:
        await Tortoise.close_connections()


PLANNER_SAMPLE_ROWS = 1000


def refresh_statistics(path: str) -> None:
    """ANALYZE on a sample of each index (tens of milliseconds even for a million receptions).
    Without statistics SQLite cannot tell that the log's (type, received_at) index beats the
    (type, state, received_at) one for a type alone, and sorts a quarter of a million rows."""
    if path in ("", ":memory:"):
        return
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA busy_timeout = 10000")
        connection.execute(f"PRAGMA analysis_limit = {PLANNER_SAMPLE_ROWS}")
        connection.execute("ANALYZE")
    finally:
        connection.close()


def grouped_day(value: Any) -> dt.date:
    """A day a query grouped by: a date (PostgreSQL), a datetime, or ISO text (SQLite)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


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
        close_read_connection()


# ---------------------------------------------------------------------------------------------
# Hand-written SQL for the hot paths (SQLite)
#
# The few queries a receptionist waits for (caller lookup, customer search, the reception log)
# have SQLite paths written in SQL: building a query through the ORM costs more than running it
# when the query itself takes a fraction of a millisecond. PostgreSQL keeps the ORM queries.


class _ReadConnection:
    """A second, read-only connection to the SQLite file, used from the event loop itself.

    Short indexed lookups (a caller's number, a business-number prefix) take some microseconds;
    handing them to the ORM's connection thread and back costs more than that. In WAL mode this
    connection reads the last committed state without waiting for, or blocking, the writer."""

    RECHECK_SECONDS = 1.0

    def __init__(self) -> None:
        self.path: str | None = None
        self.identity: tuple[int, int] | None = None
        self.checked = 0.0
        self.connection: sqlite3.Connection | None = None

    def get(self, path: str) -> sqlite3.Connection | None:
        now = time.monotonic()
        if path == self.path and self.connection is not None and now - self.checked < self.RECHECK_SECONDS:
            return self.connection
        try:
            stat = os.stat(path)
        except OSError:
            return None
        identity = (stat.st_dev, stat.st_ino)  # a restored or replaced file is another file
        if path != self.path or identity != self.identity or self.connection is None:
            self.close()
            connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA query_only = ON")
            connection.execute("PRAGMA busy_timeout = 2000")
            self.path, self.identity, self.connection = path, identity, connection
        self.checked = now
        return self.connection

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.path, self.identity, self.connection = None, None, None


_read_connection = _ReadConnection()

QUICK_BUDGET_SECONDS = 0.002


class SqliteReader:
    """Runs one operation's hand-written SQL on SQLite (see services that call sqlite_reader()).

    - `records(sql, params)`: on the ORM's connection, in its thread (any query; inside the
      current transaction, if any);
    - `quick=True`: a query known to be short (bounded index lookups), run at once on the read
      connection, from the event loop itself;
    - `quick="try"`: a query usually short but not always (an index probe whose size depends on
      the data): tried on the read connection for at most QUICK_BUDGET_SECONDS, then handed to the
      ORM's thread. The event loop is never held longer than that.

    Inside a transaction everything runs on the transaction's connection, which sees what the
    transaction wrote."""

    def __init__(self, client: Any) -> None:
        self.client = client
        path = getattr(client, "filename", None)
        self.read: sqlite3.Connection | None = None
        if path and path != ":memory:" and not isinstance(client, TransactionalDBClient):
            self.read = _read_connection.get(path)

    async def rows(
        self, sql: str, params: Sequence[Any] | dict[str, Any] = (), *, quick: bool | str = False
    ) -> tuple[list[str], list[tuple]]:
        """(column names, rows as tuples)."""
        if quick and self.read is not None:
            if quick != "try":
                cursor = self.read.execute(sql, params)
                rows = cursor.fetchall()
                return [d[0] for d in cursor.description or ()], rows
            deadline = time.perf_counter() + QUICK_BUDGET_SECONDS
            self.read.set_progress_handler(lambda: time.perf_counter() > deadline, 2000)
            try:
                cursor = self.read.execute(sql, params)
                rows = cursor.fetchall()
                return [d[0] for d in cursor.description or ()], rows
            except sqlite3.OperationalError as error:
                if "interrupted" not in str(error):
                    raise
            finally:
                self.read.set_progress_handler(None, 0)
        _, found = await self.client.execute_query(sql, params if isinstance(params, dict) else list(params))
        return (list(found[0].keys()) if found else []), [tuple(row) for row in found]

    async def records(
        self, sql: str, params: Sequence[Any] | dict[str, Any] = (), *, quick: bool | str = False
    ) -> list[dict[str, Any]]:
        """Rows as dicts (column name → value)."""
        names, rows = await self.rows(sql, params, quick=quick)
        return [dict(zip(names, row, strict=True)) for row in rows]

    async def value(
        self, sql: str, params: Sequence[Any] | dict[str, Any] = (), *, quick: bool | str = False
    ) -> Any:
        """The first column of the first row (None without rows)."""
        _, rows = await self.rows(sql, params, quick=quick)
        return rows[0][0] if rows else None


def sqlite_reader() -> SqliteReader | None:
    """A reader for hand-written SQLite SQL, or None on PostgreSQL (use the ORM there)."""
    client = get_connection("default")
    return SqliteReader(client) if client.capabilities.dialect == "sqlite" else None


def close_read_connection() -> None:
    _read_connection.close()

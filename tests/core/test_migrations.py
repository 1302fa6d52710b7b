import importlib
import inspect
import os
import sqlite3
from pathlib import Path

import pytest
from nicegui.testing import User
from tortoise import Tortoise, connections
from tortoise.migrations.api import migrate as run_migrations
from tortoise.models import Model
from tortoise.transactions import in_transaction

from core.db import RENAMED_MIGRATIONS, migrate, tortoise_config
from core.settings import get_settings
from models import MODEL_MODULES


def _model_tables() -> set[str]:
    tables = set()
    for name in MODEL_MODULES:
        for obj in vars(importlib.import_module(name)).values():
            if (
                inspect.isclass(obj)
                and issubclass(obj, Model)
                and obj.__module__ == name
                and not obj._meta.abstract
            ):
                tables.add(obj._meta.db_table)
    return tables


async def test_migrating_an_empty_database_creates_every_table(isolated_data):
    path = isolated_data / "empty.sqlite3"
    await migrate(f"sqlite://{path}")
    with sqlite3.connect(path) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
    expected = _model_tables()
    assert len(expected) == 33
    assert expected <= tables
    assert {
        "customer",
        "reception",
        "maintenance_contract",
        "quote_line",
        "call_event",
        "audit_entry",
    } <= tables
    assert mode == "wal"


@pytest.mark.skipif(bool(os.environ.get("GOGAEK_TEST_DATABASE_URL")), reason="reads SQLite's catalogue")
async def test_every_foreign_key_is_indexed(isolated_data):
    path = get_settings().sqlite_path
    with sqlite3.connect(path) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        missing = []
        for table in tables:
            for fk in connection.execute(f"PRAGMA foreign_key_list('{table}')"):
                column = fk[3]
                indexed = any(
                    [info[2] for info in connection.execute(f"PRAGMA index_info('{index[1]}')")][:1]
                    == [column]
                    for index in connection.execute(f"PRAGMA index_list('{table}')")
                )
                if not indexed:
                    missing.append(f"{table}.{column}")
    assert missing == []


async def test_migrating_twice_changes_nothing(isolated_data):
    path = isolated_data / "twice.sqlite3"
    url = f"sqlite://{path}"

    def schema_and_applied() -> tuple[list, list]:
        with sqlite3.connect(path) as connection:
            schema = connection.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
            applied = connection.execute("SELECT * FROM tortoise_migrations ORDER BY 1").fetchall()
        return schema, applied

    await migrate(url)
    first = schema_and_applied()
    await migrate(url)
    assert schema_and_applied() == first
    migration_files = [p for p in (Path(__file__).parents[2] / "migrations").glob("0*.py")]
    assert len(first[1]) == len(migration_files)  # every migration applied once, none again


async def _pragmas() -> dict[str, object]:
    connection = connections.get("default")
    found = {}
    for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout"):
        _, rows = await connection.execute_query(f"PRAGMA {name}")
        found[name] = rows[0][0]
    return found


# PRAGMA synchronous answers a number: 2 is FULL (every commit is fsynced)
DURABLE = {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "busy_timeout": 10000}


@pytest.mark.skipif(bool(os.environ.get("GOGAEK_TEST_DATABASE_URL")), reason="SQLite settings")
async def test_the_orm_connection_runs_in_wal_mode_with_full_sync(db):
    assert await _pragmas() == DURABLE
    async with in_transaction() as transaction:  # a transaction uses the same connection settings
        _, rows = await transaction.execute_query("PRAGMA synchronous")
        assert rows[0][0] == 2


@pytest.mark.skipif(bool(os.environ.get("GOGAEK_TEST_DATABASE_URL")), reason="SQLite settings")
async def test_the_running_app_writes_with_wal_and_full_sync(user: User):
    await user.open("/login")  # the app (main.py) has started and opened its own ORM connection
    assert await _pragmas() == DURABLE


def _insert_old_row(connection: sqlite3.Connection, table: str, **values) -> None:
    """A row as an older version wrote it: the given values, every other required column blank."""
    blanks = {"INT": 1, "INTEGER": None, "DATE": "2016-03-24", "TIMESTAMP": "2016-03-24 10:00:00"}
    for _, column, kind, required, default, _ in connection.execute(f"PRAGMA table_info({table})"):
        if required and default is None and column not in values and column != "id":
            values[column] = blanks.get(kind, "")
    names = ", ".join(values)
    connection.execute(
        f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(values))})", list(values.values())
    )


async def test_rows_made_before_a_search_column_are_found_after_migrating(tmp_path):
    """A data folder from before 명함 초성 search (0007) and search by a business number's last
    digits (0008): migrating fills the new columns of the rows already there."""
    path = tmp_path / "old.sqlite3"
    config = tortoise_config(f"sqlite://{path}")
    await run_migrations(config=config, target="models.0006_form_submission_receipt_number")
    await Tortoise.close_connections()
    with sqlite3.connect(path) as connection:
        _insert_old_row(connection, "business_card", name="홍길동", company_name="재근상사")
        _insert_old_row(
            connection, "customer", code="140213-001", company_name="재근상사", business_number="1112233332"
        )
    await run_migrations(config=config)
    await Tortoise.close_connections()
    with sqlite3.connect(path) as connection:
        cards = connection.execute("SELECT name_chosung, company_name_chosung FROM business_card").fetchall()
        numbers = connection.execute("SELECT business_number_reversed FROM customer").fetchall()
        opted_out = connection.execute("SELECT reminder_opt_out FROM customer").fetchall()
    assert cards == [("ㅎㄱㄷ", "ㅈㄱㅅㅅ")]
    assert numbers == [("2333322111",)]
    assert opted_out == [(0,)]  # 0009: a customer from before receives reminders


async def test_a_database_migrated_under_the_old_migration_names_upgrades_cleanly(tmp_path):
    """An office migrated before 0003-0005 were renamed has their old names recorded: migrating
    renames the records instead of running those migrations again (0004 would fail creating its
    search tables a second time), and then applies what came after."""
    path = tmp_path / "renamed.sqlite3"
    config = tortoise_config(f"sqlite://{path}")
    await run_migrations(config=config, target="models.0005_reception_log_indexes")
    await Tortoise.close_connections()
    with sqlite3.connect(path) as connection:
        for old, new in RENAMED_MIGRATIONS.items():
            connection.execute("UPDATE tortoise_migrations SET name = ? WHERE name = ?", (old, new))
        _insert_old_row(connection, "customer", code="140213-001", company_name="재근상사")

    await migrate(f"sqlite://{path}")

    with sqlite3.connect(path) as connection:
        recorded = [row[0] for row in connection.execute("SELECT name FROM tortoise_migrations ORDER BY id")]
        found = connection.execute(
            "SELECT rowid FROM customer_search WHERE customer_search MATCH '\"재근상\"'"
        ).fetchall()
    migration_files = sorted(p.stem for p in (Path(__file__).parents[2] / "migrations").glob("0*.py"))
    assert recorded == migration_files  # each once, under its new name, in order
    assert not set(RENAMED_MIGRATIONS) & set(recorded)
    assert len(found) == 1  # the search index still follows the customers

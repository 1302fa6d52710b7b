import io
import os
import sqlite3
import tarfile
import threading

import pytest

from core.settings import get_settings, reload_settings
from services.backup import (
    BackupError,
    create_backup,
    latest_automatic_backup,
    prune_backups,
    restore_backup,
    server_lock,
)

pytestmark = pytest.mark.skipif(bool(os.environ.get("GOGAEK_TEST_DATABASE_URL")), reason="SQLite backups")


def _rows(path, table="audit_entry") -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _extract_database(archive, target):
    with tarfile.open(archive) as tar:
        tar.extract("gogaek.sqlite3", target, filter="data")
    return target / "gogaek.sqlite3"


def test_backup_is_consistent_while_another_connection_writes(isolated_data, tmp_path):
    database = get_settings().sqlite_path
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE IF NOT EXISTS load_test (id INTEGER PRIMARY KEY, payload TEXT)")
    stop = threading.Event()

    def writer():
        connection = sqlite3.connect(database, timeout=30)
        connection.execute("PRAGMA journal_mode=WAL")
        while not stop.is_set():
            with connection:
                connection.execute("INSERT INTO load_test (payload) VALUES (?)", ("가" * 500,))
        connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        archives = [create_backup(tmp_path / f"b{i}.tar.gz") for i in range(3)]
    finally:
        stop.set()
        thread.join()
    for index, archive in enumerate(archives):
        copy = _extract_database(archive, tmp_path / f"x{index}")
        with sqlite3.connect(copy) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert connection.execute("SELECT count(*) FROM code_entry").fetchone()[0] > 50


def test_backup_holds_every_uploaded_file_and_restore_brings_everything_back(isolated_data, tmp_path):
    settings = get_settings()
    uploads = {
        settings.attachments_dir / "ab" / "abcdef": "첨부 내용".encode(),
        settings.customer_maps_dir / "map-1.png": b"\x89PNG map",
        settings.company_files_dir / "stamp.png": b"\x89PNG stamp",
    }
    for path, data in uploads.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    archive = create_backup(tmp_path)
    assert archive.parent == tmp_path and archive.name.endswith(".tar.gz")

    with sqlite3.connect(settings.sqlite_path) as connection:
        connection.execute("DELETE FROM code_entry WHERE kind = 'duty'")
    for path in uploads:
        path.unlink()
    (settings.customer_maps_dir / "uploaded-after-the-backup.png").write_bytes(b"new")

    aside = restore_backup(archive)
    for path, data in uploads.items():
        assert path.read_bytes() == data
    assert not (settings.customer_maps_dir / "uploaded-after-the-backup.png").exists()
    with sqlite3.connect(settings.sqlite_path) as connection:
        assert connection.execute("SELECT count(*) FROM code_entry WHERE kind = 'duty'").fetchone()[0] > 0
    assert (aside / "gogaek.sqlite3").exists()  # the data before the restore is kept
    assert (aside / "customer_maps" / "uploaded-after-the-backup.png").read_bytes() == b"new"


def test_restore_is_refused_while_a_server_holds_the_data_folder(isolated_data, tmp_path):
    archive = create_backup(tmp_path)
    with server_lock(), pytest.raises(BackupError, match="실행 중인 Gogaek 서버"):
        restore_backup(archive)


def test_restore_refuses_archives_that_escape_the_data_folder(isolated_data, tmp_path):
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        data = b"owned"
        info = tarfile.TarInfo("../../outside.txt")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(BackupError, match="허용되지 않는"):
        restore_backup(evil)
    assert not (tmp_path.parent / "outside.txt").exists()


def test_only_the_newest_automatic_backups_are_kept_and_those_made_by_hand_stay(isolated_data):
    folder = get_settings().data_dir / "backups"
    folder.mkdir()
    for day in range(1, 6):
        (folder / f"gogaek-auto-backup-202611{day:02d}-010000.tar.gz").write_bytes(b"x")
    by_hand = folder / "gogaek-backup-20261101-090000.tar.gz"
    by_hand.write_bytes(b"x")
    deleted = prune_backups(2)
    assert [p.name for p in deleted] == [f"gogaek-auto-backup-202611{d:02d}-010000.tar.gz" for d in (1, 2, 3)]
    assert latest_automatic_backup().name == "gogaek-auto-backup-20261105-010000.tar.gz"
    assert by_hand.exists()


async def test_the_daily_backup_runs_at_start_up_when_due_and_not_again_the_same_day(isolated_data):
    from services.backup import DailyBackups

    daily = DailyBackups()
    assert daily.due()
    await daily.run_once()
    assert daily.last_error == "" and daily.last_backup == latest_automatic_backup()
    assert daily.last_backup.name.startswith("gogaek-auto-backup-")
    assert _rows(_extract_database(daily.last_backup, daily.last_backup.parent / "x"), "code_entry") > 50
    assert not daily.due()


def test_postgresql_points_to_pg_dump(isolated_data, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@localhost/gogaek")
    reload_settings()
    with pytest.raises(BackupError, match="pg_dump"):
        create_backup()


async def test_automatic_backups_can_be_turned_off_for_a_throw_away_server(isolated_data, monkeypatch):
    from services.backup import DailyBackups

    assert get_settings().automatic_backups  # on unless turned off
    monkeypatch.setenv("GOGAEK_AUTO_BACKUP", "off")
    reload_settings()
    quiet = DailyBackups()
    await quiet.start()
    assert quiet._task is None and not (get_settings().data_dir / "backups").exists()


def test_two_restores_in_the_same_second_keep_both_earlier_states(isolated_data, tmp_path):
    archive = create_backup(tmp_path)
    first = restore_backup(archive)
    second = restore_backup(archive)
    assert first != second and (first / "gogaek.sqlite3").exists() and (second / "gogaek.sqlite3").exists()

import asyncio
import datetime as dt
import io
import os
import sqlite3
import tarfile
import threading

import pytest

from core.settings import get_settings, reload_settings
from services.backup import (
    BackupError,
    automatic_backup_due,
    create_backup,
    latest_automatic_backup,
    next_check,
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


async def test_the_automatic_backup_is_made_in_a_worker_process_and_not_again_at_the_next_start(
    isolated_data,
):
    from services.backup import DailyBackups

    daily = DailyBackups()
    assert daily.due(at_start_up=True)  # none yet
    await daily.run_once()
    assert daily.last_error == "" and daily.last_backup == latest_automatic_backup()
    assert daily.last_backup.name.startswith("gogaek-auto-backup-")
    assert _rows(_extract_database(daily.last_backup, daily.last_backup.parent / "x"), "code_entry") > 50
    assert not daily.due(at_start_up=True)
    # nor at tonight's backup time: it is less than twelve hours before it only if made after 14:00
    made = dt.datetime.fromtimestamp(daily.last_backup.stat().st_mtime)
    tonight = dt.datetime.combine(made.date() + dt.timedelta(days=1), dt.time(2, 0))
    assert daily.due(now=tonight + dt.timedelta(minutes=5)) == (made < tonight - dt.timedelta(hours=12))


NIGHT = dt.time(2, 0)


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute)


def test_backups_wait_for_the_quiet_hour_and_start_up_only_backs_up_an_old_office():
    due = automatic_backup_due
    # start-up: only when the newest is over 36 hours old (or there is none)
    assert due(_at(7, 9), None, at_start_up=True, backup_time=NIGHT)
    assert not due(_at(7, 9), _at(6, 2), at_start_up=True, backup_time=NIGHT)  # 31 h: office hours
    assert due(_at(7, 9), _at(5, 20), at_start_up=True, backup_time=NIGHT)  # 37 h
    # running: at 02:00, and until 06:00 for a server that slept through it, never in the day
    assert not due(_at(7, 1, 59), _at(6, 2), at_start_up=False, backup_time=NIGHT)
    assert due(_at(7, 2), _at(6, 2), at_start_up=False, backup_time=NIGHT)
    assert due(_at(7, 5, 59), _at(6, 2), at_start_up=False, backup_time=NIGHT)
    assert not due(_at(7, 6, 1), _at(6, 2), at_start_up=False, backup_time=NIGHT)
    assert not due(_at(7, 14), _at(5, 2), at_start_up=False, backup_time=NIGHT)  # missed: wait
    # once a night: not again after tonight's, nor right after a start-up backup at 01:30
    assert not due(_at(7, 2, 10), _at(7, 2, 0), at_start_up=False, backup_time=NIGHT)
    assert not due(_at(7, 2, 10), _at(7, 1, 30), at_start_up=False, backup_time=NIGHT)
    # an office that backs up at 23:00 (GOGAEK_BACKUP_TIME=23:00): the slot before midnight counts
    late = dt.time(23, 0)
    assert due(_at(8, 0, 30), _at(6, 23), at_start_up=False, backup_time=late)
    assert not due(_at(8, 0, 30), _at(7, 23, 1), at_start_up=False, backup_time=late)


def test_the_loop_sleeps_until_the_backup_time_in_short_naps():
    assert next_check(_at(7, 1, 55), NIGHT) == 300  # wakes at 02:00 sharp
    assert next_check(_at(7, 9), NIGHT) == 600  # looks at the clock again in ten minutes
    assert next_check(_at(7, 2), NIGHT) == 600  # just done: tomorrow's, in naps


def test_the_backup_time_is_read_as_hours_and_minutes(isolated_data, monkeypatch):
    assert get_settings().backup_time == NIGHT
    monkeypatch.setenv("GOGAEK_BACKUP_TIME", "23:30")
    assert reload_settings().backup_time == dt.time(23, 30)
    monkeypatch.setenv("GOGAEK_BACKUP_TIME", "밤")
    with pytest.raises(ValueError, match="시:분"):
        reload_settings()
    monkeypatch.delenv("GOGAEK_BACKUP_TIME")
    reload_settings()


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


async def test_a_failed_automatic_backup_is_reported_in_korean(isolated_data, monkeypatch, tmp_path):
    from services.backup import DailyBackups

    monkeypatch.setenv("DATABASE_URL", f"sqlite://{tmp_path / 'gone.sqlite3'}")
    reload_settings()  # the worker process reads the same environment
    daily = DailyBackups()
    await daily.run_once()
    assert daily.last_error.startswith("데이터베이스 파일이 없습니다") and daily.last_backup is None


async def test_stopping_the_server_stops_its_backup_at_once_and_the_next_one_clears_what_it_left(
    isolated_data,
):
    from services.backup import DailyBackups

    daily = DailyBackups()
    await daily.start()  # none yet: the start-up backup begins in its worker process
    await asyncio.sleep(0.05)
    await asyncio.wait_for(daily.stop(), 5)  # never waits for the backup to finish
    folder = get_settings().data_dir / "backups"
    stale = folder / "tmp-left-by-a-killed-worker"
    stale.mkdir(parents=True, exist_ok=True)
    (stale / "gogaek.sqlite3").write_bytes(b"x")
    old = dt.datetime.now().timestamp() - 2 * 3600
    os.utime(stale, (old, old))
    await daily.run_once()
    assert daily.last_error == "" and not stale.exists()
    assert [p.name for p in folder.iterdir()] == [daily.last_backup.name]


def test_two_backups_in_the_same_second_both_succeed(isolated_data):
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        made = list(pool.map(lambda _: create_backup(automatic=True), range(2)))
    assert all(path.is_file() for path in made)
    assert not list((get_settings().data_dir / "backups").glob("*.partial"))

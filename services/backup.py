"""Backups of the SQLite database and the uploaded files (attachments, 약도 images, the stamp).

`create_backup()` copies the database with SQLite's online backup API (a consistent snapshot even
while the server writes), checks the copy with `PRAGMA integrity_check`, and packs it with the
folders of uploaded files into one .tar.gz. `restore_backup()` refuses while a server holds the
data folder.
On PostgreSQL, use pg_dump / pg_restore instead (the commands say so)."""

from __future__ import annotations

import asyncio
import datetime as dt
import fcntl
import logging
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.settings import Settings, get_settings
from services.lifecycle import watch

log = logging.getLogger(__name__)

DATABASE_NAME = "gogaek.sqlite3"
BACKUP_PREFIX = "gogaek-backup-"  # `python main.py backup` into the default folder
AUTOMATIC_PREFIX = "gogaek-auto-backup-"  # the daily ones, of which only the newest N are kept
LOCK_NAME = ".server.lock"


class BackupError(Exception):
    """A Korean message for the command line or the settings screen."""


def _require_sqlite(settings: Settings) -> Path:
    if not settings.is_sqlite or settings.sqlite_path is None:
        raise BackupError(
            "PostgreSQL 데이터베이스는 pg_dump로 백업하고 pg_restore(또는 psql)로 복원하세요. "
            "예: pg_dump -Fc -f gogaek.dump <데이터베이스>. 첨부파일·약도·직인은 데이터 폴더의 attachments, customer_maps, company 폴더를 함께 복사하세요."
        )
    return settings.sqlite_path


def backups_dir(settings: Settings | None = None) -> Path:
    return (settings or get_settings()).data_dir / "backups"


def _integrity_ok(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


def create_backup(
    target: Path | None = None, settings: Settings | None = None, *, automatic: bool = False
) -> Path:
    """Write a verified backup archive of the database and every folder of uploaded files;
    returns its path. Safe while the server runs."""
    settings = settings or get_settings()
    database = _require_sqlite(settings)
    if not database.exists():
        raise BackupError(f"데이터베이스 파일이 없습니다: {database}")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    if target is None:
        prefix = AUTOMATIC_PREFIX if automatic else BACKUP_PREFIX
        target = backups_dir(settings) / f"{prefix}{stamp}.tar.gz"
    elif target.is_dir() or not target.name.endswith(".tar.gz"):  # a folder, perhaps still to make
        target = target / f"{BACKUP_PREFIX}{stamp}.tar.gz"
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        copy = Path(work) / DATABASE_NAME
        source = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
        destination = sqlite3.connect(copy)
        try:
            # one step: the copy reads one snapshot while the server goes on writing (WAL: readers
            # never block writers). Copied in several steps, any write in between would make
            # SQLite start the copy again, and a busy office's backup might never end.
            source.backup(destination)
        finally:
            destination.close()
            source.close()
        result = _integrity_ok(copy)
        if result != "ok":
            raise BackupError(f"백업본 검사에 실패했습니다 (integrity_check: {result}).")
        # its own name: two backups started in the same second (two starts of the app) must not
        # write one file; the one finishing last replaces the other with an equal copy
        partial = target.with_name(f"{target.name}.{os.getpid()}-{secrets.token_hex(4)}.partial")
        # the archive holds everything the database and the uploaded files hold: owner only
        partial.touch(mode=0o600)
        partial.chmod(0o600)
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(copy, arcname=DATABASE_NAME)
            for folder in settings.user_file_dirs:
                if folder.exists():
                    archive.add(folder, arcname=folder.name)
        os.replace(partial, target)
    log.info("backup written: %s", target)
    return target


def prune_backups(keep: int, settings: Settings | None = None) -> list[Path]:
    """Delete all but the newest `keep` automatic backups (never one made by hand); returns what
    was deleted."""
    archives = sorted(backups_dir(settings).glob(f"{AUTOMATIC_PREFIX}*.tar.gz"))
    doomed = archives[: max(0, len(archives) - keep)]
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


def latest_automatic_backup(settings: Settings | None = None) -> Path | None:
    archives = sorted(backups_dir(settings).glob(f"{AUTOMATIC_PREFIX}*.tar.gz"))
    return archives[-1] if archives else None


@contextmanager
def server_lock(settings: Settings | None = None) -> Iterator[None]:
    """Held by a running server for its whole life; the OS releases it even after a crash."""
    settings = settings or get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    handle = open(settings.data_dir / LOCK_NAME, "a+")  # noqa: SIM115 - held until the context ends
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise BackupError("이 데이터 폴더는 실행 중인 Gogaek 서버가 사용하고 있습니다.") from error
        yield
    finally:
        handle.close()


def _safe_members(archive: tarfile.TarFile, settings: Settings) -> list[tarfile.TarInfo]:
    allowed = {DATABASE_NAME, *(folder.name for folder in settings.user_file_dirs)}
    members = []
    for member in archive.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"백업 파일에 허용되지 않는 항목이 있습니다: {member.name}")
        if name.parts[0] not in allowed:
            raise BackupError(f"Gogaek 백업 파일이 아닙니다 ({member.name}).")
        members.append(member)
    return members


def _new_folder(wanted: Path) -> Path:
    """Make the folder, or `<name>-2`, `<name>-3`… when a restore in the same second made it."""
    for attempt in range(1, 1000):
        folder = wanted if attempt == 1 else wanted.with_name(f"{wanted.name}-{attempt}")
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        return folder
    raise BackupError(f"{wanted.parent}에 보관 폴더를 만들 수 없습니다.")


def restore_backup(archive_path: Path, settings: Settings | None = None) -> Path:
    """Replace the database and the uploaded files with the archive's. The current ones are kept aside
    in <data>/before-restore-<time>/. Refused while a server runs on this data folder."""
    settings = settings or get_settings()
    database = _require_sqlite(settings)
    if not archive_path.is_file():
        raise BackupError(f"백업 파일이 없습니다: {archive_path}")
    with server_lock(settings), tempfile.TemporaryDirectory(dir=settings.data_dir) as work:
        try:
            with tarfile.open(archive_path, "r:*") as archive:
                members = _safe_members(archive, settings)
                archive.extractall(work, members=members, filter="data")
        except tarfile.TarError as error:
            raise BackupError(f"백업 파일을 읽을 수 없습니다 ({error}).") from error
        restored = Path(work) / DATABASE_NAME
        if not restored.exists():
            raise BackupError("백업 파일에 데이터베이스가 없습니다.")
        result = _integrity_ok(restored)
        if result != "ok":
            raise BackupError(f"백업 파일의 데이터베이스가 손상되었습니다 (integrity_check: {result}).")
        aside = _new_folder(settings.data_dir / f"before-restore-{dt.datetime.now():%Y%m%d-%H%M%S}")
        for suffix in ("", "-wal", "-shm"):
            current = Path(str(database) + suffix)
            if current.exists():
                shutil.move(current, aside / current.name)
        for folder in settings.user_file_dirs:
            if folder.exists():
                shutil.move(folder, aside / folder.name)
        shutil.move(restored, database)
        for folder in settings.user_file_dirs:
            if (Path(work) / folder.name).exists():
                shutil.move(Path(work) / folder.name, folder)
    log.info("restored %s (previous data kept in %s)", archive_path, aside)
    return aside


START_UP_AGE = dt.timedelta(hours=36)  # at start-up, back up only when the newest is older
QUIET_WINDOW = dt.timedelta(hours=4)  # after the backup time: a server asleep longer waits a day
RECENT = dt.timedelta(hours=12)  # a backup this shortly before the backup time counts as tonight's
_CHECK_SECONDS = 600  # the loop looks at the clock this often (a PC may sleep, clocks may be set)
_RETRY_SECONDS = 3600  # after a failure
_PROJECT = Path(__file__).resolve().parents[1]  # where the worker process imports this module from


def automatic_backup_due(
    now: dt.datetime, newest: dt.datetime | None, *, at_start_up: bool, backup_time: dt.time
) -> bool:
    """At start-up: only when the newest automatic backup is over 36 h old (or there is none).
    Afterwards: within four hours after the backup time (never in office hours), unless one was
    made since twelve hours before it."""
    if at_start_up:
        return newest is None or now - newest > START_UP_AGE
    slot = dt.datetime.combine(now.date(), backup_time)
    if slot > now:
        slot -= dt.timedelta(days=1)
    return now - slot <= QUIET_WINDOW and (newest is None or newest < slot - RECENT)


def next_check(now: dt.datetime, backup_time: dt.time) -> float:
    """Seconds to sleep: until the next backup time, but never longer than _CHECK_SECONDS."""
    target = dt.datetime.combine(now.date(), backup_time)
    if target <= now:
        target += dt.timedelta(days=1)
    return max(1.0, min((target - now).total_seconds(), _CHECK_SECONDS))


def _remove_stale_work(folder: Path, older_than: dt.timedelta = dt.timedelta(hours=1)) -> None:
    """What a backup stopped midway left (its work folder, a .partial archive): a worker killed with
    a stopping server cannot clean up after itself."""
    if not folder.is_dir():
        return
    limit = dt.datetime.now().timestamp() - older_than.total_seconds()
    for path in [*folder.glob("tmp*"), *folder.glob("*.partial")]:
        if path.stat().st_mtime < limit:
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)


def worker_main() -> None:
    """The automatic backup's own process: a fresh interpreter that imports only this module, at a
    lower priority, so compressing a large database and the uploaded files takes no CPU time from
    the server's interpreter. The settings come from the same environment as the server's."""
    if hasattr(os, "nice"):
        os.nice(10)
    _remove_stale_work(backups_dir())
    try:
        print(create_backup(automatic=True))
    except BackupError as error:
        print(error, file=sys.stderr)
        sys.exit(1)


def _start_worker() -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", "from services.backup import worker_main; worker_main()"],
        cwd=_PROJECT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


async def _backup_in_worker() -> Path:
    # a thread waits for the worker (plain subprocess, no event-loop child watcher): a cancelled
    # wait ends at once, and the worker is killed with it
    process = await asyncio.to_thread(_start_worker)
    try:
        out, err = await asyncio.to_thread(process.communicate)
    except asyncio.CancelledError:  # the server stops: the backup stops with it
        process.kill()
        raise
    if process.returncode != 0:
        lines = err.strip().splitlines()
        log.error("backup worker failed:\n%s", "\n".join(lines))
        raise BackupError(lines[-1] if lines else "백업을 만들지 못했습니다.")
    return Path(out.strip().splitlines()[-1])


class DailyBackups:
    """The automatic backup, at the office's quiet hour (GOGAEK_BACKUP_TIME, default 02:00) in a
    worker process; at start-up only when the newest is over 36 h old; keeps the newest N
    (GOGAEK_BACKUP_KEEP)."""

    def __init__(self) -> None:
        self._task: asyncio.Task | None = None
        self.last_error = ""
        self.last_backup: Path | None = None

    def due(self, *, at_start_up: bool = False, now: dt.datetime | None = None) -> bool:
        latest = latest_automatic_backup()
        newest = dt.datetime.fromtimestamp(latest.stat().st_mtime) if latest else None
        return automatic_backup_due(
            now or dt.datetime.now(), newest, at_start_up=at_start_up, backup_time=get_settings().backup_time
        )

    async def run_once(self) -> None:
        try:
            self.last_backup = await _backup_in_worker()
            await asyncio.to_thread(prune_backups, get_settings().backup_keep)
            self.last_error = ""
        except Exception as error:  # a failed backup is reported, and tried again at the next check
            self.last_error = str(error)
            log.exception("automatic backup failed")

    async def _loop(self) -> None:
        if self.due(at_start_up=True):
            await self.run_once()
        while True:
            delay = next_check(dt.datetime.now(), get_settings().backup_time)
            await asyncio.sleep(max(delay, _RETRY_SECONDS) if self.last_error else delay)
            if self.due():
                await self.run_once()

    async def start(self) -> None:
        settings = get_settings()
        if settings.is_sqlite and settings.automatic_backups:
            self._task = watch(asyncio.create_task(self._loop(), name="daily backups"), "daily backups")

    async def stop(self) -> None:
        """Cancel the loop and wait for it: a backup under way is killed, not waited for."""
        task, self._task = self._task, None
        if task:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    def status(self) -> dict:
        latest = latest_automatic_backup() if get_settings().is_sqlite else None
        return {
            "latest": latest.name if latest else None,
            "ok": not self.last_error,
        }

"""The command line of main.py, run as the office runs it: `python main.py …` in a subprocess on a
data folder of its own."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from core.korean import josa

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(bool(os.environ.get("GOGAEK_TEST_DATABASE_URL")), reason="SQLite data folder")


def run(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "GOGAEK_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite://{data_dir / 'gogaek.sqlite3'}",
    }
    for name in ("NICEGUI_USER_SIMULATION", "NICEGUI_STORAGE_PATH", "PYTEST_CURRENT_TEST"):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "main.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def count(data_dir: Path, sql: str) -> int:
    with sqlite3.connect(data_dir / "gogaek.sqlite3") as connection:
        return connection.execute(sql).fetchone()[0]


def test_help_explains_every_command_in_korean(tmp_path):
    result = run(tmp_path / "data", "--help")
    assert result.returncode == 0
    for command, words in [
        ("serve", "서버 실행"),
        ("migrate", "데이터베이스 구조"),
        ("create-admin", "관리자 계정"),
        ("seed-demo", "예제"),
        ("backup", "백업"),
        ("restore", "복원"),
        ("service-file", "systemd"),
    ]:
        assert command in result.stdout and words in result.stdout
    assert "--port" in run(tmp_path / "data", "serve", "--help").stdout


def test_migrate_builds_the_schema_in_an_empty_folder(tmp_path):
    data_dir = tmp_path / "new-office"
    result = run(data_dir, "migrate")
    assert result.returncode == 0, result.stderr
    assert "최신 상태" in result.stdout
    tables = count(data_dir, "SELECT count(*) FROM sqlite_master WHERE type = 'table'")
    assert tables > 30
    assert count(data_dir, "SELECT count(*) FROM customer") == 0
    with sqlite3.connect(data_dir / "gogaek.sqlite3") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert run(data_dir, "migrate").returncode == 0  # again: nothing to do, no error


@pytest.mark.parametrize("where", ["before", "after"])
def test_a_busy_port_is_named_in_korean(tmp_path, where):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        args = ["--host", "127.0.0.1", "--port", port, "serve"]
        result = run(tmp_path / "data", *(args if where == "before" else ["serve", *args[:4]]))
    assert result.returncode == 2
    assert f"포트 {port}{josa(port, '을')} 이미 다른 프로그램이 사용 중입니다" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_data_folder_that_cannot_be_written_is_named_in_korean(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run(blocker / "data", "migrate")
    assert result.returncode == 2
    assert "데이터 폴더" in result.stderr and "쓸 수 없습니다" in result.stderr
    assert "Traceback" not in result.stderr


def test_backup_then_restore_asks_first_and_brings_the_data_back(tmp_path):
    data_dir = tmp_path / "data"
    assert run(data_dir, "create-admin", "--login", "boss", "--password", "Cli-test-pass-1").returncode == 0
    # the product hashes with argon2id's recommended costs (the in-process tests use the smallest)
    with sqlite3.connect(data_dir / "gogaek.sqlite3") as connection:
        (stored,) = connection.execute("SELECT password_hash FROM staff WHERE login = 'boss'").fetchone()
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    stamp = data_dir / "company" / "stamp.png"
    stamp.parent.mkdir()
    stamp.write_bytes(b"\x89PNG stamp")

    made = run(data_dir, "backup", str(tmp_path / "backups"))
    assert made.returncode == 0, made.stderr
    assert "백업했습니다" in made.stdout
    (archive,) = (tmp_path / "backups").glob("gogaek-backup-*.tar.gz")

    with sqlite3.connect(data_dir / "gogaek.sqlite3") as connection:
        connection.execute("DELETE FROM staff")
    stamp.unlink()

    cancelled = run(data_dir, "restore", str(archive), stdin="아니요\n")
    assert cancelled.returncode == 2 and "복원을 취소했습니다" in cancelled.stderr
    assert count(data_dir, "SELECT count(*) FROM staff") == 0

    restored = run(data_dir, "restore", str(archive), stdin="복원\n")
    assert restored.returncode == 0, restored.stderr
    assert "복원했습니다" in restored.stdout
    assert count(data_dir, "SELECT count(*) FROM staff WHERE login = 'boss'") == 1
    assert stamp.read_bytes() == b"\x89PNG stamp"

    scripted = run(data_dir, "restore", "--yes", str(archive))
    assert scripted.returncode == 0 and "복원했습니다" in scripted.stdout

    missing = run(data_dir, "restore", "--yes", str(tmp_path / "nothing.tar.gz"))
    assert missing.returncode == 2 and "백업 파일이 없습니다" in missing.stderr


def test_service_file_prints_a_systemd_unit_for_this_folder_user_and_port(tmp_path):
    import getpass

    result = run(tmp_path / "data", "service-file", "--port", "9000")
    assert result.returncode == 0, result.stderr
    assert f"ExecStart={sys.executable} {ROOT / 'main.py'} --host 0.0.0.0 --port 9000" in result.stdout
    assert f"WorkingDirectory={ROOT}" in result.stdout and f"User={getpass.getuser()}" in result.stdout
    assert f"Environment=GOGAEK_DATA_DIR={(tmp_path / 'data').resolve()}" in result.stdout

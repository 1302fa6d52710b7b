import datetime as dt
import hashlib
import json
import logging

import pytest

from core.logs import setup_logging


@pytest.fixture
def app_logging(isolated_data):
    setup_logging(isolated_data)
    yield
    _stop_logging()


def _stop_logging() -> None:
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_gogaek", False)]:
        root.removeHandler(handler)
        handler.close()


def test_secrets_never_reach_the_log_file(isolated_data, app_logging):
    digest = hashlib.sha512(b"centrex-password").hexdigest()
    log = logging.getLogger("gogaek.test")
    log.warning("centrex request id=07012345678&pass=%s failed", digest)
    log.warning("stored hash $argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA for kim")
    log.warning("callback /centrex/ring?token=abcdef123456 answered")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = (isolated_data / "logs" / "gogaek.log").read_text(encoding="utf-8")
    assert "centrex request" in text and "id=07012345678" in text
    assert digest not in text and "$argon2id$" not in text and "abcdef123456" not in text


def _lines(path) -> list[dict]:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_every_line_is_a_json_object_with_time_level_component_and_message(isolated_data, app_logging):
    logging.getLogger("telephony.poller").warning("Centrex 회선 %s: 응답 없음", "07012345678")
    try:
        raise RuntimeError("stored hash $argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA and pass=hunter22")
    except RuntimeError:
        logging.getLogger("services.backup").exception("자동 백업 실패")

    first, second = _lines(isolated_data / "logs" / "gogaek.log")[-2:]
    assert first["level"] == "WARNING" and first["logger"] == "telephony.poller"
    assert first["message"] == "Centrex 회선 07012345678: 응답 없음"
    assert "exception" not in first
    written_at = dt.datetime.fromisoformat(first["time"])
    assert written_at.utcoffset() == dt.timedelta(hours=9)  # Asia/Seoul
    assert abs(written_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)

    assert second["level"] == "ERROR" and second["logger"] == "services.backup"
    assert second["message"] == "자동 백업 실패"
    assert second["exception"].startswith("Traceback") and "RuntimeError: stored hash" in second["exception"]
    assert "$argon2" not in second["exception"] and "hunter22" not in second["exception"]
    assert "[argon2]" in second["exception"] and "pass=[redacted]" in second["exception"]


def test_the_log_file_rotates_at_its_size_limit(isolated_data):
    setup_logging(isolated_data, max_bytes=2000, backup_count=2)
    try:
        log = logging.getLogger("gogaek.test")
        for number in range(100):
            log.info("줄 %d %s", number, "x" * 50)
    finally:
        _stop_logging()
    folder = isolated_data / "logs"
    assert sorted(p.name for p in folder.iterdir()) == ["gogaek.log", "gogaek.log.1", "gogaek.log.2"]
    for name in ("gogaek.log", "gogaek.log.1", "gogaek.log.2"):
        assert (folder / name).stat().st_size <= 2000
        assert all(entry["logger"] == "gogaek.test" for entry in _lines(folder / name))
    assert _lines(folder / "gogaek.log")[-1]["message"].startswith("줄 99 ")


def test_the_size_limit_comes_from_the_environment(isolated_data, monkeypatch):
    monkeypatch.setenv("GOGAEK_LOG_MAX_MB", "0.001")  # about 1 KB
    monkeypatch.setenv("GOGAEK_LOG_FILES", "3")
    setup_logging(isolated_data)
    try:
        for number in range(60):
            logging.getLogger("gogaek.test").info("줄 %d %s", number, "y" * 40)
    finally:
        _stop_logging()
    names = sorted(p.name for p in (isolated_data / "logs").iterdir())
    assert names == ["gogaek.log", "gogaek.log.1", "gogaek.log.2", "gogaek.log.3"]

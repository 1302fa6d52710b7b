"""Application log: rotating files of JSON lines in the data folder, plus a readable console.

Every line of `<data>/logs/gogaek.log` is one JSON object:
`{"time": "2026-11-27T10:30:00.123+09:00", "level": "WARNING", "logger": "telephony.poller",
"message": "...", "exception": "Traceback ..."}` ("exception" only when there is one), so a
monitoring tool or `jq` can filter by level or component. Secrets are removed from the message and
the traceback before anything is written (RedactSecrets, on every handler)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import logging.handlers
import os
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from core.settings import TIMEZONE

CONSOLE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LOG_FILE = "gogaek.log"
DEFAULT_MAX_MB = 10.0
DEFAULT_FILES = 10

# what must never reach a log file: SHA-512 password hashes, argon2 hashes, session tokens,
# and password-like parameters
_SECRETS = [
    (re.compile(r"\b[0-9a-fA-F]{128}\b"), "[sha512]"),
    (re.compile(r"\$argon2[^\s'\"]+"), "[argon2]"),
    (re.compile(r"(?i)\b(pass|password|passwd|pw|token|secret|session)=([^&\s'\"]+)"), r"\1=[redacted]"),
]


def redact(text: str) -> str:
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


_TRACEBACKS = logging.Formatter()


class RedactSecrets(logging.Filter):
    """Applied by every handler: the message and any traceback (exception messages can quote
    values, e.g. a URL with its parameters) are cleaned before they are written."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = _TRACEBACKS.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class JsonLines(logging.Formatter):
    """One JSON object per record: time (ISO 8601, office time with its offset), level, logger
    (the component), message, and exception / stack when present."""

    zone = ZoneInfo(TIMEZONE)

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, self.zone).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(self.formatException(record.exc_info))
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False)


def _number(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name) or default)
    except ValueError:
        return default


def setup_logging(
    data_dir: Path,
    level: int = logging.INFO,
    *,
    max_bytes: int | None = None,
    backup_count: int | None = None,
) -> None:
    """Log to `<data>/logs/gogaek.log` (JSON lines, rotated at `max_bytes`, `backup_count` old
    files kept; defaults from GOGAEK_LOG_MAX_MB / GOGAEK_LOG_FILES) and to the console."""
    if max_bytes is None:
        max_bytes = int(_number("GOGAEK_LOG_MAX_MB", DEFAULT_MAX_MB) * 1024 * 1024)
    if backup_count is None:
        backup_count = int(_number("GOGAEK_LOG_FILES", DEFAULT_FILES))
    log_dir = data_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    file_handler = logging.handlers.RotatingFileHandler(
        log_dir / LOG_FILE, maxBytes=max(1, max_bytes), backupCount=max(1, backup_count), encoding="utf-8"
    )
    file_handler.setFormatter(JsonLines())
    console = logging.StreamHandler()
    console.setFormatter(logging.Formatter(CONSOLE_FORMAT))
    root = logging.getLogger()
    root.setLevel(level)
    for handler in list(root.handlers):
        if getattr(handler, "_gogaek", False):
            root.removeHandler(handler)
            handler.close()
    for handler in (file_handler, console):
        handler._gogaek = True  # type: ignore[attr-defined]
        handler.addFilter(RedactSecrets())
        root.addHandler(handler)
    logging.getLogger("tortoise").setLevel(logging.WARNING)
    # httpx notes every request at INFO: the Centrex poller alone would add a line every 3 s
    logging.getLogger("httpx").setLevel(logging.WARNING)

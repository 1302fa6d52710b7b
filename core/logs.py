"""Application log: rotating files in the data folder, plus the console."""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

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


def setup_logging(data_dir: Path, level: int = logging.INFO) -> None:
    log_dir = data_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    file_handler = logging.handlers.RotatingFileHandler(
        log_dir / "gogaek.log", maxBytes=10 * 1024 * 1024, backupCount=10, encoding="utf-8"
    )
    file_handler.setFormatter(logging.Formatter(FORMAT))
    console = logging.StreamHandler()
    console.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    root.setLevel(level)
    for handler in list(root.handlers):
        if getattr(handler, "_gogaek", False):
            root.removeHandler(handler)
    for handler in (file_handler, console):
        handler._gogaek = True  # type: ignore[attr-defined]
        handler.addFilter(RedactSecrets())
        root.addHandler(handler)
    logging.getLogger("tortoise").setLevel(logging.WARNING)
    # httpx notes every request at INFO: the Centrex poller alone would add a line every 3 s
    logging.getLogger("httpx").setLevel(logging.WARNING)

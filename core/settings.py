"""Application settings, read once from the environment (and CLI overrides in main.py)."""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

TIMEZONE = "Asia/Seoul"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    session_idle_hours: float = 8.0
    session_max_days: float = 7.0
    upload_limit_mb: int = 20
    # files waiting in forms not saved yet: per form and for the whole server
    pending_upload_files: int = 10
    pending_upload_mb: int = 100
    pending_uploads_total_mb: int = 1024
    tls_certfile: Path | None = None
    tls_keyfile: Path | None = None
    backup_keep: int = 14
    automatic_backups: bool = True
    backup_time: dt.time = dt.time(2, 0)  # the daily automatic backup, local (office) time
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        return Path(self.database_url.split("://", 1)[1].split("?", 1)[0])

    @property
    def attachments_dir(self) -> Path:
        return self.data_dir / "attachments"

    @property
    def customer_maps_dir(self) -> Path:
        return self.data_dir / "customer_maps"

    @property
    def pending_uploads_dir(self) -> Path:
        """Uploads to forms not saved yet (on disk, not in memory); emptied at start-up."""
        return self.data_dir / "pending-uploads"

    @property
    def uses_tls(self) -> bool:
        return self.tls_certfile is not None

    @property
    def company_files_dir(self) -> Path:
        """The company's stamp (직인) and logo for printed quotes."""
        return self.data_dir / "company"

    @property
    def user_file_dirs(self) -> tuple[Path, ...]:
        """Every folder of files users uploaded: backups carry all of them with the database."""
        return (self.attachments_dir, self.customer_maps_dir, self.company_files_dir)

    @property
    def upload_limit_bytes(self) -> int:
        return self.upload_limit_mb * 1024 * 1024


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw else default


def _path(name: str) -> Path | None:
    raw = os.environ.get(name, "").strip()
    return Path(raw).resolve() if raw else None


def _time_of_day(name: str, default: dt.time) -> dt.time:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return dt.time.fromisoformat(raw)
    except ValueError as error:
        raise ValueError(f"{name}는 시:분으로 적으세요 (예: 02:00). 지금 값: {raw!r}") from error


def load_settings() -> Settings:
    data_dir = Path(os.environ.get("GOGAEK_DATA_DIR", "data")).resolve()
    database_url = os.environ.get("DATABASE_URL") or f"sqlite://{data_dir / 'gogaek.sqlite3'}"
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        session_idle_hours=_float("GOGAEK_SESSION_IDLE_HOURS", 8.0),
        session_max_days=_float("GOGAEK_SESSION_MAX_DAYS", 7.0),
        upload_limit_mb=int(_float("GOGAEK_UPLOAD_LIMIT_MB", 20)),
        pending_upload_files=int(_float("GOGAEK_PENDING_UPLOAD_FILES", 10)),
        pending_upload_mb=int(_float("GOGAEK_PENDING_UPLOAD_MB", 100)),
        pending_uploads_total_mb=int(_float("GOGAEK_PENDING_UPLOADS_TOTAL_MB", 1024)),
        tls_certfile=_path("GOGAEK_TLS_CERT"),
        tls_keyfile=_path("GOGAEK_TLS_KEY"),
        backup_keep=int(_float("GOGAEK_BACKUP_KEEP", 14)),
        # off only where something else backs the data up, or for a throw-away server (benchmarks)
        automatic_backups=os.environ.get("GOGAEK_AUTO_BACKUP", "on").strip().lower()
        not in ("0", "off", "no"),
        backup_time=_time_of_day("GOGAEK_BACKUP_TIME", dt.time(2, 0)),
        extra={k: v for k, v in os.environ.items() if k.startswith("GOGAEK_")},
    )


@cache
def get_settings() -> Settings:
    return load_settings()


def reload_settings() -> Settings:
    """Read the environment again (after the CLI or a test changed it)."""
    get_settings.cache_clear()
    return get_settings()


def use_office_timezone() -> None:
    """Run the process in Korean time so timestamps, logs and 'today' are what the office sees."""
    os.environ["TZ"] = TIMEZONE
    if hasattr(time, "tzset"):
        time.tzset()

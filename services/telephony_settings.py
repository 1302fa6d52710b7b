"""Telephony settings (설정 → CTI환경설정, API사용자등록): stored in AppSetting, overridable at
start-up by environment variables so an installer or a test can configure a server headlessly.

Each value remembers where it came from (environment, saved setting, default) so the settings
screen can say so; a value given by the environment wins and is shown read-only."""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import ipaddress
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, fields
from typing import Any, Generic, TypeVar

from core.audit import Actor, acting_as
from core.errors import ValidationError
from core.inputs import refuse, whole_number, wrong_texts
from core.korean import josa
from core.settings import get_settings
from models.settings import AppSetting
from services.centrex_client import DEFAULT_BASE_URL, DEFAULT_TIMEOUT_SECONDS

log = logging.getLogger(__name__)

CTI_KEY = "telephony.cti"
CALLS_KEY = "telephony.calls"
CENTREX_KEY = "telephony.centrex"
WEBHOOK_KEY = "telephony.webhook"

BAUD_RATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
DEFAULT_INIT_COMMANDS = ("ATZ", "AT+VCID=1")
MIN_POLL_SECONDS, MAX_POLL_SECONDS = 0.2, 600.0
PRIVATE_NETWORKS = tuple(
    ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
)


class Part(enum.StrEnum):
    """What a saved change concerns, for the running telephony to re-read."""

    CTI = "cti"
    CALLS = "calls"
    CENTREX = "centrex"  # the Centrex settings or the ring-callback secret
    CENTREX_LINES = "centrex_lines"  # an API사용자 added, changed or removed
    WEBHOOK = "webhook"


_listener: Callable[[Part], Awaitable[None]] | None = None


def on_change(listener: Callable[[Part], Awaitable[None]] | None) -> None:
    """The running telephony's one entry point for settings changes (telephony.runtime.apply_settings
    while it runs; None when it stops). Screens only save; they never re-apply anything themselves."""
    global _listener
    _listener = listener


async def changed(part: Part) -> None:
    """After a change was stored: the running telephony takes it up (a failure there is logged,
    the change stays saved and applies at the next start)."""
    if _listener is None:
        return
    try:
        await _listener(part)
    except Exception:
        log.exception("could not apply the changed %s settings", part)


class Origin(enum.StrEnum):
    ENV = "env"
    SAVED = "saved"
    DEFAULT = "default"


class Preset(enum.StrEnum):
    MODEM = "modem"
    REGEX = "regex"


class PopupTarget(enum.StrEnum):
    ALL = "all"  # every signed-in browser
    EXTENSION_FIRST = "extension_first"  # the extension's staff at once, everyone else a little later
    EXTENSION_ONLY = "extension_only"  # only the extension's staff (everyone when nobody has it)


@dataclass(frozen=True)
class CtiSettings:
    enabled: bool = False
    port: str = ""
    baud: int = 9600
    preset: Preset = Preset.MODEM
    regex: str = ""
    init_commands: tuple[str, ...] = DEFAULT_INIT_COMMANDS


@dataclass(frozen=True)
class CallSettings:
    dedup_seconds: int = 30
    popup_target: PopupTarget = PopupTarget.ALL
    others_delay_seconds: int = 10


@dataclass(frozen=True)
class CentrexSettings:
    base_url: str = DEFAULT_BASE_URL
    poll_seconds: float = 3.0
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    ring_secret: str = ""
    ring_host: str = ""
    ring_port: int = 8080


T = TypeVar("T", CtiSettings, CallSettings, CentrexSettings)


@dataclass(frozen=True)
class Loaded(Generic[T]):
    """Effective values plus, per field, where each came from."""

    values: T
    origins: dict[str, Origin]
    env_names: dict[str, str] = field(default_factory=dict)
    env_errors: dict[str, str] = field(default_factory=dict)
    version: int | None = None

    def origin_label(self, name: str) -> str:
        origin = self.origins.get(name, Origin.DEFAULT)
        if origin == Origin.ENV:
            return f"환경변수 {self.env_names[name]}"
        return "저장된 설정" if origin == Origin.SAVED else "기본값"

    def from_env(self, name: str) -> bool:
        return self.origins.get(name) == Origin.ENV


def _parse_bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ValueError(raw)


# field → (environment variable, parser of its text)
ENV_FIELDS: dict[type, dict[str, tuple[str, Callable[[str], Any]]]] = {
    CtiSettings: {
        "port": ("GOGAEK_CTI_PORT", str.strip),
        "baud": ("GOGAEK_CTI_BAUD", int),
        "preset": ("GOGAEK_CTI_PRESET", lambda raw: Preset(raw.strip().lower())),
        "regex": ("GOGAEK_CTI_REGEX", str),
        "enabled": ("GOGAEK_CTI_ENABLED", _parse_bool),
    },
    CallSettings: {},
    CentrexSettings: {
        "base_url": ("GOGAEK_CENTREX_BASE_URL", lambda raw: raw.strip().rstrip("/")),
        "poll_seconds": ("GOGAEK_CENTREX_POLL_SECONDS", float),
    },
}

KEYS: dict[type, str] = {CtiSettings: CTI_KEY, CallSettings: CALLS_KEY, CentrexSettings: CENTREX_KEY}


def _coerce(kind: type, name: str, raw: Any) -> Any:
    default = getattr(kind(), name)
    if isinstance(default, enum.Enum):
        return type(default)(raw)
    if isinstance(default, bool):
        return bool(raw)
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, tuple):
        return tuple(str(item) for item in raw)
    return str(raw)


async def _load(kind: type[T]) -> Loaded[T]:
    row = await AppSetting.get_or_none(key=KEYS[kind])
    stored: dict[str, Any] = dict(row.value) if row and isinstance(row.value, dict) else {}
    values: dict[str, Any] = {}
    origins: dict[str, Origin] = {}
    for item in fields(kind):
        origins[item.name] = Origin.DEFAULT
        if item.name in stored:
            try:
                values[item.name] = _coerce(kind, item.name, stored[item.name])
                origins[item.name] = Origin.SAVED
            except (TypeError, ValueError):
                log.warning("ignoring stored telephony setting %s.%s", KEYS[kind], item.name)
    environment = get_settings().extra
    env_names: dict[str, str] = {}
    env_errors: dict[str, str] = {}
    for name, (variable, parse) in ENV_FIELDS[kind].items():
        raw = environment.get(variable)
        if raw is None or raw.strip() == "":
            continue
        env_names[name] = variable
        try:
            values[name] = parse(raw)
            origins[name] = Origin.ENV
        except (TypeError, ValueError):
            env_errors[name] = (
                f"환경변수 {variable}의 값 '{raw}'{josa(raw, '이')} 올바르지 않아 무시했습니다."
            )
            log.warning("ignoring invalid environment variable %s=%r", variable, raw)
    if kind is CtiSettings and origins.get("port") == Origin.ENV and "enabled" not in env_names:
        # giving the port at start-up means "read it": headless set-up needs no second switch
        values["enabled"] = True
        origins["enabled"] = Origin.ENV
        env_names["enabled"] = env_names["port"]
    return Loaded(
        values=kind(**values),
        origins=origins,
        env_names=env_names,
        env_errors=env_errors,
        version=row.version if row else None,
    )


async def load_cti_settings() -> Loaded[CtiSettings]:
    return await _load(CtiSettings)


async def load_call_settings() -> Loaded[CallSettings]:
    return await _load(CallSettings)


async def load_centrex_settings() -> Loaded[CentrexSettings]:
    loaded = await _load(CentrexSettings)
    if not loaded.values.ring_secret:
        await _store(CentrexSettings, {"ring_secret": new_ring_secret()}, version=None, by=None)
        loaded = await _load(CentrexSettings)
    return loaded


def new_ring_secret() -> str:
    return secrets.token_urlsafe(32)


def _jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return list(value)
    return value


async def _store(kind: type, updates: dict[str, Any], *, version: int | None, by: Actor | None) -> None:
    """Merge `updates` into the stored JSON. `version` is what the screen opened (None: no check)."""
    row = await AppSetting.get_or_none(key=KEYS[kind])
    merged = {**(row.value if row and isinstance(row.value, dict) else {})}
    merged.update({name: _jsonable(value) for name, value in updates.items()})

    async def write() -> None:
        if row is None:
            await AppSetting.create(key=KEYS[kind], value=merged)
            return
        row.value = merged
        if version is not None:
            row.version = version
        await row.save()

    if by is None:
        await write()
    else:
        with acting_as(by):
            await write()


def _changes(loaded: Loaded, submitted: dict[str, Any]) -> dict[str, Any]:
    """Values given by the environment are not saved from the screen (they would not apply)."""
    return {name: value for name, value in submitted.items() if not loaded.from_env(name)}


async def save_cti_settings(
    *,
    by: Actor,
    version: int | None,
    enabled: bool,
    port: str,
    baud: int,
    preset: Preset | str,
    regex: str,
    init_commands: str | tuple[str, ...],
) -> Loaded[CtiSettings]:
    by.require_admin()
    refuse(wrong_texts(port=port, regex=regex))
    loaded = await load_cti_settings()
    errors: dict[str, str] = {}
    port = (port or "").strip()
    if len(port) > 200:
        errors["port"] = "포트는 200자 이내로 입력하세요."
    try:
        preset = Preset(preset)
    except ValueError:
        errors["preset"] = "형식을 선택하세요."
    baud = whole_number(baud)
    if baud not in BAUD_RATES:
        errors["baud"] = "속도(baud)를 목록에서 고르세요."
    effective_port = loaded.values.port if loaded.from_env("port") else port
    if enabled and not effective_port:
        errors["port"] = "사용하려면 포트를 입력하세요 (예: /dev/ttyUSB0, COM3)."
    effective_preset = loaded.values.preset if loaded.from_env("preset") else preset
    effective_regex = loaded.values.regex if loaded.from_env("regex") else regex
    if effective_preset == Preset.REGEX and (problem := regex_problem(effective_regex)):
        errors["regex"] = problem
    if isinstance(init_commands, str):
        commands = tuple(line.strip() for line in init_commands.splitlines() if line.strip())
    else:
        commands = tuple(c.strip() for c in init_commands if c.strip())
    if any(len(c) > 60 or not c.isascii() or not c.isprintable() for c in commands):
        errors["init_commands"] = "초기화 명령은 한 줄에 하나씩, 영문 60자 이내로 입력하세요."
    if errors:
        raise ValidationError(errors)
    submitted = {
        "enabled": bool(enabled),
        "port": port,
        "baud": baud,
        "preset": preset,
        "regex": regex or "",
        "init_commands": commands,
    }
    await _store(CtiSettings, _changes(loaded, submitted), version=version, by=by)
    await changed(Part.CTI)
    return await load_cti_settings()


def regex_problem(pattern: str) -> str | None:
    if not (pattern or "").strip():
        return "정규식을 입력하세요. 번호 부분은 (?P<number>...) 로 표시합니다."
    try:
        compiled = re.compile(pattern)
    except re.error as error:
        return f"정규식 오류: {error}"
    if "number" not in compiled.groupindex:
        return "정규식에 번호를 담는 이름 그룹 (?P<number>...) 이 있어야 합니다."
    return None


async def save_call_settings(
    *,
    by: Actor,
    version: int | None,
    dedup_seconds: int,
    popup_target: PopupTarget | str,
    others_delay_seconds: int,
) -> Loaded[CallSettings]:
    by.require_admin()
    errors: dict[str, str] = {}
    dedup_seconds = whole_number(dedup_seconds)
    if dedup_seconds is None or not 1 <= dedup_seconds <= 600:
        errors["dedup_seconds"] = "1~600초 사이로 입력하세요."
    try:
        popup_target = PopupTarget(popup_target)
    except ValueError:
        errors["popup_target"] = "팝업 대상을 고르세요."
    others_delay_seconds = whole_number(others_delay_seconds)
    if others_delay_seconds is None or not 0 <= others_delay_seconds <= 300:
        errors["others_delay_seconds"] = "0~300초 사이로 입력하세요."
    if errors:
        raise ValidationError(errors)
    submitted = {
        "dedup_seconds": dedup_seconds,
        "popup_target": popup_target,
        "others_delay_seconds": others_delay_seconds,
    }
    await _store(CallSettings, submitted, version=version, by=by)
    await changed(Part.CALLS)
    return await load_call_settings()


async def save_centrex_settings(
    *,
    by: Actor,
    version: int | None,
    base_url: str,
    poll_seconds: float,
    timeout_seconds: float,
    ring_host: str,
    ring_port: int,
) -> Loaded[CentrexSettings]:
    by.require_admin()
    refuse(wrong_texts(base_url=base_url, ring_host=ring_host))
    loaded = await load_centrex_settings()
    errors: dict[str, str] = {}
    base_url = (base_url or "").strip().rstrip("/")
    if not re.match(r"^https?://[^\s/]+", base_url):
        errors["base_url"] = "http:// 또는 https:// 로 시작하는 주소를 입력하세요."
    try:
        poll_seconds = float(poll_seconds)
        if not MIN_POLL_SECONDS <= poll_seconds <= MAX_POLL_SECONDS:  # NaN fails this too
            raise ValueError
    except (TypeError, ValueError):
        errors["poll_seconds"] = f"{MIN_POLL_SECONDS:g}~{MAX_POLL_SECONDS:g}초 사이로 입력하세요."
    try:
        timeout_seconds = float(timeout_seconds)
        if not 0.1 <= timeout_seconds <= 60:
            raise ValueError
    except (TypeError, ValueError):
        errors["timeout_seconds"] = "0.1~60초 사이로 입력하세요."
    ring_host = (ring_host or "").strip()
    if ring_host and (problem := ipv4_problem(ring_host)):
        errors["ring_host"] = problem
    ring_port = whole_number(ring_port)
    if ring_port is None or not 1 <= ring_port <= 65535:
        errors["ring_port"] = "1~65535 사이의 포트 번호를 입력하세요."
    if errors:
        raise ValidationError(errors)
    submitted = {
        "base_url": base_url,
        "poll_seconds": poll_seconds,
        "timeout_seconds": timeout_seconds,
        "ring_host": ring_host,
        "ring_port": ring_port,
    }
    await _store(CentrexSettings, _changes(loaded, submitted), version=version, by=by)
    await changed(Part.CENTREX)
    return await load_centrex_settings()


def ipv4_problem(host: str) -> str | None:
    try:
        address = ipaddress.IPv4Address(host)
    except ValueError:
        return "공인 IPv4 주소를 숫자로 입력하세요 (예: 203.0.113.10)."
    if (
        address.is_loopback
        or address.is_unspecified
        or address.is_link_local
        or address.is_multicast
        or any(address in network for network in PRIVATE_NETWORKS)
    ):
        return "센트릭스가 접속할 수 있는 공인 IP 주소여야 합니다 (사설 IP는 쓸 수 없습니다)."
    return None


async def renew_ring_secret(*, by: Actor) -> Loaded[CentrexSettings]:
    """A new secret path: the old callback address stops working at once (register again)."""
    by.require_admin()
    await _store(CentrexSettings, {"ring_secret": new_ring_secret()}, version=None, by=by)
    await changed(Part.CENTREX)
    return await load_centrex_settings()


def ring_path(secret: str) -> str:
    return f"/centrex/ring/{secret}.html"


# -- the PBX webhook (POST /cti/<token>) --------------------------------------------------------


@dataclass(frozen=True)
class WebhookToken:
    """What the settings screen may show of the webhook's token: only its last characters (the
    whole token is shown once, when it is made)."""

    exists: bool
    hint: str = ""
    created_at: dt.datetime | None = None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def webhook_token() -> WebhookToken:
    row = await AppSetting.get_or_none(key=WEBHOOK_KEY)
    value = row.value if row and isinstance(row.value, dict) else {}
    if not value.get("token_sha256"):
        return WebhookToken(exists=False)
    try:
        created_at = dt.datetime.fromisoformat(str(value.get("created_at")))
    except ValueError:
        created_at = None
    return WebhookToken(exists=True, hint=str(value.get("hint") or ""), created_at=created_at)


async def load_webhook_token_hash() -> str:
    """The SHA-256 hex of the current token ('' when none was made: the webhook answers 404)."""
    row = await AppSetting.get_or_none(key=WEBHOOK_KEY)
    value = row.value if row and isinstance(row.value, dict) else {}
    return str(value.get("token_sha256") or "")


def webhook_token_matches(token: str, token_hash: str) -> bool:
    return bool(token_hash) and hmac.compare_digest(_token_hash(token), token_hash)


async def renew_webhook_token(*, by: Actor) -> str:
    """A new token (the first, or one replacing the old, which stops working at once). Returned
    once to be shown in full; only its hash is kept."""
    by.require_admin()
    token = secrets.token_urlsafe(32)
    value = {
        "token_sha256": _token_hash(token),
        "hint": token[-4:],
        "created_at": dt.datetime.now().replace(microsecond=0).isoformat(sep=" "),
    }
    with acting_as(by):
        row = await AppSetting.get_or_none(key=WEBHOOK_KEY)
        if row is None:
            await AppSetting.create(key=WEBHOOK_KEY, value=value)
        else:
            row.value = value
            await row.save()
    await changed(Part.WEBHOOK)
    return token


def webhook_path(token: str) -> str:
    return f"/cti/{token}"

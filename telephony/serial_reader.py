"""The serial caller-ID (CTI) reader: a voice modem or caller-ID box on a serial/USB port.

It opens the configured port with pyserial-asyncio, optionally sends the modem's init commands,
and turns the device's text lines into call reports on the bus. When the port cannot be opened
or the device disappears (USB unplugged: the read fails or reaches EOF) it retries forever with
a backoff of 1 s doubling to 30 s; `reconnect()` (CTI재접속) retries at once. Garbage, partial
lines and undecodable bytes are ignored; nothing here may take the application down."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import errno
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import serial_asyncio

from core.korean import josa, phone_digits
from models.telephony import CallEventSource
from services.lifecycle import watch
from services.telephony_settings import CtiSettings, Preset
from telephony.bus import OUT_OF_AREA, PRIVATE_NUMBER, CallBus, CallReport

log = logging.getLogger(__name__)

FIRST_RETRY_SECONDS = 1.0
MAX_RETRY_SECONDS = 30.0
OPEN_TIMEOUT_SECONDS = 5.0
MAX_LINE_BYTES = 256
# a modem block ends with a blank line or the next RING; if neither comes, announce anyway
BLOCK_IDLE_SECONDS = 0.15
MIN_NUMBER_DIGITS = 3


class State:
    DISABLED = "disabled"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RETRYING = "retrying"


STATE_LABELS = {
    State.DISABLED: "사용 안 함",
    State.CONNECTING: "연결 중",
    State.CONNECTED: "연결됨",
    State.RETRYING: "재접속 대기",
}


@dataclass(frozen=True)
class DetectedCall:
    number: str
    extension: str = ""
    caller_name: str = ""


class LineSplitter:
    """Bytes in, complete text lines out. Lines end with CR LF, LF or CR alone; an over-long
    run without a line end is garbage and dropped."""

    def __init__(self) -> None:
        self._buffer = b""
        self._after_cr = False

    def feed(self, data: bytes) -> list[str]:
        if self._after_cr and data.startswith(b"\n"):
            data = data[1:]  # the LF of a CR LF split across two reads
        if data:
            self._after_cr = data.endswith(b"\r")
        parts = re.split(rb"\r\n|\r|\n", self._buffer + data)
        self._buffer = parts.pop()
        if len(self._buffer) > MAX_LINE_BYTES:
            self._buffer = b""
        return [_decode(part) for part in parts if len(part) <= MAX_LINE_BYTES]


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8", "cp949"):
        try:
            return raw.decode(encoding).strip()
        except UnicodeDecodeError:
            continue
    return raw.decode("ascii", errors="replace").strip()


def _number(raw: str) -> str | None:
    """A plausible phone number from device text, else None (garbage)."""
    text = raw.strip()
    if not re.fullmatch(r"[+\d][\d\s\-().]*", text):
        return None
    return text if len(phone_digits(text)) >= MIN_NUMBER_DIGITS else None


class ModemParser:
    """Hayes voice modem caller ID (AT+VCID=1): DATE/TIME/NMBR/NAME lines between RINGs."""

    FIELD = re.compile(r"^\s*(DATE|TIME|NMBR|NAME|DDN_NMBR|MESG)\s*=\s*(.*?)\s*$", re.IGNORECASE)

    def __init__(self) -> None:
        self._pending: DetectedCall | None = None

    @property
    def has_pending(self) -> bool:
        return self._pending is not None

    def flush(self) -> list[DetectedCall]:
        pending, self._pending = self._pending, None
        return [pending] if pending else []

    def feed(self, line: str) -> list[DetectedCall]:
        text = line.strip()
        if not text or text.upper() == "RING":
            return self.flush()
        found = self.FIELD.match(text)
        if not found:
            return []
        name, value = found.group(1).upper(), found.group(2)
        if name == "NMBR":
            announced = self.flush()
            if value.upper() == "P":
                self._pending = DetectedCall(PRIVATE_NUMBER)
            elif value.upper() == "O" or not value:  # out of area, or no number given at all
                self._pending = DetectedCall(OUT_OF_AREA)
            elif number := _number(value):
                self._pending = DetectedCall(number)
            return announced
        if name == "NAME" and self._pending:
            caller_name = "" if value.upper() in {"P", "O"} else value[:50]
            self._pending = DetectedCall(self._pending.number, caller_name=caller_name)
            return self.flush()
        return []


class RegexParser:
    """Line-per-call boxes: a regex whose group `number` captures the digits (`ext` optional)."""

    has_pending = False

    def __init__(self, pattern: str) -> None:
        self.pattern = re.compile(pattern)

    def flush(self) -> list[DetectedCall]:
        return []

    def feed(self, line: str) -> list[DetectedCall]:
        found = self.pattern.search(line)
        if not found:
            return []
        groups = found.groupdict()
        number = _number(groups.get("number") or "")
        if not number:
            return []
        return [DetectedCall(number, extension=(groups.get("ext") or "").strip()[:20])]


def make_parser(settings: CtiSettings) -> ModemParser | RegexParser:
    return RegexParser(settings.regex) if settings.preset == Preset.REGEX else ModemParser()


def describe_error(error: BaseException, port: str) -> str:
    """A Korean sentence for the settings screen (no secrets, no stack traces)."""
    code = getattr(error, "errno", None)
    if isinstance(error, FileNotFoundError) or code == errno.ENOENT:
        return f"포트 {port}{josa(port, '을')} 찾을 수 없습니다. 장치 연결과 포트 이름을 확인하세요."
    if isinstance(error, PermissionError) or code == errno.EACCES:
        return f"포트 {port}{josa(port, '을')} 열 권한이 없습니다 (리눅스는 dialout 그룹 확인)."
    if code == errno.EBUSY:
        return f"포트 {port}{josa(port, '을')} 다른 프로그램이 사용 중입니다."
    if isinstance(error, asyncio.TimeoutError):
        return f"포트 {port}{josa(port, '을')} 여는 데 시간이 너무 걸립니다."
    if isinstance(error, EOFError):
        return "장치 연결이 끊겼습니다 (USB 분리 또는 전원 꺼짐)."
    log.warning("CTI %s: %r", port, error)  # the technical detail goes to the log, not on screen
    return "장치 연결이 끊겼거나 포트를 열 수 없습니다. 장치 전원과 케이블, 포트 설정을 확인하세요."


class CtiReader:
    """One serial port, reconnecting forever while enabled."""

    def __init__(
        self,
        bus: CallBus,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        now: Callable[[], dt.datetime] = dt.datetime.now,
    ) -> None:
        """`sleep` waits out the backoff between attempts and `now` tells the time of a state
        change, an attempt or a call (tests pass a clock they move instead of waiting)."""
        self.bus = bus
        self._sleep = sleep
        self._now = now
        self.settings = CtiSettings()
        self.state = State.DISABLED
        self.since: dt.datetime | None = None
        self.last_error = ""
        self.last_call_at: dt.datetime | None = None
        self.last_call_number = ""
        self.retry_at: dt.datetime | None = None
        self.down_since: dt.datetime | None = None  # enabled but without a device since then
        self._task: asyncio.Task | None = None
        self._wake = asyncio.Event()
        self._attempted = asyncio.Event()  # set after every attempt to open the port

    # -- control -------------------------------------------------------------------------------
    async def configure(self, settings: CtiSettings) -> None:
        """Apply new settings: stop the current connection and start again if enabled."""
        await self.stop()
        self.settings = settings
        self.last_error = ""
        if settings.enabled and settings.port:
            self._wake, self._attempted = asyncio.Event(), asyncio.Event()
            self._task = watch(asyncio.create_task(self._run(settings), name="cti-reader"), "CTI reader")
        else:
            self._set_state(State.DISABLED)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._set_state(State.DISABLED)

    def reconnect(self) -> None:
        """CTI재접속: drop the current connection (if any) and try again now."""
        self._wake.set()

    async def reconnect_and_wait(self, within: float = OPEN_TIMEOUT_SECONDS + 1) -> bool:
        """CTI재접속 for a screen: reconnect, then wait for the port to be opened again or to fail
        (True; `state` and `last_error` say which) or for the time to run out (False)."""
        self._attempted.clear()
        self.reconnect()
        try:
            await asyncio.wait_for(self._attempted.wait(), within)
        except TimeoutError:
            return False
        return True

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def status(self) -> dict[str, Any]:
        """For /healthz: state, times and the error sentence; no numbers, no settings."""
        return {
            "enabled": self.settings.enabled and bool(self.settings.port),
            "state": self.state,
            "since": self.since.isoformat(timespec="seconds") if self.since else None,
            "last_error": self.last_error,
            "last_call_at": self.last_call_at.isoformat(timespec="seconds") if self.last_call_at else None,
        }

    # -- the loop ------------------------------------------------------------------------------
    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.since = self._now()
        if state != State.RETRYING:
            self.retry_at = None
        if state in (State.CONNECTED, State.DISABLED):
            self.down_since = None

    def _failed(self, message: str) -> None:
        if message != self.last_error or self.state != State.RETRYING:
            log.warning("CTI %s: %s", self.settings.port, message)
        self.down_since = self.down_since or self._now()
        self.last_error = message
        self._set_state(State.RETRYING)

    async def _pause(self, seconds: float) -> None:
        """Wait before the next attempt, cut short by CTI재접속."""
        self.retry_at = self._now() + dt.timedelta(seconds=seconds)
        woken = asyncio.ensure_future(self._wake.wait())
        slept = asyncio.ensure_future(self._sleep(seconds))
        try:
            await asyncio.wait((woken, slept), return_when=asyncio.FIRST_COMPLETED)
        finally:
            woken.cancel()
            slept.cancel()
        self._wake.clear()

    async def _run(self, settings: CtiSettings) -> None:
        delay = FIRST_RETRY_SECONDS
        while True:
            self._set_state(State.CONNECTING)
            try:
                reader, writer = await asyncio.wait_for(
                    serial_asyncio.open_serial_connection(url=settings.port, baudrate=settings.baud),
                    timeout=OPEN_TIMEOUT_SECONDS,
                )
            except asyncio.CancelledError:
                raise
            except Exception as error:
                self._failed(describe_error(error, settings.port))
                self._attempted.set()
                await self._pause(delay)
                delay = min(delay * 2, MAX_RETRY_SECONDS)
                continue
            log.info("CTI %s connected", settings.port)
            self._wake.clear()
            self.last_error = ""
            self._set_state(State.CONNECTED)
            self._attempted.set()
            delay = FIRST_RETRY_SECONDS
            try:
                reason = await self._session(settings, reader, writer)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # a bug must not end the reader: log it, reconnect
                log.exception("CTI %s: unexpected failure while reading", settings.port)
                reason = describe_error(error, settings.port)
            finally:
                with contextlib.suppress(Exception):
                    writer.close()
            if reason is None:  # CTI재접속: reopen at once
                log.info("CTI %s: reconnect requested", settings.port)
                continue
            self._failed(reason)
            await self._pause(delay)
            delay = min(delay * 2, MAX_RETRY_SECONDS)

    async def _session(self, settings: CtiSettings, reader: asyncio.StreamReader, writer) -> str | None:
        """Read until the device goes away (returns why) or a reconnect is requested (None)."""
        try:
            if settings.preset == Preset.MODEM:
                for command in settings.init_commands:
                    writer.write(command.encode("ascii", errors="ignore") + b"\r")
                    await writer.drain()
                    await asyncio.sleep(0.1)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            return describe_error(error, settings.port)
        parser = make_parser(settings)
        splitter = LineSplitter()
        wake = asyncio.create_task(self._wake.wait())
        read: asyncio.Task | None = None
        try:
            while True:
                if read is None:
                    read = asyncio.create_task(reader.read(1024))
                done, _ = await asyncio.wait(
                    {read, wake},
                    timeout=BLOCK_IDLE_SECONDS if parser.has_pending else None,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                if wake in done:
                    self._wake.clear()
                    return None
                if read not in done:  # the block ended without a blank line: announce what we have
                    await self._announce(parser.flush())
                    continue
                finished, read = read, None
                try:
                    data = finished.result()
                except Exception as error:
                    return describe_error(error, settings.port)
                if not data:
                    return describe_error(EOFError(), settings.port)
                for line in splitter.feed(data):
                    try:
                        calls = parser.feed(line)
                    except Exception:
                        log.warning("CTI: ignored an unreadable line")
                        continue
                    await self._announce(calls)
        finally:
            wake.cancel()
            if read is not None and not read.done():
                read.cancel()
            elif read is not None and not read.cancelled():
                read.exception()  # retrieved, so asyncio does not report it as lost

    async def _announce(self, calls: list[DetectedCall]) -> None:
        for call in calls:
            self.last_call_at = self._now()
            self.last_call_number = call.number
            await self.bus.publish(
                CallReport(
                    source=CallEventSource.CTI,
                    number=call.number,
                    extension=call.extension,
                    caller_name=call.caller_name,
                )
            )

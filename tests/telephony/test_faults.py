"""Telephony faults: the caller-ID device unplugged for minutes, the Centrex service down for
minutes, a flood of 100 calls in 10 seconds. The real reader, poller and call bus run against a
pseudo-terminal and a local Centrex server, with the product's backoff constants; only their waits
go through a virtual clock (`VirtualTime`), so "minutes" of backoff pass in a moment along the very
same code path, and the tests check the waits asked for instead of timing them."""

from __future__ import annotations

import asyncio

import pytest
import serial_asyncio

from models.telephony import CallEvent, CallEventSource
from services import call_popup, centrex_users
from services.telephony_settings import CentrexSettings, CtiSettings
from telephony import poller as poller_module
from telephony import serial_reader
from telephony.bus import CallBus, CallReport
from telephony.poller import CentrexPoller
from telephony.serial_reader import CtiReader, State
from tests.factories.staff import make_admin
from tests.telephony.centrex_server import CentrexServer
from tests.telephony.devices import modem_block
from tests.utils import eventually

MINUTES = 4 * 60.0  # "a few minutes"
CENTREX_POLL = 3.0

LINE = "07012345678"
LAST = "0299990000"  # written after a flood: when it has popped up, the flood has been read


class VirtualTime:
    """The sleep the reader and the poller wait their backoff with: it records each wait, moves the
    virtual clock on by it and lets a few real milliseconds pass, so the rest of the program
    (pseudo-terminal, HTTP server, bus) runs between two attempts as it would."""

    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds
        await asyncio.sleep(0.02)


class Heard:
    """A popup subscriber: every call the screens would pop up."""

    def __init__(self, bus: CallBus) -> None:
        self.calls = []
        bus.subscribe("screens", self.calls.append)

    @property
    def numbers(self) -> list[str]:
        return [call.digits for call in self.calls]


@pytest.fixture
def open_attempts(monkeypatch) -> list[float]:
    """When the reader tried to open the port (the real opener is still used)."""
    attempts: list[float] = []
    real_open = serial_asyncio.open_serial_connection

    async def counting_open(**kwargs):
        attempts.append(asyncio.get_running_loop().time())
        return await real_open(**kwargs)

    monkeypatch.setattr(serial_asyncio, "open_serial_connection", counting_open)
    return attempts


async def test_a_device_unplugged_for_minutes_is_back_by_itself(db, device, open_attempts):
    bus = CallBus()
    heard = Heard(bus)
    clock = VirtualTime()
    reader = CtiReader(bus, sleep=clock.sleep)
    await reader.configure(CtiSettings(enabled=True, port=str(device.path)))
    try:
        await eventually(lambda: reader.state == State.CONNECTED)
        device.write(modem_block("0211110001"))
        await eventually(lambda: heard.numbers == ["0211110001"])

        attempts_before, waits_before = len(open_attempts), len(clock.waits)
        device.unplug()
        await eventually(lambda: reader.state == State.RETRYING)
        await eventually(lambda: clock.now >= MINUTES, within=60)  # minutes unplugged
        assert reader.running and reader.state in (State.RETRYING, State.CONNECTING)
        assert "장치" in reader.last_error or "포트" in reader.last_error
        waits = clock.waits[waits_before:]
        first, longest = serial_reader.FIRST_RETRY_SECONDS, serial_reader.MAX_RETRY_SECONDS
        assert waits[:6] == [first, 2 * first, 4 * first, 8 * first, 16 * first, longest]
        assert all(wait == longest for wait in waits[5:]), (
            "at the longest backoff it does not hammer the port"
        )
        assert len(open_attempts) - attempts_before >= len(waits) - 1, "it kept trying after every wait"

        device.plug_in()
        await eventually(lambda: reader.state == State.CONNECTED)
        assert reader.last_error == ""
        device.write(modem_block("0211110002"))
        await eventually(lambda: heard.numbers == ["0211110001", "0211110002"])
        assert await CallEvent.filter(source=CallEventSource.CTI).count() == 2
    finally:
        await reader.stop()


@pytest.fixture
def centrex():
    server = CentrexServer().start()
    server.add_line(LINE, "centrex-pw")
    yield server
    server.stop()


async def test_centrex_down_for_minutes_then_back_misses_no_call(db, centrex):
    admin = await make_admin()
    line = await centrex_users.save_centrex_user(by=admin, number070=LINE, password="centrex-pw")
    bus = CallBus()
    heard = Heard(bus)
    clock = VirtualTime()
    poller = CentrexPoller(bus, sleep=clock.sleep)
    await poller.configure(
        CentrexSettings(base_url=centrex.base_url, poll_seconds=CENTREX_POLL, timeout_seconds=0.5)
    )
    try:
        await eventually(lambda: poller.lines[line.id].last_success_at is not None)
        centrex.ring(LINE, "0211112222")
        await eventually(lambda: heard.numbers == ["0211112222"])

        centrex.go_down()
        await eventually(lambda: poller.lines[line.id].failures > 0)
        centrex.ring(LINE, "0233334444")  # rings while we cannot ask
        went_down = clock.now
        await eventually(lambda: clock.now - went_down >= MINUTES, within=60)  # minutes down
        status = poller.status()
        assert status["errors"] == 1 and status["polling"] == 1, "still polling, error shown"
        assert "연결할 수 없습니다" in status["detail"][0]["last_error"]
        failures = poller.lines[line.id].failures
        assert 2 <= failures <= 10, "backs off instead of hammering (every 3 s would be 80 tries)"
        assert clock.waits[-1] == poller_module.MAX_BACKOFF_SECONDS and max(clock.waits) == clock.waits[-1]

        centrex.come_back()
        # (the calls are published before the round is recorded as a success: wait for both)
        await eventually(lambda: "0233334444" in heard.numbers and poller.lines[line.id].failures == 0)
        assert poller.status()["errors"] == 0
        centrex.ring(LINE, "0255556666")
        await eventually(lambda: heard.numbers == ["0211112222", "0233334444", "0255556666"])
        assert await CallEvent.filter(source=CallEventSource.CENTREX).count() == 3
    finally:
        await poller.stop()


async def test_a_flood_of_100_calls_in_10_seconds(db, device):
    bus = CallBus()
    heard = Heard(bus)
    reader = CtiReader(bus)
    await reader.configure(CtiSettings(enabled=True, port=str(device.path)))
    numbers = [f"02{5550000 + index:08d}" for index in range(100)]
    try:
        await eventually(lambda: reader.state == State.CONNECTED)
        loop = asyncio.get_running_loop()
        started = loop.time()
        for index, number in enumerate(numbers):
            device.write(modem_block(number))
            if index % 3 == 0:  # the box repeats itself on the next ring
                device.write(modem_block(number))
            if index % 4 == 0:  # and Centrex's ring callback reports the same call
                await bus.publish(CallReport(source=CallEventSource.RING, number=number, line=LINE))
            await asyncio.sleep(max(0.0, started + (index + 1) * 0.1 - loop.time()))  # 10 a second
        # the line is read in order: once a last call has popped up, every block before it is read
        device.write(modem_block(LAST))
        await eventually(lambda: LAST in heard.numbers, within=60)
        await bus.drain()
        numbers.append(LAST)
        assert sorted(heard.numbers) == sorted(numbers), "every call popped up exactly once"
        assert reader.running and reader.state == State.CONNECTED
    finally:
        await reader.stop()
    events = await CallEvent.all().values("id", "digits")
    assert sorted(e["digits"] for e in events) == sorted(numbers)
    for event in events:  # each can be found again and its popup rebuilt
        popup = await call_popup.popup_for_event(event["id"])
        assert popup.digits == event["digits"]
    recent = await call_popup.recent_calls(limit=20)
    newest = max(events, key=lambda e: e["id"])
    assert len(recent) == 20 and recent[0].event_id == newest["id"]


async def test_a_bug_while_reading_is_logged_and_the_reader_carries_on(db, device, monkeypatch, caplog):
    bus = CallBus()
    heard = Heard(bus)
    real_parser = serial_reader.make_parser
    failures = iter([RuntimeError("parser bug")])

    def flaky_parser(settings):
        error = next(failures, None)
        if error:
            raise error
        return real_parser(settings)

    monkeypatch.setattr(serial_reader, "make_parser", flaky_parser)
    reader = CtiReader(bus, sleep=VirtualTime().sleep)
    await reader.configure(CtiSettings(enabled=True, port=str(device.path)))
    try:
        await eventually(
            lambda: any("unexpected failure while reading" in r.getMessage() for r in caplog.records)
        )
        logged = next(r for r in caplog.records if "unexpected failure" in r.getMessage())
        assert str(device.path) in logged.getMessage() and logged.exc_info[0] is RuntimeError
        await eventually(lambda: reader.state == State.CONNECTED)
        device.write(modem_block("0211110003"))
        await eventually(lambda: heard.numbers == ["0211110003"])
    finally:
        await reader.stop()

"""Which reports are one call: calls without a caller number are each their own call, and a call
already announced never pops up again when another source reports it later (however late the
Centrex row comes, within the age at which rows are still announced). The bus's arrival clock is
a settable one, so "2 minutes later" needs no waiting; the rest is real (SQLite, the poller
talking HTTP to the local Centrex server)."""

from __future__ import annotations

import datetime as dt

import pytest

from models.telephony import CallEvent, CallEventSource
from services import centrex_users
from services.telephony_settings import CentrexSettings
from telephony.bus import ANNOUNCED_AGE, NO_NUMBER, WITHHELD, CallBus, CallReport
from telephony.poller import CentrexPoller
from tests.factories.customers import make_customer
from tests.factories.staff import make_admin
from tests.telephony.centrex_server import CentrexServer
from tests.telephony.clock import Clock

LINE = "07012345678"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def bus(clock) -> tuple[CallBus, list]:
    bus = CallBus(window_seconds=30, clock=clock)
    heard: list = []
    bus.subscribe("test", heard.append)
    return bus, heard


def cti(number: str, **kwargs) -> CallReport:
    return CallReport(source=CallEventSource.CTI, number=number, **kwargs)


def centrex(number: str, occurred_at: dt.datetime, no: int = 1) -> CallReport:
    return CallReport(
        source=CallEventSource.CENTREX,
        number=number,
        line=LINE,
        occurred_at=occurred_at,
        external_id=f"{LINE}:{no}",
    )


async def test_withheld_calls_20_seconds_apart_are_two_calls(db, bus, clock):
    bus, heard = bus
    first = await bus.publish(cti("발신번호표시제한"))  # what the serial reader reports for NMBR = P
    clock.advance(20)
    second = await bus.publish(cti("P"))
    await bus.drain()
    assert first and second and first.event_id != second.event_id
    assert len(heard) == 2
    numbers = await CallEvent.all().order_by("id").values_list("number", "digits")
    assert numbers == [(WITHHELD, ""), (WITHHELD, "")]


async def test_a_withheld_call_from_two_sources_is_two_calls_but_a_repeating_box_is_one(db, bus, clock):
    bus, heard = bus
    assert await bus.publish(cti("발신지역외"))
    clock.advance(3)
    assert await bus.publish(cti("발신지역외")) is None  # the box repeats it on the next ring
    assert await bus.publish(centrex("", dt.datetime.now()))  # no number to tell them apart by
    assert await bus.publish(CallReport(source=CallEventSource.RING, number="anonymous"))
    await bus.drain()
    assert len(heard) == 3
    assert [c.number for c in heard] == [NO_NUMBER, NO_NUMBER, WITHHELD]
    assert all(c.match.customer is None and c.digits == "" for c in heard)


async def test_a_withheld_call_is_never_merged_with_a_number_that_has_no_digits(db, bus):
    bus, _ = bus
    await make_customer("재근상사", "02-999-8888")
    call = await bus.publish(cti("  "))
    assert call and call.number == NO_NUMBER and call.match.customer is None


@pytest.mark.parametrize(
    "late", [dt.timedelta(minutes=2, seconds=30), ANNOUNCED_AGE - dt.timedelta(seconds=10)]
)
async def test_serial_then_centrex_for_the_same_call_later_is_one_call(db, bus, clock, late):
    bus, heard = bus
    rang_at = dt.datetime.now().replace(microsecond=0)
    assert await bus.publish(cti("029998888"))
    clock.advance(late.total_seconds() - 20)
    assert await bus.publish(cti("0212345678"))  # meanwhile somebody else called
    clock.advance(20)
    assert await bus.publish(centrex("029998888", rang_at - dt.timedelta(seconds=3))) is None
    await bus.drain()
    assert [c.digits for c in heard] == ["029998888", "0212345678"]
    assert await CallEvent.filter(digits="029998888").count() == 1


async def test_two_calls_from_one_number_minutes_apart_stay_two_when_their_rows_come_late(db, bus, clock):
    """The arrival clock is the test's; a report's own time (`occurred_at`) is given to match it."""
    bus, heard = bus
    morning = dt.datetime.now().replace(microsecond=0)

    def at(seconds: float) -> dt.datetime:
        return morning + dt.timedelta(seconds=seconds)

    assert await bus.publish(cti("029998888"))
    clock.advance(180)
    assert await bus.publish(CallReport(source=CallEventSource.RING, number="029998888", occurred_at=at(180)))
    # the poller catches up after both: each row is the call it describes, neither pops up again
    clock.advance(60)
    assert await bus.publish(centrex("029998888", at(0), no=1)) is None
    assert await bus.publish(centrex("029998888", at(180), no=2)) is None
    # a late row does not stretch the call it matched: a new ring 10 s later is a new call
    clock.advance(10)
    assert await bus.publish(cti("029998888", occurred_at=at(250)))
    await bus.drain()
    assert len(heard) == 3
    assert await CallEvent.all().count() == 3


async def test_the_poller_reports_rows_without_a_caller_as_calls_without_a_number(db, bus):
    bus, heard = bus
    server = CentrexServer().start()
    try:
        server.add_line(LINE, "pw")
        admin = await make_admin()
        user = await centrex_users.save_centrex_user(by=admin, number070=LINE, password="pw")
        poller = CentrexPoller(bus)
        poller.settings = CentrexSettings(base_url=server.base_url)
        await poller.poll(user.id)  # history noted
        server.ring(LINE, "")
        server.ring(LINE, "anonymous")
        assert await poller.poll(user.id) == 2
        await bus.drain()
        assert [c.number for c in heard] == [NO_NUMBER, WITHHELD]
        assert await CallEvent.filter(digits="").count() == 2
    finally:
        server.stop()

import asyncio
import datetime as dt

from models.staff import Staff
from models.telephony import CallEvent, CallEventSource
from telephony.bus import CallBus, CallReport
from tests.factories.customers import make_customer
from tests.factories.staff import make_staff
from tests.telephony.clock import Clock
from tests.utils import eventually


def cti(number: str, **kwargs) -> CallReport:
    return CallReport(source=CallEventSource.CTI, number=number, **kwargs)


async def test_a_call_is_resolved_stored_and_announced(db):
    customer = await make_customer("재근상사", "02-999-8888")
    bus = CallBus()
    heard = []
    bus.subscribe("test", heard.append)

    call = await bus.publish(cti("029998888", extension="101"))
    await bus.drain()

    assert call is not None and call.match.customer.id == customer.id
    assert heard == [call]
    event = await CallEvent.get(id=call.event_id)
    assert (event.source, event.digits, event.extension, event.customer_id) == (
        CallEventSource.CTI,
        "029998888",
        "101",
        customer.id,
    )


async def test_the_same_number_within_the_window_is_one_call_across_sources(db):
    bus = CallBus(window_seconds=30)
    heard = []
    bus.subscribe("test", heard.append)

    first = await bus.publish(cti("02-999-8888"))
    again = await bus.publish(CallReport(source=CallEventSource.CENTREX, number="029998888"))
    ring = await bus.publish(CallReport(source=CallEventSource.RING, number="+82 2 999 8888"))
    other = await bus.publish(cti("0212345678"))
    await bus.drain()

    assert first and other and again is None and ring is None
    assert [c.digits for c in heard] == ["029998888", "0212345678"]
    assert await CallEvent.all().count() == 2


async def test_a_later_centrex_report_of_the_same_call_is_still_the_same_call(db):
    """Centrex lists a call after it ended: its own time says it is the call CTI already showed."""
    clock = Clock()
    bus = CallBus(window_seconds=30, clock=clock)
    rang_at = dt.datetime.now()
    assert await bus.publish(cti("029998888", occurred_at=rang_at))
    clock.advance(45)  # the call has ended when Centrex lists it
    late = CallReport(source=CallEventSource.CENTREX, number="029998888", occurred_at=rang_at)
    assert await bus.publish(late) is None
    clock.advance(45)
    new_call = CallReport(
        source=CallEventSource.CENTREX, number="029998888", occurred_at=rang_at + dt.timedelta(minutes=5)
    )
    assert await bus.publish(new_call)


async def test_a_numbers_calls_reported_together_after_an_outage_stay_separate_calls(db):
    """The Centrex poller catching up hands over hours of calls at once: their own times decide."""
    bus = CallBus(window_seconds=30)
    morning = dt.datetime.now() - dt.timedelta(hours=3)

    def centrex(at: dt.datetime, line: str = "07012345678") -> CallReport:
        return CallReport(source=CallEventSource.CENTREX, number="029998888", line=line, occurred_at=at)

    first = await bus.publish(centrex(morning))
    second = await bus.publish(centrex(morning + dt.timedelta(hours=1)))
    same_call_other_line = await bus.publish(centrex(morning + dt.timedelta(hours=1), line="07087654321"))
    assert first and second and same_call_other_line is None
    assert await CallEvent.filter(digits="029998888").count() == 2
    # a source without the call's own time (a CTI box repeating on every ring) is still one call
    assert await bus.publish(cti("0212345678"))
    assert await bus.publish(cti("0212345678")) is None


async def test_after_the_window_the_same_number_is_a_new_call(db):
    clock = Clock()
    bus = CallBus(window_seconds=30, clock=clock, now=clock.now)
    first = await bus.publish(cti("029998888"))
    clock.advance(20)
    assert await bus.publish(cti("029998888")) is None  # still ringing: the window starts again
    clock.advance(25)
    assert await bus.publish(cti("029998888")) is None
    clock.advance(31)
    later = await bus.publish(cti("029998888"))
    assert later and (later.occurred_at - first.occurred_at).total_seconds() == 76


async def test_two_sources_reporting_at_the_same_moment_make_one_call(db):
    bus = CallBus()
    results = await asyncio.gather(
        bus.publish(cti("029998888")),
        bus.publish(CallReport(source=CallEventSource.RING, number="029998888")),
    )
    assert sum(1 for r in results if r) == 1
    assert await CallEvent.all().count() == 1


async def test_a_failing_or_hanging_subscriber_does_not_stop_the_others(db, caplog):
    bus = CallBus()
    heard = []

    def broken(call):
        raise RuntimeError("popup crashed")

    async def hanging(call):
        await asyncio.sleep(3600)

    async def fine(call):
        heard.append(call.digits)

    bus.subscribe("broken", broken)
    bus.subscribe("hanging", hanging)
    bus.subscribe("fine", fine)
    assert await bus.publish(cti("029998888"))
    assert await bus.publish(cti("0212345678"))
    await eventually(lambda: len(heard) == 2)
    assert heard == ["029998888", "0212345678"]
    assert "popup crashed" in caplog.text


async def test_the_extension_and_the_centrex_line_name_who_the_call_is_for(db):
    from models.telephony import CentrexUser

    clerk = await make_staff()
    await Staff.filter(id=clerk.id).update(extension="102")
    owner = await make_staff()
    await CentrexUser.create(number070="07012345678", password_sha512="0" * 128, staff_id=owner.id)
    bus = CallBus()

    by_extension = await bus.publish(cti("029998888", extension="102"))
    by_line = await bus.publish(
        CallReport(source=CallEventSource.CENTREX, number="0212345678", line="070-1234-5678")
    )
    nobody = await bus.publish(cti("0311112222"))

    assert by_extension.staff_ids == {clerk.id}
    assert by_line.staff_ids == {owner.id}
    assert nobody.staff_ids == frozenset()


async def test_withheld_numbers_pop_up_without_a_customer(db):
    bus = CallBus()
    call = await bus.publish(cti("발신번호표시제한"))
    assert call.digits == "" and call.match.customer is None
    assert await bus.publish(cti("발신번호표시제한")) is None


async def test_an_unknown_number_offers_candidates(db):
    a = await make_customer("하이디자인", "031-555-1234")
    b = await make_customer("하이인쇄", "02-555-1234")
    call = await CallBus().publish(cti("0515551234"))
    assert call.match.customer is None
    assert {c.id for c in call.match.candidates} == {a.id, b.id}

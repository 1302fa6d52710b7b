"""Call records: who took a call, the reception written from it, missed calls done by themselves,
and the reception draft a call starts."""

import datetime as dt

from core.audit import SYSTEM, acting_as
from models.codes import CodeEntry, CodeKind
from models.reception import CallSource, Direction
from models.staff import Staff
from models.telephony import CallEvent, CallEventSource, CallOutcome
from services import calls, receptions
from services.receptions import save_reception
from telephony.bus import CallBus, CallReport
from tests.factories.customers import make_customer
from tests.factories.staff import make_admin, make_staff


async def ring(number: str, *, extension: str = "", source=CallEventSource.CENTREX) -> int:
    call = await CallBus().publish(CallReport(source=source, number=number, extension=extension))
    return call.event_id


async def test_a_call_belongs_to_the_extensions_owner_until_someone_opens_its_reception(db):
    owner = await make_staff(name="이주연")
    with acting_as(SYSTEM):
        await Staff.filter(id=owner.id).update(extension="103")
    clerk = await make_staff(name="김데모")
    event_id = await ring("029998888", extension="103")
    assert (await CallEvent.get(id=event_id)).staff_id == owner.id

    await receptions.draft_from_call(event_id, by=clerk)
    assert (await CallEvent.get(id=event_id)).staff_id == clerk.id


async def test_the_draft_of_a_call_finds_the_phone_route_by_its_code_not_its_name(db):
    customer = await make_customer("재근상사", "02-999-8888")
    with acting_as(SYSTEM):
        route = await CodeEntry.get(kind=CodeKind.RECEPTION_ROUTE, code="1")
        route.name = "유선전화"  # renamed by the office
        await route.save()
    clerk = await make_staff()
    event_id = await ring("029998888", extension="101", source=CallEventSource.CTI)
    event = await CallEvent.get(id=event_id)

    draft = await receptions.draft_from_call(event_id, by=clerk)
    assert (draft.route_id, draft.customer_id, draft.phone, draft.extension) == (
        route.id,
        customer.id,
        "02-999-8888",
        "101",
    )
    assert (draft.source, draft.call_event_id, draft.receiver_id, draft.direction) == (
        CallSource.CTI,
        event_id,
        clerk.id,
        Direction.INBOUND,
    )
    assert draft.received_at == event.occurred_at.replace(microsecond=0)

    with acting_as(SYSTEM):
        route.active = False
        await route.save()
    assert (await receptions.draft_from_call(event_id, by=clerk)).route_id is None


async def test_a_reception_written_from_a_missed_call_is_linked_and_makes_it_done(db):
    clerk = await make_staff(name="김데모")
    event_id = await ring("0212345678")
    await calls.settle(event_id, outcome=CallOutcome.MISSED)

    draft = await receptions.draft_from_call(event_id, by=clerk)
    draft.inquiry = "다시 전화 주세요"
    reception = await save_reception(draft, by=clerk)
    assert reception.call_event_id == event_id
    event = await CallEvent.get(id=event_id)
    assert (event.handled_by_id, event.handled_memo) == (clerk.id, calls.HANDLED_BY_RECEPTION)
    assert event.handled_at is not None


async def test_a_call_settled_as_missed_after_its_reception_was_written_is_done_at_once(db):
    clerk = await make_staff()
    event_id = await ring("0212345678")
    await save_reception(await receptions.draft_from_call(event_id, by=clerk), by=clerk)
    assert (await CallEvent.get(id=event_id)).handled_at is None  # not known to be missed yet

    await calls.settle(event_id, outcome=CallOutcome.MISSED, duration_seconds=0)
    event = await CallEvent.get(id=event_id)
    assert event.outcome == CallOutcome.MISSED
    assert (event.handled_by_id, event.handled_memo) == (clerk.id, calls.HANDLED_BY_RECEPTION)


async def test_a_later_outbound_call_to_the_number_answers_its_missed_calls_back(db):
    boss = await make_admin(name="김사장")
    missed = await ring("010-3064-1111")
    other_number = await ring("0212345678")
    for event_id in (missed, other_number):
        await calls.settle(event_id, outcome=CallOutcome.MISSED)

    dialled = await calls.record_outgoing(source=CallEventSource.DIAL, number="01030641111", staff_id=boss.id)
    assert (dialled.direction, dialled.outcome, dialled.staff_id) == (
        Direction.OUTBOUND,
        CallOutcome.UNKNOWN,
        boss.id,
    )
    event = await CallEvent.get(id=missed)
    assert (event.handled_by_id, event.handled_memo) == (boss.id, calls.HANDLED_BY_CALL_BACK)
    assert (await CallEvent.get(id=other_number)).handled_at is None


async def test_centrex_history_settles_answered_and_missed_calls(db):
    answered = await ring("0299998888")
    missed = await ring("0212345678")
    start = (await CallEvent.get(id=answered)).occurred_at.replace(microsecond=0)
    rows = [
        {
            "TIME": f"{start:%Y-%m-%d %H:%M:%S}",
            "SRC": "0299998888",
            "STATUS": "ANSWERED",
            "DURATION": "40",
            "BILLSEC": "30",
        },
        {
            "TIME": f"{start:%Y-%m-%d %H:%M:%S}",
            "SRC": "0212345678",
            "STATUS": "NO ANSWER",
            "DURATION": "25",
            "BILLSEC": "0",
        },
        {
            "TIME": "2001-01-01 10:00:00",
            "SRC": "0299998888",
            "STATUS": "ANSWERED",
            "DURATION": "9",
            "BILLSEC": "9",
        },
    ]
    assert await calls.settle_from_history(rows, Direction.INBOUND) == 2
    taken = await CallEvent.get(id=answered)
    assert (taken.outcome, taken.duration_seconds) == (CallOutcome.ANSWERED, 30)
    assert taken.answered_at == start + dt.timedelta(seconds=10)
    assert taken.ended_at == start + dt.timedelta(seconds=40)
    lost = await CallEvent.get(id=missed)
    assert (lost.outcome, lost.duration_seconds, lost.answered_at) == (CallOutcome.MISSED, 0, None)
    assert lost.ended_at == start + dt.timedelta(seconds=25)
    assert await calls.settle_from_history(rows, Direction.INBOUND) == 0  # settled once

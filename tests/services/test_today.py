"""오늘: each block counts what it says for the signed-in staff member and lists its first rows."""

from __future__ import annotations

import datetime as dt

import pytest

from core.audit import acting_as
from core.errors import PermissionDenied, StaleRecordError, ValidationError
from models.quote import Quote, QuoteState
from models.reception import Direction, Reception, ReceptionState
from models.staff import Role
from models.telephony import CallEvent, CallEventSource, CallOutcome
from models.visit import VisitReport, VisitState
from services import today as today_service
from tests.factories.maintenance import make_product
from tests.factories.sales import make_trading_customer
from tests.factories.staff import make_staff

NOW = dt.datetime(2026, 12, 9, 15, 0)  # a Wednesday
TODAY = NOW.date()


async def _reception(
    customer, *, hours_ago: float, state=ReceptionState.PENDING, receiver=None, processor=None
):
    return await Reception.create(
        received_at=NOW - dt.timedelta(hours=hours_ago),
        customer_id=customer.id,
        state=state,
        receiver_id=receiver.id if receiver else None,
        processor_id=processor.id if processor else None,
        inquiry="프린터\n  고장",
    )


async def test_my_receptions_are_the_open_ones_to_process_or_taken_and_not_yet_given(db):
    me, other = await make_staff(), await make_staff()
    customer = await make_trading_customer("재근상사")
    mine_to_process = await _reception(customer, hours_ago=1, receiver=other, processor=me)
    mine_taken = await _reception(customer, hours_ago=2, receiver=me, state=ReceptionState.ON_HOLD)
    await _reception(customer, hours_ago=3, receiver=me, processor=other)  # given to someone else
    await _reception(customer, hours_ago=4, receiver=me, state=ReceptionState.DONE)
    await _reception(customer, hours_ago=5, receiver=other)

    board = await today_service.today_board(me, now=NOW)

    assert board.my_receptions.count == 2
    assert [r["id"] for r in board.my_receptions.rows] == [mine_to_process.id, mine_taken.id]
    assert board.my_receptions.rows[0]["customer_name"] == "재근상사"
    assert board.my_receptions.rows[0]["inquiry"] == "프린터 고장"


async def test_receptions_unhandled_longer_than_the_office_limit_oldest_first(db):
    admin = await make_staff(role=Role.ADMIN)
    customer = await make_trading_customer("오래된상사")
    oldest = await _reception(customer, hours_ago=50)
    older = await _reception(customer, hours_ago=30)
    await _reception(customer, hours_ago=10)  # within 24 hours
    await _reception(
        customer, hours_ago=60, state=ReceptionState.ON_HOLD
    )  # 보류 is a decision, not forgotten

    board = await today_service.today_board(admin, now=NOW)
    assert board.stale_hours == 24
    assert board.stale_receptions.count == 2
    assert [r["id"] for r in board.stale_receptions.rows] == [oldest.id, older.id]

    _, version = await today_service.stale_hours()
    await today_service.set_stale_hours(48, by=admin, version=version)
    board = await today_service.today_board(admin, now=NOW)
    assert board.stale_hours == 48
    assert [r["id"] for r in board.stale_receptions.rows] == [oldest.id]


async def test_the_limit_is_an_admins_choice_from_the_list_and_never_overwrites_silently(db):
    admin, staff = await make_staff(role=Role.ADMIN), await make_staff()
    with pytest.raises(PermissionDenied):
        await today_service.set_stale_hours(8, by=staff, version=0)
    with pytest.raises(ValidationError):
        await today_service.set_stale_hours(5, by=admin, version=0)
    await today_service.set_stale_hours(8, by=admin, version=0)
    with pytest.raises(StaleRecordError):
        await today_service.set_stale_hours(72, by=admin, version=0)
    assert (await today_service.stale_hours())[0] == 8


async def test_calls_renewals_agreements_quotes_and_visits_of_today(db):
    me = await make_staff()
    customer = await make_trading_customer("갱신상사")
    for hours, outcome in ((1, CallOutcome.ANSWERED), (2, CallOutcome.MISSED), (20, CallOutcome.MISSED)):
        await CallEvent.create(
            source=CallEventSource.CTI,
            number="02-555-1234",
            digits="025551234",
            occurred_at=NOW - dt.timedelta(hours=hours),
            customer_id=customer.id,
            outcome=outcome,
        )
    await CallEvent.create(
        source=CallEventSource.DIAL,
        number="02-555-1234",
        digits="025551234",
        occurred_at=NOW - dt.timedelta(hours=1),
        direction=Direction.OUTBOUND,
    )
    await make_product(me, customer, paid_end_on=TODAY + dt.timedelta(days=10))
    await make_product(me, customer, free_end_on=TODAY + dt.timedelta(days=45))  # beyond 30 days
    with acting_as(me):
        expiring = await Quote.create(
            number="Q-1", quote_date=TODAY, valid_until=TODAY + dt.timedelta(days=4), customer_id=customer.id
        )
        await Quote.create(
            number="Q-2", quote_date=TODAY, valid_until=TODAY + dt.timedelta(days=5)
        )  # next week
        await Quote.create(
            number="Q-3",
            quote_date=TODAY,
            valid_until=TODAY,
            state=QuoteState.ACCEPTED,
            customer_id=customer.id,
        )
        tomorrow = await VisitReport.create(
            customer_id=customer.id,
            written_on=TODAY,
            visit_date=TODAY + dt.timedelta(days=1),
            document_number="V-1",
            purpose="정기점검",
            visitor_id=me.id,
        )
        await VisitReport.create(
            customer_id=customer.id,
            written_on=TODAY,
            visit_date=TODAY,
            document_number="V-2",
            state=VisitState.CANCELLED,
        )

    board = await today_service.today_board(me, now=NOW)

    assert (board.calls.count, board.calls.missed) == (2, 1)
    assert [r["outcome"] for r in board.calls.rows] == ["응답", "부재중"]
    assert board.renewals.count == 1
    assert board.renewals.rows[0]["ends_on"] == TODAY + dt.timedelta(days=10)
    assert board.week_end == dt.date(2026, 12, 13)
    assert [r["id"] for r in board.quotes.rows] == [expiring.id]
    assert [r["id"] for r in board.visits.rows] == [tomorrow.id]
    assert board.visits.rows[0]["visitor"] == me.name

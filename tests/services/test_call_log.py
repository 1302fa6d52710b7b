"""통화내역: the call list with its filters and paging, 부재중 전화 and its 처리 완료 (once), a
customer's calls and messages over all its numbers, and the call figures."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from core.audit import acting_as
from core.errors import ValidationError
from models.reception import Direction, Reception
from models.telephony import CallEvent, CallOutcome, SmsMessage, SmsStatus
from services import call_log, call_popup, cards, phone_directory
from services.call_log import CallFilters
from tests.factories.calls import make_call
from tests.factories.customers import make_customer
from tests.factories.staff import make_staff

DAY = dt.date(2019, 3, 4)


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


async def test_the_log_filters_by_period_direction_outcome_staff_number_and_customer(db):
    kim = await make_staff(name="김상담")
    lee = await make_staff(name="이상담")
    haedong = await make_customer("(주)해동통신", "02-808-8016")
    answered = await make_call(
        "02-808-8016", at(9), customer_id=haedong.id, staff_id=kim.id, duration_seconds=65
    )
    missed = await make_call("010-1234-5678", at(10), outcome=CallOutcome.MISSED)
    outbound = await make_call("031-555-7230", at(11), direction=Direction.OUTBOUND, staff_id=lee.id)
    earlier = await make_call("02-808-8016", at(9, day=DAY - dt.timedelta(days=3)), customer_id=haedong.id)

    async def ids(**filters) -> list[int]:
        page = await call_log.call_log(CallFilters(**filters))
        assert page.total == len(page.rows)
        return [row["id"] for row in page.rows]

    assert await ids() == [outbound.id, missed.id, answered.id, earlier.id]  # newest first
    assert await ids(date_from=DAY, date_to=DAY) == [outbound.id, missed.id, answered.id]
    assert await ids(date_to=DAY - dt.timedelta(days=1)) == [earlier.id]
    assert await ids(direction=Direction.OUTBOUND) == [outbound.id]
    assert await ids(outcome=CallOutcome.MISSED) == [missed.id]
    assert await ids(staff_id=kim.id) == [answered.id]
    assert await ids(text="8088016") == [answered.id, earlier.id]
    assert await ids(text="1234-5678") == [missed.id]
    assert await ids(text="해동") == [answered.id, earlier.id]
    assert await ids(text="없는상호") == []

    row = (await call_log.call_log(CallFilters(staff_id=kim.id))).rows[0]
    assert row["number"] == "02-808-8016"
    assert row["customer_name"] == "(주)해동통신"
    assert row["direction"] == "수신" and row["outcome"] == "응답"
    assert row["staff_name"] == "김상담"
    assert row["duration"] == "1:05"

    with pytest.raises(ValidationError) as refused:
        await call_log.call_log(CallFilters(date_from=DAY, date_to=DAY - dt.timedelta(days=1)))
    assert refused.value.fields == {"date_to": "기간의 끝이 시작보다 빠릅니다."}


async def test_the_log_is_paged_on_the_server_and_names_the_reception_written_from_a_call(db):
    calls = [await make_call(f"02-100-{i:04d}", at(8, i)) for i in range(25)]
    reception = await Reception.create(received_at=at(8, 3), call_event_id=calls[3].id)
    first = await call_log.call_log(CallFilters(), limit=10, offset=0)
    third = await call_log.call_log(CallFilters(), limit=10, offset=20)
    assert first.total == third.total == 25
    assert [r["id"] for r in first.rows] == [c.id for c in reversed(calls[15:])]
    assert [r["id"] for r in third.rows] == [c.id for c in reversed(calls[:5])]
    assert next(r for r in third.rows if r["id"] == calls[3].id)["reception_id"] == reception.id
    assert [r["id"] async for r in call_log.iter_call_log(CallFilters())] == [c.id for c in reversed(calls)]


def test_durations_read_as_minutes_and_seconds():
    assert [call_log.duration_text(s) for s in (None, 0, 5, 65, 600, 3725)] == [
        "",
        "0:00",
        "0:05",
        "1:05",
        "10:00",
        "62:05",
    ]


async def test_missed_calls_stay_listed_until_handled_once_with_who_when_and_memo(db):
    kim = await make_staff(name="김상담")
    lee = await make_staff(name="이상담")
    old = await make_call("010-1111-2222", at(9), outcome=CallOutcome.MISSED)
    new = await make_call("010-3333-4444", at(10), outcome=CallOutcome.MISSED)
    await make_call("02-808-8016", at(11))  # answered
    await make_call("02-808-8017", at(12), direction=Direction.OUTBOUND, outcome=CallOutcome.MISSED)
    assert await call_log.missed_count() == 2
    page = await call_log.missed_calls()
    assert [r["id"] for r in page.rows] == [new.id, old.id] and page.total == 2

    # a double click: two requests at once make one change
    first, second = await asyncio.gather(
        call_log.handle_missed(new.id, by=kim, memo="다시 걸어 통화함"),
        call_log.handle_missed(new.id, by=kim, memo="다시 걸어 통화함"),
    )
    assert sorted([first.changed, second.changed]) == [False, True]
    stored = await CallEvent.get(id=new.id)
    assert stored.handled_by_id == kim.id and stored.handled_memo == "다시 걸어 통화함"
    assert stored.handled_at is not None
    assert await call_log.missed_count() == 1
    assert [r["id"] for r in (await call_log.missed_calls()).rows] == [old.id]

    # someone else a moment later is told who was first, and nothing changes
    with pytest.raises(call_log.AlreadyHandled) as taken:
        await call_log.handle_missed(new.id, by=lee, memo="저도 했어요")
    assert str(taken.value).startswith("김상담님이 ")
    assert str(taken.value).endswith("이미 처리 완료한 부재중 전화입니다.")
    assert (await CallEvent.get(id=new.id)).handled_memo == "다시 걸어 통화함"

    with pytest.raises(ValidationError):
        await call_log.handle_missed(old.id, by=kim, memo="가" * 256)
    assert await call_log.missed_count() == 1


async def test_a_customer_lists_the_calls_and_messages_of_all_its_numbers_incl_a_cards(db):
    clerk = await make_staff(name="김상담")
    jaegeun = await make_customer("재근상사", "02-999-8888")
    other = await make_customer("다른상사", "02-111-2222")
    with acting_as(clerk):
        card = await cards.save_card(
            cards.CardInput(name="홍길동", customer_id=jaegeun.id, mobile="010-1245-7845"), by=clerk
        )
    await phone_directory.link_number("031-777-6666", jaegeun.id, by=clerk)
    own = await make_call("02-999-8888", at(9), staff_id=clerk.id)
    from_card = await make_call("010-1245-7845", at(10), outcome=CallOutcome.MISSED)
    linked = await make_call("031-777-6666", at(11), direction=Direction.OUTBOUND)
    named = await make_call("070-000-0000", at(12), customer_id=jaegeun.id)
    await make_call("02-111-2222", at(13), customer_id=other.id)  # not theirs
    reception = await Reception.create(received_at=at(10), call_event_id=from_card.id, customer_id=jaegeun.id)
    sms = await SmsMessage.create(
        destination="01012457845",
        text="방문 예정입니다",
        status=SmsStatus.SENT,
        card_id=card.id,
        created_at=at(14),
    )

    page = await call_log.customer_calls(jaegeun.id, limit=3)
    assert page.total == 5
    assert [r["id"] for r in page.rows] == [f"sms-{sms.id}", f"call-{named.id}", f"call-{linked.id}"]
    rest = await call_log.customer_calls(jaegeun.id, limit=3, offset=3)
    assert rest.total == 5
    assert [r["id"] for r in rest.rows] == [f"call-{from_card.id}", f"call-{own.id}"]
    card_call = rest.rows[0]
    assert card_call["kind"] == "전화" and card_call["outcome"] == "부재중"
    assert card_call["number"] == "010-1245-7845" and card_call["reception_id"] == reception.id
    assert rest.rows[1]["staff_name"] == "김상담"
    message = page.rows[0]
    assert message["kind"] == "문자" and message["text"] == "방문 예정입니다" and message["outcome"] == "발송"
    assert (await call_log.customer_calls(other.id)).total == 1


async def test_the_figures_count_per_day_and_hour_the_missed_rate_and_answer_time_per_staff(db):
    kim = await make_staff(name="김상담")
    lee = await make_staff(name="이상담")
    next_day = DAY + dt.timedelta(days=1)
    await make_call("02-1", at(9, 0), staff_id=kim.id, answer_after=10)
    await make_call("02-2", at(9, 30), staff_id=kim.id, answer_after=20)
    await make_call("02-3", at(14), staff_id=lee.id, answer_after=6)
    await make_call("02-4", at(14, 10), outcome=CallOutcome.MISSED)
    await make_call("02-5", at(0, 30, day=next_day), outcome=CallOutcome.MISSED)  # just after midnight
    await make_call("02-6", at(23, 50, day=next_day), direction=Direction.OUTBOUND, staff_id=kim.id)
    await make_call("02-7", at(9, day=next_day), outcome=CallOutcome.UNKNOWN)
    await make_call("02-8", at(9, day=next_day + dt.timedelta(days=1)))  # after the period

    stats = await call_log.call_stats(DAY, next_day)
    assert [(r["day"], r["inbound"], r["answered"], r["missed"], r["outbound"]) for r in stats.days] == [
        (DAY, 4, 3, 1, 0),
        (next_day, 2, 0, 1, 1),
    ]
    assert stats.days[1]["unknown"] == 1
    assert {
        h["hour"]: (h["inbound"], h["outbound"]) for h in stats.hours if h["inbound"] or h["outbound"]
    } == {
        0: (1, 0),
        9: (3, 0),
        14: (2, 0),
        23: (0, 1),
    }
    assert (stats.inbound, stats.outbound, stats.missed) == (6, 1, 2)
    assert stats.missed_rate == pytest.approx(2 / 6)
    figures = {s.name: (s.answered, round(s.average_answer_seconds, 3)) for s in stats.staff}
    assert figures == {"김상담": (2, 15.0), "이상담": (1, 6.0)}
    with pytest.raises(ValidationError):
        await call_log.call_stats(next_day, DAY)


async def test_recent_calls_of_the_popup_mark_the_missed_ones_and_leave_out_outbound_calls(db):
    answered = await make_call("02-808-8016", at(9))
    missed = await make_call("010-1234-5678", at(10), outcome=CallOutcome.MISSED)
    await make_call("031-555-7230", at(11), direction=Direction.OUTBOUND)
    calls = await call_popup.recent_calls()
    assert [(c.event_id, c.missed) for c in calls] == [(missed.id, True), (answered.id, False)]

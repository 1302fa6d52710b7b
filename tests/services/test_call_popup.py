"""What the incoming-call popup shows, computed once per call."""

import datetime as dt

from core.audit import SYSTEM, acting_as
from models.codes import CodeEntry, CodeKind
from models.customer import Customer, TradingPartner
from models.product import CustomerProduct
from models.reception import Reception, ReceptionState
from models.sales import Receipt, Shipment
from models.telephony import CallEvent, CallEventSource
from services import call_popup
from services.phone_directory import resolve_caller
from telephony.bus import CallBus, CallReport
from tests.factories.customers import make_customer
from tests.factories.staff import make_admin, make_staff


async def code(kind: CodeKind, value: str) -> CodeEntry:
    return await CodeEntry.get(kind=kind, code=value)


async def build(call) -> call_popup.CallPopup:
    return await call_popup.build_popup(
        event_id=call.event_id,
        number=call.number,
        digits=call.digits,
        extension=call.extension,
        occurred_at=call.occurred_at,
        source=call.source,
        caller_name=call.caller_name,
        match=call.match,
    )


async def test_a_known_caller_shows_the_customer_summary_receptions_maintenance_and_balance(db):
    customer = await make_customer("재근상사", "02-999-8888", code="140213-001")
    staff = await make_staff(name="이주연")
    today = dt.date.today()
    with acting_as(SYSTEM):
        partner = await TradingPartner.create(code="P001", name="재근상사")
        await Customer.filter(id=customer.id).update(
            status_id=(await code(CodeKind.CUSTOMER_STATUS, "3")).id,
            staff_id=staff.id,
            class_a_id=(await CodeEntry.filter(kind=CodeKind.CUSTOMER_CLASS_A).first()).id,
            partner_id=partner.id,
        )
        await Shipment.create(number="S1", shipped_on=today, partner=partner, total_amount=1_500_000)
        await Receipt.create(partner=partner, received_on=today, amount=300_000)
        await CustomerProduct.create(customer=customer, paid_end_on=today + dt.timedelta(days=30))
        as_type = await code(CodeKind.RECEPTION_TYPE, "1")
        for day in range(6):
            await Reception.create(
                received_at=dt.datetime(2026, 1, 1 + day, 10, 0),
                customer=customer,
                reception_type=as_type,
                inquiry=f"문의 {day}",
                state=ReceptionState.DONE if day % 2 else ReceptionState.PENDING,
            )

    call = await CallBus().publish(CallReport(source=CallEventSource.CTI, number="029998888"))
    popup = await build(call)

    assert popup.display_number == "02-999-8888"
    summary = popup.customer
    assert (summary.code, summary.name, summary.status, summary.staff) == (
        "140213-001",
        "재근상사",
        "설치완료",
        "이주연",
    )
    assert len(summary.classifications) == 1
    assert summary.balance == 1_200_000
    assert popup.maintenance.startswith("유상 유지보수 중")
    assert [r.inquiry for r in popup.receptions] == ["문의 5", "문의 4", "문의 3", "문의 2", "문의 1"]
    assert popup.receptions[0].type_name == "AS" and popup.receptions[0].state == "완료"


async def test_an_unknown_number_shows_candidates_and_its_earlier_receptions(db):
    a = await make_customer("하이디자인", "031-555-1234")
    with acting_as(SYSTEM):
        await Reception.create(
            received_at=dt.datetime(2026, 1, 1), phone="051-555-1234", phone_digits="0515551234"
        )
    call = await CallBus().publish(CallReport(source=CallEventSource.RING, number="0515551234"))
    popup = await build(call)
    assert popup.customer is None
    assert [c.name for c in popup.candidates] == ["하이디자인"] and popup.candidates[0].id == a.id
    assert len(popup.receptions) == 1
    assert popup.source_label == "센트릭스"


async def test_linking_from_the_popup_makes_the_next_call_resolve(db):
    customer = await make_customer("재근상사", "02-999-8888")
    admin = await make_admin()
    call = await CallBus().publish(CallReport(source=CallEventSource.CTI, number="010-3064-1111"))
    assert call.match.customer is None

    popup = await call_popup.link_caller(event_id=call.event_id, customer_id=customer.id, by=admin)

    assert popup.customer.name == "재근상사"
    assert (await CallEvent.get(id=call.event_id)).customer_id == customer.id
    assert (await resolve_caller("01030641111")).customer.id == customer.id


async def test_recent_calls_say_which_were_written_up(db):
    customer = await make_customer("재근상사", "02-999-8888")
    bus = CallBus()
    first = await bus.publish(CallReport(source=CallEventSource.CTI, number="029998888"))
    await bus.publish(CallReport(source=CallEventSource.CENTREX, number="0212345678", extension="101"))
    with acting_as(SYSTEM):
        await Reception.create(received_at=dt.datetime.now(), customer=customer, call_event_id=first.event_id)

    calls = await call_popup.recent_calls()
    assert [(c.display_number, c.customer_name, c.reception_count) for c in calls] == [
        ("02-1234-5678", "", 0),
        ("02-999-8888", "재근상사", 1),
    ]
    again = await call_popup.popup_for_event(first.event_id)
    assert again.customer.id == customer.id

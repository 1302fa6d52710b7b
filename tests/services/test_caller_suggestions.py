"""비슷한 번호 for an unknown caller: only strong resemblances (the same subscriber number in
another area-code form, 7+ trailing digits), each with the number it matched; never a 4-digit tail."""

from models.telephony import CallEventSource
from services import call_popup, phone_directory
from telephony.bus import CallBus, CallReport
from tests.factories.customers import make_customer


async def test_a_four_digit_tail_in_common_suggests_nobody(db):
    await make_customer("다른회사", "02-123-8016")
    await make_customer("또다른회사", "031-777-8016")
    match = await phone_directory.resolve_caller("051-999-8016")
    assert match.customer is None and match.candidates == []


async def test_seven_trailing_digits_suggest_the_customer_with_the_number_it_matched(db):
    branch = await make_customer("서울지점", "02-555-7230")
    await make_customer("다른회사", "02-123-7230")  # the same last four digits only
    match = await phone_directory.resolve_caller("031-555-7230")
    assert [c.id for c in match.candidates] == [branch.id]
    assert match.matched_numbers == {branch.id: "025557230"}

    call = await CallBus().publish(CallReport(source=CallEventSource.CTI, number="0315557230"))
    popup = await call_popup.build_popup(
        event_id=call.event_id,
        number=call.number,
        digits=call.digits,
        extension="",
        occurred_at=call.occurred_at,
        source=call.source,
        caller_name="",
        match=call.match,
    )
    assert [(c.name, c.matched_number) for c in popup.candidates] == [("서울지점", "02-555-7230")]
    assert not popup.number_shared

"""Call records for the 통화내역 tests, written directly (the sources that fill them are tested with
telephony/)."""

from __future__ import annotations

import datetime as dt

from core.korean import phone_digits
from models.reception import Direction
from models.telephony import CallEvent, CallEventSource, CallOutcome


async def make_call(
    number: str,
    occurred_at: dt.datetime,
    *,
    direction: Direction = Direction.INBOUND,
    outcome: CallOutcome = CallOutcome.ANSWERED,
    customer_id: int | None = None,
    staff_id: int | None = None,
    extension: str = "",
    answer_after: int | None = None,
    duration_seconds: int | None = None,
    source: CallEventSource = CallEventSource.CENTREX,
) -> CallEvent:
    """One call; an answered one rings `answer_after` seconds before it is answered."""
    answered_at = (
        occurred_at + dt.timedelta(seconds=answer_after)
        if answer_after is not None and outcome == CallOutcome.ANSWERED
        else None
    )
    return await CallEvent.create(
        source=source,
        number=number,
        digits=phone_digits(number),
        extension=extension,
        occurred_at=occurred_at,
        customer_id=customer_id,
        direction=direction,
        outcome=outcome,
        answered_at=answered_at,
        duration_seconds=duration_seconds,
        staff_id=staff_id,
    )

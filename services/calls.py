"""Call records (통화내역): every call a source reported, kept as one CallEvent.

telephony/ only speaks the devices' and services' protocols and decides what is one call (the call
bus); this module resolves and stores. A call is recorded when it starts (`record_incoming`, and
`record_outgoing` for 발신), then settled by whatever learns more afterwards: a PBX's answer and
hangup events, the Centrex call history (`settle_from_history`), the person who opened 접수작성
from its popup (`take_call`). A missed call is done by itself when a reception is written from it
or a later 발신 call to its number is logged."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from core.audit import Actor
from core.korean import phone_digits
from models.reception import Direction, Reception
from models.staff import Staff
from models.telephony import CallEvent, CallEventSource, CallOutcome, CentrexUser
from services.centrex_client import parse_time
from services.phone_directory import CallerMatch, resolve_caller

# how a missed call was done by itself (shown on 부재중 전화)
HANDLED_BY_RECEPTION = "접수 작성"
HANDLED_BY_CALL_BACK = "전화 회신"
# a call's settling data (Centrex history, a PBX's hangup) is looked for this long after it rang
SETTLE_WITHIN = dt.timedelta(hours=2)
# a history row and a recorded call are the same call when their times are this close
SAME_CALL_SECONDS = 90
# Centrex STATUS of a call that was taken; every other final status (NO ANSWER, CANCEL, BUSY,
# FAILED) means nobody talked
ANSWERED_STATUS = "ANSWERED"


@dataclass(frozen=True)
class RecordedCall:
    event_id: int
    match: CallerMatch
    staff_ids: frozenset[int]


async def staff_for(*, extension: str = "", line: str = "") -> frozenset[int]:
    """Who a call is for: the active staff having the extension, and the staff linked to the 070 line."""
    ids: set[int] = set()
    if extension:
        ids.update(await Staff.filter(extension=extension, active=True).values_list("id", flat=True))
    if line_digits := phone_digits(line):
        ids.update(
            i
            for i in await CentrexUser.filter(number070=line_digits, staff_id__not_isnull=True).values_list(
                "staff_id", flat=True
            )
            if i
        )
    return frozenset(ids)


async def _owner(*, extension: str, line: str) -> int | None:
    """The one staff member a call on this extension (else this 070 line) belongs to, if just one."""
    if extension:
        ids = await Staff.filter(extension=extension, active=True).limit(2).values_list("id", flat=True)
        if len(ids) == 1:
            return ids[0]
    if line_digits := phone_digits(line):
        return await CentrexUser.filter(number070=line_digits).first().values_list("staff_id", flat=True)
    return None


async def record_incoming(
    *,
    source: CallEventSource,
    number: str,
    digits: str,
    extension: str,
    line: str,
    occurred_at: dt.datetime,
    external_id: str = "",
    caller_name: str = "",
) -> RecordedCall:
    """A new 수신 call (after the bus's de-duplication): resolved through the phone directory and
    stored, with the extension's owner (or the 070 line's staff) as who took it until someone
    opens 접수작성 from its popup."""
    match = await resolve_caller(digits) if digits else CallerMatch(digits="")
    staff_ids = await staff_for(extension=extension, line=line)
    event = await CallEvent.create(
        source=source,
        number=number[:40],
        digits=digits[:20],
        extension=extension[:20],
        occurred_at=occurred_at,
        customer_id=match.customer.id if match.customer else None,
        external_id=external_id[:40],
        caller_name=caller_name[:50],
        direction=Direction.INBOUND,
        staff_id=await _owner(extension=extension, line=line),
    )
    return RecordedCall(event_id=event.id, match=match, staff_ids=staff_ids)


async def record_outgoing(
    *,
    source: CallEventSource,
    number: str,
    staff_id: int | None,
    extension: str = "",
    occurred_at: dt.datetime | None = None,
    external_id: str = "",
) -> CallEvent:
    """A 발신 call (전화걸기 from Gogaek, or a PBX's outbound call): logged without a popup; the
    missed calls from that number before it are answered back by it."""
    digits = phone_digits(number)
    match = await resolve_caller(digits) if digits else CallerMatch(digits="")
    occurred_at = occurred_at or dt.datetime.now()
    event = await CallEvent.create(
        source=source,
        number=number.strip()[:40],
        digits=digits[:20],
        extension=extension[:20],
        occurred_at=occurred_at,
        customer_id=match.customer.id if match.customer else None,
        external_id=external_id[:40],
        direction=Direction.OUTBOUND,
        staff_id=staff_id,
    )
    if digits:
        await CallEvent.filter(
            direction=Direction.INBOUND,
            outcome=CallOutcome.MISSED,
            handled_at__isnull=True,
            digits=digits,
            occurred_at__lte=occurred_at,
        ).update(handled_at=occurred_at, handled_by_id=staff_id, handled_memo=HANDLED_BY_CALL_BACK)
    return event


async def take_call(event_id: int, *, by: Actor) -> None:
    """The person who opened 접수작성 from the call's popup took the call."""
    if by.id is not None:
        await CallEvent.filter(id=event_id, direction=Direction.INBOUND).update(staff_id=by.id)


async def mark_missed_handled(event_id: int, *, at: dt.datetime, by_id: int | None, memo: str) -> bool:
    """A missed call still open is done: at, by whom, with a memo. Changed only while it is still
    open (one change however many ask at once): whether this call changed it."""
    changed = await CallEvent.filter(id=event_id, outcome=CallOutcome.MISSED, handled_at__isnull=True).update(
        handled_at=at, handled_by_id=by_id, handled_memo=memo
    )
    return bool(changed)


async def reception_written(event_id: int, *, by: Actor) -> None:
    """A reception was written from this call: a missed call is done by it."""
    now = dt.datetime.now().replace(microsecond=0)
    await mark_missed_handled(event_id, at=now, by_id=by.id, memo=HANDLED_BY_RECEPTION)


async def settle(
    event_id: int,
    *,
    outcome: CallOutcome | None = None,
    answered_at: dt.datetime | None = None,
    ended_at: dt.datetime | None = None,
    duration_seconds: int | None = None,
    staff_id: int | None = None,
) -> None:
    """What became known after the call started (only the values given change). A call settled
    as 부재중 that was already answered back or turned into a reception is done at once."""
    changes: dict[str, Any] = {
        name: value
        for name, value in {
            "outcome": outcome,
            "answered_at": answered_at,
            "ended_at": ended_at,
            "duration_seconds": duration_seconds,
            "staff_id": staff_id,
        }.items()
        if value is not None
    }
    if changes:
        await CallEvent.filter(id=event_id).update(**changes)
    if outcome == CallOutcome.MISSED:
        await _done_if_followed_up(event_id)


async def _done_if_followed_up(event_id: int) -> None:
    event = await CallEvent.get_or_none(id=event_id, handled_at__isnull=True)
    if event is None or event.direction != Direction.INBOUND:
        return
    reception = (
        await Reception.filter(call_event_id=event_id)
        .order_by("id")
        .first()
        .values("created_by_id", "created_at")
    )
    if reception:
        at, by_id = reception["created_at"], reception["created_by_id"]
        await mark_missed_handled(event_id, at=at, by_id=by_id, memo=HANDLED_BY_RECEPTION)
        return
    if not event.digits:
        return
    back = (
        await CallEvent.filter(
            direction=Direction.OUTBOUND, digits=event.digits, occurred_at__gte=event.occurred_at
        )
        .order_by("occurred_at")
        .first()
        .values("occurred_at", "staff_id")
    )
    if back:
        at, by_id = back["occurred_at"], back["staff_id"]
        await mark_missed_handled(event_id, at=at, by_id=by_id, memo=HANDLED_BY_CALL_BACK)


# -- Centrex call history -----------------------------------------------------------------------


async def unsettled(direction: Direction, *, sources: tuple[CallEventSource, ...]) -> bool:
    """Whether a recent call from these sources still waits for its outcome."""
    since = dt.datetime.now() - SETTLE_WITHIN
    return await CallEvent.filter(
        direction=direction, outcome=CallOutcome.UNKNOWN, occurred_at__gte=since, source__in=sources
    ).exists()


@dataclass(frozen=True)
class HistoryRow:
    """One `callhistory` row as the settling needs it."""

    time: dt.datetime
    number: str  # the other party: SRC of an inbound row, DST of an outbound one
    status: str
    duration: int  # seconds from the first ring to the end
    billsec: int  # seconds talked

    @classmethod
    def parse(cls, row: dict[str, Any], direction: Direction) -> HistoryRow | None:
        time = parse_time(row.get("TIME"))
        if time is None:
            return None
        number = str(row.get("SRC" if direction == Direction.INBOUND else "DST") or "")
        return cls(
            time=time,
            number=number,
            status=str(row.get("STATUS") or "").strip().upper(),
            duration=_seconds(row.get("DURATION")),
            billsec=_seconds(row.get("BILLSEC")),
        )


def _seconds(raw: Any) -> int:
    try:
        return max(int(str(raw).strip()), 0)
    except (TypeError, ValueError):
        return 0


async def settle_from_history(rows: list[dict[str, Any]], direction: Direction) -> int:
    """Settle the unsettled calls the Centrex `callhistory` rows of one line tell about (outcome,
    answered and ended time, duration talked); returns how many were settled. A row matches the
    call of the same number whose start is within SAME_CALL_SECONDS of the row's TIME."""
    since = dt.datetime.now() - SETTLE_WITHIN
    settled = 0
    for raw in rows:
        row = HistoryRow.parse(raw, direction)
        if row is None or row.time < since or not (digits := phone_digits(row.number)):
            continue
        window = dt.timedelta(seconds=SAME_CALL_SECONDS)
        event = (
            await CallEvent.filter(
                direction=direction,
                outcome=CallOutcome.UNKNOWN,
                digits=digits,
                occurred_at__gte=row.time - window,
                occurred_at__lte=row.time + window,
            )
            .order_by("occurred_at")
            .first()
        )
        if event is None:
            continue
        ended_at = row.time + dt.timedelta(seconds=row.duration)
        if row.status == ANSWERED_STATUS:
            await settle(
                event.id,
                outcome=CallOutcome.ANSWERED,
                answered_at=ended_at - dt.timedelta(seconds=min(row.billsec, row.duration)),
                ended_at=ended_at,
                duration_seconds=row.billsec,
            )
        else:
            await settle(event.id, outcome=CallOutcome.MISSED, ended_at=ended_at, duration_seconds=0)
        settled += 1
    return settled


# -- a PBX's events (POST /cti/<token>) --------------------------------------------------------


def pbx_call_id(call_id: str) -> str:
    return f"pbx:{call_id}"[:40]


async def pbx_call(call_id: str, *, number: str = "") -> CallEvent | None:
    """The call a PBX's `callId` names: the one recorded with it, else (its newCall folded into a
    call another source announced first) the latest unfinished call of that number."""
    event = await CallEvent.filter(external_id=pbx_call_id(call_id)).order_by("-id").first()
    if event is not None or not (digits := phone_digits(number)):
        return event
    return (
        await CallEvent.filter(
            digits=digits, ended_at__isnull=True, occurred_at__gte=dt.datetime.now() - SETTLE_WITHIN
        )
        .order_by("-occurred_at", "-id")
        .first()
    )


async def staff_by_login_or_extension(*, user: str = "", extension: str = "") -> int | None:
    """The staff member a PBX names as having answered: by sign-in id, else by extension."""
    if user.strip():
        found = await Staff.filter(login=user.strip(), active=True).first().values_list("id", flat=True)
        if found:
            return found
    if extension.strip():
        ids = (
            await Staff.filter(extension=extension.strip(), active=True).limit(2).values_list("id", flat=True)
        )
        if len(ids) == 1:
            return ids[0]
    return None


async def pbx_answered(call_id: str, *, number: str, user: str = "", extension: str = "") -> bool:
    event = await pbx_call(call_id, number=number)
    if event is None:
        return False
    staff_id = await staff_by_login_or_extension(user=user, extension=extension)
    await settle(
        event.id,
        outcome=CallOutcome.ANSWERED,
        answered_at=dt.datetime.now().replace(microsecond=0),
        staff_id=staff_id,
    )
    return True


async def pbx_hung_up(call_id: str, *, number: str) -> bool:
    """The call ended: its end, how long was talked and, if never answered, 부재중."""
    event = await pbx_call(call_id, number=number)
    if event is None:
        return False
    ended_at = dt.datetime.now().replace(microsecond=0)
    if event.answered_at is not None:
        talked = max(int((ended_at - event.answered_at).total_seconds()), 0)
        await settle(event.id, outcome=CallOutcome.ANSWERED, ended_at=ended_at, duration_seconds=talked)
    else:  # nobody answered (for a 발신 call: the other side did not pick up)
        await settle(event.id, outcome=CallOutcome.MISSED, ended_at=ended_at, duration_seconds=0)
    return True

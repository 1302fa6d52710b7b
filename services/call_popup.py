"""What the incoming-call popup shows (docs/telephony.md), computed once per call for every screen:
the number, the matched customer's summary (code, name, status, staff, classifications, credit
balance) or candidates, the last 5 receptions, the maintenance state. Also the recent calls
list (a missed popup can be found again) and 번호연결 from the popup."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.audit import Actor
from core.korean import format_phone
from models.customer import Customer
from models.reception import Direction, Reception
from models.telephony import CallEvent, CallEventSource, CallOutcome
from services.balances import customer_balances
from services.maintenance import maintenance_summary
from services.phone_directory import CallerMatch, link_number, resolve_caller

RECENT_RECEPTIONS = 5
SOURCE_LABELS = {
    CallEventSource.CTI: "CTI",
    CallEventSource.CENTREX: "센트릭스",
    CallEventSource.RING: "센트릭스",
    CallEventSource.WEBHOOK: "PBX",
    CallEventSource.DIAL: "전화걸기",
}
INQUIRY_PREVIEW = 60


@dataclass(frozen=True)
class CustomerSummary:
    id: int
    code: str
    name: str
    status: str
    staff: str
    representative: str
    contact_name: str
    classifications: tuple[str, ...]
    balance: int


@dataclass(frozen=True)
class Candidate:
    id: int
    code: str
    name: str
    matched_number: str = ""  # the customer's number that resembles the caller's (formatted)


@dataclass(frozen=True)
class ReceptionLine:
    id: int
    received_at: dt.datetime
    type_name: str
    inquiry: str
    state: str
    receiver: str


@dataclass(frozen=True)
class CallPopup:
    event_id: int
    number: str  # as reported
    display_number: str
    digits: str
    extension: str
    occurred_at: dt.datetime
    source: CallEventSource
    caller_name: str
    customer: CustomerSummary | None
    card_person: str = ""  # the business card the number belongs to
    card_company: str = ""
    candidates: tuple[Candidate, ...] = ()
    number_shared: bool = False  # the candidates have exactly this number; else a similar one
    receptions: tuple[ReceptionLine, ...] = ()
    maintenance: str = ""

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS.get(self.source, str(self.source))


async def _customer_summary(customer_id: int) -> CustomerSummary | None:
    row = await (
        Customer.filter(id=customer_id)
        .first()
        .values(
            "id",
            "code",
            "company_name",
            "representative",
            "contact_name",
            "status__name",
            "staff__name",
            "class_a__name",
            "class_b__name",
            "class_c__name",
        )
    )
    if row is None:
        return None
    balance = (await customer_balances([customer_id])).get(customer_id, 0)
    return CustomerSummary(
        id=row["id"],
        code=row["code"],
        name=row["company_name"],
        status=row["status__name"] or "",
        staff=row["staff__name"] or "",
        representative=row["representative"],
        contact_name=row["contact_name"],
        classifications=tuple(
            name for name in (row["class_a__name"], row["class_b__name"], row["class_c__name"]) if name
        ),
        balance=balance,
    )


async def _recent_receptions(*, customer_id: int | None, digits: str) -> tuple[ReceptionLine, ...]:
    """The customer's last receptions; for an unknown number, the earlier calls from it."""
    if customer_id:
        query = Reception.filter(customer_id=customer_id)
    elif len(digits) >= 4:
        query = Reception.filter(phone_digits=digits)
    else:
        return ()
    rows = (
        await query.order_by("-received_at", "-id")
        .limit(RECENT_RECEPTIONS)
        .values(
            "id",
            "received_at",
            "inquiry",
            "state",
            "reception_type__short_name",
            "reception_type__name",
            "receiver__name",
        )
    )
    return tuple(
        ReceptionLine(
            id=r["id"],
            received_at=r["received_at"],
            type_name=r["reception_type__short_name"] or r["reception_type__name"] or "",
            inquiry=_preview(r["inquiry"]),
            state=str(r["state"]),
            receiver=r["receiver__name"] or "",
        )
        for r in rows
    )


def _formatted(digits: str) -> str:
    return format_phone(digits) if digits else ""


def _preview(text: str) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= INQUIRY_PREVIEW else line[: INQUIRY_PREVIEW - 1] + "…"


async def build_popup(
    *,
    event_id: int,
    number: str,
    digits: str,
    extension: str,
    occurred_at: dt.datetime,
    source: CallEventSource,
    caller_name: str,
    match: CallerMatch,
) -> CallPopup:
    customer = await _customer_summary(match.customer.id) if match.customer else None
    maintenance = (await maintenance_summary(customer.id)).label if customer else ""
    return CallPopup(
        event_id=event_id,
        number=number,
        display_number=format_phone(number) if digits else number,
        digits=digits,
        extension=extension,
        occurred_at=occurred_at,
        source=CallEventSource(source),
        caller_name=caller_name,
        customer=customer,
        card_person=match.card.name if match.card else "",
        card_company=match.card.company_name if match.card else "",
        candidates=tuple(
            Candidate(c.id, c.code, c.company_name, _formatted(match.matched_numbers.get(c.id, "")))
            for c in match.candidates
        ),
        number_shared=match.shared,
        receptions=await _recent_receptions(customer_id=customer.id if customer else None, digits=digits),
        maintenance=maintenance,
    )


async def popup_for_event(event_id: int) -> CallPopup:
    """The popup of an earlier call, resolved again (links made since then count)."""
    event = await CallEvent.fetch(event_id, "전화 기록")
    match = await resolve_caller(event.digits) if event.digits else CallerMatch(digits="")
    return await build_popup(
        event_id=event.id,
        number=event.number,
        digits=event.digits,
        extension=event.extension,
        occurred_at=event.occurred_at,
        source=event.source,
        caller_name=event.caller_name,
        match=match,
    )


async def link_caller(*, event_id: int, customer_id: int, by: Actor) -> CallPopup:
    """번호연결 from the popup: this number belongs to that customer from now on (and this call too)."""
    event = await CallEvent.fetch(event_id, "전화 기록")
    await link_number(event.number, customer_id, by=by)
    await CallEvent.filter(id=event_id).update(customer_id=customer_id)
    return await popup_for_event(event_id)


@dataclass(frozen=True)
class RecentCall:
    event_id: int
    occurred_at: dt.datetime
    display_number: str
    has_number: bool  # False: 발신번호 표시 제한 / 발신번호 없음
    customer_name: str
    source_label: str
    extension: str
    reception_count: int
    missed: bool = False  # 부재중: nobody answered


async def recent_calls(limit: int = 20) -> list[RecentCall]:
    """최근 수신 전화, newest first, with whether a reception was written for each and whether it
    was missed (the calls Gogaek made, 발신, are not among them)."""
    rows = (
        await CallEvent.filter(direction=Direction.INBOUND)
        .order_by("-occurred_at", "-id")
        .limit(limit)
        .values(
            "id",
            "occurred_at",
            "number",
            "digits",
            "source",
            "extension",
            "customer__company_name",
            "outcome",
        )
    )
    ids = [r["id"] for r in rows]
    written: dict[int, int] = {}
    for call_event_id in await Reception.filter(call_event_id__in=ids).values_list(
        "call_event_id", flat=True
    ):
        written[call_event_id] = written.get(call_event_id, 0) + 1
    return [
        RecentCall(
            event_id=r["id"],
            occurred_at=r["occurred_at"],
            display_number=format_phone(r["number"]) if r["digits"] else r["number"],
            has_number=bool(r["digits"]),
            customer_name=r["customer__company_name"] or "",
            source_label=SOURCE_LABELS.get(CallEventSource(r["source"]), r["source"]),
            extension=r["extension"],
            reception_count=written.get(r["id"], 0),
            missed=r["outcome"] == CallOutcome.MISSED,
        )
        for r in rows
    ]

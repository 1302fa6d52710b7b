"""고객 타임라인 (customer window tab 전체 이력): everything that happened with one customer, newest
first — receptions, visits, quotes, orders, shipments, receipts (through the customer's trading
partner), SMS, calls, e-mails, 업체정보이력 memos, and the audit log's changes to the customer and its
maintenance contracts.

Paged on the server without loading a customer's whole history: every source is asked for at most
`offset + limit` rows of its own, newest first, through an index that starts with the customer (or
the trading partner) and continues with the date, and the sources are merged (a k-way merge of
sorted lists) to cut the page. The total is the sum of one COUNT per source, read from the same
indexes. A page near the start (what users open) costs a few dozen rows per source however long the
history is; page n costs n pages of rows per source, which stays small for any page a person walks
to. The alternative, one UNION ALL with LIMIT/OFFSET in SQL, would have to bring date-only and
timestamp columns (and PostgreSQL's time zones) to one type in hand-written SQL for both engines,
and the database would still read offset + limit rows of every source to sort them.

The order is (time, kind, id) descending, the same on every page, so pages have no gaps nor
duplicates. Documents that carry a date only (quotes, visits, sales) sit at the start of their day."""

from __future__ import annotations

import datetime as dt
import enum
import heapq
import itertools
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from tortoise.queryset import QuerySet

from core.db import TextHead
from core.korean import format_amount
from models.audit import AuditEntry
from models.customer import Customer, CustomerHistory
from models.mail import MailMessage
from models.maintenance import MaintenanceContract
from models.quote import Quote
from models.reception import Reception
from models.sales import Receipt, SalesOrder, Shipment
from models.staff import Staff
from models.telephony import CallEvent, SmsMessage
from models.visit import VisitReport
from services.paging import Page

TEXT_CHARS = 60
MAX_LIMIT = 200


class Kind(enum.StrEnum):
    RECEPTION = "접수"
    VISIT = "방문"
    QUOTE = "견적"
    ORDER = "수주"
    SHIPMENT = "출고"
    RECEIPT = "수금"
    SMS = "문자"
    CALL = "통화"
    MAIL = "메일"
    MEMO = "업체정보이력"
    CONTRACT = "계약 변경"
    RECORD = "정보 변경"


KINDS = tuple(Kind)
_RANK = {kind: len(KINDS) - i for i, kind in enumerate(KINDS)}  # ties in time: the list's order


class Target(enum.StrEnum):
    """What a click on an event opens (the page maps it to a screen)."""

    RECEPTION = "reception"  # the reception form, target_id = reception id
    VISIT = "visit"  # the visit editor
    QUOTE = "quote"  # the quote editor
    LEDGER = "ledger"  # 거래내역 of the trading partner, target_id = partner id
    MAIL = "mail"  # the mail outbox
    SMS = "sms"  # the message itself (no screen of its own)
    CALL = "call"  # the call itself: the line says it all
    INFO = "info"  # the customer window's 고객정보 tab
    MAINTENANCE = "maintenance"  # the customer window's 유지보수관리 tab


@dataclass(frozen=True)
class Event:
    kind: Kind
    at: dt.datetime
    timed: bool  # False: the record carries a date only
    id: int
    staff_id: int | None
    staff_name: str
    text: str
    target: Target
    target_id: int | None

    @property
    def key(self) -> str:
        return f"{_KEY_PREFIX[self.kind]}-{self.id}"

    @property
    def when(self) -> str:
        return self.at.strftime("%Y-%m-%d %H:%M") if self.timed else self.at.strftime("%Y-%m-%d")

    def row(self) -> dict[str, Any]:
        return {
            "id": self.key,
            "kind": self.kind.value,
            "when": self.when,
            "staff": self.staff_name,
            "text": self.text,
            "target": self.target.value,
            "target_id": self.target_id,
        }


_KEY_PREFIX = {
    Kind.RECEPTION: "reception",
    Kind.VISIT: "visit",
    Kind.QUOTE: "quote",
    Kind.ORDER: "order",
    Kind.SHIPMENT: "shipment",
    Kind.RECEIPT: "receipt",
    Kind.SMS: "sms",
    Kind.CALL: "call",
    Kind.MAIL: "mail",
    Kind.MEMO: "memo",
    Kind.CONTRACT: "contract-change",
    Kind.RECORD: "record-change",
}


@dataclass(frozen=True)
class Scope:
    customer_id: int
    partner_id: int | None
    date_from: dt.date | None
    date_to: dt.date | None


def _head(text: str | None, chars: int = TEXT_CHARS) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= chars else line[: chars - 1] + "…"


def _at_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min)


def _timed_range(query: QuerySet, field: str, scope: Scope) -> QuerySet:
    if scope.date_from:
        query = query.filter(**{f"{field}__gte": _at_day(scope.date_from)})
    if scope.date_to:
        query = query.filter(**{f"{field}__lt": _at_day(scope.date_to + dt.timedelta(days=1))})
    return query


def _dated_range(query: QuerySet, field: str, scope: Scope) -> QuerySet:
    if scope.date_from:
        query = query.filter(**{f"{field}__gte": scope.date_from})
    if scope.date_to:
        query = query.filter(**{f"{field}__lte": scope.date_to})
    return query


Loader = Callable[[Scope, int], Awaitable[tuple[list[Event], int]]]


def newest(query: QuerySet, time_field: str, take: int, *fields: str):
    """The newest `take` rows of a source, newest first (ties: the higher id first)."""
    return query.order_by(f"-{time_field}", "-id").limit(take).values("id", time_field, *fields)


async def _take(query: QuerySet, time_field: str, take: int, *fields: str) -> tuple[list[dict], int]:
    """The newest `take` rows of a source (as dicts) and how many it has in all."""
    count = await query.count()
    if not count or not take:
        return [], count
    return await newest(query, time_field, take, *fields), count


RECEPTION_FIELDS = ("receiver_id", "inquiry_head", "state", "reception_type__name")


def reception_query(scope: Scope) -> QuerySet:
    """The customer's receptions in the period: the (customer_id, received_at) index."""
    query = _timed_range(Reception.filter(customer_id=scope.customer_id), "received_at", scope)
    return query.annotate(inquiry_head=TextHead("inquiry", 1, TEXT_CHARS * 2))


async def _receptions(scope: Scope, take: int) -> tuple[list[Event], int]:
    rows, count = await _take(reception_query(scope), "received_at", take, *RECEPTION_FIELDS)
    events = [
        Event(
            Kind.RECEPTION,
            r["received_at"],
            True,
            r["id"],
            r["receiver_id"],
            "",
            _head(" · ".join(p for p in (r["reception_type__name"] or "", _head(r["inquiry_head"])) if p)),
            Target.RECEPTION,
            r["id"],
        )
        for r in rows
    ]
    return events, count


async def _visits(scope: Scope, take: int) -> tuple[list[Event], int]:
    query = _dated_range(VisitReport.filter(customer_id=scope.customer_id), "written_on", scope)
    rows, count = await _take(
        query, "written_on", take, "visitor_id", "purpose", "visit_date", "document_number"
    )
    events = []
    for r in rows:
        visited = f"방문일 {r['visit_date']:%Y-%m-%d}" if r["visit_date"] else ""
        text = " · ".join(p for p in (r["purpose"], visited) if p) or r["document_number"]
        events.append(
            Event(
                Kind.VISIT,
                _at_day(r["written_on"]),
                False,
                r["id"],
                r["visitor_id"],
                "",
                _head(text),
                Target.VISIT,
                r["id"],
            )
        )
    return events, count


def _document_text(number: str, title: str, amount: int) -> str:
    return _head(" ".join(p for p in (number, title, f"{format_amount(amount)}원") if p))


async def _quotes(scope: Scope, take: int) -> tuple[list[Event], int]:
    query = _dated_range(Quote.filter(customer_id=scope.customer_id), "quote_date", scope)
    rows, count = await _take(query, "quote_date", take, "staff_id", "number", "title", "total_amount")
    events = [
        Event(
            Kind.QUOTE,
            _at_day(r["quote_date"]),
            False,
            r["id"],
            r["staff_id"],
            "",
            _document_text(r["number"], r["title"], r["total_amount"]),
            Target.QUOTE,
            r["id"],
        )
        for r in rows
    ]
    return events, count


def _sales_loader(model: type, kind: Kind, date_field: str) -> Loader:
    async def load(scope: Scope, take: int) -> tuple[list[Event], int]:
        if scope.partner_id is None:
            return [], 0
        query = _dated_range(model.filter(partner_id=scope.partner_id), date_field, scope)
        amount = "amount" if model is Receipt else "total_amount"
        extra = ("memo",) if model is Receipt else ()
        rows, count = await _take(query, date_field, take, "created_by_id", "number", amount, *extra)
        events = [
            Event(
                kind,
                _at_day(r[date_field]),
                False,
                r["id"],
                r["created_by_id"],
                "",
                _document_text(r["number"], r.get("memo", ""), r[amount]),
                Target.LEDGER,
                scope.partner_id,
            )
            for r in rows
        ]
        return events, count

    return load


async def _sms(scope: Scope, take: int) -> tuple[list[Event], int]:
    query = _timed_range(SmsMessage.filter(customer_id=scope.customer_id), "created_at", scope)
    rows, count = await _take(query, "created_at", take, "staff_id", "destination", "text", "status")
    events = [
        Event(
            Kind.SMS,
            r["created_at"],
            True,
            r["id"],
            r["staff_id"],
            "",
            _head(f"{r['destination']} · {r['text']}"),
            Target.SMS,
            r["id"],
        )
        for r in rows
    ]
    return events, count


def _call_text(row: dict[str, Any]) -> str:
    parts = [f"{row['direction']} {row['outcome']}", row["number"]]
    if row["duration_seconds"]:
        minutes, seconds = divmod(row["duration_seconds"], 60)
        parts.append(f"{minutes}:{seconds:02d}")
    return " · ".join(parts)


async def _calls(scope: Scope, take: int) -> tuple[list[Event], int]:
    """Calls the directory tied to the customer (call_event_customer: customer, then time)."""
    query = _timed_range(CallEvent.filter(customer_id=scope.customer_id), "occurred_at", scope)
    fields = ("staff_id", "direction", "outcome", "number", "duration_seconds")
    rows, count = await _take(query, "occurred_at", take, *fields)
    events = [
        Event(
            Kind.CALL, r["occurred_at"], True, r["id"], r["staff_id"], "", _call_text(r), Target.CALL, r["id"]
        )
        for r in rows
    ]
    return events, count


async def _mails(scope: Scope, take: int) -> tuple[list[Event], int]:
    query = _timed_range(MailMessage.filter(customer_id=scope.customer_id), "created_at", scope)
    rows, count = await _take(query, "created_at", take, "staff_id", "recipient", "subject")
    events = [
        Event(
            Kind.MAIL,
            r["created_at"],
            True,
            r["id"],
            r["staff_id"],
            "",
            _head(f"{r['subject']} → {r['recipient']}"),
            Target.MAIL,
            r["id"],
        )
        for r in rows
    ]
    return events, count


async def _memos(scope: Scope, take: int) -> tuple[list[Event], int]:
    query = _timed_range(CustomerHistory.filter(customer_id=scope.customer_id), "created_at", scope)
    query = query.annotate(note_head=TextHead("note", 1, TEXT_CHARS * 2))
    rows, count = await _take(query, "created_at", take, "created_by_id", "note_head")
    events = [
        Event(
            Kind.MEMO,
            r["created_at"],
            True,
            r["id"],
            r["created_by_id"],
            "",
            _head(r["note_head"]),
            Target.INFO,
            scope.customer_id,
        )
        for r in rows
    ]
    return events, count


_ACTIONS = {"create": "등록", "update": "수정", "delete": "삭제"}


def _change_text(action: str, changes: Any, what: str) -> str:
    done = _ACTIONS.get(action, action)
    fields = len(changes) if isinstance(changes, dict) else 0
    if action == "update" and fields:
        return f"{what} {done} (항목 {fields:,}개)"
    return f"{what} {done}"


def _audit_loader(kind: Kind) -> Loader:
    async def load(scope: Scope, take: int) -> tuple[list[Event], int]:
        if kind is Kind.RECORD:
            query = AuditEntry.filter(table_name="customer", record_id=scope.customer_id)
            target, what = Target.INFO, "고객정보"
        else:
            contract_ids = await MaintenanceContract.filter(customer_id=scope.customer_id).values_list(
                "id", flat=True
            )
            if not contract_ids:
                return [], 0
            query = AuditEntry.filter(table_name="maintenance_contract", record_id__in=list(contract_ids))
            target, what = Target.MAINTENANCE, "유지보수 계약"
        query = _timed_range(query, "at", scope)
        rows, count = await _take(
            query, "at", take, "actor_id", "actor_name", "action", "changes", "record_id"
        )
        events = [
            Event(
                kind,
                r["at"],
                True,
                r["id"],
                r["actor_id"],
                r["actor_name"] or "",
                _change_text(r["action"], r["changes"], what),
                target,
                scope.customer_id,
            )
            for r in rows
        ]
        return events, count

    return load


LOADERS: dict[Kind, Loader] = {
    Kind.RECEPTION: _receptions,
    Kind.VISIT: _visits,
    Kind.QUOTE: _quotes,
    Kind.ORDER: _sales_loader(SalesOrder, Kind.ORDER, "order_date"),
    Kind.SHIPMENT: _sales_loader(Shipment, Kind.SHIPMENT, "shipped_on"),
    Kind.RECEIPT: _sales_loader(Receipt, Kind.RECEIPT, "received_on"),
    Kind.SMS: _sms,
    Kind.CALL: _calls,
    Kind.MAIL: _mails,
    Kind.MEMO: _memos,
    Kind.CONTRACT: _audit_loader(Kind.CONTRACT),
    Kind.RECORD: _audit_loader(Kind.RECORD),
}


def _order_key(event: Event) -> tuple[dt.datetime, int, int]:
    return (event.at, _RANK[event.kind], event.id)


async def _named(events: Iterable[Event]) -> list[Event]:
    events = list(events)
    ids = {e.staff_id for e in events if e.staff_id and not e.staff_name}
    names = dict(await Staff.filter(id__in=ids).values_list("id", "name")) if ids else {}
    return [e if e.staff_name or not e.staff_id else _with_name(e, names.get(e.staff_id, "")) for e in events]


def _with_name(event: Event, name: str) -> Event:
    return Event(**{**event.__dict__, "staff_name": name})


async def customer_timeline(
    customer_id: int,
    *,
    kinds: set[Kind] | set[str] | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """One page of the customer's history, newest first: `Page.rows` are `Event.row()` dicts and
    `Page.extra["events"]` the events themselves. `kinds` (None: all) and the period (dates,
    both ends included) filter it. An unknown customer has an empty history."""
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    chosen = [Kind(k) for k in kinds] if kinds is not None else list(KINDS)
    partner = await Customer.filter(id=customer_id).values_list("partner_id", flat=True)
    if not partner:
        return Page([], 0, extra={"events": []})
    if date_from and date_to and date_from > date_to:
        date_from, date_to = date_to, date_from
    scope = Scope(customer_id, partner[0], date_from, date_to)
    take = offset + limit
    lists, total = [], 0
    for kind in KINDS:  # one after the other: a connection runs one query at a time anyway
        if kind not in chosen:
            continue
        events, count = await LOADERS[kind](scope, take)
        lists.append(events)
        total += count
    merged = heapq.merge(*lists, key=_order_key, reverse=True)
    page = list(itertools.islice(merged, offset, take))
    page = await _named(page)
    return Page([e.row() for e in page], total, extra={"events": page})

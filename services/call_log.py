"""통화내역 (docs/product.md, 통화내역): every call on one list, the missed calls not yet handled
(부재중 전화) with their 처리 완료, a customer's calls and messages (통화·문자 tab), and the call
figures (통화 통계).

The calls are written by the sources (telephony/); here they are only read, and a missed call is
marked handled (through services.calls.mark_missed_handled). Lists are paged on the server, newest first, through the call_event indexes
(occurred_at; outcome + handled_at + occurred_at; customer_id + occurred_at; digits +
occurred_at)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from tortoise.expressions import Q, RawSQL, Subquery
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from core.audit import Actor
from core.db import SqliteReader, grouped_day, sqlite_reader
from core.errors import GogaekError, NotFound, ValidationError
from core.inputs import refuse, search_text, wrong_choices, wrong_dates, wrong_ids, wrong_texts
from core.korean import format_datetime, format_phone, josa, phone_digits
from core.settings import TIMEZONE
from models.card import BusinessCard
from models.phone import PhoneEntry
from models.reception import Direction, Reception
from models.staff import Staff
from models.telephony import CallEvent, CallOutcome, SmsMessage, SmsStatus
from services.calls import mark_missed_handled
from services.paging import Page
from services.search_index import like_pattern

EXPORT_LIMIT = 100_000
EXPORT_CHUNK = 1000
MEMO_MAX = 255
MIN_NUMBER_DIGITS = 3  # a text with fewer digits is a customer's name, not a number
SMS_STATUS_LABELS = {SmsStatus.SENT: "발송", SmsStatus.FAILED: "실패", SmsStatus.UNKNOWN: "결과 모름"}

_FIELDS = (
    "id",
    "occurred_at",
    "direction",
    "outcome",
    "number",
    "digits",
    "extension",
    "duration_seconds",
    "answered_at",
    "source",
    "customer_id",
    "customer__company_name",
    "staff__name",
    "handled_at",
    "handled_by__name",
    "handled_memo",
)


def duration_text(seconds: int | None) -> str:
    """통화시간 as m:ss ("1:05"); empty when the source never said."""
    if seconds is None:
        return ""
    minutes, rest = divmod(max(int(seconds), 0), 60)
    return f"{minutes}:{rest:02d}"


def shown_number(number: str, digits: str) -> str:
    """A caller's number as people write it; a withheld one as the source reported it."""
    return format_phone(number) if digits else number


@dataclass(frozen=True)
class CallFilters:
    """통화내역 filters; empty ones do not narrow. `text` is a number (its digits, anywhere in the
    caller's number) or a customer's name."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    direction: Direction | None = None
    outcome: CallOutcome | None = None
    staff_id: int | None = None
    text: str = ""

    def check(self) -> None:
        refuse(
            wrong_dates(date_from=self.date_from, date_to=self.date_to),
            wrong_ids(staff=self.staff_id),
            wrong_texts(text=self.text),
            wrong_choices(Direction, direction=self.direction) if self.direction is not None else {},
            wrong_choices(CallOutcome, outcome=self.outcome) if self.outcome is not None else {},
        )
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValidationError({"date_to": "기간의 끝이 시작보다 빠릅니다."})


def _calls(filters: CallFilters) -> QuerySet[CallEvent]:
    filters.check()
    query = CallEvent.all()
    if filters.date_from:
        query = query.filter(occurred_at__gte=dt.datetime.combine(filters.date_from, dt.time()))
    if filters.date_to:
        query = query.filter(
            occurred_at__lt=dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time())
        )
    if filters.direction:
        query = query.filter(direction=filters.direction)
    if filters.outcome:
        query = query.filter(outcome=filters.outcome)
    if filters.staff_id:
        query = query.filter(staff_id=filters.staff_id)
    text = search_text(filters.text)
    if text:
        digits = phone_digits(text)
        is_number = len(digits) >= MIN_NUMBER_DIGITS and not any(ch.isalpha() for ch in text)
        if is_number:
            query = query.filter(digits__contains=digits)
        else:
            query = query.filter(customer__company_name__icontains=text)
    return query


async def _receptions_of(call_ids: list[int]) -> dict[int, int]:
    """call id → the first reception written from it."""
    written: dict[int, int] = {}
    if not call_ids:
        return written
    # sorted here, not in SQL: most receptions come from no call, so the planner, seeing the
    # call_event_id index as useless, would read the whole table in id order to skip a sort
    reader = sqlite_reader()
    if reader is not None:  # a hundred index probes: on the read connection at once
        marks = ",".join("?" * len(call_ids))
        sql = f"SELECT call_event_id, id FROM reception WHERE call_event_id IN ({marks})"
        found = (await reader.rows(sql, call_ids, quick=True))[1]
    else:
        found = await Reception.filter(call_event_id__in=call_ids).values_list("call_event_id", "id")
    for call_id, reception_id in sorted(found):
        written.setdefault(call_id, reception_id)
    return written


def _row(values: dict[str, Any], reception_id: int | None) -> dict[str, Any]:
    return {
        "id": values["id"],
        "occurred_at": values["occurred_at"],
        "direction": str(values["direction"]),  # the value (a StrEnum from the ORM, text from SQL)
        "outcome": str(values["outcome"]),
        "number": shown_number(values["number"], values["digits"]),
        "digits": values["digits"],
        "customer_id": values["customer_id"],
        "customer_name": values["customer__company_name"] or "",
        "extension": values["extension"],
        "staff_name": values["staff__name"] or "",
        "duration_seconds": values["duration_seconds"],
        "duration": duration_text(values["duration_seconds"]),
        "source": str(values["source"]),
        "reception_id": reception_id,
        "handled_at": values["handled_at"],
        "handled_by": values["handled_by__name"] or "",
        "handled_memo": values["handled_memo"],
    }


async def _rows(values: list[dict[str, Any]]) -> list[dict[str, Any]]:
    written = await _receptions_of([v["id"] for v in values])
    return [_row(v, written.get(v["id"])) for v in values]


async def call_log(filters: CallFilters, *, limit: int = 50, offset: int = 0) -> Page:
    """통화내역: the calls the filters choose, newest first, one page."""
    reader = sqlite_reader()
    if reader is not None:
        return await _sqlite_page(reader, *_sqlite_where(filters), limit=limit, offset=offset)
    query = _calls(filters)
    total = await query.count()
    values = await query.order_by("-occurred_at", "-id").offset(offset).limit(limit).values(*_FIELDS)
    return Page(rows=await _rows(values), total=total)


# On SQLite the two lists run as hand-written SQL (as the reception log does): the same filters as
# _calls / _open_missed, a tenth of the ORM's time for a page of 100 with three names joined.

_SQLITE_CALLS = """SELECT e.id AS id, e.occurred_at AS occurred_at, e.direction AS direction,
e.outcome AS outcome, e.number AS number, e.digits AS digits, e.extension AS extension,
e.duration_seconds AS duration_seconds, e.answered_at AS answered_at, e.source AS source,
e.customer_id AS customer_id, c.company_name AS customer__company_name, s.name AS staff__name,
e.handled_at AS handled_at, h.name AS handled_by__name, e.handled_memo AS handled_memo
FROM call_event e LEFT JOIN customer c ON c.id = e.customer_id LEFT JOIN staff s ON s.id = e.staff_id
LEFT JOIN staff h ON h.id = e.handled_by_id"""
_MOMENTS = ("occurred_at", "answered_at", "handled_at")


def _moment(day: dt.date) -> str:
    return dt.datetime.combine(day, dt.time()).isoformat(sep=" ")


def _sqlite_where(filters: CallFilters) -> tuple[str, list[Any]]:
    filters.check()
    terms: list[str] = []
    params: list[Any] = []
    if filters.date_from:
        terms.append("e.occurred_at >= ?")
        params.append(_moment(filters.date_from))
    if filters.date_to:
        terms.append("e.occurred_at < ?")
        params.append(_moment(filters.date_to + dt.timedelta(days=1)))
    # within a period, direction and outcome are read from the period's index (which holds them);
    # a unary + keeps SQLite from walking call_event_missed over every 부재중 of all time instead
    checked = "+" if filters.date_from or filters.date_to else ""
    for column, value in (("direction", filters.direction), ("outcome", filters.outcome)):
        if value:
            terms.append(f"{checked}e.{column} = ?")
            params.append(str(value))
    if filters.staff_id:
        terms.append("e.staff_id = ?")
        params.append(filters.staff_id)
    text = search_text(filters.text)
    if text:
        digits = phone_digits(text)
        if len(digits) >= MIN_NUMBER_DIGITS and not any(ch.isalpha() for ch in text):
            terms.append("e.digits LIKE ?")
            params.append(f"%{digits}%")
        else:
            terms.append("e.customer_id IN (SELECT id FROM customer WHERE company_name LIKE ? ESCAPE '\\')")
            params.append(like_pattern(text))
    return " AND ".join(terms) or "1 = 1", params


async def _sqlite_page(
    reader: SqliteReader, where: str, params: list[Any], *, limit: int, offset: int, quick: bool | str = "try"
) -> Page:
    """One page and the total. Reads of a size the filters decide are tried on the read connection
    and handed to the ORM's thread when longer than a moment (core.db.SqliteReader); a first page
    that holds every row is its own total."""
    found = await reader.records(
        f"{_SQLITE_CALLS} WHERE {where} ORDER BY e.occurred_at DESC, e.id DESC"
        f" LIMIT {int(limit) + 1} OFFSET {int(offset)}",
        params,
        quick=quick,
    )
    if offset == 0 and len(found) <= limit:
        total = len(found)
    else:
        total = await reader.value(f"SELECT COUNT(*) FROM call_event e WHERE {where}", params, quick=quick)
    found = found[:limit]
    _parse_moments(found)
    return Page(rows=await _rows(found), total=int(total or 0))


def _parse_moments(found: list[dict[str, Any]]) -> None:
    for values in found:
        for key in _MOMENTS:
            if isinstance(values[key], str):
                values[key] = dt.datetime.fromisoformat(values[key])


async def iter_call_log(filters: CallFilters) -> AsyncIterator[dict[str, Any]]:
    """The 통화내역 rows for 엑셀 and 인쇄, in chunks (at most EXPORT_LIMIT)."""
    query = _calls(filters).order_by("-occurred_at", "-id")
    for offset in range(0, EXPORT_LIMIT, EXPORT_CHUNK):
        values = await query.offset(offset).limit(EXPORT_CHUNK).values(*_FIELDS)
        for row in await _rows(values):
            yield row
        if len(values) < EXPORT_CHUNK:
            return


# 부재중 전화


def _open_missed() -> QuerySet[CallEvent]:
    return CallEvent.filter(outcome=CallOutcome.MISSED, handled_at__isnull=True, direction=Direction.INBOUND)


async def missed_count() -> int:
    """How many missed calls nobody has handled yet (the menu's badge)."""
    return await _open_missed().count()


async def missed_calls(*, limit: int = 50, offset: int = 0) -> Page:
    """부재중 전화: the missed calls not handled yet, newest first."""
    reader = sqlite_reader()
    if reader is not None:
        where = "e.outcome = ? AND e.handled_at IS NULL AND e.direction = ?"
        params = [str(CallOutcome.MISSED), str(Direction.INBOUND)]
        # the open missed calls are one range of call_event_missed: short however many there are
        return await _sqlite_page(reader, where, params, limit=limit, offset=offset, quick=True)
    query = _open_missed()
    total = await query.count()
    values = await query.order_by("-occurred_at", "-id").offset(offset).limit(limit).values(*_FIELDS)
    return Page(rows=await _rows(values), total=total)


class AlreadyHandled(GogaekError):
    """Someone else marked the missed call handled first."""

    def __init__(self, who: str, when: dt.datetime | None) -> None:
        at = f" {format_datetime(when)}에" if when else ""
        super().__init__(f"{who or '다른 사용자'}님이{at} 이미 처리 완료한 부재중 전화입니다.")


@dataclass(frozen=True)
class Handled:
    call_id: int
    handled_at: dt.datetime
    by_name: str
    memo: str
    changed: bool  # False: this person had already handled it (a repeated click)


async def handle_missed(call_id: int, *, by: Actor, memo: str = "") -> Handled:
    """처리 완료: the missed call is done, by `by`, now, with a memo. Exactly once: the row is
    changed only while it is still open, so a double click or two people at once make one change;
    the other person is told who was first, the same person's repeated click changes nothing."""
    refuse(wrong_ids(call=call_id), wrong_texts(memo=memo))
    memo = (memo or "").strip()
    if len(memo) > MEMO_MAX:
        raise ValidationError({"memo": f"메모는 {MEMO_MAX:,}자까지 입력할 수 있습니다."})
    now = dt.datetime.now().replace(microsecond=0)
    changed = await mark_missed_handled(call_id, at=now, by_id=by.id, memo=memo)
    call = await CallEvent.get_or_none(id=call_id).prefetch_related("handled_by")
    if call is None:
        raise NotFound("전화 기록")
    if changed:
        return Handled(call.id, now, by.name, memo, True)
    if call.outcome != CallOutcome.MISSED:
        raise ValidationError({"": "부재중 전화만 처리 완료할 수 있습니다."})
    if call.handled_by_id != by.id:
        raise AlreadyHandled(call.handled_by.name if call.handled_by else "", call.handled_at)
    assert call.handled_at is not None
    return Handled(call.id, call.handled_at, by.name, call.handled_memo, False)


def handled_message(handled: Handled, number: str) -> str:
    return f"{number}{josa(number, '을')} 처리 완료했습니다."


# 통화·문자 tab of the customer window


def _numbers_of(customer_id: int) -> QuerySet[PhoneEntry]:
    """The customer's numbers: its own, its business cards' and the ones linked to it by hand."""
    return PhoneEntry.filter(customer_id=customer_id)  # entries have MIN_SEARCH_DIGITS digits or more


def _customer_call_scope(customer_id: int) -> QuerySet[CallEvent]:
    numbers = Subquery(_numbers_of(customer_id).values("digits"))
    return CallEvent.filter(Q(customer_id=customer_id) | Q(digits__in=numbers))


def _customer_sms_scope(customer_id: int) -> QuerySet[SmsMessage]:
    numbers = Subquery(_numbers_of(customer_id).values("digits"))
    cards = Subquery(BusinessCard.filter(customer_id=customer_id).values("id"))
    return SmsMessage.filter(Q(customer_id=customer_id) | Q(card_id__in=cards) | Q(destination__in=numbers))


async def customer_calls(customer_id: int, *, limit: int = 20, offset: int = 0) -> Page:
    """통화·문자: the customer's calls and messages, newest first. Each kind is read newest first
    as far as the page reaches and the two are merged, so a page costs the same however long the
    history is; a kind is counted only when it reaches past the page. The customer's numbers are
    read inside the queries (the phone directory under the customer: its own, its cards' and the
    linked numbers)."""
    refuse(wrong_ids(customer=customer_id))
    reach = offset + limit
    reader = sqlite_reader()
    if reader is not None:
        call_values, sms_values, counted = await _sqlite_customer_lines(reader, customer_id, reach)
    else:
        calls, messages = _customer_call_scope(customer_id), _customer_sms_scope(customer_id)
        call_values = await calls.order_by("-occurred_at", "-id").limit(reach).values(*_FIELDS)
        sms_values = (
            await messages.order_by("-created_at", "-id")
            .limit(reach)
            .values("id", "created_at", "destination", "text", "status", "staff__name", "kind")
        )
        counted = (calls.count, messages.count)
    lines = [
        {**row, "kind": "전화", "id": f"call-{row['id']}", "text": ""} for row in await _rows(call_values)
    ]
    lines += [
        {
            "kind": "문자",
            "id": f"sms-{v['id']}",
            "occurred_at": v["created_at"],
            "direction": str(Direction.OUTBOUND),
            "outcome": SMS_STATUS_LABELS.get(SmsStatus(v["status"]), str(v["status"])),
            "number": format_phone(v["destination"]),
            "staff_name": v["staff__name"] or "",
            "duration": "",
            "text": v["text"],
            "reception_id": None,
            "customer_id": customer_id,
        }
        for v in sms_values
    ]
    lines.sort(key=lambda line: line["occurred_at"], reverse=True)
    count_calls, count_messages = counted
    total = len(call_values) if len(call_values) < reach else await count_calls()
    total += len(sms_values) if len(sms_values) < reach else await count_messages()
    return Page(rows=lines[offset:reach], total=total)


_CUSTOMER_NUMBERS = "SELECT digits FROM phone_entry WHERE customer_id = ?"
_CUSTOMER_CALLS = f"(e.customer_id = ? OR e.digits IN ({_CUSTOMER_NUMBERS}))"
_CUSTOMER_MESSAGES = (
    "(m.customer_id = ? OR m.card_id IN (SELECT id FROM business_card WHERE customer_id = ?)"
    f" OR m.destination IN ({_CUSTOMER_NUMBERS}))"
)


async def _sqlite_customer_lines(reader: SqliteReader, customer_id: int, reach: int):
    """The tab's two kinds as hand-written SQL (the ORM took nine times the raw queries' time)."""
    ids = [customer_id, customer_id]
    calls = await reader.records(
        f"{_SQLITE_CALLS} WHERE {_CUSTOMER_CALLS} ORDER BY e.occurred_at DESC, e.id DESC LIMIT {int(reach)}",
        ids,
        quick="try",
    )
    _parse_moments(calls)
    messages = await reader.records(
        "SELECT m.id AS id, m.created_at AS created_at, m.destination AS destination, m.text AS text,"
        " m.status AS status, s.name AS staff__name, m.kind AS kind FROM sms_message m"
        f" LEFT JOIN staff s ON s.id = m.staff_id WHERE {_CUSTOMER_MESSAGES}"
        f" ORDER BY m.created_at DESC, m.id DESC LIMIT {int(reach)}",
        [*ids, customer_id],
        quick="try",
    )
    for message in messages:
        if isinstance(message["created_at"], str):
            message["created_at"] = dt.datetime.fromisoformat(message["created_at"])

    async def count_calls() -> int:
        return await reader.value(
            f"SELECT COUNT(*) FROM call_event e WHERE {_CUSTOMER_CALLS}", ids, quick="try"
        )

    async def count_messages() -> int:
        sql = f"SELECT COUNT(*) FROM sms_message m WHERE {_CUSTOMER_MESSAGES}"
        return await reader.value(sql, [*ids, customer_id], quick="try")

    return calls, messages, (count_calls, count_messages)


# 통화 통계


@dataclass(frozen=True)
class StaffFigures:
    staff_id: int | None
    name: str
    answered: int
    average_answer_seconds: float | None  # from ringing to answering, over the calls it is known


@dataclass(frozen=True)
class CallStats:
    days: list[dict[str, Any]]  # {"day": date, "inbound", "outbound", "answered", "missed", "unknown"}
    hours: list[dict[str, Any]]  # 0..23: {"hour", "inbound", "outbound", "missed"}
    inbound: int
    outbound: int
    missed: int
    staff: list[StaffFigures]

    @property
    def missed_rate(self) -> float | None:
        """Missed inbound calls per inbound call (None without any)."""
        return self.missed / self.inbound if self.inbound else None


def _on_postgres() -> bool:
    return CallEvent._meta.db.capabilities.dialect == "postgres"


def _local(column: str) -> str:
    """The column in office time: SQLite keeps the office's own time, PostgreSQL the instant."""
    return f"({column} AT TIME ZONE '{TIMEZONE}')" if _on_postgres() else column


def _day_sql() -> str:
    column = _local('"occurred_at"')
    return f"CAST({column} AS DATE)" if _on_postgres() else f"DATE({column})"


def _hour_sql() -> str:
    column = _local('"occurred_at"')
    if _on_postgres():
        return f"CAST(EXTRACT(HOUR FROM {column}) AS INTEGER)"
    return f"CAST(STRFTIME('%H', {column}) AS INTEGER)"


def _answer_seconds_sql() -> str:
    if _on_postgres():
        return 'AVG(EXTRACT(EPOCH FROM ("answered_at" - "occurred_at")))'
    return 'AVG((JULIANDAY("answered_at") - JULIANDAY("occurred_at")) * 86400.0)'


async def call_stats(date_from: dt.date, date_to: dt.date) -> CallStats:
    """Calls per day and per hour of the period, the missed rate and each staff member's average
    answer time (answered_at − occurred_at), all counted by the database."""
    if date_from > date_to:
        raise ValidationError({"date_to": "기간의 끝이 시작보다 빠릅니다."})
    scope = _calls(CallFilters(date_from=date_from, date_to=date_to))
    per_day = (
        await scope.annotate(day=RawSQL(_day_sql()), count=Count("id"))
        .group_by("day", "direction", "outcome")
        .values("day", "direction", "outcome", "count")
    )
    per_hour = (
        await scope.annotate(hour=RawSQL(_hour_sql()), count=Count("id"))
        .group_by("hour", "direction", "outcome")
        .values("hour", "direction", "outcome", "count")
    )
    days: dict[dt.date, dict[str, Any]] = {}
    day = date_from
    while day <= date_to:
        days[day] = {"day": day, "inbound": 0, "outbound": 0, "answered": 0, "missed": 0, "unknown": 0}
        day += dt.timedelta(days=1)
    for group in per_day:
        row = days.get(grouped_day(group["day"]))
        if row is None:
            continue
        _add(row, group)
    hours = [
        {"hour": h, "inbound": 0, "outbound": 0, "answered": 0, "missed": 0, "unknown": 0} for h in range(24)
    ]
    for group in per_hour:
        if group["hour"] is not None and 0 <= int(group["hour"]) < 24:
            _add(hours[int(group["hour"])], group)
    staff_groups = (
        await scope.filter(
            direction=Direction.INBOUND, outcome=CallOutcome.ANSWERED, answered_at__isnull=False
        )
        .annotate(answered=Count("id"), average=RawSQL(_answer_seconds_sql()))
        .group_by("staff_id")
        .values("staff_id", "answered", "average")
    )
    names = dict(
        await Staff.filter(id__in=[g["staff_id"] for g in staff_groups if g["staff_id"]]).values_list(
            "id", "name"
        )
    )
    staff = sorted(
        (
            StaffFigures(
                g["staff_id"],
                names.get(g["staff_id"], "") if g["staff_id"] else "(직원 없음)",
                int(g["answered"]),
                float(g["average"]) if g["average"] is not None else None,
            )
            for g in staff_groups
        ),
        key=lambda s: (s.staff_id is None, s.name),
    )
    rows = list(days.values())
    return CallStats(
        days=rows,
        hours=hours,
        inbound=sum(r["inbound"] for r in rows),
        outbound=sum(r["outbound"] for r in rows),
        missed=sum(r["missed"] for r in rows),
        staff=staff,
    )


def _add(row: dict[str, Any], group: dict[str, Any]) -> None:
    count = int(group["count"])
    if Direction(group["direction"]) == Direction.OUTBOUND:
        row["outbound"] += count
        return
    row["inbound"] += count
    outcome = CallOutcome(group["outcome"])
    key = {CallOutcome.ANSWERED: "answered", CallOutcome.MISSED: "missed"}.get(outcome, "unknown")
    row[key] += count

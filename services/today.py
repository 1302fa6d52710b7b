"""오늘 (the start screen): what needs the signed-in staff member and the office today, block by
block — today's calls, my open receptions, receptions left unhandled too long, maintenance running
out within 30 days, agreements not yet sent, quotes expiring this week, visits planned today and
tomorrow. Each block is a count and its first rows; the screen links each block to its full list
with the same filters (`TodayBoard.*` carry the dates the links need).

Every block reads an index that starts with what it filters on (state and date, valid_until,
visit_date, occurred_at), so the board costs a few small queries whatever the office's size."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from core.audit import Actor, acting_as
from core.errors import ValidationError
from models.quote import Quote, QuoteState
from models.reception import Direction, Reception, ReceptionState
from models.settings import AppSetting
from models.telephony import CallEvent, CallOutcome
from models.visit import VisitReport, VisitState
from services.maintenance_agreements import AgreementQuery, agreement_list
from services.maintenance_due import DueQuery, DueTab, due_list
from services.maintenance_periods import add_months
from services.reception_log import OPEN_STATES

FIRST_ROWS = 5
SETTING_KEY = "today"
DEFAULT_STALE_HOURS = 24
STALE_HOUR_CHOICES = (4, 8, 24, 48, 72, 168)
RENEWAL_DAYS = 30


@dataclass
class Block:
    count: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class CallBlock(Block):
    missed: int = 0


@dataclass
class TodayBoard:
    today: dt.date
    stale_hours: int
    stale_before: dt.datetime
    renewal_to: dt.date
    agreement_from: dt.date
    agreement_to: dt.date
    week_end: dt.date
    calls: CallBlock
    my_receptions: Block
    stale_receptions: Block
    renewals: Block
    agreements: Block
    quotes: Block
    visits: Block


async def stale_hours() -> tuple[int, int]:
    """The office's "unhandled for more than N hours" and the setting's version (0: never saved)."""
    row = await AppSetting.get_or_none(key=SETTING_KEY)
    if row is None or not isinstance(row.value, dict):
        return DEFAULT_STALE_HOURS, row.version if row else 0
    hours = row.value.get("stale_hours")
    return (hours if hours in STALE_HOUR_CHOICES else DEFAULT_STALE_HOURS), row.version


async def set_stale_hours(hours: int, *, by: Actor, version: int) -> int:
    """Admin: change the office-wide limit. Returns the new version."""
    by.require_admin()
    if hours not in STALE_HOUR_CHOICES:
        raise ValidationError({"stale_hours": "기준 시간을 목록에서 고르세요."})
    with acting_as(by):
        row = await AppSetting.store(SETTING_KEY, {"stale_hours": hours}, version=version)
    return row.version


_RECEPTION_FIELDS = (
    "id",
    "received_at",
    "state",
    "customer_id",
    "customer__company_name",
    "contact_name",
    "phone",
    "inquiry",
)


def _reception_row(values: dict[str, Any]) -> dict[str, Any]:
    inquiry = " ".join((values["inquiry"] or "").split())
    return {
        "id": values["id"],
        "received_at": values["received_at"],
        "state": str(values["state"]),
        "customer_id": values["customer_id"],
        "customer_name": values["customer__company_name"] or values["contact_name"] or values["phone"] or "",
        "inquiry": inquiry[:60],
    }


async def _block(query, order: tuple[str, ...], fields: tuple[str, ...], row) -> Block:
    count = await query.count()
    rows = await query.order_by(*order).limit(FIRST_ROWS).values(*fields) if count else []
    return Block(count=count, rows=[row(v) for v in rows])


async def _my_receptions(staff_id: int) -> Block:
    """assigned_condition as its two halves, each read from its own index (an OR of the two would
    walk every open reception): to process, on (processor_id, state, received_at); taken and not
    given, on (receiver_id, received_at, state)."""
    halves = (
        Reception.filter(processor_id=staff_id, state__in=OPEN_STATES),
        Reception.filter(processor_id__isnull=True, receiver_id=staff_id, state__in=OPEN_STATES),
    )
    count, rows = 0, []
    for half in halves:
        count += await half.count()
        rows += await half.order_by("-received_at", "-id").limit(FIRST_ROWS).values(*_RECEPTION_FIELDS)
    rows.sort(key=lambda r: (r["received_at"], r["id"]), reverse=True)
    return Block(count=count, rows=[_reception_row(r) for r in rows[:FIRST_ROWS]])


async def _calls(start: dt.datetime) -> CallBlock:
    today = CallEvent.filter(occurred_at__gte=start, direction=Direction.INBOUND)
    # a day's outcomes from the (occurred_at, direction, outcome) index, counted here: SQL's GROUP BY
    # outcome makes SQLite prefer walking call_event_missed (ordered by outcome) over all calls
    outcomes = Counter(str(o) for o in await today.values_list("outcome", flat=True))
    count = sum(outcomes.values())
    rows = (
        await today.order_by("-occurred_at", "-id")
        .limit(FIRST_ROWS)
        .values(
            "id", "occurred_at", "number", "customer_id", "customer__company_name", "caller_name", "outcome"
        )
        if count
        else []
    )
    return CallBlock(
        count=count,
        missed=outcomes[CallOutcome.MISSED.value],
        rows=[
            {
                "id": r["id"],
                "occurred_at": r["occurred_at"],
                "number": r["number"],
                "customer_id": r["customer_id"],
                "customer_name": r["customer__company_name"] or r["caller_name"] or "",
                "outcome": str(r["outcome"]),
            }
            for r in rows
        ],
    )


async def _renewals(today: dt.date, until: dt.date) -> Block:
    page = await due_list(
        DueQuery(today, until),
        tab=DueTab.FREE_AND_RENEWAL,
        limit=FIRST_ROWS,
        sort_by="paid_end_on",
        today=today,
    )
    rows = [
        {
            "customer_id": r.customer_id,
            "customer_name": r.company_name,
            "product_group": r.product_group_name,
            "ends_on": max((d for d in (r.free_end_on, r.paid_end_on) if d), default=None),
        }
        for r in page.rows
    ]
    return Block(count=page.total, rows=rows)


async def _agreements(start: dt.date, end: dt.date) -> Block:
    page = await agreement_list(AgreementQuery(start, end), limit=FIRST_ROWS, sort_by="contract_date")
    rows = [
        {
            "customer_id": r.customer_id,
            "customer_name": r.company_name,
            "contract_date": r.contract_date,
        }
        for r in page.rows
    ]
    return Block(count=page.total, rows=rows)


def _quote_row(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": values["id"],
        "number": values["number"],
        "customer_id": values["customer_id"],
        "customer_name": values["customer__company_name"] or values["partner__name"] or "",
        "title": values["title"],
        "valid_until": values["valid_until"],
    }


def _visit_row(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": values["id"],
        "visit_date": values["visit_date"],
        "visit_time": values["visit_time"],
        "customer_id": values["customer_id"],
        "customer_name": values["customer__company_name"] or "",
        "purpose": values["purpose"],
        "visitor": values["visitor__name"] or "",
    }


async def today_board(actor: Actor, *, now: dt.datetime | None = None) -> TodayBoard:
    """Everything the 오늘 screen shows for `actor`, at `now` (the office's local time)."""
    now = now or dt.datetime.now()
    today = now.date()
    start = dt.datetime.combine(today, dt.time())
    hours, _ = await stale_hours()
    stale_before = now - dt.timedelta(hours=hours)
    renewal_to = today + dt.timedelta(days=RENEWAL_DAYS)
    agreement_from = today.replace(day=1)
    agreement_to = add_months(today.replace(day=1), 2) - dt.timedelta(days=1)  # next month's end
    week_end = today + dt.timedelta(days=6 - today.weekday())
    return TodayBoard(
        today=today,
        stale_hours=hours,
        stale_before=stale_before,
        renewal_to=renewal_to,
        agreement_from=agreement_from,
        agreement_to=agreement_to,
        week_end=week_end,
        calls=await _calls(start),
        my_receptions=await _my_receptions(actor.id),
        # the longest waiting first: those are the ones to call back
        stale_receptions=await _block(
            Reception.filter(state=ReceptionState.PENDING, received_at__lt=stale_before),
            ("received_at", "id"),
            _RECEPTION_FIELDS,
            _reception_row,
        ),
        renewals=await _renewals(today, renewal_to),
        agreements=await _agreements(agreement_from, agreement_to),
        quotes=await _block(
            Quote.filter(state=QuoteState.IN_PROGRESS, valid_until__gte=today, valid_until__lte=week_end),
            ("valid_until", "id"),
            (
                "id",
                "number",
                "customer_id",
                "customer__company_name",
                "partner__name",
                "title",
                "valid_until",
            ),
            _quote_row,
        ),
        visits=await _block(
            VisitReport.filter(
                state=VisitState.PLANNED, visit_date__gte=today, visit_date__lte=today + dt.timedelta(days=1)
            ),
            ("visit_date", "visit_time", "id"),
            (
                "id",
                "visit_date",
                "visit_time",
                "customer_id",
                "customer__company_name",
                "purpose",
                "visitor__name",
            ),
            _visit_row,
        ),
    )

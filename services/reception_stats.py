"""고객접수현황: reception statistics for a period (docs/product.md, 고객접수현황).

Every number is computed by the database (COUNT / MAX with GROUP BY, NOT IN for customers
without receptions); Python only shapes the result. Lists that can be long are paged."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from pypika_tortoise import functions as sql_functions
from pypika_tortoise.terms import AtTimezone
from tortoise.expressions import Function, Q, Subquery
from tortoise.functions import Count, Max
from tortoise.queryset import QuerySet

from core.db import TextHead, grouped_day
from core.errors import ValidationError
from core.settings import TIMEZONE
from models.codes import CodeEntry, CodeKind
from models.customer import Customer
from models.product import CustomerProduct
from models.reception import Reception, ReceptionState
from models.staff import Staff

NO_RECEIVER = 0  # receiver_id for receptions nobody received (e.g. written by a system process)
DAILY_CHART_MAX_DAYS = 62
WEEKLY_CHART_MAX_DAYS = 366 * 2  # longer periods are charted per month
TEXT_PREVIEW = 200


@dataclass(frozen=True)
class StatsFilters:
    date_from: dt.date
    date_to: dt.date
    service_class_id: int | None = None
    module_id: int | None = None
    category_large_id: int | None = None
    category_medium_id: int | None = None
    category_small_id: int | None = None
    reception_type_id: int | None = None
    route_id: int | None = None
    customer_id: int | None = None

    def check(self) -> None:
        if self.date_from > self.date_to:
            raise ValidationError({"date_to": "기간의 끝이 시작보다 빠릅니다."})

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.date_from, dt.time())

    @property
    def end(self) -> dt.datetime:
        """Exclusive: midnight after the last day."""
        return dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time())


@dataclass
class StatsPage:
    rows: list[dict[str, Any]]
    total: int


class _Date(Function):
    """DATE(received_at): the day. SQLite stores the office's own time."""

    database_func = sql_functions.Date


class _OfficeDate(Function):
    """The office's day on PostgreSQL, which keeps the instant and would give DATE() in the session's
    zone: a reception at 00:30 in Seoul is still the previous day in UTC."""

    def _get_function_field(self, field, *default_values):
        return sql_functions.Date(AtTimezone(field, TIMEZONE))


def _day(field: str) -> Function:
    on_postgres = Reception._meta.db.capabilities.dialect == "postgres"
    return _OfficeDate(field) if on_postgres else _Date(field)


def _customer_scope(filters: StatsFilters, prefix: str = "") -> dict[str, Any]:
    """Conditions on the customer (service classification, a module it bought, the customer)."""
    scope: dict[str, Any] = {}
    if filters.customer_id:
        scope[f"{prefix}id" if prefix else "id"] = filters.customer_id
    if filters.service_class_id:
        scope[f"{prefix}service_class_id"] = filters.service_class_id
    if filters.module_id:
        buyers = CustomerProduct.filter(modules__module_id=filters.module_id).values("customer_id")
        scope[f"{prefix}id__in" if prefix else "id__in"] = Subquery(buyers)
    return scope


def _reception_scope(filters: StatsFilters) -> dict[str, Any]:
    """Conditions on the reception itself (period, type, route, category)."""
    scope: dict[str, Any] = {"received_at__gte": filters.start, "received_at__lt": filters.end}
    for name in (
        "reception_type_id",
        "route_id",
        "category_large_id",
        "category_medium_id",
        "category_small_id",
    ):
        if value := getattr(filters, name):
            scope[name] = value
    return scope


def _receptions(filters: StatsFilters) -> QuerySet[Reception]:
    filters.check()
    query = Reception.filter(**_reception_scope(filters))
    customer = _customer_scope(filters, prefix="customer__")
    if "customer__id" in customer:
        query = query.filter(customer_id=customer.pop("customer__id"))
    if "customer__id__in" in customer:
        query = query.filter(customer_id__in=customer.pop("customer__id__in"))
    return query.filter(**customer)


# ---------------------------------------------------------------------------------------------
# 전체 (and the receptions of one receiving staff member)

LIST_FIELDS = (
    "id",
    "received_at",
    "reception_type__code",
    "reception_type__name",
    "category_large__name",
    "category_medium__name",
    "category_small__name",
    "customer_id",
    "customer__company_name",
    "phone",
    "contact_name",
    "receiver__name",
    "processor__name",
    "state",
    "processed_at",
)


def _list_row(values: dict[str, Any]) -> dict[str, Any]:
    code, name = values["reception_type__code"], values["reception_type__name"]
    return {
        "id": values["id"],
        "received_at": values["received_at"],
        "type_name": f"{code}.{name}" if name else "",
        "category_large": values["category_large__name"] or "",
        "category_medium": values["category_medium__name"] or "",
        "category_small": values["category_small__name"] or "",
        "customer_id": values["customer_id"],
        "customer_name": values["customer__company_name"] or "",
        "phone": values["phone"],
        "contact_name": values["contact_name"],
        "receiver_name": values["receiver__name"] or "",
        "processor_name": values["processor__name"] or "",
        "state": values["state"],
        "processed_at": values["processed_at"],
        "inquiry": values.get("inquiry_head", values.get("inquiry")) or "",
        "answer": values.get("answer_head", values.get("answer")) or "",
    }


def _for_receiver(query: QuerySet[Reception], receiver_id: int | None) -> QuerySet[Reception]:
    if receiver_id is None:
        return query
    if receiver_id == NO_RECEIVER:
        return query.filter(receiver_id__isnull=True)
    return query.filter(receiver_id=receiver_id)


async def reception_list(
    filters: StatsFilters,
    *,
    receiver_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
    newest_first: bool = False,
) -> StatsPage:
    """탭 전체: the period's receptions in time order (or one receiving staff member's)."""
    query = _for_receiver(_receptions(filters), receiver_id)
    order = ("-received_at", "-id") if newest_first else ("received_at", "id")
    page_ids = query.order_by(*order).offset(offset).limit(limit).values("id")
    values = (
        await Reception.filter(id__in=Subquery(page_ids))
        .order_by(*order)
        .annotate(
            inquiry_head=TextHead("inquiry", 1, TEXT_PREVIEW), answer_head=TextHead("answer", 1, TEXT_PREVIEW)
        )
        .values(*LIST_FIELDS, "inquiry_head", "answer_head")
    )
    rows = [_list_row(v) for v in values]
    total = offset + len(rows) if len(rows) < limit and (rows or offset == 0) else await query.count()
    return StatsPage(rows=rows, total=total)


async def iter_reception_list(
    filters: StatsFilters, *, receiver_id: int | None = None, limit: int | None = None
) -> AsyncIterator[dict[str, Any]]:
    """Every reception of the list, full texts, in time order, fetched in chunks (for Excel/PDF)."""
    query = _for_receiver(_receptions(filters), receiver_id)
    last: tuple[dt.datetime, int] | None = None
    sent = 0
    while limit is None or sent < limit:
        chunk_query = query
        if last:
            chunk_query = query.filter(
                Q(received_at__gte=last[0]) & (Q(received_at__gt=last[0]) | Q(id__gt=last[1]))
            )
        size = 1000 if limit is None else min(1000, limit - sent)
        chunk = (
            await chunk_query.order_by("received_at", "id")
            .limit(size)
            .values(*LIST_FIELDS, "inquiry", "answer")
        )
        if not chunk:
            return
        for values in chunk:
            yield _list_row(values)
        sent += len(chunk)
        last = (chunk[-1]["received_at"], chunk[-1]["id"])


# ---------------------------------------------------------------------------------------------
# 담당자별접수현황


@dataclass
class StaffSummary:
    rows: list[dict[str, Any]]  # receiver_id, name, received, processed, last_received_at
    received: int
    processed: int
    last_received_at: dt.datetime | None


async def staff_summary(filters: StatsFilters) -> StaffSummary:
    """Per receiving staff member: receptions received in the period, how many of them are
    processed (완료), and the last one."""
    groups = (
        await _receptions(filters)
        .annotate(
            received=Count("id"),
            processed=Count("id", _filter=Q(state=ReceptionState.DONE)),
            last_received_at=Max("received_at"),
        )
        .group_by("receiver_id")
        .values("receiver_id", "received", "processed", "last_received_at")
    )
    names = dict(
        await Staff.filter(id__in=[g["receiver_id"] for g in groups if g["receiver_id"]]).values_list(
            "id", "name"
        )
    )
    rows = [
        {
            "receiver_id": g["receiver_id"] or NO_RECEIVER,
            "name": names.get(g["receiver_id"], "") if g["receiver_id"] else "",
            "received": int(g["received"]),
            "processed": int(g["processed"] or 0),
            "last_received_at": g["last_received_at"],
        }
        for g in groups
    ]
    rows.sort(key=lambda r: (-r["received"], r["name"]))
    return StaffSummary(
        rows=rows,
        received=sum(r["received"] for r in rows),
        processed=sum(r["processed"] for r in rows),
        last_received_at=max((r["last_received_at"] for r in rows), default=None),
    )


# ---------------------------------------------------------------------------------------------
# 고객접수집계

CUSTOMER_FIELDS = ("id", "code", "company_name", "representative", "contact_name", "phone", "mobile")


@dataclass
class CustomerSummary:
    rows: list[dict[str, Any]]
    total: int  # customers in the list (all pages)
    receptions: int  # the total row: receptions of those customers
    last_received_at: dt.datetime | None


async def _customer_details(ids: list[int]) -> dict[int, dict[str, Any]]:
    return {c["id"]: c for c in await Customer.filter(id__in=ids).values(*CUSTOMER_FIELDS)}


def _customer_row(details: dict[str, Any] | None, **extra: Any) -> dict[str, Any]:
    details = details or dict.fromkeys(CUSTOMER_FIELDS, "")
    return {
        "customer_id": details["id"],
        "code": details["code"],
        "company_name": details["company_name"],
        "representative": details["representative"],
        "contact_name": details["contact_name"],
        "phone": details["phone"],
        "mobile": details["mobile"],
        **extra,
    }


@dataclass
class CustomerTotals:
    """The total row of 고객접수집계: customers listed, their receptions, the last one."""

    customers: int
    receptions: int
    last_received_at: dt.datetime | None


async def customer_totals(filters: StatsFilters) -> CustomerTotals:
    totals = (
        await _receptions(filters)
        .filter(customer_id__not_isnull=True)
        .annotate(
            customers=Count("customer_id", distinct=True), receptions=Count("id"), last=Max("received_at")
        )
        .first()
        .values("customers", "receptions", "last")
    )
    return CustomerTotals(
        customers=int((totals or {}).get("customers") or 0),
        receptions=int((totals or {}).get("receptions") or 0),
        last_received_at=(totals or {}).get("last"),
    )


async def customer_summary(filters: StatsFilters, *, limit: int = 100, offset: int = 0) -> CustomerSummary:
    """Per customer: receptions in the period and the last one, most receptions first, with the
    total row. Receptions not linked to a customer are not part of this tab."""
    linked = _receptions(filters).filter(customer_id__not_isnull=True)
    totals = await customer_totals(filters)
    groups = (
        await linked.annotate(count=Count("id"), last_received_at=Max("received_at"))
        .group_by("customer_id")
        .order_by("-count", "-last_received_at", "customer_id")
        .offset(offset)
        .limit(limit)
        .values("customer_id", "count", "last_received_at")
    )
    details = await _customer_details([g["customer_id"] for g in groups])
    rows = [
        _customer_row(
            details.get(g["customer_id"]), count=int(g["count"]), last_received_at=g["last_received_at"]
        )
        for g in groups
    ]
    return CustomerSummary(
        rows=rows,
        total=totals.customers,
        receptions=totals.receptions,
        last_received_at=totals.last_received_at,
    )


async def iter_customer_summary(filters: StatsFilters) -> AsyncIterator[dict[str, Any]]:
    groups = (
        await _receptions(filters)
        .filter(customer_id__not_isnull=True)
        .annotate(count=Count("id"), last_received_at=Max("received_at"))
        .group_by("customer_id")
        .order_by("-count", "-last_received_at", "customer_id")
        .values("customer_id", "count", "last_received_at")
    )
    for start in range(0, len(groups), 1000):
        chunk = groups[start : start + 1000]
        details = await _customer_details([g["customer_id"] for g in chunk])
        for g in chunk:
            yield _customer_row(
                details.get(g["customer_id"]), count=int(g["count"]), last_received_at=g["last_received_at"]
            )


# ---------------------------------------------------------------------------------------------
# 기간내미접수업체


def _silent_customers(filters: StatsFilters) -> QuerySet[Customer]:
    """Customers registered by the end of the period with no reception in it (under the reception
    filters: "no AS reception this month" when the type is AS)."""
    filters.check()
    received = Reception.filter(**_reception_scope(filters), customer_id__not_isnull=True).values(
        "customer_id"
    )
    return Customer.filter(registered_on__lte=filters.date_to, **_customer_scope(filters)).exclude(
        id__in=Subquery(received)
    )


async def _last_receptions(customer_ids: list[int]) -> dict[int, dt.datetime]:
    return dict(
        await Reception.filter(customer_id__in=customer_ids)
        .annotate(last=Max("received_at"))
        .group_by("customer_id")
        .values_list("customer_id", "last")
    )


async def customers_without_reception(
    filters: StatsFilters, *, limit: int = 100, offset: int = 0
) -> StatsPage:
    """기간내미접수업체, in customer-code order, each with its last reception ever (if any)."""
    query = _silent_customers(filters)
    customers = await query.order_by("code", "id").offset(offset).limit(limit).values(*CUSTOMER_FIELDS)
    last = await _last_receptions([c["id"] for c in customers])
    rows = [_customer_row(c, last_received_at=last.get(c["id"])) for c in customers]
    total = offset + len(rows) if len(rows) < limit and (rows or offset == 0) else await query.count()
    return StatsPage(rows=rows, total=total)


async def iter_customers_without_reception(filters: StatsFilters) -> AsyncIterator[dict[str, Any]]:
    ids = await _silent_customers(filters).order_by("code", "id").values_list("id", flat=True)
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        details = await _customer_details(chunk)
        last = await _last_receptions(chunk)
        for customer_id in chunk:
            yield _customer_row(details.get(customer_id), last_received_at=last.get(customer_id))


# ---------------------------------------------------------------------------------------------
# The chart: receptions per day or week, by type


@dataclass
class ChartData:
    unit: str  # "day" | "week" | "month"
    labels: list[str]  # YYYY-MM-DD of each day, of each week's Monday or of each month's first day
    series: list[tuple[str, list[int]]]  # (type name, one count per label)


def chart_unit(filters: StatsFilters) -> str:
    """자동: days up to two months, weeks up to two years, months beyond."""
    days = (filters.date_to - filters.date_from).days + 1
    if days <= DAILY_CHART_MAX_DAYS:
        return "day"
    return "week" if days <= WEEKLY_CHART_MAX_DAYS else "month"


def _bucket(day: dt.date, unit: str) -> dt.date:
    if unit == "week":
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1) if unit == "month" else day


def _next_bucket(start: dt.date, unit: str) -> dt.date:
    if unit == "month":
        return (start + dt.timedelta(days=31)).replace(day=1)
    return start + dt.timedelta(days=7 if unit == "week" else 1)


async def reception_chart(filters: StatsFilters, *, unit: str | None = None) -> ChartData:
    """Counts per day and type come from one GROUP BY; days are folded into weeks (Monday first)
    or months here, at most a few thousand small rows. Any period is accepted: one longer than two
    years is charted from its first reception to its last (a period from 2000 on, where the data
    begins in 2016, is not drawn as sixteen empty years)."""
    unit = unit or chart_unit(filters)
    groups = (
        await _receptions(filters)
        .annotate(day=_day("received_at"), count=Count("id"))
        .group_by("day", "reception_type_id")
        .values("day", "reception_type_id", "count")
    )
    first, last = filters.date_from, filters.date_to
    if (last - first).days + 1 > WEEKLY_CHART_MAX_DAYS:
        days = [grouped_day(g["day"]) for g in groups]
        first, last = (max(first, min(days)), min(last, max(days))) if days else (first, first)
    buckets: list[dt.date] = []
    current, end = _bucket(first, unit), _bucket(last, unit)
    while current <= end:
        buckets.append(current)
        current = _next_bucket(current, unit)
    position = {b: i for i, b in enumerate(buckets)}
    types = await CodeEntry.filter(kind=CodeKind.RECEPTION_TYPE).order_by("sort_order", "code")
    names = {t.id: t.name for t in types}
    counts: dict[int | None, list[int]] = {}
    for g in groups:
        index = position.get(_bucket(grouped_day(g["day"]), unit))
        if index is None:
            continue
        counts.setdefault(g["reception_type_id"], [0] * len(buckets))[index] += int(g["count"])
    order = [t.id for t in types if t.id in counts] + ([None] if None in counts else [])
    return ChartData(
        unit=unit,
        labels=[b.isoformat() for b in buckets],
        series=[
            (names.get(type_id, "구분없음") if type_id else "구분없음", counts[type_id]) for type_id in order
        ],
    )

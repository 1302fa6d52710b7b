"""견적현황 / 견적서관리: the quote list's filters, its tabs with counts and sums, one page of
rows (SQL on SQLite, the ORM elsewhere) and every row of a tab for Excel and print."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from tortoise.expressions import Q, RawSQL, Subquery
from tortoise.functions import Count, Sum

from core.db import SqliteReader, sqlite_reader
from models.customer import Customer, TradingPartner
from models.quote import Quote, QuoteState
from models.sales import SalesOrder, Shipment
from services import search_index
from services.quotes import is_expired
from services.search_index import like_pattern


class QuoteTab(enum.StrEnum):
    ALL = "all"
    IN_PROGRESS = "in_progress"
    ACCEPTED = "accepted"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


@dataclass(frozen=True)
class QuoteFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    customer_id: int | None = None
    partner_id: int | None = None
    department_id: int | None = None
    staff_id: int | None = None
    customer_class_id: int | None = None
    progress_id: int | None = None  # 진행분류: the customer's 고객상태 (견적발송, 설치완료…)
    text: str = ""  # customer or partner name, quote number, title
    valid_from: dt.date | None = None  # 유효기간 ending within [valid_from, valid_to] (오늘's link)
    valid_to: dt.date | None = None


def _filter_q(filters: QuoteFilters) -> Q:
    q = Q()
    if filters.date_from:
        q &= Q(quote_date__gte=filters.date_from)
    if filters.date_to:
        q &= Q(quote_date__lte=filters.date_to)
    if filters.valid_from:
        q &= Q(valid_until__gte=filters.valid_from)
    if filters.valid_to:
        q &= Q(valid_until__lte=filters.valid_to)
    for column in ("customer_id", "partner_id", "department_id", "staff_id", "customer_class_id"):
        if value := getattr(filters, column):
            q &= Q(**{column: value})
    # related tables are filtered through subqueries, never joins: a join would make the ORM
    # group the tab-count aggregate by every quote column (one count per row)
    if filters.progress_id:
        q &= Q(customer_id__in=Subquery(Customer.filter(status_id=filters.progress_id).values("id")))
    if text := filters.text.strip():
        q &= (
            Q(customer_id__in=Subquery(Customer.filter(company_name__icontains=text).values("id")))
            | Q(partner_id__in=Subquery(TradingPartner.filter(name__icontains=text).values("id")))
            | Q(number__startswith=text)
            | Q(title__icontains=text)
        )
    return q


def tab_q(tab: QuoteTab, today: dt.date) -> Q | None:
    """The tabs split every quote into exactly one of 견적진행 / 신청완료 / 견적취소 / 유효기간초과."""
    if tab == QuoteTab.IN_PROGRESS:
        return Q(state=QuoteState.IN_PROGRESS) & (Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    if tab == QuoteTab.EXPIRED:
        return Q(state=QuoteState.IN_PROGRESS, valid_until__lt=today)
    if tab == QuoteTab.ACCEPTED:
        return Q(state=QuoteState.ACCEPTED)
    if tab == QuoteTab.CANCELLED:
        return Q(state=QuoteState.CANCELLED)
    return None


# sort key → ORM ordering (the id breaks ties so paging is stable)
SORTS: dict[str, tuple[str, ...]] = {
    "quote_date": ("quote_date", "customer_class_id"),
    # 견적번호 in issuing order: 19032800-2 before 19032800-10 (the day, then the sequence's length)
    "number": ("number_day", "number_length", "number"),
    "valid_until": ("valid_until",),
    "state": ("state",),
    "recipient": ("customer__company_name", "partner__name"),
    "title": ("title",),
    "staff": ("staff__name",),
    "supply_total": ("supply_total",),
    "total_amount": ("total_amount",),
}


@dataclass(frozen=True)
class QuoteRow:
    id: int
    number: str
    quote_date: dt.date
    valid_until: dt.date | None
    state: QuoteState
    expired: bool
    title: str
    customer_id: int | None
    customer_name: str
    partner_id: int | None
    partner_name: str
    delivery_site: str
    customer_class: str
    progress: str
    staff_name: str
    contact_name: str
    phone: str
    fax: str
    supply_total: int
    vat_total: int
    total_amount: int
    order_number: str = ""
    shipment_number: str = ""
    version: int = 1

    @property
    def recipient(self) -> str:
        return self.customer_name or self.partner_name


@dataclass
class QuoteStatusPage:
    counts: dict[QuoteTab, int]
    rows: list[QuoteRow]
    total: int
    supply_total: int = 0
    vat_total: int = 0
    total_amount: int = 0


_ROW_VALUES = (
    "id",
    "number",
    "quote_date",
    "valid_until",
    "state",
    "title",
    "customer_id",
    "customer__company_name",
    "partner_id",
    "partner__name",
    "delivery_site",
    "customer_class__name",
    "customer__status__name",
    "staff__name",
    "contact_name",
    "phone",
    "fax",
    "supply_total",
    "vat_total",
    "total_amount",
    "version",
)


def _row(
    values: dict[str, Any], today: dt.date, orders: dict[int, str], shipments: dict[int, str]
) -> QuoteRow:
    state = QuoteState(values["state"])
    return QuoteRow(
        id=values["id"],
        number=values["number"],
        quote_date=values["quote_date"],
        valid_until=values["valid_until"],
        state=state,
        expired=is_expired(state, values["valid_until"], today),
        title=values["title"],
        customer_id=values["customer_id"],
        customer_name=values["customer__company_name"] or "",
        partner_id=values["partner_id"],
        partner_name=values["partner__name"] or "",
        delivery_site=values["delivery_site"],
        customer_class=values["customer_class__name"] or "",
        progress=values["customer__status__name"] or "",
        staff_name=values["staff__name"] or "",
        contact_name=values["contact_name"],
        phone=values["phone"],
        fax=values["fax"],
        supply_total=values["supply_total"],
        vat_total=values["vat_total"],
        total_amount=values["total_amount"],
        order_number=orders.get(values["id"], ""),
        shipment_number=shipments.get(values["id"], ""),
        version=values["version"],
    )


def _ordered(query, sort_by: str | None, descending: bool):
    columns = SORTS.get(sort_by or "", SORTS["quote_date"])
    if sort_by == "number":
        query = query.annotate(
            number_day=RawSQL('substr("quote"."number", 1, 6)'),
            number_length=RawSQL('length("quote"."number")'),
        )
    sign = "-" if descending else ""
    return query.order_by(*[f"{sign}{column}" for column in columns], f"{sign}id")


async def _rows(query, today: dt.date) -> list[QuoteRow]:
    values = await query.values(*_ROW_VALUES)
    ids = [v["id"] for v in values]
    orders = dict(await SalesOrder.filter(quote_id__in=ids).values_list("quote_id", "number")) if ids else {}
    shipments = dict(await Shipment.filter(quote_id__in=ids).values_list("quote_id", "number")) if ids else {}
    return [_row(v, today, orders, shipments) for v in values]


async def quote_status(
    filters: QuoteFilters,
    *,
    tab: QuoteTab = QuoteTab.ALL,
    offset: int = 0,
    limit: int = 50,
    sort_by: str | None = "quote_date",
    descending: bool = True,
    today: dt.date | None = None,
) -> QuoteStatusPage:
    """Everything the 견적현황 screen (and the 견적서관리 tab) shows at once: the count of every
    tab and the selected tab's amount sums in one aggregate query, then one page of rows."""
    today = today or dt.date.today()
    reader = sqlite_reader()
    if reader is not None:
        return await _sqlite_quote_status(reader, filters, tab, offset, limit, sort_by, descending, today)
    base = Quote.filter(_filter_q(filters))
    selected = tab_q(tab, today)
    aggregates: dict[str, Any] = {
        tab_key.value: Count("id", _filter=tab_q(tab_key, today)) if tab_key != QuoteTab.ALL else Count("id")
        for tab_key in QuoteTab
    }
    for column in ("supply_total", "vat_total", "total_amount"):
        aggregates[f"sum_{column}"] = Sum(column, _filter=selected) if selected is not None else Sum(column)
    summary = (await base.annotate(**aggregates).values(*aggregates))[0]
    counts = {tab_key: int(summary[tab_key.value] or 0) for tab_key in QuoteTab}
    page_query = base.filter(selected) if selected is not None else base
    rows = await _rows(_ordered(page_query, sort_by, descending).offset(offset).limit(limit), today)
    return QuoteStatusPage(
        counts=counts,
        rows=rows,
        total=counts[tab],
        supply_total=int(summary["sum_supply_total"] or 0),
        vat_total=int(summary["sum_vat_total"] or 0),
        total_amount=int(summary["sum_total_amount"] or 0),
    )


# SQLite: the same two queries in SQL (tab counts and sums; one page with its names and the order
# and shipment made from each quote). Through the ORM, building them cost more than running them.

_TAB_SQL = {
    QuoteTab.IN_PROGRESS: "q.state = '견적진행' AND (q.valid_until IS NULL OR q.valid_until >= :today)",
    QuoteTab.EXPIRED: "q.state = '견적진행' AND q.valid_until < :today",
    QuoteTab.ACCEPTED: "q.state = '신청완료'",
    QuoteTab.CANCELLED: "q.state = '견적취소'",
}
_SQL_SORTS = {
    "quote_date": ("q.quote_date", "q.customer_class_id"),
    "number": ("substr(q.number, 1, 6)", "length(q.number)", "q.number"),
    "valid_until": ("q.valid_until",),
    "state": ("q.state",),
    "recipient": ("c.company_name", "tp.name"),
    "title": ("q.title",),
    "staff": ("sf.name",),
    "supply_total": ("q.supply_total",),
    "total_amount": ("q.total_amount",),
}
_SQL_PAGE = """SELECT q.id, q.number, q.quote_date, q.valid_until, q.state, q.title, q.customer_id,
COALESCE(c.company_name, ''), q.partner_id, COALESCE(tp.name, ''), q.delivery_site, COALESCE(cc.name, ''),
COALESCE(cs.name, ''), COALESCE(sf.name, ''), q.contact_name, q.phone, q.fax, q.supply_total, q.vat_total,
q.total_amount, q.version,
COALESCE((SELECT o.number FROM sales_order o WHERE o.quote_id = q.id ORDER BY o.id DESC LIMIT 1), ''),
COALESCE((SELECT s.number FROM shipment s WHERE s.quote_id = q.id ORDER BY s.id DESC LIMIT 1), '')
FROM quote q
LEFT JOIN customer c ON c.id = q.customer_id
LEFT JOIN trading_partner tp ON tp.id = q.partner_id
LEFT JOIN code_entry cc ON cc.id = q.customer_class_id
LEFT JOIN code_entry cs ON cs.id = c.status_id
LEFT JOIN staff sf ON sf.id = q.staff_id"""


async def _sqlite_filter(reader: SqliteReader, filters: QuoteFilters) -> tuple[str, dict[str, Any]]:
    where, params = ["1 = 1"], {}
    if filters.date_from:
        where.append("q.quote_date >= :date_from")
        params["date_from"] = filters.date_from.isoformat()
    if filters.date_to:
        where.append("q.quote_date <= :date_to")
        params["date_to"] = filters.date_to.isoformat()
    for column in ("customer_id", "partner_id", "department_id", "staff_id", "customer_class_id"):
        if value := getattr(filters, column):
            where.append(f"q.{column} = :{column}")
            params[column] = value
    if filters.progress_id:
        where.append("q.customer_id IN (SELECT id FROM customer WHERE status_id = :progress)")
        params["progress"] = filters.progress_id
    if text := filters.text.strip():
        named = await search_index.customer_name_condition(reader, text, chosung=False, alias="customer")
        customers_sql = named.sql.replace("?", ":customer_text")
        params.update(customer_text=named.params[0] if named.params else None, text=like_pattern(text))
        params["number"] = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append(
            f"(q.customer_id IN (SELECT id FROM customer WHERE {customers_sql})"
            " OR q.partner_id IN (SELECT id FROM trading_partner WHERE name LIKE :text ESCAPE '\\')"
            " OR q.number LIKE :number ESCAPE '\\' OR q.title LIKE :text ESCAPE '\\')"
        )
    return " AND ".join(where), params


def _sqlite_row(row: tuple, today: dt.date) -> QuoteRow:
    (id_, number, quote_date, valid_until, state, title, customer_id, customer_name, partner_id) = row[:9]
    (partner_name, delivery_site, customer_class, progress, staff_name, contact_name, phone, fax) = row[9:17]
    (supply_total, vat_total, total_amount, version, order_number, shipment_number) = row[17:]
    valid = dt.date.fromisoformat(valid_until) if valid_until else None
    state = QuoteState(state)
    return QuoteRow(
        id=id_,
        number=number,
        quote_date=dt.date.fromisoformat(quote_date),
        valid_until=valid,
        state=state,
        expired=is_expired(state, valid, today),
        title=title,
        customer_id=customer_id,
        customer_name=customer_name,
        partner_id=partner_id,
        partner_name=partner_name,
        delivery_site=delivery_site,
        customer_class=customer_class,
        progress=progress,
        staff_name=staff_name,
        contact_name=contact_name,
        phone=phone,
        fax=fax,
        supply_total=supply_total,
        vat_total=vat_total,
        total_amount=total_amount,
        order_number=order_number,
        shipment_number=shipment_number,
        version=version,
    )


async def _sqlite_quote_status(
    reader: SqliteReader,
    filters: QuoteFilters,
    tab: QuoteTab,
    offset: int,
    limit: int,
    sort_by: str | None,
    descending: bool,
    today: dt.date,
) -> QuoteStatusPage:
    condition, params = await _sqlite_filter(reader, filters)
    params["today"] = today.isoformat()
    selected = _TAB_SQL.get(tab, "1 = 1")
    counts = ", ".join(f"COUNT(CASE WHEN {_TAB_SQL[t]} THEN 1 END)" for t in _TAB_SQL)
    sums = ", ".join(
        f"SUM(CASE WHEN {selected} THEN q.{column} END)"
        for column in ("supply_total", "vat_total", "total_amount")
    )
    summary = (
        await reader.rows(f"SELECT COUNT(*), {counts}, {sums} FROM quote q WHERE {condition}", params)
    )[1][0]
    tab_counts = {QuoteTab.ALL: int(summary[0])}
    tab_counts.update({t: int(summary[1 + i] or 0) for i, t in enumerate(_TAB_SQL)})
    direction = " DESC" if descending else ""
    columns = _SQL_SORTS.get(sort_by or "", _SQL_SORTS["quote_date"])
    order = ", ".join(f"{column}{direction}" for column in (*columns, "q.id"))
    _, rows = await reader.rows(
        f"{_SQL_PAGE} WHERE {condition} AND {selected} ORDER BY {order} LIMIT {int(limit)} OFFSET {int(offset)}",
        params,
    )
    return QuoteStatusPage(
        counts={t: tab_counts[t] for t in QuoteTab},
        rows=[_sqlite_row(row, today) for row in rows],
        total=tab_counts[tab],
        supply_total=int(summary[5] or 0),
        vat_total=int(summary[6] or 0),
        total_amount=int(summary[7] or 0),
    )


async def iter_quote_rows(
    filters: QuoteFilters,
    *,
    tab: QuoteTab = QuoteTab.ALL,
    sort_by: str | None = "quote_date",
    descending: bool = True,
    today: dt.date | None = None,
    limit: int | None = None,
) -> AsyncIterator[QuoteRow]:
    """Every row of a tab in screen order, fetched in chunks (Excel and print)."""
    today = today or dt.date.today()
    selected = tab_q(tab, today)
    query = Quote.filter(_filter_q(filters))
    if selected is not None:
        query = query.filter(selected)
    ordered = _ordered(query, sort_by, descending)
    offset, chunk = 0, 2000
    while True:
        size = chunk if limit is None else min(chunk, limit - offset)
        if size <= 0:
            return
        rows = await _rows(ordered.offset(offset).limit(size), today)
        for row in rows:
            yield row
        if len(rows) < size:
            return
        offset += size

"""접수 (AS) 내역: the reception log of 고객관리 — its query, paging, and the rows 엑셀저장 reads.

The log is the hot path of the product (a million receptions, newest first, on every 고객관리
screen and every 20 seconds): `reception_log` is the one query the page and the benchmark call.
It reads only the columns the list shows, joins the names it needs, walks the received_at
indexes newest first and counts exactly (an index count: milliseconds at a million rows); only a
search for common text, walked newest first, reports "at least". A page in the older half of the
log is read from the oldest end, so 마지막 페이지 holds the oldest receptions at once. The reception
record and its form are in services/receptions.py."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from tortoise.expressions import Q, RawSQL, Subquery
from tortoise.queryset import QuerySet

from core.db import SqliteReader, TextHead, sqlite_reader
from core.errors import ValidationError
from core.inputs import search_text
from core.korean import chosung, phone_digits
from core.settings import get_settings
from models.customer import Customer
from models.reception import NEWEST_INDEX, CallSource, Direction, Reception, ReceptionState
from services import search_index
from services.customers import has_initials, text_or_initials

# up to this many text matches are collected (and counted) exactly; beyond it, matches are common
# enough that walking the log newest first finds a page at once
TEXT_MATCH_CAP = 10_000
QUICK_CANDIDATES = 1_000  # text the index narrows down to this many rows is read at once
CUSTOMER_MATCH_CAP = 1_000
INQUIRY_PREVIEW = 200
NEWEST_FIRST = ("-received_at", "-id")
OLDEST_FIRST = ("received_at", "id")
EXPORT_LIMIT = 100_000


class SearchField(enum.StrEnum):
    """What the log's search box looks in (the manual's 검색 picker)."""

    CUSTOMER = "customer"
    PHONE = "phone"
    CONTACT = "contact"
    INQUIRY = "inquiry"


@dataclass(frozen=True)
class LogFilters:
    customer_id: int | None = None
    reception_type_id: int | None = None
    state: ReceptionState | None = None
    search_field: SearchField = SearchField.CUSTOMER
    search_text: str = ""
    assigned_to: int | None = None  # a staff member's open receptions (the 오늘 screen's 내 접수)
    received_before: dt.datetime | None = None  # received before (오늘's 장기 미처리)

    @property
    def narrowed(self) -> bool:
        """Filters besides the customer and the text: counts of the text alone do not hold."""
        return bool(self.reception_type_id or self.state or self.assigned_to or self.received_before)


OPEN_STATES = (ReceptionState.PENDING, ReceptionState.ON_HOLD)


def assigned_condition(staff_id: int) -> Q:
    """Open receptions assigned to a staff member: theirs to process, or taken by them and not
    yet given to anyone to process."""
    return Q(state__in=OPEN_STATES) & (
        Q(processor_id=staff_id) | Q(processor_id__isnull=True, receiver_id=staff_id)
    )


@dataclass(frozen=True)
class LogCursor:
    """Where a page of the newest-first log ended: the next page starts strictly after it."""

    received_at: dt.datetime
    id: int


@dataclass
class LogPage:
    rows: list[dict[str, Any]]
    total: int
    total_is_estimate: bool = False
    next_cursor: LogCursor | None = None


LOG_FIELDS = (
    "id",
    "version",
    "received_at",
    "direction",
    "source",
    "phone",
    "extension",
    "customer_id",
    "customer__company_name",
    "customer__partner_id",
    "contact_name",
    "reception_type__short_name",
    "reception_type__name",
    "category_large__name",
    "category_medium__name",
    "category_small__name",
    "state",
    "receiver__name",
    "processor__name",
    "processed_at",
)


def _prefix_range(column: str, prefix: str) -> dict[str, str]:
    """An index-friendly `startswith` on a digits column."""
    return {f"{column}__gte": prefix, f"{column}__lt": prefix[:-1] + chr(ord(prefix[-1]) + 1)}


def _digits_inside(digits: str) -> RawSQL:
    """phone_digits contains the digits: a plain LIKE, which scans the phone index a quarter
    faster than the ORM's CAST(...) LIKE ... ESCAPE. Safe inline: `digits` is only 0-9."""
    if not digits.isdigit():
        raise ValueError(digits)
    return RawSQL(f'("reception"."phone_digits" LIKE \'%{digits}%\')')


def _text_contains(column: str) -> str:
    """SQLite's LIKE already ignores ASCII case (and keeps the plain index scan); PostgreSQL's
    LIKE does not, so "gs-5200" finds "GS-5200" there through the case-insensitive lookup."""
    return f"{column}__contains" if get_settings().is_sqlite else f"{column}__icontains"


async def _log_query(filters: LogFilters) -> tuple[QuerySet[Reception], bool, int | None]:
    """The filtered log query; whether it is a newest-first scan for text that many rows contain
    (counting those matches would read the whole table); the exact count when already known."""
    query = Reception.all()
    if filters.customer_id:
        query = query.filter(customer_id=filters.customer_id)
    if filters.reception_type_id:
        query = query.filter(reception_type_id=filters.reception_type_id)
    if filters.state:
        query = query.filter(state=filters.state)
    if filters.assigned_to:
        query = query.filter(assigned_condition(filters.assigned_to))
    if filters.received_before:
        query = query.filter(received_at__lt=filters.received_before)
    text = search_text(filters.search_text)
    if not text:
        return query, False, None
    if filters.search_field == SearchField.CUSTOMER:
        customer_ids = (
            await Customer.filter(text_or_initials("company_name", text))
            .limit(CUSTOMER_MATCH_CAP + 1)
            .values_list("id", flat=True)
        )
        if len(customer_ids) <= CUSTOMER_MATCH_CAP:
            return query.filter(customer_id__in=customer_ids or [0]), False, None
        # a name most customers share ("상사"): walking the newest receptions finds a page at once
        return query.filter(text_or_initials("company_name", text, prefix="customer__")), True, None
    collecting = Reception.all()
    if filters.search_field == SearchField.PHONE:
        digits = phone_digits(text)
        if not digits:
            raise ValidationError({"search_text": "전화번호는 숫자로 입력하세요."})
        if digits.startswith("0"):  # a number from its area code on: an indexed prefix range
            collect, scan = _prefix_range("phone_digits", digits), {"phone_digits__startswith": digits}
        else:  # the end or the middle of a number ("8016"): one pass over the phone index
            collect = scan = {"phone_hit": True}
            query = query.annotate(phone_hit=_digits_inside(digits))
            collecting = collecting.annotate(phone_hit=_digits_inside(digits))
    elif filters.search_field == SearchField.CONTACT:
        collect = scan = {_text_contains("contact_name"): text}  # one pass over the contact_name index
    else:
        collect = scan = {_text_contains("inquiry"): text}  # one pass over the table: no index can help
    if filters.customer_id:  # one customer's receptions are few: filter them directly
        return query.filter(**scan), False, None
    # Rare text: collect every match in one pass, far cheaper than walking a million rows in date
    # order. Text in more than TEXT_MATCH_CAP rows: walking newest first finds a page at once.
    ids = await collecting.filter(**collect).limit(TEXT_MATCH_CAP + 1).values_list("id", flat=True)
    if len(ids) <= TEXT_MATCH_CAP:
        only_text = not filters.narrowed
        return query.filter(id__in=ids or [0]), False, len(ids) if only_text else None
    return query.filter(**scan), True, None


@dataclass(frozen=True)
class _PageWindow:
    """Which rows of the log a page is: `skip` rows from the newest end, or (`from_oldest`) from the
    oldest end, `take` of them; read from the oldest end, they are turned newest first again."""

    skip: int
    take: int
    from_oldest: bool = False


def _window(limit: int, offset: int, total_hint: int | None) -> _PageWindow:
    """A page in the older half of a log whose total is known is read from the oldest end: the
    last page is the oldest rows, found as quickly as the first."""
    if total_hint is None or offset <= total_hint // 2 or offset >= total_hint:
        return _PageWindow(offset, limit + 1)
    take = min(limit, total_hint - offset)
    return _PageWindow(total_hint - offset - take, take, from_oldest=True)


def _after(query: QuerySet[Reception], cursor: LogCursor) -> QuerySet[Reception]:
    # `received_at <= t` keeps the index range; the OR only breaks ties within one second
    return query.filter(
        Q(received_at__lte=cursor.received_at) & (Q(received_at__lt=cursor.received_at) | Q(id__lt=cursor.id))
    )


def _log_row(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": values["id"],
        "version": values["version"],
        "received_at": values["received_at"],
        "direction": values["direction"],
        "source": values["source"],
        "type_name": values["reception_type__short_name"] or values["reception_type__name"] or "",
        "customer_id": values["customer_id"],
        "customer_name": values["customer__company_name"] or "",
        "partner_id": values["customer__partner_id"],
        "phone": values["phone"],
        "extension": values["extension"],
        "contact_name": values["contact_name"],
        "category_large": values["category_large__name"] or "",
        "category_medium": values["category_medium__name"] or "",
        "category_small": values["category_small__name"] or "",
        "inquiry": values.get("inquiry_head", values.get("inquiry", "")) or "",
        "state": values["state"],
        "receiver_name": values["receiver__name"] or "",
        "processor_name": values["processor__name"] or "",
        "processed_at": values["processed_at"],
    }


async def reception_log(
    filters: LogFilters,
    *,
    limit: int = 100,
    offset: int = 0,
    after: LogCursor | None = None,
    count: bool = True,
    total_hint: int | None = None,
) -> LogPage:
    """One page of the reception log, newest first, with customer and code names.

    Give `after` (the previous page's `next_cursor`) to continue without OFFSET; `offset` is then
    only used to report the position. Give `total_hint` (the total the previous page reported, when
    exact) for a page reached by jumping, e.g. 마지막 페이지: a page in the older half is then read
    from the oldest end. Totals are exact, except for a search for common text, walked newest first:
    `total_is_estimate`, at least `total`, one more than the rows seen so far while more follow,
    so paging on always works."""
    reader = sqlite_reader()
    window = _PageWindow(offset, limit + 1) if after else _window(limit, offset, total_hint)
    if reader is not None:
        return await _sqlite_log(
            reader, filters, window, limit=limit, offset=offset, after=after, count=count
        )
    query, scanning, exact = await _log_query(filters)
    if scanning:
        window = _PageWindow(offset, limit + 1)
    page_query = _after(query, after) if after else query.offset(window.skip)
    # pick the page's ids first (an index walk), then join names for those rows only
    order = OLDEST_FIRST if window.from_oldest else NEWEST_FIRST
    page_ids = page_query.order_by(*order).limit(window.take).values("id")
    values = (
        await Reception.filter(id__in=Subquery(page_ids))
        .order_by(*NEWEST_FIRST)
        .annotate(inquiry_head=TextHead("inquiry", 1, INQUIRY_PREVIEW))
        .values(*LOG_FIELDS, "inquiry_head")
    )
    has_more = not window.from_oldest and len(values) > limit
    rows = [_log_row(v) for v in values[:limit]]

    async def counted() -> int:
        return await query.count()

    return await _log_page(rows, has_more, offset, exact, scanning or not count, counted, window)


async def _log_page(
    rows: list[dict[str, Any]],
    has_more: bool,
    offset: int,
    exact: int | None,
    scanning: bool,
    count: Callable[[], Awaitable[int]],
    window: _PageWindow,
) -> LogPage:
    """The page with its total: exact when known or counted, "at least" while scanning."""
    next_cursor = LogCursor(rows[-1]["received_at"], rows[-1]["id"]) if rows and has_more else None
    seen = offset + len(rows) + (1 if has_more else 0)
    if exact is not None:
        total, estimate = exact, False
    elif scanning:
        total, estimate = seen, has_more
    elif offset == 0 and not has_more and not window.from_oldest:
        total, estimate = len(rows), False
    else:
        total, estimate = await count(), False
    return LogPage(rows=rows, total=total, total_is_estimate=estimate, next_cursor=next_cursor)


# ---------------------------------------------------------------------------------------------
# The log on SQLite, in SQL
#
# Filters by type, state and customer walk their (…, received_at) indexes newest first; text goes
# through the trigram index (services/search_index.py): rare text is collected from the index and
# counted exactly, common text is found by walking newest first (a page at once, "N건 이상"). Without
# text the queries read a bounded number of index entries, so they run on the read connection.

# a reception with the customer, code tables and staff its log row shows by name (the benchmark's
# raw-SQL baseline reads the same joins)
RECEPTION_WITH_NAMES = """FROM reception r
LEFT JOIN customer c ON c.id = r.customer_id
LEFT JOIN code_entry t ON t.id = r.reception_type_id
LEFT JOIN code_entry cl ON cl.id = r.category_large_id
LEFT JOIN code_entry cm ON cm.id = r.category_medium_id
LEFT JOIN code_entry cs ON cs.id = r.category_small_id
LEFT JOIN staff rv ON rv.id = r.receiver_id
LEFT JOIN staff pr ON pr.id = r.processor_id"""
_SQLITE_LOG = (
    """SELECT r.id AS id, r.version AS version, r.received_at AS received_at,
r.direction AS direction, r.source AS source, COALESCE(NULLIF(t.short_name, ''), t.name, '') AS type_name,
r.customer_id AS customer_id, COALESCE(c.company_name, '') AS customer_name, c.partner_id AS partner_id,
r.phone AS phone, r.extension AS extension, r.contact_name AS contact_name,
COALESCE(cl.name, '') AS category_large, COALESCE(cm.name, '') AS category_medium,
COALESCE(cs.name, '') AS category_small, SUBSTR(r.inquiry, 1, {preview}) AS inquiry, r.state AS state,
COALESCE(rv.name, '') AS receiver_name, COALESCE(pr.name, '') AS processor_name, r.processed_at AS processed_at
"""
    + RECEPTION_WITH_NAMES
)
_STATES = {state.value: state for state in ReceptionState}
_DIRECTIONS = {direction.value: direction for direction in Direction}
_SOURCES = {source.value: source for source in CallSource}
_LIKE = " LIKE ? ESCAPE '\\'"


def _timestamp(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(value)


def _sqlite_log_row(row: dict[str, Any]) -> dict[str, Any]:
    row["received_at"] = _timestamp(row["received_at"])
    row["processed_at"] = _timestamp(row["processed_at"])
    row["state"] = _STATES.get(row["state"], row["state"])
    row["direction"] = _DIRECTIONS.get(row["direction"], row["direction"])
    row["source"] = _SOURCES.get(row["source"], row["source"])
    return row


@dataclass
class _LogQuery:
    """The log's filters as SQL on `reception r`, and how the page is found and counted.

    `filters` are the type / state / customer choices; `text` the search box's terms. When the
    text is rare, the page is collected from what the text's index finds, and the filters on
    type and state are only checked (a unary + keeps SQLite from walking their indexes instead);
    otherwise the filters' indexes (or received_at) are walked newest first."""

    filters: list[tuple[str, Any]] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)  # other terms on r, checked on each row
    condition_params: list[Any] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    text_params: list[Any] = field(default_factory=list)
    text_drives: bool = False  # collect from the text's index
    walk_index: str | None = None  # the index to walk newest first (INDEXED BY)
    quick: bool = True  # bounded index reads only: run on the read connection
    scanning: bool = False  # common text: walk newest first, the total is "at least"
    exact: int | None = None  # the total when it is already known

    def add_text(self, term: str, *params: Any) -> None:
        self.text.append(term)
        self.text_params.extend(params)

    def sql(self, *, drive_by_text: bool | None = None) -> tuple[str, list[Any]]:
        by_text = self.text_drives if drive_by_text is None else drive_by_text
        terms = [
            f"+{column} = ?" if by_text and column != "r.customer_id" else f"{column} = ?"
            for column, _ in self.filters
        ]
        terms += self.conditions + self.text
        params = [value for _, value in self.filters] + self.condition_params + self.text_params
        return " AND ".join(terms) or "1 = 1", params


async def _sqlite_count(
    reader: SqliteReader, condition: str, params: list[Any], cap: int | None = None, *, quick: bool = False
) -> int:
    if cap is None:
        sql = f"SELECT COUNT(*) FROM reception r WHERE {condition}"
    else:
        sql = f"SELECT COUNT(*) FROM (SELECT 1 FROM reception r WHERE {condition} LIMIT {cap + 1})"
    return int(await reader.value(sql, params, quick=quick))


async def _add_text(reader: SqliteReader, query: _LogQuery, filters: LogFilters, text: str) -> None:
    """The search box as SQL terms, choosing between collecting matches and walking the log."""
    cap = TEXT_MATCH_CAP
    query.quick = False
    if filters.search_field == SearchField.CUSTOMER:
        initials = has_initials(text)  # as the customer search above decides
        found = await search_index.customer_name_condition(
            reader, chosung(text) if initials else text, chosung=initials, alias="customer"
        )
        customers = f"r.customer_id IN (SELECT id FROM customer WHERE {found.sql})"
        # their receptions, counted on the (customer_id, received_at) index alone
        receptions = await _sqlite_count(reader, customers, list(found.params), cap)
        if receptions > cap:  # a name many customers share: walk newest first, all in one index
            query.add_text(f"+{customers}", *found.params)
            query.walk_index = NEWEST_INDEX
            query.scanning = True
            return
        query.add_text(customers, *found.params)
        query.text_drives = True
        query.exact = (
            await _sqlite_count(reader, *query.sql()) if query.filters or query.conditions else receptions
        )
        return
    if filters.search_field == SearchField.PHONE:
        digits = phone_digits(text)
        if not digits:
            raise ValidationError({"search_text": "전화번호는 숫자로 입력하세요."})
        if digits.startswith("0"):  # a number from its area code on: a range of the phone index
            low, high = _prefix_range("phone_digits", digits).values()
            numbers = await _sqlite_count(
                reader, "r.phone_digits >= ? AND r.phone_digits < ?", [low, high], cap
            )
            if numbers > cap:
                query.add_text("+r.phone_digits >= ? AND +r.phone_digits < ?", low, high)
                query.scanning = True
                return
            # the (phone_digits, state, type, received_at) index answers the filters by itself
            query.add_text("r.phone_digits >= ? AND r.phone_digits < ?", low, high)
            query.text_drives = True
            query.quick = numbers <= QUICK_CANDIDATES
            query.exact = await _sqlite_count(reader, *query.sql(), quick=query.quick)
            return
        column, exact_term, needle = "phone_digits", "r.phone_digits LIKE ?", f"%{digits}%"
    elif filters.search_field == SearchField.CONTACT:
        column, exact_term, needle = "contact_name", "r.contact_name" + _LIKE, search_index.like_pattern(text)
    else:
        column, exact_term, needle = "inquiry", "r.inquiry" + _LIKE, search_index.like_pattern(text)
    query.add_text(exact_term, needle)
    if filters.customer_id:  # one customer's receptions are few: check them directly
        return
    indexed = await search_index.index_query(
        reader, "reception", column, digits if column == "phone_digits" else text
    )
    if indexed is None:  # one character: the index cannot help
        query.scanning = True
        return
    if indexed.matches_nothing:
        query.add_text("0")
        query.exact = 0
        return
    candidates = indexed.estimate
    if candidates is None or cap < candidates <= 10 * cap:
        candidates = await search_index.count_matches(reader, "reception", indexed)
    if candidates > cap:  # common text: newest first finds a page at once
        query.scanning = True
        return
    query.add_text(
        "r.id IN (SELECT rowid FROM reception_search WHERE reception_search MATCH ?)", indexed.match
    )
    query.text_drives = True
    # the index answered first; a page and a count of a few hundred candidates are short
    query.quick = candidates <= QUICK_CANDIDATES
    query.exact = await _sqlite_count(reader, *query.sql(), quick=query.quick)


async def _sqlite_log_query(reader: SqliteReader, filters: LogFilters) -> _LogQuery:
    """The filters as SQL terms (the search text looked up in its index first)."""
    query = _LogQuery()
    if filters.customer_id:
        query.filters.append(("r.customer_id", filters.customer_id))
    if filters.reception_type_id:
        query.filters.append(("r.reception_type_id", filters.reception_type_id))
    if filters.state:
        query.filters.append(("r.state", str(filters.state)))
    if filters.assigned_to:
        query.conditions.append(
            "r.state IN (?, ?) AND (r.processor_id = ? OR (r.processor_id IS NULL AND r.receiver_id = ?))"
        )
        query.condition_params += [*map(str, OPEN_STATES), filters.assigned_to, filters.assigned_to]
    if filters.received_before:
        query.conditions.append("r.received_at < ?")
        query.condition_params.append(filters.received_before.isoformat(sep=" "))
    text = search_text(filters.search_text)
    if text:
        await _add_text(reader, query, filters, text)
    return query


def _page_sql(query: _LogQuery, window: _PageWindow, after: LogCursor | None) -> tuple[str, list[Any]]:
    """The page's SQL: its ids first (an index walk), then names joined for those rows only, so a
    wrong guess of the planner costs an index sort, never joins for every row."""
    page_condition, page_params = query.sql()
    # Where the text's index gives the candidates (at most TEXT_MATCH_CAP rows), they are sorted:
    # a unary + keeps SQLite from walking the received_at index newest first instead, checking
    # every reception against the text (at 100 000 receptions, 190 ms for a name nobody has).
    when = "+r.received_at" if query.text_drives else "r.received_at"
    if after:
        # `received_at <= t` keeps the index range; the OR only breaks ties within one second
        moment = after.received_at.isoformat(sep=" ")
        page_condition += f" AND {when} <= ? AND ({when} < ? OR r.id < ?)"
        page_params += [moment, moment, after.id]
        position = ""
    else:
        position = f" OFFSET {int(window.skip)}"
    indexed_by = f" INDEXED BY {query.walk_index}" if query.walk_index else ""
    order = "ASC" if window.from_oldest else "DESC"
    sql = (
        _SQLITE_LOG.format(preview=INQUIRY_PREVIEW)
        + f" WHERE r.id IN (SELECT r.id FROM reception r{indexed_by} WHERE {page_condition}"
        f" ORDER BY {when} {order}, r.id {order} LIMIT {int(window.take)}{position})"
        " ORDER BY r.received_at DESC, r.id DESC"
    )
    return sql, page_params


async def log_page_plan(filters: LogFilters, *, limit: int = 100) -> list[str]:
    """How SQLite finds the log's first page for `filters` (EXPLAIN QUERY PLAN's lines): the tests
    and the benchmark hold each kind of search to its index, so a plan cannot flip with the data."""
    reader = sqlite_reader()
    assert reader is not None, "SQLite only"
    query = await _sqlite_log_query(reader, filters)
    sql, params = _page_sql(query, _PageWindow(0, limit + 1), None)
    _, rows = await reader.rows(f"EXPLAIN QUERY PLAN {sql}", params)
    return [str(row[-1]) for row in rows]


async def _sqlite_log(
    reader: SqliteReader,
    filters: LogFilters,
    window: _PageWindow,
    *,
    limit: int,
    offset: int,
    after: LogCursor | None,
    count: bool,
) -> LogPage:
    query = await _sqlite_log_query(reader, filters)
    condition, params = query.sql()
    if query.scanning:  # common text: only ever walked newest first
        window = _PageWindow(offset, limit + 1)
    sql, page_params = _page_sql(query, window, after)
    # a long OFFSET walks many index entries: off the event loop
    found = await reader.records(sql, page_params, quick=query.quick and window.skip < 10_000)
    has_more = not window.from_oldest and len(found) > limit
    rows = [_sqlite_log_row(row) for row in found[:limit]]

    async def counted() -> int:
        # an index count (milliseconds at a million rows), on the ORM's thread: off the event loop
        return await _sqlite_count(reader, condition, params)

    return await _log_page(rows, has_more, offset, query.exact, query.scanning or not count, counted, window)


async def iter_log_rows(filters: LogFilters, *, limit: int = EXPORT_LIMIT) -> AsyncIterator[dict[str, Any]]:
    """Every row of the filtered log (newest first, full inquiry text) for 엑셀저장, in chunks."""
    query, _, _ = await _log_query(filters)
    cursor: LogCursor | None = None
    sent = 0
    while sent < limit:
        chunk_query = _after(query, cursor) if cursor else query
        chunk = (
            await chunk_query.order_by(*NEWEST_FIRST)
            .limit(min(1000, limit - sent))
            .values(*LOG_FIELDS, "inquiry", "answer")
        )
        if not chunk:
            return
        for values in chunk:
            row = _log_row(values)
            row["inquiry"], row["answer"] = values["inquiry"], values["answer"]
            yield row
        sent += len(chunk)
        cursor = LogCursor(chunk[-1]["received_at"], chunk[-1]["id"])

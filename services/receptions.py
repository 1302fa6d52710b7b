"""접수 (AS) workflows: the reception log of 고객관리, the reception form, state transitions.

The log is the hot path of the product (a million receptions, newest first, on every 고객관리
screen and every 20 seconds): `reception_log` is the one query the page and the benchmark call.
It reads only the columns the list shows, joins the names it needs, walks the received_at
indexes newest first, and never counts past LOG_COUNT_CAP."""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from tortoise.connection import get_connection
from tortoise.expressions import Q, RawSQL, Subquery
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from core.audit import Actor, acting_as
from core.db import SqliteReader, TextHead, sqlite_reader
from core.errors import NotFound, ValidationError
from core.inputs import refuse, search_text, wrong_choices, wrong_ids, wrong_texts
from core.korean import chosung, format_phone, josa, phone_digits, phone_error
from core.settings import get_settings
from models.codes import CodeEntry, CodeKind
from models.customer import Customer
from models.reception import NEWEST_INDEX, CallSource, Direction, Reception, ReceptionState
from models.staff import Staff
from models.telephony import CallEvent, CallEventSource
from services import calls, codes, phone_directory, search_index
from services.customers import has_initials, lookup_customers, text_or_initials
from services.submissions import already_made, create_once

LOG_COUNT_CAP = 500  # the log says "500+건" rather than count a million rows every refresh
# up to this many text matches are collected (and counted) exactly; beyond it, matches are common
# enough that walking the log newest first finds a page at once
TEXT_MATCH_CAP = 10_000
QUICK_CANDIDATES = 1_000  # text the index narrows down to this many rows is read at once
CUSTOMER_MATCH_CAP = 1_000
INQUIRY_PREVIEW = 200
NEWEST_FIRST = ("-received_at", "-id")
EXPORT_LIMIT = 100_000
MAX_TEXT = 20_000


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


async def _capped_count(query: QuerySet, cap: int) -> tuple[int, bool]:
    """COUNT(*) of at most cap + 1 rows: (count, capped)."""
    ids = query.limit(cap + 1).values_list("id")
    ids._choose_db_if_not_chosen()
    ids._make_query()
    sql, params = ids.query.get_parameterized_sql()
    _, rows = await get_connection("default").execute_query(f"SELECT COUNT(*) FROM ({sql}) AS capped", params)
    count = int(rows[0][0])
    return (cap, True) if count > cap else (count, False)


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
) -> LogPage:
    """One page of the reception log, newest first, with customer and code names.

    Give `after` (the previous page's `next_cursor`) to continue without OFFSET; `offset` is then
    only used to report the position. Totals above LOG_COUNT_CAP, and totals of text searches that
    match many rows, are reported as estimates (`total_is_estimate`: at least `total`, and one
    more than the rows seen so far while more follow, so paging on always works)."""
    reader = sqlite_reader()
    if reader is not None:
        return await _sqlite_log(reader, filters, limit=limit, offset=offset, after=after, count=count)
    query, scanning, exact = await _log_query(filters)
    page_query = _after(query, after) if after else query.offset(offset)
    # pick the page's ids first (an index walk), then join names for those rows only
    page_ids = page_query.order_by(*NEWEST_FIRST).limit(limit + 1).values("id")
    values = (
        await Reception.filter(id__in=Subquery(page_ids))
        .order_by(*NEWEST_FIRST)
        .annotate(inquiry_head=TextHead("inquiry", 1, INQUIRY_PREVIEW))
        .values(*LOG_FIELDS, "inquiry_head")
    )
    has_more = len(values) > limit
    rows = [_log_row(v) for v in values[:limit]]

    async def capped() -> tuple[int, bool]:
        return await _capped_count(query, LOG_COUNT_CAP)

    return await _log_page(rows, has_more, offset, exact, scanning or not count, capped)


async def _log_page(
    rows: list[dict[str, Any]],
    has_more: bool,
    offset: int,
    exact: int | None,
    scanning: bool,
    capped_count: Callable[[], Awaitable[tuple[int, bool]]],
) -> LogPage:
    """The page with its total: exact when known, "at least" while scanning, else counted up to
    LOG_COUNT_CAP."""
    next_cursor = LogCursor(rows[-1]["received_at"], rows[-1]["id"]) if rows and has_more else None
    seen = offset + len(rows) + (1 if has_more else 0)
    if exact is not None:
        total, estimate = exact, False
    elif scanning:
        total, estimate = seen, has_more
    elif offset == 0 and not has_more:
        total, estimate = len(rows), False
    else:
        total, estimate = await capped_count()
        total = max(total, seen) if estimate else total
    return LogPage(rows=rows, total=total, total_is_estimate=estimate, next_cursor=next_cursor)


# ---------------------------------------------------------------------------------------------
# The log on SQLite, in SQL
#
# Filters by type, state and customer walk their (…, received_at) indexes newest first; text goes
# through the trigram index (services/search_index.py): rare text is collected from the index and
# counted exactly, common text is found by walking newest first (a page at once, "N+건"). Without
# text the queries read a bounded number of index entries, so they run on the read connection.

_SQLITE_LOG = """SELECT r.id AS id, r.version AS version, r.received_at AS received_at,
r.direction AS direction, r.source AS source, COALESCE(NULLIF(t.short_name, ''), t.name, '') AS type_name,
r.customer_id AS customer_id, COALESCE(c.company_name, '') AS customer_name, c.partner_id AS partner_id,
r.phone AS phone, r.extension AS extension, r.contact_name AS contact_name,
COALESCE(cl.name, '') AS category_large, COALESCE(cm.name, '') AS category_medium,
COALESCE(cs.name, '') AS category_small, SUBSTR(r.inquiry, 1, {preview}) AS inquiry, r.state AS state,
COALESCE(rv.name, '') AS receiver_name, COALESCE(pr.name, '') AS processor_name, r.processed_at AS processed_at
FROM reception r
LEFT JOIN customer c ON c.id = r.customer_id
LEFT JOIN code_entry t ON t.id = r.reception_type_id
LEFT JOIN code_entry cl ON cl.id = r.category_large_id
LEFT JOIN code_entry cm ON cm.id = r.category_medium_id
LEFT JOIN code_entry cs ON cs.id = r.category_small_id
LEFT JOIN staff rv ON rv.id = r.receiver_id
LEFT JOIN staff pr ON pr.id = r.processor_id"""
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


async def _sqlite_log(
    reader: SqliteReader,
    filters: LogFilters,
    *,
    limit: int,
    offset: int,
    after: LogCursor | None,
    count: bool,
) -> LogPage:
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
    condition, params = query.sql()
    page_condition, page_params = condition, list(params)
    if after:
        # `received_at <= t` keeps the index range; the OR only breaks ties within one second
        moment = after.received_at.isoformat(sep=" ")
        page_condition += " AND r.received_at <= ? AND (r.received_at < ? OR r.id < ?)"
        page_params += [moment, moment, after.id]
        position = ""
    else:
        position = f" OFFSET {int(offset)}"
    indexed_by = f" INDEXED BY {query.walk_index}" if query.walk_index else ""
    # the page's ids first (an index walk), then names joined for those rows only: a wrong guess
    # of the planner then costs an index sort, never joins for every row
    sql = (
        _SQLITE_LOG.format(preview=INQUIRY_PREVIEW)
        + f" WHERE r.id IN (SELECT r.id FROM reception r{indexed_by} WHERE {page_condition}"
        " ORDER BY r.received_at DESC,"
        f" r.id DESC LIMIT {int(limit) + 1}{position}) ORDER BY r.received_at DESC, r.id DESC"
    )
    found = await reader.records(sql, page_params, quick=query.quick)
    has_more = len(found) > limit
    rows = [_sqlite_log_row(row) for row in found[:limit]]

    async def capped() -> tuple[int, bool]:
        counted = await _sqlite_count(reader, condition, params, LOG_COUNT_CAP, quick=query.quick)
        return (LOG_COUNT_CAP, True) if counted > LOG_COUNT_CAP else (counted, False)

    return await _log_page(rows, has_more, offset, query.exact, query.scanning or not count, capped)


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


# ---------------------------------------------------------------------------------------------
# The reception form


@dataclass
class ReceptionInput:
    """What the form sends. Date-times may come as typed text; the service parses and checks them."""

    received_at: dt.datetime | str | None
    direction: Direction = Direction.INBOUND
    phone: str = ""
    extension: str = ""
    customer_id: int | None = None
    contact_name: str = ""
    reception_type_id: int | None = None
    route_id: int | None = None
    category_large_id: int | None = None
    category_medium_id: int | None = None
    category_small_id: int | None = None
    state: ReceptionState = ReceptionState.PENDING
    inquiry: str = ""
    answer: str = ""
    receiver_id: int | None = None
    processor_id: int | None = None
    processed_at: dt.datetime | str | None = None
    # only used when the reception is created (a call popup passes them)
    source: CallSource = CallSource.MANUAL
    call_event_id: int | None = None


@dataclass
class ReceptionDetail:
    """A stored reception as the form shows it."""

    id: int
    version: int
    data: ReceptionInput
    customer_code: str = ""
    customer_name: str = ""
    partner_id: int | None = None
    created_by_name: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d")


def parse_datetime(value: dt.datetime | str | None) -> dt.datetime | None:
    """'2016-09-21 14:59:31' (seconds, or the time, may be left out) → datetime; '' → None.
    Raises ValueError for anything else."""
    if value is None or isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        raise ValueError(value)
    text = re.sub(r"\s+", " ", value.strip().replace(".", "-").replace("/", "-"))
    if not text:
        return None
    for pattern in _DATETIME_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise ValueError(text)


_PHONE_CHARACTERS = re.compile(r"[^\d\s()+\-.]")


async def _check_code(
    errors: dict[str, str], key: str, code_id: int | None, kind: CodeKind, label: str, parent_id: Any = ...
) -> None:
    if code_id is None:
        return
    entry = await CodeEntry.get_or_none(id=code_id)
    if entry is None or entry.kind != kind:
        errors[key] = f"{label}{josa(label, '이')} 올바르지 않습니다. 목록에서 다시 고르세요."
    elif parent_id is not ... and entry.parent_id != parent_id:
        errors[key] = f"{label}{josa(label, '이')} 상위 분류에 속하지 않습니다. 다시 고르세요."


async def _validated(data: ReceptionInput) -> dict[str, Any]:
    """The model fields to store, or ValidationError naming every bad field."""
    refuse(
        wrong_ids(
            customer=data.customer_id,
            reception_type=data.reception_type_id,
            route=data.route_id,
            category_large=data.category_large_id,
            category_medium=data.category_medium_id,
            category_small=data.category_small_id,
            receiver=data.receiver_id,
            processor=data.processor_id,
            call_event=data.call_event_id,
        ),
        wrong_choices(ReceptionState, state=data.state),
        wrong_choices(Direction, direction=data.direction),
        wrong_choices(CallSource, source=data.source),
        wrong_texts(
            phone=data.phone,
            extension=data.extension,
            contact_name=data.contact_name,
            inquiry=data.inquiry,
            answer=data.answer,
        ),
    )
    errors: dict[str, str] = {}
    received_at = processed_at = None
    try:
        received_at = parse_datetime(data.received_at)
        if received_at is None:
            errors["received_at"] = "접수일시를 입력하세요."
    except ValueError:
        errors["received_at"] = "접수일시는 2016-09-21 14:59 형식으로 입력하세요."
    try:
        processed_at = parse_datetime(data.processed_at)
    except ValueError:
        errors["processed_at"] = "처리일시는 2016-09-21 14:59 형식으로 입력하세요."
    phone = (data.phone or "").strip()
    if _PHONE_CHARACTERS.search(phone):
        errors["phone"] = "전화번호에는 숫자와 - 만 입력하세요."
    elif len(phone) > 30:
        errors["phone"] = "전화번호가 너무 깁니다."
    elif len(phone_digits(phone)) > 4 and (problem := phone_error(phone)):
        errors["phone"] = problem  # 4 digits or fewer: an internal line, as the CTI reports it
    extension = (data.extension or "").strip()
    if len(extension) > 20:
        errors["extension"] = "내선번호는 20자 이내입니다."
    elif extension and not extension.isdigit():
        errors["extension"] = "내선번호는 숫자로만 입력하세요."
    contact_name = (data.contact_name or "").strip()
    if len(contact_name) > 50:
        errors["contact_name"] = "담당자는 50자 이내입니다."
    for key, text in (("inquiry", data.inquiry), ("answer", data.answer)):
        if len(text or "") > MAX_TEXT:
            errors[key] = f"{MAX_TEXT:,}자까지 입력할 수 있습니다."
    if not any(
        (
            phone,
            (data.inquiry or "").strip(),
            (data.answer or "").strip(),
            data.customer_id,
            contact_name,
            data.reception_type_id,
            data.category_large_id,
        )
    ):
        errors["inquiry"] = (
            "빈 접수입니다. 전화번호, 고객, 담당자, 접수구분이나 접수내용 중 하나는 입력하세요."
        )
    if data.customer_id is not None and not await Customer.exists(id=data.customer_id):
        errors["customer"] = "선택한 고객이 없습니다 (삭제되었을 수 있습니다). 다시 고르세요."
    await _check_code(errors, "reception_type", data.reception_type_id, CodeKind.RECEPTION_TYPE, "접수구분")
    await _check_code(errors, "route", data.route_id, CodeKind.RECEPTION_ROUTE, "접수경로")
    category = CodeKind.RECEPTION_CATEGORY
    await _check_code(errors, "category_large", data.category_large_id, category, "대분류", None)
    if data.category_medium_id is not None and data.category_large_id is None:
        errors["category_medium"] = "대분류를 먼저 고르세요."
    else:
        await _check_code(
            errors, "category_medium", data.category_medium_id, category, "중분류", data.category_large_id
        )
    if data.category_small_id is not None and data.category_medium_id is None:
        errors["category_small"] = "중분류를 먼저 고르세요."
    else:
        await _check_code(
            errors, "category_small", data.category_small_id, category, "일반분류", data.category_medium_id
        )
    if data.receiver_id is None:
        errors["receiver"] = "접수자를 고르세요."
    elif not await Staff.exists(id=data.receiver_id):
        errors["receiver"] = "접수자가 올바르지 않습니다."
    if data.processor_id is not None and not await Staff.exists(id=data.processor_id):
        errors["processor"] = "처리자가 올바르지 않습니다."
    state = ReceptionState(data.state)
    if state == ReceptionState.DONE and received_at and processed_at and processed_at < received_at:
        errors["processed_at"] = "처리일시가 접수일시보다 빠릅니다."
    if errors:
        raise ValidationError(errors)
    digits = phone_digits(phone)
    return {
        "received_at": received_at,
        "direction": Direction(data.direction),
        "phone": format_phone(phone) if len(digits) >= 9 else phone,
        "phone_digits": digits[:20],
        "extension": extension,
        "customer_id": data.customer_id,
        "contact_name": contact_name,
        "reception_type_id": data.reception_type_id,
        "route_id": data.route_id,
        "category_large_id": data.category_large_id,
        "category_medium_id": data.category_medium_id,
        "category_small_id": data.category_small_id,
        "state": state,
        "inquiry": data.inquiry or "",
        "answer": data.answer or "",
        "receiver_id": data.receiver_id,
        "processor_id": data.processor_id,
        "processed_at": processed_at,
    }


def _apply_state_rule(values: dict[str, Any], by: Actor) -> None:
    """완료 always has a processor and a time (me and now unless given); other states are not processed."""
    if values["state"] == ReceptionState.DONE:
        values["processor_id"] = values["processor_id"] or by.id
        values["processed_at"] = values["processed_at"] or dt.datetime.now().replace(microsecond=0)
    else:
        values["processed_at"] = None


async def save_reception(
    data: ReceptionInput,
    *,
    by: Actor,
    reception_id: int | None = None,
    version: int | None = None,
    form_token: str | None = None,
) -> Reception:
    """Create (reception_id None, once per `form_token`) or edit a reception. Editing needs the
    version the user opened; a stale one raises StaleRecordError and changes nothing."""
    if reception_id is None and (made := await already_made(Reception, "reception", form_token)):
        return made
    values = await _validated(data)
    _apply_state_rule(values, by)
    with acting_as(by):
        if reception_id is None:
            reception = await create_once(
                Reception,
                "reception",
                form_token,
                lambda: Reception.create(
                    **values, source=CallSource(data.source), call_event_id=data.call_event_id
                ),
            )
            if data.call_event_id:
                await calls.reception_written(data.call_event_id, by=by)
            return reception
        if version is None:
            raise ValueError("editing a reception needs the version the user opened")
        async with in_transaction():
            reception = await Reception.fetch(reception_id, "접수")
            reception.update_from_dict(values)
            reception.version = version
            await reception.save()
        return reception


async def _transition(reception_id: int, *, by: Actor, version: int, state: ReceptionState) -> Reception:
    reception = await Reception.fetch(reception_id, "접수")
    if state == ReceptionState.DONE and reception.state == ReceptionState.DONE:
        processor = await Staff.get_or_none(id=reception.processor_id)
        who = f" (처리자 {processor.name})" if processor else ""
        raise ValidationError({"state": f"이미 처리된 접수입니다{who}."})
    reception.state = state
    if state == ReceptionState.DONE:
        reception.processor_id = by.id
        reception.processed_at = dt.datetime.now().replace(microsecond=0)
    else:
        reception.processor_id = None
        reception.processed_at = None
    reception.version = version
    with acting_as(by):
        await reception.save()
    return reception


async def process_reception(reception_id: int, *, by: Actor, version: int) -> Reception:
    """접수처리: the reception is done, processed by me, now."""
    return await _transition(reception_id, by=by, version=version, state=ReceptionState.DONE)


async def hold_reception(reception_id: int, *, by: Actor, version: int) -> Reception:
    """접수보류: put on hold; it is no longer processed."""
    return await _transition(reception_id, by=by, version=version, state=ReceptionState.ON_HOLD)


async def get_reception(reception_id: int) -> ReceptionDetail:
    reception = await Reception.get_or_none(id=reception_id).select_related("customer")
    if reception is None:
        raise NotFound("접수")
    customer = reception.customer
    return ReceptionDetail(
        id=reception.id,
        version=reception.version,
        customer_code=customer.code if customer else "",
        customer_name=customer.company_name if customer else "",
        partner_id=customer.partner_id if customer else None,
        data=ReceptionInput(
            received_at=reception.received_at,
            direction=reception.direction,
            phone=reception.phone,
            extension=reception.extension,
            customer_id=reception.customer_id,
            contact_name=reception.contact_name,
            reception_type_id=reception.reception_type_id,
            route_id=reception.route_id,
            category_large_id=reception.category_large_id,
            category_medium_id=reception.category_medium_id,
            category_small_id=reception.category_small_id,
            state=reception.state,
            inquiry=reception.inquiry,
            answer=reception.answer,
            receiver_id=reception.receiver_id,
            processor_id=reception.processor_id,
            processed_at=reception.processed_at,
            source=reception.source,
            call_event_id=reception.call_event_id,
        ),
    )


# ---------------------------------------------------------------------------------------------
# A reception written from a call


async def draft_from_call(call_id: int, *, by: Actor) -> ReceptionInput:
    """접수작성 from a call's popup: a new reception starting with the call's time, number,
    extension, customer (as the phone directory resolves it now) and contact, 접수경로 전화 (found
    by its code) and me as receiver; opening it means I took the call."""
    event = await CallEvent.fetch(call_id, "전화 기록")
    match = await phone_directory.resolve_caller(event.digits) if event.digits else None
    customer_id = match.customer.id if match and match.customer else event.customer_id
    contact = (match.card.name if match and match.card else "") or event.caller_name
    phone = format_phone(event.number) if event.digits else ""
    if customer_id and not (phone and contact) and (customer := await customer_brief(customer_id)):
        phone = phone or format_phone(customer.phone or customer.mobile)
        contact = contact or customer.contact_name
    await calls.take_call(call_id, by=by)
    return ReceptionInput(
        received_at=event.occurred_at.replace(microsecond=0),
        direction=event.direction,
        phone=phone,
        extension=event.extension,
        customer_id=customer_id,
        contact_name=contact,
        route_id=await codes.active_code_id(CodeKind.RECEPTION_ROUTE, codes.PHONE_ROUTE_CODE),
        receiver_id=by.id,
        source=CallSource.CTI if event.source == CallEventSource.CTI else CallSource.CENTREX,
        call_event_id=call_id,
    )


# ---------------------------------------------------------------------------------------------
# Customers as the reception screens need them


@dataclass(frozen=True)
class CustomerBrief:
    id: int
    code: str
    company_name: str
    representative: str
    phone: str
    mobile: str
    contact_name: str
    partner_id: int | None


_BRIEF_FIELDS = tuple(CustomerBrief.__dataclass_fields__)


async def customer_brief(customer_id: int) -> CustomerBrief | None:
    values = await Customer.filter(id=customer_id).first().values(*_BRIEF_FIELDS)
    return CustomerBrief(**values) if values else None


async def customers_with_number(number: str) -> list[CustomerBrief]:
    """The customers a typed 전화번호 belongs to, the way the call popup resolves a caller: the one
    customer it names, or every customer that has exactly this number; a merely similar number
    offers nobody (the form offers these to the person typing, who picks with one click)."""
    if len(phone_digits(number)) < phone_directory.SUBSCRIBER_DIGITS:
        return []
    match = await phone_directory.resolve_caller(number)
    if match.customer is not None:
        ids = [match.customer.id]
    elif match.shared:
        ids = [c.id for c in match.candidates][: phone_directory.MAX_CANDIDATES]
    else:
        return []
    rows = {row["id"]: row for row in await Customer.filter(id__in=ids).values(*_BRIEF_FIELDS)}
    return [CustomerBrief(**rows[i]) for i in ids if i in rows]


async def find_customers(text: str, *, limit: int = 30) -> list[CustomerBrief]:
    """The form's customer picker: what services.customers.lookup_customers finds (company name,
    초성, code, any phone fragment), with the fields the form copies from the customer."""
    order = [c.id for c in await lookup_customers(text, limit=limit)]
    rows = {row["id"]: row for row in await Customer.filter(id__in=order).values(*_BRIEF_FIELDS)}
    return [CustomerBrief(**rows[i]) for i in order if i in rows]

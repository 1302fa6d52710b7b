"""고객관리 list: the customer search behind the screen's table, its Excel export (엑셀저장) and
the printed list (인쇄).

`search_customers` is the one search every caller uses (the 고객관리 screen, exports and the
benchmark), so making it faster makes everything faster."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from core.db import SqliteReader, sqlite_reader
from core.errors import ValidationError
from core.inputs import search_text
from core.korean import chosung, digits_only, format_business_number, format_date, phone_digits
from models.codes import CodeEntry
from models.customer import Customer
from models.staff import Staff
from services import phone_directory, search_index
from services.balances import customer_balances
from services.customers import has_initials, prefix_bounds, text_or_initials
from services.excel import Progress, report_progress
from services.list_spec import EXCEL, TABLE, ListColumn, ListSpec, write_xlsx
from services.paging import Page, PageRequest

EXPORT_CHUNK = 2000


# ---------------------------------------------------------------------------------------------
# search


@dataclass
class CustomerFilters:
    """The filters of 고객관리 (upper half). Dates apply only when `use_dates` is on."""

    service_class_id: int | None = None
    use_dates: bool = False
    registered_from: dt.date | None = None
    registered_to: dt.date | None = None
    stopped_only: bool = False
    show_balance: bool = False
    row_limit: int | None = None
    staff_id: int | None = None
    company_name: str = ""
    business_number: str = ""
    phone: str = ""


SORTABLE = {
    "code": "code",
    "registered_on": "registered_on",
    "company_name": "company_name",
    "representative": "representative",
    "business_number": "business_number",
    "phone": "phone",
    "mobile": "mobile",
    "contact_name": "contact_name",
    "management_stop_date": "management_stop_date",
}

_LIST_FIELDS = (
    "id",
    "code",
    "registered_on",
    "status_id",
    "company_name",
    "representative",
    "business_number",
    "business_type",
    "business_item",
    "phone",
    "fax",
    "mobile",
    "email",
    "homepage",
    "postal_code",
    "address",
    "address_detail",
    "contact_name",
    "department_id",
    "staff_id",
    "contract_date",
    "planned_delivery_date",
    "first_delivery_date",
    "management_stop_date",
    "class_a_id",
    "class_b_id",
    "class_c_id",
    "service_class_id",
    "partner_id",
)
_CODE_REFS = ("status_id", "department_id", "class_a_id", "class_b_id", "class_c_id", "service_class_id")


async def _filtered(filters: CustomerFilters) -> QuerySet[Customer]:
    query = Customer.all()
    if filters.service_class_id:
        query = query.filter(service_class_id=filters.service_class_id)
    if filters.use_dates:
        if filters.registered_from:
            query = query.filter(registered_on__gte=filters.registered_from)
        if filters.registered_to:
            query = query.filter(registered_on__lte=filters.registered_to)
    if filters.stopped_only:
        query = query.filter(management_stop_date__lte=dt.date.today())
    if filters.staff_id:
        query = query.filter(staff_id=filters.staff_id)
    name = search_text(filters.company_name)
    if name:
        query = query.filter(text_or_initials("company_name", name))
    if filters.business_number.strip():
        digits = digits_only(filters.business_number)
        if not digits:
            raise ValidationError({"business_number": "사업자번호는 숫자로 입력하세요."})
        (low, high), (last_low, last_high) = prefix_bounds(digits), prefix_bounds(digits[::-1])
        query = query.filter(  # its first digits or its last, each through an index
            Q(business_number__gte=low, business_number__lt=high)
            | Q(business_number_reversed__gte=last_low, business_number_reversed__lt=last_high)
        )
    if filters.phone.strip():
        if len(digits_only(filters.phone)) < phone_directory.MIN_SEARCH_DIGITS:
            raise ValidationError({"phone": "전화번호는 3자리 이상 입력하세요 (예: 8016)."})
        ids = await phone_directory.customer_ids_for_phone(filters.phone)
        query = query.filter(id__in=ids or [0])
    return query


def _ordering(sort_by: str | None, descending: bool) -> list[str]:
    column = SORTABLE.get(sort_by or "", "code")
    sign = "-" if descending else ""
    return [f"{sign}{column}"] if column == "code" else [f"{sign}{column}", f"{sign}code"]


class _Names:
    """Names of the code-table rows and staff a batch of rows refers to."""

    def __init__(self, codes: dict[int, str], staff: dict[int, str]) -> None:
        self.codes, self.staff = codes, staff

    @classmethod
    async def of(cls, rows: list[dict[str, Any]]) -> _Names:
        code_ids = {row[f] for row in rows for f in _CODE_REFS if row.get(f)}
        staff_ids = {row["staff_id"] for row in rows if row.get("staff_id")}
        codes = dict(await CodeEntry.filter(id__in=code_ids).values_list("id", "name")) if code_ids else {}
        staff = dict(await Staff.filter(id__in=staff_ids).values_list("id", "name")) if staff_ids else {}
        return cls(codes, staff)

    @classmethod
    async def everything(cls) -> _Names:
        """For exports: code tables and staff are small, so one query each instead of one per chunk."""
        return cls(
            dict(await CodeEntry.all().values_list("id", "name")),
            dict(await Staff.all().values_list("id", "name")),
        )

    def code(self, code_id: int | None) -> str:
        return self.codes.get(code_id, "") if code_id else ""


def _present(row: dict[str, Any], names: _Names) -> dict[str, Any]:
    return {
        "id": row["id"],
        "code": row["code"],
        "registered_on": format_date(row["registered_on"]),
        "status": names.code(row["status_id"]),
        "company_name": row["company_name"],
        "representative": row["representative"],
        "business_number": format_business_number(row["business_number"]),
        "business_type": row["business_type"],
        "business_item": row["business_item"],
        "phone": row["phone"],
        "fax": row["fax"],
        "mobile": row["mobile"],
        "email": row["email"],
        "address": " ".join(p for p in (row["address"], row["address_detail"]) if p),
        "contact_name": row["contact_name"],
        "department": names.code(row["department_id"]),
        "staff": names.staff.get(row["staff_id"], "") if row["staff_id"] else "",
        "class_a": names.code(row["class_a_id"]),
        "class_b": names.code(row["class_b_id"]),
        "class_c": names.code(row["class_c_id"]),
        "service_class": names.code(row["service_class_id"]),
        "management_stop_date": format_date(row["management_stop_date"]),
        "partner_id": row["partner_id"],
    }


async def search_customers(filters: CustomerFilters, request: PageRequest | None = None) -> Page:
    """One page of customers matching the filters, sorted on the server, with the total count
    (capped by 조회건수지정). With 외상잔액표시 the page's rows carry `balance`."""
    request = request or PageRequest()
    limit = filters.row_limit if filters.row_limit and filters.row_limit > 0 else None
    size = request.rows_per_page
    if limit is not None:
        size = max(0, min(size, limit - request.offset))
    reader = sqlite_reader()
    if reader is not None:
        total, rows = await _sqlite_search(reader, filters, request, size)
    else:
        total, rows = await _orm_search(filters, request, size)
    if limit is not None:
        total = min(total, limit)
    if filters.show_balance and rows:
        balances = await customer_balances(row["id"] for row in rows)
        for row in rows:
            row["balance"] = balances.get(row["id"], 0)
    return Page(rows=rows, total=total)


async def _orm_search(
    filters: CustomerFilters, request: PageRequest, size: int
) -> tuple[int, list[dict[str, Any]]]:
    query = await _filtered(filters)
    total = await query.count()
    rows: list[dict[str, Any]] = []
    if size:
        raw = await (
            query.order_by(*_ordering(request.sort_by, request.descending))
            .offset(request.offset)
            .limit(size)
            .values(*_LIST_FIELDS)
        )
        names = await _Names.of(raw)
        rows = [_present(row, names) for row in raw]
    return total, rows


# SQLite: the same search in SQL. Company names go through the trigram index (services/search_index),
# 초성 through the covering index of company_name_chosung, numbers through their indexes; the page's
# code and staff names come in the same query. A search by business number or phone digits only
# touches a few index entries, so it runs on the read connection at once (core.db.SqliteReader).

# 123-45-67890, as core.korean.format_business_number writes it
_FORMATTED_BUSINESS_NUMBER = """CASE WHEN length(c.business_number) = 10
     THEN substr(c.business_number, 1, 3) || '-' || substr(c.business_number, 4, 2) || '-' || substr(c.business_number, 6)
     ELSE c.business_number END"""
# a customer with the code tables and staff its list and export show by name
CUSTOMER_WITH_NAMES = """
FROM customer c
LEFT JOIN code_entry st ON st.id = c.status_id
LEFT JOIN code_entry dp ON dp.id = c.department_id
LEFT JOIN staff sf ON sf.id = c.staff_id
LEFT JOIN code_entry ca ON ca.id = c.class_a_id
LEFT JOIN code_entry cb ON cb.id = c.class_b_id
LEFT JOIN code_entry cc ON cc.id = c.class_c_id
LEFT JOIN code_entry sc ON sc.id = c.service_class_id"""

# the rows of _present, computed by SQLite (texts already formatted, names joined): a page costs
# what its query costs
_SQL_PAGE = (
    f"""SELECT c.id AS id, c.code AS code, c.registered_on AS registered_on,
COALESCE(st.name, '') AS status, c.company_name AS company_name, c.representative AS representative,
{_FORMATTED_BUSINESS_NUMBER} AS business_number,
c.business_type AS business_type, c.business_item AS business_item, c.phone AS phone, c.fax AS fax,
c.mobile AS mobile, c.email AS email,
CASE WHEN c.address = '' THEN c.address_detail WHEN c.address_detail = '' THEN c.address
     ELSE c.address || ' ' || c.address_detail END AS address,
c.contact_name AS contact_name, COALESCE(dp.name, '') AS department, COALESCE(sf.name, '') AS staff,
COALESCE(ca.name, '') AS class_a, COALESCE(cb.name, '') AS class_b, COALESCE(cc.name, '') AS class_c,
COALESCE(sc.name, '') AS service_class, COALESCE(c.management_stop_date, '') AS management_stop_date,
c.partner_id AS partner_id
"""
    + CUSTOMER_WITH_NAMES
)
QUICK_DIGITS = 4  # a business-number or phone search with this many digits touches few rows


def _sql_sort(sort_by: str | None) -> str:
    column = SORTABLE.get(sort_by or "", "code")
    # NULL stop dates sort first, as in the ORM's order; COALESCE keeps the chunked export exact
    return "COALESCE(c.management_stop_date, '')" if column == "management_stop_date" else f"c.{column}"


def _sql_order(sort_by: str | None, descending: bool) -> str:
    direction = " DESC" if descending else ""
    column = _sql_sort(sort_by)
    return f"c.code{direction}" if column == "c.code" else f"{column}{direction}, c.code{direction}"


@dataclass(frozen=True)
class _Term:
    """One condition on `customer c` in the forms the planner needs: for counting, for fetching a
    page when the matches are few (start from the matches, then sort them) and when they are many
    (walk the sort order and check each row: the unary + keeps SQLite off the id lookup)."""

    count: str
    params: tuple[Any, ...] = ()
    few: str | None = None
    many: str | None = None
    match: str | None = None  # a name found in the trigram index: counted on the index alone


async def _sqlite_terms(reader: SqliteReader, filters: CustomerFilters) -> tuple[list[_Term], bool]:
    """The filters as SQL terms, and whether the search is short enough to run at once (quick)."""
    terms: list[_Term] = []
    quick = False
    if filters.service_class_id:
        terms.append(_Term("c.service_class_id = ?", (filters.service_class_id,)))
    if filters.use_dates:
        if filters.registered_from:
            terms.append(_Term("c.registered_on >= ?", (filters.registered_from.isoformat(),)))
        if filters.registered_to:
            terms.append(_Term("c.registered_on <= ?", (filters.registered_to.isoformat(),)))
    if filters.stopped_only:
        terms.append(_Term("c.management_stop_date <= ?", (dt.date.today().isoformat(),)))
    if filters.staff_id:
        terms.append(_Term("c.staff_id = ?", (filters.staff_id,)))
    name = search_text(filters.company_name)
    if name:
        initials = has_initials(name)
        found = await search_index.customer_name_condition(
            reader, chosung(name) if initials else name, chosung=initials
        )
        many = f"+{found.sql}" if found.indexed and found.match else None
        terms.append(_Term(found.sql, found.params, many=many, match=found.match))
    if filters.business_number.strip():
        digits = digits_only(filters.business_number)
        if not digits:
            raise ValidationError({"business_number": "사업자번호는 숫자로 입력하세요."})
        terms.append(
            _Term(
                "((c.business_number >= ? AND c.business_number < ?)"
                " OR (c.business_number_reversed >= ? AND c.business_number_reversed < ?))",
                (*prefix_bounds(digits), *prefix_bounds(digits[::-1])),
            )
        )
        quick = quick or len(digits) >= QUICK_DIGITS
    if filters.phone.strip():
        digits = phone_digits(filters.phone)
        if len(digits_only(filters.phone)) < phone_directory.MIN_SEARCH_DIGITS:
            raise ValidationError({"phone": "전화번호는 3자리 이상 입력하세요 (예: 8016)."})
        owners = (
            "c.id IN (SELECT customer_id FROM phone_entry WHERE digits_reversed >= ? AND digits_reversed < ? "
            "UNION SELECT customer_id FROM phone_entry WHERE digits >= ? AND digits < ?)"
        )
        terms.append(_Term(owners, (*prefix_bounds(digits[::-1]), *prefix_bounds(digits)), many=f"+{owners}"))
        quick = quick or len(digits) >= QUICK_DIGITS
    if name:
        quick = False  # a name may match thousands of rows: never on the event loop
    return terms, quick


def _where(terms: list[_Term], form: str) -> tuple[str, list[Any]]:
    if not terms:
        return "1 = 1", []
    # every form of a term has the same placeholders
    return " AND ".join(getattr(t, form) or t.count for t in terms), [p for t in terms for p in t.params]


FEW_MATCHES = 2000  # up to this many matches, a page is sorted from the matches themselves


async def _sqlite_search(
    reader: SqliteReader, filters: CustomerFilters, request: PageRequest, size: int
) -> tuple[int, list[dict[str, Any]]]:
    terms, quick = await _sqlite_terms(reader, filters)
    # a short search runs at once; any other is tried for a moment, then left to the ORM's thread
    speed: bool | str = True if quick else "try"

    async def run(sql: str, params: list[Any]) -> list[dict[str, Any]]:
        return await reader.records(sql, params, quick=speed)

    if len(terms) == 1 and terms[0].match:  # a name alone: the index knows how many
        counted = await run(
            "SELECT COUNT(*) AS n FROM customer_search WHERE customer_search MATCH ?", [terms[0].match]
        )
    else:
        condition, params = _where(terms, "count")
        counted = await run(f"SELECT COUNT(*) AS n FROM customer c WHERE {condition}", params)
    total = int(counted[0]["n"])
    if not size or request.offset >= total:
        return total, []
    condition, params = _where(terms, "few" if total <= FEW_MATCHES else "many")
    order = _sql_order(request.sort_by, request.descending)
    rows = await run(
        f"{_SQL_PAGE} WHERE {condition} ORDER BY {order} LIMIT ? OFFSET ?", [*params, size, request.offset]
    )
    return total, rows


# ---------------------------------------------------------------------------------------------
# the list: on the screen (rows of search_customers), in 엑셀저장 and printed

_SCREEN_AND_EXCEL = frozenset({TABLE, EXCEL})
_EXCEL_ONLY = frozenset({EXCEL})
# The sheet's headers are also what the Excel import recognises, so an exported file imports back;
# the print keeps to the columns that fit across the page.
CUSTOMER_LIST = ListSpec(
    "고객 목록",
    (
        ListColumn("code", "고객코드", width=12, sortable=True),
        ListColumn("registered_on", "등록일자", "date", width=11, sortable=True),
        ListColumn("status", "상태", width=10, excel_label="고객상태"),
        ListColumn("company_name", "법인상호", width=24, sortable=True),
        ListColumn("representative", "대표자", width=10, sortable=True),
        ListColumn("business_number", "사업자번호", width=14, sortable=True),
        ListColumn("business_type", "업태", width=12, on=_EXCEL_ONLY),
        ListColumn("business_item", "종목", width=12, on=_EXCEL_ONLY),
        ListColumn("phone", "전화번호", width=14, sortable=True),
        ListColumn("fax", "팩스번호", width=14, on=_EXCEL_ONLY),
        ListColumn("mobile", "휴대폰", width=14, sortable=True),
        ListColumn("email", "이메일", width=20, on=_EXCEL_ONLY),
        ListColumn("homepage", "홈페이지", width=20, on=_EXCEL_ONLY),
        ListColumn("postal_code", "우편번호", width=8, on=_EXCEL_ONLY),
        ListColumn("address", "주소", width=30, on=_EXCEL_ONLY),
        ListColumn("address_detail", "상세주소", width=20, on=_EXCEL_ONLY),
        ListColumn("contact_name", "담당자", width=10, sortable=True),
        ListColumn("department", "담당부서", width=10, on=_EXCEL_ONLY),
        ListColumn("staff", "담당사원", width=10),
        ListColumn("contract_date", "계약일자", "date", width=11, on=_EXCEL_ONLY),
        ListColumn("planned_delivery_date", "납품예정일", "date", width=11, on=_EXCEL_ONLY),
        ListColumn("first_delivery_date", "최초납품일", "date", width=11, on=_EXCEL_ONLY),
        ListColumn("class_a", "분류A", width=10, on=_SCREEN_AND_EXCEL),
        ListColumn("class_b", "분류B", width=10, on=_EXCEL_ONLY),
        ListColumn("class_c", "분류C", width=10, on=_EXCEL_ONLY),
        ListColumn("service_class", "서비스분류", width=10, on=_EXCEL_ONLY),
        ListColumn(
            "management_stop_date", "관리중지일", "date", width=11, sortable=True, on=_SCREEN_AND_EXCEL
        ),
        ListColumn("memo", "메모", width=30, on=_EXCEL_ONLY),
    ),
    sheet_title="고객목록",
)
# with 외상잔액표시
CUSTOMER_LIST_WITH_BALANCE = replace(
    CUSTOMER_LIST, columns=(*CUSTOMER_LIST.columns, ListColumn("balance", "외상잔액", "amount", width=14))
)


def list_spec(filters: CustomerFilters) -> ListSpec:
    """The list's columns: with 외상잔액 when the filters ask for it."""
    return CUSTOMER_LIST_WITH_BALANCE if filters.show_balance else CUSTOMER_LIST


# the sheet's columns without the balance, in order: what each export row holds
_EXPORT_KEYS = tuple(c.key for c in CUSTOMER_LIST.shown(EXCEL))


def _export_values(row: dict[str, Any], names: _Names) -> list[Any]:
    staff = names.staff.get(row["staff_id"], "") if row["staff_id"] else ""
    derived = {
        "status": names.code(row["status_id"]),
        "department": names.code(row["department_id"]),
        "staff": staff,
        "class_a": names.code(row["class_a_id"]),
        "class_b": names.code(row["class_b_id"]),
        "class_c": names.code(row["class_c_id"]),
        "service_class": names.code(row["service_class_id"]),
        "business_number": format_business_number(row["business_number"]),
    }
    return {key: derived[key] if key in derived else row[key] for key in _EXPORT_KEYS}


# the sheet's columns (_EXPORT_KEYS, in order) computed by SQLite, then the id and the sort key
_SQL_EXPORT = (
    f"""SELECT c.code, c.registered_on, COALESCE(st.name, ''), c.company_name, c.representative,
{_FORMATTED_BUSINESS_NUMBER},
c.business_type, c.business_item, c.phone, c.fax, c.mobile, c.email, c.homepage, c.postal_code, c.address,
c.address_detail, c.contact_name, COALESCE(dp.name, ''), COALESCE(sf.name, ''), c.contract_date,
c.planned_delivery_date, c.first_delivery_date, COALESCE(ca.name, ''), COALESCE(cb.name, ''),
COALESCE(cc.name, ''), COALESCE(sc.name, ''), c.management_stop_date, c.memo, c.id, {{sort}} AS sort_key
"""
    + CUSTOMER_WITH_NAMES
)
_EXPORT_DATES = tuple(i for i, c in enumerate(CUSTOMER_LIST.shown(EXCEL)) if c.format == "date")


async def _sqlite_stream(
    reader: SqliteReader,
    filters: CustomerFilters,
    sort_by: str | None,
    descending: bool,
    progress: Progress | None,
) -> AsyncIterator[dict[str, Any]]:
    """Every matching customer in the list's order, read in chunks that continue after the last
    row (sort key, code) instead of skipping rows with OFFSET."""
    terms, _ = await _sqlite_terms(reader, filters)
    condition, params = _where(terms, "count")
    total = int(await reader.value(f"SELECT COUNT(*) FROM customer c WHERE {condition}", params))
    if filters.row_limit and filters.row_limit > 0:
        total = min(total, filters.row_limit)
    condition, params = _where(terms, "few" if total <= FEW_MATCHES else "many")
    sort = _sql_sort(sort_by)
    order, after = ("DESC", "<") if descending else ("ASC", ">")
    ordering = f"c.code {order}" if sort == "c.code" else f"{sort} {order}, c.code {order}"
    position = f"c.code {after} ?" if sort == "c.code" else f"({sort}, c.code) {after} (?, ?)"
    select = _SQL_EXPORT.format(sort=sort)
    done = 0
    last: list[Any] = []
    while done < total:
        where = f"{condition} AND {position}" if last else condition
        _, chunk = await reader.rows(
            f"{select} WHERE {where} ORDER BY {ordering} LIMIT {min(EXPORT_CHUNK, total - done)}",
            [*params, *last],
        )
        if not chunk:
            break
        balances = await customer_balances(row[-2] for row in chunk) if filters.show_balance else {}
        for row in chunk:
            values = list(row[:-2])
            for index in _EXPORT_DATES:
                if values[index]:
                    values[index] = dt.date.fromisoformat(values[index])
            exported = dict(zip(_EXPORT_KEYS, values, strict=True))
            if filters.show_balance:
                exported["balance"] = balances.get(row[-2], 0)
            yield exported
        done += len(chunk)
        last = [chunk[-1][0]] if sort == "c.code" else [chunk[-1][-1], chunk[-1][0]]
        await report_progress(progress, done, total)


async def _stream(
    filters: CustomerFilters, sort_by: str | None, descending: bool, progress: Progress | None
) -> AsyncIterator[dict[str, Any]]:
    reader = sqlite_reader()
    if reader is not None:
        async for values in _sqlite_stream(reader, filters, sort_by, descending, progress):
            yield values
        return
    query = await _filtered(filters)
    total = await query.count()
    if filters.row_limit and filters.row_limit > 0:
        total = min(total, filters.row_limit)
    names = await _Names.everything()
    ordering = _ordering(sort_by, descending)
    done = 0
    while done < total:
        chunk = await (
            query.order_by(*ordering)
            .offset(done)
            .limit(min(EXPORT_CHUNK, total - done))
            .values(*_LIST_FIELDS, "memo")
        )
        if not chunk:
            break
        balances = await customer_balances(r["id"] for r in chunk) if filters.show_balance else {}
        for row in chunk:
            values = _export_values(row, names)
            if filters.show_balance:
                values["balance"] = balances.get(row["id"], 0)
            yield values
        done += len(chunk)
        await report_progress(progress, done, total)


async def export_customers(
    filters: CustomerFilters,
    *,
    sort_by: str | None = None,
    descending: bool = False,
    on_progress: Progress | None = None,
) -> Path:
    """엑셀저장 with the current filters and order: a temp .xlsx the caller sends and deletes."""
    return await write_xlsx(list_spec(filters), _stream(filters, sort_by, descending, on_progress))


def describe_filters(filters: CustomerFilters) -> str:
    """The filters as the printed list names them."""
    parts = []
    if filters.use_dates:
        parts.append(f"등록일자 {format_date(filters.registered_from)}~{format_date(filters.registered_to)}")
    if filters.stopped_only:
        parts.append("중지업체만")
    if filters.company_name.strip():
        parts.append(f"법인상호 '{filters.company_name.strip()}'")
    if filters.business_number.strip():
        parts.append(f"사업자번호 '{filters.business_number.strip()}'")
    if filters.phone.strip():
        parts.append(f"전화번호 '{filters.phone.strip()}'")
    if filters.row_limit:
        parts.append(f"조회건수 {filters.row_limit:,}")
    return ", ".join(parts)

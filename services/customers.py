"""고객: the customer search, the customer record (auto code, validation, duplicate warning,
optimistic locking), 업체정보이력, the 약도 image, Excel export and the printed list.

`search_customers` is the one search every caller uses (the 고객관리 screen, pickers, exports and
the benchmark), so making it faster makes everything faster."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import filetype
from tortoise.connection import get_connection
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from core.audit import Actor, acting_as
from core.db import SqliteReader, serialize_numbering, sqlite_reader
from core.errors import GogaekError, InUseError, NotFound, ValidationError
from core.inputs import WRONG_DATE, refuse, search_text, wrong_ids, wrong_texts
from core.korean import (
    business_number_error,
    chosung,
    digits_only,
    format_amount,
    format_business_number,
    format_date,
    format_phone,
    format_size,
    josa,
    phone_digits,
    phone_error,
)
from core.settings import get_settings
from models.card import BusinessCard
from models.codes import CodeEntry, CodeKind
from models.customer import Customer, CustomerHistory
from models.staff import Staff
from services import phone_directory, search_index
from services.attachments import store_bytes
from services.balances import customer_balances
from services.excel import Column, Progress, export_rows, report_progress
from services.list_pdf import render_list_pdf
from services.paging import Page, PageRequest
from services.submissions import already_made, create_once

CODE_PATTERN = re.compile(r"^\S{1,12}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
GENERATED_CODE_ATTEMPTS = 8
EXPORT_CHUNK = 2000
PRINT_LIMIT = 1000
MAP_IMAGE_LIMIT = 5 * 1024 * 1024
MAP_IMAGE_TYPES = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/bmp": "bmp",
}

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


def has_initials(text: str) -> bool:
    """True when the query contains a bare initial consonant (ㄱ…ㅎ): match on 초성."""
    return any(0x3131 <= ord(ch) <= 0x314E for ch in text)


def text_or_initials(column: str, text: str, *, prefix: str = "") -> Q:
    """The column contains the text, or its 초성 copy (`<column>_chosung`) contains the typed
    initials ("ㅎㄱㄷ" finds 홍길동). `prefix` names the relation from another model ("customer__").
    법인상호 here, 명함 이름/회사명 and the reception log's customer search use it alike."""
    if has_initials(text):
        return Q(**{f"{prefix}{column}_chosung__contains": chosung(text)})
    return Q(**{f"{prefix}{column}__icontains": text})


def _prefix_bounds(prefix: str) -> tuple[str, str]:
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


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
        (low, high), (last_low, last_high) = _prefix_bounds(digits), _prefix_bounds(digits[::-1])
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
            row["balance_text"] = format_amount(row["balance"])
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
_CUSTOMER_WITH_NAMES = """
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
    + _CUSTOMER_WITH_NAMES
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
                (*_prefix_bounds(digits), *_prefix_bounds(digits[::-1])),
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
        terms.append(
            _Term(owners, (*_prefix_bounds(digits[::-1]), *_prefix_bounds(digits)), many=f"+{owners}")
        )
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


@dataclass(frozen=True)
class CustomerChoice:
    """A customer offered by a picker (번호연결, 방문일지, …)."""

    id: int
    code: str
    company_name: str
    representative: str
    phone: str

    @property
    def label(self) -> str:
        return f"{self.company_name} ({self.code})"


PHONE_LIKE = re.compile(r"[\d\s\-()]+")


async def lookup_customers(text: str, *, limit: int = 20) -> list[CustomerChoice]:
    """What a picker's one search box finds: company name (초성 too), customer code prefix, or
    (when the text is a number) any stored number of the customer or its cards."""
    text = search_text(text)
    if not text:
        return []
    condition = text_or_initials("company_name", text)
    if not has_initials(text):
        condition |= Q(code__startswith=text)
    digits = digits_only(text)
    if PHONE_LIKE.fullmatch(text) and len(digits) >= phone_directory.MIN_SEARCH_DIGITS:
        condition |= Q(id__in=await phone_directory.customer_ids_for_phone(digits, limit=limit * 5) or [0])
    rows = (
        await Customer.filter(condition)
        .order_by("company_name", "id")
        .limit(limit)
        .values("id", "code", "company_name", "representative", "phone")
    )
    return [CustomerChoice(**row) for row in rows]


# ---------------------------------------------------------------------------------------------
# the customer record


@dataclass
class CustomerInput:
    """What the customer window (or an import row) submits. Dates may be dates or typed text."""

    company_name: str = ""
    registered_on: dt.date | str | None = None
    status_id: int | None = None
    representative: str = ""
    business_number: str = ""
    business_type: str = ""
    business_item: str = ""
    phone: str = ""
    fax: str = ""
    mobile: str = ""
    email: str = ""
    homepage: str = ""
    postal_code: str = ""
    address: str = ""
    address_detail: str = ""
    contact_name: str = ""
    department_id: int | None = None
    staff_id: int | None = None
    contract_date: dt.date | str | None = None
    planned_delivery_date: dt.date | str | None = None
    first_delivery_date: dt.date | str | None = None
    management_stop_date: dt.date | str | None = None
    class_a_id: int | None = None
    class_b_id: int | None = None
    class_c_id: int | None = None
    service_class_id: int | None = None
    memo: str = ""
    reminder_opt_out: bool = False  # 수신거부: no renewal notices

    @classmethod
    def of(cls, customer: Customer) -> CustomerInput:
        return cls(**{name: getattr(customer, name) for name in cls.__dataclass_fields__})


MEMO_MAX = 20_000
HISTORY_NOTE_MAX = 4_000
_TEXT_LIMITS = {
    "company_name": 100,
    "representative": 50,
    "business_type": 100,
    "business_item": 100,
    "email": 120,
    "homepage": 200,
    "postal_code": 10,
    "address": 200,
    "address_detail": 200,
    "contact_name": 50,
    "memo": MEMO_MAX,
}
_DATE_FIELDS = (
    "registered_on",
    "contract_date",
    "planned_delivery_date",
    "first_delivery_date",
    "management_stop_date",
)
_PHONE_FIELDS = ("phone", "fax", "mobile")
_CODE_KINDS = {
    "status_id": CodeKind.CUSTOMER_STATUS,
    "department_id": CodeKind.DEPARTMENT,
    "class_a_id": CodeKind.CUSTOMER_CLASS_A,
    "class_b_id": CodeKind.CUSTOMER_CLASS_B,
    "class_c_id": CodeKind.CUSTOMER_CLASS_C,
    "service_class_id": CodeKind.SERVICE_CLASS,
}
_DATE_FORMATS = ("%Y-%m-%d", "%Y.%m.%d", "%Y/%m/%d", "%Y%m%d")


def parse_date(value: dt.date | str | None) -> dt.date | None:
    """A date from a date, a datetime or typed text (2014-02-13, 2014.02.13, 20140213). Raises
    ValueError for text that is not a date."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    for pattern in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def email_error(raw: str) -> str | None:
    if raw and not EMAIL_PATTERN.match(raw):
        return "이메일 주소가 올바르지 않습니다 (예: name@example.com)."
    return None


async def code_reference_errors(values: dict[str, Any], kinds: dict[str, CodeKind]) -> dict[str, str]:
    """Each referenced code-table row must exist and belong to the right table."""
    wanted = {name: values[name] for name in kinds if values.get(name)}
    if not wanted:
        return {}
    found = dict(await CodeEntry.filter(id__in=set(wanted.values())).values_list("id", "kind"))
    return {
        name: "기초정보에 없는 항목입니다. 다시 선택하세요."
        for name, code_id in wanted.items()
        if found.get(code_id) != kinds[name]
    }


async def validate_customer(data: CustomerInput) -> tuple[dict[str, Any], dict[str, str]]:
    """(column values ready to store, field errors). Every rule of the customer window is here, so
    the window and the Excel import refuse exactly the same things."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name, spec in CustomerInput.__dataclass_fields__.items():
        value = getattr(data, name)
        if isinstance(spec.default, str):  # a text field: a cleared widget gives None
            value = "" if value is None else str(value).strip()
        values[name] = value
    values["reminder_opt_out"] = bool(values["reminder_opt_out"])
    if not values["company_name"]:
        errors["company_name"] = "법인상호를 입력하세요."
    for name, limit in _TEXT_LIMITS.items():
        if len(values[name]) > limit:
            errors[name] = f"{limit:,}자 이내로 입력하세요."
    errors.update(wrong_texts(**{name: values[name] for name in (*_TEXT_LIMITS, *_PHONE_FIELDS)}))
    for name in _DATE_FIELDS:
        try:
            values[name] = parse_date(values[name])
        except ValueError:
            errors[name] = WRONG_DATE
    if values["registered_on"] is None and "registered_on" not in errors:
        errors["registered_on"] = "등록일자를 입력하세요."
    if message := business_number_error(values["business_number"]):
        errors["business_number"] = message
    else:
        values["business_number"] = digits_only(values["business_number"])
    for name in _PHONE_FIELDS:
        if message := phone_error(values[name]):
            errors[name] = message
        else:
            values[name] = format_phone(values[name])[:30]
    if message := email_error(values["email"]):
        errors["email"] = message
    wrong = wrong_ids(**{name: values[name] for name in (*_CODE_KINDS, "staff_id")})
    errors.update(wrong)
    kinds = {name: kind for name, kind in _CODE_KINDS.items() if name not in wrong}
    errors.update(await code_reference_errors(values, kinds))
    if values["staff_id"] and "staff_id" not in wrong and not await Staff.exists(id=values["staff_id"]):
        errors["staff_id"] = "없는 사원입니다. 다시 선택하세요."
    values["company_name_chosung"] = chosung(values["company_name"])[:100]
    values["business_number_reversed"] = values["business_number"][::-1]
    return values, errors


@dataclass(frozen=True)
class DuplicateCustomer:
    customer_id: int
    code: str
    company_name: str
    reason: str  # "사업자번호" or "전화번호"


class DuplicateCustomerError(GogaekError):
    """Another customer has the same business number or phone. The user may open that customer
    or save anyway (`confirm_duplicates=True`)."""

    def __init__(self, duplicates: list[DuplicateCustomer]) -> None:
        self.duplicates = duplicates
        listed = ", ".join(f"{d.company_name}({d.code}, {d.reason} 같음)" for d in duplicates)
        super().__init__(f"이미 등록된 고객과 겹칩니다: {listed}")


async def find_duplicates(
    *, business_number: str, numbers: Iterable[str], exclude_id: int | None = None
) -> list[DuplicateCustomer]:
    found: dict[int, str] = {}
    digits = digits_only(business_number)
    if len(digits) == 10:
        query = Customer.filter(business_number=digits)
        if exclude_id:
            query = query.exclude(id=exclude_id)
        for customer_id in await query.limit(10).values_list("id", flat=True):
            found[customer_id] = "사업자번호"
    for customer_id in await phone_directory.customers_with_numbers(numbers, exclude_customer_id=exclude_id):
        found.setdefault(customer_id, "전화번호")
    if not found:
        return []
    rows = await Customer.filter(id__in=found).order_by("code").values("id", "code", "company_name")
    return [DuplicateCustomer(r["id"], r["code"], r["company_name"], found[r["id"]]) for r in rows]


async def _new_duplicates(values: dict[str, Any], customer_id: int | None) -> list[DuplicateCustomer]:
    """Duplicates caused by this save: an edit that keeps its numbers does not warn again."""
    business_number, numbers = values["business_number"], [values["phone"], values["mobile"]]
    if customer_id is not None:
        stored = await Customer.filter(id=customer_id).values("business_number", "phone", "mobile")
        if stored:
            before = stored[0]
            if business_number == before["business_number"]:
                business_number = ""
            kept = {phone_digits(before["phone"]), phone_digits(before["mobile"])}
            numbers = [n for n in numbers if phone_digits(n) not in kept]
    return await find_duplicates(business_number=business_number, numbers=numbers, exclude_id=customer_id)


async def _next_code(day: dt.date) -> str:
    """YYMMDD-NNN: the registration date and the next free number of that day."""
    prefix = day.strftime("%y%m%d") + "-"
    low, high = _prefix_bounds(prefix)
    codes = await Customer.filter(code__gte=low, code__lt=high).values_list("code", flat=True)
    used = [int(code[len(prefix) :]) for code in codes if code[len(prefix) :].isdigit()]
    return f"{prefix}{max(used, default=0) + 1:03d}"


async def save_customer(
    data: CustomerInput,
    *,
    by: Actor,
    customer_id: int | None = None,
    version: int | None = None,
    code: str | None = None,
    confirm_duplicates: bool = False,
    form_token: str | None = None,
) -> Customer:
    """Add (customer_id None) or edit a customer. A new customer gets the next `YYMMDD-NNN` code of
    its registration date unless `code` is given (import, demo data). Editing refuses the save
    when the record changed since `version` was read (StaleRecordError). Same business number or
    phone as another customer raises DuplicateCustomerError unless `confirm_duplicates`. A new
    customer is made once per `form_token`."""
    if customer_id is None and (made := await already_made(Customer, "customer", form_token)):
        return made
    values, errors = await validate_customer(data)
    if code is not None and customer_id is None:
        code = code.strip()
        if not CODE_PATTERN.match(code):
            errors["code"] = "고객코드는 공백 없이 12자 이내입니다."
        elif await Customer.exists(code=code):
            errors["code"] = f"고객코드 '{code}'{josa(code, '은')} 이미 있습니다."
    if errors:
        raise ValidationError(errors)
    if not confirm_duplicates:
        duplicates = await _new_duplicates(values, customer_id)
        if duplicates:
            raise DuplicateCustomerError(duplicates)
    with acting_as(by):
        if customer_id is None:
            return await create_once(Customer, "customer", form_token, lambda: _create_customer(values, code))
        return await _update_customer(customer_id, values, version)


async def _create_customer(values: dict[str, Any], code: str | None) -> Customer:
    for attempt in range(GENERATED_CODE_ATTEMPTS):
        try:
            async with in_transaction() as connection:
                if code is None:
                    await serialize_numbering(connection, "customer.code")
                customer = await Customer.create(
                    code=code or await _next_code(values["registered_on"]), **values
                )
                await phone_directory.sync_customer_phones(customer)
                return customer
        except IntegrityError as exc:
            # another staff member took the same code a moment ago: take the next one
            if code is not None:
                raise ValidationError(
                    {"code": f"고객코드 '{code}'{josa(code, '은')} 이미 있습니다."}
                ) from exc
            if attempt == GENERATED_CODE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


async def _update_customer(customer_id: int, values: dict[str, Any], version: int | None) -> Customer:
    async with in_transaction():
        customer = await Customer.fetch(customer_id, "고객")
        customer.edit(values, version)
        await customer.save()
        await phone_directory.sync_customer_phones(customer)
        return customer


async def get_customer(customer_id: int) -> Customer:
    return await Customer.fetch(customer_id, "고객")


# the customer window's tabs (pages/customer_tabs) → the table holding that tab's rows
WINDOW_TAB_TABLES = {
    "info": "customer_history",
    "cards": "business_card",
    "products": "customer_product",
    "maintenance": "maintenance_contract",
    "visits": "visit_report",
    "quotes": "quote",
}


@dataclass(frozen=True)
class CustomerWindow:
    """What opening the customer window needs at once: the record and the row count of every tab."""

    customer: Customer
    tab_counts: dict[str, int]


async def window_tab_counts(customer_id: int) -> dict[str, int]:
    """Rows per tab of the customer window, counted on the customer_id indexes in one query."""
    customer = int(customer_id)  # inlined below: an int cannot carry SQL
    columns = ", ".join(
        f"(SELECT COUNT(*) FROM {table} WHERE customer_id = {customer}) AS {key}"
        for key, table in WINDOW_TAB_TABLES.items()
    )
    rows = await get_connection("default").execute_query_dict(f"SELECT {columns}")
    return {key: int(rows[0][key]) for key in WINDOW_TAB_TABLES}


async def customer_window(customer_id: int) -> CustomerWindow:
    """Open the customer window: the customer (NotFound if gone) and its tab counts."""
    customer = await get_customer(customer_id)
    return CustomerWindow(customer=customer, tab_counts=await window_tab_counts(customer_id))


async def neighbour_customer_id(customer_id: int, *, forward: bool) -> int | None:
    """`<` `>`: the previous or next customer in code order (None at either end)."""
    codes = await Customer.filter(id=customer_id).values_list("code", flat=True)
    if not codes:
        raise NotFound("고객")
    query = (
        Customer.filter(code__gt=codes[0]).order_by("code")
        if forward
        else Customer.filter(code__lt=codes[0]).order_by("-code")
    )
    found = await query.limit(1).values_list("id", flat=True)
    return found[0] if found else None


async def delete_customer(customer_id: int, *, by: Actor, version: int | None = None) -> None:
    """Delete a customer nobody refers to. Its cards stay (unlinked) and keep their numbers in the
    phone directory; its history, numbers and links go with it."""
    customer = await get_customer(customer_id)
    if version is not None and customer.version != version:
        raise ValidationError({"": "다른 사용자가 이 고객을 수정했습니다. 다시 불러온 뒤 삭제하세요."})
    card_ids = await BusinessCard.filter(customer_id=customer_id).values_list("id", flat=True)
    try:
        with acting_as(by):
            await customer.delete()
    except IntegrityError as exc:
        raise InUseError(
            f"'{customer.company_name}' 고객은 접수·제품·견적 등에서 사용 중이라 삭제할 수 없습니다. "
            "관리중지일을 입력해 관리 대상에서 빼세요."
        ) from exc
    for card in await BusinessCard.filter(id__in=card_ids):
        await phone_directory.sync_card_phones(card)
    if customer.map_image:
        _map_path(customer.map_image).unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------------
# 업체정보이력


@dataclass(frozen=True)
class HistoryNote:
    id: int
    written_at: dt.datetime
    author: str
    note: str


async def add_history_note(customer_id: int, note: str, *, by: Actor) -> CustomerHistory:
    """A timestamped note by the signed-in staff member. Notes are never edited or deleted."""
    text = (note or "").strip()
    if not text:
        raise ValidationError({"note": "이력 내용을 입력하세요."})
    if len(text) > HISTORY_NOTE_MAX:
        raise ValidationError({"note": f"이력은 {HISTORY_NOTE_MAX:,}자 이내로 입력하세요."})
    refuse(wrong_texts(note=text), wrong_ids(customer_id=customer_id))
    if not await Customer.exists(id=customer_id):
        raise NotFound("고객")
    with acting_as(by):
        return await CustomerHistory.create(customer_id=customer_id, note=text)


async def list_history(customer_id: int, *, limit: int = 500) -> list[HistoryNote]:
    """Newest first."""
    notes = await CustomerHistory.filter(customer_id=customer_id).order_by("-created_at", "-id").limit(limit)
    author_ids = {n.created_by_id for n in notes if n.created_by_id}
    authors = dict(await Staff.filter(id__in=author_ids).values_list("id", "name")) if author_ids else {}
    return [HistoryNote(n.id, n.created_at, authors.get(n.created_by_id, "시스템"), n.note) for n in notes]


# ---------------------------------------------------------------------------------------------
# 약도 (map image)


def _map_dir() -> Path:
    return get_settings().customer_maps_dir


def _map_path(stored_name: str) -> Path:
    return _map_dir() / Path(stored_name).name


def check_map_image(filename: str, data: bytes) -> str:
    """The file extension to store, or a ValidationError: images only (by content), size-limited."""
    if not data:
        raise ValidationError({"map_image": f"'{filename}'{josa(filename, '은')} 빈 파일입니다."})
    if len(data) > MAP_IMAGE_LIMIT:
        raise ValidationError(
            {"map_image": f"약도 이미지는 {format_size(MAP_IMAGE_LIMIT)}까지 올릴 수 있습니다."}
        )
    kind = filetype.guess(data[:8192])
    if kind is None or kind.mime not in MAP_IMAGE_TYPES:
        raise ValidationError(
            {
                "map_image": f"'{filename}'{josa(filename, '은')} 이미지가 아닙니다. PNG, JPG, GIF, WEBP, BMP만 올릴 수 있습니다."
            }
        )
    return MAP_IMAGE_TYPES[kind.mime]


async def set_map_image(
    customer_id: int, *, filename: str, data: bytes, by: Actor, version: int | None = None
) -> Customer:
    """약도등록: store the image under the data folder and point the customer at it."""
    refuse(wrong_ids(customer=customer_id))
    extension = check_map_image(filename, data)
    stored_name = f"{uuid.uuid4().hex}.{extension}"
    path = _map_path(stored_name)
    await store_bytes(path, data)
    try:
        customer = await get_customer(customer_id)
        previous = customer.map_image
        customer.map_image = stored_name
        if version is not None:
            customer.version = version
        with acting_as(by):
            await customer.save()
    except Exception:
        path.unlink(missing_ok=True)
        raise
    if previous:
        _map_path(previous).unlink(missing_ok=True)
    return customer


async def remove_map_image(customer_id: int, *, by: Actor, version: int | None = None) -> Customer:
    customer = await get_customer(customer_id)
    previous = customer.map_image
    customer.map_image = ""
    if version is not None:
        customer.version = version
    with acting_as(by):
        await customer.save()
    if previous:
        _map_path(previous).unlink(missing_ok=True)
    return customer


async def map_image_file(customer_id: int) -> tuple[Path, str]:
    """(path, media type) of the customer's 약도, or NotFound."""
    stored = await Customer.filter(id=customer_id).values_list("map_image", flat=True)
    if not stored or not stored[0]:
        raise NotFound("약도")
    path = _map_path(stored[0])
    if not path.is_file():
        raise NotFound("약도")
    extension = path.suffix.lstrip(".")
    media_type = next((mime for mime, ext in MAP_IMAGE_TYPES.items() if ext == extension), "image/png")
    return path, media_type


# ---------------------------------------------------------------------------------------------
# 엑셀저장 and 인쇄

# The export's headers are also what the Excel import recognises, so an exported file imports back.
EXPORT_COLUMNS: list[tuple[str, Column]] = [
    ("code", Column("고객코드", 12)),
    ("registered_on", Column("등록일자", 11, "date")),
    ("status", Column("고객상태", 10)),
    ("company_name", Column("법인상호", 24)),
    ("representative", Column("대표자", 10)),
    ("business_number", Column("사업자번호", 14)),
    ("business_type", Column("업태", 12)),
    ("business_item", Column("종목", 12)),
    ("phone", Column("전화번호", 14)),
    ("fax", Column("팩스번호", 14)),
    ("mobile", Column("휴대폰", 14)),
    ("email", Column("이메일", 20)),
    ("homepage", Column("홈페이지", 20)),
    ("postal_code", Column("우편번호", 8)),
    ("address", Column("주소", 30)),
    ("address_detail", Column("상세주소", 20)),
    ("contact_name", Column("담당자", 10)),
    ("department", Column("담당부서", 10)),
    ("staff", Column("담당사원", 10)),
    ("contract_date", Column("계약일자", 11, "date")),
    ("planned_delivery_date", Column("납품예정일", 11, "date")),
    ("first_delivery_date", Column("최초납품일", 11, "date")),
    ("management_stop_date", Column("관리중지일", 11, "date")),
    ("class_a", Column("분류A", 10)),
    ("class_b", Column("분류B", 10)),
    ("class_c", Column("분류C", 10)),
    ("service_class", Column("서비스분류", 10)),
    ("memo", Column("메모", 30)),
]
BALANCE_COLUMN = Column("외상잔액", 14, "amount")


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
    return [derived[key] if key in derived else row[key] for key, _ in EXPORT_COLUMNS]


# the export's columns (EXPORT_COLUMNS) computed by SQLite, then the id and the sort key
_SQL_EXPORT = (
    f"""SELECT c.code, c.registered_on, COALESCE(st.name, ''), c.company_name, c.representative,
{_FORMATTED_BUSINESS_NUMBER},
c.business_type, c.business_item, c.phone, c.fax, c.mobile, c.email, c.homepage, c.postal_code, c.address,
c.address_detail, c.contact_name, COALESCE(dp.name, ''), COALESCE(sf.name, ''), c.contract_date,
c.planned_delivery_date, c.first_delivery_date, c.management_stop_date, COALESCE(ca.name, ''),
COALESCE(cb.name, ''), COALESCE(cc.name, ''), COALESCE(sc.name, ''), c.memo, c.id, {{sort}} AS sort_key
"""
    + _CUSTOMER_WITH_NAMES
)
_EXPORT_DATES = tuple(i for i, (_, column) in enumerate(EXPORT_COLUMNS) if column.kind == "date")


async def _sqlite_stream(
    reader: SqliteReader,
    filters: CustomerFilters,
    sort_by: str | None,
    descending: bool,
    progress: Progress | None,
) -> AsyncIterator[list[Any]]:
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
            if filters.show_balance:
                values.append(balances.get(row[-2], 0))
            yield values
        done += len(chunk)
        last = [chunk[-1][0]] if sort == "c.code" else [chunk[-1][-1], chunk[-1][0]]
        await report_progress(progress, done, total)


async def _stream(
    filters: CustomerFilters, sort_by: str | None, descending: bool, progress: Progress | None
) -> AsyncIterator[list[Any]]:
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
                values.append(balances.get(row["id"], 0))
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
    columns = [column for _, column in EXPORT_COLUMNS]
    if filters.show_balance:
        columns.append(BALANCE_COLUMN)
    return await export_rows(
        columns, _stream(filters, sort_by, descending, on_progress), sheet_title="고객목록"
    )


async def customer_list_pdf(
    filters: CustomerFilters, *, sort_by: str | None = None, descending: bool = False
) -> bytes:
    """인쇄: the list as PDF (at most PRINT_LIMIT rows; the note says so when there are more)."""
    page = await search_customers(
        filters, PageRequest(rows_per_page=PRINT_LIMIT, sort_by=sort_by, descending=descending)
    )
    headers = [
        "고객코드",
        "등록일자",
        "상태",
        "법인상호",
        "대표자",
        "사업자번호",
        "전화번호",
        "휴대폰",
        "담당자",
        "담당사원",
    ]
    keys = [
        "code",
        "registered_on",
        "status",
        "company_name",
        "representative",
        "business_number",
        "phone",
        "mobile",
        "contact_name",
        "staff",
    ]
    right: frozenset[int] = frozenset()
    if filters.show_balance:
        headers.append("외상잔액")
        keys.append("balance_text")
        right = frozenset({len(keys) - 1})
    note = (
        f"전체 {page.total:,}건 중 처음 {PRINT_LIMIT:,}건만 인쇄했습니다."
        if page.total > len(page.rows)
        else ""
    )
    return await render_list_pdf(
        title="고객 목록",
        headers=headers,
        rows=([row.get(k, "") for k in keys] for row in page.rows),
        conditions=describe_filters(filters),
        note=note,
        right_aligned=right,
    )


def describe_filters(filters: CustomerFilters) -> str:
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

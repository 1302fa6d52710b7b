"""고객: the customer record (auto code, validation, duplicate warning, optimistic locking), the
pickers' customer lookup, 업체정보이력 and the 약도 image. The 고객관리 list, its export and
printing are in services/customer_list."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import filetype
from tortoise.connection import get_connection
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from core.audit import Actor, acting_as
from core.db import serialize_numbering
from core.errors import GogaekError, InUseError, NotFound, ValidationError
from core.inputs import WRONG_DATE, refuse, search_text, wrong_ids, wrong_texts
from core.korean import (
    business_number_error,
    chosung,
    digits_only,
    format_size,
    josa,
    phone_digits,
)
from core.settings import get_settings
from models.card import BusinessCard
from models.codes import CodeKind
from models.customer import Customer, CustomerHistory
from models.staff import Staff
from services import phone_directory
from services.attachments import store_bytes
from services.field_checks import check_codes, check_contacts, check_texts, form_values
from services.submissions import already_made, create_once

CODE_PATTERN = re.compile(r"^\S{1,12}$")
GENERATED_CODE_ATTEMPTS = 8
MAP_IMAGE_LIMIT = 5 * 1024 * 1024
MAP_IMAGE_TYPES = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/bmp": "bmp",
}

# ---------------------------------------------------------------------------------------------
# 초성 search and the pickers' lookup


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


def prefix_bounds(prefix: str) -> tuple[str, str]:
    """[low, high): the texts that start with `prefix`, as an index range."""
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


@dataclass(frozen=True)
class CustomerChoice:
    """A customer offered by the customer picker (pages/components/customer_picker.py)."""

    id: int
    code: str
    company_name: str
    representative: str
    phone: str
    address: str

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
        .values("id", "code", "company_name", "representative", "phone", "address")
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


async def validate_customer(data: CustomerInput) -> tuple[dict[str, Any], dict[str, str]]:
    """(column values ready to store, field errors). Every rule of the customer window is here, so
    the window and the Excel import refuse exactly the same things."""
    errors: dict[str, str] = {}
    values = form_values(data)
    values["reminder_opt_out"] = bool(values["reminder_opt_out"])
    if not values["company_name"]:
        errors["company_name"] = "법인상호를 입력하세요."
    check_texts(values, errors, _TEXT_LIMITS, *_PHONE_FIELDS)
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
    check_contacts(values, errors, _PHONE_FIELDS)
    wrong = await check_codes(values, errors, _CODE_KINDS, "staff_id")
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
    low, high = prefix_bounds(prefix)
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


# the customer window's tabs (pages/customers/tabs) → the table holding that tab's rows
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

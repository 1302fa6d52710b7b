"""명함: business cards of the people at customers (or at companies that are not customers),
for the customer window's 명함관리 tab and the 명함관리 menu. Every save keeps the card's numbers
in the phone directory, so a call from a card's mobile finds its company."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from core.audit import Actor, acting_as
from core.errors import ValidationError
from core.inputs import WRONG_DATE, search_text
from core.korean import chosung, format_date
from models.card import BusinessCard, Employment
from models.codes import CodeEntry, CodeKind
from models.customer import Customer
from services import phone_directory
from services.customers import parse_date, text_or_initials
from services.excel import Progress, report_progress
from services.field_checks import check_codes, check_contacts, check_texts, form_values
from services.list_spec import EXCEL, ListColumn, ListSpec
from services.paging import Page, PageRequest
from services.submissions import already_made, create_once

EXPORT_CHUNK = 1000


@dataclass
class CardFilters:
    """명함관리 filters; `customer_id` narrows to one customer's cards (the customer window tab)."""

    customer_id: int | None = None
    use_dates: bool = False
    registered_from: dt.date | None = None
    registered_to: dt.date | None = None
    group_a_id: int | None = None
    group_b_id: int | None = None
    name: str = ""
    company: str = ""
    employment: Employment | None = None


SORTABLE = {
    "registered_on": "registered_on",
    "name": "name",
    "employment": "employment",
    "company_name": "company_name",
    "mobile": "mobile",
}

_CODE_REFS = ("position_id", "department_id", "duty_id", "group_a_id", "group_b_id")
_FIELDS = (
    "id",
    "registered_on",
    "name",
    "employment",
    "position_id",
    "department_id",
    "duty_id",
    "company_name",
    "company_address",
    "customer_id",
    "mobile",
    "direct_phone",
    "extension",
    "fax",
    "email",
    "homepage",
    "group_a_id",
    "group_b_id",
)


def _filtered(filters: CardFilters) -> QuerySet[BusinessCard]:
    query = BusinessCard.all()
    if filters.customer_id:
        query = query.filter(customer_id=filters.customer_id)
    if filters.use_dates:
        if filters.registered_from:
            query = query.filter(registered_on__gte=filters.registered_from)
        if filters.registered_to:
            query = query.filter(registered_on__lte=filters.registered_to)
    if filters.group_a_id:
        query = query.filter(group_a_id=filters.group_a_id)
    if filters.group_b_id:
        query = query.filter(group_b_id=filters.group_b_id)
    if name := search_text(filters.name):
        query = query.filter(text_or_initials("name", name))
    if company := search_text(filters.company):
        query = query.filter(text_or_initials("company_name", company))
    if filters.employment:
        query = query.filter(employment=filters.employment)
    return query


def _ordering(sort_by: str | None, descending: bool) -> list[str]:
    column = SORTABLE.get(sort_by or "", "registered_on")
    sign = "-" if descending else ""
    return [f"{sign}{column}", f"{sign}id"]


async def _code_names(rows: list[dict[str, Any]] | None = None) -> dict[int, str]:
    if rows is None:
        return dict(await CodeEntry.all().values_list("id", "name"))
    ids = {row[f] for row in rows for f in _CODE_REFS if row.get(f)}
    return dict(await CodeEntry.filter(id__in=ids).values_list("id", "name")) if ids else {}


async def _customer_codes(rows: list[dict[str, Any]]) -> dict[int, str]:
    ids = {row["customer_id"] for row in rows if row["customer_id"]}
    return dict(await Customer.filter(id__in=ids).values_list("id", "code")) if ids else {}


def _present(row: dict[str, Any], names: dict[int, str], customer_codes: dict[int, str]) -> dict[str, Any]:
    def name(field: str) -> str:
        return names.get(row[field], "") if row[field] else ""

    return {
        "id": row["id"],
        "registered_on": row["registered_on"],
        "name": row["name"],
        "employment": Employment(row["employment"]).value,
        "position": name("position_id"),
        "department": name("department_id"),
        "duty": name("duty_id"),
        "company_name": row["company_name"],
        "company_address": row["company_address"],
        "customer_id": row["customer_id"],
        "customer_code": customer_codes.get(row["customer_id"], "") if row["customer_id"] else "",
        "mobile": row["mobile"],
        "direct_phone": row["direct_phone"],
        "extension": row["extension"],
        "fax": row["fax"],
        "email": row["email"],
        "homepage": row["homepage"],
        "group_a": name("group_a_id"),
        "group_b": name("group_b_id"),
    }


async def search_cards(filters: CardFilters, request: PageRequest | None = None) -> Page:
    request = request or PageRequest()
    query = _filtered(filters)
    total = await query.count()
    raw = await (
        query.order_by(*_ordering(request.sort_by, request.descending))
        .offset(request.offset)
        .limit(request.rows_per_page)
        .values(*_FIELDS)
    )
    names = await _code_names(raw)
    codes = await _customer_codes(raw)
    return Page(rows=[_present(r, names, codes) for r in raw], total=total)


@dataclass
class CardInput:
    name: str = ""
    employment: Employment | str = Employment.EMPLOYED
    position_id: int | None = None
    department_id: int | None = None
    duty_id: int | None = None
    mobile: str = ""
    direct_phone: str = ""
    extension: str = ""
    fax: str = ""
    email: str = ""
    homepage: str = ""
    customer_id: int | None = None
    company_name: str = ""
    company_address: str = ""
    group_a_id: int | None = None
    group_b_id: int | None = None
    registered_on: dt.date | str | None = None
    notes: str = ""

    @classmethod
    def of(cls, card: BusinessCard) -> CardInput:
        return cls(**{name: getattr(card, name) for name in cls.__dataclass_fields__})


NOTES_MAX = 20_000
_LIMITS = {
    "name": 50,
    "extension": 20,
    "email": 120,
    "homepage": 200,
    "company_name": 100,
    "company_address": 200,
    "notes": NOTES_MAX,
}
_PHONES = ("mobile", "direct_phone", "fax")
_CODE_KINDS = {
    "position_id": CodeKind.POSITION,
    "department_id": CodeKind.DEPARTMENT,
    "duty_id": CodeKind.DUTY,
    "group_a_id": CodeKind.CARD_GROUP_A,
    "group_b_id": CodeKind.CARD_GROUP_B,
}


async def validate_card(data: CardInput) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    values = form_values(data, not_text=("employment",))
    if not values["name"]:
        errors["name"] = "이름을 입력하세요."
    check_texts(values, errors, _LIMITS, *_PHONES)
    try:
        values["employment"] = Employment(values["employment"] or Employment.EMPLOYED)
    except ValueError:
        errors["employment"] = "재직 또는 퇴사를 선택하세요."
    try:
        values["registered_on"] = parse_date(values["registered_on"]) or dt.date.today()
    except ValueError:
        errors["registered_on"] = WRONG_DATE
    check_contacts(values, errors, _PHONES)
    wrong = await check_codes(values, errors, _CODE_KINDS, "customer_id")
    if values["customer_id"] and "customer_id" not in wrong:
        customer = await Customer.get_or_none(id=values["customer_id"])
        if customer is None:
            errors["customer_id"] = "없는 고객입니다. 소속회사를 다시 선택하세요."
        else:
            values["company_name"] = values["company_name"] or customer.company_name
            if not values["company_address"]:
                values["company_address"] = " ".join(
                    p for p in (customer.address, customer.address_detail) if p
                )[:200]
    values["name_chosung"] = chosung(values["name"])[:50]  # 초성 searches ("ㅎㄱㄷ" finds 홍길동)
    values["company_name_chosung"] = chosung(values["company_name"])[:100]
    return values, errors


async def save_card(
    data: CardInput,
    *,
    by: Actor,
    card_id: int | None = None,
    version: int | None = None,
    form_token: str | None = None,
) -> BusinessCard:
    """Add (card_id None, once per `form_token`) or edit a card; its numbers join the phone
    directory under its customer."""
    if card_id is None and (made := await already_made(BusinessCard, "card", form_token)):
        return made
    values, errors = await validate_card(data)
    if errors:
        raise ValidationError(errors)

    async def create() -> BusinessCard:
        card = await BusinessCard.create(**values)
        await phone_directory.sync_card_phones(card)
        return card

    with acting_as(by):
        if card_id is None:
            return await create_once(BusinessCard, "card", form_token, create)
        async with in_transaction():
            card = await BusinessCard.fetch(card_id, "명함")
            card.edit(values, version)
            await card.save()
            await phone_directory.sync_card_phones(card)
    return card


async def get_card(card_id: int) -> BusinessCard:
    return await BusinessCard.fetch(card_id, "명함")


async def delete_card(card_id: int, *, by: Actor) -> None:
    """Its numbers leave the phone directory with it (the entries cascade)."""
    card = await get_card(card_id)
    with acting_as(by):
        await card.delete()


# ---------------------------------------------------------------------------------------------
# 엑셀 and 인쇄

# the card list on the 명함관리 screen, in 엑셀 and printed (rows of search_cards / iter_cards).
# The sheet's headers are the words the card import reads, so an exported file imports back.
CARD_LIST = ListSpec(
    "명함 목록",
    (
        ListColumn("registered_on", "등록일자", "date", width=11, sortable=True),
        ListColumn("name", "이름", width=10, sortable=True),
        ListColumn("position", "직책", width=8),
        ListColumn("employment", "근무", width=6, sortable=True),
        ListColumn("department", "소속부서", width=10),
        ListColumn("duty", "담당업무", width=10),
        ListColumn("company_name", "거래처명", width=22, sortable=True, excel_label="회사명"),
        ListColumn("customer_code", "고객코드", width=12, on=frozenset({EXCEL})),
        ListColumn("mobile", "휴대폰", width=14, sortable=True),
        ListColumn("direct_phone", "전화번호", width=14, excel_label="직통번호"),
        ListColumn("extension", "내선", width=6, on=frozenset({EXCEL})),
        ListColumn("fax", "팩스번호", width=14, on=frozenset({EXCEL})),
        ListColumn("email", "이메일", width=20),
        ListColumn("homepage", "홈페이지", width=20, on=frozenset({EXCEL})),
        ListColumn("company_address", "회사주소", width=30, on=frozenset({EXCEL})),
        ListColumn("group_a", "분류A", width=10, on=frozenset({EXCEL})),
        ListColumn("group_b", "분류B", width=10, on=frozenset({EXCEL})),
        ListColumn("notes", "비고", width=30, on=frozenset({EXCEL})),
    ),
    sheet_title="명함목록",
)


async def iter_cards(
    filters: CardFilters,
    *,
    sort_by: str | None = None,
    descending: bool = False,
    on_progress: Progress | None = None,
) -> AsyncIterator[dict[str, Any]]:
    """Every card matching the filters in the list's order (with its notes), read in chunks."""
    query = _filtered(filters)
    total = await query.count()
    names = await _code_names()
    ordering = _ordering(sort_by, descending)
    done = 0
    while done < total:
        chunk = await query.order_by(*ordering).offset(done).limit(EXPORT_CHUNK).values(*_FIELDS, "notes")
        if not chunk:
            break
        codes = await _customer_codes(chunk)
        for raw in chunk:
            yield _present(raw, names, codes) | {"notes": raw["notes"]}
        done += len(chunk)
        await report_progress(on_progress, done, total)


def describe_filters(filters: CardFilters) -> str:
    """The filters as the printed list names them."""
    conditions = []
    if filters.use_dates:
        conditions.append(
            f"등록기간 {format_date(filters.registered_from)}~{format_date(filters.registered_to)}"
        )
    if filters.name.strip():
        conditions.append(f"이름 '{filters.name.strip()}'")
    if filters.company.strip():
        conditions.append(f"회사명 '{filters.company.strip()}'")
    return ", ".join(conditions)

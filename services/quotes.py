"""견적서: amounts, numbering, editing, copying, the status list (견적현황) and the printed quote.

Every amount on a quote comes from `compute_totals`: the editor calls it for live totals and
saving calls it again, so numbers typed or tampered with in the browser are never stored."""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q, RawSQL, Subquery
from tortoise.functions import Count, Sum
from tortoise.models import Model
from tortoise.transactions import in_transaction

from core.audit import Actor, acting_as
from core.db import SqliteReader, serialize_numbering, sqlite_reader
from core.errors import NotFound, ValidationError
from core.inputs import refuse, search_text, wrong_dates, wrong_ids, wrong_texts
from core.inputs import whole_number as parse_whole_number
from core.korean import amount_in_words, format_phone, josa, phone_error
from html_forms.quote import PrintLine, QuoteDocument, render_quote_pdf
from models.codes import CodeEntry, CodeKind
from models.customer import Customer, TradingPartner
from models.item import Item
from models.quote import Quote, QuoteLine, QuoteState
from models.sales import SalesOrder, Shipment
from models.staff import Staff
from services import company, search_index
from services.customers import lookup_customers
from services.search_index import like_pattern
from services.submissions import already_made, create_once

MAX_QUANTITY = 10_000_000
MAX_UNIT_PRICE = 100_000_000_000
MAX_LINES = 500
NUMBER_ATTEMPTS = 8
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

M = TypeVar("M", bound=Model)


# ---------------------------------------------------------------------------------------------
# Amounts


@dataclass(frozen=True)
class LineInput:
    """One line as the user entered it. Amounts are never part of the input: they are computed."""

    name: str = ""
    item_id: int | None = None
    item_code: str = ""
    spec: str = ""
    unit: str = ""
    quantity: int = 0
    unit_price: int = 0
    taxable: bool = True
    id: int | None = None  # the stored line being edited, if any

    @property
    def is_blank(self) -> bool:
        return not (
            self.name.strip() or self.item_id or self.item_code.strip() or self.quantity or self.unit_price
        )

    @property
    def is_text(self) -> bool:
        """A text-only line such as "- 무상유지보수기간 3개월": no item, nothing to charge."""
        return not self.item_id and not self.item_code.strip() and not self.quantity and not self.unit_price


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def line_from_row(row: LineInput | Mapping[str, Any]) -> LineInput:
    """A line from the editor's row. Keys the browser may also hold (supply_amount, vat_amount,
    total_amount) are ignored on purpose. Unparsable numbers become 0 here; `validate_lines`
    reports them."""
    if isinstance(row, LineInput):
        return row
    item_id = row.get("item_id")
    line_id = row.get("id")
    return LineInput(
        name=_text(row.get("name")),
        item_id=int(item_id) if isinstance(item_id, int | str) and str(item_id).isdigit() else None,
        item_code=_text(row.get("item_code")),
        spec=_text(row.get("spec")),
        unit=_text(row.get("unit")),
        quantity=parse_whole_number(row.get("quantity")) or 0,
        unit_price=parse_whole_number(row.get("unit_price")) or 0,
        taxable=bool(row.get("taxable", True)),
        id=int(line_id) if isinstance(line_id, int | str) and str(line_id).isdigit() else None,
    )


@dataclass(frozen=True)
class LineAmounts:
    supply_amount: int
    vat_amount: int
    total_amount: int


@dataclass(frozen=True)
class Totals:
    lines: tuple[LineAmounts, ...]
    supply_total: int
    vat_total: int
    total_amount: int


def vat_of(supply: int) -> int:
    """10 % of the supply amount, cut to the won (절사). A negative (discount) line gets the
    mirror image of the positive one, so a discount never changes VAT by more than it should."""
    vat = abs(supply) // 10
    return vat if supply >= 0 else -vat


def compute_totals(lines: Iterable[LineInput | Mapping[str, Any]]) -> Totals:
    """THE amount rule: supply = quantity × unit price; VAT = 10 % of supply cut to the won for
    taxable lines, 0 otherwise; line total = supply + VAT; document totals are the sums."""
    amounts = []
    for raw in lines:
        line = line_from_row(raw)
        supply = line.quantity * line.unit_price
        vat = vat_of(supply) if line.taxable else 0
        amounts.append(LineAmounts(supply, vat, supply + vat))
    supply_total = sum(a.supply_amount for a in amounts)
    vat_total = sum(a.vat_amount for a in amounts)
    return Totals(tuple(amounts), supply_total, vat_total, supply_total + vat_total)


def total_in_words(amount: int) -> str:
    """The amount line of a printed quote: 11,000,000 → "금 일천일백만원정" (`amount_in_words`)."""
    return amount_in_words(amount)


def validate_lines(rows: Sequence[LineInput | Mapping[str, Any]]) -> tuple[list[LineInput], dict[str, str]]:
    """Drop blank rows and check the rest. Error keys are `lines.<index>.<field>` (index of the
    row as given) so the editor can show each message next to its cell."""
    kept: list[LineInput] = []
    errors: dict[str, str] = {}
    for index, row in enumerate(rows):
        line = line_from_row(row)
        raw_quantity = row.get("quantity") if isinstance(row, Mapping) else line.quantity
        raw_price = row.get("unit_price") if isinstance(row, Mapping) else line.unit_price
        quantity, price = parse_whole_number(raw_quantity), parse_whole_number(raw_price)
        if line.is_blank and quantity == 0 and price == 0:
            continue
        where = f"{index + 1}번째 줄"
        if not line.name:
            errors[f"lines.{index}.name"] = f"{where}: 품명을 입력하세요."
        elif len(line.name) > 200:
            errors[f"lines.{index}.name"] = f"{where}: 품명은 200자 이내입니다."
        if quantity is None or not 0 <= quantity <= MAX_QUANTITY:
            errors[f"lines.{index}.quantity"] = f"{where}: 수량은 0 이상 1,000만 이하의 정수입니다."
        if price is None or abs(price) > MAX_UNIT_PRICE:
            errors[f"lines.{index}.unit_price"] = f"{where}: 단가는 원 단위 숫자입니다 (1,000억 원 이하)."
        if len(line.item_code) > 30:
            errors[f"lines.{index}.item_code"] = f"{where}: 품번은 30자 이내입니다."
        if len(line.spec) > 100:
            errors[f"lines.{index}.spec"] = f"{where}: 규격은 100자 이내입니다."
        if len(line.unit) > 20:
            errors[f"lines.{index}.unit"] = f"{where}: 단위는 20자 이내입니다."
        for name in wrong_texts(name=line.name, item_code=line.item_code, spec=line.spec, unit=line.unit):
            errors[f"lines.{index}.{name}"] = f"{where}: 입력할 수 없는 제어 문자가 들어 있습니다."
        kept.append(line)
    if len(kept) > MAX_LINES:
        errors["lines"] = f"한 견적서에는 {MAX_LINES:,}줄까지 넣을 수 있습니다."
    return kept, errors


def line_fields(line: LineInput, amounts: LineAmounts, seq: int) -> dict[str, Any]:
    """The stored columns of a document line (quote, order and shipment lines share them)."""
    return {
        "seq": seq,
        "item_code": line.item_code,
        "name": line.name,
        "spec": line.spec,
        "unit": line.unit,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "supply_amount": amounts.supply_amount,
        "vat_amount": amounts.vat_amount,
        "total_amount": amounts.total_amount,
        "taxable": line.taxable,
    }


# ---------------------------------------------------------------------------------------------
# Numbers


async def next_daily_number(model: type[Model], column: str, day: dt.date) -> str:
    """The next `YYMMDD-NNN` number of a day in `model.column` (수주번호, 출고번호)."""
    prefix = day.strftime("%y%m%d") + "-"
    taken = await model.filter(**{f"{column}__startswith": prefix}).values_list(column, flat=True)
    sequences = [int(number[len(prefix) :]) for number in taken if number[len(prefix) :].isdigit()]
    return f"{prefix}{max(sequences, default=0) + 1:03d}"


# 견적번호 `YYMMDDNN-S` as the manual shows it (19032800-2): the quote date, the revision (차수,
# 00 for a quote written from scratch or copied) and the day's sequence from 1, unpadded. The
# manual's editor shows the same quote as 190328-002 (the second quote of 2019-03-28), so the
# sequence continues after numbers of that older form too.
QUOTE_REVISION = "00"
_QUOTE_NUMBER = re.compile(r"^(\d{6})(\d{2})?-(\d+)$")


def quote_number_sequence(number: str, day: dt.date) -> int | None:
    """The daily sequence (S) of a 견적번호 of `day`, or None when the number is of another day."""
    match = _QUOTE_NUMBER.match(number)
    return int(match[3]) if match and match[1] == f"{day:%y%m%d}" else None


async def next_quote_number(model: type[Model], column: str, day: dt.date) -> str:
    """The next 견적번호 of a day: `YYMMDD` + `00` + `-` + the day's next sequence (19032800-2)."""
    prefix = f"{day:%y%m%d}"
    taken = await model.filter(**{f"{column}__startswith": prefix}).values_list(column, flat=True)
    sequences = [s for number in taken if (s := quote_number_sequence(number, day)) is not None]
    return f"{prefix}{QUOTE_REVISION}-{max(sequences, default=0) + 1}"


async def create_numbered(
    model: type[Model],
    column: str,
    day: dt.date,
    create: Callable[[str], Awaitable[M]],
    numbering: Callable[[type[Model], str, dt.date], Awaitable[str]] | None = None,
) -> M:
    """Run `create(number)` in a transaction with the day's next number (`numbering`, by default
    `YYMMDD-NNN`); when another user took that number at the same moment (unique constraint), try
    again with the following one."""
    number = ""
    for _ in range(NUMBER_ATTEMPTS):
        try:
            async with in_transaction() as connection:
                await serialize_numbering(connection, f"{model._meta.db_table}.{column}")
                number = await (numbering or next_daily_number)(model, column, day)
                return await create(number)
        except IntegrityError:
            if not await model.filter(**{column: number}).exists():
                raise
    raise ValidationError({"": "번호를 정하지 못했습니다. 잠시 후 다시 저장하세요."})


# ---------------------------------------------------------------------------------------------
# Editing


@dataclass(frozen=True)
class QuoteForm:
    """The header of the quote editor."""

    quote_date: dt.date | None
    valid_until: dt.date | None = None
    title: str = ""
    state: QuoteState = QuoteState.IN_PROGRESS
    customer_id: int | None = None
    partner_id: int | None = None
    staff_id: int | None = None
    department_id: int | None = None
    contact_name: str = ""
    phone: str = ""
    fax: str = ""
    email: str = ""
    delivery_site: str = ""
    customer_class_id: int | None = None
    payment_terms: str = ""
    delivery_terms: str = ""
    remarks: str = ""


REMARKS_MAX = 20_000
_LENGTHS = {
    "title": (200, "견적제목"),
    "contact_name": (50, "담당자"),
    "email": (120, "이메일"),
    "delivery_site": (200, "납품현장"),
    "payment_terms": (200, "결제조건"),
    "delivery_terms": (200, "납품조건"),
    "remarks": (REMARKS_MAX, "비고"),
}


async def _validate_form(form: QuoteForm) -> dict[str, str]:
    refuse(
        wrong_dates(quote_date=form.quote_date, valid_until=form.valid_until),
        wrong_ids(
            customer=form.customer_id,
            partner=form.partner_id,
            staff=form.staff_id,
            department=form.department_id,
            customer_class=form.customer_class_id,
        ),
        wrong_texts(**{name: getattr(form, name) for name in (*_LENGTHS, "phone", "fax")}),
    )
    errors: dict[str, str] = {}
    if form.quote_date is None:
        errors["quote_date"] = "견적일자를 입력하세요."
    if form.valid_until and form.quote_date and form.valid_until < form.quote_date:
        errors["valid_until"] = "유효일자는 견적일자와 같거나 뒤여야 합니다."
    if not form.customer_id and not form.partner_id:
        errors["customer"] = "고객 또는 거래처를 선택하세요."
    if form.customer_id and not await Customer.filter(id=form.customer_id).exists():
        errors["customer"] = "선택한 고객이 없습니다. 다시 선택하세요."
    if form.partner_id and not await TradingPartner.filter(id=form.partner_id).exists():
        errors["partner"] = "선택한 거래처가 없습니다. 다시 선택하세요."
    for name, (limit, label) in _LENGTHS.items():
        if len(getattr(form, name).strip()) > limit:
            errors[name] = f"{label}{josa(label, '은')} {limit:,}자 이내입니다."
    for name in ("phone", "fax"):
        if problem := phone_error(getattr(form, name)):
            errors[name] = problem
    if form.email.strip() and not _EMAIL.match(form.email.strip()):
        errors["email"] = "이메일 주소가 올바르지 않습니다 (예: name@example.com)."
    if not isinstance(form.state, QuoteState):
        errors["state"] = "견적상태를 선택하세요."
    if form.staff_id and not await Staff.filter(id=form.staff_id).exists():
        errors["staff"] = "선택한 담당자가 없습니다. 다시 선택하세요."
    for name, kind in (("department", CodeKind.DEPARTMENT), ("customer_class", CodeKind.CUSTOMER_CLASS_A)):
        code_id = getattr(form, f"{name}_id")
        if code_id and not await CodeEntry.filter(id=code_id, kind=kind).exists():
            errors[name] = "기초정보에 없는 항목입니다. 다시 선택하세요."
    return errors


def _apply_form(quote: Quote, form: QuoteForm, totals: Totals) -> None:
    quote.quote_date = form.quote_date
    quote.valid_until = form.valid_until
    quote.title = form.title.strip()
    quote.state = form.state
    quote.customer_id = form.customer_id
    quote.partner_id = form.partner_id
    quote.staff_id = form.staff_id
    quote.department_id = form.department_id
    quote.contact_name = form.contact_name.strip()
    quote.phone = format_phone(form.phone) if form.phone.strip() else ""
    quote.fax = format_phone(form.fax) if form.fax.strip() else ""
    quote.email = form.email.strip()
    quote.delivery_site = form.delivery_site.strip()
    quote.customer_class_id = form.customer_class_id
    quote.payment_terms = form.payment_terms.strip()
    quote.delivery_terms = form.delivery_terms.strip()
    quote.remarks = form.remarks.strip()
    quote.supply_total = totals.supply_total
    quote.vat_total = totals.vat_total
    quote.total_amount = totals.total_amount


async def _resolve_items(lines: list[LineInput]) -> list[LineInput]:
    """Forget item links to items that no longer exist (the line keeps its own copy)."""
    ids = {line.item_id for line in lines if line.item_id}
    existing = set(await Item.filter(id__in=ids).values_list("id", flat=True)) if ids else set()
    return [
        line if not line.item_id or line.item_id in existing else replace(line, item_id=None)
        for line in lines
    ]


async def _write_lines(quote: Quote, lines: list[LineInput], totals: Totals) -> None:
    """Make the stored lines equal to `lines`: changed ones updated, new ones created, removed
    ones deleted (so the audit log records what really changed)."""
    stored = {line.id: line for line in await QuoteLine.filter(quote_id=quote.id)}
    kept: set[int] = set()
    for seq, (line, amounts) in enumerate(zip(lines, totals.lines, strict=True), start=1):
        values = line_fields(line, amounts, seq) | {"item_id": line.item_id}
        current = stored.get(line.id) if line.id else None
        if current is None or current.id in kept:
            await QuoteLine.create(quote=quote, **values)
            continue
        kept.add(current.id)
        if any(getattr(current, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(current, key, value)
            await current.save()
    for line_id, line in stored.items():
        if line_id not in kept:
            await line.delete()


async def _processed_numbers(quote_id: int) -> tuple[str | None, str | None]:
    order = await SalesOrder.filter(quote_id=quote_id).values_list("number", flat=True)
    shipment = await Shipment.filter(quote_id=quote_id).values_list("number", flat=True)
    return (order[0] if order else None), (shipment[0] if shipment else None)


async def _checked(
    form: QuoteForm, rows: Sequence[LineInput | Mapping[str, Any]]
) -> tuple[list[LineInput], Totals]:
    errors = await _validate_form(form)
    lines, line_errors = validate_lines(rows)
    errors |= line_errors
    if errors:
        raise ValidationError(errors)
    lines = await _resolve_items(lines)
    return lines, compute_totals(lines)


async def create_quote(
    *,
    by: Actor,
    form: QuoteForm,
    lines: Sequence[LineInput | Mapping[str, Any]] = (),
    form_token: str | None = None,
) -> Quote:
    """A new quote with the quote date's next number, once per `form_token`."""
    if made := await already_made(Quote, "quote", form_token):
        return made
    checked, totals = await _checked(form, lines)
    assert form.quote_date is not None

    async def create(number: str) -> Quote:
        quote = Quote(number=number)
        _apply_form(quote, form, totals)
        await quote.save()
        await _write_lines(quote, checked, totals)
        return quote

    with acting_as(by):
        return await create_once(
            Quote,
            "quote",
            form_token,
            lambda: create_numbered(Quote, "number", form.quote_date, create, next_quote_number),
        )


async def update_quote(
    quote_id: int,
    *,
    by: Actor,
    version: int,
    form: QuoteForm,
    lines: Sequence[LineInput | Mapping[str, Any]],
) -> Quote:
    """Save the editor: header and lines together, or nothing (optimistic locking on `version`)."""
    refuse(wrong_ids(quote=quote_id))
    quote = await Quote.fetch(quote_id, "견적서")
    order_number, shipment_number = await _processed_numbers(quote_id)
    if order_number or shipment_number:
        raise ValidationError(
            {"": "주문/출고 처리된 견적서는 수정할 수 없습니다. 복사해서 새 견적서를 만드세요."}
        )
    checked, totals = await _checked(form, lines)
    with acting_as(by):
        async with in_transaction():
            _apply_form(quote, form, totals)
            quote.version = version
            await quote.save()
            await _write_lines(quote, checked, totals)
    return quote


async def copy_quote(quote_id: int, *, by: Actor, quote_date: dt.date | None = None) -> Quote:
    """A new 견적진행 quote with the same header and lines, a new number and today's date; the
    validity keeps its length (30 days stay 30 days)."""
    source = await Quote.fetch(quote_id, "견적서")
    day = quote_date or dt.date.today()
    valid_until = day + (source.valid_until - source.quote_date) if source.valid_until else None
    form = QuoteForm(
        quote_date=day,
        valid_until=valid_until,
        title=source.title,
        state=QuoteState.IN_PROGRESS,
        customer_id=source.customer_id,
        partner_id=source.partner_id,
        staff_id=source.staff_id,
        department_id=source.department_id,
        contact_name=source.contact_name,
        phone=source.phone,
        fax=source.fax,
        email=source.email,
        delivery_site=source.delivery_site,
        customer_class_id=source.customer_class_id,
        payment_terms=source.payment_terms,
        delivery_terms=source.delivery_terms,
        remarks=source.remarks,
    )
    lines = [
        LineInput(
            name=line.name,
            item_id=line.item_id,
            item_code=line.item_code,
            spec=line.spec,
            unit=line.unit,
            quantity=line.quantity,
            unit_price=line.unit_price,
            taxable=line.taxable,
        )
        for line in await QuoteLine.filter(quote_id=quote_id).order_by("seq", "id")
    ]
    totals = compute_totals(lines)

    async def create(number: str) -> Quote:
        quote = Quote(number=number)
        _apply_form(quote, form, totals)
        await quote.save()
        await _write_lines(quote, lines, totals)
        return quote

    with acting_as(by):
        return await create_numbered(Quote, "number", day, create, next_quote_number)


async def delete_quote(quote_id: int, *, by: Actor) -> None:
    quote = await Quote.fetch(quote_id, "견적서")
    order_number, shipment_number = await _processed_numbers(quote_id)
    if order_number or shipment_number:
        raise ValidationError({"": "주문/출고 처리된 견적서는 삭제할 수 없습니다."})
    with acting_as(by):
        async with in_transaction():
            for line in await QuoteLine.filter(quote_id=quote_id):
                await line.delete()
            await quote.delete()


def is_expired(state: QuoteState, valid_until: dt.date | None, today: dt.date | None = None) -> bool:
    """유효기간초과: still 견적진행 after the validity date. Valid through the whole validity day."""
    today = today or dt.date.today()
    return state == QuoteState.IN_PROGRESS and valid_until is not None and valid_until < today


@dataclass
class QuoteDetail:
    quote: Quote
    lines: list[QuoteLine]
    customer_name: str
    customer_code: str
    partner_name: str
    partner_code: str
    staff_name: str
    order_number: str | None
    shipment_number: str | None
    expired: bool

    @property
    def processed(self) -> bool:
        return bool(self.order_number or self.shipment_number)

    @property
    def recipient(self) -> str:
        return self.customer_name or self.partner_name


async def get_quote(quote_id: int, *, today: dt.date | None = None) -> QuoteDetail:
    quote = await Quote.get_or_none(id=quote_id).select_related("customer", "partner", "staff")
    if quote is None:
        raise NotFound("견적서")
    lines = await QuoteLine.filter(quote_id=quote_id).order_by("seq", "id")
    order_number, shipment_number = await _processed_numbers(quote_id)
    return QuoteDetail(
        quote=quote,
        lines=lines,
        customer_name=quote.customer.company_name if quote.customer else "",
        customer_code=quote.customer.code if quote.customer else "",
        partner_name=quote.partner.name if quote.partner else "",
        partner_code=quote.partner.code if quote.partner else "",
        staff_name=quote.staff.name if quote.staff else "",
        order_number=order_number,
        shipment_number=shipment_number,
        expired=is_expired(quote.state, quote.valid_until, today),
    )


# ---------------------------------------------------------------------------------------------
# Choosing a customer or partner


@dataclass(frozen=True)
class PartyChoice:
    id: int
    code: str
    name: str
    representative: str
    phone: str
    partner_name: str = ""


async def find_customers(text: str, *, limit: int = 30) -> list[PartyChoice]:
    """Customers for the quote editor's picker (services.customers.lookup_customers), each with
    its trading partner's name."""
    order = [c.id for c in await lookup_customers(text, limit=limit)]
    rows = {
        r["id"]: r
        for r in await Customer.filter(id__in=order).values(
            "id", "code", "company_name", "representative", "phone", "partner__name"
        )
    }
    return [
        PartyChoice(
            r["id"], r["code"], r["company_name"], r["representative"], r["phone"], r["partner__name"] or ""
        )
        for r in (rows[i] for i in order if i in rows)
    ]


async def find_partners(text: str, *, limit: int = 30) -> list[PartyChoice]:
    text = search_text(text)
    query = TradingPartner.all()
    if text:
        query = query.filter(Q(name__icontains=text) | Q(code__startswith=text))
    rows = (
        await query.order_by("name", "id")
        .limit(limit)
        .values("id", "code", "name", "representative", "phone")
    )
    return [PartyChoice(r["id"], r["code"], r["name"], r["representative"], r["phone"]) for r in rows]


@dataclass(frozen=True)
class CustomerDefaults:
    """What a new quote for a customer starts with."""

    customer_id: int
    customer_name: str
    customer_code: str
    partner_id: int | None
    partner_name: str
    contact_name: str
    phone: str
    fax: str
    email: str
    staff_id: int | None
    department_id: int | None
    customer_class_id: int | None
    delivery_site: str


async def customer_defaults(customer_id: int) -> CustomerDefaults:
    customer = await Customer.get_or_none(id=customer_id).select_related("partner")
    if customer is None:
        raise NotFound("고객")
    address = " ".join(part for part in (customer.address, customer.address_detail) if part)
    return CustomerDefaults(
        customer_id=customer.id,
        customer_name=customer.company_name,
        customer_code=customer.code,
        partner_id=customer.partner_id,
        partner_name=customer.partner.name if customer.partner else "",
        contact_name=customer.contact_name,
        phone=customer.phone,
        fax=customer.fax,
        email=customer.email,
        staff_id=customer.staff_id,
        department_id=customer.department_id,
        customer_class_id=customer.class_a_id,
        delivery_site=address,
    )


async def staff_department(staff_id: int | None) -> int | None:
    if not staff_id:
        return None
    rows = await Staff.filter(id=staff_id).values_list("department_id", flat=True)
    return rows[0] if rows else None


# ---------------------------------------------------------------------------------------------
# 견적현황 / 견적서관리: filters, tabs with counts, one page of rows


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


async def quote_lines(quote_id: int) -> list[QuoteLine]:
    return await QuoteLine.filter(quote_id=quote_id).order_by("seq", "id")


# ---------------------------------------------------------------------------------------------
# The printed quote (갑지 + 을지)


def is_text_line(item_code: str, quantity: object, unit_price: object) -> bool:
    """A text line ("- 무상유지보수기간 3개월": no item code, no quantity, no price) or an empty one,
    not an item: printed without amounts, and not counted in "외 N건"."""
    return not item_code and not quantity and not unit_price


async def quote_document(quote_id: int) -> QuoteDocument:
    detail = await get_quote(quote_id)
    quote = detail.quote
    block = await company.print_block()
    lines = [
        PrintLine(
            seq=index,
            item_code=line.item_code,
            name=line.name,
            spec=line.spec,
            unit=line.unit,
            quantity=line.quantity,
            unit_price=line.unit_price,
            supply_amount=line.supply_amount,
            vat_amount=line.vat_amount,
            total_amount=line.total_amount,
            text_only=is_text_line(line.item_code, line.quantity, line.unit_price),
        )
        for index, line in enumerate(detail.lines, start=1)
    ]
    return QuoteDocument(
        number=quote.number,
        quote_date=quote.quote_date,
        valid_until=quote.valid_until,
        title=quote.title,
        recipient=detail.recipient,
        contact_name=quote.contact_name,
        phone=quote.phone,
        fax=quote.fax,
        email=quote.email,
        delivery_site=quote.delivery_site,
        payment_terms=quote.payment_terms,
        delivery_terms=quote.delivery_terms,
        remarks=quote.remarks,
        staff_name=detail.staff_name,
        lines=lines,
        supply_total=quote.supply_total,
        vat_total=quote.vat_total,
        total_amount=quote.total_amount,
        amount_words=total_in_words(quote.total_amount),
        company=block,
    )


async def quote_pdf(quote_id: int) -> tuple[str, bytes]:
    """(file name, PDF bytes) of the printed quote; rendering runs off the event loop."""
    document = await quote_document(quote_id)
    return f"견적서_{document.number}.pdf", await render_quote_pdf(document)

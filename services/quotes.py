"""견적서: 견적번호, editing, copying, the pickers of the quote editor and the printed quote.

Lines and amounts are services.document_lines (shared with sales), the status list (견적현황)
is services.quote_list."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.transactions import in_transaction

from core.audit import Actor, acting_as
from core.errors import NotFound, ValidationError
from core.inputs import refuse, search_text, wrong_dates, wrong_ids, wrong_texts
from core.korean import format_phone, josa, phone_error
from html_forms.quote import PrintLine, QuoteDocument, render_quote_pdf
from models.codes import CodeEntry, CodeKind
from models.customer import Customer, TradingPartner
from models.item import Item
from models.quote import Quote, QuoteLine, QuoteState
from models.sales import SalesOrder, Shipment
from models.staff import Staff
from services import company
from services.document_lines import (
    LineInput,
    Totals,
    compute_totals,
    is_text_line,
    line_fields,
    total_in_words,
    validate_lines,
)
from services.document_numbers import create_numbered
from services.submissions import already_made, create_once

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


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
# Choosing a trading partner


@dataclass(frozen=True)
class PartyChoice:
    id: int
    code: str
    name: str
    representative: str
    phone: str


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
# The printed quote (갑지 + 을지)


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

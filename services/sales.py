"""영업: sales orders (수주), shipments (출고) and receipts (수금) per trading partner, and the
거래내역 ledger with its running credit balance.

주문처리 / 출고처리 turn a quote into an order / a shipment: the document gets the quote's lines
exactly as stored, links back to the quote, and the quote becomes 신청완료 — all in one
transaction, and at most once per quote (the database enforces it too)."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.models import Model
from tortoise.transactions import in_transaction

from core.audit import Actor, acting_as
from core.errors import GogaekError, NotFound, ValidationError
from core.inputs import refuse, whole_number, wrong_dates, wrong_ids, wrong_texts
from core.korean import josa
from models.codes import CodeEntry, CodeKind
from models.customer import Customer, TradingPartner
from models.quote import DocumentLine, Quote, QuoteLine, QuoteState
from models.sales import Receipt, SalesOrder, SalesOrderLine, Shipment, ShipmentLine
from services.balances import partner_balance
from services.document_lines import LineInput, compute_totals, is_text_line, line_fields, validate_lines
from services.document_numbers import create_numbered
from services.submissions import already_made, create_once

M = TypeVar("M", bound=Model)

MAX_RECEIPT = 100_000_000_000_000
RECEIPT_MEMO_MAX = 255
ORDER_MEMO_MAX = 2000
LEDGER_LIMIT = 3000
_LINE_COLUMNS = (
    "seq",
    "item_code",
    "name",
    "spec",
    "unit",
    "quantity",
    "unit_price",
    "supply_amount",
    "vat_amount",
    "total_amount",
    "taxable",
)


class LedgerKind(enum.StrEnum):
    ORDER = "order"
    SHIPMENT = "shipment"
    RECEIPT = "receipt"


class PartnerRequired(GogaekError):
    """Sales documents belong to a trading partner; this customer has none linked yet."""

    def __init__(self, customer_id: int | None, customer_name: str) -> None:
        self.customer_id = customer_id
        self.customer_name = customer_name
        super().__init__(
            f"'{customer_name}' 고객에 연결된 거래처가 없습니다. 고객정보의 거래처관리정보 탭에서 "
            "거래처를 만들거나 연결한 뒤 다시 처리하세요."
        )


class AlreadyProcessed(GogaekError):
    """주문처리 / 출고처리 was already done for this quote (or order)."""


async def _copy_lines(source: Sequence[DocumentLine], model: type, **owner: Any) -> None:
    for line in source:
        await model.create(**owner, **{column: getattr(line, column) for column in _LINE_COLUMNS})


async def _quote_for_processing(quote_id: int, *, cancelled_ok: bool) -> tuple[Quote, int, list[QuoteLine]]:
    """The quote a 수주 or an 출고 is made from, the partner it goes to, and its lines."""
    quote = await Quote.get_or_none(id=quote_id).select_related("customer")
    if quote is None:
        raise NotFound("견적서")
    if quote.state == QuoteState.CANCELLED and not cancelled_ok:
        raise ValidationError(
            {"": f"견적서 {quote.number}{josa(quote.number, '은')} 취소된 견적서라 처리할 수 없습니다."}
        )
    partner_id = quote.partner_id or (quote.customer.partner_id if quote.customer else None)
    if not partner_id:
        raise PartnerRequired(quote.customer_id, quote.customer.company_name if quote.customer else "")
    return quote, partner_id, await QuoteLine.filter(quote_id=quote_id).order_by("seq", "id")


async def _accept(quote_id: int, partner_id: int) -> None:
    """신청완료, and remember the partner the document went to."""
    quote = await Quote.get(id=quote_id)
    quote.state = QuoteState.ACCEPTED
    if not quote.partner_id:
        quote.partner_id = partner_id
    await quote.save()


async def _numbered_once(
    model: type[M], day: dt.date, create: Callable[[str], Awaitable[M]], *, by: Actor, already: str
) -> M:
    """The document `create` makes with the day's next number; when a colleague made the same
    one at the same moment (the unique quote or order link refuses the second), `already`."""
    with acting_as(by):
        try:
            return await create_numbered(model, "number", day, create)
        except IntegrityError as exc:
            raise AlreadyProcessed(already) from exc


def _copied_from(quote: Quote, partner_id: int) -> dict[str, Any]:
    """What a 수주 or an 출고 made from a quote takes from it."""
    return {
        "partner_id": partner_id,
        "customer_id": quote.customer_id,
        "quote_id": quote.id,
        "supply_total": quote.supply_total,
        "vat_total": quote.vat_total,
        "total_amount": quote.total_amount,
        "memo": f"견적서 {quote.number}",
    }


async def process_to_order(
    quote_id: int, *, by: Actor, order_date: dt.date | None = None, cancelled_ok: bool = False
) -> SalesOrder:
    """주문처리: a sales order (수주) from the quote's lines. A 견적취소 quote is refused unless
    `cancelled_ok` (the user was told it was cancelled and chose to go on)."""
    quote, partner_id, lines = await _quote_for_processing(quote_id, cancelled_ok=cancelled_ok)
    day = order_date or dt.date.today()

    async def create(number: str) -> SalesOrder:
        if existing := await SalesOrder.get_or_none(quote_id=quote_id):
            raise AlreadyProcessed(
                f"견적서 {quote.number}{josa(quote.number, '은')} 이미 주문처리되었습니다 (수주번호 {existing.number})."
            )
        order = await SalesOrder.create(number=number, order_date=day, **_copied_from(quote, partner_id))
        await _copy_lines(lines, SalesOrderLine, order=order)
        for shipment in await Shipment.filter(quote_id=quote_id, order_id=None):
            shipment.order_id = order.id
            await shipment.save()
        await _accept(quote_id, partner_id)
        return order

    return await _numbered_once(
        SalesOrder,
        day,
        create,
        by=by,
        already=f"견적서 {quote.number}{josa(quote.number, '은')} 이미 주문처리되었습니다.",
    )


async def process_to_shipment(
    quote_id: int, *, by: Actor, shipped_on: dt.date | None = None, cancelled_ok: bool = False
) -> Shipment:
    """출고처리: a shipment (출고, raises the partner's credit balance) from the quote's lines,
    linked to the quote's order when there is one. A 견적취소 quote as for `process_to_order`."""
    quote, partner_id, lines = await _quote_for_processing(quote_id, cancelled_ok=cancelled_ok)
    day = shipped_on or dt.date.today()

    async def create(number: str) -> Shipment:
        if existing := await Shipment.get_or_none(quote_id=quote_id):
            raise AlreadyProcessed(
                f"견적서 {quote.number}{josa(quote.number, '은')} 이미 출고처리되었습니다 (출고번호 {existing.number})."
            )
        order = await SalesOrder.get_or_none(quote_id=quote_id)
        if order and (shipped := await Shipment.filter(order_id=order.id).first()):
            raise AlreadyProcessed(
                f"견적서 {quote.number}의 수주 {order.number}{josa(order.number, '은')} 이미 출고되었습니다 (출고번호 {shipped.number})."
            )
        shipment = await Shipment.create(
            number=number,
            shipped_on=day,
            order_id=order.id if order else None,
            **_copied_from(quote, partner_id),
        )
        await _copy_lines(lines, ShipmentLine, shipment=shipment)
        await _accept(quote_id, partner_id)
        return shipment

    return await _numbered_once(
        Shipment,
        day,
        create,
        by=by,
        already=f"견적서 {quote.number}{josa(quote.number, '은')} 이미 출고처리되었습니다.",
    )


async def ship_order(order_id: int, *, by: Actor, shipped_on: dt.date | None = None) -> Shipment:
    """출고처리 of an order (from 거래내역): a shipment with the order's lines, once."""
    order = await SalesOrder.fetch(order_id, "수주")
    day = shipped_on or dt.date.today()
    lines = await SalesOrderLine.filter(order_id=order_id).order_by("seq", "id")

    async def create(number: str) -> Shipment:
        if shipped := await Shipment.filter(order_id=order_id).first():
            raise AlreadyProcessed(
                f"수주 {order.number}{josa(order.number, '은')} 이미 출고되었습니다 (출고번호 {shipped.number})."
            )
        quote_shipment = await Shipment.get_or_none(quote_id=order.quote_id) if order.quote_id else None
        if quote_shipment:
            raise AlreadyProcessed(
                f"수주 {order.number}의 견적서는 이미 출고처리되었습니다 (출고번호 {quote_shipment.number})."
            )
        shipment = await Shipment.create(
            number=number,
            shipped_on=day,
            partner_id=order.partner_id,
            customer_id=order.customer_id,
            quote_id=order.quote_id,
            order_id=order.id,
            supply_total=order.supply_total,
            vat_total=order.vat_total,
            total_amount=order.total_amount,
            memo=f"수주 {order.number}",
        )
        await _copy_lines(lines, ShipmentLine, shipment=shipment)
        return shipment

    return await _numbered_once(
        Shipment,
        day,
        create,
        by=by,
        already=f"수주 {order.number}{josa(order.number, '은')} 이미 출고되었습니다.",
    )


@dataclass(frozen=True)
class CustomerPartner:
    customer_id: int
    customer_name: str
    partner_id: int | None
    partner_name: str


async def customer_partner(customer_id: int) -> CustomerPartner:
    """The trading partner a customer's sales documents go to (주문등록, 거래내역)."""
    customer = await Customer.get_or_none(id=customer_id).select_related("partner")
    if customer is None:
        raise NotFound("고객")
    return CustomerPartner(
        customer.id,
        customer.company_name,
        customer.partner_id,
        customer.partner.name if customer.partner else "",
    )


async def partner_exists(partner_id: int) -> bool:
    return await TradingPartner.filter(id=partner_id).exists()


async def create_order(
    *,
    by: Actor,
    partner_id: int,
    order_date: dt.date | None,
    lines: Sequence[LineInput | Mapping[str, Any]],
    customer_id: int | None = None,
    memo: str = "",
    form_token: str | None = None,
) -> SalesOrder:
    """주문등록: a sales order entered directly (not from a quote), once per `form_token`."""
    if made := await already_made(SalesOrder, "order", form_token):
        return made
    refuse(
        wrong_dates(order_date=order_date),
        wrong_ids(partner=partner_id, customer=customer_id),
        wrong_texts(memo=memo),
    )
    errors: dict[str, str] = {}
    if customer_id is not None and not await Customer.filter(id=customer_id).exists():
        errors["customer"] = "고객을 찾을 수 없습니다."
    if order_date is None:
        errors["order_date"] = "수주일자를 입력하세요."
    if not await TradingPartner.filter(id=partner_id).exists():
        errors["partner"] = "거래처를 찾을 수 없습니다."
    kept, line_errors = validate_lines(lines)
    errors |= line_errors
    if not kept and not line_errors:
        errors["lines"] = "품목을 한 줄 이상 입력하세요."
    if len(memo) > ORDER_MEMO_MAX:
        errors["memo"] = f"메모는 {ORDER_MEMO_MAX:,}자 이내입니다."
    if errors:
        raise ValidationError(errors)
    assert order_date is not None
    totals = compute_totals(kept)

    async def create(number: str) -> SalesOrder:
        order = await SalesOrder.create(
            number=number,
            order_date=order_date,
            partner_id=partner_id,
            customer_id=customer_id,
            supply_total=totals.supply_total,
            vat_total=totals.vat_total,
            total_amount=totals.total_amount,
            memo=memo.strip(),
        )
        for seq, (line, amounts) in enumerate(zip(kept, totals.lines, strict=True), start=1):
            await SalesOrderLine.create(order=order, **line_fields(line, amounts, seq))
        return order

    with acting_as(by):
        return await create_once(
            SalesOrder, "order", form_token, lambda: create_numbered(SalesOrder, "number", order_date, create)
        )


async def delete_order(order_id: int, *, by: Actor) -> None:
    order = await SalesOrder.fetch(order_id, "수주")
    if shipped := await Shipment.filter(order_id=order_id).first():
        raise ValidationError(
            {
                "": f"수주 {order.number}{josa(order.number, '은')} 출고({shipped.number})되어 삭제할 수 없습니다. 출고를 먼저 삭제하세요."
            }
        )
    with acting_as(by):
        async with in_transaction():
            for line in await SalesOrderLine.filter(order_id=order_id):
                await line.delete()
            await order.delete()


async def delete_shipment(shipment_id: int, *, by: Actor) -> None:
    shipment = await Shipment.fetch(shipment_id, "출고")
    with acting_as(by):
        async with in_transaction():
            for line in await ShipmentLine.filter(shipment_id=shipment_id):
                await line.delete()
            await shipment.delete()


async def document_lines(kind: LedgerKind, document_id: int) -> list[DocumentLine]:
    if kind == LedgerKind.ORDER:
        return await SalesOrderLine.filter(order_id=document_id).order_by("seq", "id")
    if kind == LedgerKind.SHIPMENT:
        return await ShipmentLine.filter(shipment_id=document_id).order_by("seq", "id")
    return []


# ---------------------------------------------------------------------------------------------
# Receipts (수금)


def _receipt_errors(received_on: dt.date | None, amount: Any, memo: str) -> tuple[int, dict[str, str]]:
    errors = wrong_dates(received_on=received_on) | wrong_texts(memo=memo)
    if received_on is None:
        errors["received_on"] = "수금일자를 입력하세요."
    value = whole_number(amount)
    if value is None:
        errors["amount"] = "금액은 원 단위 숫자로 입력하세요."
        value = 0
    elif value <= 0:
        errors["amount"] = "수금액은 0보다 커야 합니다."
    elif value > MAX_RECEIPT:
        errors["amount"] = "수금액이 너무 큽니다."
    if "memo" not in errors and len(memo.strip()) > RECEIPT_MEMO_MAX:
        errors["memo"] = f"적요는 {RECEIPT_MEMO_MAX:,}자 이내입니다."
    return value, errors


async def _check_method(method_id: int | None, errors: dict[str, str]) -> None:
    if method_id and not await CodeEntry.filter(id=method_id, kind=CodeKind.PAYMENT_METHOD).exists():
        errors["method"] = "수금방법을 다시 선택하세요."


async def add_receipt(
    *,
    by: Actor,
    partner_id: int,
    received_on: dt.date | None,
    amount: Any,
    method_id: int | None = None,
    memo: str = "",
    form_token: str | None = None,
) -> Receipt:
    """수금: money received lowers the partner's credit balance. Numbered YYMMDD-NNN by the
    receipt date; once per `form_token`."""
    refuse(wrong_ids(partner=partner_id, method=method_id))
    value, errors = _receipt_errors(received_on, amount, memo)
    await _check_method(method_id, errors)
    if not await TradingPartner.filter(id=partner_id).exists():
        errors["partner"] = "거래처를 찾을 수 없습니다."
    if errors:
        raise ValidationError(errors)
    assert received_on is not None

    async def create(number: str) -> Receipt:
        return await Receipt.create(
            number=number,
            partner_id=partner_id,
            received_on=received_on,
            amount=value,
            method_id=method_id,
            memo=memo.strip(),
        )

    with acting_as(by):
        return await create_once(
            Receipt,
            "receipt",
            form_token,
            lambda: create_numbered(Receipt, "number", received_on, create),
        )


async def get_receipt(receipt_id: int) -> Receipt:
    return await Receipt.fetch(receipt_id, "수금")


async def update_receipt(
    receipt_id: int,
    *,
    by: Actor,
    version: int,
    received_on: dt.date | None,
    amount: Any,
    method_id: int | None = None,
    memo: str = "",
) -> Receipt:
    refuse(wrong_ids(receipt=receipt_id, method=method_id))
    receipt = await Receipt.fetch(receipt_id, "수금")
    value, errors = _receipt_errors(received_on, amount, memo)
    await _check_method(method_id, errors)
    if errors:
        raise ValidationError(errors)
    receipt.received_on = received_on
    receipt.amount = value
    receipt.method_id = method_id
    receipt.memo = memo.strip()
    receipt.version = version
    with acting_as(by):
        await receipt.save()
    return receipt


async def delete_receipt(receipt_id: int, *, by: Actor) -> None:
    receipt = await Receipt.fetch(receipt_id, "수금")
    with acting_as(by):
        await receipt.delete()


# ---------------------------------------------------------------------------------------------
# 거래내역


_KIND_ORDER = {LedgerKind.ORDER: 0, LedgerKind.SHIPMENT: 1, LedgerKind.RECEIPT: 2}


@dataclass(frozen=True)
class LedgerEntry:
    kind: LedgerKind
    id: int
    date: dt.date
    number: str
    summary: str
    order_amount: int = 0
    shipment_amount: int = 0
    receipt_amount: int = 0
    balance: int = 0
    memo: str = ""
    method_id: int | None = None
    version: int = 1
    shipped: bool = False  # an order that already has its shipment


@dataclass
class Ledger:
    partner_id: int
    partner_code: str
    partner_name: str
    business_number: str
    representative: str
    phone: str
    date_from: dt.date | None
    date_to: dt.date | None
    opening_balance: int
    entries: list[LedgerEntry] = field(default_factory=list)
    order_total: int = 0
    shipment_total: int = 0
    receipt_total: int = 0
    closing_balance: int = 0
    current_balance: int = 0
    truncated: bool = False


def _summaries(rows: list[dict[str, Any]], owner: str) -> dict[int, str]:
    """ "ERP영업관리 외 4건": the first item line's name and how many more item lines there are
    (text lines and empty lines are not counted). A document of text lines only shows its first
    line's text."""
    lines: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        lines.setdefault(row[owner], []).append(row)
    summaries = {}
    for owner_id, owned in lines.items():
        items = [
            row["name"]
            for row in owned
            if not is_text_line(row["item_code"], row["quantity"], row["unit_price"])
        ]
        if items:
            summaries[owner_id] = items[0] + (f" 외 {len(items) - 1:,}건" if len(items) > 1 else "")
        else:
            summaries[owner_id] = next((row["name"] for row in owned if row["name"].strip()), "")
    return summaries


def _date_filter(column: str, date_from: dt.date | None, date_to: dt.date | None) -> dict[str, dt.date]:
    filters = {}
    if date_from:
        filters[f"{column}__gte"] = date_from
    if date_to:
        filters[f"{column}__lte"] = date_to
    return filters


# a ledger document: its model, its lines' model and their link to it, its date, its amount's column
_LEDGER_DOCUMENTS = {
    LedgerKind.ORDER: (SalesOrder, SalesOrderLine, "order_id", "order_date", "order_amount"),
    LedgerKind.SHIPMENT: (Shipment, ShipmentLine, "shipment_id", "shipped_on", "shipment_amount"),
}


async def _document_entries(
    kind: LedgerKind, partner_id: int, date_from: dt.date | None, date_to: dt.date | None
) -> list[LedgerEntry]:
    """A partner's orders or shipments in the period, each named by its lines, by date: one more
    than LEDGER_LIMIT, which tells the ledger that it is cut."""
    document, line, owner, date_column, amount_column = _LEDGER_DOCUMENTS[kind]
    rows = (
        await document.filter(partner_id=partner_id, **_date_filter(date_column, date_from, date_to))
        .order_by(date_column, "id")
        .limit(LEDGER_LIMIT + 1)
        .values("id", "number", date_column, "total_amount", "memo", "version")
    )
    names = _summaries(
        await line.filter(**{f"{owner}__in": [row["id"] for row in rows]})
        .order_by(owner, "seq", "id")
        .values(owner, "name", "item_code", "quantity", "unit_price"),
        owner,
    )
    return [
        LedgerEntry(
            kind,
            row["id"],
            row[date_column],
            row["number"],
            names.get(row["id"], ""),
            memo=row["memo"],
            version=row["version"],
            **{amount_column: row["total_amount"]},
        )
        for row in rows
    ]


async def partner_ledger(
    partner_id: int, *, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> Ledger:
    """A partner's orders, shipments and receipts by date with the running balance (shipments
    raise it, receipts lower it; orders are listed for reference). The balance before
    `date_from` is carried in as 이월잔액."""
    partner = await TradingPartner.fetch(partner_id, "거래처")
    opening = await partner_balance(partner_id, before=date_from) if date_from else 0
    orders = await _document_entries(LedgerKind.ORDER, partner_id, date_from, date_to)
    shipments = await _document_entries(LedgerKind.SHIPMENT, partner_id, date_from, date_to)
    receipts = (
        await Receipt.filter(partner_id=partner_id, **_date_filter("received_on", date_from, date_to))
        .order_by("received_on", "id")
        .limit(LEDGER_LIMIT + 1)
        .values("id", "number", "received_on", "amount", "memo", "method_id", "method__name", "version")
    )
    truncated = any(len(rows) > LEDGER_LIMIT for rows in (orders, shipments, receipts))
    orders, shipments, receipts = orders[:LEDGER_LIMIT], shipments[:LEDGER_LIMIT], receipts[:LEDGER_LIMIT]
    order_ids = [o.id for o in orders]
    shipped_orders = (
        set(await Shipment.filter(order_id__in=order_ids).values_list("order_id", flat=True))
        if order_ids
        else set()
    )
    entries = [replace(o, shipped=o.id in shipped_orders) for o in orders] + shipments
    entries += [
        LedgerEntry(
            LedgerKind.RECEIPT,
            r["id"],
            r["received_on"],
            r["number"],
            " ".join(part for part in (r["method__name"] or "", r["memo"]) if part),
            receipt_amount=r["amount"],
            memo=r["memo"],
            method_id=r["method_id"],
            version=r["version"],
        )
        for r in receipts
    ]
    entries.sort(key=lambda e: (e.date, _KIND_ORDER[e.kind], e.id))
    balance = opening
    running = []
    for entry in entries:
        balance += entry.shipment_amount - entry.receipt_amount
        running.append(replace(entry, balance=balance))
    return Ledger(
        partner_id=partner.id,
        partner_code=partner.code,
        partner_name=partner.name,
        business_number=partner.business_number,
        representative=partner.representative,
        phone=partner.phone,
        date_from=date_from,
        date_to=date_to,
        opening_balance=opening,
        entries=running,
        order_total=sum(e.order_amount for e in running),
        shipment_total=sum(e.shipment_amount for e in running),
        receipt_total=sum(e.receipt_amount for e in running),
        closing_balance=balance,
        current_balance=await partner_balance(partner_id),
        truncated=truncated,
    )

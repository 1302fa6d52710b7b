"""Documents printed from the 거래내역: the 거래명세서 of a sales order (수주) or a shipment (출고),
and the 영수증 of a receipt (수금). Our company block comes from 회사정보 (with the stamp), the
other party's from the trading partner as it is now."""

from __future__ import annotations

from core.errors import NotFound
from core.korean import amount_in_words, format_business_number
from html_forms.statement import (
    PartyBlock,
    ReceiptDocument,
    StatementDocument,
    StatementLine,
    render_receipt_pdf,
    render_statement_pdf,
)
from models.customer import TradingPartner
from models.sales import Receipt, SalesOrder, SalesOrderLine, Shipment, ShipmentLine
from services.company import print_block
from services.document_lines import is_text_line
from services.sales import LedgerKind


def _party(partner: TradingPartner) -> PartyBlock:
    address = " ".join(part for part in (partner.address, partner.address_detail) if part.strip())
    return PartyBlock(
        name=partner.name,
        business_number=format_business_number(partner.business_number),
        representative=partner.representative,
        address=address,
        business_type=partner.business_type,
        business_item=partner.business_item,
    )


async def statement_document(kind: LedgerKind, document_id: int) -> StatementDocument:
    """The 거래명세서 of an order or a shipment: its lines as stored, dated with the document."""
    if kind == LedgerKind.ORDER:
        document = await SalesOrder.get_or_none(id=document_id).select_related("partner")
        if document is None:
            raise NotFound("수주")
        day = document.order_date
        lines = await SalesOrderLine.filter(order_id=document_id).order_by("seq", "id")
    elif kind == LedgerKind.SHIPMENT:
        document = await Shipment.get_or_none(id=document_id).select_related("partner")
        if document is None:
            raise NotFound("출고")
        day = document.shipped_on
        lines = await ShipmentLine.filter(shipment_id=document_id).order_by("seq", "id")
    else:
        raise NotFound("수주 또는 출고")
    return StatementDocument(
        number=document.number,
        issued_on=day,
        partner=_party(document.partner),
        lines=[
            StatementLine(
                day=day,
                name=line.name,
                spec=line.spec,
                quantity=line.quantity,
                unit_price=line.unit_price,
                supply_amount=line.supply_amount,
                vat_amount=line.vat_amount,
                text_only=is_text_line(line.item_code, line.quantity, line.unit_price),
            )
            for line in lines
        ],
        supply_total=document.supply_total,
        vat_total=document.vat_total,
        total_amount=document.total_amount,
        amount_words=amount_in_words(document.total_amount),
        company=await print_block(),
    )


async def statement_pdf(kind: LedgerKind, document_id: int) -> tuple[str, bytes]:
    """(file name, PDF bytes) of the 거래명세서; rendering runs off the event loop."""
    document = await statement_document(kind, document_id)
    return f"거래명세서_{document.number}.pdf", await render_statement_pdf(document)


async def receipt_document(receipt_id: int) -> ReceiptDocument:
    receipt = await Receipt.get_or_none(id=receipt_id).select_related("partner", "method")
    if receipt is None:
        raise NotFound("수금")
    return ReceiptDocument(
        number=receipt.number,
        received_on=receipt.received_on,
        partner_name=receipt.partner.name,
        amount=receipt.amount,
        amount_words=amount_in_words(receipt.amount),
        method=receipt.method.name if receipt.method else "",
        memo=receipt.memo,
        company=await print_block(),
    )


async def receipt_pdf(receipt_id: int) -> tuple[str, bytes]:
    """(file name, PDF bytes) of the 영수증; a receipt entered before numbering is named by its date."""
    document = await receipt_document(receipt_id)
    name = document.number or f"{document.received_on:%Y%m%d}"
    return f"영수증_{name}.pdf", await render_receipt_pdf(document)

"""영업: 주문처리/출고처리 from quotes, receipts, credit balance and the 거래내역 ledger."""

import asyncio
import datetime as dt

import pytest

from core.errors import StaleRecordError, ValidationError
from models.quote import Quote, QuoteLine, QuoteState
from models.sales import SalesOrder, SalesOrderLine, Shipment, ShipmentLine
from services import balances, sales
from services.sales import AlreadyProcessed, LedgerKind, PartnerRequired
from tests.factories.customers import make_customer
from tests.factories.sales import line, make_quote, make_trading_customer
from tests.factories.staff import make_staff

LINE_FIELDS = (
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
THREE_LINES = [
    line("ERP영업관리", 1, 5_000_000, spec="3유저", item_code="9998"),
    line("소모품", 3, 3_333, taxable=False),
    line("- 무상유지보수기간 3개월"),
]


async def test_order_processing_copies_the_lines_exactly_and_only_once(db):
    clerk = await make_staff()
    customer = await make_trading_customer()
    quote = await make_quote(clerk, customer, THREE_LINES)
    order = await sales.process_to_order(quote.id, by=clerk, order_date=dt.date(2026, 3, 11))

    quote_lines = await QuoteLine.filter(quote_id=quote.id).order_by("seq").values_list(*LINE_FIELDS)
    order_lines = await SalesOrderLine.filter(order_id=order.id).order_by("seq").values_list(*LINE_FIELDS)
    assert order_lines == quote_lines and len(order_lines) == 3
    assert (order.supply_total, order.vat_total, order.total_amount) == (5_009_999, 500_000, 5_509_999)
    assert order.partner_id == customer.partner_id and order.customer_id == customer.id
    assert order.quote_id == quote.id and order.number == "260311-001"
    accepted = await Quote.get(id=quote.id)
    assert accepted.state == QuoteState.ACCEPTED and accepted.partner_id == customer.partner_id

    with pytest.raises(AlreadyProcessed, match=f"이미 주문처리되었습니다 \\(수주번호 {order.number}\\)"):
        await sales.process_to_order(quote.id, by=clerk)
    assert await SalesOrder.filter(quote_id=quote.id).count() == 1
    assert await SalesOrderLine.filter(order_id=order.id).count() == 3


async def test_two_users_processing_at_once_make_one_order(db):
    clerk = await make_staff()
    quote = await make_quote(clerk, await make_trading_customer())
    results = await asyncio.gather(
        *(sales.process_to_order(quote.id, by=clerk) for _ in range(3)), return_exceptions=True
    )
    made = [r for r in results if isinstance(r, SalesOrder)]
    refused = [r for r in results if isinstance(r, AlreadyProcessed)]
    assert len(made) == 1 and len(refused) == 2
    assert await SalesOrder.all().count() == 1


async def test_shipment_processing_links_the_order_and_raises_the_balance(db):
    clerk = await make_staff()
    customer = await make_trading_customer()
    quote = await make_quote(clerk, customer, THREE_LINES)
    order = await sales.process_to_order(quote.id, by=clerk)
    shipment = await sales.process_to_shipment(quote.id, by=clerk)
    assert shipment.order_id == order.id and shipment.quote_id == quote.id
    shipped_lines = (
        await ShipmentLine.filter(shipment_id=shipment.id).order_by("seq").values_list(*LINE_FIELDS)
    )
    order_lines = await SalesOrderLine.filter(order_id=order.id).order_by("seq").values_list(*LINE_FIELDS)
    assert shipped_lines == order_lines
    with pytest.raises(AlreadyProcessed, match="이미 출고처리되었습니다"):
        await sales.process_to_shipment(quote.id, by=clerk)
    with pytest.raises(AlreadyProcessed, match="이미 출고되었습니다"):
        await sales.ship_order(order.id, by=clerk)
    assert await Shipment.all().count() == 1
    assert await balances.customer_balances([customer.id]) == {customer.id: 5_509_999}


async def test_a_customer_without_a_partner_is_asked_to_link_one_first(db):
    clerk = await make_staff()
    customer = await make_customer("파트너없음")
    quote = await make_quote(clerk, customer)
    with pytest.raises(PartnerRequired, match="거래처관리정보") as error:
        await sales.process_to_shipment(quote.id, by=clerk)
    assert error.value.customer_id == customer.id
    assert (await Quote.get(id=quote.id)).state == QuoteState.IN_PROGRESS
    assert await Shipment.all().count() == 0


async def test_a_cancelled_quote_is_not_processed(db):
    clerk = await make_staff()
    quote = await make_quote(clerk, await make_trading_customer(), state=QuoteState.CANCELLED)
    with pytest.raises(ValidationError, match="취소된 견적서"):
        await sales.process_to_order(quote.id, by=clerk)
    with pytest.raises(ValidationError, match="취소된 견적서"):
        await sales.process_to_shipment(quote.id, by=clerk)
    assert not await SalesOrder.exists() and not await Shipment.exists()
    # the user was told it was cancelled and chose 주문처리 anyway
    order = await sales.process_to_order(quote.id, by=clerk, cancelled_ok=True)
    assert order.quote_id == quote.id
    assert (await Quote.get(id=quote.id)).state == QuoteState.ACCEPTED


async def test_the_ledger_summary_counts_item_lines_only(db):
    clerk = await make_staff()
    customer = await make_trading_customer()
    lines = [
        line("- 설치 일정은 협의", 0, 0),
        line("ERP영업관리", 1, 5_000_000, item_code="9998"),
        line("- 무상유지보수기간 3개월"),
        line("소모품", 3, 3_333),
        line("무상 제공 매뉴얼", item_code="9997"),
        line("※ 부가세 별도"),
    ]
    quote = await make_quote(clerk, customer, lines)
    await sales.process_to_order(quote.id, by=clerk)
    await sales.process_to_shipment(quote.id, by=clerk)
    notes_only = await make_quote(clerk, customer, [line("- 견적 참고사항"), line("- 두 번째 메모")])
    await sales.process_to_order(notes_only.id, by=clerk)

    ledger = await sales.partner_ledger(customer.partner_id)
    summaries = {(e.kind, e.summary) for e in ledger.entries}
    assert summaries == {
        (LedgerKind.ORDER, "ERP영업관리 외 2건"),
        (LedgerKind.SHIPMENT, "ERP영업관리 외 2건"),
        (LedgerKind.ORDER, "- 견적 참고사항"),
    }


async def test_balance_is_shipments_minus_receipts_with_a_running_ledger(db):
    clerk = await make_staff()
    customer = await make_trading_customer()
    other = await make_trading_customer("다른상사")
    partner = customer.partner_id
    march = dt.date(2026, 3, 1)
    first = await make_quote(clerk, customer, [line("A", 1, 1_000_000)], quote_date=march)
    second = await make_quote(clerk, customer, [line("B", 2, 1_000_000)], quote_date=march)
    await sales.process_to_order(first.id, by=clerk, order_date=march)
    await sales.process_to_shipment(first.id, by=clerk, shipped_on=march)  # 1,100,000
    await sales.process_to_shipment(second.id, by=clerk, shipped_on=dt.date(2026, 3, 20))  # 2,200,000
    await sales.add_receipt(by=clerk, partner_id=partner, received_on=dt.date(2026, 3, 5), amount="500,000")
    await sales.add_receipt(by=clerk, partner_id=partner, received_on=dt.date(2026, 3, 25), amount=1_000_000)

    assert await balances.partner_balances([partner, other.partner_id]) == {
        partner: 1_800_000,
        other.partner_id: 0,
    }
    assert await balances.customer_balances([customer.id, other.id]) == {customer.id: 1_800_000, other.id: 0}

    ledger = await sales.partner_ledger(partner, date_from=dt.date(2026, 3, 2), date_to=dt.date(2026, 3, 31))
    assert ledger.opening_balance == 1_100_000  # the shipment of 3/1 is carried in
    assert [(e.date.day, e.kind, e.balance) for e in ledger.entries] == [
        (5, LedgerKind.RECEIPT, 600_000),
        (20, LedgerKind.SHIPMENT, 2_800_000),
        (25, LedgerKind.RECEIPT, 1_800_000),
    ]
    assert ledger.closing_balance == ledger.current_balance == 1_800_000
    assert ledger.entries[1].summary == "B"

    everything = await sales.partner_ledger(partner)
    assert [e.kind for e in everything.entries[:2]] == [LedgerKind.ORDER, LedgerKind.SHIPMENT]
    assert everything.entries[0].order_amount == 1_100_000 and everything.entries[0].balance == 0
    assert everything.order_total == 1_100_000 and everything.receipt_total == 1_500_000


async def test_receipts_are_validated_edited_with_locking_and_deleted(db):
    clerk = await make_staff()
    customer = await make_trading_customer()
    with pytest.raises(ValidationError) as error:
        await sales.add_receipt(by=clerk, partner_id=customer.partner_id, received_on=None, amount="0")
    assert set(error.value.fields) == {"received_on", "amount"}
    receipt = await sales.add_receipt(
        by=clerk,
        partner_id=customer.partner_id,
        received_on=dt.date(2026, 3, 5),
        amount=300_000,
        memo="계좌입금",
    )
    await sales.update_receipt(
        receipt.id, by=clerk, version=receipt.version, received_on=dt.date(2026, 3, 6), amount=350_000
    )
    assert await balances.partner_balance(customer.partner_id) == -350_000
    with pytest.raises(StaleRecordError):
        await sales.update_receipt(receipt.id, by=clerk, version=1, received_on=dt.date(2026, 3, 6), amount=1)
    await sales.delete_receipt(receipt.id, by=clerk)
    assert await balances.partner_balance(customer.partner_id) == 0


async def test_a_direct_order_is_shipped_once_and_cannot_be_deleted_after(db):
    clerk = await make_staff()
    customer = await make_trading_customer()
    with pytest.raises(ValidationError, match="한 줄 이상"):
        await sales.create_order(
            by=clerk, partner_id=customer.partner_id, order_date=dt.date(2026, 3, 2), lines=[]
        )
    order = await sales.create_order(
        by=clerk,
        partner_id=customer.partner_id,
        customer_id=customer.id,
        order_date=dt.date(2026, 3, 2),
        lines=[line("키락", 2, 150_000)],
    )
    assert order.total_amount == 330_000
    shipment = await sales.ship_order(order.id, by=clerk, shipped_on=dt.date(2026, 3, 3))
    assert shipment.total_amount == 330_000 and shipment.order_id == order.id
    with pytest.raises(AlreadyProcessed):
        await sales.ship_order(order.id, by=clerk)
    with pytest.raises(ValidationError, match="출고를 먼저 삭제하세요"):
        await sales.delete_order(order.id, by=clerk)
    await sales.delete_shipment(shipment.id, by=clerk)
    await sales.delete_order(order.id, by=clerk)
    assert await SalesOrder.all().count() == 0 and await SalesOrderLine.all().count() == 0

"""seed-demo: the manual's quotes for 재근상사 and (주)A상호."""

import datetime as dt

from models.item import Item
from models.quote import Quote, QuoteLine, QuoteState
from models.sales import SalesOrder
from services.demo import quotes as quotes_step
from services.demo import staff as staff_step
from tests.factories.customers import make_customer
from tests.factories.sales import make_trading_customer


async def test_manual_quotes_are_seeded_once(db):
    await staff_step.seed()
    jaegeun = await make_customer("재근상사", code="140213-001")
    a_sangho = await make_trading_customer("(주)A상호", code="150701-001")
    first = await quotes_step.seed()
    second = await quotes_step.seed()
    assert first == "품목 2개, 견적서 2건 추가"
    assert second == "품목 0개, 견적서 0건 추가"
    assert set(await Item.all().values_list("code", flat=True)) == {"9998", "1101099"}

    quotes = {q.customer_id: q for q in await Quote.all().prefetch_related("staff")}
    assert len(quotes) == 2
    for quote in quotes.values():
        assert quote.quote_date == dt.date(2019, 3, 28) and quote.staff.name == "홍길동"
        assert (quote.supply_total, quote.vat_total, quote.total_amount) == (
            10_000_000,
            1_000_000,
            11_000_000,
        )
        names = await QuoteLine.filter(quote_id=quote.id).order_by("seq").values_list("name", flat=True)
        assert names == [
            "ERP영업관리",
            "ERP회계관리",
            "- 경영정보 무상제공",
            "- 엑셀자료업로드 무상제공",
            "- 무상유지보수기간 3개월",
        ]
    assert quotes[jaegeun.id].state == QuoteState.IN_PROGRESS and quotes[jaegeun.id].number == "19032800-2"
    assert quotes[a_sangho.id].state == QuoteState.ACCEPTED and quotes[a_sangho.id].number == "19032800-1"
    assert await SalesOrder.filter(quote_id=quotes[a_sangho.id].id).exists()


async def test_missing_customers_are_skipped_with_a_note(db):
    report = await quotes_step.seed()
    assert report.startswith("품목 2개, 견적서 0건 추가")
    assert "140213-001(재근상사)" in report and "150701-001((주)A상호)" in report
    assert await Quote.all().count() == 0

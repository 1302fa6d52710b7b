"""견적현황: tabs with counts, the selected quote's lines, 주문처리 and the partner check."""

import datetime as dt
import io

import openpyxl
from nicegui.testing import User
from pypdf import PdfReader

from core.korean import josa
from models.quote import Quote, QuoteState
from models.sales import SalesOrder
from tests.factories.customers import make_customer
from tests.factories.sales import line, make_quote, make_trading_customer, soon
from tests.factories.staff import make_admin, make_staff
from tests.list_checks import excel_rows, printed_text, table_labels
from tests.utils import sign_in


def _one(user: User, marker: str):
    return next(iter(user.find(marker).elements))


async def test_order_processing_from_the_status_screen_moves_the_quote_to_accepted(user: User):
    await make_admin(login="boss")
    hong = await make_staff(login="hong", name="홍길동")
    customer = await make_trading_customer("재근상사")
    quote = await make_quote(
        hong,
        customer,
        [line("ERP영업관리", 1, 5_000_000), line("ERP회계관리", 1, 5_000_000), line("- 경영정보 무상제공")],
        staff_id=hong.id,
        title="ERP 도입",
    )
    await make_quote(hong, await make_trading_customer("(주)A상호"), state=QuoteState.CANCELLED)
    await sign_in(user, "hong")
    await user.open("/status/quotes")
    await user.should_see(marker="quote-table")
    table = _one(user, "quote-table")
    await soon(lambda: len(table.rows) == 2)
    assert _one(user, "quote-tab-in_progress").props["label"] == "견적진행 (1)"
    assert _one(user, "quote-tab-cancelled").props["label"] == "견적취소 (1)"

    row = next(r for r in table.rows if r["number"] == quote.number)
    assert row["total_amount"] == "11,000,000" and row["state"] == "견적진행"
    user.find("quote-table").trigger("rowClick", [None, row, 0])
    lines = _one(user, "quote-detail-table")
    await soon(lambda: len(lines.rows) == 4)
    assert [r["name"] for r in lines.rows] == ["ERP영업관리", "ERP회계관리", "- 경영정보 무상제공", "[합계]"]
    assert lines.rows[-1]["total"] == "11,000,000"

    user.find("quotes-order").click()
    await user.should_see("수주를 등록하고 견적서를 신청완료로 바꿀까요?")
    user.find("confirm-yes").click()
    await user.should_see("견적서는 신청완료입니다.", retries=50)
    assert (await Quote.get(id=quote.id)).state == QuoteState.ACCEPTED
    order = await SalesOrder.get(quote_id=quote.id)
    assert order.total_amount == 11_000_000
    await soon(lambda: _one(user, "quote-tab-accepted").props["label"] == "신청완료 (1)")
    assert next(r for r in table.rows if r["id"] == quote.id)["processed"] == "수주"

    user.find("quotes-order").click()
    await user.should_see("이미 주문처리되었습니다", retries=50)
    assert await SalesOrder.filter(quote_id=quote.id).count() == 1


async def test_a_customer_without_a_partner_is_sent_to_the_partner_tab(user: User):
    await make_admin(login="boss")
    hong = await make_staff(login="hong", name="홍길동")
    quote = await make_quote(hong, await make_customer("파트너없음"))
    await sign_in(user, "hong")
    await user.open("/status/quotes")
    await user.should_see(marker="quote-table")
    table = _one(user, "quote-table")
    await soon(lambda: len(table.rows) == 1)
    user.find("quote-table").trigger("rowClick", [None, table.rows[0], 0])
    user.find("quotes-ship").click()
    await user.should_see("출고를 등록하고")
    user.find("confirm-yes").click()
    await user.should_see(marker="partner-required", retries=50)
    await user.should_see("거래처관리정보")
    assert (await Quote.get(id=quote.id)).state == QuoteState.IN_PROGRESS


async def test_filters_and_tabs_narrow_the_list(user: User):
    await make_admin(login="boss")
    hong = await make_staff(login="hong", name="홍길동")
    kim = await make_staff(login="kim", name="김모두")
    old = dt.date.today() - dt.timedelta(days=400)
    await make_quote(hong, await make_trading_customer("재근상사"), staff_id=hong.id)
    await make_quote(kim, await make_trading_customer("하이디자인"), staff_id=kim.id)
    await make_quote(
        kim, await make_trading_customer("옛날상사"), staff_id=kim.id, quote_date=old, valid_until=old
    )
    await sign_in(user, "hong")
    await user.open("/status/quotes")
    await user.should_see(marker="quote-table")
    table = _one(user, "quote-table")
    await soon(lambda: len(table.rows) == 2 or len(table.rows) == 3)
    this_year = {r["recipient"] for r in table.rows}
    assert "재근상사" in this_year and "하이디자인" in this_year

    user.find("quote-all-dates").click()
    user.find("quote-text").type("상사")
    user.find("quotes-search").click()
    await soon(lambda: {r["recipient"] for r in table.rows} == {"재근상사", "옛날상사"})
    user.find("quote-tab-expired").click()
    await soon(lambda: [r["recipient"] for r in table.rows] == ["옛날상사"])
    assert table.rows[0]["state"] == "유효기간초과"


async def test_status_list_goes_to_excel_and_print(user: User):
    await make_admin(login="boss")
    hong = await make_staff(login="hong", name="홍길동")
    await make_quote(
        hong, await make_trading_customer("=재근상사"), [line("ERP영업관리", 1, 5_000_000)], title="ERP 도입"
    )
    await sign_in(user, "hong")
    await user.open("/status/quotes")
    await user.should_see(marker="quote-table")
    table = _one(user, "quote-table")
    await soon(lambda: len(table.rows) == 1)

    user.find("quotes-excel").click()
    response = await user.download.next(timeout=10)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    values = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert values["거래처"] == "=재근상사" and sheet.cell(2, header.index("거래처") + 1).data_type == "s"
    assert values["합계금액"] == 5_500_000 and values["견적제목"] == "ERP 도입"

    user.find("quotes-print").click()
    await user.should_see(marker="pdf-frame", retries=100)
    pdf = (await user.http_client.get(_one(user, "pdf-frame").props["src"])).content
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "견적현황" in text and "=재근상사" in text and "5,500,000" in text


async def test_the_status_lists_screen_excel_and_print_show_the_same_columns(user: User):
    await make_admin(login="boss")
    hong = await make_staff(login="hong", name="홍길동")
    customer = await make_trading_customer("재근상사")
    await make_quote(hong, customer, [line("ERP영업관리", 1, 5_000_000)], title="ERP 도입")
    await make_quote(hong, customer, [line("ERP회계관리", 1, 1_000_000)], title="회계 추가")
    await sign_in(user, "hong")
    await user.open("/status/quotes")
    await user.should_see(marker="quote-table")
    table = _one(user, "quote-table")
    await soon(lambda: len(table.rows) == 2)
    labels = table_labels(user, "quote-table")
    sheet = await excel_rows(user, "quotes-excel")
    # the workbook: the screen's columns but 순번 and 처리, with 고객담당 and the documents made from it
    assert set(labels) - set(sheet[0]) == {"순번", "처리"}
    assert set(sheet[0]) - set(labels) == {"고객담당", "수주번호", "출고번호"}
    on_screen = [label for label in sheet[0] if label in labels]
    assert on_screen == [label for label in labels if label in sheet[0]]  # in the screen's order
    assert set(labels) - set(sheet[0]) == {"순번", "처리"}
    assert sheet[-1][0] == "[합계]" and sheet[-1][sheet[0].index("합계금액")] == 6_600_000
    text = await printed_text(user, "quotes-print", "견적현황 인쇄")
    printed = ["순번", "견적상태", "견적일자", "거래처", "견적제목", "공급가액", "부가세", "합계금액"]
    assert all(label in text for label in printed) and "[합계]" in text and "6,600,000" in text


async def test_a_cancelled_quote_asks_before_order_processing(user: User):
    await make_admin(login="boss")
    hong = await make_staff(login="hong", name="홍길동")
    customer = await make_trading_customer("재근상사")
    quote = await make_quote(hong, customer, state=QuoteState.CANCELLED, staff_id=hong.id)
    await sign_in(user, "hong")
    await user.open("/status/quotes")
    await user.should_see(marker="quote-table")
    table = _one(user, "quote-table")
    await soon(lambda: len(table.rows) == 1)
    user.find("quote-table").trigger("rowClick", [None, table.rows[0], 0])

    user.find("quotes-order").click()
    await user.should_see(
        f"견적서 {quote.number} (재근상사){josa(quote.number, '은')} 견적취소된 견적서입니다. 그래도 주문처리할까요?"
    )
    user.find("confirm-no").click()
    await user.should_not_see("견적취소된 견적서입니다")
    assert not await SalesOrder.filter(quote_id=quote.id).exists()
    assert (await Quote.get(id=quote.id)).state == QuoteState.CANCELLED

    user.find("quotes-order").click()
    await user.should_see("견적취소된 견적서입니다")
    user.find("confirm-yes").click()
    await user.should_see("견적서는 신청완료입니다.", retries=50)
    assert await SalesOrder.filter(quote_id=quote.id).count() == 1
    assert (await Quote.get(id=quote.id)).state == QuoteState.ACCEPTED


async def test_a_cancelled_quote_asks_in_the_customer_tab_too(user: User):
    await make_admin(login="boss")
    clerk = await make_staff(login="clerk", name="김데모")
    customer = await make_trading_customer("재근상사")
    quote = await make_quote(clerk, customer, state=QuoteState.CANCELLED)
    await sign_in(user, "clerk")
    await user.open(f"/customers/{customer.id}?tab=quotes")
    await user.should_see("외상잔액 0원", retries=50)
    table = _one(user, "quote-table")
    await soon(lambda: [r["number"] for r in table.rows] == [quote.number])
    user.find("quote-table").trigger("rowClick", [None, table.rows[0], 0])
    user.find("quotes-order").click()
    await user.should_see("견적취소된 견적서입니다. 그래도 주문처리할까요?")
    user.find("confirm-yes").click()
    await user.should_see("견적서는 신청완료입니다.", retries=50)
    assert await SalesOrder.filter(quote_id=quote.id).count() == 1


async def test_copy_names_the_new_quote_dated_today(user: User):
    await make_admin(login="boss")
    clerk = await make_staff(login="clerk", name="김데모")
    customer = await make_trading_customer("재근상사")
    old = dt.date.today() - dt.timedelta(days=400)
    source = await make_quote(clerk, customer, quote_date=old, valid_until=old + dt.timedelta(days=30))
    await sign_in(user, "clerk")
    await user.open(f"/customers/{customer.id}?tab=quotes")
    await user.should_see("외상잔액 0원", retries=50)
    table = _one(user, "quote-table")
    await soon(lambda: [r["number"] for r in table.rows] == [source.number])
    user.find("quote-table").trigger("rowClick", [None, table.rows[0], 0])
    user.find("quotes-copy").click()
    await soon(lambda: len(table.rows) == 2)
    copy = await Quote.exclude(id=source.id).get()
    today = dt.date.today()
    assert copy.quote_date == today and copy.number.startswith(f"{today:%y%m%d}")
    assert copy.valid_until == today + dt.timedelta(days=30)
    await user.should_see(
        f"견적서 {source.number}{josa(source.number, '을')} 복사해 견적서 {copy.number}{josa(copy.number, '을')} "
        f"새로 만들었습니다. 견적일자는 오늘({today:%Y-%m-%d})입니다."
    )

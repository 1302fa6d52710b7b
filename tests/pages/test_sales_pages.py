"""품목, 거래내역, 회사정보, the 견적서관리 tab and the print preview route."""

import datetime as dt
import io

import openpyxl
from nicegui.testing import User
from pypdf import PdfReader

from models.item import Item
from models.sales import Receipt, SalesOrder
from services import company, items, sales
from tests.factories.customers import make_customer
from tests.factories.sales import line, make_item, make_quote, make_trading_customer, soon
from tests.factories.staff import make_admin, make_staff
from tests.list_checks import excel_rows, printed_text, table_labels
from tests.utils import shown_values, sign_in


def _one(user: User, marker: str):
    return next(iter(user.find(marker).elements))


async def test_admin_keeps_the_items_master(user: User):
    await make_admin(login="boss")
    await sign_in(user, "boss")
    await user.open("/codes")
    await user.should_see("품목")
    await user.open("/codes/items")
    await user.should_see(marker="items-table")
    assert _one(user, "items-table").rows == []
    user.find("items-add").click()
    user.find("item-code").type("9998")
    user.find("item-name").type("ERP영업관리")
    user.find("item-spec").type("3유저")
    user.find("item-price").type("5,000,000")
    user.find("item-save").click()
    await user.should_see("저장했습니다.", retries=50)
    table = _one(user, "items-table")
    await soon(lambda: [r["unit_price"] for r in table.rows] == ["5,000,000"])
    item = await Item.get(code="9998")
    assert item.unit_price == 5_000_000 and item.spec == "3유저"

    user.find("items-add").click()
    user.find("item-code").type("9998")
    user.find("item-name").type("중복")
    user.find("item-save").click()
    code = _one(user, "item-code")
    await soon(lambda: "이미 있습니다" in code.props.get("error-message", ""))
    assert code.value == "9998"


async def test_ledger_shows_the_balance_and_takes_receipts(user: User):
    await make_admin(login="boss")
    clerk = await make_staff(login="clerk", name="김데모")
    customer = await make_trading_customer("재근상사")
    quote = await make_quote(clerk, customer, [line("ERP영업관리", 1, 5_000_000)])
    await sales.process_to_shipment(quote.id, by=clerk)
    await sign_in(user, "clerk")
    await user.open(f"/ledger/{customer.partner_id}")
    await user.should_see("외상잔액 5,500,000원")
    table = _one(user, "ledger-table")
    shipped = next(r for r in table.rows if r["kind"] == "출고")
    assert shipped["summary"] == "ERP영업관리" and shipped["balance"] == "5,500,000"

    user.find("ledger-add").click()
    user.find("receipt-amount").type("abc")
    user.find("receipt-save").click()
    amount = _one(user, "receipt-amount")
    await soon(lambda: "원 단위 숫자" in amount.props.get("error-message", ""))
    amount.value = "2,000,000"
    user.find("receipt-memo").type("계좌입금")
    user.find("receipt-save").click()
    await user.should_see("외상잔액 3,500,000원", retries=50)
    receipt = await Receipt.get(partner_id=customer.partner_id)
    assert (
        receipt.amount == 2_000_000 and receipt.memo == "계좌입금" and receipt.received_on == dt.date.today()
    )
    assert [r["balance"] for r in table.rows if r["kind"]][-1] == "3,500,000"


async def test_ledger_order_entry_and_shipping(user: User):
    await make_admin(login="boss")
    await make_staff(login="clerk")
    customer = await make_trading_customer("재근상사")
    await sign_in(user, "clerk")
    await user.open(f"/ledger/{customer.partner_id}")
    await user.should_see("외상잔액 0원")
    assert [r for r in _one(user, "ledger-table").rows if r["kind"]] == []
    user.find("ledger-new-order").click()
    await user.should_see("수주등록 — 재근상사")
    user.find("lines-add-text").click()
    user.find("line-0-name").type("키락 교체")
    user.find("line-0-quantity").type("2")
    user.find("line-0-unit-price").type("150000")
    await soon(lambda: _one(user, "total-amount").text == "330,000")
    user.find("order-save").click()
    await user.should_see("을 저장했습니다.", retries=50)
    order = await SalesOrder.get(partner_id=customer.partner_id)
    assert order.total_amount == 330_000 and order.customer_id is None

    table = _one(user, "ledger-table")
    await soon(lambda: any(r["kind"] == "수주" for r in table.rows))
    row = next(r for r in table.rows if r["kind"] == "수주")
    user.find("ledger-table").trigger("rowClick", [None, row, 0])
    user.find("ledger-ship").click()
    await user.should_see("출고를 등록할까요?")
    user.find("confirm-yes").click()
    await user.should_see("외상잔액 330,000원", retries=50)


async def test_company_block_is_saved_with_messages_next_to_fields(user: User):
    await make_admin(login="boss")
    await sign_in(user, "boss")
    await user.open("/settings/company")
    await user.should_see(marker="company-save")
    user.find("company-name").type("(주)고객소프트")
    user.find("company-business-number").type("123-00-67890")
    user.find("company-save").click()
    number = _one(user, "company-business-number")
    await soon(lambda: bool(number.props.get("error-message")))
    assert (await company.get_company()).version == 0
    number.value = "123-45-67891"
    user.find("company-representative").type("김대표")
    user.find("company-save").click()
    await user.should_see("회사정보를 저장했습니다.", retries=50)
    info = await company.get_company()
    assert info.name == "(주)고객소프트" and info.representative == "김대표"


async def test_customer_tab_lists_quotes_with_balance_and_prints_a_preview(user: User):
    await make_admin(login="boss")
    clerk = await make_staff(login="clerk", name="김데모")
    customer = await make_trading_customer("재근상사")
    quote = await make_quote(clerk, customer, [line("ERP영업관리", 1, 5_000_000)], title="ERP 도입")
    await sign_in(user, "clerk")
    await user.open(f"/customers/{customer.id}?tab=quotes")
    await user.should_see("외상잔액 0원", retries=50)
    table = _one(user, "quote-table")
    await soon(lambda: [r["number"] for r in table.rows] == [quote.number])
    user.find("quote-table").trigger("rowClick", [None, table.rows[0], 0])
    user.find("quotes-print").click()
    await user.should_see(marker="pdf-frame", retries=100)
    frame = _one(user, "pdf-frame")
    url = frame.props["src"]
    response = await user.http_client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response.headers["content-disposition"].startswith("inline;")
    download = await user.http_client.get(url + "?download=1")
    assert download.headers["content-disposition"].startswith("attachment;")

    user.find("quotes-ship").click()
    await user.should_see("출고를 등록하고")
    user.find("confirm-yes").click()
    await user.should_see("외상잔액 5,500,000원", retries=50)


async def test_print_preview_is_only_for_the_person_who_printed(user: User):
    await make_admin(login="boss")
    clerk = await make_staff(login="clerk")
    await make_staff(login="other")
    quote = await make_quote(clerk, await make_trading_customer())
    await sign_in(user, "clerk")
    await user.open(f"/quotes/{quote.id}")
    await user.should_see(f"견적번호 {quote.number}")
    user.find("quote-print").click()
    await user.should_see(marker="pdf-frame", retries=100)
    url = _one(user, "pdf-frame").props["src"]
    assert (await user.http_client.get(url)).status_code == 200
    user.http_client.cookies.clear()
    assert (await user.http_client.get(url)).status_code == 401
    await sign_in(user, "other")
    assert (await user.http_client.get(url)).status_code == 404


async def test_ledger_goes_to_excel_and_print(user: User):
    await make_admin(login="boss")
    clerk = await make_staff(login="clerk")
    customer = await make_trading_customer("재근상사")
    quote = await make_quote(clerk, customer, [line("ERP영업관리", 1, 5_000_000)])
    await sales.process_to_shipment(quote.id, by=clerk)
    await sales.add_receipt(
        by=clerk, partner_id=customer.partner_id, received_on=dt.date.today(), amount=500_000
    )
    await sign_in(user, "clerk")
    await user.open(f"/ledger/{customer.partner_id}")
    await user.should_see("외상잔액 5,000,000원")
    user.find("ledger-excel").click()
    response = await user.download.next(timeout=10)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [r[1] for r in rows[:-1]] == [None, "출고", "수금"]  # 이월잔액, then the documents
    assert [r[7] for r in rows[:-1]] == [0, 5_500_000, 5_000_000]
    assert rows[-1] == ["[기간 합계]", None, None, None, 0, 5_500_000, 500_000, None]  # as printed
    user.find("ledger-print").click()
    await user.should_see(marker="pdf-frame", retries=100)
    pdf = (await user.http_client.get(_one(user, "pdf-frame").props["src"])).content
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "거래내역" in text and "재근상사" in text and "5,000,000" in text


async def test_the_ledgers_screen_excel_and_print_show_the_same_columns(user: User):
    await make_admin(login="boss")
    clerk = await make_staff(login="clerk")
    customer = await make_trading_customer("재근상사")
    quote = await make_quote(clerk, customer, [line("ERP영업관리", 1, 5_000_000)])
    await sales.process_to_shipment(quote.id, by=clerk)
    await sign_in(user, "clerk")
    await user.open(f"/ledger/{customer.partner_id}")
    await user.should_see("외상잔액 5,500,000원")
    labels = table_labels(user, "ledger-table")
    assert labels == ["일자", "구분", "번호", "적요", "수주금액", "출고금액", "수금액", "잔액"]
    sheet = await excel_rows(user, "ledger-excel")
    assert sheet[0] == labels
    text = await printed_text(user, "ledger-print", "거래내역 인쇄")
    assert all(label in text for label in labels) and "[기간 합계]" in text and "5,500,000" in text


async def test_order_entry_from_the_customer_tab_and_a_customer_without_partner(user: User):
    await make_admin(login="boss")
    await make_staff(login="clerk")
    customer = await make_trading_customer("재근상사")
    lonely = await make_customer("거래처없는상사")
    await sign_in(user, "clerk")
    await user.open(f"/customers/{lonely.id}?tab=quotes")
    await user.should_see(marker="quotes-no-partner", retries=50)
    await user.open(f"/customers/{customer.id}?tab=quotes")
    await user.should_see(marker="quotes-new-order", retries=50)
    user.find("quotes-new-order").click()
    await user.should_see("수주등록 — 재근상사", retries=50)
    user.find("order-save").click()
    await user.should_see("품목을 한 줄 이상 입력하세요.", retries=50)
    assert await SalesOrder.all().count() == 0


async def test_an_impossible_receipt_date_is_named_as_such_and_nothing_is_saved(user: User):
    await make_admin(login="boss")
    await make_staff(login="clerk")
    customer = await make_trading_customer("재근상사")
    await sign_in(user, "clerk")
    await user.open(f"/ledger/{customer.partner_id}")
    user.find("ledger-add").click()
    date = _one(user, "receipt-date")
    date.value = "2026-02-30"
    user.find("receipt-amount").type("5,500,000")
    user.find("receipt-save").click()
    await soon(lambda: date.props.get("error-message") == "존재하지 않는 날짜입니다.")
    assert not await Receipt.filter(partner_id=customer.partner_id).exists()


async def test_someone_saving_an_item_first_keeps_my_input_and_can_load_the_latest(user: User):
    boss = await make_admin(login="boss")
    item = await make_item("9998", "ERP영업관리", 5_000_000)
    await sign_in(user, "boss")
    await user.open("/codes/items")
    await user.should_see(marker="items-table")
    table = _one(user, "items-table")
    await soon(lambda: len(table.rows) == 1)
    user.find("items-table").trigger("rowDblclick", [{}, table.rows[0], 0])
    await user.should_see(marker="item-save", retries=30)

    await items.save_item(
        by=boss,
        code="9998",
        name="ERP영업관리",
        spec="5유저",
        unit_price=5_000_000,
        item_id=item.id,
        version=item.version,
    )
    user.find("item-spec").type("10유저")
    user.find("item-save").click()
    await user.should_see("내 입력과 저장된 값이 다른 항목: 규격", retries=30)
    assert _one(user, "item-spec").value == "10유저"  # kept
    user.find("conflict-reload").click()
    await soon(lambda: shown_values(user, "item-spec") == ["5유저"])  # the conflicted dialog is gone
    user.find("item-spec").clear().type("10유저")
    user.find("item-save").click()
    await user.should_see("저장했습니다.", retries=50)
    assert (await Item.get(id=item.id)).spec == "10유저"

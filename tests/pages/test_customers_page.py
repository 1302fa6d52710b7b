import datetime as dt
from urllib.parse import quote

import openpyxl
from nicegui import ui
from nicegui.testing import User

from core.audit import Actor
from models.card import BusinessCard
from models.customer import Customer, CustomerHistory, TradingPartner
from pages.customers.tabs import info
from services import customers
from services.customer_list import CUSTOMER_LIST_WITH_BALANCE
from services.customers import CustomerInput
from tests.factories.staff import make_admin, make_staff
from tests.list_checks import assert_printed_headers, assert_table_and_sheet_agree, pdf_text, sheet_rows
from tests.utils import eventually, previewed_pdf, sign_in


async def add(by: Actor, name: str, on: str, **fields) -> Customer:
    return await customers.save_customer(
        CustomerInput(company_name=name, registered_on=on, **fields), by=by, confirm_duplicates=True
    )


async def table(user: User, marker: str) -> ui.table:
    await user.should_see(marker=marker, retries=50)
    return user.find(marker).elements.pop()


def row_names(grid: ui.table) -> list[str]:
    return [row["company_name"] for row in grid.rows]


async def test_search_by_initials_and_phone_then_open_the_customer(user: User):
    boss = await make_admin(login="boss")
    await add(boss, "재근상사", "2014-02-13", phone="02-999-8888", representative="김대표")
    await add(boss, "하이디자인", "2016-09-21", phone="031-555-5555")
    await add(boss, "(주)해동통신", "2014-01-23", phone="02-808-8016")
    await sign_in(user, "boss")
    customers_table = await table(user, "customers-table")
    await eventually(lambda: len(customers_table.rows) == 3)
    assert row_names(customers_table) == ["하이디자인", "재근상사", "(주)해동통신"]  # newest code first
    await user.should_see("고객 3건")

    user.find("filter-company").type("ㅈㄱㅅㅅ")
    user.find("customers-search").click()
    await eventually(lambda: row_names(customers_table) == ["재근상사"])

    user.find("filter-company").clear()
    user.find("filter-phone").type("8016")
    user.find("filter-phone").trigger("keydown.enter")
    await eventually(lambda: row_names(customers_table) == ["(주)해동통신"])

    user.find("filter-phone").clear()
    user.find("filter-phone").type("80")
    user.find("customers-search").click()
    phone_filter = user.find("filter-phone").elements.pop()
    await eventually(lambda: "3자리" in phone_filter.props.get("error-message", ""))

    user.find("filter-phone").clear()
    user.find("filter-company").type("재근")
    user.find("customers-search").click()
    await eventually(lambda: row_names(customers_table) == ["재근상사"])
    user.find("customers-table").trigger("rowDblclick", [{}, customers_table.rows[0], 0])
    await user.should_see("고객정보 (재근상사)", retries=30)
    await user.should_see("140213-001")
    await user.should_see(marker="customer-company-name", retries=30)  # the tabs render after the header
    company = user.find("customer-company-name").elements.pop()
    assert company.value == "재근상사"


async def test_wrong_business_number_is_shown_next_to_the_field_and_nothing_is_saved(user: User):
    await make_admin()
    await make_staff(login="clerk")
    await sign_in(user, "clerk")
    await user.open("/customers/new")
    await user.should_see(marker="customer-company-name", retries=30)
    user.find("customer-company-name").type("새한상사")
    user.find("customer-business_number").type("111-22-33333")
    user.find("customer-phone").type("02-555-1234")
    user.find("customer-save").click()
    brn = user.find("customer-business_number").elements.pop()
    await eventually(lambda: "검증번호" in brn.props.get("error-message", ""))
    assert brn.value == "111-22-33333"
    assert user.find("customer-company-name").elements.pop().value == "새한상사"
    assert user.find("customer-phone").elements.pop().value == "02-555-1234"
    assert await Customer.all().count() == 0

    user.find("customer-business_number").clear()
    user.find("customer-business_number").type("111-22-33332")
    user.find("customer-save").click()
    await user.should_see("고객정보 (새한상사)", retries=30)
    saved = await Customer.get(company_name="새한상사")
    assert saved.business_number == "1112233332" and saved.phone == "02-555-1234"
    assert saved.code.endswith("-001")
    await user.should_see(saved.code)


async def test_a_history_note_is_added_with_author_and_time(user: User):
    await make_staff(login="clerk", name="이주연")
    boss = await make_admin()
    customer = await add(boss, "재근상사", "2014-02-13")
    await sign_in(user, "clerk")
    await user.open(f"/customers/{customer.id}")
    await user.should_see(marker="history-note", retries=30)
    user.find("history-add").click()
    note = user.find("history-note").elements.pop()
    await eventually(lambda: "입력하세요" in note.props.get("error-message", ""))
    user.find("history-note").type("담당자 이재근 과장으로 변경됨")
    user.find("history-add").click()
    history = await table(user, "history-table")
    await eventually(lambda: len(history.rows) == 1)
    assert history.rows[0]["author"] == "이주연"
    assert history.rows[0]["note"] == "담당자 이재근 과장으로 변경됨"
    assert note.value == ""
    assert await CustomerHistory.filter(customer_id=customer.id).count() == 1


async def test_the_history_notes_go_to_excel_and_print_named_after_the_customer(user: User):
    clerk = await make_staff(login="clerk", name="이주연")
    boss = await make_admin()
    customer = await add(boss, "재근상사", "2014-02-13")
    other = await add(boss, "다른상사", "2014-02-14")
    for text in ("담당자 변경", "주소 이전\n2층으로", "대표자 변경"):
        await customers.add_history_note(customer.id, text, by=clerk)
    await customers.add_history_note(other.id, "남의 이력", by=clerk)
    await sign_in(user, "clerk")
    await user.open(f"/customers/{customer.id}")
    history = await table(user, "history-table")
    await eventually(lambda: len(history.rows) == 3)
    assert [c["label"] for c in history.columns] == ["일시", "작성자", "내용"]
    user.find("history-excel").click()
    response = await user.download.next(timeout=30)
    assert (
        quote(f"업체정보이력_재근상사_{dt.date.today():%Y%m%d}.xlsx")
        in response.headers["content-disposition"]
    )
    rows = sheet_rows(response.content)
    assert_table_and_sheet_agree(info.HISTORY, history, rows)
    assert [r[1:] for r in rows] == [
        ("작성자", "내용"),
        ("이주연", "대표자 변경"),
        ("이주연", "주소 이전\n2층으로"),
        ("이주연", "담당자 변경"),
    ]
    assert all(isinstance(r[0], dt.datetime) for r in rows[1:])  # a date and time cell
    user.find("history-print").click()
    text = pdf_text(await previewed_pdf(user, "업체정보이력 인쇄"))
    assert_printed_headers(info.HISTORY, text)
    assert "업체정보이력 — 재근상사" in text and "대표자 변경" in text and "3건" in text
    assert "남의 이력" not in text


async def test_a_card_is_added_in_the_customer_window(user: User):
    await make_staff(login="clerk")
    boss = await make_admin()
    customer = await add(boss, "(주)A상호", "2015-07-01", address="서울시 금천구 가산동 123-45번지")
    await sign_in(user, "clerk")
    await user.open(f"/customers/{customer.id}")
    await user.should_see(marker="tab-cards", retries=30)
    user.find("tab-cards").click()
    await user.should_see(marker="customer-cards-add", retries=30)
    user.find("customer-cards-add").click()
    await user.should_see(marker="card-name", retries=30)
    assert user.find("card-company").elements.pop().value == "(주)A상호"
    user.find("card-mobile").type("010-1245-78")
    user.find("card-save").click()
    name = user.find("card-name").elements.pop()
    await eventually(lambda: name.props.get("error-message") == "이름을 입력하세요.")
    mobile = user.find("card-mobile").elements.pop()
    assert "전화번호" in mobile.props.get("error-message", "")
    mobile.value = "010-1245-7845"
    user.find("card-name").type("홍길동")
    user.find("card-save").click()
    await user.should_see("명함 '홍길동'을 저장했습니다.", retries=30)
    cards_table = await table(user, "customer-cards-table")
    await eventually(lambda: [r["name"] for r in cards_table.rows] == ["홍길동"])
    tab = user.find("tab-cards").elements.pop()
    await eventually(lambda: tab.props["label"] == "명함관리 (1)")  # at once, without changing tab
    card = await BusinessCard.get(name="홍길동")
    assert card.customer_id == customer.id and card.company_address == "서울시 금천구 가산동 123-45번지"


async def test_a_stale_save_keeps_the_typed_values_and_names_who_changed_it(user: User):
    await make_admin()
    await make_staff(login="clerk")
    other = await make_staff(name="현빈")
    customer = await add(other, "재근상사", "2014-02-13")
    await sign_in(user, "clerk")
    await user.open(f"/customers/{customer.id}")
    await user.should_see(marker="customer-memo", retries=30)
    theirs = CustomerInput.of(customer)
    theirs.memo = "현빈이 먼저 저장"
    await customers.save_customer(theirs, by=other, customer_id=customer.id, version=customer.version)
    user.find("customer-memo").type("내가 쓴 메모")
    user.find("customer-save").click()
    await user.should_see("현빈님이", retries=30)
    assert user.find("customer-memo").elements.pop().value == "내가 쓴 메모"
    assert (await Customer.get(id=customer.id)).memo == "현빈이 먼저 저장"
    # my edit, re-applied on top of 현빈's version: the differing field is named
    await user.should_see("내 입력과 저장된 값이 다른 항목: 메모")
    user.find("conflict-reapply").click()
    await eventually(lambda: Customer.filter(id=customer.id, memo="내가 쓴 메모").exists())


async def test_erp_partner_is_created_from_the_customer_window(user: User):
    await make_staff(login="clerk")
    boss = await make_admin()
    customer = await add(boss, "재근상사", "2014-02-13", business_number="111-22-33332", phone="02-999-8888")
    await sign_in(user, "clerk")
    await user.open(f"/customers/{customer.id}")
    await user.should_see(marker="tab-partner", retries=30)
    user.find("tab-partner").click()
    await user.should_see(marker="partner-create", retries=30)
    user.find("partner-create").click()
    await user.should_see(marker="partner-save", retries=30)
    assert user.find("partner-name").elements.pop().value == "재근상사"
    assert user.find("partner-code").elements.pop().value == "140213-001"
    user.find("partner-save").click()
    await user.should_see("거래처를 등록하고 연결했습니다.", retries=30)
    partner = await TradingPartner.get(code="140213-001")
    assert (await Customer.get(id=customer.id)).partner_id == partner.id
    # the window's own save still works after the link changed the customer's version
    user.find("tab-info").click()
    user.find("customer-memo").type("거래처 연결 후 저장")
    user.find("customer-save").click()
    await user.should_see("저장했습니다.", retries=30)
    assert (await Customer.get(id=customer.id)).memo == "거래처 연결 후 저장"


async def test_excel_export_of_the_customer_list(user: User):
    boss = await make_admin(login="boss")
    await add(boss, "재근상사", "2014-02-13", phone="02-999-8888")
    await add(boss, "하이디자인", "2016-09-21")
    await sign_in(user, "boss")
    customers_table = await table(user, "customers-table")
    await eventually(lambda: len(customers_table.rows) == 2)
    user.find("filter-company").type("ㅎㅇ")
    user.find("customers-excel").click()
    response = await user.download.next(timeout=10)
    assert response.status_code == 200
    import io

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["D1"].value == "법인상호" and sheet["D2"].value == "하이디자인" and sheet.max_row == 2


async def test_the_customer_list_its_excel_and_its_print_are_one_declaration(user: User):
    boss = await make_admin(login="boss")
    await add(boss, "재근상사", "2014-02-13", phone="02-999-8888", business_number="111-22-33332")
    await add(boss, "하이디자인", "2016-09-21", mobile="010-1234-5678", memo="=HYPERLINK(1)")
    await sign_in(user, "boss")
    customers_table = await table(user, "customers-table")
    await eventually(lambda: len(customers_table.rows) == 2)

    user.find("filter-balance").click()  # 외상잔액 joins the table, the sheet and the print
    await eventually(lambda: customers_table.columns[-1]["label"] == "외상잔액")
    await eventually(lambda: all(row.get("balance") == "0" for row in customers_table.rows))
    user.find("customers-excel").click()
    response = await user.download.next(timeout=30)
    rows = sheet_rows(response.content)
    assert_table_and_sheet_agree(CUSTOMER_LIST_WITH_BALANCE, customers_table, rows)
    assert rows[0][2] == "고객상태" and rows[0][-2:] == ("메모", "외상잔액")  # the import's words
    assert rows[1][-2:] == ("=HYPERLINK(1)", 0)

    user.find("filter-company").type("ㅈㄱ")
    user.find("customers-print").click()
    text = pdf_text(await previewed_pdf(user, "고객 목록 인쇄"))
    assert_printed_headers(CUSTOMER_LIST_WITH_BALANCE, text)
    assert "조건: 법인상호 'ㅈㄱ'" in text and "1건" in text
    assert "재근상사" in text and "111-22-33332" in text and "하이디자인" not in text


async def test_closing_with_unsaved_changes_asks_first(user: User):
    boss = await make_admin(login="boss")
    customer = await add(boss, "재근상사", "2014-02-13", business_number="111-22-33332", phone="02-999-8888")
    await sign_in(user, "boss")
    await user.open(f"/customers/{customer.id}")
    await user.should_see(marker="customer-memo", retries=30)
    user.find("customer-close").click()
    await user.should_see(marker="customers-table", retries=30)  # nothing changed: closes at once

    await user.open(f"/customers/{customer.id}")
    await user.should_see(marker="customer-memo", retries=30)
    user.find("customer-memo").type("아직 저장 안 함")
    user.find("customer-close").click()
    await user.should_see("저장하지 않은 내용이 있습니다. 저장하지 않고 이동할까요?", retries=30)
    user.find("confirm-no").click()
    await user.should_see("고객정보 (재근상사)")
    assert user.find("customer-memo").elements.pop().value == "아직 저장 안 함"


async def test_the_customer_window_shows_how_many_rows_each_tab_holds(user: User):
    import datetime as dt

    await make_staff(login="clerk")
    boss = await make_admin()
    customer = await add(boss, "(주)A상호", "2015-07-01")
    for name in ("홍길동", "김철수"):
        await BusinessCard.create(customer_id=customer.id, name=name, registered_on=dt.date(2020, 1, 1))
    await sign_in(user, "clerk")
    await user.open(f"/customers/{customer.id}")
    await user.should_see(marker="tab-cards", retries=30)
    tab = user.find("tab-cards").elements.pop()
    assert tab.props["label"] == "명함관리 (2)"
    assert user.find("tab-quotes").elements.pop().props["label"] == "견적서관리 (0)"
    await BusinessCard.create(customer_id=customer.id, name="이영희", registered_on=dt.date(2020, 1, 1))
    user.find("tab-cards").click()  # changing tab reads the counts again
    await eventually(lambda: tab.props["label"] == "명함관리 (3)")


async def test_a_double_click_in_the_partner_picker_links_once_without_a_false_conflict(user: User):
    import asyncio

    from nicegui import background_tasks

    await make_staff(login="clerk", name="이주연")
    boss = await make_admin()
    customer = await add(boss, "재근상사", "2014-02-13")
    partner = await TradingPartner.create(code="P0001", name="재근상사 본점")
    await sign_in(user, "clerk")
    await user.open(f"/customers/{customer.id}")
    await user.should_see(marker="tab-partner", retries=30)
    user.find("tab-partner").click()
    await user.should_see(marker="partner-search", retries=30)
    user.find("partner-search").click()
    results = await table(user, "partner-results")
    await eventually(lambda: [r["code"] for r in results.rows] == ["P0001"])

    # a browser's double-click: click, click, dblclick on the same row, all at once
    before = set(background_tasks.running_tasks)
    row = results.rows[0]
    picker = user.find("partner-results")
    picker.trigger("rowClick", [{}, row, 0]).trigger("rowClick", [{}, row, 0])
    picker.trigger("rowDblclick", [{}, row, 0])
    gestures = [t for t in background_tasks.running_tasks - before if "_link" in t.get_name()]
    assert gestures  # the handlers run as background tasks: wait for every one of them
    await asyncio.gather(*gestures)

    await user.should_see("거래처 '재근상사 본점'을 연결했습니다.", retries=30)
    assert not user.notify.contains("먼저 수정했습니다")  # no conflict naming the user themself
    assert sum("연결했습니다" in m for m in user.notify.messages) == 1
    linked = await Customer.get(id=customer.id)
    assert linked.partner_id == partner.id and linked.version == customer.version + 1
    await user.should_see(marker="partner-거래처코드", retries=30)
    assert user.find("partner-거래처코드").elements.pop().text == "P0001"


def key_press(name: str) -> dict:
    """A keydown as the browser's keyboard listener sends it to ui.keyboard."""
    return {
        "action": "keydown",
        "key": name,
        "code": name,
        "location": 0,
        "repeat": False,
        "altKey": False,
        "ctrlKey": False,
        "metaKey": False,
        "shiftKey": False,
    }


async def test_f3_searches_and_f5_adds_on_the_customer_search(user: User):
    boss = await make_admin(login="boss")
    await add(boss, "재근상사", "2014-02-13")
    await add(boss, "하이디자인", "2016-09-21")
    await sign_in(user, "boss")
    customers_table = await table(user, "customers-table")
    await eventually(lambda: len(customers_table.rows) == 2)
    user.find("filter-company").type("ㅎㅇ")
    keyboard = user.find(ui.keyboard)
    keyboard.trigger("key", {**key_press("F3"), "action": "keyup"})  # releasing a key does nothing
    keyboard.trigger("key", key_press("F3"))
    await eventually(lambda: row_names(customers_table) == ["하이디자인"])
    await user.should_see("고객 1건")

    keyboard.trigger("key", key_press("F5"))
    await user.should_see("고객정보 (새 고객)", retries=30)
    assert user.back_history[-1] == "/customers/new"


async def test_required_fields_are_highlighted_in_the_customer_window(user: User):
    from pages.customers.fields import REQUIRED_PROPS

    await make_admin(login="boss")
    await sign_in(user, "boss")
    await user.open("/customers/new")
    await user.should_see(marker="customer-company-name", retries=30)
    assert REQUIRED_PROPS == "bg-color=yellow-2"  # the manual's yellow: 노란색 부분은 필수 입력 값
    for marker in ("customer-company-name", "customer-registered-on"):
        assert user.find(marker).elements.pop().props.get("bg-color") == "yellow-2", marker
    for marker in ("customer-representative", "customer-phone", "customer-business_number"):
        assert "bg-color" not in user.find(marker).elements.pop().props, marker


async def test_a_duplicate_business_number_warns_and_offers_to_open_the_other_customer(user: User):
    boss = await make_admin(login="boss")
    jaegeun = await add(boss, "재근상사", "2014-02-13", business_number="111-22-33332", phone="02-999-8888")
    await sign_in(user, "boss")
    await user.open("/customers/new")
    await user.should_see(marker="customer-company-name", retries=30)
    user.find("customer-company-name").type("재근상사 안산지점")
    user.find("customer-business_number").type("111-22-33332")
    user.find("customer-save").click()
    await user.should_see("이미 등록된 고객과 겹칩니다", retries=30)
    await user.should_see("재근상사 (140213-001): 사업자번호가 같습니다.")
    assert await Customer.all().count() == 1  # nothing saved while the user decides
    assert user.find("customer-company-name").elements.pop().value == "재근상사 안산지점"

    user.find("duplicate-open").click()  # the browser opens it in a new tab; here it is the next page
    await user.should_see("고객정보 (재근상사)", retries=30)
    assert user.back_history[-1] == f"/customers/{jaegeun.id}"
    assert await Customer.all().count() == 1


async def test_a_duplicate_phone_warns_and_saves_anyway_when_asked(user: User):
    boss = await make_admin(login="boss")
    await add(boss, "재근상사", "2014-02-13", business_number="111-22-33332", phone="02-999-8888")
    await sign_in(user, "boss")
    await user.open("/customers/new")
    await user.should_see(marker="customer-company-name", retries=30)
    user.find("customer-company-name").type("재근물산")
    user.find("customer-phone").type("029998888")  # digits only, as typed
    user.find("customer-save").click()
    await user.should_see("재근상사 (140213-001): 전화번호가 같습니다.", retries=30)
    assert await Customer.all().count() == 1

    user.find("duplicate-save").click()
    await user.should_see("고객정보 (재근물산)", retries=30)
    saved = await Customer.get(company_name="재근물산")
    assert saved.phone == "02-999-8888" and await Customer.all().count() == 2
    assert user.back_history[-1] == f"/customers/{saved.id}"


async def test_reminder_opt_out_is_ticked_in_the_customer_window_and_saved(user: User):
    await make_staff(login="clerk")
    customer = await add(await make_admin(), "재근상사", "2014-02-13")
    await sign_in(user, "clerk")
    await user.open(f"/customers/{customer.id}")
    await user.should_see(marker="customer-reminder-opt-out", retries=50)
    assert user.find("customer-reminder-opt-out").elements.pop().value is False
    user.find("customer-reminder-opt-out").click()
    user.find("customer-save").click()
    await eventually(lambda: Customer.filter(id=customer.id, reminder_opt_out=True).exists())

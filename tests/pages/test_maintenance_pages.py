"""유지보수관리 screens as a user drives them: TOSP작성 from 유지보수대상업체 for two customers, then
계약 in the customer window's 유지보수관리 tab, and the product's 유상종료일 follows."""

import datetime as dt
import io

import openpyxl
from nicegui import ui
from nicegui.testing import User
from pypdf import PdfReader

from core.audit import SYSTEM
from models.maintenance import ContractState, MaintenanceContract
from models.product import CustomerProduct
from tests.factories.customers import make_customer
from tests.factories.maintenance import make_product
from tests.factories.staff import make_admin, make_staff
from tests.list_checks import excel_rows, printed_text, table_labels
from tests.utils import eventually, previewed_pdf, sign_in


def _table(user: User, marker: str) -> ui.element:
    return next(iter(user.find(marker).elements))


async def _agreements_for_every_row(user: User, due) -> ui.table:
    """TOSP작성 for every row of the due list, then the 동의서작성 tab with the two agreements."""
    due.selected = list(due.rows)
    user.find("tosp-open").click()
    await user.should_see("레코드수 2", retries=30)
    user.find("tosp-submit").click()
    await user.should_see("유지보수동의서 2건을 작성했습니다 (발송전).", retries=30)
    user.find("main-tab-agreements").click()
    agreements = _table(user, "agreement-table")
    await eventually(lambda: len(agreements.rows) == 2)
    return agreements


async def _set_period(user: User, start: str, end: str) -> None:
    # ui.date_input is typed into like a text field; the simulated user sets its value directly
    with user.client:
        _table(user, "period-from").value = start
        _table(user, "period-to").value = end
    user.find("search").click()


async def test_batch_agreements_then_signing_one_in_the_customer_window(user: User):
    await make_admin(login="boss")
    await make_staff(login="clerk", name="김데모")
    jaegeun = await make_customer("재근상사")
    mode = await make_customer("모드시스템")
    later = await make_customer("나중상사")
    jaegeun_product = await make_product(
        SYSTEM,
        jaegeun,
        free_end_on=dt.date(2019, 3, 31),
        modules=[("C011", 20, 5_000_000)],
        key_locks=["NZ090101"],
    )
    await make_product(SYSTEM, mode, paid_end_on=dt.date(2019, 6, 30), modules=[("C011", 3, 200_000)])
    await make_product(SYSTEM, later, free_end_on=dt.date(2021, 1, 31), modules=[("C011", 1, 100_000)])

    await sign_in(user, "clerk")
    await user.open("/maintenance")
    await user.should_see(marker="period-from", retries=50)
    await _set_period(user, "2019-01-01", "2019-12-31")
    due = _table(user, "due-table")
    await eventually(lambda: {r["company_name"] for r in due.rows} == {"재근상사", "모드시스템"})
    await user.should_see("유지보수[무상+재계약] (2)")
    await user.should_see("유지보수[재계약] (1)")
    assert next(r for r in due.rows if r["company_name"] == "재근상사")["amount"] == "5,000,000"

    due.selected = list(due.rows)
    user.find("tosp-open").click()
    await user.should_see("레코드수 2", retries=30)
    user.find("tosp-submit").click()
    await user.should_see("유지보수동의서 2건을 작성했습니다 (발송전).", retries=30)
    contracts = await MaintenanceContract.all().order_by("id")
    assert len(contracts) == 2 and all(c.state == ContractState.BEFORE_SENDING for c in contracts)
    await eventually(lambda: all(r["written"] == "●" for r in due.rows))

    # the same selection again: refused, nothing new
    due.selected = list(due.rows)
    user.find("tosp-open").click()
    await user.should_see("레코드수 2", retries=30)
    user.find("tosp-submit").click()
    await user.should_see("이미 작성되어서 작성하지 못한 고객 2곳", retries=30)
    assert await MaintenanceContract.all().count() == 2

    # the written agreements are listed in 유지보수동의서작성 → TOSP발송전
    user.find("main-tab-agreements").click()
    agreements = _table(user, "agreement-table")
    await eventually(lambda: {r["company_name"] for r in agreements.rows} == {"재근상사", "모드시스템"})

    # sign 재근상사's agreement in its customer window
    await user.open(f"/customers/{jaegeun.id}")
    await user.should_see(marker="tab-products", retries=50)
    user.find("tab-maintenance").click()
    await user.should_see(marker="contracts-table", retries=30)
    table = _table(user, "contracts-table")
    user.find("contracts-tab-before_sending").click()
    await eventually(lambda: len(table.rows) == 1)
    assert table.rows[0]["state"] == "발송전" and table.rows[0]["end_on"] == "2020-03-31"
    user.find("contracts-table").trigger("rowClick", [{}, table.rows[0], 0])  # a click on the row selects it
    user.find("contract-sign").click()
    await user.should_see("제품의 유상종료일이 2020-03-31로 바뀌었습니다.", retries=30)
    await eventually(lambda: table.rows == [])  # it left 동의서작성
    await user.should_see("동의서작성 (0)")
    user.find("contracts-tab-contracted").click()
    await eventually(lambda: len(table.rows) == 1 and table.rows[0]["state"] == "계약")
    await user.should_see("유지보수계약 (1)")

    user.find("tab-products").click()
    await user.should_see(marker="products-table", retries=30)
    products = _table(user, "products-table")
    await eventually(lambda: products.rows and products.rows[0]["paid_end"] == "2020-03-31")
    assert (await CustomerProduct.get(id=jaegeun_product.id)).paid_end_on == dt.date(2020, 3, 31)

    # 계약 → 발송전: the paid end date goes back, and the message says from what to what
    user.find("tab-maintenance").click()
    user.find("contracts-tab-contracted").click()
    await eventually(lambda: len(table.rows) == 1 and table.rows[0]["state"] == "계약")
    user.find("contracts-table").trigger("rowClick", [{}, table.rows[0], 0])
    user.find("contract-unsign").click()
    await user.should_see(
        "'뉴젠ERP 2019-04-01 ~ 2020-03-31'을 발송전으로 되돌렸습니다. "
        "제품의 유상종료일 2020-03-31이 지워졌습니다 (계약 전에는 없었습니다).",
        retries=30,
    )
    assert (await CustomerProduct.get(id=jaegeun_product.id)).paid_end_on is None


async def test_a_key_lock_of_another_customer_is_refused_in_the_products_tab(user: User):
    await make_admin(login="boss")
    await make_staff(login="clerk")
    owner = await make_customer("재근상사", code="140213-001")
    await make_product(SYSTEM, owner, key_locks=["NZ090101"])
    other = await make_customer("모드시스템")
    await sign_in(user, "clerk")
    await user.open(f"/customers/{other.id}")
    await user.should_see(marker="tab-products", retries=50)
    user.find("tab-products").click()
    await user.should_see(marker="products-add", retries=30)
    user.find("products-add").click()
    await user.should_see(marker="product-save", retries=30)
    user.find("product-group").click()
    user.find("뉴젠ERP").click()
    chips = next(iter(user.find("product-key-locks").elements))
    chips.value = ["NZ090101"]
    user.find("product-save").click()
    await eventually(lambda: "재근상사(140213-001)" in chips.props.get("error-message", ""))
    assert chips.value == ["NZ090101"]  # what was typed stays
    assert not await CustomerProduct.filter(customer_id=other.id).exists()


async def test_a_contract_without_a_product_points_to_the_products_tab(user: User):
    await make_admin(login="boss")
    await make_staff(login="clerk")
    customer = await make_customer("제품없는상사")
    await sign_in(user, "clerk")
    await user.open(f"/customers/{customer.id}")
    await user.should_see(marker="tab-products", retries=50)
    user.find("tab-maintenance").click()
    await user.should_see(marker="contracts-add", retries=30)
    user.find("contracts-add").click()
    await user.should_see("제품관리 탭에 제품을 먼저 등록하세요.", retries=30)


async def test_adding_a_contract_computes_the_total_and_keeps_the_window_open(user: User):
    await make_admin(login="boss")
    await make_staff(login="clerk")
    customer = await make_customer("재근상사")
    await make_product(
        SYSTEM,
        customer,
        free_end_on=dt.date(2019, 3, 31),
        modules=[("C011", 20, 5_000_000)],
        key_locks=["NZ090101"],
    )
    await sign_in(user, "clerk")
    await user.open(f"/customers/{customer.id}")
    await user.should_see(marker="tab-products", retries=50)
    user.find("tab-maintenance").click()
    await user.should_see(marker="contracts-add", retries=30)
    user.find("contracts-add").click()
    await user.should_see(marker="contract-save", retries=30)
    await user.should_see("유지보수금액 합계: 5,000,000원 (내역 + 소급비)")
    user.find("contract-fee").clear().type("300000")
    await user.should_see("유지보수금액 합계: 5,300,000원 (내역 + 소급비)")
    user.find("contract-save").click()
    await user.should_see("저장했습니다.", retries=30)
    await user.should_see("유지보수 계약 수정")  # still open, now editing the saved contract
    contract = await MaintenanceContract.get(customer_id=customer.id)
    assert contract.total_amount == 5_300_000
    assert (contract.start_on, contract.end_on) == (dt.date(2019, 4, 1), dt.date(2020, 3, 31))


async def test_the_contract_editor_shows_every_problem_at_once_and_keeps_the_input(user: User):
    await make_admin(login="boss")
    await make_staff(login="clerk")
    customer = await make_customer("재근상사")
    await make_product(SYSTEM, customer, free_end_on=dt.date(2019, 3, 31), modules=[("C011", 20, 5_000_000)])
    await sign_in(user, "clerk")
    await user.open(f"/customers/{customer.id}")
    await user.should_see(marker="tab-products", retries=50)
    user.find("tab-maintenance").click()
    await user.should_see(marker="contracts-add", retries=30)
    user.find("contracts-add").click()
    await user.should_see(marker="contract-save", retries=30)
    start, end = _table(user, "contract-start"), _table(user, "contract-end")
    settlement = _table(user, "contract-settlement")
    with user.client:
        start.value = "2019-04-0x"  # cannot be read: checked here, the rest by the service
        settlement.value = "2019/04"
    user.find("contract-save").click()
    await user.should_see(marker="contract-problems", retries=30)
    problems = _table(user, "contract-problems")
    await eventually(lambda: "정산월" in problems.text)
    assert "고칠 곳 2군데" in problems.text and "• 시작일: 날짜는 연-월-일" in problems.text
    assert "• 정산월: 정산월은 연-월로" in problems.text
    assert start.props["error"] and settlement.props["error"] and not end.props.get("error")
    assert (start.value, settlement.value) == ("2019-04-0x", "2019/04")

    with user.client:
        start.value = "2020-04-01"
        end.value = "2020-03-31"
    user.find("contract-save").click()
    await eventually(lambda: "종료일" in problems.text)
    assert "• 종료일: 종료일은 시작일과 같거나 뒤여야 합니다." in problems.text
    assert "• 정산월:" in problems.text and "시작일:" not in problems.text
    assert end.props["error"] and settlement.props["error"] and not start.props.get("error")
    assert not await MaintenanceContract.exists()

    with user.client:
        end.value = "2021-03-31"
        settlement.value = "2020-04"
    user.find("contract-save").click()
    await user.should_see("저장했습니다.", retries=30)
    assert not problems.visible and not end.props.get("error")
    assert (await MaintenanceContract.get(customer_id=customer.id)).settlement_month == "2020-04"


async def _due_office_on_screen(user: User) -> tuple:
    await make_admin(login="boss")
    await make_staff(login="clerk")
    jaegeun = await make_customer("재근상사")
    mode = await make_customer("=모드시스템")  # a name Excel must never run as a formula
    await make_product(SYSTEM, jaegeun, free_end_on=dt.date(2019, 3, 31), modules=[("C011", 20, 5_000_000)])
    await make_product(SYSTEM, mode, paid_end_on=dt.date(2019, 6, 30), modules=[("C011", 3, 200_000)])
    await sign_in(user, "clerk")
    await user.open("/maintenance")
    await user.should_see(marker="period-from", retries=50)
    await _set_period(user, "2019-01-01", "2019-12-31")
    due = _table(user, "due-table")
    await eventually(lambda: len(due.rows) == 2)
    return jaegeun, mode, due


async def test_the_due_list_exports_to_excel_and_prints(user: User):
    await _due_office_on_screen(user)
    user.find("excel").click()
    response = await user.download.next(timeout=10)
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("작성", "거래처코드", "거래처명")
    by_name = {r[2]: r for r in rows[1:]}
    assert set(by_name) == {"재근상사", "=모드시스템"}
    assert by_name["재근상사"][9] == dt.datetime(2019, 3, 31) and by_name["재근상사"][11] == 5_000_000
    assert sheet.cell(row=2, column=3).data_type == "s"  # text, never a formula

    user.find("print").click()
    pdf = await previewed_pdf(user)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "유지보수대상업체 - 유지보수[무상+재계약]" in text
    assert "재근상사" in text and "=모드시스템" in text and "5,000,000" in text


async def test_the_due_and_agreement_lists_screen_excel_and_print_show_the_same_columns(user: User):
    _, _, due = await _due_office_on_screen(user)
    labels = table_labels(user, "due-table")
    assert labels[0] == "순번" and "거래처코드" not in labels  # 순번 on the screen, 거래처코드 in the files
    sheet = await excel_rows(user, "excel")
    assert sheet[0] == [labels[1], "거래처코드", *labels[2:]]
    text = await printed_text(user, "print", "유지보수대상업체 인쇄")
    assert all(label in text for label in sheet[0]) and "2건" in text

    await _agreements_for_every_row(user, due)
    labels = table_labels(user, "agreement-table")
    sheet = await excel_rows(user, "excel")
    assert labels[0] == "순번" and sheet[0] == labels[1:]
    text = await printed_text(user, "print", "유지보수동의서작성 인쇄")
    assert all(label in text for label in sheet[0])


async def test_right_click_offers_ledger_and_customer_window(user: User):
    _, _, due = await _due_office_on_screen(user)
    row = next(r for r in due.rows if r["company_name"] == "재근상사")
    user.find("due-table").trigger("rowContextmenu", [{}, row, 0])
    user.find("menu-거래내역").click()
    await user.should_see("재근상사: 연결된 거래처 없음", retries=30)
    user.find("due-table").trigger("rowContextmenu", [{}, row, 0])
    user.find("menu-고객정보").click()
    await user.should_see(marker="tab-products", retries=30)
    user.find("tab-products").click()
    await user.should_see(marker="products-table", retries=30)
    products = _table(user, "products-table")
    await eventually(lambda: products.rows and products.rows[0]["free_end"] == "2019-03-31")


async def test_agreements_change_state_in_the_menu_and_print(user: User):
    _, mode, due = await _due_office_on_screen(user)
    agreements = await _agreements_for_every_row(user, due)
    agreements.selected = [r for r in agreements.rows if r["company_name"] == "=모드시스템"]
    user.find("agreement-sign").click()
    await user.should_see(
        "1건을 계약으로 바꿨습니다. =모드시스템 제품의 유상종료일이 2019-06-30에서 2020-06-30으로 바뀌었습니다.",
        retries=30,
    )
    # and back to 발송전: 모드시스템's paid end date returns to what it was
    user.find("agreement-tab-contracted").click()
    await eventually(lambda: [r["company_name"] for r in agreements.rows] == ["=모드시스템"])
    agreements.selected = list(agreements.rows)
    user.find("agreement-unsign").click()
    await user.should_see(
        "1건을 발송전으로 되돌렸습니다. =모드시스템 제품의 유상종료일이 2020-06-30에서 2019-06-30으로 돌아갔습니다.",
        retries=30,
    )
    assert (await CustomerProduct.get(customer_id=mode.id)).paid_end_on == dt.date(2019, 6, 30)
    user.find("agreement-tab-before_sending").click()
    await eventually(lambda: len(agreements.rows) == 2)
    agreements.selected = [r for r in agreements.rows if r["company_name"] == "=모드시스템"]
    user.find("agreement-sign").click()
    await user.should_see("2020-06-30으로 바뀌었습니다.", retries=30)
    await eventually(lambda: [r["company_name"] for r in agreements.rows] == ["재근상사"])
    await user.should_see("TOSP계약 (1)")
    product = await CustomerProduct.get(customer_id=mode.id)
    assert product.paid_end_on == dt.date(2020, 6, 30)
    # 재계약 list for 2019 no longer needs 모드시스템's row marked: its paid end moved on
    await eventually(lambda: {r["company_name"] for r in due.rows} == {"재근상사"})

    agreements.selected = list(agreements.rows)
    user.find("agreement-print").click()
    pdf = await previewed_pdf(user)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "재근상사" in text and "2019-04-01 ~ 2020-03-31" in text


async def test_the_agreement_list_exports_to_excel_and_prints(user: User):
    jaegeun, mode, due = await _due_office_on_screen(user)
    agreements = await _agreements_for_every_row(user, due)
    agreements.selected = [r for r in agreements.rows if r["company_name"] == "=모드시스템"]
    user.find("agreement-sign").click()
    await eventually(lambda: [r["company_name"] for r in agreements.rows] == ["재근상사"])
    user.find("agreement-tab-all").click()
    await eventually(lambda: len(agreements.rows) == 2)

    user.find("excel").click()
    response = await user.download.next(timeout=10)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "정산월", "정산", "거래처명", "제품군", "소급비", "유지보수금액", "최초납품일",
        "계약일자", "시작일", "종료일자", "사업자번호", "유형", "납입형태",
    )  # fmt: skip
    by_name = {r[2]: r for r in rows[1:]}
    assert set(by_name) == {"재근상사", "=모드시스템"}
    contracts = {c.customer_id: c for c in await MaintenanceContract.all()}
    first, second = contracts[jaegeun.id], contracts[mode.id]
    assert by_name["재근상사"][1] == "발송전" and by_name["=모드시스템"][1] == "계약"
    assert by_name["재근상사"][5] == 5_000_000 and by_name["=모드시스템"][5] == 200_000
    assert by_name["재근상사"][8:10] == (dt.datetime(2019, 4, 1), dt.datetime(2020, 3, 31))
    assert by_name["=모드시스템"][8:10] == (dt.datetime(2019, 7, 1), dt.datetime(2020, 6, 30))
    assert by_name["재근상사"][7] == dt.datetime.combine(first.contract_date, dt.time())
    assert by_name["=모드시스템"][11] == second.contract_type.value
    mode_row = next(i for i, r in enumerate(rows, start=1) if r[2] == "=모드시스템")
    assert sheet.cell(row=mode_row, column=3).data_type == "s"  # text, never a formula

    user.find("print").click()
    pdf = await previewed_pdf(user)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "유지보수동의서작성 - 전체" in text and "2건" in text
    assert "재근상사" in text and "=모드시스템" in text
    assert "5,000,000" in text and "200,000" in text and "2020-06-30" in text


async def test_someone_saving_a_product_first_keeps_my_input_and_reapplies_it(user: User):
    from core.audit import acting_as

    await make_admin(login="boss")
    await make_staff(login="clerk")
    customer = await make_customer("재근상사")
    product = await make_product(SYSTEM, customer, key_locks=["NZ090101"])
    await sign_in(user, "clerk")
    await user.open(f"/customers/{customer.id}")
    await user.should_see(marker="tab-products", retries=50)
    user.find("tab-products").click()
    await user.should_see(marker="products-table", retries=30)
    table = _table(user, "products-table")
    await eventually(lambda: len(table.rows) == 1)
    user.find("products-table").trigger("rowDblclick", [{}, table.rows[0], 0])
    await user.should_see(marker="product-save", retries=30)

    stored = await CustomerProduct.get(id=product.id)  # someone else saves it meanwhile
    stored.note = "남이 쓴 비고"
    with acting_as(SYSTEM):
        await stored.save()

    user.find("product-note").type("내가 쓴 비고")
    user.find("product-save").click()
    await user.should_see("내 입력과 저장된 값이 다른 항목: 비고", retries=30)
    user.find("conflict-reapply").click()
    await eventually(CustomerProduct.filter(id=product.id, note="내가 쓴 비고").exists)


async def test_someone_saving_a_contract_first_keeps_my_input_and_reapplies_it(user: User):
    from core.audit import acting_as

    await make_admin(login="boss")
    await make_staff(login="clerk")
    customer = await make_customer("재근상사")
    await make_product(SYSTEM, customer, free_end_on=dt.date(2019, 3, 31), modules=[("C011", 20, 5_000_000)])
    await sign_in(user, "clerk")
    await user.open(f"/customers/{customer.id}")
    await user.should_see(marker="tab-products", retries=50)
    user.find("tab-maintenance").click()
    await user.should_see(marker="contracts-add", retries=30)
    user.find("contracts-add").click()
    await user.should_see(marker="contract-save", retries=30)
    user.find("contract-save").click()
    await user.should_see("유지보수 계약 수정", retries=30)
    contract = await MaintenanceContract.get(customer_id=customer.id)

    contract.note = "남이 쓴 비고"  # someone else saves the contract while it is open here
    with acting_as(SYSTEM):
        await contract.save()

    user.find("contract-note").type("내가 쓴 비고")
    user.find("contract-save").click()
    await user.should_see("내 입력과 저장된 값이 다른 항목: 비고", retries=30)
    user.find("conflict-reapply").click()
    await eventually(MaintenanceContract.filter(id=contract.id, note="내가 쓴 비고").exists)

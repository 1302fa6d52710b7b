"""Conflicts keep my work on the small edit forms: when someone saved the same record first, the
form names the differing field and offers to save my input on top of the latest version
(내 입력으로 다시 저장) or to load the latest (최신 내용 불러오기). The rows of 기초정보등록's grid
do the same (tests/pages/test_codes_page.py)."""

import datetime as dt
from dataclasses import replace

from nicegui.testing import User

from models.customer import Customer, TradingPartner
from models.sales import Receipt
from models.staff import Role, Staff
from models.visit import HtmlTemplate
from services import company, customers, html_templates, sales, staff
from services import telephony_settings as ts
from services.customers import CustomerInput
from tests.factories.sales import make_trading_customer
from tests.factories.staff import make_admin, make_staff
from tests.utils import eventually, shown_values, sign_in


def _one(user: User, marker: str):
    return next(iter(user.find(marker).elements))


async def _open_receipt(user: User, partner_id: int) -> None:
    await user.open(f"/ledger/{partner_id}")
    await user.should_see(marker="ledger-table", retries=50)
    table = _one(user, "ledger-table")
    await eventually(lambda: any(r["kind"] == "수금" for r in table.rows))
    row = next(r for r in table.rows if r["kind"] == "수금")
    user.find("ledger-table").trigger("rowDblclick", [{}, row, 0])
    await user.should_see("수금 수정", retries=50)


async def test_a_receipt_changed_by_someone_else_is_saved_with_my_amount_on_top(user: User):
    await make_admin(login="boss")
    clerk = await make_staff(login="clerk", name="김데모")
    customer = await make_trading_customer("재근상사")
    receipt = await sales.add_receipt(
        by=clerk,
        partner_id=customer.partner_id,
        received_on=dt.date.today(),
        amount=1_000_000,
        memo="계좌입금",
    )
    await sign_in(user, "clerk")
    await _open_receipt(user, customer.partner_id)

    await sales.update_receipt(  # the other user, first
        receipt.id,
        by=clerk,
        version=receipt.version,
        received_on=receipt.received_on,
        amount=1_100_000,
        memo="계좌입금",
    )
    _one(user, "receipt-amount").value = "1,200,000"
    user.find("receipt-save").click()
    await user.should_see("내 입력과 저장된 값이 다른 항목: 금액", retries=50)
    assert _one(user, "receipt-amount").value == "1,200,000"  # kept
    user.find("conflict-reapply").click()
    await user.should_see("수금을 저장했습니다.", retries=50)
    stored = await Receipt.get(id=receipt.id)
    assert stored.amount == 1_200_000 and stored.version == receipt.version + 2


async def test_a_receipt_conflict_can_load_the_other_users_amount(user: User):
    await make_admin(login="boss")
    clerk = await make_staff(login="clerk", name="김데모")
    customer = await make_trading_customer("재근상사")
    receipt = await sales.add_receipt(
        by=clerk, partner_id=customer.partner_id, received_on=dt.date.today(), amount=1_000_000
    )
    await sign_in(user, "clerk")
    await _open_receipt(user, customer.partner_id)
    await sales.update_receipt(
        receipt.id, by=clerk, version=receipt.version, received_on=receipt.received_on, amount=1_100_000
    )
    _one(user, "receipt-amount").value = "1,200,000"
    user.find("receipt-save").click()
    await user.should_see("내 입력과 저장된 값이 다른 항목: 금액", retries=50)
    user.find("conflict-reload").click()
    await eventually(lambda: shown_values(user, "receipt-amount") == ["1,100,000"])
    user.find("receipt-memo").type("확인함")  # with the latest version, saving goes through
    user.find("receipt-save").click()
    await user.should_see("수금을 저장했습니다.", retries=50)
    stored = await Receipt.get(id=receipt.id)
    assert stored.amount == 1_100_000 and stored.memo == "확인함"


async def test_company_info_saved_first_by_another_admin_keeps_mine_or_loads_theirs(user: User):
    boss = await make_admin(login="boss")
    other = await make_admin(login="other")
    saved = await company.save_company(by=boss, version=0, name="(주)고객소프트", representative="김대표")
    await sign_in(user, "boss")
    await user.open("/settings/company")
    await user.should_see(marker="company-save", retries=50)

    await company.save_company(
        by=other, version=saved.version, name="(주)고객소프트", representative="이대표"
    )
    _one(user, "company-representative").value = "박대표"
    user.find("company-save").click()
    await user.should_see("내 입력과 저장된 값이 다른 항목: 대표자", retries=50)
    user.find("conflict-reload").click()
    await eventually(lambda: _one(user, "company-representative").value == "이대표")

    await company.save_company(
        by=other, version=saved.version + 1, name="(주)고객소프트", representative="최대표"
    )
    _one(user, "company-representative").value = "박대표"
    user.find("company-save").click()
    await user.should_see("내 입력과 저장된 값이 다른 항목: 대표자", retries=80)
    user.find("conflict-reapply").click()
    await user.should_see("회사정보를 저장했습니다.", retries=50)
    info = await company.get_company()
    assert info.representative == "박대표" and info.version == saved.version + 3


async def test_an_html_template_saved_first_by_another_admin_is_saved_with_my_name_on_top(user: User):
    boss = await make_admin(login="boss")
    await sign_in(user, "boss")
    await user.open("/codes/html")
    name = _one(user, "template-name")
    await eventually(lambda: name.value == "상담일지")
    template = await HtmlTemplate.get(name="상담일지")

    await html_templates.save_template(
        by=boss,
        name="상담일지(공용)",
        html=template.html,
        active=template.active,
        template_id=template.id,
        version=template.version,
    )
    name.value = "상담일지(영업)"
    user.find("template-save").click()
    await user.should_see("내 입력과 저장된 값이 다른 항목: 문서 이름", retries=50)
    user.find("conflict-reapply").click()
    await user.should_see("저장했습니다.", retries=50)
    stored = await HtmlTemplate.get(id=template.id)
    assert stored.name == "상담일지(영업)" and stored.version == template.version + 2


async def test_a_staff_member_saved_first_by_another_admin_is_saved_with_my_extension_on_top(user: User):
    boss = await make_admin(login="boss")
    member = await make_staff(login="clerk", name="김사원")
    await sign_in(user, "boss")
    await user.open("/settings/users")
    table = _one(user, "users-table")
    await eventually(lambda: any(r["login"] == "clerk" for r in table.rows))
    row = next(row for row in table.rows if row["login"] == "clerk")
    user.find("users-table").trigger("rowClick", [{}, row, 0])  # a click on the row selects it
    user.find("user-edit").click()
    await user.should_see("사용자 수정", retries=50)

    opened = (await Staff.get(id=member.id)).version
    await staff.update_staff(
        member.id, by=boss, version=opened, name="김사원", role=Role.STAFF, extension="202", active=True
    )
    _one(user, "user-extension").value = "201"
    user.find("user-save").click()
    await user.should_see("내 입력과 저장된 값이 다른 항목: 내선번호", retries=50)
    user.find("conflict-reapply").click()
    await user.should_see("저장했습니다.", retries=50)
    stored = await Staff.get(id=member.id)
    assert (stored.extension, stored.version) == ("201", opened + 2)


async def test_call_popup_settings_saved_first_by_another_admin_can_be_loaded(user: User):
    boss = await make_admin(login="boss")
    other = await make_admin(login="other")
    first = await ts.save_call_settings(
        by=boss, version=None, dedup_seconds=10, popup_target="all", others_delay_seconds=5
    )
    await sign_in(user, "boss")
    await user.open("/settings/cti")
    await user.should_see(marker="calls-save", retries=50)

    await ts.save_call_settings(
        by=other, version=first.version, dedup_seconds=30, popup_target="all", others_delay_seconds=5
    )
    _one(user, "calls-dedup").value = 20
    user.find("calls-save").click()
    await user.should_see("내 입력과 저장된 값이 다른 항목: 같은 전화로 볼 시간(초)", retries=50)
    user.find("conflict-reload").click()
    await eventually(lambda: _one(user, "calls-dedup").value == 30)
    _one(user, "calls-delay").value = 7  # with the loaded version, my next save goes through
    user.find("calls-save").click()
    await user.should_see("저장했습니다.", retries=50)
    stored = await ts.load_call_settings()
    assert (stored.values.dedup_seconds, stored.values.others_delay_seconds) == (30, 7)


async def test_a_partner_made_after_someone_edited_the_customer_is_linked_on_top(user: User):
    boss = await make_admin(login="boss")
    await make_staff(login="clerk")
    customer = await customers.save_customer(
        CustomerInput(company_name="재근상사", registered_on="2014-02-13"), by=boss, confirm_duplicates=True
    )
    await sign_in(user, "clerk")
    await user.open(f"/customers/{customer.id}")
    await user.should_see(marker="tab-partner", retries=50)
    user.find("tab-partner").click()
    await user.should_see(marker="partner-create", retries=50)

    edited = replace(CustomerInput.of(customer), memo="다른 사람의 메모")
    await customers.save_customer(edited, by=boss, customer_id=customer.id, version=customer.version)
    user.find("partner-create").click()
    await user.should_see(marker="partner-save", retries=50)
    user.find("partner-save").click()
    await user.should_see(marker="conflict-reapply", retries=50)
    user.find("conflict-reapply").click()
    await user.should_see("거래처를 등록하고 연결했습니다.", retries=50)
    stored = await Customer.get(id=customer.id)
    partner = await TradingPartner.get(code="140213-001")
    assert stored.partner_id == partner.id and stored.memo == "다른 사람의 메모"

    # the header shows the customer as stored now, so its own save does not undo the other edit
    user.find("tab-info").click()
    await eventually(lambda: _one(user, "customer-memo").value == "다른 사람의 메모")
    _one(user, "customer-memo").value = "다른 사람의 메모, 확인함"
    user.find("customer-save").click()
    await user.should_see("저장했습니다.", retries=50)
    assert (await Customer.get(id=customer.id)).memo == "다른 사람의 메모, 확인함"

"""변경 이력 from the record screens, and the admins' 감사 로그 screen with its Excel."""

from nicegui import ui
from nicegui.testing import User

from models.codes import CodeEntry, CodeKind
from pages.settings.audit_log import AUDIT_LOG
from services import codes, customers, mail, staff
from services.customers import CustomerInput
from tests.factories.staff import make_admin, make_staff
from tests.list_checks import assert_table_and_sheet_agree, sheet_rows
from tests.pages.test_codes_page import _index, _open
from tests.utils import eventually, sign_in


async def _table(user: User, marker: str) -> ui.table:
    await user.should_see(marker=marker, retries=50)
    return user.find(marker).elements.pop()


async def test_a_phone_edit_shows_old_and_new_with_the_staff_name(user: User):
    await make_admin(login="boss")
    await make_staff(login="clerk", name="김사원")
    boss = await make_admin(name="대표")
    customer = await customers.save_customer(
        CustomerInput(company_name="재근상사", registered_on="2014-02-13", phone="02-111-2222"), by=boss
    )
    await sign_in(user, "clerk")
    await user.open(f"/customers/{customer.id}")
    await user.should_see(marker="customer-phone", retries=30)
    user.find("customer-phone").clear()
    user.find("customer-phone").type("02-333-4444")
    user.find("customer-save").click()
    await user.should_see("저장했습니다", retries=50)
    user.find("change-history").click()
    history = await _table(user, "change-history-table")
    await eventually(lambda: len(history.rows) == 2)
    newest = history.rows[0]
    assert newest["actor"] == "김사원" and newest["action"] == "수정"
    assert "전화번호: 02-111-2222 → 02-333-4444" in newest["lines"]
    assert history.rows[1]["actor"] == "대표" and history.rows[1]["action"] == "생성"


async def test_a_new_customer_has_no_history_yet(user: User):
    await make_admin(login="boss")
    await sign_in(user, "boss")
    await user.open("/customers/new")
    await user.should_see(marker="change-history", retries=30)
    user.find("change-history").click()
    await user.should_see("아직 저장하지 않았습니다.")


async def test_the_selected_code_and_user_have_their_history(user: User):
    boss = await make_admin(login="boss", name="관리자")
    clerk = await make_staff(login="clerk", name="홍길동")
    await staff.reset_password(clerk.id, by=boss, new_password="Another-pass-777")
    await sign_in(user, "boss")
    await user.open("/settings/users")
    users = await _table(user, "users-table")
    await eventually(lambda: len(users.rows) >= 2)
    user.find("change-history").click()
    await user.should_see("먼저 사용자를 선택하세요.")
    users.selected = [row for row in users.rows if row["id"] == clerk.id]
    user.find("change-history").click()
    history = await _table(user, "change-history-table")
    await eventually(lambda: len(history.rows) == 2)
    assert "비밀번호: 변경됨" in history.rows[0]["lines"]
    assert "Another-pass-777" not in repr(history.rows) and "argon2" not in repr(history.rows)


async def test_the_office_log_filters_and_exports_without_secrets(user: User):
    boss = await make_admin(login="boss", name="관리자")
    clerk = await make_staff(login="clerk", name="홍길동")
    await staff.reset_password(clerk.id, by=boss, new_password="Another-pass-777")
    await mail.save_smtp_settings(
        by=boss,
        version=0,
        host="smtp.example.com",
        port=587,
        security="starttls",
        user="office@example.com",
        password="smtp-secret-4321",
        sender_address="office@example.com",
        sender_name="고객소프트",
    )
    status = await CodeEntry.create(kind=CodeKind.CUSTOMER_STATUS, code="Q1", name="거래중")
    await customers.save_customer(
        CustomerInput(company_name="=HYPERLINK(1)", registered_on="2026-01-02", status_id=status.id), by=boss
    )
    await sign_in(user, "boss")
    await user.open("/settings/audit")
    log = await _table(user, "audit-log-table")
    await eventually(lambda: len(log.rows) >= 3)
    assert "smtp-secret-4321" not in repr(log.rows) and "Another-pass-777" not in repr(log.rows)
    user.find("audit-table").elements.pop().value = "customer"
    user.find("audit-search").click()
    await eventually(lambda: [row["target"].split()[0] for row in log.rows] == ["고객"])
    assert "고객상태: 거래중" in log.rows[0]["lines"]
    assert log.rows[0]["actor"] == "관리자"

    user.find("audit-table").elements.pop().value = ""
    user.find("audit-search").click()
    await eventually(lambda: len({row["target"].split()[0] for row in log.rows}) > 1)
    user.find("audit-excel").click()
    response = await user.download.next(timeout=10)
    rows = sheet_rows(response.content)
    # one declaration: the sheet names the target in two columns where the screen has one
    assert rows[0] == ("일시", "작업자", "대상 종류", "번호", "작업", "변경 내용")
    assert_table_and_sheet_agree(AUDIT_LOG, log, rows)
    cells = [cell for row in rows for cell in row]
    text = repr(cells)
    assert "smtp-secret-4321" not in text and "Another-pass-777" not in text and "argon2" not in text
    assert "법인상호: =HYPERLINK(1)" in text
    assert any(isinstance(cell, str) and "비밀번호: 변경됨" in cell for cell in cells)


async def test_staff_cannot_open_the_office_log(user: User):
    await make_admin(login="boss")
    await make_staff(login="clerk")
    await sign_in(user, "clerk")
    response = await user.http_client.get("/settings/audit")
    assert response.status_code == 403


async def test_the_selected_code_row_has_its_history(user: User):
    admin = await make_admin(login="boss", name="관리자")
    department = await codes.save_code(by=admin, kind=CodeKind.DEPARTMENT, code="99", name="임시부서")
    await codes.save_code(
        by=admin,
        kind=CodeKind.DEPARTMENT,
        code="99",
        name="지원부",
        entry_id=department.id,
        version=department.version,
    )
    await _open(user, "부서", CodeKind.DEPARTMENT)
    user.find("change-history").click()
    await user.should_see("먼저 목록에서 항목을 선택하세요.")
    user.find(f"code-department-row-{_index(user, CodeKind.DEPARTMENT, '지원부')}").click()
    user.find("change-history").click()
    history = await _table(user, "change-history-table")
    await eventually(lambda: history.rows)
    assert history.rows[0]["lines"] == "이름: 임시부서 → 지원부"
    assert history.rows[0]["actor"] == "관리자"
    assert "종류: 부서" in history.rows[1]["lines"].split("\n")

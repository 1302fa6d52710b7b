"""설정 → 메일환경설정 and 메일 발송 내역 through the real screens, against aiosmtpd on loopback."""

import pytest
from nicegui import ui
from nicegui.testing import User

from models.mail import MailMessage, MailStatus
from services import mail
from tests.factories.mail import use_smtp_at
from tests.factories.sales import make_quote, make_trading_customer
from tests.factories.staff import make_admin, make_staff
from tests.mail_server import MailServer, free_port
from tests.utils import eventually, sign_in


@pytest.fixture
def smtp():
    server = MailServer(user="office@example.com", password="app-pass-1234").start()
    yield server
    server.stop()


def element(user: User, marker: str):
    return user.find(marker=marker).elements.pop()


async def test_admin_saves_the_smtp_settings_and_the_password_never_comes_back(user: User, smtp):
    await make_admin(login="boss")
    await sign_in(user, "boss")
    await user.open("/settings/mail")
    await user.should_see(marker="smtp-save", retries=50)
    user.find(marker="smtp-host").type("127.0.0.1")
    element(user, "smtp-port").value = smtp.port
    element(user, "smtp-security").value = "none"
    user.find(marker="smtp-user").type("office@example.com")
    user.find(marker="smtp-password").type("wrong-pass")
    user.find(marker="smtp-check").click()
    await user.should_see("연결 실패: 메일 서버가 로그인을 거부했습니다", retries=50)
    element(user, "smtp-password").value = "app-pass-1234"
    user.find(marker="smtp-check").click()
    await user.should_see("메일 서버에 연결했습니다. 로그인도 확인했습니다.", retries=50)
    user.find(marker="smtp-sender-address").type("office@example.com")
    user.find(marker="smtp-save").click()
    await user.should_see("메일환경설정을 저장했습니다.", retries=50)
    password = element(user, "smtp-password")
    assert password.value == "" and "저장됨 (바꾸려면 입력)" in password.props["placeholder"]
    # opened again: the stored password is not in the page, the empty field still logs in
    await user.open("/settings/mail")
    await user.should_see(marker="smtp-save", retries=50)
    assert element(user, "smtp-password").value == ""
    assert not any("app-pass-1234" in str(getattr(e, "value", "")) for e in user.find(ui.input).elements)
    user.find(marker="smtp-check").click()
    await user.should_see("로그인도 확인했습니다.", retries=50)


async def test_staff_see_the_outbox_and_send_a_failed_mail_again(user: User, smtp):
    admin = await make_admin()
    await use_smtp_at(free_port(), by=admin)
    failed = await mail.send_mail(
        by=admin, form_token=None, recipient="a@example.com", subject="안내", body=""
    )
    assert failed.status == MailStatus.FAILED
    shown = await mail.get_smtp_settings()
    await mail.save_smtp_settings(
        by=admin,
        version=shown.version,
        host="127.0.0.1",
        port=smtp.port,
        security="none",
        user="office@example.com",
        password="",
        sender_address="office@example.com",
        sender_name="",
    )
    await make_staff(login="clerk")
    await sign_in(user, "clerk")
    await user.open("/status/mail")
    await user.should_see(marker="outbox-table", retries=50)
    table = element(user, "outbox-table")
    [row] = table.rows
    assert row["status"] == "실패" and "연결할 수 없습니다" in row["error"]
    table.selected = [row]
    user.find(marker="outbox-resend").click()
    await user.should_see("a@example.com으로 발송했습니다.", retries=50)
    assert len(smtp.wait_for(1)) == 1
    assert [r["status"] for r in table.rows] == ["발송완료", "실패 (다시 보냄)"]
    element(user, "outbox-status").value = "failed"
    await eventually(lambda: [r["status"] for r in table.rows] == ["실패 (다시 보냄)"], within=20)
    assert await MailMessage.all().count() == 2


async def test_a_quote_is_mailed_from_the_quote_list_to_a_typed_address(user: User, smtp):
    admin = await make_admin(login="boss")
    await use_smtp_at(smtp.port, by=admin)
    quote = await make_quote(admin, await make_trading_customer("재근상사"))
    await sign_in(user, "boss")
    await user.open("/status/quotes")
    await user.should_see(marker="quote-table", retries=50)
    table = element(user, "quote-table")
    await eventually(lambda: len(table.rows) == 1)
    user.find("quote-table").trigger("rowClick", [None, table.rows[0], 0])
    user.find(marker="quotes-mail").click()
    await user.should_see(marker="mail-dialog", retries=50)
    assert element(user, "mail-recipient").value == ""  # no card with an e-mail: typed
    user.find(marker="mail-recipient").type("받는사람")
    user.find(marker="mail-send").click()
    await user.should_see("이메일 주소가 올바르지 않습니다", retries=50)
    element(user, "mail-recipient").value = "buyer@example.com"
    user.find(marker="mail-send").click()
    await user.should_see("buyer@example.com으로 발송했습니다.", retries=50)
    [(to, message)] = smtp.wait_for(1)
    assert to == ["buyer@example.com"] and quote.number in message["Subject"]


async def test_an_agreement_is_mailed_from_the_agreement_list_with_its_pdf(user: User, smtp):
    from core.audit import SYSTEM
    from tests.pages.test_maintenance_pages import _due_office_on_screen

    await use_smtp_at(smtp.port, by=SYSTEM)
    _, _, due = await _due_office_on_screen(user)
    due.selected = list(due.rows)
    user.find("tosp-open").click()
    await user.should_see("레코드수 2", retries=50)
    user.find("tosp-submit").click()
    await user.should_see("유지보수동의서 2건을 작성했습니다 (발송전).", retries=50)
    user.find("main-tab-agreements").click()
    agreements = element(user, "agreement-table")
    await eventually(lambda: len(agreements.rows) == 2)
    agreements.selected = [r for r in agreements.rows if r["company_name"] == "재근상사"]
    user.find(marker="agreement-mail").click()
    await user.should_see(marker="mail-dialog", retries=50)
    await user.should_see("유지보수동의서_재근상사.pdf")
    element(user, "mail-recipient").value = "boss@jaegeun.kr"
    user.find(marker="mail-send").click()
    await user.should_see("boss@jaegeun.kr로 발송했습니다.", retries=50)
    [(_, message)] = smtp.wait_for(1)
    assert [p.get_filename() for p in message.iter_attachments()] == ["유지보수동의서_재근상사.pdf"]


async def test_a_shipment_goes_out_as_its_statement_from_the_ledger(user: User, smtp):
    import datetime as dt

    from services import sales
    from tests.factories.sales import line

    admin = await make_admin(login="boss")
    await use_smtp_at(smtp.port, by=admin)
    customer = await make_trading_customer("재근상사")
    quote = await make_quote(admin, customer, [line("ERP영업관리", 1, 5_000_000, item_code="9998")])
    order = await sales.process_to_order(quote.id, by=admin, order_date=dt.date.today())
    shipment = await sales.ship_order(order.id, by=admin, shipped_on=dt.date.today())
    await sign_in(user, "boss")
    await user.open(f"/ledger/{customer.partner_id}")
    await user.should_see(marker="ledger-table", retries=50)
    table = element(user, "ledger-table")
    await eventually(lambda: any(r.get("kind_value") == "shipment" for r in table.rows))
    row = next(r for r in table.rows if r.get("kind_value") == "shipment")
    user.find("ledger-table").trigger("rowClick", [None, row, 0])
    user.find(marker="ledger-mail").click()
    await user.should_see(marker="mail-dialog", retries=50)
    assert element(user, "mail-attachment").text == f"거래명세서_{shipment.number}.pdf"
    element(user, "mail-recipient").value = "buyer@example.com"
    user.find(marker="mail-send").click()
    await user.should_see("buyer@example.com으로 발송했습니다.", retries=50)
    [(to, message)] = smtp.wait_for(1)
    assert to == ["buyer@example.com"] and shipment.number in message["Subject"]
    assert (await MailMessage.get()).record_kind == "statement:shipment"


async def test_closing_the_mail_dialog_after_typing_asks_first_and_sends_nothing(user: User, smtp):
    admin = await make_admin(login="boss")
    await use_smtp_at(smtp.port, by=admin)
    await make_quote(admin, await make_trading_customer("재근상사"))
    await sign_in(user, "boss")
    await user.open("/status/quotes")
    await user.should_see(marker="quote-table", retries=50)
    table = element(user, "quote-table")
    await eventually(lambda: len(table.rows) == 1)
    user.find("quote-table").trigger("rowClick", [None, table.rows[0], 0])
    question = "저장하지 않은 내용이 있습니다. 저장하지 않고 닫을까요?"

    user.find(marker="quotes-mail").click()  # nothing changed: 닫기 closes at once
    await user.should_see(marker="mail-dialog", retries=50)
    user.find(marker="mail-preview").click()  # looking at the preview changes nothing
    user.find(marker="mail-close").click()
    await user.should_not_see(marker="mail-dialog", retries=50)
    await user.should_not_see(question)

    user.find(marker="quotes-mail").click()
    await user.should_see(marker="mail-dialog", retries=50)
    user.find(marker="mail-body").type(" 잘 부탁드립니다.")
    user.find(marker="mail-close").click()
    await user.should_see(question, retries=50)
    user.find("confirm-no").click()
    await user.should_not_see(question, retries=50)
    assert element(user, "mail-body").value.endswith(" 잘 부탁드립니다.")  # kept
    user.find(marker="mail-close").click()
    await user.should_see(question, retries=50)
    user.find("confirm-yes").click()
    await user.should_not_see(marker="mail-dialog", retries=50)
    assert await MailMessage.all().count() == 0

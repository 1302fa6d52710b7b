"""E-mail from the record against a real SMTP server on loopback (aiosmtpd)."""

import io
import logging

import pytest
from pypdf import PdfReader

from core.errors import PermissionDenied, ValidationError
from core.logs import setup_logging
from models.audit import AuditEntry
from models.mail import MailMessage, MailStatus
from models.settings import AppSetting
from services import mail, mail_drafts
from tests.factories.sales import make_quote, make_trading_customer
from tests.factories.staff import make_admin, make_staff
from tests.mail_server import MailServer, free_port


@pytest.fixture
def smtp():
    server = MailServer(user="office@example.com", password="app-pass-1234").start()
    yield server
    server.stop()


async def _configure(admin, *, port: int, password: str = "app-pass-1234", version: int = 0):
    return await mail.save_smtp_settings(
        by=admin,
        version=version,
        host="127.0.0.1",
        port=port,
        security="none",
        user="office@example.com",
        password=password,
        sender_address="office@example.com",
        sender_name="고객소프트",
    )


async def test_a_quote_arrives_with_its_pdf_attached(db, smtp):
    admin = await make_admin()
    await _configure(admin, port=smtp.port)
    customer = await make_trading_customer("재근상사")
    quote = await make_quote(admin, customer)
    row = await mail.send_mail(
        by=admin,
        form_token="token-quote-1",
        recipient="buyer@example.com",
        subject="견적서 보내 드립니다",
        body="재근상사 귀하",
        kind=mail.DocumentKind.QUOTE,
        record_id=quote.id,
        customer_id=customer.id,
    )
    assert row.status == MailStatus.SENT and row.error == "" and row.sent_at is not None
    [(to, message)] = smtp.wait_for(1)
    assert to == ["buyer@example.com"]
    assert message["Subject"] == "견적서 보내 드립니다"
    assert "고객소프트" in message["From"]
    [part] = list(message.iter_attachments())
    assert part.get_filename() == f"견적서_{quote.number}.pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(part.get_content())).pages)
    assert quote.number in text and "재근상사" in text and "ERP영업관리" in text
    stored = await MailMessage.get(id=row.id)
    assert stored.attachment_names == [f"견적서_{quote.number}.pdf"]
    assert stored.customer_id == customer.id and stored.staff_id == admin.id


async def test_the_same_form_token_sends_once(db, smtp):
    admin = await make_admin()
    await _configure(admin, port=smtp.port)
    values = dict(by=admin, form_token="same", recipient="a@example.com", subject="제목", body="본문")
    first = await mail.send_mail(**values)
    again = await mail.send_mail(**values)
    assert again.id == first.id
    assert len(smtp.wait_for(1)) == 1
    assert await MailMessage.all().count() == 1


async def test_a_refused_login_is_said_in_korean_and_kept_as_failed(db, smtp):
    admin = await make_admin()
    await _configure(admin, port=smtp.port, password="wrong")
    row = await mail.send_mail(by=admin, form_token="t", recipient="a@example.com", subject="제목", body="")
    assert row.status == MailStatus.FAILED
    assert row.error.startswith("메일 서버가 로그인을 거부했습니다")
    assert (await MailMessage.get(id=row.id)).status == MailStatus.FAILED
    assert smtp.received == []
    with pytest.raises(mail.MailError, match="로그인을 거부했습니다"):
        await mail.check_connection(
            by=admin,
            host="127.0.0.1",
            port=smtp.port,
            security="none",
            user="office@example.com",
            password="",
        )


async def test_an_unreachable_server_fails_in_korean_and_a_person_sends_it_again_once(db, smtp):
    admin = await make_admin()
    settings = await _configure(admin, port=free_port())
    row = await mail.send_mail(by=admin, form_token="t", recipient="a@example.com", subject="제목", body="")
    assert row.status == MailStatus.FAILED
    assert row.error.startswith("메일 서버(127.0.0.1:") and "연결할 수 없습니다" in row.error
    # fixed in the settings; then 다시 보내기 sends it, once
    await _configure(admin, port=smtp.port, password="", version=settings.version)
    retry = await mail.resend(row.id, by=admin)
    assert retry.id != row.id and retry.status == MailStatus.SENT
    with pytest.raises(ValidationError, match="이미 다시 보냈습니다"):
        await mail.resend(row.id, by=admin)
    with pytest.raises(ValidationError, match="실패한 메일만"):
        await mail.resend(retry.id, by=admin)
    assert len(smtp.wait_for(1)) == 1


@pytest.fixture
def plain():
    server = MailServer().start()  # no AUTH offered
    yield server
    server.stop()


async def test_connection_check_logs_in_and_tells_a_wrong_tls_choice(db, smtp, plain):
    admin = await make_admin()
    await _configure(admin, port=smtp.port)
    said = await mail.check_connection(
        by=admin, host="127.0.0.1", port=smtp.port, security="none", user="office@example.com", password=""
    )
    assert said == "메일 서버에 연결했습니다. 로그인도 확인했습니다."
    with pytest.raises(mail.MailError, match=r"보안 연결\(TLS\)을 맺지 못했습니다"):
        await mail.check_connection(
            by=admin, host="127.0.0.1", port=smtp.port, security="starttls", user="", password=""
        )
    with pytest.raises(mail.MailError, match=r"보안 연결\(TLS\)을 맺지 못했습니다"):
        await mail.check_connection(
            by=admin, host="127.0.0.1", port=smtp.port, security="ssl", user="", password=""
        )
    with pytest.raises(mail.MailError, match="로그인을 받지 않습니다"):
        await mail.check_connection(
            by=admin, host="127.0.0.1", port=plain.port, security="none", user="someone", password="x"
        )
    with pytest.raises(PermissionDenied):
        await mail.check_connection(
            by=await make_staff(), host="127.0.0.1", port=smtp.port, security="none", user="", password=""
        )


async def test_the_password_is_kept_but_never_shown_or_audited(db):
    admin = await make_admin()
    shown = await _configure(admin, port=2525, password="secret-app-pass")
    assert shown.has_password and not hasattr(shown, "password")
    # an empty password field keeps the stored one
    shown = await _configure(admin, port=2526, password="", version=shown.version)
    stored = await AppSetting.get(key=mail.SMTP_KEY)
    assert stored.value["password"] == "secret-app-pass" and stored.value["port"] == 2526
    await _configure(admin, port=2526, password="new-app-pass", version=shown.version)
    entries = await AuditEntry.filter(table_name="app_setting").values_list("changes", flat=True)
    assert len(entries) == 3
    assert not any("secret-app-pass" in str(e) or "new-app-pass" in str(e) for e in entries)
    assert entries[-1]["value"][1]["password"] == "(변경됨)"


async def test_bad_settings_and_recipients_are_refused_next_to_their_fields(db):
    admin = await make_admin()
    with pytest.raises(ValidationError) as error:
        await mail.save_smtp_settings(
            by=admin,
            version=0,
            host="smtp 서버",
            port=70000,
            security="tls?",
            user="",
            password="",
            sender_address="office",
            sender_name="",
        )
    assert set(error.value.fields) == {"host", "port", "security", "sender_address"}
    with pytest.raises(PermissionDenied):
        await _configure(await make_staff(), port=25)
    with pytest.raises(ValidationError) as error:
        await mail.send_mail(by=admin, form_token=None, recipient="a@b.kr, c@d.kr", subject="", body="")
    assert set(error.value.fields) == {"recipient", "subject"}
    assert await MailMessage.all().count() == 0


async def test_templates_fill_placeholders_and_recipients_come_from_the_cards(db):
    admin = await make_admin()
    template = await mail_drafts.get_template(mail.DocumentKind.QUOTE)
    assert "{견적번호}" in template.subject
    assert mail_drafts.fill("{고객명} 귀하, {모름}", {"고객명": "재근상사"}) == "재근상사 귀하, {모름}"
    assert mail_drafts.fill("[{회사명}] 견적서", {"회사명": ""}) == "견적서"
    await mail_drafts.save_template(
        mail.DocumentKind.QUOTE, by=admin, subject="견적 {견적번호}", body="안녕하세요"
    )
    assert (await mail_drafts.get_template(mail.DocumentKind.QUOTE)).subject == "견적 {견적번호}"
    from models.card import BusinessCard

    customer = await make_trading_customer("재근상사")
    await BusinessCard.create(
        customer=customer, name="홍길동", email="hong@example.com", registered_on=customer.registered_on
    )
    await BusinessCard.create(customer=customer, name="이메일없음", registered_on=customer.registered_on)
    found = await mail_drafts.customer_recipients(customer.id)
    assert [r.address for r in found] == ["hong@example.com"]
    assert found[0].label == "홍길동 <hong@example.com>"


async def test_an_agreement_goes_out_with_its_pdf_from_the_draft(db, smtp):
    import datetime as dt

    from services import maintenance
    from tests.factories.customers import make_customer
    from tests.factories.maintenance import make_product

    admin = await make_admin()
    await _configure(admin, port=smtp.port)
    customer = await make_customer("대한상사", email="boss@daehan.kr")
    product = await make_product(admin, customer, paid_end_on=dt.date(2026, 12, 31))
    contract = await maintenance.save_contract(
        maintenance.ContractDetail(
            customer_id=customer.id,
            product_id=product.id,
            start_on=dt.date(2027, 1, 1),
            end_on=dt.date(2027, 12, 31),
            lines=[maintenance.LineInput(amount=1_200_000)],
        ),
        by=admin,
    )
    draft = await mail_drafts.agreement_draft(contract.id)
    assert draft.recipient == "boss@daehan.kr" and draft.customer_id == customer.id
    assert "대한상사 귀하" in draft.body and "[" not in draft.subject
    assert draft.attachment[0] == "유지보수동의서_대한상사.pdf"
    row = await mail.send_mail(
        by=admin,
        form_token="a",
        recipient=draft.recipient,
        subject=draft.subject,
        body=draft.body,
        kind=draft.kind,
        record_id=draft.record_id,
        customer_id=draft.customer_id,
        attachment=draft.attachment,
    )
    assert row.status == MailStatus.SENT
    [(_, message)] = smtp.wait_for(1)
    [part] = list(message.iter_attachments())
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(part.get_content())).pages)
    assert "대한상사" in text and "1,200,000" in text


async def test_without_smtp_settings_no_dialog_opens(db):
    customer = await make_trading_customer("재근상사")
    quote = await make_quote(await make_admin(), customer)
    with pytest.raises(mail.MailError, match="메일환경설정"):
        await mail_drafts.quote_draft(quote.id)


@pytest.fixture
def log_file(isolated_data):
    setup_logging(isolated_data)
    yield isolated_data / "logs" / "gogaek.log"
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_gogaek", False)]:
        root.removeHandler(handler)
        handler.close()


async def test_no_log_line_carries_the_smtp_password(db, smtp, log_file):
    """The application log as configured (core.logs), while the password is saved, checked, used
    and refused."""
    admin = await make_admin()
    await _configure(admin, port=smtp.port)
    await mail.check_connection(
        by=admin, host="127.0.0.1", port=smtp.port, security="none", user="office@example.com", password=""
    )
    await mail.send_mail(by=admin, form_token=None, recipient="a@example.com", subject="제목", body="")
    await _configure(admin, port=smtp.port, password="Wrong-pass-99", version=1)
    await mail.send_mail(by=admin, form_token=None, recipient="a@example.com", subject="제목", body="")
    logging.getLogger("services.mail").warning("probe: the log file is written")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = log_file.read_text(encoding="utf-8")
    assert "probe: the log file is written" in text
    assert "app-pass-1234" not in text and "Wrong-pass-99" not in text


async def test_a_statement_and_a_receipt_go_out_as_their_pdfs_and_go_again_from_the_outbox(db, smtp):
    import datetime as dt

    from services import sales
    from tests.factories.sales import line

    admin = await make_admin()
    await _configure(admin, port=smtp.port)
    customer = await make_trading_customer("재근상사")
    quote = await make_quote(admin, customer, [line("ERP영업관리", 1, 5_000_000, item_code="9998")])
    order = await sales.process_to_order(quote.id, by=admin, order_date=dt.date(2019, 3, 28))
    shipment = await sales.ship_order(order.id, by=admin, shipped_on=dt.date(2019, 4, 2))
    receipt = await sales.add_receipt(
        by=admin, partner_id=customer.partner_id, received_on=dt.date(2019, 4, 10), amount="5,500,000"
    )

    statement = await mail_drafts.statement_draft("shipment", shipment.id)
    assert statement.kind == mail.DocumentKind.STATEMENT and statement.stored_kind == "statement:shipment"
    assert statement.attachment[0] == f"거래명세서_{shipment.number}.pdf"
    assert shipment.number in statement.subject and "5,500,000원" in statement.body
    assert "2019-04-02" in statement.body and statement.customer_id == customer.id
    paid = await mail_drafts.receipt_draft(receipt.id)
    assert paid.attachment[0] == f"영수증_{receipt.number}.pdf" and "2019-04-10" in paid.body

    for draft, token in ((statement, "statement"), (paid, "receipt")):
        row = await mail.send_mail(
            by=admin,
            form_token=token,
            recipient="buyer@example.com",
            subject=draft.subject,
            body=draft.body,
            kind=draft.stored_kind,
            record_id=draft.record_id,
            customer_id=draft.customer_id,
        )
        assert row.status == MailStatus.SENT
    received = smtp.wait_for(2)
    texts = []
    for _, message in received:
        [part] = list(message.iter_attachments())
        texts.append("".join(p.extract_text() for p in PdfReader(io.BytesIO(part.get_content())).pages))
    assert "거래명세서" in texts[0] and shipment.number in texts[0] and "금 오백오십만원정" in texts[0]
    assert "영수증" in texts[1] and receipt.number in texts[1]
    rows, _ = await mail.outbox_page(status=None, offset=0, limit=10)
    assert sorted(mail.kind_label(row["record_kind"]) for row in rows) == ["거래명세서", "영수증"]

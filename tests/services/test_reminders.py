"""갱신 안내 by SMS (the local Centrex server) and e-mail (aiosmtpd on loopback)."""

import datetime as dt

import pytest

from core.audit import SYSTEM, acting_as
from core.errors import ValidationError
from models.mail import MailMessage, ReminderChannel, RenewalReminder
from services import centrex_users, mail, maintenance, reminders
from tests.factories.customers import make_customer
from tests.factories.maintenance import make_product
from tests.factories.staff import make_admin
from tests.factories.telephony import use_centrex_at
from tests.mail_server import MailServer, free_port
from tests.telephony.centrex_server import CentrexServer

LINE = "07012345678"
TODAY = dt.date(2026, 12, 1)
BOTH = [ReminderChannel.SMS, ReminderChannel.EMAIL]
TEXTS = {
    "sms_text": "{고객명} 유지보수가 {만료일}에 끝납니다.",
    "email_subject": "{고객명} 유지보수 갱신 안내",
    "email_body": "{만료일} 만료",
}


@pytest.fixture
def centrex():
    server = CentrexServer().start()
    server.add_line(LINE, "pw", sms_quota=10)
    yield server
    server.stop()


@pytest.fixture
def smtp():
    server = MailServer().start()
    yield server
    server.stop()


@pytest.fixture
async def office(db, centrex, smtp):
    admin = await make_admin()
    await use_centrex_at(centrex.base_url, by=admin, timeout_seconds=2)
    await centrex_users.save_centrex_user(by=admin, number070=LINE, password="pw", staff_id=admin.id)
    await _smtp_at(admin, smtp.port)
    return admin


async def _smtp_at(admin, port: int) -> None:
    await mail.save_smtp_settings(
        by=admin,
        version=(await mail.get_smtp_settings()).version,
        host="127.0.0.1",
        port=port,
        security="none",
        user="",
        password="",
        sender_address="office@example.com",
        sender_name="",
    )


async def _due(admin, name: str, end: dt.date, **fields):
    with acting_as(SYSTEM):
        customer = await make_customer(name, **fields)
    product = await make_product(admin, customer, paid_end_on=end)
    return customer, product


async def test_three_due_one_opted_out_two_texts_and_two_mails_then_none_again(office, centrex, smtp):
    admin = office
    daehan, daehan_product = await _due(
        admin, "대한상사", dt.date(2026, 12, 20), mobile="010-1111-2222", email="a@daehan.kr"
    )
    await _due(admin, "민국상사", dt.date(2026, 12, 25), mobile="010-3333-4444", email="b@minguk.kr")
    await _due(
        admin,
        "거부상사",
        dt.date(2026, 12, 28),
        mobile="010-5555-6666",
        email="c@no.kr",
        reminder_opt_out=True,
    )
    await _due(admin, "먼상사", dt.date(2027, 6, 30), mobile="010-7777-8888", email="d@far.kr")  # not due
    renewal = await maintenance.save_contract(
        maintenance.ContractDetail(
            customer_id=daehan.id,
            product_id=daehan_product.id,
            start_on=dt.date(2026, 12, 21),
            end_on=dt.date(2027, 12, 20),
            lines=[maintenance.LineInput(amount=900_000)],
        ),
        by=admin,
    )

    preview = await reminders.plan(channels=BOTH, within_days=30, today=TODAY)
    assert [(p.company_name, p.channel.value, p.destination, p.skip_reason) for p in preview] == [
        ("거부상사", "email", "c@no.kr", "수신거부"),
        ("거부상사", "sms", "010-5555-6666", "수신거부"),
        ("대한상사", "email", "a@daehan.kr", ""),
        ("대한상사", "sms", "010-1111-2222", ""),
        ("민국상사", "email", "b@minguk.kr", ""),
        ("민국상사", "sms", "010-3333-4444", ""),
    ]
    assert preview[2].contract_id == renewal.id and preview[4].contract_id is None

    result = await reminders.send_reminders(by=admin, channels=BOTH, within_days=30, today=TODAY, **TEXTS)
    assert len(result.sent) == 4 and len(result.skipped) == 2 and result.failed == []
    assert sorted((m["destination"], m["text"]) for m in centrex.sent_sms) == [
        ("01011112222", "대한상사 유지보수가 2026-12-20에 끝납니다."),
        ("01033334444", "민국상사 유지보수가 2026-12-25에 끝납니다."),
    ]
    mails = smtp.wait_for(2)
    assert sorted(to[0] for to, _ in mails) == ["a@daehan.kr", "b@minguk.kr"]
    attached = {to[0]: [p.get_filename() for p in m.iter_attachments()] for to, m in mails}
    assert attached == {"a@daehan.kr": ["유지보수동의서_대한상사.pdf"], "b@minguk.kr": []}
    assert await MailMessage.filter(record_kind="reminder").count() == 2
    assert await RenewalReminder.all().count() == 4

    again = await reminders.send_reminders(by=admin, channels=BOTH, within_days=30, today=TODAY, **TEXTS)
    assert again.sent == [] and {p.skip_reason for p in again.skipped} == {"수신거부", "이미 보냄"}
    assert len(centrex.sent_sms) == 2 and len(smtp.received) == 2


async def test_chosen_rows_missing_addresses_and_a_failure_that_gives_the_claim_back(office, smtp):
    admin = office
    _, product = await _due(admin, "번호없음상사", dt.date(2026, 12, 20), email="x@none.kr")
    preview = await reminders.plan(channels=BOTH, product_ids=[product.id], today=TODAY)
    assert [(p.channel.value, p.skip_reason) for p in preview] == [("email", ""), ("sms", "휴대폰 번호 없음")]
    await _smtp_at(admin, free_port())  # no mail server there: the mail fails, a later run may send it
    result = await reminders.send_reminders(
        by=admin, channels=[ReminderChannel.EMAIL], product_ids=[product.id], today=TODAY, **TEXTS
    )
    [(item, problem)] = result.failed
    assert item.destination == "x@none.kr" and "연결할 수 없습니다" in problem
    assert await RenewalReminder.all().count() == 0
    await _smtp_at(admin, smtp.port)  # fixed: the next run sends it
    result = await reminders.send_reminders(
        by=admin, channels=[ReminderChannel.EMAIL], product_ids=[product.id], today=TODAY, **TEXTS
    )
    assert len(result.sent) == 1 and len(smtp.wait_for(1)) == 1


async def test_nothing_chosen_is_refused(office):
    with pytest.raises(ValidationError, match="하나 이상"):
        await reminders.plan(channels=[], within_days=30)
    with pytest.raises(ValidationError, match="체크하세요"):
        await reminders.plan(channels=BOTH, product_ids=[])
    with pytest.raises(ValidationError):
        await reminders.plan(channels=BOTH, within_days=-1)

"""갱신 안내 from 유지보수관리: preview who gets what, send, and a second send sends nothing."""

import datetime as dt

import pytest
from nicegui.testing import User

from core.audit import SYSTEM, acting_as
from models.customer import Customer
from services import centrex_users, mail
from tests.factories.customers import make_customer
from tests.factories.maintenance import make_product
from tests.factories.staff import make_admin
from tests.factories.telephony import use_centrex_at
from tests.mail_server import MailServer
from tests.telephony.centrex_server import CentrexServer
from tests.utils import eventually, sign_in

LINE = "07012345678"


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


async def test_reminders_are_previewed_then_sent_once(user: User, centrex, smtp):
    admin = await make_admin(login="boss")
    await use_centrex_at(centrex.base_url, by=admin, timeout_seconds=2)
    await centrex_users.save_centrex_user(by=admin, number070=LINE, password="pw", staff_id=admin.id)
    await mail.save_smtp_settings(
        by=admin,
        version=0,
        host="127.0.0.1",
        port=smtp.port,
        security="none",
        user="",
        password="",
        sender_address="office@example.com",
        sender_name="",
    )
    soon = dt.date.today() + dt.timedelta(days=10)
    for name, opt_out in (("대한상사", False), ("거부상사", True)):
        with acting_as(SYSTEM):
            customer: Customer = await make_customer(
                name, mobile="010-1111-2222", email="a@b.kr", reminder_opt_out=opt_out
            )
        await make_product(admin, customer, paid_end_on=soon)
    await sign_in(user, "boss")
    await user.open("/maintenance")
    await user.should_see(marker="reminder-open", retries=50)
    user.find(marker="reminder-open").click()
    await user.should_see(marker="reminder-dialog", retries=50)
    user.find(marker="reminder-preview").click()
    await user.should_see("보낼 예정 2건 · 건너뜀 2건", retries=50)
    table = user.find(marker="reminder-preview-table").elements.pop()
    assert [(r["company_name"], r["channel"], r["outcome"]) for r in table.rows] == [
        ("거부상사", "메일", "건너뜀: 수신거부"),
        ("거부상사", "문자", "건너뜀: 수신거부"),
        ("대한상사", "메일", "보낼 예정"),
        ("대한상사", "문자", "보낼 예정"),
    ]
    user.find(marker="reminder-send").click()
    await user.should_see("보냄 2건 · 건너뜀 2건 · 실패 0건", retries=50)
    assert len(smtp.wait_for(1)) == 1
    await eventually(lambda: len(centrex.sent_sms) == 1)
    user.find(marker="reminder-send").click()
    await user.should_see("보냄 0건 · 건너뜀 4건 · 실패 0건", retries=50)
    assert {r["outcome"] for r in table.rows} == {"건너뜀: 수신거부", "건너뜀: 이미 보냄"}
    assert len(smtp.received) == 1 and len(centrex.sent_sms) == 1

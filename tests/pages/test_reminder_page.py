"""갱신 안내 from 유지보수관리: preview who gets what, send, and a second send sends nothing."""

import datetime as dt

import pytest
from nicegui.testing import User

from core.audit import SYSTEM, acting_as
from models.customer import Customer
from pages.maintenance.reminders import REMINDERS
from services import centrex_users
from tests.factories.customers import make_customer
from tests.factories.mail import use_smtp_at
from tests.factories.maintenance import make_product
from tests.factories.staff import make_admin
from tests.factories.telephony import use_centrex_at
from tests.list_checks import (
    assert_printed_headers,
    assert_table_and_sheet_agree,
    excel_rows,
    printed_text,
    table_labels,
)
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
    await use_smtp_at(smtp.port, by=admin, user="", password="")
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


async def test_the_reminder_list_goes_to_excel_and_print_as_on_the_screen(user: User):
    admin = await make_admin(login="boss")
    soon = dt.date.today() + dt.timedelta(days=10)
    names = ["가나상사", "다라상사", "마바상사", "사아상사", "자차상사"]
    for name in names:
        with acting_as(SYSTEM):
            customer: Customer = await make_customer(name, mobile="010-1111-2222", email="a@b.kr")
        await make_product(admin, customer, paid_end_on=soon)
    await sign_in(user, "boss")
    await user.open("/maintenance")
    await user.should_see(marker="reminder-open", retries=50)
    user.find(marker="reminder-open").click()
    await user.should_see(marker="reminder-dialog", retries=50)
    user.find(marker="reminder-excel").click()
    await user.should_see("목록이 비어 있습니다. 먼저 미리보기를 누르세요.", retries=50)
    user.find(marker="reminder-preview").click()
    table = user.find(marker="reminder-preview-table").elements.pop()
    await eventually(lambda: len(table.rows) == 10)  # two lines each, more than a page of the table
    assert table_labels(user, "reminder-preview-table") == [
        "고객",
        "만료일",
        "방법",
        "받는 곳",
        "첨부",
        "결과",
    ]
    sheet = await excel_rows(user, "reminder-excel")
    assert_table_and_sheet_agree(REMINDERS, table, sheet)
    assert len(sheet) == 11 and {row[0] for row in sheet[1:]} == set(names)
    assert all(row[1] == dt.datetime.combine(soon, dt.time()) for row in sheet[1:])  # a date cell
    text = await printed_text(user, "reminder-print", "갱신 안내 인쇄")
    assert_printed_headers(REMINDERS, text)
    assert all(name in text for name in names) and f"{soon:%Y-%m-%d}" in text and "10건" in text

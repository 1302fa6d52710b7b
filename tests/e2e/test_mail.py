"""End-to-end in Chromium: a quote goes out by e-mail from its editor — 메일 발송, the dialog with
the customer's card address, 보내기 double-clicked — and exactly one mail reaches the SMTP server."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, Server, sign_in
from tests.mail_server import MailServer

pytestmark = pytest.mark.e2e

# Runs inside the server's data folder with the real services: the SMTP settings pointing at the
# test's mail server, a customer with a business card that has an e-mail, and a quote for it.
_SETUP = r"""
import asyncio, datetime as dt, json, sys
from core.audit import SYSTEM, acting_as
from core.db import open_database
from core.settings import use_office_timezone
from models.card import BusinessCard
from models.customer import Customer
from models.mail import MailMessage
from services import mail, quotes

use_office_timezone()

async def main():
    async with open_database():
        if sys.argv[1] == "count":
            print(json.dumps({"mails": await MailMessage.all().count()}))
            return
        await mail.save_smtp_settings(
            by=SYSTEM, version=0, host="127.0.0.1", port=int(sys.argv[2]), security="none",
            user="", password="", sender_address="office@example.com", sender_name="고객소프트",
        )
        with acting_as(SYSTEM):
            customer = await Customer.create(code="990101-001", registered_on=dt.date.today(), company_name="재근상사")
            await BusinessCard.create(
                customer=customer, name="홍길동", email="hong@example.com", registered_on=dt.date.today()
            )
        quote = await quotes.create_quote(
            by=SYSTEM,
            form=quotes.QuoteForm(quote_date=dt.date.today(), customer_id=customer.id),
            lines=[{"name": "ERP영업관리", "quantity": 1, "unit_price": 5_000_000}],
        )
        print(json.dumps({"quote_id": quote.id, "number": quote.number}))

asyncio.run(main())
"""


def _run(server: Server, *args: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", _SETUP, *args],
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def smtp():
    server = MailServer().start()
    yield server
    server.stop()


def test_a_quote_is_mailed_from_its_editor_once_however_often_sent_is_clicked(server, page, smtp):
    ids = _run(server, "setup", str(smtp.port))
    sign_in(page, server.url)
    page.goto(f"{server.url}/quotes/{ids['quote_id']}")
    page.get_by_role("button", name="메일 발송").click()
    dialog = page.locator(".q-dialog")
    expect(dialog.get_by_text("견적서 메일 발송")).to_be_visible()
    expect(dialog.get_by_label("받는 사람 (이메일) *")).to_have_value("hong@example.com")
    expect(dialog.get_by_label("제목 *")).to_have_value(f"견적서 {ids['number']} 보내 드립니다")
    dialog.get_by_label("제목 *").fill(f"견적서 {ids['number']}")
    expect(dialog.get_by_text(f"견적서_{ids['number']}.pdf", exact=True)).to_be_visible()
    dialog.get_by_role("button", name="보내기").dblclick()
    expect(page.get_by_text("hong@example.com으로 발송했습니다.")).to_be_visible()
    expect(dialog).to_be_hidden()
    [(to, message)] = smtp.wait_for(1)
    assert to == ["hong@example.com"] and message["Subject"] == f"견적서 {ids['number']}"
    assert [part.get_filename() for part in message.iter_attachments()] == [f"견적서_{ids['number']}.pdf"]
    assert _run(server, "count") == {"mails": 1}
    assert len(smtp.received) == 1

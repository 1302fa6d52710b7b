"""End-to-end in Chromium: a quote for 재근상사 is written, printed (previewed; PDF 저장 downloads it),
shipped, and its 외상잔액 shows up in the customer window, the ledger and the customer search."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, Server, sign_in

pytestmark = pytest.mark.e2e

# Runs inside the server's data folder with the real services: makes sure a customer (and its
# trading partner) exists, optionally ships a quote for it, and prints the ids as JSON.
_SETUP = r"""
import asyncio, datetime as dt, json, sys
from core.audit import SYSTEM, acting_as
from core.db import open_database
from core.settings import use_office_timezone
from models.customer import Customer, TradingPartner
from services import quotes, sales

code, name, ship = sys.argv[1], sys.argv[2], sys.argv[3] == "ship"
use_office_timezone()

async def main():
    async with open_database():
        with acting_as(SYSTEM):
            customer = await Customer.get_or_none(code=code)
            if customer is None:
                customer = await Customer.create(code=code, registered_on=dt.date.today(), company_name=name)
            if customer.partner_id is None:
                partner = await TradingPartner.create(code="E" + code, name=name)
                customer.partner_id = partner.id
                await customer.save()
        if ship:
            quote = await quotes.create_quote(
                by=SYSTEM,
                form=quotes.QuoteForm(quote_date=dt.date.today(), customer_id=customer.id),
                lines=[{"name": "ERP영업관리", "quantity": 1, "unit_price": 5_000_000}],
            )
            await sales.process_to_shipment(quote.id, by=SYSTEM)
        print(json.dumps({"customer_id": customer.id, "partner_id": customer.partner_id}))

asyncio.run(main())
"""


def _setup(server: Server, code: str, name: str, *, ship: bool = False) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", _SETUP, code, name, "ship" if ship else "-"],
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_quote_for_jaegeun_is_printed_shipped_and_raises_the_credit_balance(demo_server, page, tmp_path):
    # 재근상사 is the demo customer (seed-demo); it gets a trading partner here if it has none
    ids = _setup(demo_server, "140213-001", "재근상사")
    url = demo_server.url
    sign_in(page, url)

    page.goto(f"{url}/customers/{ids['customer_id']}?tab=quotes")
    page.get_by_role("button", name="추가[F5]").click()
    page.wait_for_url(re.compile(r".*/quotes/new\?customer=\d+"))
    expect(page.get_by_label("고객 *")).to_have_value(re.compile("재근상사"))
    page.get_by_label("견적제목").fill("ERP 도입 견적")

    page.get_by_role("button", name="품목추가").click()
    search = page.get_by_label("품번 또는 품명")
    search.fill("ERP")
    search.press("Enter")
    for name in ("ERP영업관리", "ERP회계관리"):
        page.get_by_role("cell", name=name, exact=True).dblclick()
        expect(page.get_by_text(f"'{name}'를 추가했습니다.")).to_be_visible()
    page.get_by_role("dialog").get_by_role("button", name="닫기").click()
    page.get_by_role("button", name="텍스트줄 추가").click()
    page.locator("input[data-cell=line-2-name]").fill("- 무상유지보수기간 3개월")
    expect(page.locator("input[data-cell=line-1-name]")).to_have_value("ERP회계관리")
    expect(page.get_by_text("금 일천일백만원정")).to_be_visible()

    page.get_by_role("button", name="저장", exact=True).click()
    expect(page.get_by_text(re.compile(r"견적서 \d{8}-\d+[을를] 저장했습니다"))).to_be_visible()
    page.wait_for_url(re.compile(r".*/quotes/\d+$"))

    page.get_by_role("button", name="인쇄", exact=True).click()
    expect(page.get_by_text("견적서 미리보기")).to_be_visible(timeout=30000)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="PDF 저장").click()
    download = download_info.value
    assert re.fullmatch(r"견적서_\d{8}-\d+\.pdf", download.suggested_filename)
    saved = tmp_path / "quote.pdf"
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    page.get_by_role("dialog").get_by_role("button", name="닫기").click()

    page.get_by_role("button", name="출고처리", exact=True).click()
    page.get_by_role("dialog").get_by_role("button", name="출고처리").click()
    expect(page.get_by_text("견적서는 신청완료입니다.")).to_be_visible()

    page.goto(f"{url}/customers/{ids['customer_id']}?tab=quotes")
    expect(page.get_by_text("외상잔액 11,000,000원")).to_be_visible()
    expect(page.get_by_role("cell", name="신청완료").first).to_be_visible()
    page.goto(f"{url}/ledger/{ids['partner_id']}")
    expect(page.get_by_text("외상잔액 11,000,000원")).to_be_visible()
    expect(
        page.get_by_role("cell", name="ERP영업관리 외 1건")
    ).to_be_visible()  # the text line is not an item

    # 고객관리: the customer search with 외상잔액표시 shows the same balance on 재근상사's row
    page.goto(url)
    page.get_by_label("법인상호 (초성 가능)").fill("재근상사")
    page.get_by_text("외상잔액표시").click()
    expect(page.get_by_role("columnheader", name="외상잔액")).to_be_visible()
    page.get_by_role("button", name=re.compile("조회")).first.click()
    row = page.get_by_role("row").filter(has_text="140213-001")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("재근상사")
    expect(row).to_contain_text("11,000,000")


def test_credit_balance_shows_in_the_customer_search(server, page):
    """A shipment made elsewhere (by the services, no demo data) shows in the customer search."""
    _setup(server, "990101-901", "외상확인상사", ship=True)
    sign_in(page, server.url)
    page.get_by_label(re.compile("상호|업체명|고객명")).first.fill("외상확인상사")
    page.get_by_text("외상잔액표시").click()
    page.get_by_role("button", name=re.compile("조회")).first.click()
    row = page.get_by_role("row").filter(has_text="외상확인상사")
    expect(row).to_contain_text("5,500,000")


def test_quote_status_shows_the_amounts_without_scrolling_at_1024(demo_server, page):
    page.set_viewport_size({"width": 1024, "height": 768})
    sign_in(page, demo_server.url)
    page.goto(f"{demo_server.url}/status/quotes")
    page.get_by_text("기간 전체").click()
    page.get_by_role("button", name="조회[F3]").click()
    table = page.locator(".q-table__container").first
    expect(table.get_by_role("row").filter(has_text="재근상사")).to_be_visible()
    visible_right = table.evaluate("(t) => t.getBoundingClientRect().right")
    for heading in ("공급가액", "부가세", "합계금액"):
        cell = table.get_by_role("columnheader", name=heading, exact=True)
        box = cell.bounding_box()
        assert box is not None and box["x"] + box["width"] <= visible_right, (heading, box, visible_right)
    amount = table.get_by_role("row").filter(has_text="재근상사").get_by_text("11,000,000")
    expect(amount).to_be_in_viewport()


def test_closing_a_quote_opened_from_quote_status_returns_to_its_filters_tab_and_quote(demo_server, page):
    page.set_viewport_size({"width": 1024, "height": 768})
    sign_in(page, demo_server.url)
    page.goto(f"{demo_server.url}/status/quotes")
    page.get_by_text("기간 전체").click()
    page.get_by_role("button", name="조회[F3]").click()
    page.get_by_role("tab", name=re.compile("견적진행")).click()
    row = page.locator(".q-table__container").first.get_by_role("row").filter(has_text="재근상사")
    row.get_by_text("ERP 도입 견적").dblclick()
    page.wait_for_url(re.compile(r"/quotes/\d+\?back="))
    page.get_by_role("button", name="닫기").click()
    page.wait_for_url(re.compile(r"/status/quotes\?"))
    # the same filters, tab and quote as before the quote was opened
    expect(page.get_by_role("checkbox", name="기간 전체")).to_be_checked()
    expect(page.get_by_role("tab", name=re.compile("견적진행"))).to_have_attribute("aria-selected", "true")
    expect(row).to_be_visible()
    expect(row.get_by_role("checkbox")).to_be_checked()
    expect(page.get_by_text("목록에서 견적서를 선택하면")).to_be_hidden()
    # and so does F5
    page.reload()
    expect(page.get_by_role("tab", name=re.compile("견적진행"))).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("checkbox", name="기간 전체")).to_be_checked()

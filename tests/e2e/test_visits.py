"""A visit report written in the real WYSIWYG editor keeps its formatting, and 인쇄 downloads a PDF."""

import io
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.conftest import ROOT, sign_in

pytestmark = pytest.mark.e2e

CREATE_CUSTOMER = """
import asyncio, datetime as dt
from core.db import open_database
from models.customer import Customer

async def main():
    async with open_database():
        customer = await Customer.create(
            code="140213-001", registered_on=dt.date(2014, 2, 13), company_name="재근상사",
            representative="김대표", contact_name="이재근", phone="02-999-8888",
        )
        print(customer.id)

asyncio.run(main())
"""


def _create_customer(server) -> int:
    result = subprocess.run(
        [sys.executable, "-c", CREATE_CUSTOMER],
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(result.stdout.strip().splitlines()[-1])


def test_write_save_reopen_and_print_a_visit_report(server, page):
    customer_id = _create_customer(server)
    sign_in(page, server.url)
    page.goto(f"{server.url}/customers/{customer_id}")
    page.get_by_role("tab", name="방문일지").click()
    expect(page.get_by_text("작성된 방문일지가 없습니다.")).to_be_visible()
    page.get_by_role("button", name="추가[F5]").click()

    dialog = page.locator(".q-dialog")
    content = dialog.locator(".q-editor__content")
    expect(content.locator("td", has_text="재근상사")).to_be_visible()  # the 상담일지 is filled in
    dialog.get_by_label("방문일자 *").press_sequentially("20190329")
    dialog.get_by_label("방문목적").fill("추가개발상담요청")
    expect(content.locator("td", has_text="추가개발상담요청")).to_be_visible()

    content.locator("p").last.click()
    page.keyboard.type("패키지구매업체 ")
    page.keyboard.press("Control+B")
    page.keyboard.type("일부커스터마이징")
    page.keyboard.press("Control+B")
    page.keyboard.press("Enter")
    page.keyboard.type("개발내용 : 문서제작")
    expect(content.locator("b", has_text="일부커스터마이징")).to_be_visible()
    dialog.get_by_role("button", name="저장").click()
    expect(page.get_by_text("저장했습니다")).to_be_visible()
    dialog.get_by_role("button", name="닫기").click()
    expect(dialog).to_have_count(0)

    page.get_by_role("cell", name="추가개발상담요청").dblclick()
    content = page.locator(".q-dialog .q-editor__content")
    expect(content.locator("b", has_text="일부커스터마이징")).to_be_visible()  # the formatting survived
    expect(content.locator("td", has_text="재근상사")).to_be_visible()  # and the table layout
    expect(content).to_contain_text("개발내용 : 문서제작")
    expect(content.locator("th", has_text="방문목적")).to_be_visible()

    with page.expect_download() as download_info:
        page.locator(".q-dialog").get_by_role("button", name="인쇄").click()
    download = download_info.value
    assert download.suggested_filename.startswith("방문일지_") and download.suggested_filename.endswith(
        ".pdf"
    )
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "재근상사" in text and "일부커스터마이징" in text and "추가개발상담요청" in text

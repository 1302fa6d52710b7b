"""In Chromium at the tablet's 1024×768 on the demo office: the customer window's 제품관리 tab and
the 품목 master each have 엑셀 (a workbook of just those rows) and 인쇄 (the print preview, whose
PDF 저장 downloads the same list as PDF), declared once for screen, Excel and print."""

import io
import re

import openpyxl
import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def _printed(page: Page, title: str, filename: re.Pattern) -> str:
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text(title, exact=True)).to_be_visible()
    expect(dialog.locator("iframe")).to_have_attribute("data-loaded", "1")
    with page.expect_download() as saving:
        dialog.get_by_role("button", name="PDF 저장", exact=True).click()
    saved = saving.value
    assert filename.fullmatch(saved.suggested_filename), saved.suggested_filename
    pdf = saved.path().read_bytes()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def _sheet(page: Page, button, filename: re.Pattern) -> list[tuple]:
    with page.expect_download() as arrived:
        button.click()
    download = arrived.value
    assert filename.fullmatch(download.suggested_filename), download.suggested_filename
    data = download.path().read_bytes()
    return list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def test_a_customer_tab_and_the_items_go_to_excel_and_print(demo_server, page):
    page.set_viewport_size({"width": 1024, "height": 768})
    sign_in(page, demo_server.url)
    page.get_by_label("법인상호 (초성 가능)").fill("ㅈㄱㅅㅅ")
    page.get_by_role("button", name="조회[F3]").click()
    expect(page.get_by_text("고객 1건")).to_be_visible()
    page.locator(".q-table").first.get_by_role("cell", name="재근상사", exact=True).dblclick()
    page.wait_for_url(re.compile(r".*/customers/\d+$"))
    page.get_by_role("tab", name=re.compile(r"^제품관리")).click()
    panel = page.locator(".q-tab-panel", has=page.locator("[data-testid], .q-table")).filter(
        has_text="고객허가번호"
    )
    expect(panel.get_by_role("cell", name=re.compile("NZ090101"))).to_be_visible()

    excel = panel.get_by_role("button", name="엑셀[F9]")
    expect(excel).to_be_in_viewport(ratio=1)  # whole, on the tablet
    expect(panel.get_by_role("button", name="인쇄[F10]")).to_be_in_viewport(ratio=1)
    rows = _sheet(page, excel, re.compile(r"제품관리_재근상사_\d{8}\.xlsx"))
    assert rows[0][:3] == ("순번", "관리품목", "고객허가번호") and rows[0][8] == "유지보수금액"
    products = rows[1:-1]
    assert products and all(r[0] is not None for r in products)
    assert any("NZ090101" in (r[6] or "") for r in products)  # 재근상사's key lock, nobody else's
    assert rows[-1][0] == "합계" and rows[-1][8] == sum(r[8] or 0 for r in products)

    panel.get_by_role("button", name="인쇄[F10]").click()
    text = _printed(page, "제품관리 인쇄", re.compile(r"제품관리_재근상사_\d{8}\.pdf"))
    assert "제품관리 — 재근상사" in text and "NZ090101" in text and "합계" in text

    page.goto(f"{demo_server.url}/codes/items")
    expect(page.get_by_role("cell", name="ERP영업관리")).to_be_visible()
    rows = _sheet(page, page.get_by_role("button", name="엑셀[F9]"), re.compile(r"품목_\d{8}\.xlsx"))
    assert rows[0] == ("품번", "품명", "규격", "단위", "단가", "과세", "사용")
    assert ("9998", "ERP영업관리", "3유저", None, 5_000_000, "과세", "사용") in rows

    page.get_by_role("button", name="인쇄[F10]").click()
    text = _printed(page, "품목 인쇄", re.compile(r"품목_\d{8}\.pdf"))
    assert "품목" in text and "ERP영업관리" in text and "5,000,000" in text

"""End-to-end in Chromium on the demo office: 재근상사's paid maintenance ends 2020-03-31, so the
유지보수관리 menu lists it for 2020; TOSP작성 writes the agreement, its preview saves a PDF with the
customer's Korean name in it, and 계약 moves the product's 유상종료일 a year on."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def test_batch_agreement_pdf_and_signing_on_the_demo_data(demo_server, page):
    url = demo_server.url
    sign_in(page, url)
    page.goto(f"{url}/maintenance")
    page.get_by_label("계약기간 (부터)").fill("2020-01-01")
    page.get_by_label("(까지)").fill("2020-12-31")
    page.get_by_role("button", name="조회[F3]").click()

    due_row = page.locator(".q-table tbody tr", has_text="재근상사").first
    expect(due_row).to_contain_text("2020-03-31")
    expect(due_row).to_contain_text("5,000,000")
    expect(page.get_by_role("tab", name="유지보수[재계약] (1)")).to_be_visible()

    due_row.locator(".q-checkbox").click()
    page.get_by_role("button", name="TOSP작성").click()
    expect(page.get_by_text("레코드수 1 · 재근상사")).to_be_visible()
    page.get_by_role("button", name="작성", exact=True).click()
    expect(page.get_by_text("유지보수동의서 1건을 작성했습니다 (발송전).")).to_be_visible()
    expect(due_row).to_contain_text("●")

    page.get_by_role("tab", name="유지보수동의서작성").click()
    expect(page.get_by_role("tab", name="TOSP발송전 (1)")).to_be_visible()
    agreement_row = page.locator(".q-table tbody tr", has_text="재근상사").last
    expect(agreement_row).to_contain_text("2021-03-31")
    expect(agreement_row).to_contain_text("재계약")
    agreement_row.locator(".q-checkbox").click()
    page.get_by_role("button", name="동의서 출력").click()
    preview = page.get_by_role("dialog")
    expect(preview.get_by_text("유지보수동의서 미리보기")).to_be_visible()
    with page.expect_download() as download_info:
        preview.get_by_role("button", name="PDF 저장").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf") and "재근상사" in download.suggested_filename
    pdf = download.path().read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "재근상사" in text
    assert "유지보수 동의서" in text and "2020-04-01 ~ 2021-03-31" in text and "NZ090101" in text
    preview.get_by_role("button", name="닫기").click()
    expect(preview).to_have_count(0)

    page.get_by_role("button", name="계약", exact=True).click()
    expect(page.get_by_text("1건을 계약으로 바꿨습니다.", exact=False)).to_be_visible()
    expect(page.get_by_role("tab", name="TOSP계약 (1)")).to_be_visible()

    page.get_by_role("tab", name="TOSP계약 (1)").click()
    page.locator(".q-table tbody tr", has_text="재근상사").last.click(button="right")
    page.locator(".q-menu").get_by_text("고객정보", exact=True).click()
    page.wait_for_url(f"{url}/customers/*")
    page.get_by_role("tab", name="제품관리").click()
    product_row = page.locator(".q-table tbody tr", has_text="뉴젠ERP").first
    expect(product_row).to_contain_text("2021-03-31")
    expect(product_row).to_contain_text("NZ090101")

    # a click on a contract's row selects it, as on every list: its lines show below
    page.get_by_role("tab", name="유지보수관리").click()
    contract_row = page.get_by_role("row").filter(has_text="2021-03-31").filter(has_text="재계약")
    contract_row.get_by_role("cell", name="재계약").click()
    expect(contract_row.locator(".q-checkbox")).to_have_attribute("aria-checked", "true")
    expect(page.get_by_text("내역 · 합계", exact=False)).to_be_visible()

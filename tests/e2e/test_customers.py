import re

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def test_search_by_initials_open_move_and_export_in_chromium(demo_server, page, tmp_path):
    sign_in(page, demo_server.url)
    page.get_by_label("법인상호 (초성 가능)").fill("ㅈㄱㅅㅅ")
    page.get_by_role("button", name="조회[F3]").click()
    expect(page.get_by_text("고객 1건")).to_be_visible()
    customers = page.locator(".q-table").first  # the reception log below lists 재근상사 too
    row = customers.get_by_role("cell", name="재근상사", exact=True)
    expect(row).to_be_visible()

    row.dblclick()
    page.wait_for_url(re.compile(r".*/customers/\d+$"))
    expect(page.get_by_text("고객정보 (재근상사)")).to_be_visible()
    expect(page.get_by_label("고객코드")).to_have_value("140213-001")
    expect(page.get_by_label("법인상호")).to_have_value("재근상사")
    expect(page.get_by_label("사업자번호")).to_have_value("111-22-33332")

    page.get_by_role("button", name=">", exact=True).click()
    expect(page.get_by_text("고객정보 ((주)A상호)")).to_be_visible()
    expect(page.get_by_label("고객코드")).to_have_value("150701-001")

    page.get_by_role("button", name="닫기").click()
    page.wait_for_url(f"{demo_server.url}/")
    page.get_by_label("법인상호 (초성 가능)").fill("ㅈㄱㅅㅅ")
    page.get_by_label("법인상호 (초성 가능)").press("Enter")
    expect(page.get_by_text("고객 1건")).to_be_visible()
    with page.expect_download() as arrived:
        page.get_by_role("button", name="엑셀[F9]").click()
    download = arrived.value
    assert download.suggested_filename.startswith("고객목록_") and download.suggested_filename.endswith(
        ".xlsx"
    )
    saved = tmp_path / "customers.xlsx"
    download.save_as(saved)
    sheet = openpyxl.load_workbook(saved).active
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["고객코드", "등록일자", "고객상태", "법인상호"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[3]) for r in rows] == [("140213-001", "재근상사")]

    # the manual's function keys, pressed in the browser (which would otherwise find / reload)
    page.get_by_label("법인상호 (초성 가능)").fill("ㅎㅇ")
    page.keyboard.press("F3")
    expect(page.get_by_text("고객 1건")).to_be_visible()
    expect(customers.get_by_role("cell", name="하이디자인", exact=True)).to_be_visible()
    page.keyboard.press("F5")
    page.wait_for_url(f"{demo_server.url}/customers/new")
    expect(page.get_by_text("고객정보 (새 고객)")).to_be_visible()


def test_search_rules_are_the_same_on_customers_and_cards_in_chromium(demo_server, page):
    page.set_viewport_size({"width": 1024, "height": 768})
    sign_in(page, demo_server.url)
    customers = page.locator(".q-table").first
    # 사업자번호 by its last digits, as phone numbers are found (재근상사: 111-22-33332)
    page.get_by_label("사업자번호").fill("33332")
    page.get_by_role("button", name="조회[F3]").click()
    expect(page.get_by_text("고객 1건")).to_be_visible()
    expect(customers.get_by_role("cell", name="재근상사", exact=True)).to_be_visible()

    # 명함: 이름 and 회사명 by 초성, as 법인상호 is
    page.goto(f"{demo_server.url}/cards")
    cards = page.locator(".q-table").first
    page.get_by_label("이름 (초성 가능)").fill("ㅎㅁㅅ")
    page.get_by_role("button", name="조회[F3]").click()
    expect(page.get_by_text("명함 1건")).to_be_visible()
    expect(cards.get_by_role("cell", name="호면수", exact=True)).to_be_visible()
    page.get_by_label("이름 (초성 가능)").fill("")
    page.get_by_label("회사명 (초성 가능)").fill("ㅈㄱㅅㅅ")
    page.get_by_role("button", name="조회[F3]").click()
    expect(page.get_by_text("명함 1건")).to_be_visible()
    expect(cards.get_by_role("cell", name="홍길동", exact=True)).to_be_visible()

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


@pytest.mark.parametrize("viewport", [(1024, 768), (1366, 900)], ids=["tablet", "pc"])
def test_every_customer_tab_list_goes_to_excel_and_print(demo_server, page, viewport):
    """명함관리, 유지보수관리, 방문일지, 통화·문자 and 전체 이력 of 재근상사: 엑셀 gives just the customer's rows
    under the screen's headings, 인쇄 a PDF headed with the tab and the customer."""
    from tests.e2e.test_call_log import _add_call, _customer_id

    jaegeun = _customer_id(demo_server, "140213-001")
    _add_call(demo_server, "02-999-8888", 5, customer_id=jaegeun, duration=125)
    _add_call(demo_server, "02-111-2222", 4)  # someone else's call: in no sheet of 재근상사
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    sign_in(page, demo_server.url)
    page.goto(f"{demo_server.url}/customers/{jaegeun}")

    def tab(label: str, heading: str):
        page.get_by_role("tab", name=re.compile(f"^{label}")).click()
        panel = page.locator(".q-tab-panel").filter(has=page.get_by_role("columnheader", name=heading))
        expect(panel).to_be_visible()
        return panel

    panel = tab("명함관리", "담당업무")
    rows = _sheet(
        page, panel.get_by_role("button", name="엑셀[F9]"), re.compile(r"명함관리_재근상사_\d{8}\.xlsx")
    )
    assert rows[0][:5] == ("담당자", "직책", "직통번호", "내선", "휴대폰")
    assert [r[0] for r in rows[1:]] == ["홍길동"] and rows[1][4] == "010-0000-0000"
    panel.get_by_role("button", name="인쇄[F10]").click()
    assert "홍길동" in _printed(page, "명함관리 인쇄", re.compile(r"명함관리_재근상사_\d{8}\.pdf"))

    panel = tab("유지보수관리", "납부방법")
    expect(panel.get_by_role("cell", name="계약", exact=True).first).to_be_visible()
    rows = _sheet(
        page, panel.get_by_role("button", name="엑셀[F9]"), re.compile(r"유지보수관리_재근상사_\d{8}\.xlsx")
    )
    assert rows[0][:3] == ("순번", "제품군", "계약상태") and rows[0][11] == "유지보수금액"
    assert len(rows) == 3 and rows[1][0] == 1 and rows[2][0] == "합계" and rows[2][11] == rows[1][11]
    list_print = panel.get_by_role("button", name="목록 인쇄")
    expect(list_print).to_be_in_viewport(ratio=1)
    list_print.click()
    text = _printed(page, "유지보수관리 인쇄", re.compile(r"유지보수관리_재근상사_\d{8}\.pdf"))
    assert "유지보수관리 — 재근상사" in text

    panel = tab("방문일지", "방문목적")
    rows = _sheet(
        page, panel.get_by_role("button", name="엑셀[F9]"), re.compile(r"방문일지_재근상사_\d{8}\.xlsx")
    )
    assert rows[0] == (
        "작성일자",
        "방문일자",
        "시간",
        "진행상태",
        "문서분류",
        "방문목적",
        "방문자",
        "문서번호",
    )
    assert len(rows) == 2
    panel.get_by_role("button", name="목록 인쇄").click()
    assert "방문일지 — 재근상사" in _printed(
        page, "방문일지 인쇄", re.compile(r"방문일지_재근상사_\d{8}\.pdf")
    )

    panel = tab("통화·문자", "통화시간")
    rows = _sheet(
        page, panel.get_by_role("button", name="엑셀[F9]"), re.compile(r"통화·문자_재근상사_\d{8}\.xlsx")
    )
    assert rows[0][:5] == ("일시", "종류", "구분", "결과", "전화번호")
    assert [r[4] for r in rows[1:]] == ["02-999-8888"] and rows[1][6] == "2:05"
    panel.get_by_role("button", name="인쇄[F10]").click()
    text = _printed(page, "통화·문자 인쇄", re.compile(r"통화·문자_재근상사_\d{8}\.pdf"))
    assert "02-999-8888" in text and "02-111-2222" not in text

    panel = tab("전체 이력", "담당자")
    rows = _sheet(
        page, panel.get_by_role("button", name="엑셀[F9]"), re.compile(r"전체 이력_재근상사_\d{8}\.xlsx")
    )
    assert rows[0] == ("일시", "구분", "담당자", "내용")
    kinds = {r[1] for r in rows[1:]}
    assert {"통화", "접수", "방문"} <= kinds, kinds
    panel.get_by_role("button", name="인쇄[F10]").click()
    assert "전체 이력 — 재근상사" in _printed(
        page, "전체 이력 인쇄", re.compile(r"전체 이력_재근상사_\d{8}\.pdf")
    )

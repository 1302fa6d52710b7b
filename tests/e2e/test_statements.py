"""In Chromium with the demo office: the 거래내역 of (주)A상호 — its order is shipped, then the
shipment's 거래명세서 and a receipt's 영수증 are printed through the one print preview, and the
saved PDFs carry the document, the totals in figures and in words, and both companies."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.e2e.conftest import Server, connected, sign_in

pytestmark = pytest.mark.e2e


def _partner_id(server: Server) -> int:
    with sqlite3.connect(Path(server.data_dir) / "gogaek.sqlite3") as connection:
        (partner_id,) = connection.execute(
            "SELECT partner_id FROM customer WHERE code = '150701-001'"
        ).fetchone()
    return partner_id


def _saved_text(page: Page, title: str, filename_start: str) -> str:
    """The print preview titled `title` is open: PDF 저장, and the saved PDF's text."""
    dialog = page.get_by_role("dialog").filter(has_text=title)
    expect(dialog.get_by_text(title, exact=True)).to_be_visible()
    expect(dialog.locator("iframe")).to_have_attribute("data-loaded", "1")
    with page.expect_download() as saving:
        dialog.get_by_role("button", name="PDF 저장", exact=True).click()
    saved = saving.value
    assert saved.suggested_filename.startswith(filename_start), saved.suggested_filename
    data = Path(saved.path()).read_bytes()
    assert data.startswith(b"%PDF")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_statement_of_a_shipment_and_receipt_of_a_payment_print_from_the_ledger(demo_server, page):
    page.set_viewport_size({"width": 1024, "height": 768})
    sign_in(page, demo_server.url)
    page.goto(f"{demo_server.url}/ledger/{_partner_id(demo_server)}")
    connected(page)
    page.get_by_text("기간 전체").click()
    page.get_by_role("button", name="조회[F3]").click()

    # the demo order (2019-03-28) is shipped first
    page.get_by_role("cell", name="수주", exact=True).click()
    page.get_by_role("button", name="출고처리", exact=True).click()
    page.get_by_role("dialog").get_by_role("button", name="출고처리").click()
    expect(page.get_by_role("cell", name="출고", exact=True)).to_be_visible()

    page.get_by_role("cell", name="출고", exact=True).click()
    page.get_by_role("button", name="거래명세서", exact=True).click()
    text = _saved_text(page, "거래명세서 미리보기", "거래명세서_")
    for expected in (
        "거래명세서",
        "공급받는자 보관용",
        "(주)A상호",
        "(주)고객소프트",  # the demo office's 회사정보
        "123-45-67891",
        "ERP영업관리",
        "10,000,000",
        "1,000,000",
        "11,000,000",
        "금 일천일백만원정",
        "인수자",
    ):
        assert expected in text, expected

    page.get_by_role("button", name="수금입력[F5]").click()
    page.get_by_role("dialog").get_by_label("금액 *").fill("1,100,000")
    page.get_by_role("dialog").get_by_role("button", name="저장", exact=True).click()
    expect(page.get_by_text("수금을 저장했습니다.")).to_be_visible()
    page.get_by_role("cell", name="수금", exact=True).click()
    page.get_by_role("button", name="영수증", exact=True).click()
    text = _saved_text(page, "영수증 미리보기", "영수증_")
    for expected in (
        "영수증",
        "(주)A상호 귀하",
        "1,100,000",
        "금 일백일십만원정",
        "위 금액을 정히 영수합니다.",
    ):
        assert expected in text, expected

    # the receipt's own dialog prints it too
    page.get_by_role("cell", name="수금", exact=True).dblclick()
    receipt_dialog = page.get_by_role("dialog").filter(has_text="수금 수정")
    receipt_dialog.get_by_role("button", name="영수증", exact=True).click()
    assert "금 일백일십만원정" in _saved_text(page, "영수증 미리보기", "영수증_")
    receipt_dialog.get_by_role("button", name="닫기", exact=True).click()
    expect(page.get_by_role("dialog")).to_have_count(0)

    # a receipt has no 거래명세서: said, nothing opens
    page.get_by_role("button", name="거래명세서", exact=True).click()
    expect(page.get_by_text("거래명세서를 인쇄할 수주나 출고를 선택하세요.")).to_be_visible()

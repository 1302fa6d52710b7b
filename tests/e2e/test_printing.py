"""In Chromium at the tablet's 1024×768: 인쇄[F10] on screens that used to push a file download
(고객관리, 유지보수관리, 방문일정) opens the one print preview — the PDF in the browser's viewer
inside the dialog, 인쇄 sends that PDF to the browser's print dialog, PDF 저장 downloads it, Esc
closes."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

# Headless Chromium has no print dialog (asking its PDF viewer to print ends the tab), so the
# viewer's window.print records the call instead; in a real browser it opens the print dialog.
RECORD_PRINT = """frame => {
    frame.contentWindow.print = () => { frame.dataset.printed = String(Number(frame.dataset.printed || 0) + 1); };
}"""


def _preview(page: Page, title: str, downloads: list, filename: re.Pattern) -> None:
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text(title, exact=True)).to_be_visible()
    assert downloads == [], "인쇄 shows a preview, it downloads nothing by itself"
    frame = dialog.locator("iframe")
    expect(frame).to_be_visible()
    expect(frame).to_have_attribute("src", re.compile(r"^/pdf/[\w-]+$"))
    expect(frame).to_have_attribute("data-loaded", "1")  # the viewer has the PDF
    assert frame.evaluate("frame => frame.contentDocument.contentType") == "application/pdf"
    box = frame.bounding_box()
    assert box is not None and box["width"] > 900 and box["height"] > 500  # the page, not a strip
    for name in ("인쇄", "PDF 저장", "닫기"):
        button = dialog.get_by_role("button", name=name, exact=True)
        expect(button).to_be_visible()
        button_box = button.bounding_box()
        assert button_box is not None and button_box["x"] + button_box["width"] <= 1024

    frame.evaluate(RECORD_PRINT)
    dialog.get_by_role("button", name="인쇄", exact=True).click()
    expect(frame).to_have_attribute("data-printed", "1")

    with page.expect_download() as saving:
        dialog.get_by_role("button", name="PDF 저장", exact=True).click()
    saved = saving.value
    assert filename.fullmatch(saved.suggested_filename), saved.suggested_filename
    assert Path(saved.path()).read_bytes().startswith(b"%PDF")

    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_every_print_opens_the_same_preview(demo_server, page):
    page.set_viewport_size({"width": 1024, "height": 768})
    downloads: list = []
    page.on("download", lambda download: downloads.append(download))
    sign_in(page, demo_server.url)

    expect(page.get_by_text(re.compile(r"고객 \d+건"))).to_be_visible()
    page.get_by_role("button", name="인쇄[F10]").click()
    _preview(page, "고객 목록 인쇄", downloads, re.compile(r"고객목록_\d{8}\.pdf"))

    downloads.clear()
    page.goto(f"{demo_server.url}/maintenance")
    page.get_by_role("button", name="인쇄[F10]").click()
    _preview(page, "유지보수대상업체 인쇄", downloads, re.compile(r"유지보수대상업체_.+_\d{8}\.pdf"))

    downloads.clear()
    page.goto(f"{demo_server.url}/status/visits")
    page.get_by_role("button", name="인쇄[F10]").click()
    _preview(page, "방문일정 인쇄", downloads, re.compile(r"방문일정_\d{8}\.pdf"))

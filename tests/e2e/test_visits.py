"""A visit report written in the real WYSIWYG editor keeps its formatting, and 인쇄 previews it
as a PDF that PDF 저장 downloads."""

import io
import json
import re
import subprocess
import sys
import time
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


class SlowServerMessages:
    """Holds back what the server sends to the browser, as a slow network does, while the user's
    keystrokes still reach the server."""

    def __init__(self, page) -> None:
        self.page = page
        self.holding = False
        self.held: list[tuple[object, str | bytes]] = []
        page.route_web_socket(re.compile(r".*/_nicegui_ws/.*"), self._route)

    def _route(self, ws) -> None:
        server = ws.connect_to_server()

        def from_server(message: str | bytes) -> None:
            if self.holding:
                self.held.append((ws, message))
            else:
                ws.send(message)

        server.on_message(from_server)
        ws.on_message(server.send)

    def hold(self) -> None:
        self.holding = True

    def wait_until_held(self, text: str) -> None:
        """Wait until the server has sent (and we hold) a message containing `text`."""
        forms = (text, json.dumps(text)[1:-1])
        deadline = time.monotonic() + 30
        while not any(
            isinstance(message, str) and any(form in message for form in forms) for _, message in self.held
        ):
            assert time.monotonic() < deadline, f"the server never sent {text!r}"
            self.page.wait_for_timeout(50)  # lets Playwright deliver the messages

    def release(self) -> None:
        while self.held:  # in order; what arrives meanwhile is queued behind
            ws, message = self.held.pop(0)
            ws.send(message)
        self.holding = False


def _open_new_visit(server, page) -> tuple:
    customer_id = _create_customer(server)
    sign_in(page, server.url)
    page.goto(f"{server.url}/customers/{customer_id}")
    page.get_by_role("tab", name="방문일지").click()
    expect(page.get_by_text("작성된 방문일지가 없습니다.")).to_be_visible()
    page.get_by_role("button", name="추가[F5]").click()
    dialog = page.locator(".q-dialog")
    content = dialog.locator(".q-editor__content")
    expect(content.locator("td", has_text="재근상사")).to_be_visible()  # the 상담일지 is filled in
    return dialog, content


TYPE_BOLD_TYPE = """el => {
    // a keystroke, Ctrl+B and the next keystroke before the browser has told the editor where
    // the caret went ("selectionchange"): what a busy machine does to a fast typist
    document.execCommand("insertText", false, "패키지구매업체 ");
    const ctrlB = new KeyboardEvent("keydown", {key: "b", code: "KeyB", ctrlKey: true, bubbles: true,
                                                cancelable: true});
    Object.defineProperty(ctrlB, "keyCode", {get: () => 66});
    el.dispatchEvent(ctrlB);
    document.execCommand("insertText", false, "일부커스터마이징");
}"""


def test_ctrl_b_right_after_a_keystroke_makes_what_follows_bold_at_the_caret(server, page):
    _dialog, content = _open_new_visit(server, page)
    content.locator("p").last.click()
    content.evaluate(TYPE_BOLD_TYPE)
    expect(content.locator("b", has_text="일부커스터마이징")).to_be_visible()
    expect(content).to_contain_text("패키지구매업체 일부커스터마이징")


def test_a_late_refill_never_overwrites_what_the_user_is_typing(server, page):
    """The server refills the body after the purpose changed, but its answer reaches the browser
    only after the user has started typing into the body: what was typed stays, and the new
    purpose is offered instead of forced."""
    network = SlowServerMessages(page)
    dialog, content = _open_new_visit(server, page)
    dialog.get_by_label("방문일자 *").press_sequentially("20190329")
    dialog.get_by_label("방문목적").fill("설치")
    expect(content.locator("td", has_text="설치")).to_be_visible()

    network.hold()
    dialog.get_by_label("방문목적").fill("추가개발상담요청")
    network.wait_until_held("추가개발상담요청")  # the refilled body is on its way
    content.locator("p").last.click()
    page.keyboard.type("패키지구매업체 ")
    page.keyboard.press("Control+B")
    page.keyboard.type("일부커스터마이징")
    page.keyboard.press("Control+B")
    network.release()

    # leaving the purpose field again asks (a round trip: the late refill has arrived by then)
    dialog.get_by_label("방문목적").click()
    content.locator("p").last.click()
    question = page.get_by_text("본문의 방문목적도 새 값으로 바꿀까요?")
    expect(question).to_be_visible()
    expect(content.locator("b", has_text="일부커스터마이징")).to_be_visible()  # nothing was lost
    expect(content).to_contain_text("패키지구매업체 일부커스터마이징")
    expect(content.locator("td", has_text="추가개발상담요청")).to_have_count(0)
    page.get_by_role("button", name="바꾸기").click()
    expect(content.locator("td", has_text="추가개발상담요청")).to_be_visible()
    expect(content.locator("b", has_text="일부커스터마이징")).to_be_visible()

    dialog.get_by_role("button", name="저장").click()
    expect(page.get_by_text("저장했습니다")).to_be_visible()
    dialog.get_by_role("button", name="닫기").click()
    expect(dialog).to_have_count(0)
    page.get_by_role("cell", name="추가개발상담요청").dblclick()
    content = page.locator(".q-dialog .q-editor__content")
    expect(content.locator("b", has_text="일부커스터마이징")).to_be_visible()  # and it was stored
    expect(content).to_contain_text("패키지구매업체 일부커스터마이징")
    expect(content.locator("td", has_text="추가개발상담요청")).to_be_visible()


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

    page.locator(".q-dialog").get_by_role("button", name="인쇄").click()
    preview = page.get_by_role("dialog").filter(has_text="방문일지 미리보기")
    expect(preview.locator("iframe")).to_be_visible()
    with page.expect_download() as download_info:
        preview.get_by_role("button", name="PDF 저장").click()
    download = download_info.value
    assert download.suggested_filename.startswith("방문일지_") and download.suggested_filename.endswith(
        ".pdf"
    )
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "재근상사" in text and "일부커스터마이징" in text and "추가개발상담요청" in text
    page.keyboard.press("Escape")  # closes the preview, and only the preview
    expect(preview).to_have_count(0)
    expect(content).to_contain_text("개발내용 : 문서제작")


def _border(cell) -> list[str]:
    return cell.evaluate(
        "e => { const s = getComputedStyle(e); return [s.borderTopWidth, s.borderTopStyle, s.borderTopColor] }"
    )


def test_template_preview_draws_table_borders_as_the_pdf_and_fills_korean_placeholders(server, page):
    sign_in(page, server.url)
    page.goto(f"{server.url}/codes/html")
    expect(page.get_by_label("문서 이름 *")).to_have_value("상담일지")
    page.get_by_role("tab", name="미리보기").click()
    preview = page.locator(".document-preview")
    expect(preview.locator("td", has_text="재근상사")).to_be_visible()
    # the 상담일지's <table border="1">: 1px black lines around every cell, as the PDF draws them
    for cell in (preview.locator("td", has_text="재근상사"), preview.locator("th", has_text="방문일자")):
        assert _border(cell) == ["1px", "solid", "rgb(0, 0, 0)"]
    assert _border(preview.locator("table")) == ["1px", "solid", "rgb(0, 0, 0)"]

    # a new template: the Korean chips insert at the caret of the real editor and the preview fills them
    page.get_by_role("button", name="추가").click()
    expect(page.get_by_label("문서 이름 *")).to_have_value("")
    page.get_by_role("tab", name="편집").click()
    content = page.locator(".q-editor__content")
    content.click()
    page.keyboard.type("고객: ")
    page.get_by_text("{{상호}}", exact=True).click()
    expect(content).to_contain_text("고객: {{상호}}")
    page.get_by_role("tab", name="미리보기").click()
    expect(preview).to_contain_text("고객: 재근상사")

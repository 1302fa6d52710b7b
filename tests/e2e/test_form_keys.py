"""Keys belong to what is in front, and unsaved input is never thrown away silently: F5 (the
manual's 추가 and every Korean user's refresh reflex) and F9 (엑셀) pressed inside an open
reception form leave the form and its text alone and do nothing behind it; closing, reloading or
leaving a dirty form asks first."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import connected, sign_in

pytestmark = pytest.mark.e2e

TEXT = "F키 누르기 전에 쓴 접수내용"


def _open_reception_with_text(page: Page) -> None:
    page.get_by_test_id("log-add").click()
    form = page.get_by_role("dialog")
    form.get_by_label("접수내용 (고객 문의)").fill(TEXT)
    # the form told the browser it holds unsaved input
    page.wait_for_function("window.gogaekDirtyForms && window.gogaekDirtyForms.size > 0")


def test_f5_and_f9_in_an_open_reception_form_act_on_nothing_behind_it(server, page):
    sign_in(page, server.url)
    downloads = []
    page.on("download", lambda download: downloads.append(download))
    _open_reception_with_text(page)
    inquiry = page.get_by_role("dialog").get_by_label("접수내용 (고객 문의)")
    inquiry.press("F5")
    inquiry.press("F9")
    # a round trip after the keys: 닫기 asks, because the text is still unsaved
    page.get_by_role("dialog").get_by_role("button", name="닫기", exact=True).click()
    expect(page.get_by_text("저장하지 않은 내용이 있습니다. 저장하지 않고 닫을까요?")).to_be_visible()
    page.get_by_role("button", name="취소").click()
    expect(inquiry).to_have_value(TEXT)
    assert page.url.rstrip("/") == server.url
    assert downloads == []
    expect(page.get_by_text("고객정보 (새 고객)")).to_have_count(0)


def test_the_same_keys_without_a_dialog_still_work(server, page):
    sign_in(page, server.url)
    page.keyboard.press("F5")
    page.wait_for_url(f"{server.url}/customers/new")


def test_reloading_or_closing_a_dirty_form_asks_first(server, page):
    sign_in(page, server.url)
    _open_reception_with_text(page)
    with page.expect_event("dialog") as asked:
        page.close(run_before_unload=True)
    assert asked.value.type == "beforeunload"
    asked.value.dismiss()  # stay on the page
    expect(page.get_by_role("dialog").get_by_label("접수내용 (고객 문의)")).to_have_value(TEXT)


DIRTY = "window.gogaekDirtyForms && window.gogaekDirtyForms.size > 0"
CLEAN = "!window.gogaekDirtyForms || window.gogaekDirtyForms.size === 0"


# the browser's leave question, asked as the browser asks it: a cancelable beforeunload event
LEAVE_IS_ASKED = """() => {
  const leaving = new Event('beforeunload', {cancelable: true});
  window.dispatchEvent(leaving);
  return leaving.defaultPrevented;
}"""


def _settings_forms(page: Page, url: str) -> None:
    """Typing into a page's form arms the browser's leave question (reload, close, the menu).

    The question is asked here by dispatching the browser's beforeunload event: Chromium skips
    its real dialog when the page does not answer within a fraction of a second, which a machine
    running the suite in several processes cannot promise (the real dialog on reload and close is
    `test_reloading_or_closing_a_dirty_form_asks_first`)."""
    page.on("dialog", lambda question: question.accept())  # leaving each form for the next
    for path, label in (
        ("/codes/html", "문서 이름 *"),
        ("/settings/company", "대표자"),
        ("/settings/cti", "포트"),
        ("/settings/centrex", "서버 주소"),
    ):
        page.goto(f"{url}{path}")
        connected(page)
        # nothing typed yet: the form settles clean (a value echoed back while a loaded machine
        # draws the page may pass through the guard first; it must not stay armed)
        page.wait_for_function(CLEAN, timeout=10_000)
        assert page.evaluate(LEAVE_IS_ASKED) is False, path
        field = page.get_by_label(label, exact=True)
        field.click()
        field.press("End")
        field.press_sequentially("7")
        page.wait_for_function(DIRTY)
        assert page.evaluate(LEAVE_IS_ASKED) is True, path


def _dialog_forms(page: Page, url: str) -> None:
    """닫기 on a dialog form with typed input asks first, and keeps the input."""
    for path, opener, label in (
        ("/codes/items", "추가[F5]", "품번 *"),
        ("/settings/centrex", "추가[F5]", "내선번호"),
    ):
        page.goto(f"{url}{path}")
        page.get_by_role("button", name=opener, exact=True).first.click()
        dialog = page.get_by_role("dialog").filter(has=page.get_by_label(label, exact=True))
        question = page.get_by_role("dialog").filter(has_text="저장하지 않은 내용이 있습니다")
        dialog.get_by_label(label, exact=True).fill("77")
        page.wait_for_function(DIRTY)
        dialog.get_by_role("button", name="닫기", exact=True).click()
        expect(page.get_by_text("저장하지 않은 내용이 있습니다. 저장하지 않고 닫을까요?")).to_be_visible()
        question.get_by_role("button", name="취소").click()
        expect(question).to_have_count(0)  # gone, not still fading out over the form
        expect(dialog.get_by_label(label, exact=True)).to_have_value("77")
        dialog.get_by_role("button", name="닫기", exact=True).click()
        question.get_by_role("button", name="닫기").click()
        expect(page.get_by_role("dialog")).to_have_count(0)
        page.wait_for_function(CLEAN)


def test_every_editor_and_settings_form_asks_before_unsaved_input_is_lost(server, page):
    sign_in(page, server.url)
    _settings_forms(page, server.url)
    _dialog_forms(page, server.url)
    # saving disarms: the company form saved, a reload goes through without a question
    page.goto(f"{server.url}/settings/company")
    page.get_by_label("상호 *", exact=True).fill("재근상사")
    page.wait_for_function(DIRTY)
    page.get_by_role("button", name="저장", exact=True).click()
    expect(page.get_by_text("회사정보를 저장했습니다.")).to_be_visible()
    page.wait_for_function(CLEAN)

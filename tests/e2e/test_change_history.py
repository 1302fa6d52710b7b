"""변경 이력 in Chromium: a staff member edits a customer's 전화번호 and sees old → new with their
name; the 감사 로그 is refused to staff (403) and absent from their menu."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

CLERK_PASSWORD = "Clerk-pass-24680"


def test_a_phone_edit_in_the_customer_window_is_in_its_change_history(demo_server, page, browser):
    sign_in(page, demo_server.url)
    expect(page.get_by_text("감사 로그", exact=True)).to_have_count(1)  # in an admin's menu
    page.goto(f"{demo_server.url}/settings/users")
    page.get_by_role("button", name="추가").click()
    expect(page.get_by_text("사용자 추가")).to_be_visible()
    page.get_by_label("아이디").fill("clerk")
    page.get_by_label("이름").fill("김사원")
    page.get_by_label("초기 비밀번호 (8자 이상)").fill(CLERK_PASSWORD)
    page.get_by_role("button", name="저장").click()
    expect(page.get_by_text("저장했습니다.")).to_be_visible()

    clerk_context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="ko-KR")
    clerk = clerk_context.new_page()
    try:
        sign_in(clerk, demo_server.url, "clerk", CLERK_PASSWORD)
        expect(clerk.get_by_text("비밀번호 변경", exact=True)).to_have_count(1)  # the menu is drawn
        expect(clerk.get_by_text("감사 로그", exact=True)).to_have_count(0)
        clerk.get_by_label("법인상호 (초성 가능)").fill("재근상사")
        clerk.get_by_role("button", name="조회[F3]").click()
        clerk.locator(".q-table").first.get_by_role("cell", name="재근상사", exact=True).dblclick()
        clerk.wait_for_url(re.compile(r".*/customers/\d+$"))
        phone = clerk.get_by_label("전화번호", exact=True)
        expect(phone).not_to_have_value("")
        before = phone.input_value()
        phone.fill("02-765-4321")
        clerk.get_by_role("button", name="저장").first.click()
        expect(clerk.get_by_text("저장했습니다")).to_be_visible()

        clerk.get_by_role("button", name="변경 이력").click()
        history = clerk.locator(".q-dialog .q-table")
        newest = history.locator("tbody tr").first
        expect(newest).to_contain_text("김사원")
        expect(newest).to_contain_text("수정")
        expect(newest).to_contain_text(f"전화번호: {before} → 02-765-4321")

        response = clerk.goto(f"{demo_server.url}/settings/audit")
        assert response is not None and response.status == 403
    finally:
        clerk_context.close()

"""End-to-end: an admin makes the PBX webhook address in 설정 → CTI환경설정; events posted to it
over real HTTP pop the call up in two signed-in Chromium sessions, and a hangup without an answer
leaves a missed call (부재중) in the call records. A wrong token is a missing page."""

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PATIENCE_MS
from tests.e2e.conftest import sign_in as sign_in_browser

pytestmark = [pytest.mark.e2e, pytest.mark.postgresql]

CLERK_LOGIN, CLERK_PASSWORD = "clerk", "E2e-clerk-pass-1"


def call_record(server, call_id: str) -> tuple:
    [record] = server.sql(
        "SELECT source, number, direction, outcome, ended_at IS NOT NULL, duration_seconds"
        " FROM call_event WHERE external_id = ?",
        f"pbx:{call_id}",
    )
    return record


def test_a_pbx_newcall_pops_up_in_two_browsers_and_a_hangup_unanswered_is_missed(server, browser, page):
    server.command("create-admin", "--login", CLERK_LOGIN, "--password", CLERK_PASSWORD, "--name", "김데모")
    sign_in_browser(page, server.url)
    page.goto(f"{server.url}/settings/cti")
    expect(page.get_by_text("아직 주소가 없습니다")).to_be_visible()
    page.get_by_role("button", name="주소 만들기").click()
    address = page.get_by_label("PBX에 넣을 주소")
    expect(address).not_to_have_value("")
    url = address.input_value()
    assert url.startswith(f"{server.url}/cti/") and len(url) > len(server.url) + 40
    expect(page.get_by_text(f"(끝 네 글자 …{url[-4:]})", exact=False)).to_be_visible()

    other_context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="ko-KR")
    try:
        other = other_context.new_page()
        other.set_default_timeout(PATIENCE_MS)
        sign_in_browser(other, server.url, CLERK_LOGIN, CLERK_PASSWORD)

        wrong = httpx.post(f"{server.url}/cti/not-the-token", data={"event": "newCall", "callId": "x"})
        assert wrong.status_code == 404

        event = {"event": "newCall", "callId": "pbx-77", "from": "0299998888", "to": "0215881234"}
        assert httpx.post(url, data=event).status_code == 200
        for screen in (page, other):
            popup = screen.locator(".q-card", has_text="02-9999-8888")
            expect(popup.get_by_text("미등록 번호")).to_be_visible()
            expect(popup.get_by_text("PBX")).to_be_visible()
        assert call_record(server, "pbx-77") == ("webhook", "0299998888", "수신", "알 수 없음", 0, None)

        hangup = httpx.post(url, json={"event": "hangup", "callId": "pbx-77", "from": "0299998888"})
        assert hangup.json() == {"ok": True, "call": True}
        assert call_record(server, "pbx-77") == ("webhook", "0299998888", "수신", "부재중", 1, 0)
    finally:
        other_context.close()

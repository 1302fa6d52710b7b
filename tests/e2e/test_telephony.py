"""End-to-end: `python main.py` with the demo office (seed-demo) reads a serial caller-ID device (a
pty) configured only through environment variables; a modem caller-ID block pops the caller's
customer, 재근상사 of the demo data, up in two signed-in Chromium sessions."""

import time

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PATIENCE_MS, start_server, stop_server
from tests.e2e.conftest import sign_in as sign_in_browser
from tests.telephony.devices import modem_block

pytestmark = pytest.mark.e2e

CLERK_LOGIN, CLERK_PASSWORD = "clerk", "E2e-clerk-pass-1"


@pytest.fixture
def cti_server(tmp_path, device):
    running = start_server(
        tmp_path / "e2e-data",
        extra_env={"GOGAEK_CTI_PORT": str(device.path), "GOGAEK_CTI_BAUD": "9600"},
        seed_demo=True,
    )
    yield running
    stop_server(running)


def wait_for_cti(url: str) -> dict:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        report = httpx.get(f"{url}/healthz").json()
        if report["cti"]["state"] == "connected":
            return report
        time.sleep(0.1)
    raise AssertionError(f"the CTI reader did not connect: {report['cti']}")


def test_a_modem_caller_id_pops_up_in_two_signed_in_browsers(cti_server, device, browser, page):
    cti_server.command(
        "create-admin", "--login", CLERK_LOGIN, "--password", CLERK_PASSWORD, "--name", "김데모"
    )
    report = wait_for_cti(cti_server.url)
    assert report["cti"]["enabled"] is True and report["cti"]["last_error"] == ""
    assert b"AT+VCID=1" in device.read_sent()

    sign_in_browser(page, cti_server.url)
    other_context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="ko-KR")
    try:
        other = other_context.new_page()
        other.set_default_timeout(PATIENCE_MS)
        sign_in_browser(other, cti_server.url, CLERK_LOGIN, CLERK_PASSWORD)
        other.goto(f"{cti_server.url}/settings/password")  # any screen
        expect(other.get_by_text("비밀번호 변경").first).to_be_visible()

        started = time.monotonic()
        device.write(modem_block("029998888"))
        for screen in (page, other):
            popup = screen.locator(".q-card", has_text="02-999-8888")
            expect(popup.get_by_text("재근상사")).to_be_visible()
        elapsed = time.monotonic() - started
        print(f"serial line written → popup visible in two browsers: {elapsed * 1000:.0f} ms")
        expect(other.locator(".q-card", has_text="02-999-8888").get_by_text("140213-001")).to_be_visible()
        assert report["cti"]["last_call_at"] is None
        assert httpx.get(f"{cti_server.url}/healthz").json()["cti"]["last_call_at"]  # the time of that call

        # 접수작성 from the popup: the form starts with the caller's customer, number and source
        other.locator(".q-card", has_text="02-999-8888").get_by_role("button", name="접수작성").click()
        form = other.get_by_role("dialog")
        expect(form.get_by_label("고객", exact=True)).to_have_value("재근상사 (140213-001)")
        expect(form.get_by_label("전화번호")).to_have_value("02-999-8888")
        expect(form.get_by_text("출처: CTI")).to_be_visible()
        expect(page.get_by_text("김데모님이 접수를 작성하고 있습니다.")).to_be_visible()
        form.get_by_label("접수내용 (고객 문의)").fill("e2e 프린터 용지 걸림")
        form.get_by_role("button", name="저장", exact=True).click()
        expect(page.get_by_text("김데모님이 접수를 저장했습니다.")).to_be_visible()
        form.get_by_role("button", name="닫기", exact=True).click()
        expect(form).to_have_count(0)

        device.write(modem_block("029998888"))  # the next ring repeats it: still one popup
        device.write(modem_block("0212345678"))
        expect(page.get_by_text("미등록 번호")).to_be_visible()
        expect(page.locator(".q-card", has_text="02-999-8888")).to_have_count(1)

        device.unplug()  # USB pulled out
        deadline = time.monotonic() + 10
        while httpx.get(f"{cti_server.url}/healthz").json()["cti"]["state"] == "connected":
            assert time.monotonic() < deadline
            time.sleep(0.1)
        device.plug_in()
        wait_for_cti(cti_server.url)
        device.write(modem_block("0311112222"))
        expect(other.get_by_text("031-111-2222")).to_be_visible()
    finally:
        other_context.close()

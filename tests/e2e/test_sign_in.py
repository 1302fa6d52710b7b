import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ADMIN_PASSWORD, sign_in

pytestmark = pytest.mark.e2e


def test_admin_signs_in_and_out_in_chromium(server, page):
    # the console told the office where to open it
    assert f"  {server.url}\n" in (server.data_dir / "server.log").read_text()
    sign_in(page, server.url)
    expect(page.get_by_text("관리자 (관리자)")).to_be_visible()
    expect(page.get_by_text("기초정보등록")).to_be_visible()
    page.get_by_role("button", name="로그아웃").click()
    page.wait_for_url(f"{server.url}/login")
    page.goto(f"{server.url}/settings/users")
    page.wait_for_url(f"{server.url}/login?next=/settings/users")


def test_wrong_password_in_chromium(server, page):
    page.goto(f"{server.url}/login")
    page.get_by_label("아이디").fill("admin")
    page.get_by_label("비밀번호").fill(ADMIN_PASSWORD + "x")
    page.get_by_role("button", name="로그인").click()
    expect(page.get_by_text("아이디 또는 비밀번호가 올바르지 않습니다.")).to_be_visible()


def test_health_check_reports_the_database(server):
    report = httpx.get(f"{server.url}/healthz").json()
    assert report["ok"] is True
    assert report["database"] == {"ok": True, "engine": "sqlite"}


def test_websocket_handshake_from_another_origin_is_refused(server):
    path = "/_nicegui_ws/socket.io/?EIO=4&transport=polling"
    foreign = httpx.get(server.url + path, headers={"Origin": "http://evil.example"})
    assert foreign.status_code == 400
    same = httpx.get(server.url + path, headers={"Origin": server.url})
    assert same.status_code == 200


def test_the_menu_sits_beside_the_page_on_a_desktop_and_opens_from_the_button_on_a_tablet(server, page):
    sign_in(page, server.url)
    menu_entry = page.locator(".q-drawer").get_by_text("기초정보등록")
    expect(menu_entry).to_be_visible()  # 1280 px: beside the page

    page.set_viewport_size({"width": 1024, "height": 768})
    page.reload()
    expect(page.get_by_text("관리자 (관리자)")).to_be_visible()
    expect(menu_entry).not_to_be_visible()  # a tablet: the page gets the whole width
    page.locator(".q-header").get_by_role("button").first.click()
    expect(menu_entry).to_be_visible()
    menu_entry.click()
    expect(page.locator(".q-header").get_by_text("기초정보등록")).to_be_visible()


def test_a_click_on_a_user_row_selects_it_for_editing_at_both_desk_sizes(server, page):
    sign_in(page, server.url)
    page.goto(f"{server.url}/settings/users")
    table = page.locator(".q-table__container").first
    for width, height in ((1024, 768), (1366, 900)):
        page.set_viewport_size({"width": width, "height": height})
        row = table.get_by_role("row").filter(has_text="admin")
        row.get_by_role("cell", name="admin", exact=True).click()  # the cell, not the checkbox
        expect(row.get_by_role("checkbox")).to_be_checked()
        page.get_by_role("button", name="수정").click()
        dialog = page.get_by_role("dialog")
        expect(dialog.get_by_label("아이디")).to_have_value("admin")
        dialog.get_by_role("button", name="닫기").click()
        expect(dialog).to_be_hidden()

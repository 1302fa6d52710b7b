"""Revocation reaches open pages, in a real browser against a real server: an admin demoted at
another desk is sent to the login page by the server at once, and a page that ignores that
navigation still cannot act; signing in gives the browser a new cookie."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import choose, sign_in

pytestmark = pytest.mark.e2e

DEPUTY_PASSWORD = "Deputy-pass-2468"


def open_users(page, url: str, login: str, password: str):
    sign_in(page, url, login, password)
    page.goto(f"{url}/settings/users")
    expect(page.get_by_role("cell", name="deputy")).to_be_visible()


def demote_deputy(page) -> None:
    page.get_by_role("cell", name="deputy").dblclick()
    expect(page.get_by_text("사용자 수정")).to_be_visible()
    choose(page, page.get_by_label("권한"), "사원")
    page.get_by_role("button", name="저장").click()
    expect(page.get_by_text("저장했습니다.")).to_be_visible()


@pytest.fixture
def deputy(server):
    server.command("create-admin", "--login", "deputy", "--password", DEPUTY_PASSWORD, "--name", "부관리자")


def test_a_demoted_admins_open_user_page_is_closed_by_the_server(server, deputy, page, browser):
    boss_context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ko-KR")
    boss = boss_context.new_page()
    try:
        open_users(page, server.url, "deputy", DEPUTY_PASSWORD)
        open_users(boss, server.url, "admin", "E2e-admin-pass-1")
        demote_deputy(boss)
        page.wait_for_url(f"{server.url}/login?next=/settings/users")
    finally:
        boss_context.close()


# What a browser that does not follow the server can still send: the socket message a click on a
# button makes, replayed by hand (the element and listener ids are read while the page works).
CLICK_MESSAGE = """(label) => {
    const button = [...document.querySelectorAll("button")].find((b) => b.innerText.trim() === label);
    const id = Number(button.id.slice(1));
    const listener = mounted_app.elements[id].events.find((e) => e.type === "click").listener_id;
    return {id: id, client_id: window.clientId, listener_id: listener, args: []};
}"""


def fill_new_user(page, login: str) -> dict:
    page.get_by_role("button", name="추가").click()
    expect(page.get_by_text("사용자 추가")).to_be_visible()
    page.get_by_label("아이디").fill(login)
    page.get_by_label("이름").fill(f"{login} 사원")
    page.get_by_label("초기 비밀번호 (8자 이상)").fill("Mole-pass-97531")
    return page.evaluate(CLICK_MESSAGE, "저장")


def test_a_page_that_ignores_the_navigation_still_cannot_act(server, deputy, page, browser):
    boss_context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ko-KR")
    boss = boss_context.new_page()
    try:
        open_users(page, server.url, "deputy", DEPUTY_PASSWORD)
        page.evaluate("window.open = () => null")  # a browser that ignores the server's navigation
        replayed = fill_new_user(page, "ally")
        page.evaluate("(message) => window.socket.emit('event', message)", replayed)
        expect(page.get_by_text("저장했습니다.")).to_be_visible()  # the replay works while rights hold

        replayed = fill_new_user(page, "mole")
        open_users(boss, server.url, "admin", "E2e-admin-pass-1")
        demote_deputy(boss)
        expect(page.get_by_role("button", name="추가")).not_to_be_visible()  # the page's content is gone
        assert page.url == f"{server.url}/settings/users"  # though the browser stayed
        page.evaluate("(message) => window.socket.emit('event', message)", replayed)
        page.wait_for_timeout(2000)  # time for a save that must not happen
        boss.reload()
        expect(boss.get_by_role("cell", name="ally", exact=True)).to_be_visible()
        expect(boss.get_by_role("cell", name="mole", exact=True)).not_to_be_visible()
    finally:
        boss_context.close()


def test_signing_in_replaces_the_browser_cookie(server, page):
    page.goto(f"{server.url}/login")
    before = {c["name"]: c["value"] for c in page.context.cookies()}["session"]
    sign_in(page, server.url)
    after = {c["name"]: c["value"] for c in page.context.cookies()}["session"]
    assert after != before
    fixated = page.context.browser.new_context()
    try:
        fixated.add_cookies([{"name": "session", "value": before, "url": server.url}])
        stranger = fixated.new_page()
        stranger.goto(f"{server.url}/settings/users")
        stranger.wait_for_url(f"{server.url}/login?next=/settings/users")
    finally:
        fixated.close()

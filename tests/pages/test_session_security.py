"""What a signed-in page may still do after its account changed, decided on the server: every UI
event passes the session gate, ended sessions close their pages at once, idle time counts only
the person's activity, and signing in gives the browser a new id."""

from __future__ import annotations

import datetime as dt

import httpx
from nicegui import Client, core, ui
from nicegui.testing import User

from models.staff import Role, Staff, StaffSession
from services import auth, staff
from tests.factories.staff import PASSWORD, make_admin
from tests.utils import browser_id, eventually, session_token, sign_in


def socket_click(client: Client, marker: str) -> None:
    """A click as the browser sends it: a socket 'event' message, through the handler NiceGUI
    registered (the simulated User calls element handlers directly and would skip the gate)."""
    button = next(e for e in client.elements.values() if marker in e._markers)
    listener_id = next(iter(button._event_listeners))
    message = {
        "client_id": client.id,
        "id": button.id,
        "listener_id": listener_id,
        "type": "click",
        "args": [],
    }
    core.sio.handlers["/"]["event"]("test-socket", message)


def signed_in_clients() -> dict:
    """The page layer as main.py imported it for this test (NiceGUI's harness re-imports pages)."""
    from pages import frame

    return frame.signed_in_clients


def page_timer(client: Client) -> ui.timer:
    """The frame's periodic session check (other timers on the page refresh its content)."""
    return next(
        e
        for e in client.elements.values()
        if isinstance(e, ui.timer) and getattr(e.callback, "__name__", "") == "check_session"
    )


async def test_an_admin_demoted_elsewhere_cannot_act_from_an_open_page(user: User):
    await make_admin(login="boss")
    former = await make_admin(login="former", name="전관리자")
    await sign_in(user, "former")
    client = await user.open("/settings/users")
    socket_click(client, "user-add")  # the gate lets the admin's click through
    await user.should_see("사용자 추가")
    # demoted outside the services (another process, the database console): nobody told the page
    await Staff.filter(id=former.id).update(role=Role.STAFF)
    dialogs = len([e for e in client.elements.values() if isinstance(e, ui.dialog)])
    socket_click(client, "user-add")
    await eventually(lambda: client.id not in Client.instances)
    assert client.is_deleted and client.id not in signed_in_clients()
    assert len([e for e in client.elements.values() if isinstance(e, ui.dialog)]) <= dialogs


async def test_disabling_a_member_closes_their_open_pages_at_once(user: User):
    boss = await make_admin(login="boss")
    clerk = await make_admin(login="clerk", name="김사원")
    await sign_in(user, "clerk")
    client = await user.open("/settings/users")
    record = await Staff.get(id=clerk.id)
    await staff.update_staff(
        clerk.id,
        by=boss,
        version=record.version,
        name=record.name,
        role=Role.ADMIN,
        extension="",
        active=False,
    )
    assert client.is_deleted and client.id not in Client.instances
    assert client.id not in signed_in_clients()


async def test_changing_ones_password_keeps_this_page_and_closes_the_others(user: User, create_user):
    await make_admin(login="boss")
    other_desk = create_user()
    await sign_in(other_desk, "boss")
    elsewhere = await other_desk.open("/")
    await sign_in(user, "boss")
    here = await user.open("/settings/password")
    user.find("current").type(PASSWORD)
    user.find("new").type("Changed-pass-9")
    user.find("confirm").type("Changed-pass-9")
    user.find("change-password").click()
    await eventually(lambda: elsewhere.is_deleted)
    assert not here.is_deleted and here.id in signed_in_clients()
    assert await auth.resume_session(session_token(user)) is not None


async def test_the_pages_own_check_lets_an_untouched_tab_expire(user: User):
    await make_admin(login="boss")
    await sign_in(user, "boss")
    client = await user.open("/")
    digest = auth.token_digest(session_token(user))
    earlier = dt.datetime.now() - dt.timedelta(minutes=30)
    await StaffSession.filter(token_hash=digest).update(last_seen_at=earlier)
    await page_timer(client).callback()
    assert (await StaffSession.get(token_hash=digest)).last_seen_at == earlier  # not counted as activity
    assert not client.is_deleted

    await StaffSession.filter(token_hash=digest).update(
        last_seen_at=dt.datetime.now() - dt.timedelta(hours=9)
    )
    await page_timer(client).callback()
    assert client.is_deleted  # idle too long: closed by the server, not by asking the browser


async def test_signing_in_gives_the_browser_a_new_id_and_the_old_cookie_nothing(user: User):
    await make_admin(login="boss")
    await user.open("/login")
    before = browser_id(user)
    # someone copies the tablet's cookie while the login page is open
    copied = httpx.AsyncClient(
        transport=user.http_client._transport,
        base_url=str(user.http_client.base_url),
        cookies=user.http_client.cookies,
    )
    await sign_in(user, "boss")
    assert browser_id(user) != before
    assert (await user.http_client.get("/settings/users")).status_code == 200
    response = await copied.get("/settings/users")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


async def test_a_sign_in_code_works_only_in_the_browser_that_signed_in(user: User, create_user):
    await make_admin(login="boss")
    await user.open("/login")
    from pages.login import COMPLETE_PATH, _hand_overs, _HandOver

    signed_in = await auth.sign_in(login="boss", password=PASSWORD, address="10.3.3.3")
    code = "test-code"
    _hand_overs[code] = _HandOver(browser_id(user), signed_in.token, "/settings/users", float("inf"))
    stranger = create_user()
    await stranger.open("/login")
    response = await stranger.http_client.get(f"{COMPLETE_PATH}?code={code}")
    assert response.headers["location"] == "/login"
    assert (await stranger.http_client.get("/")).status_code == 303
    response = await user.http_client.get(f"{COMPLETE_PATH}?code={code}")
    assert response.headers["location"] == "/settings/users"
    assert (await user.http_client.get("/settings/users")).status_code == 200
    response = await user.http_client.get(f"{COMPLETE_PATH}?code={code}")  # used once only
    assert response.headers["location"] == "/login"


async def test_after_signing_in_next_leads_only_to_a_page_of_the_app(user: User):
    from pages.login import COMPLETE_PATH

    await make_admin(login="boss")
    await sign_in(user, "boss")
    for target in [
        "/healthz",
        "/files/1",
        "/downloads/x",
        f"{COMPLETE_PATH}?code=x",
        "/customers",
        "/nowhere",
    ]:
        response = await user.http_client.get("/login", params={"next": target})
        assert response.headers["location"] == "/today", target
    for target in ["/customers/12", "/settings/users", "/"]:
        response = await user.http_client.get("/login", params={"next": target})
        assert response.headers["location"] == target

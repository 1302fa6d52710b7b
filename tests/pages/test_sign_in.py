import pytest
from nicegui import app
from nicegui.testing import User

from core.errors import PermissionDenied
from models.staff import Role, Staff
from pages.frame import ADMIN_PATHS, SESSION_KEY
from services import auth, staff
from tests.factories.staff import PASSWORD, make_admin, make_staff
from tests.utils import browser_id, eventually, session_token, sign_in


async def test_first_run_shows_setup_then_signs_the_admin_in(user: User):
    await user.open("/")
    await user.should_see("처음 사용 설정")
    user.find("setup-login").type("boss")
    user.find("setup-name").type("김사장")
    user.find("setup-password").type("Strong-pass-1")
    user.find("setup-confirm").type("Strong-pass-1")
    user.find("setup-button").click()
    await user.should_see("김사장 (관리자)", retries=50)
    await user.open("/setup")  # set-up is one-time: it now sends people to the login page
    await user.should_not_see("처음 사용 설정")
    user.find("로그아웃").click()
    await user.should_see(marker="login-button")
    await sign_in(user, "boss", "Strong-pass-1")  # and the new admin signs in normally
    await user.should_see("김사장 (관리자)")


async def test_setup_keeps_typed_values_when_passwords_differ(user: User):
    await user.open("/setup")
    user.find("setup-login").type("boss")
    user.find("setup-password").type("Strong-pass-1")
    user.find("setup-confirm").type("Strong-pass-2")
    user.find("setup-button").click()
    confirm = user.find("setup-confirm").elements.pop()
    await eventually(lambda: confirm.props.get("error-message") == "비밀번호 확인이 일치하지 않습니다.")
    assert user.find("setup-login").elements.pop().value == "boss"
    assert await auth.needs_setup()


async def test_wrong_password_shows_a_korean_message(user: User):
    await make_admin(login="boss")
    await user.open("/login")
    user.find("login").type("boss")
    user.find("password").type("not-the-password")
    user.find("login-button").click()
    await user.should_see("아이디 또는 비밀번호가 올바르지 않습니다.", retries=50)


async def test_repeated_failures_show_the_wait_before_the_next_try(user: User):
    auth.throttle.clear()
    await make_admin(login="target")
    await user.open("/login")
    user.find("login").type("target")
    message = user.find("login-message").elements.pop()
    for _ in range(auth.LoginThrottle.FREE_PER_LOGIN):
        message.text = ""
        user.find("password").clear().type("wrong-password")
        user.find("login-button").click()
        await eventually(lambda: message.text == "아이디 또는 비밀번호가 올바르지 않습니다.")
    user.find("password").clear().type(PASSWORD)
    user.find("login-button").click()
    await user.should_see("로그인 시도가 너무 많습니다. 2초 뒤에 다시 시도하세요.", retries=30)


async def test_staff_are_refused_every_admin_screen_on_the_server(user: User):
    await make_admin(login="boss")
    await make_staff(login="clerk")
    await sign_in(user, "clerk")
    assert {"/codes", "/settings/users"} <= ADMIN_PATHS
    for path in sorted(ADMIN_PATHS):
        response = await user.http_client.get(path)
        assert response.status_code == 403, path
        assert "권한이 없습니다" in response.text
        assert "users-table" not in response.text and "code-table" not in response.text


async def test_signed_out_visitors_are_sent_to_login(user: User):
    await make_admin(login="boss")
    for path in ["/", "/codes", "/settings/users", "/settings/password"]:
        response = await user.http_client.get(path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login")


async def test_logout_ends_the_session_on_the_server(user: User):
    await make_admin(login="boss")
    await sign_in(user, "boss")
    token = session_token(user)
    user.find("로그아웃").click()
    await user.should_see("로그인", retries=30)
    assert await auth.resume_session(token) is None
    app.storage._users[browser_id(user)][SESSION_KEY] = token  # replaying the old token does not help
    response = await user.http_client.get("/settings/users")
    assert response.status_code == 303


async def test_admin_adds_a_staff_member(user: User):
    await make_admin(login="boss")
    await sign_in(user, "boss")
    await user.open("/settings/users")
    user.find("user-add").click()
    user.find("user-login").type("newbie")
    user.find("user-name").type("신입")
    user.find("user-password").type("Newbie-pass-1")
    user.find("user-save").click()
    await user.should_see("저장했습니다.", retries=50)
    table = user.find("users-table").elements.pop()
    await eventually(lambda: any(row["login"] == "newbie" and row["name"] == "신입" for row in table.rows))
    assert (await auth.sign_in(login="newbie", password="Newbie-pass-1", address="t")).actor.name == "신입"


async def test_staff_changes_own_password(user: User):
    await make_admin(login="boss")
    await make_staff(login="clerk")
    await sign_in(user, "clerk")
    await user.open("/settings/password")
    user.find("current").type(PASSWORD)
    user.find("new").type("Changed-pass-9")
    user.find("confirm").type("Changed-pass-9")
    user.find("change-password").click()
    await user.should_see("비밀번호를 바꿨습니다.", retries=50)


async def _pick_user(user: User, login: str):
    await user.open("/settings/users")
    table = user.find("users-table").elements.pop()
    table.selected = [next(row for row in table.rows if row["login"] == login)]
    return table


async def test_admin_resets_a_password_the_new_one_signs_in_and_open_sessions_end(user: User):
    await make_admin(login="boss")
    await make_staff(login="clerk", name="김사원")
    open_session = await auth.sign_in(login="clerk", password=PASSWORD, address="10.1.1.1")
    await sign_in(user, "boss")
    await _pick_user(user, "clerk")
    user.find("user-reset").click()
    await user.should_see("김사원(clerk)의 비밀번호 초기화")
    user.find("reset-password").type("short")
    user.find("reset-submit").click()
    field = user.find("reset-password").elements.pop()
    await eventually(lambda: "8자 이상" in field.props.get("error-message", ""))
    assert await auth.resume_session(open_session.token) is not None  # nothing changed yet

    user.find("reset-password").clear().type("Reset-pass-1357")
    user.find("reset-submit").click()
    await user.should_see("비밀번호를 초기화했습니다.", retries=50)
    assert await auth.resume_session(open_session.token) is None
    with pytest.raises(auth.SignInRefused):
        await auth.sign_in(login="clerk", password=PASSWORD, address="10.1.1.2")
    assert (
        await auth.sign_in(login="clerk", password="Reset-pass-1357", address="10.1.1.2")
    ).actor.name == "김사원"


async def test_admin_edits_a_staff_member_renames_promotes_and_disables(user: User):
    await make_admin(login="boss")
    member = await make_staff(login="clerk", name="김사원")
    open_session = await auth.sign_in(login="clerk", password=PASSWORD, address="10.1.1.3")
    await sign_in(user, "boss")
    table = await _pick_user(user, "clerk")
    user.find("user-edit").click()
    await user.should_see("사용자 수정")
    user.find("user-name").clear().type("김대리")
    user.find("user-role").elements.pop().value = Role.ADMIN.value
    user.find("user-save").click()
    await user.should_see("저장했습니다.", retries=50)
    stored = await Staff.get(id=member.id)
    assert (stored.name, stored.role, stored.active) == ("김대리", Role.ADMIN, True)
    await eventually(lambda: any(r["login"] == "clerk" and r["role_label"] == "관리자" for r in table.rows))
    assert await auth.resume_session(open_session.token) is None  # new rights from the next sign-in

    open_session = await auth.sign_in(login="clerk", password=PASSWORD, address="10.1.1.4")
    table.selected = [next(row for row in table.rows if row["login"] == "clerk")]
    user.find("user-edit").click()
    await user.should_see("사용자 수정")
    user.find("user-role").elements.pop().value = Role.STAFF.value
    user.find("user-active").elements.pop().value = False
    user.find("user-save").click()
    await eventually(lambda: any(r["login"] == "clerk" and r["active_label"] == "중지" for r in table.rows))
    stored = await Staff.get(id=member.id)
    assert (stored.role, stored.active) == (Role.STAFF, False)
    assert await auth.resume_session(open_session.token) is None
    with pytest.raises(auth.SignInRefused, match=auth.WRONG_CREDENTIALS):
        await auth.sign_in(login="clerk", password=PASSWORD, address="10.1.1.5")


async def test_admin_cannot_take_away_their_own_admin_right_and_the_form_keeps_the_values(user: User):
    admin = await make_admin(login="boss", name="김사장")
    await sign_in(user, "boss")
    await _pick_user(user, "boss")
    user.find("user-edit").click()
    await user.should_see("사용자 수정")
    user.find("user-name").clear().type("김회장")
    user.find("user-active").elements.pop().value = False
    user.find("user-save").click()
    active = user.find("user-active").elements.pop()
    await user.should_see("자기 자신의 관리자 권한이나 사용 여부는 바꿀 수 없습니다.", retries=50)
    assert user.find("user-name").elements.pop().value == "김회장" and active.value is False
    stored = await Staff.get(id=admin.id)
    assert (stored.name, stored.active) == ("김사장", True)


async def test_staff_cannot_reach_user_management_or_reset_a_password(user: User):
    await make_admin(login="boss")
    clerk = await make_staff(login="clerk")
    victim = await make_staff(login="victim")
    await sign_in(user, "clerk")
    response = await user.http_client.get("/settings/users")
    assert response.status_code == 403 and "users-table" not in response.text
    with pytest.raises(PermissionDenied):
        await staff.reset_password(victim.id, by=clerk, new_password="Taken-over-123")
    assert await auth.sign_in(login="victim", password=PASSWORD, address="10.1.1.6")

from nicegui import app
from nicegui.testing import User

from pages.frame import ADMIN_PATHS, SESSION_KEY
from services import auth
from tests.utils import PASSWORD, eventually, make_admin, make_staff, sign_in


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


async def test_repeated_failures_show_the_rate_limit_message(user: User):
    await make_admin(login="target")
    await user.open("/login")
    user.find("login").type("target")
    message = user.find("login-message").elements.pop()
    for _ in range(5):
        message.text = ""
        user.find("password").clear().type("wrong-password")
        user.find("login-button").click()
        await eventually(lambda: message.text == "아이디 또는 비밀번호가 올바르지 않습니다.")
    user.find("password").clear().type(PASSWORD)
    user.find("login-button").click()
    await user.should_see("로그인 시도가 너무 많습니다", retries=30)


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
    token = app.storage.user[SESSION_KEY]
    user.find("로그아웃").click()
    await user.should_see("로그인", retries=30)
    assert await auth.resume_session(token) is None
    app.storage.user[SESSION_KEY] = token  # replaying the old token does not help
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
    assert any(row["login"] == "newbie" and row["name"] == "신입" for row in table.rows)
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

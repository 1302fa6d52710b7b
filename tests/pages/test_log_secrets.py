"""The application log (data/logs/gogaek.log) while people sign in (also with a wrong password),
a Centrex line with its password is registered and polled against a failing Centrex, the ring
callback is called with its secret, and background work fails: the failures are logged with what
failed, and no password, SHA-512 hash, argon2 hash, session token or ring secret is written."""

import asyncio
import hashlib
import logging

import pytest
from nicegui.testing import User

from core.logs import setup_logging
from models.staff import Staff
from services import centrex_users, lifecycle, telephony_settings
from services.telephony_settings import Part
from telephony import runtime
from telephony.bus import CallReport
from tests.factories.staff import PASSWORD, make_admin
from tests.telephony.centrex_server import CentrexServer
from tests.utils import eventually, session_token, sign_in

LINE = "07012345678"
CENTREX_PASSWORD = "centrex-Secret-pw"
WRONG_PASSWORD = "Wrong-Secret-pw-1"


def sha512(text: str) -> str:
    """The form in which Centrex passwords are stored and sent."""
    return hashlib.sha512(text.encode()).hexdigest()


@pytest.fixture
def log_file(isolated_data):
    setup_logging(isolated_data)
    yield isolated_data / "logs" / "gogaek.log"
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_gogaek", False)]:
        root.removeHandler(handler)
        handler.close()


@pytest.fixture
def centrex():
    server = CentrexServer().start()
    server.add_line(LINE, CENTREX_PASSWORD)
    yield server
    server.stop()


def written(log_file) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return log_file.read_text(encoding="utf-8")


async def test_the_log_names_failures_and_never_secrets(user: User, log_file, centrex, caplog):
    admin = await make_admin(login="boss")
    await user.open("/login")
    user.find("login").type("boss")
    user.find("password").type(WRONG_PASSWORD)
    user.find("login-button").click()
    await user.should_see("아이디 또는 비밀번호가 올바르지 않습니다.", retries=50)
    await sign_in(user, "boss")
    token = session_token(user)

    await centrex_users.save_centrex_user(by=admin, number070=LINE, password=CENTREX_PASSWORD)
    await telephony_settings.save_centrex_settings(
        by=admin,
        version=None,
        base_url=centrex.base_url,
        poll_seconds=0.2,
        timeout_seconds=0.5,
        ring_host="",
        ring_port=8080,
    )
    await runtime.apply_settings(Part.CENTREX)
    await eventually(lambda: any(r.ok for r in runtime.centrex_poller.lines.values()))
    centrex.misbehave(status=500)
    await eventually(lambda: "HTTP 500" in written(log_file))
    centrex.misbehave(code="1003")
    await eventually(lambda: "인증에 실패했습니다" in written(log_file))
    centrex.behave()

    secret = runtime.ring_callback.secret
    params = {"sender": "0212345678", "receiver": LINE, "kind": "1", "inner_num": "101"}
    assert (await user.http_client.get(f"/centrex/ring/{secret}.html", params=params)).text == "OK"

    def broken_screen(call) -> None:
        raise RuntimeError(f"could not show call: pass={sha512(CENTREX_PASSWORD)} token={token}")

    runtime.call_bus.subscribe("broken-screen", broken_screen)
    try:
        call = await runtime.call_bus.publish(CallReport(source="cti", number="0311112222"))
        await runtime.call_bus.drain()
    finally:
        runtime.call_bus.unsubscribe("broken-screen")

    async def crashing_component() -> None:
        raise RuntimeError(f"stored hash {(await Staff.get(id=admin.id)).password_hash}")

    task = lifecycle.watch(asyncio.create_task(crashing_component()), "nightly cleanup")
    await asyncio.gather(task, return_exceptions=True)
    await asyncio.sleep(0)
    await runtime.centrex_poller.stop()

    text = written(log_file)
    assert f"call subscriber broken-screen failed for call event {call.event_id}" in text
    assert "background component nightly cleanup stopped" in text
    assert "Traceback" in text and "RuntimeError" in text  # the context is there …
    for secret_value in (  # … the secrets are not
        PASSWORD,
        WRONG_PASSWORD,
        CENTREX_PASSWORD,
        sha512(CENTREX_PASSWORD),
        token,
        secret,
        "$argon2",
    ):
        assert secret_value not in text, secret_value
    assert "HTTP Request" not in text, "the poller's requests are not logged one by one"
    provoked = {"call subscriber broken-screen failed", "background component nightly cleanup stopped"}
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert all(any(p in e for p in provoked) for e in errors), errors
    caplog.clear()  # those errors were provoked: not a failure of this test

"""Who may request what, decided on the server. The first test enumerates every route the app
serves, so a new page or endpoint cannot be added without saying here who may use it; the others
request each protected URL signed out, as staff where admin is needed, and check the cookies,
the health check and the ring callback."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from urllib.parse import quote

from nicegui import app
from nicegui.testing import User
from starlette.routing import Mount, Route

from core.settings import get_settings
from models.attachment import AttachmentSlot
from pages.components.print_preview import keep_pdf
from pages.frame import ADMIN_PATHS, SIGNED_IN_PATHS
from services import attachments, centrex_users, customers, receptions, telephony_settings
from telephony import runtime
from tests.factories.sales import make_quote, make_trading_customer
from tests.factories.staff import make_admin, make_staff
from tests.utils import session_token, sign_in

# reachable without signing in, on purpose
PUBLIC = {"/login", "/setup", "/healthz", "/favicon.ico"}
# hands a new session to the browser that signed in (a one-time code bound to that browser's id)
SIGN_IN_HAND_OVER = {"/login/complete"}
# the long random secret in the path is the authentication (LG U+ calls it, not a browser)
SECRET_URL = {"/centrex/ring/{secret}.html", "/cti/{token}"}
# files and images for signed-in staff: 401 without a session
SESSION_ENDPOINTS = {
    "/files/{attachment_id}",
    "/downloads/{token}",
    "/pdf/{token}",
    "/customer-maps/{customer_id}",
}
# NiceGUI's own assets and websocket (no data). Upload routes are added per upload widget at
# /_nicegui/client/<client id>/upload/<id> and only exist for a page already served to a signed-in
# user; their size limit is tested in test_security.py.
FRAMEWORK_PREFIX = "/_nicegui"


def sha512(text: str) -> str:
    """The form in which Centrex passwords are stored and sent."""
    return hashlib.sha512(text.encode()).hexdigest()


def served_paths() -> dict[str, set[str]]:
    paths: dict[str, set[str]] = {}
    for route in app.routes:
        if isinstance(route, Mount) or route.path.startswith(FRAMEWORK_PREFIX):
            continue
        assert isinstance(route, Route), route
        paths.setdefault(route.path, set()).update(route.methods or ())
    return paths


async def sample_ids() -> dict[str, str]:
    """A real record for every path parameter, so a refused request is refused for the session,
    not because the record does not exist."""
    admin = await make_admin(login="boss")
    customer = await make_trading_customer("재근상사")
    quote = await make_quote(admin, customer)
    reception = await receptions.save_reception(
        receptions.ReceptionInput(received_at="2026-11-27 10:30", receiver_id=admin.id, inquiry="첨부 확인"),
        by=admin,
    )
    stored = await attachments.store_attachment(
        slot=AttachmentSlot.RECEPTION_ANSWER,
        owner_id=reception.id,
        filename="결과.txt",
        data=b"secret",
        by=admin,
    )
    return {
        "customer_id": str(customer.id),
        "quote_id": str(quote.id),
        "partner_id": str(customer.partner_id),
        "attachment_id": str(stored.id),
        "token": "any-token",
    }


def filled(path: str, values: dict[str, str]) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1).split(":")[0]
        assert name in values, f"add a sample value for {{{name}}} of {path} to sample_ids()"
        return values[name]

    return re.sub(r"\{([^}]+)\}", value, path)


async def test_every_route_is_public_secret_or_protected(user: User):
    paths = served_paths()
    classified = PUBLIC | SIGN_IN_HAND_OVER | SECRET_URL | SESSION_ENDPOINTS | SIGNED_IN_PATHS
    unknown = sorted(set(paths) - classified)
    assert unknown == [], f"routes nobody decided about: {unknown} (classify them in this test)"
    assert set(paths) >= SIGNED_IN_PATHS and ADMIN_PATHS <= SIGNED_IN_PATHS
    assert {"/", "/customers/{customer_id}", "/settings/users", "/codes"} <= SIGNED_IN_PATHS
    # every route only reads: changes go through the signed-in websocket, never a bare POST — except
    # the PBX's call events, refused without their secret token (tests/telephony/test_webhook.py)
    writes = {path: methods for path, methods in paths.items() if not methods <= {"GET", "HEAD"}}
    assert writes == {"/cti/{token}": {"POST"}}, writes


async def test_signed_out_visitors_get_nothing(user: User):
    values = await sample_ids()
    for path in sorted(SIGNED_IN_PATHS):
        url = filled(path, values)
        response = await user.http_client.get(url)
        assert response.status_code == 303, url
        # the bare address signs in to the start page (오늘); any other page is come back to
        expected = "/login" if url == "/" else f"/login?next={quote(url, safe='/')}"
        assert response.headers["location"] == expected, url
        assert "재근상사" not in response.text
    for path in sorted(SESSION_ENDPOINTS):
        url = filled(path, values)
        response = await user.http_client.get(url)
        assert response.status_code == 401, url
        assert response.json() == {"detail": "로그인이 필요합니다."}


async def test_staff_are_refused_every_admin_page_and_others_files(user: User):
    values = await sample_ids()
    boss = await make_staff(login="boss2", name="다른사람")
    await make_staff(login="clerk")
    await sign_in(user, "clerk")
    for path in sorted(ADMIN_PATHS):
        response = await user.http_client.get(filled(path, values))
        assert response.status_code == 403, path
        assert "권한이 없습니다" in response.text
    for path in sorted(SIGNED_IN_PATHS - ADMIN_PATHS):
        assert (await user.http_client.get(filled(path, values))).status_code == 200, path
    # a PDF made for someone else is not served, even with its secret URL
    foreign = keep_pdf(boss, "견적서.pdf", b"%PDF-1.4 secret")
    assert (await user.http_client.get(foreign)).status_code == 404


async def test_cookies_are_http_only_same_site_and_hold_no_session_token(user: User):
    await make_admin(login="boss")
    response = await user.http_client.get("/login")
    cookies = response.headers.get_list("set-cookie")
    assert cookies, "the browser id cookie is set on the first visit"
    for cookie in cookies:
        attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
        assert {"httponly", "samesite"} <= attributes, cookie
        assert "samesite=lax" in cookie.lower()
    await sign_in(user, "boss")
    token = session_token(user)
    session_cookie = user.http_client.cookies["session"]
    payload = base64.b64decode(session_cookie.split(".")[0] + "==")
    assert token not in payload.decode() and set(json.loads(payload)) == {"id"}


async def test_login_redirects_only_to_local_paths(user: User):
    await make_admin(login="boss")
    await sign_in(user, "boss")
    for target in [
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
    ]:
        response = await user.http_client.get("/login", params={"next": target})
        assert response.headers["location"] == "/today", target
    response = await user.http_client.get("/login", params={"next": "/status/quotes"})
    assert response.headers["location"] == "/status/quotes"


async def test_health_check_names_states_not_secrets(user: User):
    admin = await make_admin(login="boss", name="김사장")
    await centrex_users.save_centrex_user(by=admin, number070="070-1234-5678", password="centrex-pw")
    secret = (await telephony_settings.load_centrex_settings()).values.ring_secret
    await customers.save_customer(
        customers.CustomerInput(company_name="재근상사", registered_on="2014-02-13", phone="02-808-8016"),
        by=admin,
    )
    response = await user.http_client.get("/healthz")
    report = response.json()
    assert set(report) == {"ok", "database", "backup", "cti", "centrex", "pages"}
    assert report["database"]["ok"] is True
    text = response.text
    settings = get_settings()
    for sensitive in [
        "07012345678",
        "centrex-pw",
        sha512("centrex-pw"),
        secret,
        str(settings.data_dir),
        settings.database_url,
        "boss",
        "김사장",
        "재근상사",
        "0280",
    ]:
        assert sensitive not in text, sensitive
    assert not re.search(r"[0-9a-f]{64}", text)


async def test_ring_callback_answers_only_its_secret(user: User):
    params = {"sender": "0212345678", "receiver": "07012345678", "kind": "1", "inner_num": "101"}
    runtime.ring_callback.configure("")
    assert (await user.http_client.get("/centrex/ring/.html", params=params)).status_code == 404
    assert (await user.http_client.get("/centrex/ring/guess.html", params=params)).status_code == 404
    runtime.ring_callback.configure("s3cret-path-value")
    assert (await user.http_client.get("/centrex/ring/guess.html", params=params)).status_code == 404
    answer = await user.http_client.get("/centrex/ring/s3cret-path-value.html", params=params)
    assert answer.status_code == 200 and answer.text == "OK"

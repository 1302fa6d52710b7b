"""Sign-in, the one-time set-up of the first admin, and 비밀번호 변경.

Signing in gives the browser a new id: NiceGUI keeps the session token in `app.storage.user`,
filed under the id in the browser's signed cookie. Someone who read that cookie before the sign-in
(a shared reception tablet) must not be signed in with it, so the form hands the new session over
through `/login/complete`, which files the token under a fresh id and sets the new cookie."""

from __future__ import annotations

import secrets
import time
import uuid
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import app, ui

from core.audit import Actor
from core.errors import ValidationError
from pages.components.forms import FieldErrors
from pages.frame import (
    PAGE_BUILD_SECONDS,
    SESSION_KEY,
    SIGNED_IN_PATHS,
    page_session_token,
    protected_page,
    session_actor,
    signed_in_path_pattern,
)
from pages.menu import START_PATH
from services import auth, staff

COMPLETE_PATH = "/login/complete"
# the browser follows the hand-over at once; a code left lying around is worth nothing soon
HAND_OVER_SECONDS = 60.0


def _safe_next(target: str | None) -> str:
    """Only a real signed-in page of this app ("/customers/12"): a crafted ?next= must not send
    the user to another site, nor to a file or an endpoint."""
    if not target or not any(signed_in_path_pattern(path).fullmatch(target) for path in SIGNED_IN_PATHS):
        return START_PATH
    return target


@dataclass(frozen=True)
class _HandOver:
    browser_id: str
    token: str
    next: str
    expires: float


_hand_overs: dict[str, _HandOver] = {}


def _hand_over(signed_in: auth.SignedIn, next_path: str) -> None:
    """Send the browser, with a one-time code, to the route that gives it a new id and the session."""
    now = time.monotonic()
    for code in [code for code, waiting in _hand_overs.items() if waiting.expires < now]:
        del _hand_overs[code]
    code = secrets.token_urlsafe(32)
    _hand_overs[code] = _HandOver(
        app.storage.browser["id"], signed_in.token, _safe_next(next_path), now + HAND_OVER_SECONDS
    )
    ui.navigate.to(f"{COMPLETE_PATH}?code={code}")


async def _complete_sign_in(request: Request, code: str = "") -> RedirectResponse:
    waiting = _hand_overs.get(code)
    if waiting is None or request.session.get("id") != waiting.browser_id:
        return RedirectResponse("/login", status_code=303)  # not this browser's code: it stays theirs
    del _hand_overs[code]
    if waiting.expires < time.monotonic():
        await auth.sign_out(waiting.token)
        return RedirectResponse("/login", status_code=303)
    app.storage.user.pop(SESSION_KEY, None)  # whatever the old id held
    new_id = str(uuid.uuid4())
    # NiceGUI creates a browser's user storage when a request arrives with a new id; this request
    # came with the old one, so the new id's storage is made here (no public call does it)
    await app.storage._create_user_storage(new_id)
    request.session["id"] = new_id
    app.storage.user[SESSION_KEY] = waiting.token
    return RedirectResponse(waiting.next, status_code=303)


def _client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def _centered_card(title: str) -> ui.card:
    ui.query("body").classes("bg-grey-2")
    with ui.column().classes("w-full items-center mt-16"):
        ui.label("Gogaek 고객관리").classes("text-h4 text-primary")
        card = ui.card().classes("w-96 max-w-full p-6")
    with card:
        ui.label(title).classes("text-h6")
    return card


def register() -> None:
    app.get(COMPLETE_PATH, include_in_schema=False)(_complete_sign_in)

    @ui.page("/login", title="로그인 - Gogaek", response_timeout=PAGE_BUILD_SECONDS)
    async def login_page(request: Request, next: str | None = None):
        if await auth.needs_setup():
            return RedirectResponse("/setup", status_code=303)
        if await session_actor() is not None:
            return RedirectResponse(_safe_next(next), status_code=303)
        address = _client_address(request)
        user_agent = request.headers.get("user-agent", "")

        async def submit() -> None:
            message.set_text("")
            button.props("loading")
            try:
                signed_in = await auth.sign_in(
                    login=login.value or "",
                    password=password.value or "",
                    address=address,
                    user_agent=user_agent,
                )
            except auth.SignInRefused as refused:
                message.set_text(str(refused))
                password.value = ""
                return
            finally:
                button.props(remove="loading")
            _hand_over(signed_in, next or START_PATH)

        with _centered_card("로그인"):
            login = ui.input("아이디").props("outlined autofocus").classes("w-full").mark("login")
            password = (
                ui.input("비밀번호", password=True, password_toggle_button=True)
                .props("outlined")
                .classes("w-full")
                .mark("password")
            )
            message = ui.label().classes("text-negative").mark("login-message")
            button = ui.button("로그인", on_click=submit).classes("w-full").mark("login-button")
            password.on("keydown.enter", submit)
            login.on("keydown.enter", lambda: password.run_method("focus"))
        return None

    @ui.page("/setup", title="초기 설정 - Gogaek", response_timeout=PAGE_BUILD_SECONDS)
    async def setup_page():
        if not await auth.needs_setup():
            return RedirectResponse("/login", status_code=303)

        async def submit() -> None:
            errors.clear()
            if password.value != confirm.value:
                errors.show({"confirm": "비밀번호 확인이 일치하지 않습니다."})
                return
            try:
                await auth.create_first_admin(
                    login=login.value or "", name=name.value or "", password=password.value or ""
                )
                signed_in = await auth.sign_in(login=login.value, password=password.value, address="setup")
            except ValidationError as error:
                errors.show(error.fields)
                return
            ui.notify("관리자 계정을 만들었습니다.", type="positive")
            _hand_over(signed_in, "/")

        with _centered_card("처음 사용 설정"):
            ui.label("이 사무실의 첫 관리자 계정을 만듭니다. 기본 비밀번호는 없습니다.").classes(
                "text-grey-8"
            )
            login = (
                ui.input("관리자 아이디").props("outlined autofocus").classes("w-full").mark("setup-login")
            )
            name = ui.input("이름").props("outlined").classes("w-full").mark("setup-name")
            password = (
                ui.input("비밀번호 (8자 이상)", password=True, password_toggle_button=True)
                .props("outlined")
                .classes("w-full")
                .mark("setup-password")
            )
            confirm = (
                ui.input("비밀번호 확인", password=True)
                .props("outlined")
                .classes("w-full")
                .mark("setup-confirm")
            )
            errors = FieldErrors({"login": login, "name": name, "password": password, "confirm": confirm})
            ui.button("관리자 만들기", on_click=submit).classes("w-full").mark("setup-button")
        return None

    @protected_page("/settings/password", "비밀번호 변경")
    def password_page(actor: Actor) -> None:
        async def submit() -> None:
            errors.clear()
            if new.value != confirm.value:
                errors.show({"confirm": "새 비밀번호 확인이 일치하지 않습니다."})
                return
            try:
                await staff.change_own_password(
                    by=actor,
                    current_password=current.value or "",
                    new_password=new.value or "",
                    session_token=page_session_token(),
                )
            except ValidationError as error:
                errors.show(error.fields)
                return
            for field in (current, new, confirm):
                field.value = ""
            ui.notify("비밀번호를 바꿨습니다. 다른 곳에 열려 있던 로그인은 끊었습니다.", type="positive")

        with ui.card().classes("w-96 max-w-full"):
            ui.label("비밀번호 변경").classes("text-h6")
            current = (
                ui.input("현재 비밀번호", password=True).props("outlined").classes("w-full").mark("current")
            )
            new = (
                ui.input("새 비밀번호 (8자 이상)", password=True)
                .props("outlined")
                .classes("w-full")
                .mark("new")
            )
            confirm = (
                ui.input("새 비밀번호 확인", password=True)
                .props("outlined")
                .classes("w-full")
                .mark("confirm")
            )
            errors = FieldErrors({"current_password": current, "password": new, "confirm": confirm})
            ui.button("변경", on_click=submit).mark("change-password")

"""Sign-in, the one-time set-up of the first admin, and 비밀번호 변경."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import app, ui

from core.audit import Actor
from core.errors import ValidationError
from pages.components.forms import FieldErrors
from pages.frame import PAGE_BUILD_SECONDS, SESSION_KEY, protected_page, session_actor
from services import auth, staff


def _safe_next(target: str | None) -> str:
    """Only local paths: a crafted ?next= must not send the user to another site. Browsers drop
    tabs and line breaks from URLs, so "/<tab>/evil.example" would become "//evil.example"."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(character.isspace() or not character.isprintable() for character in target)
    ):
        return "/"
    return target


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
            app.storage.user[SESSION_KEY] = signed_in.token
            ui.navigate.to(_safe_next(next))

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
            app.storage.user[SESSION_KEY] = signed_in.token
            ui.notify("관리자 계정을 만들었습니다.", type="positive")
            ui.navigate.to("/")

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
                    by=actor, current_password=current.value or "", new_password=new.value or ""
                )
            except ValidationError as error:
                errors.show(error.fields)
                return
            for field in (current, new, confirm):
                field.value = ""
            ui.notify("비밀번호를 바꿨습니다.", type="positive")

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

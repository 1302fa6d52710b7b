"""The page frame every signed-in screen lives in: header, left menu, session checks.

`protected_page(path, title, admin=...)` registers a NiceGUI page whose builder receives the
signed-in `Actor`; signed-out requests are redirected to /login and staff asking for an admin
screen get 403, both decided on the server before anything is rendered."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from urllib.parse import quote

from fastapi.responses import RedirectResponse
from nicegui import app, ui

from core.audit import Actor
from pages.menu import MENU, MenuEntry
from services import auth

SESSION_KEY = "session"
SESSION_CHECK_SECONDS = 60
# NiceGUI answers with an error page when building a page takes over 3 s. With many people
# working at once the database queue can make a page slower than that: late is better than lost.
PAGE_BUILD_SECONDS = 30.0

# every signed-in page and every admin-only one, so tests can check that the server refuses each
# to signed-out visitors and (admin pages) to staff
SIGNED_IN_PATHS: set[str] = set()
ADMIN_PATHS: set[str] = set()

# called inside every signed-in page's frame (e.g. the incoming-call popup installs itself)
FRAME_HOOKS: list[Callable[[Actor], None]] = []

# client id → the staff member signed in on that browser tab; the call popup uses it
signed_in_clients: dict[str, Actor] = {}


async def session_actor() -> Actor | None:
    return await auth.resume_session(app.storage.user.get(SESSION_KEY))


def login_redirect(path: str) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(path, safe='/')}", status_code=303)


async def sign_out_here() -> None:
    await auth.sign_out(app.storage.user.pop(SESSION_KEY, None))
    ui.navigate.to("/login")


def _menu_item(entry: MenuEntry, current: str) -> None:
    with ui.item(on_click=lambda e=entry: ui.navigate.to(e.path)).props("dense").classes("rounded") as item:
        if entry.path == current:
            item.classes("bg-blue-1 text-primary")
        with ui.item_section().props("avatar"):
            ui.icon(entry.icon)
        with ui.item_section():
            ui.item_label(entry.label)


def _menu(actor: Actor, current: str) -> None:
    with ui.list().props("dense").classes("w-full"):
        for entry in MENU:
            if entry.admin and not actor.is_admin:
                continue
            if not entry.children:
                _menu_item(entry, current)
                continue
            children = [c for c in entry.children if actor.is_admin or not c.admin]
            opened = current.startswith(entry.path)
            with ui.expansion(entry.label, icon=entry.icon, value=opened).props("dense").classes("w-full"):
                for child in children:
                    _menu_item(child, current)


def _menu_drawer() -> ui.left_drawer:
    """The left menu: beside the page above 1100 px, a toggled overlay below (Quasar decides in
    the browser). NiceGUI asks a drawer without a value whether it is open once the browser
    connects; the menu never needs the answer, and a slow tablet would log the unanswered question
    as an error, so the question is not asked."""
    client = ui.context.client
    handlers = len(client.connect_handlers)
    drawer = ui.left_drawer(value=None, bordered=True)
    del client.connect_handlers[handlers:]
    return drawer


@contextmanager
def frame(title: str, actor: Actor, path: str) -> Iterator[ui.column]:
    """Header + left menu + content column. Everything on the page goes inside."""
    client = ui.context.client
    signed_in_clients[client.id] = actor
    client.on_delete(lambda: signed_in_clients.pop(client.id, None))

    ui.query("body").classes("bg-grey-1")
    with ui.header(elevated=True).classes("items-center gap-2 py-1 px-3 bg-primary"):
        ui.button(icon="menu", on_click=lambda: drawer.toggle()).props("flat round dense color=white")
        ui.label("Gogaek 고객관리").classes("text-h6 text-white")
        ui.label(title).classes("text-subtitle1 text-white opacity-80 gt-xs")
        ui.space()
        ui.icon("person").classes("text-white")
        ui.label(actor.name + (" (관리자)" if actor.is_admin else "")).classes("text-white").mark(
            "signed-in-name"
        )
        ui.button("로그아웃", icon="logout", on_click=sign_out_here).props("flat dense color=white no-caps")
    with _menu_drawer().props("width=220 breakpoint=1100").classes("p-1 bg-white") as drawer:
        _menu(actor, path)
    for hook in FRAME_HOOKS:
        hook(actor)
    with ui.column().classes("w-full gap-2 p-2") as content:
        yield content

    async def check_session() -> None:
        if await session_actor() is None:
            ui.navigate.to(f"/login?next={quote(path, safe='/')}")

    # created last: a timer makes NiceGUI send the page at once, and by now the page is complete
    ui.timer(SESSION_CHECK_SECONDS, check_session)


def protected_page(path: str, title: str, *, admin: bool = False) -> Callable:
    """Register `build(actor, **params)` as the page at `path` inside the frame."""

    def decorator(build: Callable[..., Awaitable[None] | None]) -> Callable:
        SIGNED_IN_PATHS.add(path)
        if admin:
            ADMIN_PATHS.add(path)
        params = list(inspect.signature(build).parameters.values())[1:]

        async def page(**kwargs):
            actor = await session_actor()
            if actor is None:
                return login_redirect(path)
            with frame(title, actor, path):
                if admin and not actor.is_admin:
                    ui.context.client.status_code = 403
                    with ui.card().classes("m-4"):
                        ui.label("권한이 없습니다").classes("text-h6 text-negative")
                        ui.label(f"'{title}' 화면은 관리자만 사용할 수 있습니다.")
                    return None
                result = build(actor, **kwargs)
                if inspect.isawaitable(result):
                    await result
            return None

        page.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        page.__name__ = build.__name__
        page.__qualname__ = build.__qualname__
        page.__module__ = build.__module__
        ui.page(path, title=f"{title} - Gogaek", response_timeout=PAGE_BUILD_SECONDS)(page)
        return build

    return decorator

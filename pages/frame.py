"""The page frame every signed-in screen lives in: header, left menu, session checks.

`protected_page(path, title, admin=...)` registers a NiceGUI page whose builder receives the
signed-in `Actor`; signed-out requests are redirected to /login and staff asking for an admin
screen get 403, both decided on the server before anything is rendered.

After that, the page's rights are kept true by one gate in front of every UI event: before NiceGUI
hands a browser's event to an element's handler, the session and the account are read from the
database as they are now (session live, staff active, same role as when the page was built). If
they no longer hold, the event is dropped and the page is closed on the server — its client is
deleted, so none of its handlers can run again, whatever the browser does. When an admin ends a
person's sessions, that person's open pages are closed at once the same way."""

from __future__ import annotations

import inspect
import logging
import re
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from urllib.parse import quote

from fastapi.responses import RedirectResponse
from nicegui import Client, app, background_tasks, core, ui
from nicegui.nicegui import _on_event as nicegui_on_event

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

# MenuEntry.badge → builds the count beside a menu entry (e.g. the open missed calls)
MENU_BADGES: dict[str, Callable[[], None]] = {}

# called inside every signed-in page's frame (e.g. the incoming-call popup installs itself)
FRAME_HOOKS: list[Callable[[Actor], None]] = []

# client id → the staff member signed in on that browser tab: the session gate below and the upload
# route (main.py) let only these pages act
signed_in_clients: dict[str, Actor] = {}
# client id → the session token the page was built with, and the page's path (for the way back)
_page_sessions: dict[str, tuple[str, str]] = {}
# events waiting for the gate, per client, handled in arrival order
_waiting_events: dict[str, deque[tuple[str, dict]]] = {}

log = logging.getLogger(__name__)


async def session_actor() -> Actor | None:
    return await auth.resume_session(app.storage.user.get(SESSION_KEY))


def login_url(path: str) -> str:
    """The sign-in page, coming back to `path` afterwards; the bare address leads to the start page."""
    return "/login" if path == "/" else f"/login?next={quote(path, safe='/')}"


def login_redirect(path: str) -> RedirectResponse:
    return RedirectResponse(login_url(path), status_code=303)


def signed_in_path_pattern(path: str) -> re.Pattern:
    """A registered path with its parameters ("/customers/{customer_id}") as a regular expression
    matching the real paths ("/customers/12")."""
    parts = re.split(r"\{[^}]+\}", path)
    return re.compile("[^/?#]+".join(re.escape(part) for part in parts))


def close_page(client: Client) -> None:
    """Close a signed-in page on the server: send the browser to the login page and delete the
    client at once, so no handler of the page can run again even if the browser ignores the
    navigation (its later events find no client)."""
    _waiting_events.pop(client.id, None)
    signed_in_clients.pop(client.id, None)
    _, path = _page_sessions.pop(client.id, ("", "/"))
    if client.is_deleted or client.id not in Client.instances:
        return
    client.delete()
    # the page's outbox stopped with the client, so the navigation goes out directly
    background_tasks.create(
        core.sio.emit("open", {"path": login_url(path), "new_tab": False}, room=client.id),
        name=f"close page {client.id}",
    )


def _close_pages_of(staff_id: int, kept_token_hash: str | None) -> None:
    for client_id, actor in list(signed_in_clients.items()):
        token, _ = _page_sessions.get(client_id, ("", ""))
        if actor.id != staff_id or (kept_token_hash and auth.token_digest(token) == kept_token_hash):
            continue
        if client := Client.instances.get(client_id):
            close_page(client)


_dispatch_event = nicegui_on_event  # NiceGUI's own socket handler: hands the event to the element


def _gated_event(sid: str, msg: dict) -> None:
    """The socket 'event' message of every page, seen before NiceGUI dispatches it. Events of
    signed-in pages wait in line for the account check; other pages' pass straight through."""
    client_id = msg.get("client_id") if isinstance(msg, dict) else None
    if client_id not in signed_in_clients:
        if client_id not in _page_sessions:  # a signed-in page being closed gets nothing
            _dispatch_event(sid, msg)
        return
    queue = _waiting_events.get(client_id)
    if queue is not None:
        queue.append((sid, msg))
        return
    _waiting_events[client_id] = deque([(sid, msg)])
    background_tasks.create(_pass_checked_events(client_id), name=f"session gate {client_id}")


async def _pass_checked_events(client_id: str) -> None:
    queue = _waiting_events[client_id]
    try:
        while queue:
            client = Client.instances.get(client_id)
            actor = signed_in_clients.get(client_id)
            token, _ = _page_sessions.get(client_id, ("", ""))
            if client is None or actor is None:
                return
            try:
                holds = await auth.session_holds(token, actor)
            except Exception:  # the database failed: the event is lost, the page stays
                log.exception("could not check the session of a page; its event was dropped")
                queue.popleft()
                continue
            if not holds:
                close_page(client)
                return
            if _waiting_events.get(client_id) is not queue:
                return  # the page was closed while the account was read
            sid, msg = queue.popleft()
            _dispatch_event(sid, msg)
    finally:
        if _waiting_events.get(client_id) is queue:
            del _waiting_events[client_id]


def _install_session_gate() -> None:
    # (the test harness imports this module afresh for every test: the newest one takes over)
    core.sio.on("event", _gated_event)
    auth.SESSIONS_ENDED[:] = [hook for hook in auth.SESSIONS_ENDED if hook.__module__ != __name__]
    auth.SESSIONS_ENDED.append(_close_pages_of)


_install_session_gate()


async def page_may_act(client_id: str) -> bool:
    """Whether the signed-in page `client_id` may still act, read from the database now (for
    requests that do not pass the event gate, such as uploads). A page that may not is closed."""
    actor = signed_in_clients.get(client_id)
    token, _ = _page_sessions.get(client_id, ("", ""))
    if actor is None:
        return False
    if await auth.session_holds(token, actor):
        return True
    if client := Client.instances.get(client_id):
        close_page(client)
    return False


def page_session_token() -> str | None:
    """The session token of the signed-in page being served (the one it was built with)."""
    token, _ = _page_sessions.get(ui.context.client.id, ("", ""))
    return token or None


async def sign_out_here() -> None:
    token = page_session_token()
    app.storage.user.pop(SESSION_KEY, None)
    await auth.sign_out(token)
    here = ui.context.client.id
    for client_id, (other, _) in list(_page_sessions.items()):
        if other == token and client_id != here and (client := Client.instances.get(client_id)):
            close_page(client)  # the browser's other tabs of this session
    ui.navigate.to("/login")


def _menu_item(entry: MenuEntry, current: str) -> None:
    with ui.item(on_click=lambda e=entry: ui.navigate.to(e.path)).props("dense").classes("rounded") as item:
        if entry.path == current:
            item.classes("bg-blue-1 text-primary")
        with ui.item_section().props("avatar"):
            if entry.badge and (badge := MENU_BADGES.get(entry.badge)):
                with ui.element("div").classes("relative-position"):  # the count on the icon's corner,
                    ui.icon(entry.icon, size="24px")  # so the label keeps the menu's width
                    badge()
            else:
                ui.icon(entry.icon)
        with ui.item_section():
            ui.item_label(entry.label)


def _in_group(current: str, entry: MenuEntry) -> bool:
    """Whether the screen at `current` is one of the group's (or below one of them)."""
    paths = [entry.path, *(child.path for child in entry.children)]
    return any(current == path or (path != "/" and current.startswith(path + "/")) for path in paths)


def _menu(actor: Actor, current: str) -> None:
    with ui.list().props("dense").classes("w-full"):
        for entry in MENU:
            if entry.admin and not actor.is_admin:
                continue
            if not entry.children:
                _menu_item(entry, current)
                continue
            children = [c for c in entry.children if actor.is_admin or not c.admin]
            opened = _in_group(current, entry)
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
    _page_sessions[client.id] = (app.storage.user.get(SESSION_KEY, ""), path)

    def forget() -> None:
        signed_in_clients.pop(client.id, None)
        _page_sessions.pop(client.id, None)
        _waiting_events.pop(client.id, None)

    client.on_delete(forget)

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
        # not the person's activity: an untouched tab must still reach its idle expiry
        token, _ = _page_sessions.get(client.id, ("", ""))
        if client.id in signed_in_clients and not await auth.session_holds(token, actor, touch=False):
            close_page(client)

    # created last: a timer makes NiceGUI send the page at once, and by now the page is complete
    ui.timer(SESSION_CHECK_SECONDS, check_session)


def _filled(path: str, values: dict) -> str:
    return re.sub(r"\{(\w+)[^}]*\}", lambda match: quote(str(values[match.group(1)]), safe=""), path)


def protected_page(path: str, title: str, *, admin: bool = False) -> Callable:
    """Register `build(actor, **params)` as the page at `path` inside the frame."""

    def decorator(build: Callable[..., Awaitable[None] | None]) -> Callable:
        SIGNED_IN_PATHS.add(path)
        if admin:
            ADMIN_PATHS.add(path)
        params = list(inspect.signature(build).parameters.values())[1:]

        async def page(**kwargs):
            here = _filled(path, kwargs)
            actor = await session_actor()
            if actor is None:
                return login_redirect(here)
            with frame(title, actor, here):
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

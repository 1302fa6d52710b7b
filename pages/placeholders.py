"""Menu entries whose screens have not been built yet show an honest "준비 중" page."""

from __future__ import annotations

from nicegui import ui

from core.audit import Actor
from pages.frame import protected_page

# (path, title, admin only) — remove an entry when its screen lands
PENDING: list[tuple[str, str, bool]] = [
    ("/cards", "명함관리", False),
    ("/status/visits", "방문일정", False),
    ("/status/receptions", "고객접수현황", False),
    ("/maintenance", "유지보수관리", False),
    ("/settings/cti", "CTI환경설정", True),
    ("/settings/centrex", "API사용자등록", True),
]


def _pending_screen(title: str):
    def build(actor: Actor) -> None:
        with ui.card().classes("m-4"):
            ui.label(title).classes("text-h6")
            ui.label("이 화면은 준비 중입니다.").classes("text-grey-8")

    return build


def register() -> None:
    for path, title, admin in PENDING:
        protected_page(path, title, admin=admin)(_pending_screen(title))

"""Menu entries whose screens have not been built yet show an honest "준비 중" page."""

from __future__ import annotations

from nicegui import ui

from core.audit import Actor
from pages.frame import protected_page

# (path, title, admin only) — remove an entry when its screen lands
PENDING: list[tuple[str, str, bool]] = [
    ("/status/quotes", "견적현황", False),
    ("/settings/company", "회사정보", True),
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

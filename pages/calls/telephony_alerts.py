"""Telephony failures where people look: a banner for admins on every signed-in screen when the
CTI device has been away for over a minute or a Centrex line keeps failing (authentication,
unreachable, an unknown code with the service's own message), and a small mark for everybody
next to 최근 수신 전화. Installed through pages.frame.FRAME_HOOKS; checked every few seconds in
memory (telephony.runtime.problems), so it costs no query."""

from __future__ import annotations

from nicegui import ui

from core.audit import Actor
from pages.calls.popup import TOP_LAYER_Z
from telephony import runtime

CHECK_SECONDS = 5.0


def _install(actor: Actor) -> None:
    """Frame hook: runs inside every signed-in page."""
    banner = None
    if actor.is_admin:
        with ui.page_sticky("top", y_offset=4).style(f"z-index: {TOP_LAYER_Z}"):
            banner = ui.column().classes("gap-1 items-center")
    with ui.page_sticky("bottom-right", x_offset=64, y_offset=22).style(f"z-index: {TOP_LAYER_Z}"):
        mark = (
            ui.icon("phone_disabled", color="negative")
            .classes("text-2xl")
            .props('aria-label="전화 연결 문제"')
        )
        tooltip = ui.tooltip()
        mark.mark("telephony-problem")

    shown: list[runtime.Problem] | None = None

    def refresh() -> None:
        nonlocal shown
        found = runtime.problems()
        if found == shown:
            return
        shown = found
        mark.set_visibility(bool(found))
        tooltip.set_text(" / ".join(problem.message for problem in found))
        if banner is None:
            return
        banner.clear()
        with banner:
            for problem in found:
                with (
                    ui.row()
                    .classes("items-center gap-2 no-wrap bg-negative text-white rounded px-3 py-1 shadow-4")
                    .mark("telephony-banner")
                ):
                    ui.icon("warning")
                    ui.label(problem.message).classes("text-body2")
                    ui.button(
                        "설정 열기", on_click=lambda path=problem.settings_path: ui.navigate.to(path)
                    ).props("flat dense no-caps color=white")

    refresh()
    layer = mark.parent_slot.parent
    started = False

    def start_checking() -> None:
        # a timer made while the page is being built would make NiceGUI send it unfinished
        nonlocal started
        if not started and not layer.is_deleted:
            started = True
            with layer:
                ui.timer(CHECK_SECONDS, refresh)

    ui.context.client.on_connect(start_checking)


def register() -> None:
    from pages.frame import FRAME_HOOKS

    if _install not in FRAME_HOOKS:
        FRAME_HOOKS.append(_install)

"""When someone saved first: my edits are kept and can be re-applied on top of the latest version
(the fields where mine and the stored values differ are named), or the latest version loaded."""

from __future__ import annotations

from nicegui import ui

from core.errors import StaleRecordError
from pages.components.dialogs import TransientDialog

REAPPLY = "reapply"
RELOAD = "reload"


async def ask_about_conflict(error: StaleRecordError, fields: dict[str, ui.element]) -> str | None:
    """REAPPLY, RELOAD or None (keep editing). Marks the differing fields of the form. `fields`
    maps the record's field names to the form's inputs; `customer` and `customer_id` both match."""
    labels = []
    for name in error.differing:
        element = next(
            (fields[key] for key in (name, f"{name}_id", name.removesuffix("_id")) if key in fields), None
        )
        if element is None:
            continue
        labels.append(str(element.props.get("label") or name).rstrip(" *"))
        element.props["error"] = True
        element.props["error-message"] = "다른 사용자가 저장한 값과 다릅니다."
        element.update()
    with TransientDialog() as dialog, ui.card().classes("w-[480px] max-w-full"):
        ui.label(str(error))
        if labels:
            ui.label("내 입력과 저장된 값이 다른 항목: " + ", ".join(labels)).classes("text-weight-medium")
        ui.label("'내 입력으로 다시 저장'은 지금 저장된 최신 자료 위에 이 화면의 내용을 저장합니다.").classes(
            "text-caption text-grey-8"
        )
        with ui.row().classes("w-full justify-end"):
            ui.button("내 입력으로 다시 저장", on_click=lambda: dialog.submit(REAPPLY)).props(
                "unelevated no-caps"
            ).mark("conflict-reapply")
            ui.button("최신 내용 불러오기", on_click=lambda: dialog.submit(RELOAD)).props(
                "outline no-caps"
            ).mark("conflict-reload")
            ui.button("계속 고치기", on_click=lambda: dialog.submit(None)).props("flat")
    return await dialog

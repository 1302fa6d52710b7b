"""When someone saved first: my edits are kept and can be re-applied on top of the latest version
(the fields where mine and the stored values differ are named), or the latest version loaded."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from nicegui import ui

from core.errors import StaleRecordError
from pages.components.dialogs import TransientDialog

REAPPLY = "reapply"
RELOAD = "reload"
Saved = TypeVar("Saved")


async def ask_about_conflict(
    error: StaleRecordError,
    fields: dict[str, ui.element],
    *,
    labels: dict[str, str] | None = None,
    reloadable: bool = True,
) -> str | None:
    """REAPPLY, RELOAD or None (keep editing). Marks the differing fields of the form. `fields`
    maps the record's field names to the form's inputs; `customer` and `customer_id` both match.
    `labels` names the fields whose input carries no label (a checkbox, an editor)."""
    named = []
    for name in error.differing:
        keys = (name, f"{name}_id", name.removesuffix("_id"))
        element = next((fields[key] for key in keys if key in fields), None)
        label = next((labels[key] for key in keys if labels and key in labels), None)
        if element is None:
            if label:
                named.append(label)
            continue
        named.append(
            label or str(element.props.get("label") or getattr(element, "text", "") or name).rstrip(" *")
        )
        element.props["error"] = True
        element.props["error-message"] = "다른 사용자가 저장한 값과 다릅니다."
        element.update()
    with TransientDialog() as dialog, ui.card().classes("w-[480px] max-w-full"):
        ui.label(str(error))
        if named:
            ui.label("내 입력과 저장된 값이 다른 항목: " + ", ".join(named)).classes(
                "text-weight-medium"
            ).mark("conflict-fields")
        ui.label("'내 입력으로 다시 저장'은 지금 저장된 최신 자료 위에 이 화면의 내용을 저장합니다.").classes(
            "text-caption text-grey-8"
        )
        with ui.row().classes("w-full justify-end"):
            if error.latest_version is not None:
                ui.button("내 입력으로 다시 저장", on_click=lambda: dialog.submit(REAPPLY)).props(
                    "unelevated no-caps"
                ).mark("conflict-reapply")
            if reloadable:
                ui.button("최신 내용 불러오기", on_click=lambda: dialog.submit(RELOAD)).props(
                    "outline no-caps"
                ).mark("conflict-reload")
            ui.button("계속 고치기", on_click=lambda: dialog.submit(None)).props("flat")
    return await dialog


async def keep_my_work(
    error: StaleRecordError,
    fields: dict[str, ui.element],
    *,
    reapply: Callable[[int], Awaitable[Saved]],
    reload: Callable[[], Awaitable[Any] | Any] | None,
    labels: dict[str, str] | None = None,
) -> Saved | None:
    """Ask what to do about `error` and do it: REAPPLY awaits `reapply(latest_version)` (the form
    saves its current input again with that version, through its own save path) and returns what
    it returns; RELOAD runs `reload()` (the form shows the stored values and takes their version).
    None offers no reload. Anything but REAPPLY returns None."""
    choice = await ask_about_conflict(error, fields, labels=labels, reloadable=reload is not None)
    if choice == REAPPLY and error.latest_version is not None:
        return await reapply(error.latest_version)
    if choice == RELOAD and reload is not None:
        result = reload()
        if inspect.isawaitable(result):
            await result
    return None

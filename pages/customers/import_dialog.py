"""엑셀 가져오기 of customers or cards: upload .xlsx → map columns → preview → import, with the
bad rows listed and their reasons. The workbook is parsed off the event loop."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import events, ui

from core.audit import Actor
from core.errors import GogaekError, ValidationError
from core.korean import format_size
from core.settings import get_settings
from pages.components.dialogs import TransientDialog
from services import customer_import
from services.customer_import import ImportKind, ImportReport, RowAction

TITLES = {ImportKind.CUSTOMERS: "고객 엑셀 가져오기", ImportKind.CARDS: "명함 엑셀 가져오기"}
NOT_IMPORTED = -1
RESULT_COLUMNS = [
    {"name": "row", "label": "행", "field": "row", "align": "right", "style": "width: 50px"},
    {"name": "label", "label": "이름", "field": "label", "align": "left"},
    {"name": "action", "label": "처리", "field": "action", "align": "left", "style": "width: 60px"},
    {"name": "reasons", "label": "사유", "field": "reasons", "align": "left", "style": "white-space: normal"},
]


def _rows(report: ImportReport, *, only_errors: bool = False) -> list[dict]:
    return [
        {"row": o.row_number, "label": o.label, "action": o.action.value, "reasons": " / ".join(o.reasons)}
        for o in report.outcomes
        if not only_errors or o.action == RowAction.ERROR
    ]


def _counts(report: ImportReport) -> str:
    return ", ".join(f"{action.value} {report.count(action):,}건" for action in RowAction)


async def open_import_dialog(
    actor: Actor, kind: ImportKind, *, on_done: Callable[[], Awaitable[None] | None] | None = None
) -> None:
    fields = customer_import.FIELDS[kind]
    state: dict = {"sheet": None}
    limit = get_settings().upload_limit_bytes
    with TransientDialog() as dialog, ui.card().classes("w-[960px] max-w-full gap-2"):
        dialog.props("persistent")
        ui.label(TITLES[kind]).classes("text-h6")
        ui.label(
            "첫 줄에 제목(예: " + ", ".join(f.header for f in fields[:4]) + ")이 있는 .xlsx 파일을 올리세요."
        ).classes("text-caption text-grey-8")
        ui.label(
            f"다시 가져오기: {customer_import.MATCH_RULES[kind]} {customer_import.MATCH_OUTCOMES}"
        ).classes("text-caption text-grey-8").mark("import-rules")

        async def uploaded(event: events.UploadEventArguments) -> None:
            data = await event.file.read()
            upload.reset()
            try:
                sheet = await customer_import.read_sheet(data)
            except ValidationError as error:
                ui.notify(" ".join(error.fields.values()), type="negative", multi_line=True)
                return
            state["sheet"] = sheet
            file_label.set_text(f"{event.file.name}: {len(sheet.rows):,}행")
            show_mapping(customer_import.guess_mapping(kind, sheet.headers))
            results.rows = []
            results.update()
            summary.set_text("열을 확인하고 미리보기를 누르세요.")
            preview_button.enable()
            import_button.disable()

        with ui.row().classes("w-full items-center gap-2"):
            upload = (
                ui.upload(
                    label="엑셀 파일 (.xlsx)",
                    auto_upload=True,
                    max_file_size=limit,
                    on_upload=uploaded,
                    on_rejected=lambda: ui.notify(
                        f"{format_size(limit)}까지 올릴 수 있습니다.", type="negative"
                    ),
                )
                .props('accept=".xlsx" flat dense bordered hide-upload-btn')
                .classes("w-64")
                .mark("import-upload")
            )
            file_label = ui.label().classes("text-subtitle2")
        ui.label("열 지정").classes("text-subtitle2")
        mapping_box = (
            ui.grid()
            .classes("w-full gap-2")
            .style("grid-template-columns: repeat(auto-fill, minmax(170px, 1fr))")
        )
        selects: dict[str, ui.select] = {}

        def show_mapping(guessed: dict[str, int]) -> None:
            mapping_box.clear()
            selects.clear()
            sheet = state["sheet"]
            options = {NOT_IMPORTED: "(가져오지 않음)"} | {
                i: f"{_column_letter(i)}: {h or '(제목 없음)'}" for i, h in enumerate(sheet.headers)
            }
            with mapping_box:
                for item in fields:
                    select = ui.select(
                        options,
                        label=item.header + (" *" if item.required else ""),
                        value=guessed.get(item.key, NOT_IMPORTED),
                    ).props("outlined dense options-dense stack-label")
                    if item.required:
                        select.props("bg-color=yellow-2")
                    selects[item.key] = select.mark(f"import-map-{item.key}")

        def mapping() -> dict[str, int]:
            return {
                key: s.value for key, s in selects.items() if s.value is not None and s.value != NOT_IMPORTED
            }

        async def preview() -> None:
            try:
                report = await customer_import.preview_import(kind, state["sheet"], mapping())
            except ValidationError as error:
                ui.notify(" ".join(error.fields.values()), type="negative")
                return
            shown = len(report.outcomes)
            total = len(state["sheet"].rows)
            scope = f"처음 {shown:,}행" if shown < total else f"전체 {total:,}행"
            summary.set_text(
                f"미리보기 ({scope}): {_counts(report)}. 오류 행은 건너뛰고 나머지를 가져옵니다."
            )
            results.rows = _rows(report)
            results.update()
            import_button.enable()

        async def run() -> None:
            import_button.disable()
            preview_button.disable()
            close_button.disable()
            progress.set_visibility(True)

            def advance(done: int, total: int) -> None:
                progress.set_value(done / total if total else 1)
                summary.set_text(f"가져오는 중… {done:,} / {total:,}행")

            try:
                report = await customer_import.run_import(
                    kind, state["sheet"], mapping(), by=actor, on_progress=advance
                )
            except GogaekError as error:
                ui.notify(str(error), type="negative", multi_line=True)
                return
            finally:
                close_button.enable()
                progress.set_visibility(False)
            summary.set_text(
                f"가져오기를 마쳤습니다: {_counts(report)}. {customer_import.MATCH_OUTCOMES} "
                "아래는 건너뛴 행과 사유입니다."
            )
            results.rows = _rows(report, only_errors=True)
            results.update()
            ui.notify(f"가져오기 완료: {_counts(report)}", type="positive", multi_line=True)
            if on_done:
                result = on_done()
                if result is not None:
                    await result

        with ui.row().classes("w-full items-center gap-2"):
            preview_button = (
                ui.button("미리보기", icon="preview", on_click=preview)
                .props("dense no-caps")
                .mark("import-preview")
            )
            import_button = (
                ui.button("가져오기", icon="file_download_done", on_click=run)
                .props("dense unelevated no-caps color=primary")
                .mark("import-run")
            )
            preview_button.disable()
            import_button.disable()
            summary = ui.label().classes("text-body2").mark("import-summary")
        progress = ui.linear_progress(value=0, show_value=False).classes("w-full")
        progress.set_visibility(False)
        results = (
            ui.table(columns=RESULT_COLUMNS, rows=[], row_key="row", pagination=15)
            .props('dense flat bordered wrap-cells no-data-label="표시할 행이 없습니다."')
            .classes("w-full")
            .mark("import-results")
        )
        with ui.row().classes("w-full justify-end"):
            close_button = ui.button("닫기", on_click=dialog.close).props("flat").mark("import-close")
    dialog.open()


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters

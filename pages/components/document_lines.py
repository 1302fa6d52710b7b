"""The lines of a quote or order: one row per line with reorder / insert / delete, items found by a
server-side search (or by typing a 품번 and Enter), and live amounts from the one service rule
(services.document_lines.compute_totals) — the server recomputes everything again on save."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui

from core.inputs import whole_number as parse_whole_number
from core.korean import format_amount, josa
from models.item import Item
from pages.components.dialogs import TransientDialog
from services import items
from services.document_lines import compute_totals, line_from_row, total_in_words

# fits the content column of a 1024-pixel screen next to the menu; wider screens give 품명 the rest
GRID_COLUMNS = "24px 64px minmax(80px, 1fr) 52px 40px 56px 88px 24px 84px 72px 84px 56px"
CSS = """
.doc-lines .q-field--dense .q-field__control { padding: 0 4px; }
.doc-lines .q-field__native, .doc-lines .q-field__input { font-size: 13px; }
"""
HEADERS = [
    "순번",
    "품번",
    "품명",
    "규격",
    "단위",
    "수량",
    "단가",
    "과세",
    "공급가액",
    "부가세",
    "합계금액",
    "",
]
NUMERIC = ("quantity", "unit_price")
ITEM_COLUMNS = [
    {"name": "code", "label": "품번", "field": "code", "align": "left"},
    {"name": "name", "label": "품명", "field": "name", "align": "left"},
    {"name": "spec", "label": "규격", "field": "spec", "align": "left"},
    {"name": "unit", "label": "단위", "field": "unit", "align": "left"},
    {"name": "price", "label": "단가", "field": "price", "align": "right"},
    {"name": "taxable", "label": "과세", "field": "taxable_label", "align": "center"},
]


def item_row(item: Item) -> dict[str, Any]:
    return {
        "item_id": item.id,
        "item_code": item.code,
        "name": item.name,
        "spec": item.spec,
        "unit": item.unit,
        "quantity": 1,
        "unit_price": item.unit_price,
        "taxable": item.taxable,
    }


def _display_number(value: Any) -> str:
    """Thousands separators; an empty field for zero so typing does not start after a "0"."""
    number = parse_whole_number(value)
    if number is None:
        return str(value)
    return format_amount(number) if number else ""


def _grid(element: ui.element) -> ui.element:
    return element.classes("grid items-center gap-x-[2px] w-full").style(
        f"grid-template-columns: {GRID_COLUMNS}"
    )


class LinesEditor(ui.column):
    """`rows` are dicts with id, item_id, item_code, name, spec, unit, quantity, unit_price, taxable.
    `on_change()` is called whenever the user changes something (for the unsaved-changes guard)."""

    def __init__(
        self,
        rows: list[dict[str, Any]] | None = None,
        *,
        readonly: bool = False,
        on_change: Callable[[], None] | None = None,
        item_hint: str = "견적서",
    ) -> None:
        super().__init__()
        self.classes("w-full gap-1")
        self.rows: list[dict[str, Any]] = [dict(r) for r in rows or []]
        self.readonly = readonly
        self.on_change = on_change
        self.item_hint = item_hint
        self._inputs: list[dict[str, ui.element]] = []
        self._amounts: list[tuple[ui.label, ui.label, ui.label]] = []
        ui.add_css(CSS)
        self.classes("doc-lines")
        with self:
            self.actions = ui.row().classes("gap-1 items-center")
            with self.actions:
                ui.button("품목추가", icon="playlist_add", on_click=self.open_item_search).props(
                    "dense unelevated no-caps"
                ).mark("lines-add-item")
                ui.button("텍스트줄 추가", icon="notes", on_click=lambda: self.add_row({})).props(
                    "dense outline no-caps"
                ).mark("lines-add-text")
                ui.label("품번을 입력하고 Enter를 누르면 그 품목을 불러옵니다.").classes(
                    "text-caption text-grey-7"
                )
            self.actions.set_visibility(not readonly)
            with (
                ui.element("div").classes("w-full overflow-x-auto border rounded"),
                ui.element("div").classes("min-w-[740px]"),
            ):
                with _grid(ui.element("div")).classes("bg-grey-2 text-caption text-weight-medium px-1 py-1"):
                    for label in HEADERS:
                        ui.label(label).classes("text-center")
                self.body = ui.column().classes("w-full gap-0")
                with _grid(ui.element("div")).classes("bg-grey-1 text-weight-medium px-1 py-1 border-t"):
                    ui.label("[합계]").classes("text-center").style("grid-column: 1 / span 8")
                    self.supply_label = ui.label().classes("text-right").mark("total-supply")
                    self.vat_label = ui.label().classes("text-right").mark("total-vat")
                    self.total_label = ui.label().classes("text-right").mark("total-amount")
                    ui.label()
            self.words_label = ui.label().classes("text-subtitle2").mark("total-words")
        self._render()

    # -- rows --------------------------------------------------------------------------------

    def set_rows(self, rows: list[dict[str, Any]], *, readonly: bool | None = None) -> None:
        self.rows = [dict(r) for r in rows]
        if readonly is not None:
            self.readonly = readonly
            self.actions.set_visibility(not readonly)
        self._render()

    def values(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.rows]

    def add_row(self, row: dict[str, Any], at: int | None = None) -> None:
        blank = {
            "name": "",
            "item_code": "",
            "spec": "",
            "unit": "",
            "quantity": 0,
            "unit_price": 0,
            "taxable": True,
        }
        self.rows.insert(len(self.rows) if at is None else at, blank | row)
        self._render()
        self._changed()

    def delete_row(self, index: int) -> None:
        del self.rows[index]
        self._render()
        self._changed()

    def move_row(self, index: int, delta: int) -> None:
        target = index + delta
        if not 0 <= target < len(self.rows):
            return
        self.rows[index], self.rows[target] = self.rows[target], self.rows[index]
        self._render()
        self._changed()

    def _changed(self) -> None:
        if self.on_change:
            self.on_change()

    def _set(self, index: int, key: str, value: Any) -> None:
        row = self.rows[index]
        old = row.get(key)
        if key in NUMERIC:
            if parse_whole_number(old) == parse_whole_number(value) and parse_whole_number(value) is not None:
                row[key] = value
                return
        elif old == value:
            return
        row[key] = value
        if key == "item_code" and row.get("item_id"):
            row["item_id"] = None  # the typed code no longer names the item that was picked
        if key in (*NUMERIC, "taxable"):
            self._recompute()
        self._changed()

    # -- rendering ---------------------------------------------------------------------------

    def _render(self) -> None:
        self.body.clear()
        self._inputs, self._amounts = [], []
        with self.body:
            if not self.rows:
                ui.label("줄이 없습니다. 품목추가나 텍스트줄 추가로 넣으세요.").classes(
                    "text-grey-7 p-2"
                ).mark("lines-empty")
            for index, row in enumerate(self.rows):
                self._render_row(index, row)
        self._recompute()

    def _input(self, index: int, key: str, *, numeric: bool = False) -> ui.input:
        value = self.rows[index].get(key)
        shown = _display_number(value) if numeric else ("" if value is None else str(value))
        field = ui.input(value=shown).props("dense outlined hide-bottom-space").classes("w-full")
        if numeric:
            field.props("input-class=text-right inputmode=numeric")
            field.on("blur", lambda _e, f=field: f.set_value(_display_number(f.value)))
        if self.readonly:
            field.props("readonly")
        field.on_value_change(lambda e, i=index, k=key: self._set(i, k, e.value))
        cell = f"line-{index}-{key.replace('_', '-')}"
        field.mark(cell).props(f"data-cell={cell}")
        return field

    def _render_row(self, index: int, row: dict[str, Any]) -> None:
        with _grid(ui.element("div")).classes("px-1 py-[2px] border-b"):
            ui.label(str(index + 1)).classes("text-center text-grey-8").mark(f"line-{index}-seq")
            code = self._input(index, "item_code")
            code.on("keydown.enter", lambda _e, i=index: self._lookup_code(i))
            fields = {
                "item_code": code,
                "name": self._input(index, "name"),
                "spec": self._input(index, "spec"),
                "unit": self._input(index, "unit"),
                "quantity": self._input(index, "quantity", numeric=True),
                "unit_price": self._input(index, "unit_price", numeric=True),
            }
            taxable = (
                ui.checkbox(value=bool(row.get("taxable", True)))
                .props("dense")
                .classes("justify-self-center")
            )
            taxable.on_value_change(lambda e, i=index: self._set(i, "taxable", bool(e.value)))
            taxable.mark(f"line-{index}-taxable")
            if self.readonly:
                taxable.disable()
            labels = tuple(ui.label().classes("text-right tabular-nums") for _ in range(3))
            labels[0].mark(f"line-{index}-supply")
            labels[2].mark(f"line-{index}-total")
            with ui.row().classes("gap-0 no-wrap justify-end"):
                if not self.readonly:
                    self._row_menu(index)
                    ui.button(icon="close", on_click=lambda i=index: self.delete_row(i)).props(
                        "flat dense round size=sm color=negative"
                    ).tooltip("줄 삭제").mark(f"line-{index}-delete")
        self._inputs.append(fields)
        self._amounts.append(labels)

    def _row_menu(self, index: int) -> None:
        actions = (
            ("위로", lambda: self.move_row(index, -1), "up"),
            ("아래로", lambda: self.move_row(index, 1), "down"),
            ("위에 빈 줄 삽입", lambda: self.add_row({}, at=index), "insert"),
            ("아래에 빈 줄 삽입", lambda: self.add_row({}, at=index + 1), "append"),
        )
        button = ui.button(icon="more_vert").props("flat dense round size=sm").mark(f"line-{index}-menu")
        with button, ui.menu().props("auto-close"):
            for label, action, mark in actions:
                ui.menu_item(label, on_click=action).mark(f"line-{index}-{mark}")

    def _recompute(self) -> None:
        totals = compute_totals(self.rows)
        for row, amounts, labels in zip(self.rows, totals.lines, self._amounts, strict=True):
            text_only = line_from_row(row).is_text
            values = (amounts.supply_amount, amounts.vat_amount, amounts.total_amount)
            for label, value in zip(labels, values, strict=True):
                label.set_text("" if text_only else format_amount(value))
        self.supply_label.set_text(format_amount(totals.supply_total))
        self.vat_label.set_text(format_amount(totals.vat_total))
        self.total_label.set_text(format_amount(totals.total_amount))
        self.words_label.set_text(
            f"합계금액 {total_in_words(totals.total_amount)} (₩{format_amount(totals.total_amount)}, 부가세 포함)"
        )

    # -- errors ------------------------------------------------------------------------------

    def clear_errors(self) -> None:
        for fields in self._inputs:
            for element in fields.values():
                element.props.pop("error", None)
                element.props.pop("error-message", None)
                element.update()

    def show_errors(self, errors: dict[str, str]) -> None:
        """Mark the cells named by `lines.<index>.<field>` keys; returns nothing, messages go to a
        notification too because cells are narrow."""
        self.clear_errors()
        messages = []
        for key, message in errors.items():
            parts = key.split(".")
            if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(self._inputs):
                element = self._inputs[int(parts[1])].get(parts[2])
                if element is not None:
                    element.props["error"] = True
                    element.props["error-message"] = message
                    element.update()
            messages.append(message)
        if messages:
            ui.notify(" / ".join(messages), type="negative", multi_line=True)

    # -- items -------------------------------------------------------------------------------

    async def _lookup_code(self, index: int) -> None:
        code = str(self.rows[index].get("item_code") or "").strip()
        item = await items.find_item_by_code(code)
        if item is None:
            ui.notify(f"품번 '{code}' 품목이 없습니다. 품목추가로 검색하세요.", type="warning")
            return
        quantity = parse_whole_number(self.rows[index].get("quantity")) or 1
        self.rows[index] = {**self.rows[index], **item_row(item), "quantity": quantity}
        self._render()
        self._changed()

    async def open_item_search(self) -> None:
        with TransientDialog() as dialog, ui.card().classes("w-[760px] max-w-full"):
            ui.label("품목 검색").classes("text-h6")
            with ui.row().classes("w-full items-center gap-2 no-wrap"):
                query = (
                    ui.input("품번 또는 품명")
                    .props("dense outlined autofocus clearable")
                    .classes("grow")
                    .mark("item-search")
                )
                ui.button("조회", icon="search", on_click=lambda: load()).props("unelevated no-caps").mark(
                    "item-search-button"
                )
            table = (
                ui.table(columns=ITEM_COLUMNS, rows=[], row_key="id", pagination=0)
                .props('dense flat bordered virtual-scroll no-data-label="조회된 품목이 없습니다."')
                .classes("w-full max-h-[50vh]")
                .mark("item-results")
            )
            ui.label(
                f"더블클릭하면 {self.item_hint}에 추가됩니다 (창은 열려 있어 계속 고를 수 있습니다)."
            ).classes("text-caption text-grey-7")
            with ui.row().classes("w-full justify-end"):
                ui.button("닫기", on_click=dialog.close).props("flat").mark("item-search-close")

            async def load() -> None:
                found = await items.search_items(query.value or "")
                table.rows = [
                    {
                        "id": item.id,
                        "code": item.code,
                        "name": item.name,
                        "spec": item.spec,
                        "unit": item.unit,
                        "price": format_amount(item.unit_price),
                        "taxable_label": "과세" if item.taxable else "면세",
                        "item": item_row(item),
                    }
                    for item in found
                ]
                table.update()

            def pick(row: dict[str, Any]) -> None:
                self.add_row(dict(row["item"]))
                ui.notify(f"'{row['name']}'{josa(row['name'], '을')} 추가했습니다.")

            query.on("keydown.enter", load)
            table.on("rowDblclick", lambda e: pick(e.args[1]))
        dialog.open()
        await load()

"""An editable grid: one table row per record, every field typed in place, as the ERP's code screens
work ("코드번호를 입력 후 커서를 한 줄 아래로 내리면 내용이 저장이 됩니다").

One model, shown on screen: a row is saved when the cursor leaves it — Enter (which then goes one
line down, and on the last line opens a new empty one), ↑/↓, a click or Tab into another row — or
with 저장, which saves every changed row. A changed row is marked until it is saved; a refused row
keeps what was typed, marks the cells concerned and says why on the line under them; 저장 is only
enabled while something is unsaved, and the page's leave guard is armed meanwhile.

Saves are one at a time per page (a double Enter, Enter and 저장 together: the second finds the row
saved and does nothing), a new row carries its own form token (the create service makes it once
whatever reaches the server twice), and an existing row is saved with the version it was read at:
someone else's save in between is a conflict the user settles (keep_my_work), never overwritten.

The grid knows nothing of what it edits: the page gives `on_save(row, values)` (calls its service,
returns the stored row as a dict of column values plus whatever the page keeps in `row.record`,
such as id and version) and `on_reload(row)` (the stored row as it is now)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from nicegui import ui

from core.errors import GogaekError, StaleRecordError, ValidationError
from pages.components.conflicts import keep_my_work
from pages.components.leave_guard import LeaveGuard
from pages.components.save_action import SaveAction
from services.submissions import new_form_token

CSS = """
.edit-grid { border-collapse: collapse; table-layout: fixed; width: 100%; }
.edit-grid th { position: sticky; top: 0; z-index: 1; background: #f5f5f5; font-weight: 500;
  font-size: 12px; padding: 4px; border-bottom: 1px solid #ddd; text-align: left; }
.edit-grid td { border-bottom: 1px solid #eee; padding: 0 4px; height: 30px; }
.edit-grid td + td { border-left: 1px solid #f0f0f0; }
.edit-grid .q-field--dense .q-field__control, .edit-grid .q-field--dense .q-field__marginal { height: 28px; }
.edit-grid .q-field__native { font-size: 13px; padding: 0; }
.edit-grid td:focus-within { box-shadow: inset 0 0 0 2px var(--q-primary); }
.edit-grid td:has(.q-field--error) { background: #ffebee; box-shadow: inset 0 0 0 1px var(--q-negative); }
.edit-grid tr.edit-grid__row--selected > td { background: #e3f2fd; }
.edit-grid tr.edit-grid__row--changed > td:first-child { background: #fff3e0; }
.edit-grid tr.edit-grid__row--refused > td:first-child { background: #ffebee; }
.edit-grid tr.edit-grid__message > td { border-bottom: 1px solid #eee; height: auto; padding: 2px 4px 4px;
  color: var(--q-negative); font-size: 12px; }
.edit-grid .q-field--readonly .q-field__native { color: #757575; }
"""

# Enter in a cell, but not the Enter a Korean IME uses to finish a syllable
_ENTER = "(e) => { if (!e.isComposing && e.keyCode !== 229) emit(); }"
_ARROW = "(e) => { if (!e.isComposing) { e.preventDefault(); emit(); } }"

# Quasar toggles a checkbox on Enter; in the grid Enter means "next line" there too (Space toggles)
_CHECKBOX_ENTER = """
if (!window.gogaekEditGridKeys) {
  window.gogaekEditGridKeys = true;
  document.addEventListener('keyup', (e) => {
    if (e.key === 'Enter' && e.target.closest && e.target.closest('.edit-grid .q-checkbox')) e.stopPropagation();
  }, true);
}
"""

# the cell is drawn by the browser after the update that makes it: wait for it, then put the cursor
# at the end of what it holds
_FOCUS = """(() => {
  let tries = 120;
  const go = () => {
    const root = document.getElementById('c%d');
    // a checkbox is focused itself (its native input is hidden), a text cell at its input
    const target = root && (root.matches('[tabindex]') ? root : root.querySelector('input'));
    if (!target) { if (tries-- > 0) requestAnimationFrame(go); return; }
    target.focus();
    if (target.setSelectionRange && typeof target.value === 'string') {
      target.setSelectionRange(target.value.length, target.value.length);
    }
  };
  go();
})()"""


@dataclass(frozen=True)
class GridColumn:
    name: str
    label: str
    width: str = ""  # a CSS width; columns without one share what is left
    check: bool = False  # a checkbox instead of a text cell
    max_length: int | None = None
    numeric: bool = False


class GridRow:
    """One row: `values` as the cells hold them now, `baseline` as stored (for a new row: as it
    started), `record` what the page keeps about the stored record (id, version…)."""

    def __init__(self, values: dict[str, Any], record: dict[str, Any] | None = None) -> None:
        self.values = dict(values)
        self.baseline = dict(values)
        self.record: dict[str, Any] = dict(record or {})
        self.token: str | None = None if self.record.get("id") else new_form_token()
        self.errors: dict[str, str] = {}
        self.saved_here = False  # saved on this screen (shown with a check until changed again)
        self.state: str | None = None  # the state shown (see EditGrid._STATES); None: not drawn yet
        # drawn by the grid
        self.cells: dict[str, ui.element] = {}
        self.tr: ui.element
        self.status: ui.icon
        self.status_cell: ui.element
        self.message_row: ui.element
        self.message_lead: ui.element
        self.message_cell: ui.element
        self.message: ui.label

    @property
    def is_new(self) -> bool:
        return not self.record.get("id")

    @property
    def dirty(self) -> bool:
        return self.values != self.baseline

    @property
    def is_blank(self) -> bool:
        """The empty line at the bottom that nothing has been typed into."""
        return self.is_new and not self.dirty


class GridEditing:
    """The grids of one page: where the cursor is, one save at a time, and one leave guard."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.grids: list[EditGrid] = []
        self.current: tuple[EditGrid, GridRow] | None = None
        self.guard = LeaveGuard(self.dirty)

    def dirty(self) -> bool:
        return any(grid.changed_rows() for grid in self.grids)

    def reset(self) -> None:
        """A new set of grids (another code table was chosen)."""
        self.grids, self.current = [], None
        self.guard.refresh()

    async def enter(self, grid: EditGrid, row: GridRow) -> None:
        """The cursor is now in `row`: the row it left is saved."""
        if row.tr.is_deleted:
            return
        previous = self.current
        if previous is not None and previous[1] is row:
            return
        self.current = (grid, row)
        if previous is not None and previous[1].dirty and not previous[1].tr.is_deleted:
            await previous[0].save(previous[1])
        await grid.select(row)

    async def save_all(self) -> bool:
        """Every changed row of every grid; False when one was refused."""
        results = [await grid.save_all(announce=False) for grid in list(self.grids)]
        return all(results)


class EditGrid(ui.element):
    def __init__(
        self,
        editing: GridEditing,
        columns: list[GridColumn],
        *,
        marker: str,
        blank: dict[str, Any],
        on_save: Callable[[GridRow, dict[str, Any]], Awaitable[dict[str, Any] | None]],
        on_reload: Callable[[GridRow], Awaitable[dict[str, Any]]],
        on_select: Callable[[GridRow | None], Awaitable[None]] | None = None,
        locked: Callable[[GridRow], dict[str, str]] | None = None,
        on_state: Callable[[], None] | None = None,
    ) -> None:
        """`locked(row)`: the cells of `row` that cannot be changed, with the reason (a tooltip).
        `on_select(row)`: the row the cursor went to (None when the grid is emptied).
        `on_state()`: called when the number of unsaved rows changes."""
        super().__init__("div")
        self.editing, self.columns, self.marker, self.blank = editing, columns, marker, dict(blank)
        self.on_save, self.on_reload, self.on_select = on_save, on_reload, on_select
        self.locked = locked or (lambda _row: {})
        self.on_state = on_state
        self.rows: list[GridRow] = []
        self.selected: GridRow | None = None
        self.new_lines = True  # False: the grid waits (e.g. for an upper row) and offers no new line
        editing.grids.append(self)
        ui.add_css(CSS)
        self.client.run_javascript(_CHECKBOX_ENTER)
        self.classes("w-full overflow-auto border rounded bg-white")
        with self, ui.element("table").classes("edit-grid").props(f"data-grid={marker}") as self.table:
            with ui.element("colgroup"):
                ui.element("col").style("width: 26px")
                for column in columns:
                    ui.element("col").style(f"width: {column.width}" if column.width else "")
            with ui.element("thead"), ui.element("tr"):
                ui.element("th")
                for column in columns:
                    with ui.element("th").classes("text-right" if column.numeric else ""):
                        ui.label(column.label)
            self.body = ui.element("tbody")

    # -- rows ------------------------------------------------------------------------------

    def set_rows(self, rows: list[dict[str, Any]], *, new_lines: bool = True) -> None:
        """Show these stored rows (plus an empty new line when `new_lines`); what was shown goes."""
        self.new_lines = new_lines
        self.rows = [GridRow(self._values(row), row) for row in rows]
        if new_lines:
            self.rows.append(GridRow(self.blank))
        self.selected = None
        if self.editing.current is not None and self.editing.current[0] is self:
            self.editing.current = None
        self._render()

    def changed_rows(self) -> list[GridRow]:
        return [row for row in self.rows if row.dirty]

    def stored_count(self) -> int:
        return sum(1 for row in self.rows if not row.is_new)

    def remove(self, row: GridRow) -> None:
        self.rows.remove(row)
        if self.selected is row:
            self.selected = None
        if self.editing.current is not None and self.editing.current[1] is row:
            self.editing.current = None
        if self.new_lines and not any(r.is_blank for r in self.rows):
            self.rows.append(GridRow(self.blank))
        self._render()

    def _values(self, stored: dict[str, Any]) -> dict[str, Any]:
        values = {}
        for column in self.columns:
            value = stored.get(column.name)
            values[column.name] = bool(value) if column.check else ("" if value is None else str(value))
        return values

    # -- drawing ---------------------------------------------------------------------------

    def _render(self) -> None:
        self.body.clear()
        with self.body:
            for index, row in enumerate(self.rows):
                self._render_row(index, row)
        self._state_changed()

    def _render_row(self, index: int, row: GridRow) -> None:
        row.state = None
        with ui.element("tr").props(f"data-row={index}").mark(f"{self.marker}-row-{index}") as row.tr:
            if row is self.selected:
                row.tr.classes("edit-grid__row--selected")
            row.tr.on("click", lambda r=row: self.editing.enter(self, r))
            with ui.element("td").classes("text-center") as row.status_cell:
                row.status = ui.icon("").classes("text-body1")
            row.cells = {}
            for column in self.columns:
                with ui.element("td"):
                    row.cells[column.name] = self._cell(index, row, column)
        with ui.element("tr").classes("edit-grid__message") as row.message_row:
            row.message_lead = ui.element("td")
            with ui.element("td") as row.message_cell:
                row.message = ui.label().mark(f"{self.marker}-{index}-message")
        self._lock(row)
        self._show_errors(row)
        self._show_state(row)

    def _cell(self, index: int, row: GridRow, column: GridColumn) -> ui.element:
        value = row.values[column.name]
        if column.check:
            cell = ui.checkbox(value=bool(value)).props("dense").classes("w-full justify-center")
            cell.props(f'aria-label="{column.label}"')
        else:
            cell = (
                ui.input(value=value)
                .props("dense borderless hide-bottom-space no-error-icon")
                .classes("w-full")
            )
            cell.props(f'aria-label="{column.label}"')
            if column.max_length:
                cell.props(f"maxlength={column.max_length}")
            if column.numeric:
                cell.props("input-class=text-right inputmode=numeric")
            if row.is_new and column is self.columns[0]:
                cell.props(f'placeholder="새 {column.label}"')
            cell.on("keydown.enter", lambda r=row, c=column: self._enter(r, c), js_handler=_ENTER)
        cell.on("keydown.down", lambda r=row, c=column: self._move(r, c, 1), js_handler=_ARROW)
        cell.on("keydown.up", lambda r=row, c=column: self._move(r, c, -1), js_handler=_ARROW)
        if column.check:
            cell.on("keydown.enter", lambda r=row, c=column: self._enter(r, c), js_handler=_ENTER)
        cell.on("focus", lambda r=row: self.editing.enter(self, r))
        cell.on_value_change(lambda e, r=row, c=column: self._typed(r, c, e.value))
        return cell.mark(f"{self.marker}-{index}-{column.name}")

    def _lock(self, row: GridRow) -> None:
        """The cells `locked(row)` names: readonly, with the reason on hover."""
        for name, reason in self.locked(row).items():
            cell = row.cells[name]
            if cell.props.get("readonly") or cell.props.get("disable"):
                continue
            cell.props("disable" if isinstance(cell, ui.checkbox) else "readonly")
            with cell:
                ui.tooltip(reason)

    def _state_of(self, row: GridRow) -> str:
        if row.errors:
            return "refused"
        if row.dirty:
            return "changed"
        if row.is_new:
            return "new"
        return "saved" if row.saved_here else ""

    _STATES: ClassVar[dict[str, tuple[str, str, str]]] = {  # state: (icon, colour, tooltip)
        "refused": ("error", "negative", "저장하지 못했습니다: 아래 설명을 보고 고치세요"),
        "changed": ("edit", "orange-8", "저장하지 않은 줄입니다"),
        "new": ("add", "grey-6", "새 줄: 여기에 입력하세요"),
        "saved": ("check", "positive", "저장했습니다"),
        "": ("", "", ""),
    }

    def _show_state(self, row: GridRow) -> None:
        state = self._state_of(row)
        if state == row.state:
            return
        row.state = state
        icon, colour, tip = self._STATES[state]
        row.status.set_name(icon)
        if colour:
            row.status.props(f"color={colour}")
        else:
            row.status.props(remove="color")
        if tip:
            row.status_cell.props(f'title="{tip}"')
        else:
            row.status_cell.props(remove="title")
        row.tr.classes(remove="edit-grid__row--changed edit-grid__row--refused")
        if state in ("changed", "refused"):
            row.tr.classes(f"edit-grid__row--{state}")
        row.tr.props(f"data-state={state or 'stored'}")

    def _show_errors(self, row: GridRow) -> None:
        for name, cell in row.cells.items():
            if name in row.errors:
                cell.props["error"] = True
            else:
                cell.props.pop("error", None)
            cell.update()
        messages = []
        labels = {column.name: column.label for column in self.columns}
        for name, message in row.errors.items():
            label = labels.get(name)
            messages.append(message if not label or label in message else f"{label}: {message}")
        row.message.set_text(" / ".join(messages))
        row.message_row.set_visibility(bool(messages))
        # the message starts under the first cell it is about
        first = min((i for i, c in enumerate(self.columns) if c.name in row.errors), default=0)
        row.message_lead.props(f"colspan={first + 1}")
        row.message_cell.props(f"colspan={len(self.columns) - first}")

    def _state_changed(self) -> None:
        self.editing.guard.refresh()
        if self.on_state is not None:
            self.on_state()

    # -- typing ----------------------------------------------------------------------------

    def _typed(self, row: GridRow, column: GridColumn, value: Any) -> None:
        was_dirty = row.dirty
        row.values[column.name] = bool(value) if column.check else ("" if value is None else str(value))
        row.saved_here = False
        self._show_state(row)
        if was_dirty != row.dirty:
            self._state_changed()

    async def _enter(self, row: GridRow, column: GridColumn) -> None:
        """Enter: the row is saved and the cursor goes one line down; on the last line, to a new
        empty line. A refused row keeps the cursor, in the first cell that needs fixing."""
        if row.tr.is_deleted:
            return
        await self.editing.enter(self, row)
        if not await self.save(row):
            self.focus_errors(row)
            return
        if row not in self.rows:
            return
        index = self.rows.index(row)
        if index + 1 < len(self.rows):
            below = self.rows[index + 1]
            self.focus(below, self.columns[0] if below.is_new else column)
        elif self.new_lines and not row.is_blank:
            self.rows.append(GridRow(self.blank))
            with self.body:
                self._render_row(len(self.rows) - 1, self.rows[-1])
            self.focus(self.rows[-1], self.columns[0])

    def _move(self, row: GridRow, column: GridColumn, delta: int) -> None:
        """↑/↓: the same cell one line up or down (leaving the row saves it)."""
        if row not in self.rows:
            return
        index = self.rows.index(row) + delta
        if 0 <= index < len(self.rows):
            target = self.rows[index]
            self.focus(target, self.columns[0] if target.is_blank else column)

    def focus(self, row: GridRow, column: GridColumn | None = None) -> None:
        cell = row.cells[(column or self.columns[0]).name]
        self.client.run_javascript(_FOCUS % cell.id)

    def focus_errors(self, row: GridRow) -> None:
        column = next((c for c in self.columns if c.name in row.errors), None)
        self.focus(row, column)

    def focus_new_line(self) -> None:
        """추가: the cursor to the empty line at the bottom."""
        blank = next((row for row in self.rows if row.is_blank), None)
        if blank is None and self.new_lines:
            self.rows.append(GridRow(self.blank))
            with self.body:
                self._render_row(len(self.rows) - 1, self.rows[-1])
            blank = self.rows[-1]
        if blank is not None:
            self.focus(blank)

    async def select(self, row: GridRow) -> None:
        if self.selected is row:
            return
        if self.selected is not None and not self.selected.tr.is_deleted:
            self.selected.tr.classes(remove="edit-grid__row--selected")
        self.selected = row
        row.tr.classes("edit-grid__row--selected")
        if self.on_select is not None:
            await self.on_select(row)

    # -- saving ----------------------------------------------------------------------------

    async def save(self, row: GridRow) -> bool:
        """Save `row` if it changed (True: stored as shown, or nothing to save)."""
        async with self.editing.lock:
            if row.tr.is_deleted or row not in self.rows:
                return True
            if not row.dirty:
                if row.errors:
                    row.errors = {}
                    self._show_errors(row)
                    self._show_state(row)
                return True
            typed = dict(row.values)
            was_new = row.is_new
            try:
                stored = await self.on_save(row, typed)
            except StaleRecordError as error:
                conflict = error
            except GogaekError as error:
                self.refuse(row, error)
                return False
            else:
                if stored is None:
                    return False
                self.apply_stored(row, stored, unchanged_since=typed)
                row.saved_here = True
                self._show_state(row)
                if was_new and self.new_lines and row is self.rows[-1]:
                    self.rows.append(GridRow(self.blank))
                    with self.body:
                        self._render_row(len(self.rows) - 1, self.rows[-1])
                self._state_changed()
                conflict = None
        if conflict is not None:
            await self._settle(row, conflict)
            return False
        if was_new and self.selected is row and self.on_select is not None:
            await self.on_select(row)  # a record now: what hangs below it can be shown
        return True

    async def save_all(self, *, announce: bool = True) -> bool:
        """저장: every changed row, top to bottom; the cursor goes to the first refused one."""
        saved = refused = 0
        for row in list(self.rows):
            if not row.dirty:
                continue
            if await self.save(row):
                saved += 1
            else:
                refused += 1
        if refused:
            first = next((row for row in self.rows if row.errors), None)
            if first is not None:
                self.focus_errors(first)
        elif saved and announce:
            ui.notify("저장했습니다." if saved == 1 else f"{saved:,}줄을 저장했습니다.", type="positive")
        return not refused

    def refuse(self, row: GridRow, error: GogaekError) -> None:
        """Why the service refused, on the row (and as a notification when no cell is concerned)."""
        row.errors = dict(error.fields) if isinstance(error, ValidationError) else {"": str(error)}
        if not any(name in row.cells for name in row.errors):
            ui.notify(str(error), type="negative", multi_line=True)
        self._show_errors(row)
        self._show_state(row)
        self._state_changed()

    def apply_stored(self, row: GridRow, stored: dict[str, Any], *, unchanged_since: dict[str, Any]) -> None:
        """The stored record is now `stored`; a cell still holding what it held in
        `unchanged_since` shows the stored value, one typed into meanwhile keeps its input."""
        values = self._values(stored)
        row.record = dict(stored)
        row.token = None
        row.baseline = values
        row.errors = {}
        for name, value in values.items():
            if row.values[name] == unchanged_since[name] and row.values[name] != value:
                row.cells[name].set_value(value)
                row.values[name] = value
        row.cells[self.columns[0].name].props(remove="placeholder")
        self._lock(row)
        self._show_errors(row)
        self._show_state(row)
        self._state_changed()

    async def _settle(self, row: GridRow, conflict: StaleRecordError) -> None:
        """Someone saved this record after it was read: my row stays as typed; the user re-applies
        it on top of the latest version or loads the latest."""
        row.errors = {"": "다른 사용자가 이 줄을 먼저 저장했습니다. 입력한 내용은 그대로 있습니다."}
        self._show_errors(row)
        self._show_state(row)

        async def reapply(latest_version: int) -> None:
            row.record["version"] = latest_version
            row.errors = {}
            if not await self.save(row):
                self.focus_errors(row)

        async def reload() -> None:
            try:
                stored = await self.on_reload(row)
            except GogaekError as error:
                self.refuse(row, error)
                return
            self.apply_stored(row, stored, unchanged_since=dict(row.values))
            row.saved_here = False
            self._show_state(row)

        labels = {column.name: column.label for column in self.columns}
        await keep_my_work(conflict, row.cells, labels=labels, reapply=reapply, reload=reload)
        for cell in row.cells.values():  # the conflict marks, once settled
            cell.props.pop("error-message", None)
        self._show_errors(row)


class GridSave(SaveAction):
    """저장 of a grid: saves every changed row; enabled only while there is one."""

    def __init__(self, grid: EditGrid) -> None:
        super().__init__(grid.save_all, icon="save")
        self.grid = grid
        self.refresh()

    def refresh(self) -> None:
        self.set_enabled(bool(self.grid.changed_rows()))

"""기초정보등록: code tables on the left, the selected table's rows on the right as an editable grid
(admin only): codes are typed in place and saved when the cursor leaves their row (see
pages/components/edit_grid)."""

from __future__ import annotations

import contextlib
from typing import Any

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError, InUseError
from core.inputs import whole_number
from core.korean import josa
from models.codes import CodeEntry, CodeKind
from pages.components.change_history import change_history_button
from pages.components.dialogs import TransientDialog, confirm
from pages.components.edit_grid import EditGrid, GridColumn, GridEditing, GridRow, GridSave
from pages.components.leave_guard import may_leave
from pages.components.list_output import dated, export_excel, print_list
from pages.frame import protected_page, session_actor
from services import codes
from services.list_spec import TABLE, ListColumn, ListSpec

K = CodeKind

# (label, kinds shown side by side: each later one nests under the row selected in the previous)
SECTIONS: list[tuple[str, list[tuple[CodeKind, str]]]] = [
    ("고객상태", [(K.CUSTOMER_STATUS, "고객상태")]),
    ("접수구분", [(K.RECEPTION_TYPE, "접수구분")]),
    ("접수경로", [(K.RECEPTION_ROUTE, "접수경로")]),
    (
        "접수분류",
        [
            (K.RECEPTION_CATEGORY, "대분류"),
            (K.RECEPTION_CATEGORY, "중분류"),
            (K.RECEPTION_CATEGORY, "일반분류"),
        ],
    ),
    ("고객분류A", [(K.CUSTOMER_CLASS_A, "고객분류A")]),
    ("고객분류B", [(K.CUSTOMER_CLASS_B, "고객분류B")]),
    ("고객분류C", [(K.CUSTOMER_CLASS_C, "고객분류C")]),
    ("명함그룹A", [(K.CARD_GROUP_A, "명함그룹A")]),
    ("명함그룹B", [(K.CARD_GROUP_B, "명함그룹B")]),
    ("서비스분류", [(K.SERVICE_CLASS, "서비스분류")]),
    ("관리품목", [(K.PRODUCT_GROUP, "관리품목(제품군)"), (K.PRODUCT_MODULE, "제품 소분류(모듈)")]),
    ("부서", [(K.DEPARTMENT, "부서")]),
    ("직책", [(K.POSITION, "직책")]),
    ("담당업무", [(K.DUTY, "담당업무")]),
    ("납부방법", [(K.PAYMENT_METHOD, "납부방법")]),
    ("납입형태", [(K.PAYMENT_FORM, "납입형태")]),
]

# Other 기초정보 screens that live on pages of their own: (label, path)
LINKED_SCREENS: list[tuple[str, str]] = [
    ("Html문서", "/codes/html"),
    ("API사용자등록", "/settings/centrex"),
    ("품목", "/codes/items"),
]

# a code table's rows, in the grid, in Excel and printed (the print is headed by the table's title)
CODES = ListSpec(
    "기초정보",
    (
        ListColumn("code", "코드", width=12),
        ListColumn("name", "이름", width=28),
        ListColumn("short_name", "약칭", width=12),
        ListColumn("description", "설명", width=40),
        ListColumn("sort_order", "순서", "number", width=8),
        ListColumn(
            "active", "사용", width=10, align="center", value=lambda e: "사용" if e.active else "사용 안 함"
        ),
    ),
    landscape=False,
)
# how each column is edited in the grid (its label comes from CODES)
_EDITING: dict[str, dict[str, Any]] = {
    "code": {"width": "88px", "max_length": 20},
    "name": {"max_length": 100},
    "short_name": {"width": "72px", "max_length": 20},
    "description": {"max_length": 255},
    "sort_order": {"width": "56px", "max_length": 7, "numeric": True},
    "active": {"width": "44px", "check": True},
}
GRID_COLUMNS = [GridColumn(c.key, c.label, **_EDITING[c.key]) for c in CODES.shown(TABLE)]
BLANK = {"code": "", "name": "", "short_name": "", "description": "", "sort_order": "", "active": True}
SYSTEM_CODE = "프로그램이 사용하는 기본 코드라 코드값은 바꿀 수 없습니다 (이름은 바꿀 수 있습니다)."
KEYS_HINT = (
    "바꾼 줄은 다른 줄로 옮기거나 Enter나 저장을 누르면 저장됩니다. "
    "Tab은 다음 칸, Enter는 다음 줄(마지막 줄에서는 새 줄), ↑↓는 위아래 줄로 갑니다."
)


def _row(entry: CodeEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "code": entry.code,
        "name": entry.name,
        "short_name": entry.short_name,
        "description": entry.description,
        "sort_order": entry.sort_order,
        "active": entry.active,
        "system": entry.system,
        "version": entry.version,
    }


def _file_word(title: str) -> str:
    """A table's title as a file name's word: 관리품목(제품군) → 관리품목_제품군."""
    return title.replace("(", "_").replace(")", "").replace(" ", "")


def _sort_order(typed: str) -> int | str | None:
    """순서 as typed: empty is "not given" (a new code goes last); anything that is not a whole
    number goes to the service as typed, which says what is wrong with it."""
    if not typed.strip():
        return None
    number = whole_number(typed)
    return typed if number is None else number


async def _acting() -> Actor | None:
    """Who acts now: the session's staff member as of this gesture (the rights read when the page
    was opened may have been taken away since), or None after sending a signed-out user to the
    login page."""
    actor = await session_actor()
    if actor is None:
        ui.navigate.to("/login?next=/codes")
    return actor


class CodeTable:
    """One code table (or one level of a hierarchy): the grid with 추가/저장/삭제. A lower level
    shows the children of the row selected in the level above."""

    def __init__(self, editing: GridEditing, kind: CodeKind, title: str, *, upper: CodeTable | None) -> None:
        self.kind, self.title, self.upper = kind, title, upper
        self.lower: CodeTable | None = None
        self.parent_id: int | None = None
        if upper is not None:
            upper.lower = self
        # the levels of one table (대/중/일반분류) are told apart by their level
        self.level = upper.level + 1 if upper is not None and upper.kind == kind else 1
        name = kind.value if self.level == 1 else f"{kind.value}-{self.level}"
        with ui.card().classes("min-w-[480px] flex-1 p-2 gap-1"):
            with ui.row().classes("items-center gap-1 w-full no-wrap") as toolbar:
                self.heading = ui.label(title).classes("text-subtitle1 text-weight-medium ellipsis")
                ui.space()
            self.hint = ui.label().classes("text-grey-7 text-caption")
            self.grid = EditGrid(
                editing,
                GRID_COLUMNS,
                marker=f"code-{name}",
                blank=BLANK,
                on_save=self._save,
                on_reload=self._reload,
                on_select=self._selected,
                locked=lambda row: {"code": SYSTEM_CODE} if row.record.get("system") else {},
                on_state=self._state,
            )
            self.grid.classes("max-h-[60vh]").mark(f"code-table-{name}")
            self.count = ui.label().classes("text-caption text-grey-8").mark(f"code-count-{name}")
            with toolbar:
                self.add_button = (
                    ui.button("추가", icon="add", on_click=self.grid.focus_new_line)
                    .props("dense flat no-caps")
                    .tooltip("맨 아래 새 줄로 갑니다")
                    .mark(f"code-add-{name}")
                )
                self.save_button = GridSave(self.grid).props("dense unelevated no-caps")
                self.save_button.mark(f"code-save-{name}")
                ui.button("삭제", icon="delete", on_click=self.delete_selected).props(
                    "dense flat no-caps color=negative"
                ).mark(f"code-delete-{name}")
                self.excel_button = (
                    ui.button("엑셀", icon="grid_on", on_click=self.excel)
                    .props("dense flat no-caps")
                    .mark(f"code-excel-{name}")
                )
                self.print_button = (
                    ui.button("인쇄", icon="print", on_click=self.print)
                    .props("dense flat no-caps")
                    .mark(f"code-print-{name}")
                )
                change_history_button("code_entry", self._selected_id)
        self._state()

    def _state(self) -> None:
        self.save_button.refresh()
        changed = len(self.grid.changed_rows())
        text = f"{self.grid.stored_count():,}건"
        self.count.set_text(text + (f" · 저장하지 않은 줄 {changed:,}개" if changed else ""))

    async def load(self, parent_id: int | None = None, parent_label: str = "") -> None:
        self.parent_id = parent_id
        waiting = self.upper is not None and parent_id is None
        self.add_button.set_enabled(not waiting)
        self.heading.set_text(f"{self.title} · {parent_label}" if parent_label else self.title)
        self.hint.set_text(f"{self.upper.title}에서 항목을 선택하세요." if waiting and self.upper else "")
        self.hint.set_visibility(waiting)
        rows = [] if waiting else [_row(e) for e in await codes.list_codes(self.kind, parent_id=parent_id)]
        self.grid.set_rows(rows, new_lines=not waiting)
        if self.lower is not None:
            await self.lower.show_children_of(None)

    async def show_children_of(self, row: GridRow | None) -> None:
        """The upper level's selected row changed: show its children (none for an unsaved row)."""
        parent_id = row.record.get("id") if row is not None else None
        if parent_id == self.parent_id and self.grid.rows:
            return
        if self.grid.changed_rows() and not await may_leave(True, action="이동"):
            return
        label = f"{row.baseline['code']} {row.baseline['name']}" if row is not None and parent_id else ""
        await self.load(parent_id, label)

    async def _selected(self, row: GridRow | None) -> None:
        if self.lower is not None:
            await self.lower.show_children_of(row if row is not None and not row.is_new else None)

    def _output_name(self) -> str | None:
        """The heading of what 엑셀 and 인쇄 give (the table, and the row above it for a lower
        level), or None after saying which row to choose first."""
        if self.upper is not None and self.parent_id is None:
            ui.notify(f"먼저 {self.upper.title}에서 항목을 선택하세요.", type="warning")
            return None
        return self.heading.text

    async def excel(self) -> None:
        if self._output_name() is None or (actor := await _acting()) is None:
            return
        await export_excel(
            actor,
            CODES,
            codes.codes_for_export(self.kind, parent_id=self.parent_id, by=actor),
            dated(_file_word(self.title), "xlsx"),
            button=self.excel_button,
        )

    async def print(self) -> None:
        if (heading := self._output_name()) is None or (actor := await _acting()) is None:
            return
        await print_list(
            actor,
            CODES,
            codes.codes_for_export(self.kind, parent_id=self.parent_id, by=actor),
            dated(_file_word(self.title), "pdf"),
            preview_title=f"{self.title} 인쇄",
            title=heading,
            button=self.print_button,
        )

    async def _save(self, row: GridRow, values: dict[str, Any]) -> dict[str, Any] | None:
        if (actor := await _acting()) is None:
            return None
        entry = await codes.save_code(
            by=actor,
            kind=self.kind,
            code=values["code"],
            name=values["name"],
            short_name=values["short_name"],
            description=values["description"],
            sort_order=_sort_order(values["sort_order"]),
            active=values["active"],
            parent_id=self.parent_id,
            entry_id=row.record.get("id"),
            version=row.record.get("version"),
            form_token=row.token,
        )
        return _row(entry)

    async def _reload(self, row: GridRow) -> dict[str, Any]:
        return _row(await codes.get_code(row.record["id"]))

    async def set_active(self, row: GridRow, active: bool) -> bool:
        """Switch the row on/off with the version the grid holds; a refusal is shown, not raised
        (and the row shows what is stored now)."""
        if (actor := await _acting()) is None:
            return False
        name = row.baseline["name"]
        try:
            entry = await codes.set_code_active(
                row.record["id"], by=actor, active=active, version=row.record.get("version")
            )
        except GogaekError as error:
            ui.notify(str(error), type="negative", multi_line=True)
            with contextlib.suppress(GogaekError):  # gone meanwhile: the message said so
                self.grid.apply_stored(row, await self._reload(row), unchanged_since=row.baseline)
            return False
        self.grid.apply_stored(row, _row(entry), unchanged_since=row.baseline)
        ui.notify(f"'{name}'{josa(name, '을')} {'사용' if active else '사용 안 함'}으로 바꿨습니다.")
        return True

    def _selected_id(self) -> int | str | None:
        row = self.grid.selected
        if row is None or row.tr.is_deleted or row.is_blank:
            return "먼저 목록에서 항목을 선택하세요."
        return row.record.get("id")

    async def delete_selected(self) -> None:
        row = self.grid.selected
        if row is None or row.tr.is_deleted or row.is_blank:
            ui.notify("먼저 목록에서 항목을 선택하세요.", type="warning")
            return
        if row.is_new:  # typed, never saved: nothing to ask the service
            if await confirm("입력 중인 새 줄을 지울까요?", action="지우기", danger=True):
                self.grid.remove(row)
            return
        code, name = row.baseline["code"], row.baseline["name"]
        with TransientDialog() as dialog, ui.card():
            ui.label(f"{self.title} '{code} {name}'{josa(name, '을')} 삭제할까요?")
            with ui.row():
                ui.button("삭제", on_click=lambda: dialog.submit(True)).props("color=negative").mark(
                    "confirm-delete"
                )
                ui.button("취소", on_click=lambda: dialog.submit(False)).props("flat")
        if not await dialog or (actor := await _acting()) is None:
            return
        try:
            await codes.delete_code(row.record["id"], by=actor)
        except InUseError as error:
            self.offer_deactivate(row, str(error))
            return
        except GogaekError as error:
            ui.notify(str(error), type="negative", multi_line=True)
            return
        ui.notify("삭제했습니다.")
        self.grid.remove(row)
        if self.lower is not None:
            await self.lower.show_children_of(None)

    def offer_deactivate(self, row: GridRow, message: str) -> None:
        """A row in use cannot be deleted: say why and offer to switch it off instead."""
        with TransientDialog() as dialog, ui.card().classes("max-w-[440px]"):
            ui.label("삭제할 수 없습니다").classes("text-h6 text-negative")
            ui.label(message).mark("code-in-use-message")
            with ui.row().classes("w-full justify-end"):
                if row.baseline["active"]:

                    async def deactivate() -> None:
                        if await self.set_active(row, False):
                            dialog.close()

                    ui.button("사용 안 함으로 바꾸기", icon="toggle_off", on_click=deactivate).mark(
                        "code-deactivate-instead"
                    )
                else:
                    ui.label("이미 '사용 안 함'입니다.").classes("text-grey-7 self-center")
                ui.button("닫기", on_click=dialog.close).props("flat")
        dialog.open()


def register() -> None:
    @protected_page("/codes", "기초정보등록", admin=True)
    async def codes_page(actor: Actor) -> None:
        editing = GridEditing()
        with ui.row().classes("w-full no-wrap items-start gap-2"):
            with ui.card().classes("p-1 w-48 shrink-0"):
                section_list = ui.list().props("dense separator").classes("w-full")
            with ui.column().classes("flex-1 min-w-0 gap-1"):
                ui.label(KEYS_HINT).classes("text-caption text-grey-8")
                detail = ui.row().classes("w-full items-start gap-2 wrap")
        shown: dict[str, int | None] = {"index": None}

        async def show(index: int) -> None:
            if index == shown["index"]:
                return
            # leaving the table leaves its row: save what changed, ask before dropping a refusal
            if editing.dirty() and not await editing.save_all() and not await may_leave(True, action="이동"):
                return
            shown["index"] = index
            detail.clear()
            editing.reset()
            tables: list[CodeTable] = []
            with detail:
                for kind, title in SECTIONS[index][1]:
                    tables.append(CodeTable(editing, kind, title, upper=tables[-1] if tables else None))
            await tables[0].load(None)
            for item_index, item in enumerate(items):
                item.classes(remove="bg-blue-1 text-primary")
                if item_index == index:
                    item.classes("bg-blue-1 text-primary")

        items = []
        with section_list:
            for index, (label, _) in enumerate(SECTIONS):
                with ui.item(on_click=lambda i=index: show(i)).mark(f"code-section-{label}") as item:
                    ui.item_section(label)
                items.append(item)
            for label, path in LINKED_SCREENS:
                with ui.item(on_click=lambda p=path: ui.navigate.to(p)):
                    ui.item_section(label)
        await show(0)

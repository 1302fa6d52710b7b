"""기초정보등록: code tables on the left, the selected table's rows on the right (admin only)."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError, InUseError, StaleRecordError
from core.korean import josa
from models.codes import CodeEntry, CodeKind
from pages.components.conflicts import keep_my_work
from pages.components.dialogs import TransientDialog
from pages.components.forms import FieldErrors
from pages.components.leave_guard import LeaveGuard, may_leave
from pages.components.row_select import select_on_click
from pages.components.save_action import SaveAction
from pages.frame import protected_page, session_actor
from services import codes

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

COLUMNS = [
    {"name": "code", "label": "코드", "field": "code", "align": "left", "sortable": True},
    {"name": "name", "label": "이름", "field": "name", "align": "left", "sortable": True},
    {"name": "short_name", "label": "약칭", "field": "short_name", "align": "left"},
    {"name": "description", "label": "설명", "field": "description", "align": "left"},
    {"name": "sort_order", "label": "순서", "field": "sort_order", "align": "right", "sortable": True},
    {"name": "active", "label": "사용", "field": "active_label", "align": "center"},
]


def _row(entry: CodeEntry) -> dict:
    return {
        "id": entry.id,
        "code": entry.code,
        "name": entry.name,
        "short_name": entry.short_name,
        "description": entry.description,
        "sort_order": entry.sort_order,
        "active": entry.active,
        "active_label": "사용" if entry.active else "사용 안 함",
        "system": entry.system,
        "version": entry.version,
    }


class CodeGrid:
    """One code table (or one level of a hierarchy) with 추가/수정/사용 전환/삭제."""

    def __init__(
        self,
        actor: Actor,
        kind: CodeKind,
        title: str,
        *,
        nested: bool,
        on_select: Callable[[int | None], Awaitable[None]] | None = None,
    ) -> None:
        self.actor, self.kind, self.title, self.nested = actor, kind, title, nested
        self.parent_id: int | None = None
        self.on_select = on_select
        with ui.card().classes("min-w-[320px] flex-1 p-2"):
            with ui.row().classes("items-center gap-1 w-full"):
                ui.label(title).classes("text-subtitle1 text-weight-medium")
                ui.space()
                self.add_button = (
                    ui.button("추가", icon="add", on_click=lambda: self.open_editor(None))
                    .props("dense flat no-caps")
                    .mark(f"code-add-{kind.value}")
                )
                ui.button("수정", icon="edit", on_click=self.edit_selected).props("dense flat no-caps")
                ui.button("사용 전환", icon="toggle_on", on_click=self.toggle_selected).props(
                    "dense flat no-caps"
                ).mark(f"code-toggle-{kind.value}")
                ui.button("삭제", icon="delete", on_click=self.delete_selected).props(
                    "dense flat no-caps color=negative"
                ).mark(f"code-delete-{kind.value}")
            self.hint = ui.label().classes("text-grey-7 text-caption")
            self.table = ui.table(
                columns=COLUMNS, rows=[], row_key="id", selection="single", pagination={"rowsPerPage": 0}
            ).props("dense flat bordered virtual-scroll")
            self.table.classes("w-full max-h-[60vh]").mark(f"code-table-{kind.value}")
            self.table.on("rowDblclick", lambda e: self.open_editor(e.args[1]))
            self.table.on("selection", self._selected)
            select_on_click(self.table, self._selected)

    async def load(self, parent_id: int | None = None) -> None:
        self.parent_id = parent_id
        waiting = self.nested and parent_id is None
        self.add_button.set_enabled(not waiting)
        self.hint.set_text("왼쪽에서 상위 항목을 선택하세요." if waiting else "")
        rows = [] if waiting else [_row(e) for e in await codes.list_codes(self.kind, parent_id=parent_id)]
        self.table.rows = rows
        self.table.selected = []
        self.table.update()
        if self.on_select:
            await self.on_select(None)

    async def _selected(self, _event=None) -> None:
        if self.on_select:
            await self.on_select(self.table.selected[0]["id"] if self.table.selected else None)

    def _selected_row(self) -> dict | None:
        if not self.table.selected:
            ui.notify("먼저 목록에서 항목을 선택하세요.", type="warning")
            return None
        return self.table.selected[0]

    def edit_selected(self) -> None:
        if row := self._selected_row():
            self.open_editor(row)

    async def _acting(self) -> Actor | None:
        """Who acts now: the session's staff member as of this click (the rights read when the page
        was opened may have been taken away since), or None after sending a signed-out user to
        the login page."""
        actor = await session_actor()
        if actor is None:
            ui.navigate.to("/login?next=/codes")
        return actor

    async def set_active(self, row: dict, active: bool) -> bool:
        """Switch the row on/off with the version the user saw; a refusal is shown, not raised."""
        if (actor := await self._acting()) is None:
            return False
        try:
            await codes.set_code_active(row["id"], by=actor, active=active, version=row["version"])
        except GogaekError as error:
            ui.notify(str(error), type="negative", multi_line=True)
            await self.load(self.parent_id)
            return False
        ui.notify(
            f"'{row['name']}'{josa(row['name'], '을')} {'사용' if active else '사용 안 함'}으로 바꿨습니다."
        )
        await self.load(self.parent_id)
        return True

    async def toggle_selected(self) -> None:
        if row := self._selected_row():
            await self.set_active(row, not row["active"])

    async def delete_selected(self) -> None:
        if not (row := self._selected_row()):
            return
        with TransientDialog() as dialog, ui.card():
            ui.label(f"{self.title} '{row['code']} {row['name']}'{josa(row['name'], '을')} 삭제할까요?")
            with ui.row():
                ui.button("삭제", on_click=lambda: dialog.submit(True)).props("color=negative").mark(
                    "confirm-delete"
                )
                ui.button("취소", on_click=lambda: dialog.submit(False)).props("flat")
        if not await dialog or (actor := await self._acting()) is None:
            return
        try:
            await codes.delete_code(row["id"], by=actor)
        except InUseError as error:
            self.offer_deactivate(row, str(error))
            return
        except GogaekError as error:
            ui.notify(str(error), type="negative", multi_line=True)
            return
        ui.notify("삭제했습니다.")
        await self.load(self.parent_id)

    def offer_deactivate(self, row: dict, message: str) -> None:
        """A row in use cannot be deleted: say why and offer to switch it off instead."""
        with TransientDialog() as dialog, ui.card().classes("max-w-[440px]"):
            ui.label("삭제할 수 없습니다").classes("text-h6 text-negative")
            ui.label(message).mark("code-in-use-message")
            with ui.row().classes("w-full justify-end"):
                if row["active"]:

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

    def open_editor(self, row: dict | None) -> None:
        editing = row is not None
        with TransientDialog() as dialog, ui.card().classes("w-[420px] max-w-full"):
            ui.label(f"{self.title} {'수정' if editing else '추가'}").classes("text-h6")
            code = (
                ui.input("코드", value=row["code"] if row else "")
                .props("outlined dense autofocus")
                .mark("code-code")
            )
            name = (
                ui.input("이름", value=row["name"] if row else "").props("outlined dense").mark("code-name")
            )
            short_name = ui.input("약칭", value=row["short_name"] if row else "").props("outlined dense")
            description = ui.input("설명", value=row["description"] if row else "").props("outlined dense")
            sort_order = ui.number("순서", value=row["sort_order"] if row else None, format="%d").props(
                "outlined dense"
            )
            active = ui.checkbox("사용", value=row["active"] if row else True)
            for element in (code, name, short_name, description, sort_order):
                element.classes("w-full")
            errors = FieldErrors(
                {"code": code, "name": name, "short_name": short_name, "description": description}
            )

            def current() -> tuple:
                return tuple(e.value for e in (code, name, short_name, description, sort_order, active))

            saved = {"value": current()}
            state = {"version": row["version"] if row else None}

            async def reapply(latest_version: int) -> None:
                state["version"] = latest_version  # my input on top of what is stored now
                await save(keep_open=False)

            async def reload() -> None:
                assert row is not None
                try:
                    latest = await codes.get_code(row["id"])
                except GogaekError as error:
                    ui.notify(str(error), type="negative", multi_line=True)
                    return
                errors.clear()
                code.value, name.value = latest.code, latest.name
                short_name.value, description.value = latest.short_name, latest.description
                sort_order.value, active.value = latest.sort_order, latest.active
                state["version"] = latest.version
                saved["value"] = current()
                guard.refresh()

            async def save(keep_open: bool) -> None:
                if (actor := await self._acting()) is None:
                    return
                try:
                    await codes.save_code(
                        by=actor,
                        kind=self.kind,
                        code=code.value or "",
                        name=name.value or "",
                        short_name=short_name.value or "",
                        description=description.value or "",
                        sort_order=int(sort_order.value) if sort_order.value is not None else None,
                        active=active.value,
                        parent_id=self.parent_id,
                        entry_id=row["id"] if row else None,
                        version=state["version"],
                        form_token=save_button.form_token,
                    )
                except StaleRecordError as error:
                    errors.clear()
                    fields = errors.fields | {"sort_order": sort_order, "active": active}
                    await keep_my_work(error, fields, reapply=reapply, reload=reload)
                    return
                except GogaekError as error:
                    errors.refuse(error)
                    return
                ui.notify("저장했습니다.", type="positive")
                await self.load(self.parent_id)
                if keep_open and not editing:
                    save_button.renew()
                    errors.clear()
                    for element in (code, name, short_name, description):
                        element.value = ""
                    sort_order.value = None
                    saved["value"] = current()
                    guard.refresh()
                    code.run_method("focus")
                else:
                    dialog.close()

            async def close() -> None:
                if await may_leave(current() != saved["value"]):
                    dialog.close()

            with ui.row().classes("w-full justify-end"):
                save_button = SaveAction(lambda: save(keep_open=False)).props("unelevated").mark("code-save")
                save_next = SaveAction(lambda: save(keep_open=True), text="연속저장", along=save_button)
                save_next.props("flat no-caps").move(target_index=0)
                save_next.set_visibility(not editing)
                save_next.trigger_on_enter(code, name, short_name, description)
                ui.button("닫기", on_click=close).props("flat").mark("code-close")
        dialog.props("persistent")
        guard = LeaveGuard(lambda: current() != saved["value"], form=dialog)
        dialog.open()


def register() -> None:
    @protected_page("/codes", "기초정보등록", admin=True)
    async def codes_page(actor: Actor) -> None:
        with ui.row().classes("w-full no-wrap items-start gap-2"):
            with ui.card().classes("p-1 w-48 shrink-0"):
                section_list = ui.list().props("dense separator").classes("w-full")
            detail = ui.row().classes("flex-1 items-start gap-2 wrap")

        async def show(index: int) -> None:
            detail.clear()
            grids: list[CodeGrid] = []
            _, tables = SECTIONS[index]
            with detail:
                for level, (kind, title) in enumerate(tables):
                    grids.append(CodeGrid(actor, kind, title, nested=level > 0))
            for upper, lower in itertools.pairwise(grids):
                upper.on_select = lower.load
            await grids[0].load(None)
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

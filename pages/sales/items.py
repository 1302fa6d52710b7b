"""기초정보등록 → 품목 (/codes/items, admin): the items master used on quote and order lines."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError, StaleRecordError
from core.korean import format_amount, josa
from models.item import Item
from pages.components.conflicts import keep_my_work
from pages.components.dialogs import TransientDialog, confirm
from pages.components.forms import FieldErrors
from pages.components.leave_guard import FormGuard
from pages.components.list_output import dated, export_excel, print_list
from pages.components.paged_table import Page, PagedTable, PageRequest, count_label, spec_columns
from pages.components.save_action import SaveAction
from pages.components.toolbar import Toolbar
from pages.frame import protected_page
from services import items
from services.list_spec import ListColumn, ListSpec

# the list of items, on the screen, in Excel and printed (the keys are the sort keys of items.list_items)
ITEMS = ListSpec(
    "품목",
    (
        ListColumn("code", "품번", width=14, sortable=True),
        ListColumn("name", "품명", width=30, sortable=True),
        ListColumn("spec", "규격", width=16, sortable=True),
        ListColumn("unit", "단위", width=8),
        ListColumn("unit_price", "단가", "amount", width=14, sortable=True),
        ListColumn(
            "taxable", "과세", width=8, align="center", value=lambda i: "과세" if i.taxable else "면세"
        ),
        ListColumn(
            "active", "사용", width=8, align="center", value=lambda i: "사용" if i.active else "사용 안 함"
        ),
    ),
)

PRINT_LIMIT = 2000


def _row(item: Item) -> dict[str, Any]:
    return {
        **ITEMS.table_row(item),
        "id": item.id,
        "version": item.version,
        "item": {  # what the editor starts from
            "code": item.code,
            "name": item.name,
            "spec": item.spec,
            "unit": item.unit,
            "unit_price": item.unit_price,
            "taxable": item.taxable,
            "active": item.active,
        },
    }


class ItemsScreen:
    def __init__(self, actor: Actor) -> None:
        self.actor = actor

    def build(self) -> None:
        with ui.row().classes("w-full items-center gap-2"):
            ui.button(icon="arrow_back", on_click=lambda: ui.navigate.to("/codes")).props(
                "flat round dense"
            ).tooltip("기초정보등록")
            ui.label("품목").classes("text-h6")
            self.search_box = (
                ui.input("품번·품명·규격", placeholder="일부만 입력해도 됩니다")
                .props("dense outlined clearable")
                .classes("w-64")
                .mark("items-search-text")
            )
            self.search_box.on("keydown.enter", self.search)
            toolbar = Toolbar(
                prefix="items-",
                search=self.search,
                add=lambda: self.open_editor(None),
                edit=self.edit_selected,
                delete=self.delete_selected,
                excel=self.excel,
                print=self.print,
            )
            ui.space()
            self.count = ui.label().classes("text-caption text-grey-8")
        self.toolbar = toolbar
        self.table = PagedTable(
            columns=spec_columns(ITEMS),
            fetch=self.fetch,
            sort_by="code",
            empty_text="등록된 품목이 없습니다.",
        ).mark("items-table")
        self.table.on("rowDblclick", lambda e: self.open_editor(e.args[1]))
        self.table.on("rowClick", lambda e: self._select(e.args[1]))
        with self.table, ui.context_menu():
            ui.menu_item("수정", on_click=self.edit_selected)
            ui.menu_item("삭제", on_click=self.delete_selected)
        self.table.on("rowContextmenu", lambda e: self._select(e.args[1]))

    def _select(self, row: dict[str, Any]) -> None:
        self.table.selected = [row]
        self.table.update()

    async def fetch(self, request: PageRequest) -> Page:
        result = await items.list_items(
            search=self.search_box.value or "",
            offset=request.offset,
            limit=request.rows_per_page,
            sort_by=request.sort_by,
            descending=request.descending,
        )
        page = Page(rows=[_row(i) for i in result.rows], total=result.total)
        self.count.set_text(count_label(page))
        return page

    async def search(self) -> None:
        await self.table.refresh(first_page=True)

    def _need_selection(self) -> dict[str, Any] | None:
        row = self.table.selected_row
        if row is None:
            ui.notify("먼저 목록에서 품목을 선택하세요.", type="warning")
        return row

    def edit_selected(self) -> None:
        if row := self._need_selection():
            self.open_editor(row)

    async def delete_selected(self) -> None:
        if not (row := self._need_selection()):
            return
        if not await confirm(
            f"품목 '{row['code']} {row['name']}'{josa(row['name'], '을')} 삭제할까요?",
            action="삭제",
            danger=True,
        ):
            return
        try:
            await items.delete_item(row["id"], by=self.actor)
        except GogaekError as error:
            ui.notify(str(error), type="negative", multi_line=True)
            return
        ui.notify(f"품목 '{row['name']}'{josa(row['name'], '을')} 삭제했습니다.")
        await self.table.refresh()

    def open_editor(self, row: dict[str, Any] | None) -> None:
        editing = row is not None
        stored = row["item"] if row else {}
        with TransientDialog() as dialog, ui.card().classes("w-[440px] max-w-full"):
            ui.label("품목 수정" if editing else "품목 추가").classes("text-h6")
            code = ui.input("품번 *", value=stored.get("code", "")).props("dense outlined autofocus")
            name = ui.input("품명 *", value=stored.get("name", "")).props("dense outlined")
            spec = ui.input("규격", value=stored.get("spec", "")).props("dense outlined")
            unit = ui.input("단위", value=stored.get("unit", "")).props("dense outlined")
            price = ui.input("단가", value=format_amount(stored["unit_price"]) if row else "").props(
                "dense outlined input-class=text-right inputmode=numeric"
            )
            taxable = ui.checkbox("과세 (부가세 10%)", value=stored.get("taxable", True))
            active = ui.checkbox("사용", value=stored.get("active", True))
            for element, marker in (
                (code, "item-code"),
                (name, "item-name"),
                (spec, "item-spec"),
                (unit, "item-unit"),
                (price, "item-price"),
            ):
                element.classes("w-full").mark(marker)
            errors = FieldErrors(
                {"code": code, "name": name, "spec": spec, "unit": unit, "unit_price": price}
            )

            def current() -> tuple:
                return tuple(e.value for e in (code, name, spec, unit, price, taxable, active))

            saved = {"version": row["version"] if row else None}

            async def reapply(latest_version: int, keep_open: bool) -> None:
                saved["version"] = latest_version  # my input on top of what is stored now
                await save(keep_open)

            async def reload() -> None:
                assert row is not None
                guard.release()
                dialog.close()  # and deleted: the latest version opens on the page itself
                latest = await items.get_item(row["id"])
                with dialog.client.layout:
                    self.open_editor(_row(latest))

            async def save(keep_open: bool) -> None:
                try:
                    await items.save_item(
                        by=self.actor,
                        code=code.value or "",
                        name=name.value or "",
                        spec=spec.value or "",
                        unit=unit.value or "",
                        unit_price=price.value,
                        taxable=taxable.value,
                        active=active.value,
                        item_id=row["id"] if row else None,
                        version=saved["version"],
                        form_token=save_button.form_token,
                    )
                except StaleRecordError as error:
                    await keep_my_work(
                        error,
                        errors.fields,
                        reapply=lambda version: reapply(version, keep_open),
                        reload=reload if row is not None else None,
                    )
                    return
                except GogaekError as error:
                    errors.refuse(error)
                    return
                ui.notify("저장했습니다.", type="positive")
                await self.table.refresh()
                if keep_open and not editing:
                    save_button.renew()
                    errors.clear()
                    for element in (code, name, spec, unit, price):
                        element.value = ""
                    guard.saved()
                    code.run_method("focus")
                else:
                    dialog.close()

            async def close() -> None:
                if await guard.may_close():
                    dialog.close()

            with ui.row().classes("w-full justify-end"):
                save_button = SaveAction(lambda: save(False)).props("unelevated").mark("item-save")
                if not editing:
                    SaveAction(lambda: save(True), text="연속저장", along=save_button).props(
                        "flat no-caps"
                    ).mark("item-save-next").move(target_index=0)
                ui.button("닫기", on_click=close).props("flat").mark("item-close")
        dialog.props("persistent")
        guard = FormGuard(dialog, snapshot=current)
        dialog.open()

    async def excel(self) -> None:
        await export_excel(
            self.actor,
            ITEMS,
            items.iter_items(search=self.search_box.value or ""),
            dated("품목", "xlsx"),
            button=self.toolbar.buttons["excel"],
        )

    async def print(self) -> None:
        search = (self.search_box.value or "").strip()
        await print_list(
            self.actor,
            ITEMS,
            items.iter_items(search=search),
            dated("품목", "pdf"),
            preview_title="품목 인쇄",
            button=self.toolbar.buttons["print"],
            subtitle=f"조건: '{search}'" if search else "",
            limit=PRINT_LIMIT,
            cut_note=f"처음 {PRINT_LIMIT:,}건만 인쇄했습니다. 전체는 엑셀로 저장하세요.",
        )


def register() -> None:
    @protected_page("/codes/items", "품목", admin=True)
    async def items_page(actor: Actor) -> None:
        screen = ItemsScreen(actor)
        screen.build()
        await screen.table.refresh()

"""기초정보등록 → 품목 (/codes/items, admin): the items master used on quote and order lines."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError, StaleRecordError
from core.korean import format_amount, josa
from models.item import Item
from pages.components.conflicts import keep_my_work
from pages.components.dialogs import TransientDialog, confirm
from pages.components.forms import FieldErrors
from pages.components.leave_guard import LeaveGuard, may_leave
from pages.components.paged_table import Page, PagedTable, PageRequest, column, count_label
from pages.components.save_action import SaveAction
from pages.components.toolbar import Toolbar
from pages.frame import protected_page
from services import items
from services.excel import Column, export_rows

COLUMNS = [
    column("code", "품번", sortable=True),
    column("name", "품명", sortable=True),
    column("spec", "규격", sortable=True),
    column("unit", "단위"),
    column("unit_price", "단가", align="right", sortable=True, field="price"),
    column("taxable", "과세", align="center", field="taxable_label"),
    column("active", "사용", align="center", field="active_label"),
]
EXCEL_COLUMNS = [
    Column("품번", 14),
    Column("품명", 30),
    Column("규격", 16),
    Column("단위", 8),
    Column("단가", 14, "amount"),
    Column("과세", 8),
    Column("사용", 8),
]


def _row(item: Item) -> dict[str, Any]:
    return {
        "id": item.id,
        "code": item.code,
        "name": item.name,
        "spec": item.spec,
        "unit": item.unit,
        "unit_price": item.unit_price,
        "price": format_amount(item.unit_price),
        "taxable": item.taxable,
        "taxable_label": "과세" if item.taxable else "면세",
        "active": item.active,
        "active_label": "사용" if item.active else "사용 안 함",
        "version": item.version,
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
            Toolbar(
                prefix="items-",
                search=self.search,
                add=lambda: self.open_editor(None),
                edit=self.edit_selected,
                delete=self.delete_selected,
                excel=self.excel,
            )
            ui.space()
            self.count = ui.label().classes("text-caption text-grey-8")
        self.table = PagedTable(
            columns=COLUMNS, fetch=self.fetch, sort_by="code", empty_text="등록된 품목이 없습니다."
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
        with TransientDialog() as dialog, ui.card().classes("w-[440px] max-w-full"):
            ui.label("품목 수정" if editing else "품목 추가").classes("text-h6")
            code = ui.input("품번 *", value=row["code"] if row else "").props("dense outlined autofocus")
            name = ui.input("품명 *", value=row["name"] if row else "").props("dense outlined")
            spec = ui.input("규격", value=row["spec"] if row else "").props("dense outlined")
            unit = ui.input("단위", value=row["unit"] if row else "").props("dense outlined")
            price = ui.input("단가", value=format_amount(row["unit_price"]) if row else "").props(
                "dense outlined input-class=text-right inputmode=numeric"
            )
            taxable = ui.checkbox("과세 (부가세 10%)", value=row["taxable"] if row else True)
            active = ui.checkbox("사용", value=row["active"] if row else True)
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

            saved = {"value": current(), "version": row["version"] if row else None}

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
                    saved["value"] = current()
                    guard.refresh()
                    code.run_method("focus")
                else:
                    dialog.close()

            async def close() -> None:
                if await may_leave(current() != saved["value"]):
                    dialog.close()

            with ui.row().classes("w-full justify-end"):
                save_button = SaveAction(lambda: save(False)).props("unelevated").mark("item-save")
                if not editing:
                    SaveAction(lambda: save(True), text="연속저장", along=save_button).props(
                        "flat no-caps"
                    ).mark("item-save-next").move(target_index=0)
                ui.button("닫기", on_click=close).props("flat").mark("item-close")
        dialog.props("persistent")
        guard = LeaveGuard(lambda: current() != saved["value"], form=dialog)
        dialog.open()

    async def excel(self) -> None:
        search = self.search_box.value or ""

        async def values():
            async for item in items.iter_items(search=search):
                yield [
                    item.code,
                    item.name,
                    item.spec,
                    item.unit,
                    item.unit_price,
                    "과세" if item.taxable else "면세",
                    "사용" if item.active else "사용 안 함",
                ]

        path = await export_rows(EXCEL_COLUMNS, values(), sheet_title="품목")
        data = await asyncio.to_thread(path.read_bytes)
        path.unlink(missing_ok=True)
        ui.download.content(data, f"품목_{dt.date.today():%Y%m%d}.xlsx")


def register() -> None:
    @protected_page("/codes/items", "품목", admin=True)
    async def items_page(actor: Actor) -> None:
        screen = ItemsScreen(actor)
        screen.build()
        await screen.table.refresh()

"""Tab 제품관리: products sold to the customer, licence numbers, key locks (unique across the
office), modules with user counts and amounts, free/paid maintenance end dates."""

from __future__ import annotations

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError, StaleRecordError
from core.korean import format_amount, josa
from models.codes import CodeKind
from pages.components import tab_counts
from pages.components.conflicts import keep_my_work
from pages.components.dialogs import TransientDialog, confirm
from pages.components.forms import FieldErrors
from pages.components.input_limits import limit_text
from pages.components.leave_guard import FormGuard
from pages.components.paged_table import spec_columns
from pages.components.row_select import select_on_click
from pages.components.save_action import SaveAction
from pages.components.toolbar import Toolbar
from pages.customers.tab_lists import tab_excel, tab_print
from pages.customers.tab_types import CustomerTab
from pages.maintenance.forms import amount_input, date_field, guard, read_date, read_int, when_shown
from services import products
from services.codes import code_choices
from services.list_spec import ListColumn, ListSpec

# the customer's products: (순번, product) pairs
PRODUCTS = ListSpec(
    "제품관리",
    (
        ListColumn("seq", "순번", "number", width=6, value=lambda r: r[0]),
        ListColumn("group", "관리품목", width=16, value=lambda r: r[1].product_group_name),
        ListColumn("licence", "고객허가번호", width=16, value=lambda r: r[1].licence_number),
        ListColumn(
            "first", "최초등록일", "date", width=11, align="center", value=lambda r: r[1].first_registered_on
        ),
        ListColumn(
            "free_end", "무상종료일", "date", width=11, align="center", value=lambda r: r[1].free_end_on
        ),
        ListColumn(
            "paid_end", "유상종료일", "date", width=11, align="center", value=lambda r: r[1].paid_end_on
        ),
        ListColumn("key_locks", "키락번호", width=20, value=lambda r: ", ".join(r[1].key_locks)),
        ListColumn(
            "modules",
            "모듈 (유저수)",
            width=30,
            value=lambda r: ", ".join(f"{m.module_name} {m.user_count}" for m in r[1].modules),
        ),
        ListColumn("amount", "유지보수금액", "amount", width=14, total=True, value=lambda r: r[1].amount),
        ListColumn("contracts", "계약", "number", width=6, value=lambda r: r[1].contract_count),
    ),
)


def _row(index: int, product: products.ProductRow) -> dict:
    return {
        **PRODUCTS.table_row((index, product)),
        "id": product.id,
        "version": product.version,
        "label": product.label,
    }


async def _numbered(customer_id: int) -> list[tuple[int, products.ProductRow]]:
    return list(enumerate(await products.list_products(customer_id), start=1))


class _ModuleRows(ui.column):
    """The product's modules: module (of the chosen product group), users, amount."""

    def __init__(self, on_change) -> None:
        super().__init__()
        self.classes("gap-1 w-full")
        self.options: dict[int, str] = {}
        self.rows: list[tuple[ui.row, ui.select, ui.number, ui.number]] = []
        self.on_change = on_change
        with self:
            self.body = ui.column().classes("gap-1 w-full")
            ui.button("모듈 추가", icon="add", on_click=lambda: self.add(None, 0, 0)).props(
                "flat dense no-caps"
            ).mark("module-add")

    def set_options(self, options: dict[int, str]) -> None:
        self.options = options
        for _, select, _, _ in self.rows:
            select.set_options(options, value=select.value if select.value in options else None)

    def add(self, module_id: int | None, users: int, amount: int) -> None:
        with self.body, ui.row().classes("items-center gap-1 no-wrap") as row:
            select = (
                ui.select(self.options, value=module_id, label="모듈")
                .props("dense outlined options-dense")
                .classes("w-52")
                .mark("module-select")
            )
            count = (
                ui.number("유저수", value=users, min=0, format="%d")
                .props("dense outlined")
                .classes("w-24")
                .mark("module-users")
            )
            money = amount_input("유지보수금액", amount).classes("w-40").mark("module-amount")
            entry = (row, select, count, money)
            ui.button(icon="close", on_click=lambda: self.remove(entry)).props("flat dense round size=sm")
        money.on_value_change(lambda _: self.on_change())
        self.rows.append(entry)
        self.on_change()

    def remove(self, entry) -> None:
        self.rows.remove(entry)
        entry[0].delete()
        self.on_change()

    def values(self) -> list[products.ModuleInput]:
        return [
            products.ModuleInput(module_id=select.value, user_count=read_int(count), amount=read_int(money))
            for _, select, count, money in self.rows
        ]


async def open_product_editor(actor: Actor, customer_id: int, product_id: int | None, on_saved) -> None:
    groups = await code_choices(CodeKind.PRODUCT_GROUP)
    current = await products.get_product(product_id) if product_id else None
    with TransientDialog() as dialog, ui.card().classes("w-[640px] max-w-full"):
        dialog.props("persistent")
        title = ui.label("제품 수정" if current else "제품 추가").classes("text-h6")
        state = {"id": current.id if current else None, "version": current.version if current else None}
        with ui.row().classes("items-start gap-2 w-full"):
            group = (
                ui.select(groups, value=current.product_group_id if current else None, label="관리품목 *")
                .props("dense outlined")
                .classes("w-48")
                .mark("product-group")
            )
            licence = (
                ui.input("고객허가번호", value=current.licence_number if current else "")
                .props("dense outlined")
                .classes("w-48")
            )
            first = date_field("최초등록일", current.first_registered_on if current else None)
        with ui.row().classes("items-start gap-2 w-full"):
            free_end = date_field("무상종료일", current.free_end_on if current else None).mark(
                "product-free-end"
            )
            paid_end = date_field("유상종료일", current.paid_end_on if current else None).mark(
                "product-paid-end"
            )
            note = limit_text(
                ui.input("비고", value=current.note if current else "")
                .props("dense outlined")
                .classes("w-56")
                .mark("product-note"),
                products.NOTE_MAX,
            )
        key_locks = (
            ui.input_chips(
                "키락번호 (입력 후 Enter, 회사 전체에서 하나만)",
                value=list(current.key_locks) if current else [],
                new_value_mode="add-unique",
            )
            .props("dense outlined")
            .classes("w-full")
            .mark("product-key-locks")
        )
        ui.label("모듈 (제품 소분류)").classes("text-subtitle2")
        amount_label = ui.label().classes("self-end text-weight-bold")

        def show_amount() -> None:
            amount_label.set_text(
                f"유지보수금액 합계: {format_amount(sum(m.amount for m in modules.values()))}원"
            )

        modules = _ModuleRows(show_amount)

        async def group_changed() -> None:
            modules.set_options(await products.module_choices(group.value))

        group.on_value_change(group_changed)
        await group_changed()
        for m in current.modules if current else []:
            modules.add(m.module_id, m.user_count, m.amount)
        show_amount()
        errors = FieldErrors(
            {
                "product_group": group,
                "licence_number": licence,
                "first_registered_on": first,
                "free_end_on": free_end,
                "paid_end_on": paid_end,
                "note": note,
                "key_locks": key_locks,
            }
        )

        def snapshot() -> tuple:
            return (
                group.value,
                licence.value,
                first.value,
                free_end.value,
                paid_end.value,
                note.value,
                tuple(key_locks.value or []),
                tuple(modules.values()),
            )

        async def reapply(latest_version: int) -> None:
            state["version"] = latest_version  # my input on top of what is stored now
            await save()

        async def reload() -> None:
            leave_guard.release()
            dialog.close()  # and deleted: the latest version opens on the page itself
            with dialog.client.layout:
                await open_product_editor(actor, customer_id, state["id"], on_saved)

        async def save() -> None:
            errors.clear()
            problems: dict[str, str] = {}
            dates = {
                name: read_date(element, name, problems)
                for name, element in (
                    ("first_registered_on", first),
                    ("free_end_on", free_end),
                    ("paid_end_on", paid_end),
                )
            }
            if problems:
                errors.show(problems)
                return
            try:
                product = await products.save_product(
                    by=actor,
                    customer_id=customer_id,
                    product_id=state["id"],
                    version=state["version"],
                    product_group_id=group.value,
                    licence_number=licence.value or "",
                    note=note.value or "",
                    key_locks=list(key_locks.value or []),
                    modules=modules.values(),
                    form_token=save_button.form_token,
                    **dates,
                )
            except StaleRecordError as error:
                await keep_my_work(
                    error, errors.fields, reapply=reapply, reload=reload if state["id"] is not None else None
                )
                return
            except GogaekError as error:
                errors.refuse(error)
                return
            state["id"], state["version"] = product.id, product.version
            refreshed = await products.get_product(product.id)
            key_locks.value = list(refreshed.key_locks)  # as stored (capitals, no spaces)
            leave_guard.saved()
            title.set_text("제품 수정")
            ui.notify("저장했습니다.", type="positive")
            await on_saved()

        async def close() -> None:
            if not await leave_guard.may_close():
                return
            dialog.close()

        with ui.row().classes("w-full justify-end"):
            save_button = SaveAction(save, icon="save").mark("product-save")
            ui.button("닫기", on_click=close).props("flat").mark("product-close")
    leave_guard = FormGuard(dialog, snapshot=snapshot)
    dialog.open()


async def products_tab(actor: Actor, customer_id: int) -> None:
    container = ui.column().classes("w-full gap-1")

    async def reload() -> None:
        rows = [_row(i, p) for i, p in await _numbered(customer_id)]
        selected = {r["id"] for r in table.selected}
        table.rows = rows
        table.selected = [r for r in rows if r["id"] in selected]
        table.update()
        tab_counts.rows_changed()

    def selected() -> dict | None:
        if not table.selected:
            ui.notify("먼저 목록에서 제품을 선택하세요.", type="warning")
            return None
        return table.selected[0]

    async def add() -> None:
        await open_product_editor(actor, customer_id, None, reload)

    async def edit(row: dict | None = None) -> None:
        row = row or selected()
        if row:
            await open_product_editor(actor, customer_id, row["id"], reload)

    async def delete() -> None:
        if not (row := selected()):
            return
        locks = f" (키락 {row['key_locks']})" if row["key_locks"] else ""
        if not await confirm(
            f"제품 '{row['label']}'{locks}{josa(row['label'], '을')} 삭제할까요? 키락번호와 모듈도 함께 삭제됩니다.",
            action="삭제",
            danger=True,
        ):
            return
        try:
            await products.delete_product(row["id"], by=actor, version=row["version"])
        except GogaekError as error:
            ui.notify(str(error), type="negative", multi_line=True)
            return
        ui.notify("삭제했습니다.")
        await reload()

    with container:
        with ui.row().classes("items-center gap-2 w-full"):
            toolbar = Toolbar(
                prefix="products-",
                search=guard(container, reload),
                add=guard(container, add),
                edit=guard(container, edit),
                delete=guard(container, delete),
                excel=guard(
                    container,
                    lambda: tab_excel(actor, PRODUCTS, _numbered(customer_id), toolbar.buttons["excel"]),
                ),
                print=guard(
                    container,
                    lambda: tab_print(actor, PRODUCTS, _numbered(customer_id), toolbar.buttons["print"]),
                ),
            )
            ui.label("고객번호와 키락을 먼저 등록해야 유지보수 계약을 만들 수 있습니다.").classes(
                "text-caption text-grey-7"
            )
        table = (
            ui.table(columns=spec_columns(PRODUCTS), rows=[], row_key="id", selection="single", pagination=0)
            .props('dense flat bordered no-data-label="등록된 제품이 없습니다. 추가[F5]로 등록하세요."')
            .classes("w-full")
            .mark("products-table")
        )
        table.on("rowDblclick", lambda e: edit(e.args[1]))
        select_on_click(table)
    when_shown(container, reload)
    await reload()


TAB = CustomerTab(key="products", label="제품관리", build=products_tab)

"""Tab 유지보수관리: the customer's maintenance contracts in sub-tabs 유지보수계약 (계약),
동의서작성 (발송전), 유지보수보류 (보류) and 전체, with the selected contract's lines below.
State changes go through services.maintenance.change_contract_state (the state rule)."""

from __future__ import annotations

from dataclasses import replace

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError
from core.korean import format_amount, format_date, josa
from models.maintenance import ContractState
from pages.components import tab_counts
from pages.components.dialogs import confirm
from pages.components.paged_table import spec_columns
from pages.components.row_select import select_on_click
from pages.components.toolbar import Toolbar
from pages.customers.tab_lists import tab_excel, tab_print
from pages.customers.tab_types import CustomerTab
from pages.maintenance.forms import (
    RowMenu,
    guard,
    mail_agreement,
    open_contract_editor,
    print_agreements,
    state_changed_message,
    when_shown,
)
from services import maintenance, maintenance_agreements
from services.list_spec import ListColumn, ListSpec

# sub-tab key → (label, state shown; None = all)
SUB_TABS: dict[str, tuple[str, ContractState | None]] = {
    "contracted": ("유지보수계약", ContractState.CONTRACTED),
    "before_sending": ("동의서작성", ContractState.BEFORE_SENDING),
    "on_hold": ("유지보수보류", ContractState.ON_HOLD),
    "all": ("전체", None),
}

# the customer's contracts of the sub-tab: (순번, contract) pairs
CONTRACTS = ListSpec(
    "유지보수관리",
    (
        ListColumn("seq", "순번", "number", width=6, value=lambda r: r[0]),
        ListColumn("group", "제품군", width=16, value=lambda r: r[1].product_group_name),
        ListColumn("state", "계약상태", width=9, align="center", value=lambda r: r[1].state.value),
        ListColumn(
            "contract_date", "계약일자", "date", width=11, align="center", value=lambda r: r[1].contract_date
        ),
        ListColumn("start_on", "시작일", "date", width=11, align="center", value=lambda r: r[1].start_on),
        ListColumn("end_on", "종료일자", "date", width=11, align="center", value=lambda r: r[1].end_on),
        ListColumn("type", "유형", width=8, align="center", value=lambda r: r[1].contract_type.value),
        ListColumn("method", "납부방법", width=10, value=lambda r: r[1].payment_method_name),
        ListColumn("form", "납입형태", width=10, value=lambda r: r[1].payment_form_name),
        ListColumn("settlement", "정산월", width=7, align="center", value=lambda r: r[1].settlement_month),
        ListColumn("fee", "소급비", "amount", width=12, total=True, value=lambda r: r[1].retroactive_fee),
        ListColumn(
            "total", "유지보수금액", "amount", width=14, total=True, value=lambda r: r[1].total_amount
        ),
        ListColumn("sales", "영업담당", width=10, value=lambda r: r[1].sales_staff_name),
    ),
)

LINE_COLUMNS = [
    {"name": "seq", "label": "순번", "field": "seq", "align": "right"},
    {"name": "module", "label": "제품(모듈)", "field": "module", "align": "left"},
    {"name": "users", "label": "유저수", "field": "users", "align": "right"},
    {"name": "amount", "label": "유지보수금액", "field": "amount", "align": "right"},
    {"name": "note", "label": "비고", "field": "note", "align": "left"},
    {"name": "pc", "label": "PC", "field": "pc", "align": "right"},
    {"name": "key_lock", "label": "키락번호", "field": "key_lock", "align": "left"},
]


def _row(index: int, contract: maintenance.ContractRow) -> dict:
    return {
        **CONTRACTS.table_row((index, contract)),
        "id": contract.id,
        "version": contract.version,
        "label": f"{contract.product_group_name} {format_date(contract.start_on)} ~ {format_date(contract.end_on)}",
    }


async def maintenance_tab(actor: Actor, customer_id: int) -> None:
    container = ui.column().classes("w-full gap-1")
    current = {"tab": "contracted"}

    async def numbered() -> list[tuple[int, maintenance.ContractRow]]:
        contracts, _ = await maintenance.customer_contracts(customer_id, SUB_TABS[current["tab"]][1])
        return list(enumerate(contracts, start=1))

    def list_spec() -> ListSpec:
        """The list as the sub-tab shows it: 유지보수관리(보류), …"""
        label = SUB_TABS[current["tab"]][0]
        return (
            CONTRACTS
            if current["tab"] == "contracted"
            else replace(CONTRACTS, title=f"유지보수관리({label})")
        )

    async def reload() -> None:
        rows_data, counts = await maintenance.customer_contracts(customer_id, SUB_TABS[current["tab"]][1])
        for key, (label, state) in SUB_TABS.items():
            handles[key].props["label"] = f"{label} ({counts[state]:,})"
            handles[key].update()
        rows = [_row(i, c) for i, c in enumerate(rows_data, start=1)]
        selected_ids = {r["id"] for r in table.selected}
        table.rows = rows
        table.selected = [r for r in rows if r["id"] in selected_ids]
        table.update()
        tab_counts.rows_changed()
        await show_lines()

    async def show_lines() -> None:
        row = table.selected[0] if table.selected else None
        if row is None:
            lines.rows = []
            lines_title.set_text("계약을 선택하면 내역이 보입니다.")
        else:
            try:
                [document] = await maintenance_agreements.agreement_documents([row["id"]])
            except GogaekError as error:  # deleted by someone else meanwhile
                ui.notify(str(error), type="warning")
                table.selected = []
                await reload()
                return
            lines.rows = [
                {
                    "seq": i,
                    "module": f"{line.module_name} ({line.module_code})" if line.module_code else "",
                    "users": line.user_count,
                    "amount": format_amount(line.amount),
                    "note": line.note,
                    "pc": line.pc_count,
                    "key_lock": line.key_lock_number,
                }
                for i, line in enumerate(document.lines, start=1)
            ]
            lines_title.set_text(
                f"{row['label']} 내역 · 합계 {format_amount(sum(line.user_count for line in document.lines))}유저, "
                f"유지보수금액 {row['total']}원 (소급비 {row['fee']}원 포함)"
            )
        lines.update()

    def selected() -> dict | None:
        if not table.selected:
            ui.notify("먼저 목록에서 계약을 선택하세요.", type="warning")
            return None
        return table.selected[0]

    async def switch(key: str) -> None:
        current["tab"] = key
        table.selected = []
        await reload()

    async def add() -> None:
        await open_contract_editor(actor, customer_id, on_saved=reload)

    async def edit(row: dict | None = None) -> None:
        row = row or selected()
        if row:
            await open_contract_editor(actor, customer_id, contract_id=row["id"], on_saved=reload)

    async def delete(row: dict | None = None) -> None:
        row = row or selected()
        if not row:
            return
        extra = (
            " 계약 상태이므로 제품의 유상종료일이 계약 전 날짜로 돌아갑니다."
            if row["state"] == "계약"
            else ""
        )
        if not await confirm(
            f"유지보수 계약 '{row['label']}'{josa(row['label'], '과')} 그 내역을 삭제할까요?{extra}",
            action="삭제",
            danger=True,
        ):
            return
        try:
            await maintenance.delete_contract(row["id"], by=actor, version=row["version"])
        except GogaekError as error:
            ui.notify(str(error), type="negative", multi_line=True)
            return
        ui.notify("삭제했습니다.")
        table.selected = []
        await reload()

    async def change_state(state: ContractState, row: dict | None = None) -> None:
        row = row or selected()
        if not row:
            return
        try:
            result = await maintenance.change_contract_state(
                row["id"], by=actor, state=state, version=row["version"]
            )
        except GogaekError as error:
            ui.notify(str(error), type="negative", multi_line=True)
            await reload()
            return
        ui.notify(
            state_changed_message(f"'{row['label']}'", row["state"], state, result.paid_end),
            type="positive",
            multi_line=True,
        )
        await reload()

    async def print_selected(row: dict | None = None) -> None:
        row = row or selected()
        if row:
            await print_agreements([row["id"]], row["label"].split(" ")[0])

    async def mail_selected(row: dict | None = None) -> None:
        row = row or selected()
        if row:
            await mail_agreement([row["id"]])

    with container:
        with ui.row().classes("items-center gap-1 w-full"):
            toolbar = Toolbar(
                prefix="contracts-",
                search=guard(container, reload),
                add=guard(container, add),
                edit=guard(container, edit),
                delete=guard(container, delete),
                excel=guard(
                    container, lambda: tab_excel(actor, list_spec(), numbered(), toolbar.buttons["excel"])
                ),
                print=guard(container, print_selected),
            )
            list_print = (
                ui.button(
                    "목록 인쇄",
                    icon="print",
                    on_click=guard(container, lambda: tab_print(actor, list_spec(), numbered(), list_print)),
                )
                .props("dense outline no-caps")
                .mark("contracts-list-print")
            )
            list_print.tooltip("이 구분의 계약 목록을 인쇄합니다 (인쇄[F10]은 선택한 계약의 동의서)")
            ui.separator().props("vertical")
            ui.button("계약", icon="task_alt", on_click=lambda: change_state(ContractState.CONTRACTED)).props(
                "dense unelevated no-caps color=positive"
            ).mark("contract-sign").tooltip("계약으로: 제품의 유상종료일이 계약 종료일로 바뀝니다")
            ui.button("보류", icon="pause", on_click=lambda: change_state(ContractState.ON_HOLD)).props(
                "dense outline no-caps"
            ).mark("contract-hold")
            ui.button(
                "발송전", icon="undo", on_click=lambda: change_state(ContractState.BEFORE_SENDING)
            ).props("dense outline no-caps").mark("contract-unsign")
            ui.button("메일 발송", icon="mail", on_click=guard(container, mail_selected)).props(
                "dense outline no-caps"
            ).mark("contract-mail")
        with ui.tabs(value="contracted", on_change=lambda e: switch(e.value)).props(
            "dense align=left no-caps inline-label"
        ) as strip:
            handles = {
                key: ui.tab(key, label=label).mark(f"contracts-tab-{key}")
                for key, (label, _) in SUB_TABS.items()
            }
        strip.classes("w-full")
        with ui.element("div").classes("w-full"):
            table = (
                ui.table(
                    columns=spec_columns(CONTRACTS), rows=[], row_key="id", selection="single", pagination=0
                )
                .props('dense flat bordered no-data-label="이 구분에 해당하는 계약이 없습니다."')
                .classes("w-full")
                .mark("contracts-table")
            )
        table.on("rowDblclick", lambda e: edit(e.args[1]))
        table.on("selection", lambda _: show_lines())
        select_on_click(table, show_lines)
        RowMenu(
            table,
            [
                ("수정", edit),
                ("계약으로", lambda row: change_state(ContractState.CONTRACTED, row)),
                ("보류로", lambda row: change_state(ContractState.ON_HOLD, row)),
                ("발송전으로", lambda row: change_state(ContractState.BEFORE_SENDING, row)),
                ("동의서 인쇄", print_selected),
                ("동의서 메일 발송", mail_selected),
                ("삭제", delete),
            ],
        )
        lines_title = ui.label().classes("text-caption text-grey-8 q-mt-sm")
        lines = (
            ui.table(columns=LINE_COLUMNS, rows=[], row_key="seq", pagination=0)
            .props('dense flat bordered no-data-label="내역이 없습니다."')
            .classes("w-full")
            .mark("contract-lines")
        )
    when_shown(container, reload)
    await reload()


TAB = CustomerTab(key="maintenance", label="유지보수관리", build=maintenance_tab)

"""Tab 명함관리: this customer's business cards (조회/추가/수정/삭제; right-click for the row's
actions, where telephony adds 문자보내기)."""

from __future__ import annotations

from nicegui import ui

from core.audit import Actor
from pages.components import tab_counts
from pages.components.toolbar import Toolbar
from pages.customers.cards import CardList
from pages.customers.editor import current_editor
from pages.customers.tab_types import CustomerTab
from services.cards import CardFilters

COLUMNS = [
    {"name": "name", "label": "담당자", "field": "name", "align": "left", "sortable": True},
    {"name": "position", "label": "직책", "field": "position", "align": "left"},
    {"name": "direct_phone", "label": "직통번호", "field": "direct_phone", "align": "left"},
    {"name": "extension", "label": "내선", "field": "extension", "align": "left"},
    {"name": "mobile", "label": "휴대폰", "field": "mobile", "align": "left", "sortable": True},
    {"name": "fax", "label": "팩스번호", "field": "fax", "align": "left"},
    {"name": "email", "label": "이메일", "field": "email", "align": "left"},
    {"name": "department", "label": "담당부서", "field": "department", "align": "left"},
    {"name": "duty", "label": "담당업무", "field": "duty", "align": "left"},
    {"name": "employment", "label": "근무", "field": "employment", "align": "left", "sortable": True},
]


async def cards_tab(actor: Actor, customer_id: int) -> None:
    editor = current_editor()
    company = editor.company_name if editor else ""
    with ui.row().classes("w-full items-center gap-2"):
        # the window holds several tabs with toolbars: function keys stay with the main screens
        Toolbar(
            prefix="customer-cards-",
            shortcuts=False,
            search=lambda: card_list.refresh(),
            add=lambda: card_list.add(),
            edit=lambda: card_list.edit(),
            delete=lambda: card_list.delete(),
        )
        ui.space()
        count = ui.label().classes("text-caption text-grey-8")

    def counted(text: str) -> None:
        count.set_text(text)
        tab_counts.rows_changed()

    card_list = CardList(
        actor,
        filters=lambda: CardFilters(customer_id=customer_id),
        customer=(customer_id, company),
        columns=COLUMNS,
        on_count=counted,
        mark="customer-cards-table",
    )
    await card_list.refresh()


TAB = CustomerTab(key="cards", label="명함관리", build=cards_tab)

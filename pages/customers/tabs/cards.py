"""Tab 명함관리: this customer's business cards (조회/추가/수정/삭제; right-click for the row's
actions, where telephony adds 문자보내기)."""

from __future__ import annotations

from nicegui import ui

from core.audit import Actor
from pages.components import tab_counts
from pages.components.paged_table import spec_columns
from pages.customers.cards import CardList
from pages.customers.editor import current_editor
from pages.customers.search import table_order
from pages.customers.tab_lists import tab_toolbar
from pages.customers.tab_types import CustomerTab
from services import cards
from services.cards import CardFilters
from services.list_spec import ListColumn, ListSpec

# the customer's business cards, as services.cards.iter_cards gives them
CUSTOMER_CARDS = ListSpec(
    "명함관리",
    (
        ListColumn("name", "담당자", width=10, sortable=True),
        ListColumn("position", "직책", width=8),
        ListColumn("direct_phone", "직통번호", width=14),
        ListColumn("extension", "내선", width=6),
        ListColumn("mobile", "휴대폰", width=14, sortable=True),
        ListColumn("fax", "팩스번호", width=14),
        ListColumn("email", "이메일", width=22),
        ListColumn("department", "담당부서", width=10),
        ListColumn("duty", "담당업무", width=10),
        ListColumn("employment", "근무", width=6, sortable=True),
    ),
)


async def cards_tab(actor: Actor, customer_id: int) -> None:
    editor = current_editor()
    company = editor.company_name if editor else ""
    filters = CardFilters(customer_id=customer_id)

    def rows():
        sort_by, descending = table_order(card_list.table)
        return cards.iter_cards(filters, sort_by=sort_by, descending=descending)

    with ui.row().classes("w-full items-center gap-2"):
        tab_toolbar(
            actor,
            CUSTOMER_CARDS,
            rows,
            prefix="customer-cards-",
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
        filters=lambda: filters,
        customer=(customer_id, company),
        columns=spec_columns(CUSTOMER_CARDS),
        on_count=counted,
        mark="customer-cards-table",
    )
    await card_list.refresh()


TAB = CustomerTab(key="cards", label="명함관리", build=cards_tab)

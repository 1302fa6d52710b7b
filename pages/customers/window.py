"""고객정보: the customer window at /customers/{id} (and /customers/new).

The header (pages.customers.editor) and the 고객정보 tab belong to the customers screen; every other
tab lives in its own module under pages/customers/tabs/ and is listed in CUSTOMER_TABS below, in
the order it is shown. Tabs are built when first opened, so opening a customer stays fast however
many tabs there are."""

from __future__ import annotations

import contextlib

from nicegui import ui

from core.audit import Actor
from core.errors import NotFound
from pages.components import tab_counts
from pages.customers.editor import customer_header
from pages.customers.tab_types import CustomerAction, CustomerTab
from pages.customers.tabs import (
    calls,
    cards,
    info,
    maintenance,
    partner,
    products,
    quotes,
    receptions,
    timeline,
    visits,
)
from pages.frame import protected_page
from services import customers

# the tabs in the order they are shown; the first (고객정보) is the only one a new customer has
CUSTOMER_TABS: tuple[CustomerTab, ...] = (
    info.TAB,
    partner.TAB,
    cards.TAB,
    products.TAB,
    maintenance.TAB,
    visits.TAB,
    quotes.TAB,
    calls.TAB,
    timeline.TAB,
)
# the header's buttons for features that are not tabs, in the order they are shown
CUSTOMER_ACTIONS: tuple[CustomerAction, ...] = (receptions.ADD_RECEPTION, quotes.OPEN_LEDGER)


# tabs whose label shows how many rows they hold (services.customers.window_tab_counts)
COUNTED_TABS = frozenset({"cards", "products", "maintenance", "visits", "quotes"})


def _tab_label(tab: CustomerTab, counts: dict[str, int] | None) -> str:
    if counts is None or tab.key not in COUNTED_TABS or tab.key not in counts:
        return tab.label
    return f"{tab.label} ({counts[tab.key]:,})"


def customer_tabs(
    actor: Actor, customer_id: int | None, initial: str | None = None, counts: dict[str, int] | None = None
) -> None:
    """The tab strip below the header. Tabs other than 고객정보 need a saved customer. `initial`
    (the `?tab=` of the URL) opens another tab first, e.g. 거래처관리정보 from a sales screen.
    `counts` (rows per tab) go into the labels, and are read again whenever the user changes tab."""
    tabs = CUSTOMER_TABS
    by_key = {tab.key: tab for tab in tabs}
    first = initial if initial in by_key and customer_id is not None else tabs[0].key
    built: set[str] = set()
    with ui.tabs().props("dense align=left no-caps").classes("w-full") as strip:
        handles = {t.key: ui.tab(t.key, label=_tab_label(t, counts)).mark(f"tab-{t.key}") for t in tabs}
    for tab in tabs[1:]:
        if customer_id is None:
            handles[tab.key].props("disable")
    with ui.tab_panels(strip, value=first).props("keep-alive").classes("w-full") as panels:
        containers = {}
        for tab in tabs:
            with ui.tab_panel(tab.key).classes("p-1"):
                containers[tab.key] = ui.column().classes("w-full gap-2")

    async def show(key: str) -> None:
        if key in built or (customer_id is None and key != tabs[0].key):
            return
        built.add(key)
        with containers[key]:
            await by_key[key].build(actor, customer_id or 0)

    async def recount() -> None:
        if customer_id is None or counts is None:
            return
        fresh = await customers.window_tab_counts(customer_id)
        for tab in tabs:
            label = _tab_label(tab, fresh)
            if handles[tab.key].props.get("label") != label:
                handles[tab.key].props["label"] = label

    async def changed(key: str) -> None:
        await show(key)
        await recount()

    panels.on_value_change(lambda e: changed(e.value))
    tab_counts.count_with(recount)
    ui.timer(0, lambda: show(first), once=True)


def register() -> None:
    @protected_page("/customers/{customer_id}", "고객정보")
    async def customer_page(actor: Actor, customer_id: str, tab: str | None = None) -> None:
        numeric_id = int(customer_id) if customer_id.isdigit() else None
        if customer_id != "new" and numeric_id is None:
            ui.label("고객을 찾을 수 없습니다.").classes("text-negative")
            return
        window = None
        if numeric_id is not None:
            with contextlib.suppress(NotFound):  # the header says the customer is gone
                window = await customers.customer_window(numeric_id)
        if not await customer_header(
            actor, numeric_id, window.customer if window else None, CUSTOMER_ACTIONS
        ):
            return
        customer_tabs(actor, numeric_id, initial=tab, counts=window.tab_counts if window else None)

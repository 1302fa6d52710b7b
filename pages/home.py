"""고객관리 (/): customer search above, the reception log below, on one screen as in the manual."""

from __future__ import annotations

from core.audit import Actor
from pages.customers.search import CustomerSearchPanel
from pages.frame import protected_page
from pages.receptions.log import LogView, ReceptionLogPanel


def register() -> None:
    @protected_page("/", "고객관리")
    async def home(
        actor: Actor, mine: str | None = None, state: str | None = None, before: str | None = None
    ) -> None:
        search = CustomerSearchPanel(actor)
        log = ReceptionLogPanel(actor, LogView.from_query(mine, state, before))
        search.on_select = log.show_customer
        search.on_reception_saved = log.reception_saved

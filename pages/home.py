"""고객관리 (/): customer search above, the reception log below, on one screen as in the manual."""

from __future__ import annotations

from core.audit import Actor
from pages.customer_search import CustomerSearchPanel
from pages.frame import protected_page
from pages.reception_log import ReceptionLogPanel


def register() -> None:
    @protected_page("/", "고객관리")
    async def home(actor: Actor) -> None:
        search = CustomerSearchPanel(actor)
        log = ReceptionLogPanel(actor)
        search.on_select = log.show_customer
        search.on_reception_saved = log.reception_saved

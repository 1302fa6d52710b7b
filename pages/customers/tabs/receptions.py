"""접수 추가 in the customer window's header: a manual reception for this customer."""

from __future__ import annotations

from core.audit import Actor
from pages.customers.tab_types import CustomerAction
from pages.receptions.form import ReceptionPrefill, open_reception_form


async def add_reception(actor: Actor, customer_id: int) -> None:
    await open_reception_form(actor, prefill=ReceptionPrefill(customer_id=customer_id))


ADD_RECEPTION = CustomerAction(label="접수 추가", icon="support_agent", handler=add_reception)

"""접수 추가 in the customer window's header: a manual reception for this customer."""

from __future__ import annotations

from core.audit import Actor
from pages.customer_window import customer_action
from pages.reception_form import ReceptionPrefill, open_reception_form


@customer_action(order=20, label="접수 추가", icon="support_agent")
async def add_reception(actor: Actor, customer_id: int) -> None:
    await open_reception_form(actor, prefill=ReceptionPrefill(customer_id=customer_id))

"""The customer window's address, for every screen that opens a customer."""

from __future__ import annotations

from nicegui import ui


def customer_url(customer_id: int | None) -> str:
    return f"/customers/{customer_id}" if customer_id else "/customers/new"


def open_customer(customer_id: int | None) -> None:
    ui.navigate.to(customer_url(customer_id))

"""Tabs of the customer window. Each module registers itself with pages.customer_window.customer_tab."""

from pages.customer_tabs import (
    info,  # noqa: F401
    receptions,  # noqa: F401
)

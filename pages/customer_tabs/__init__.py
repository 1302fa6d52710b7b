"""Tabs of the customer window. Each module registers itself with pages.customer_window.customer_tab."""

from pages.customer_tabs import (
    calls,  # noqa: F401
    cards,  # noqa: F401
    info,  # noqa: F401
    maintenance,  # noqa: F401
    partner,  # noqa: F401
    products,  # noqa: F401
    quotes,  # noqa: F401
    receptions,  # noqa: F401
    timeline,  # noqa: F401
    visits,  # noqa: F401
)

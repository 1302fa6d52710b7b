"""Tabs of the customer window. Each module registers itself with pages.customer_window.customer_tab."""

import pages.customer_tabs.quotes  # noqa: F401
from pages.customer_tabs import info  # noqa: F401

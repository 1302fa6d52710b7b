"""Tabs of the customer window, one module each, each declaring its `TAB` (a
pages.customers.tab_types.CustomerTab) or a header button (a CustomerAction); pages.customers.window
lists them explicitly."""

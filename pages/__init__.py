"""NiceGUI screens, one module per menu. `register_pages()` is called once by main.py."""

import importlib

# one line per screen module, each exposing register()
PAGE_MODULES = [
    "login",
    "home",
    "today",
    "customer_window",
    "customer_images",
    "cards",
    "downloads",
    "files",
    "codes",
    "settings_users",
    "maintenance",
    "html_templates",
    "visit_schedule",
    "reception_stats",
    "items",
    "quote_editor",
    "quote_status",
    "ledger",
    "pdf_preview",
    "settings_company",
    "settings_cti",
    "settings_centrex",
    "settings_addresses",
    "settings_mail",
    "mail_outbox",
    "call_log",
    "audit_log",
    "components.call_popup",
    "components.phone",
    "components.telephony_alerts",
    "components.quasar_texts",
]


def register_pages() -> None:
    for name in PAGE_MODULES:
        importlib.import_module(f"pages.{name}").register()

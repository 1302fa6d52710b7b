"""NiceGUI screens, one module per menu. `register_pages()` is called once by main.py."""


def register_pages() -> None:
    from pages import codes, customer_window, files, home, login, placeholders, settings_users

    for module in (login, home, customer_window, files, codes, settings_users, placeholders):
        module.register()
    _register_sales_pages()


def _register_sales_pages() -> None:
    """Quotes and sales: 품목, 견적서, 견적현황, 거래내역, print preview, 회사정보."""
    from pages import items, ledger, pdf_preview, quote_editor, quote_status, settings_company

    for module in (items, quote_editor, quote_status, ledger, pdf_preview, settings_company):
        module.register()

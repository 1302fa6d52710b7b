"""NiceGUI screens, one module per menu. `register_pages()` is called once by main.py."""


def register_pages() -> None:
    from pages import (
        codes,
        customer_window,
        files,
        home,
        login,
        placeholders,
        reception_stats,
        settings_users,
    )

    for module in (login, home, customer_window, files, codes, settings_users, reception_stats, placeholders):
        module.register()

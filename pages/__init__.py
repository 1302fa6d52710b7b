"""NiceGUI screens, one module per menu. `register_pages()` is called once by main.py."""


def register_pages() -> None:
    from pages import (
        cards,
        codes,
        customer_images,
        customer_window,
        downloads,
        files,
        home,
        login,
        placeholders,
        settings_users,
    )

    for module in (login, home, customer_window, files, codes, settings_users, placeholders):
        module.register()
    for module in (cards, customer_images, downloads):
        module.register()

"""NiceGUI screens, one module per menu. `register_pages()` is called once by main.py."""


def register_pages() -> None:
    import pages.settings_centrex
    import pages.settings_cti
    from pages import codes, customer_window, files, home, login, placeholders, settings_users
    from pages.components import call_popup

    for module in (login, home, customer_window, files, codes, settings_users, placeholders):
        module.register()
    for module in (pages.settings_cti, pages.settings_centrex, call_popup):
        module.register()

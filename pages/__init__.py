"""NiceGUI screens, one module per menu. `register_pages()` is called once by main.py."""


def register_pages() -> None:
    from pages import (
        codes,
        customer_window,
        files,
        home,
        html_templates,
        login,
        placeholders,
        settings_users,
        visit_schedule,
    )

    for module in (login, home, customer_window, files, codes, settings_users, placeholders):
        module.register()
    for module in (html_templates, visit_schedule):
        module.register()

"""NiceGUI screens, in packages by domain (customers/, receptions/, calls/, maintenance/, visits/,
sales/, settings/) around the frame, the menu and the shared components/. `register_pages()` is
called once by main.py."""


def register_pages() -> None:
    """Register every screen module's routes, in this order. The imports live here, not at the top
    of the package, so that importing one page module (pages.frame, a component) does not import
    every screen."""
    from pages import downloads, files, home, login, today
    from pages.calls import dial_and_sms, popup, telephony_alerts
    from pages.calls import log as call_log
    from pages.components import print_preview, quasar_texts
    from pages.customers import cards, map_image, window
    from pages.maintenance import due_list
    from pages.receptions import stats as reception_stats
    from pages.sales import items, ledger, quote_editor, quote_status
    from pages.settings import (
        addresses,
        audit_log,
        centrex,
        codes,
        company,
        cti,
        html_templates,
        mail,
        mail_outbox,
        users,
    )
    from pages.visits import schedule as visit_schedule

    screens = [
        login,
        home,
        today,
        window,
        map_image,
        cards,
        downloads,
        files,
        codes,
        users,
        due_list,
        html_templates,
        visit_schedule,
        reception_stats,
        items,
        quote_editor,
        quote_status,
        ledger,
        print_preview,
        company,
        cti,
        centrex,
        addresses,
        mail,
        mail_outbox,
        call_log,
        audit_log,
        popup,
        dial_and_sms,
        telephony_alerts,
        quasar_texts,
    ]
    for screen in screens:
        screen.register()

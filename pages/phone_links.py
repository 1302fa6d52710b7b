"""Phone numbers on the customer and card screens go through here, so telephony can add
click-to-dial and 문자보내기 in one place: append a `PhoneAction` to `PHONE_ACTIONS` and every
number shown with `phone_input_actions` and every row menu built with `phone_menu_items` offers it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from nicegui import ui

from core.audit import Actor
from core.korean import format_phone, phone_digits

# what kind of number a field holds; SMS makes sense for mobiles only
PhoneKind = str  # "phone" | "mobile" | "fax"


@dataclass(frozen=True)
class PhoneAction:
    label: str
    icon: str
    kinds: frozenset[PhoneKind]
    handler: Callable[[Actor, str], Awaitable[None] | None]  # (actor, number as shown)


PHONE_ACTIONS: list[PhoneAction] = []


def phone_text(number: str | None) -> str:
    """A stored or typed number in Korean display format."""
    return format_phone(number)


def _actions(kind: PhoneKind) -> list[PhoneAction]:
    return [action for action in PHONE_ACTIONS if kind in action.kinds]


def phone_input_actions(actor: Actor, element: ui.input, kind: PhoneKind) -> None:
    """Buttons next to a phone input for the registered phone actions (none until telephony adds them)."""
    actions = _actions(kind)
    if not actions:
        return
    with element.add_slot("append"):
        for action in actions:

            async def run(action: PhoneAction = action) -> None:
                if len(phone_digits(element.value)) < 3:
                    ui.notify("번호가 없습니다.", type="warning")
                    return
                result = action.handler(actor, phone_text(element.value))
                if result is not None:
                    await result

            ui.button(icon=action.icon, on_click=run).props("flat dense round size=sm").tooltip(action.label)


def phone_menu_items(actor: Actor, numbers: Callable[[], dict[PhoneKind, str]]) -> None:
    """Inside a ui.context_menu: one item per registered action; `numbers()` gives the clicked
    row's numbers by kind when the item is chosen."""
    for action in PHONE_ACTIONS:

        async def run(action: PhoneAction = action) -> None:
            available = [n for kind, n in numbers().items() if kind in action.kinds and phone_digits(n)]
            if not available:
                ui.notify(f"{action.label}: 번호가 없습니다.", type="warning")
                return
            result = action.handler(actor, phone_text(available[0]))
            if result is not None:
                await result

        ui.menu_item(action.label, on_click=run)

"""Phone numbers on the customer, card and reception screens go through here, so telephony adds
click-to-dial and 문자보내기 in one place: a `PhoneAction` appended to `PHONE_ACTIONS` (see
pages.calls.dial_and_sms) is offered by every number shown with `phone_input_actions` and every row
menu built with `phone_menu_items`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from nicegui import ui

from core.audit import Actor
from core.korean import format_phone, phone_digits

# what kind of number a field holds: "phone" | "mobile" | "fax", or "any" when it may be either
# (a reception's caller). SMS makes sense for mobiles only.
PhoneKind = str
MIN_DIGITS = 3


@dataclass(frozen=True)
class PhoneOwner:
    """Whose number it is: named in the SMS dialog and recorded with the message."""

    name: str = ""
    customer_id: int | None = None
    card_id: int | None = None


def _has_digits(number: str) -> bool:
    return len(phone_digits(number)) >= MIN_DIGITS


@dataclass(frozen=True)
class PhoneAction:
    label: str
    icon: str
    kinds: frozenset[PhoneKind]
    handler: Callable[[Actor, str, PhoneOwner], Awaitable[None] | None]  # (actor, number as shown, owner)
    accepts: Callable[[str], bool] = _has_digits  # which numbers it can act on
    missing: str = "번호가 없습니다."  # said when the field or row has no such number
    mark: str = ""


PHONE_ACTIONS: list[PhoneAction] = []
OwnerOf = Callable[[], PhoneOwner]


def phone_text(number: str | None) -> str:
    """A stored or typed number in Korean display format."""
    return format_phone(number)


async def _run(action: PhoneAction, actor: Actor, number: str, owner: OwnerOf | None) -> None:
    result = action.handler(actor, phone_text(number), owner() if owner else PhoneOwner())
    if result is not None:
        await result


def phone_input_actions(
    actor: Actor, element: ui.input, kind: PhoneKind, owner: OwnerOf | None = None
) -> None:
    """Buttons next to a phone input for the registered phone actions of its kind."""
    actions = [action for action in PHONE_ACTIONS if kind in action.kinds]
    if not actions:
        return
    with element.add_slot("append"):
        for action in actions:

            async def run(action: PhoneAction = action) -> None:
                number = element.value or ""
                if not action.accepts(number):
                    ui.notify(f"{action.label}: {action.missing}", type="warning")
                    return
                await _run(action, actor, number, owner)

            button = ui.button(icon=action.icon, on_click=run).props("flat dense round size=sm")
            button.tooltip(action.label).mark(action.mark)


def phone_menu_items(
    actor: Actor, numbers: Callable[[], dict[PhoneKind, str]], owner: OwnerOf | None = None
) -> None:
    """Inside a ui.context_menu: one item per registered action; `numbers()` gives the clicked
    row's numbers by kind (first fitting one wins) and `owner()` whose they are, when chosen."""
    for action in PHONE_ACTIONS:

        async def run(action: PhoneAction = action) -> None:
            fitting = [n for kind, n in numbers().items() if kind in action.kinds and n and action.accepts(n)]
            if not fitting:
                ui.notify(f"{action.label}: {action.missing}", type="warning")
                return
            await _run(action, actor, fitting[0], owner)

        ui.menu_item(action.label, on_click=run).mark(f"menu-{action.mark}")

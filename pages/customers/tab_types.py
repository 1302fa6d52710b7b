"""What the customer window is made of besides its header: a tab (built when first opened) and a
header button for a feature that is not a tab (e.g. 접수 추가). The window lists them explicitly
(pages.customers.window.CUSTOMER_TABS and CUSTOMER_ACTIONS)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from core.audit import Actor

TabBuilder = Callable[[Actor, int], Awaitable[None]]
ActionHandler = Callable[[Actor, int], Awaitable[None] | None]


@dataclass(frozen=True)
class CustomerTab:
    key: str
    label: str
    build: TabBuilder


@dataclass(frozen=True)
class CustomerAction:
    """A button in the customer window's header (e.g. 접수 추가), for features that are not tabs."""

    label: str
    icon: str
    handler: ActionHandler

"""The customer window's tab labels count their rows ("제품관리 (2)"). A tab whose rows change (an
add, a delete, a state change) says so, and the labels are counted again at once instead of on the
next change of tab."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from weakref import WeakKeyDictionary

from nicegui import background_tasks, ui
from nicegui.client import Client

_recounts: WeakKeyDictionary[Client, Callable[[], Awaitable[None]]] = WeakKeyDictionary()


def count_with(recount: Callable[[], Awaitable[None]]) -> None:
    """The window on this page counts its tabs with `recount`."""
    _recounts[ui.context.client] = recount


def rows_changed() -> None:
    """A tab's rows changed: count the tabs again (nothing to do outside a customer window)."""
    recount = _recounts.get(ui.context.client)
    if recount is not None:
        background_tasks.create(recount(), name="customer tab counts")

"""Form helpers: Korean validation messages next to the fields, without losing typed values."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

from nicegui import ui

from core.dates import IMPOSSIBLE_DATE, is_impossible_date
from core.errors import GogaekError, StaleRecordError, ValidationError
from pages.components.conflicts import keep_my_work

T = TypeVar("T")


class Checkable(Protocol):
    def check(self) -> None: ...


C = TypeVar("C", bound=Checkable)


class FieldErrors:
    """Maps service field names to input elements; shows a ValidationError's messages next to
    them (Quasar's error slot) and anything without a field in a notification."""

    def __init__(self, fields: dict[str, ui.element]) -> None:
        self.fields = fields

    def clear(self) -> None:
        for element in self.fields.values():
            element.props.pop("error", None)
            element.props.pop("error-message", None)
            element.update()

    def show(self, errors: dict[str, str]) -> None:
        self.clear()
        unplaced = []
        for name, message in errors.items():
            element = self.fields.get(name)
            if element is None:
                unplaced.append(message)
                continue
            if is_impossible_date(getattr(element, "value", None)):
                # whatever the check said ("입력하세요", "형식"), the day typed does not exist
                message = IMPOSSIBLE_DATE
            element.props["error"] = True
            element.props["error-message"] = message
            element.update()
        if unplaced:
            ui.notify(" / ".join(unplaced), type="negative", multi_line=True)

    def checked(self, filters: C) -> C | None:
        """`filters` when their `check()` passes (the marks cleared), else None with its messages
        shown next to the fields."""
        try:
            filters.check()
        except ValidationError as error:
            self.show(error.fields)
            return None
        self.clear()
        return filters

    def refuse(self, error: GogaekError) -> None:
        """Show why the service refused: a ValidationError's messages next to their fields, any
        other refusal (stale copy, no right, gone) as a notification. The typed values stay."""
        if isinstance(error, ValidationError):
            self.show(error.fields)
        else:
            ui.notify(str(error), type="negative", multi_line=True)


async def save_with_feedback(
    saving: Awaitable[T],
    errors: FieldErrors,
    *,
    reapply: Callable[[int], Awaitable[Any]],
    reload: Callable[[], Awaitable[Any] | Any] | None,
    fields: dict[str, ui.element] | None = None,
) -> T | None:
    """Await a service's save and return what it saved; None when it was not saved, the user
    having been told why: someone saved first → keep_my_work asks (the conflicting `fields`,
    the errors' own by default); refused input → the messages next to their fields."""
    try:
        return await saving
    except StaleRecordError as error:
        errors.clear()
        await keep_my_work(error, errors.fields if fields is None else fields, reapply=reapply, reload=reload)
    except GogaekError as error:
        errors.refuse(error)
    return None

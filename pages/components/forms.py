"""Form helpers: Korean validation messages next to the fields, without losing typed values."""

from __future__ import annotations

from nicegui import ui

from core.dates import IMPOSSIBLE_DATE, is_impossible_date
from core.errors import GogaekError, ValidationError


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

    def refuse(self, error: GogaekError) -> None:
        """Show why the service refused: a ValidationError's messages next to their fields, any
        other refusal (stale copy, no right, gone) as a notification. The typed values stay."""
        if isinstance(error, ValidationError):
            self.show(error.fields)
        else:
            ui.notify(str(error), type="negative", multi_line=True)

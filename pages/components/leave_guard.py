"""The one leave guard of every form: while a form holds input that is not saved, leaving it by
any road asks first. Inside the app (닫기, prev/next, another document) the form awaits
`FormGuard.may_close()` (or `may_leave(dirty)` where the form keeps its own dirty flag), which
asks "저장하지 않은 내용이 있습니다"; every road out of the page (the menu, a link, ui.navigate,
the browser's refresh or close) meets the browser's own leave question, which `LeaveGuard` arms
while its form is dirty and disarms once it is saved or closed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import Client, ui
from nicegui.elements.mixins.value_element import ValueElement

from pages.components.dialogs import confirm

MESSAGE = "저장하지 않은 내용이 있습니다."

# one Set per browser tab of the forms that are dirty now; the page may be left when it is empty
_ARM = """
if (!window.gogaekDirtyForms) {
  window.gogaekDirtyForms = new Set();
  window.addEventListener('beforeunload', (e) => {
    if (window.gogaekDirtyForms.size) { e.preventDefault(); e.returnValue = ''; }
  });
}
"""


_QUESTIONS = {"닫기": "닫을까요?", "이동": "이동할까요?", "옮기기": "옮길까요?"}


async def may_leave(dirty: bool, *, action: str = "닫기") -> bool:
    """Ask before throwing unsaved input away (True: go ahead). `action`: 닫기, 이동 or 옮기기."""
    if not dirty:
        return True
    return await confirm(f"{MESSAGE} 저장하지 않고 {_QUESTIONS[action]}", action=action, danger=True)


class LeaveGuard:
    """`LeaveGuard(is_dirty, form=container)`: watches every input inside the form and keeps the
    browser's leave question armed while `is_dirty()`; `refresh()` after a save or a change made
    by the server, `release()` when the form goes away (closing a dialog form does it)."""

    def __init__(self, is_dirty: Callable[[], bool], *, form: ui.element | None = None) -> None:
        self.client: Client = form.client if form is not None else ui.context.client
        self.key = f"form-{form.id if form is not None else id(self)}"
        self.is_dirty = is_dirty
        self.armed = False
        if form is not None:
            self.watch(*(e for e in form.descendants() if isinstance(e, ValueElement)))
        if isinstance(form, ui.dialog):
            form.on_value_change(lambda event: None if event.value else self.release())

    def watch(self, *elements: ValueElement) -> LeaveGuard:
        """Inputs added to the form later (rows of a lines editor…)."""
        for element in elements:
            element.on_value_change(self.refresh)
        return self

    def refresh(self) -> None:
        self._arm(self.is_dirty())

    def release(self) -> None:
        self._arm(False)

    def _arm(self, dirty: bool) -> None:
        if dirty == self.armed or self.client.id not in Client.instances:
            return
        self.armed = dirty
        change = "add" if dirty else "delete"
        self.client.run_javascript(f"{_ARM} window.gogaekDirtyForms.{change}('{self.key}');")


class FormGuard(LeaveGuard):
    """`FormGuard(form)`: the leave guard of a form, dirty while its state differs from the state
    it had when it was built or last `saved()`. The state is every input inside the form, or what
    `snapshot()` returns where the form holds more than its inputs show (a lines grid, a chosen
    customer, an editor's HTML, files waiting to be stored). `may_close()` asks before the form
    goes (`action`: 닫기, 이동 or 옮기기; `question`: the form's own words for it)."""

    def __init__(
        self,
        form: ui.element,
        *,
        snapshot: Callable[[], Any] | None = None,
        action: str = "닫기",
        question: str | None = None,
    ) -> None:
        self.inputs = [e for e in form.descendants() if isinstance(e, ValueElement)]
        self.snapshot = snapshot or self._values
        self.action, self.question = action, question
        self.baseline = self.snapshot()
        super().__init__(lambda: self.snapshot() != self.baseline, form=form)

    def _values(self) -> list:
        return [element.value for element in self.inputs]

    def saved(self) -> None:
        """The form's state as it is now is the saved one."""
        self.baseline = self.snapshot()
        self.refresh()

    async def may_close(self) -> bool:
        """True when the form may go: nothing unsaved, or the user said so."""
        if not self.is_dirty():
            return True
        if self.question:
            return await confirm(self.question, action=self.action, danger=True)
        return await may_leave(True, action=self.action)

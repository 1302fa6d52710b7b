"""AS접수내용 작성: the reception form, as a dialog usable from any screen (log, customer window,
call popup)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from nicegui import ui

from core.audit import Actor
from models.reception import CallSource


@dataclass(frozen=True)
class ReceptionPrefill:
    """What a new reception starts with (from a call popup: time, number, customer, source)."""

    received_at: dt.datetime | None = None
    phone: str = ""
    extension: str = ""
    customer_id: int | None = None
    contact_name: str = ""
    source: CallSource = CallSource.MANUAL
    call_event_id: int | None = None


async def open_reception_form(
    actor: Actor,
    *,
    reception_id: int | None = None,
    prefill: ReceptionPrefill | None = None,
    on_saved: Callable[[int], Awaitable[None] | None] | None = None,
) -> None:
    """Open the form for an existing reception, or a new one starting from `prefill`."""
    ui.notify("접수 작성 화면은 준비 중입니다.")

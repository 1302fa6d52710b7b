"""The call bus: every source (serial CTI, Centrex poller, ring callback) publishes here.

One call, one popup: reports of the same number within the de-duplication window are the same
call, whichever source they come from. A new call is resolved once through the phone directory,
stored as a CallEvent (so a missed popup can be found later) and handed to every subscriber. A
subscriber that fails or hangs never stops the others, the sources or the next call."""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from core.korean import phone_digits
from models.staff import Staff
from models.telephony import CallEvent, CallEventSource, CentrexUser
from services.phone_directory import CallerMatch, resolve_caller

log = logging.getLogger(__name__)

DEFAULT_WINDOW_SECONDS = 30.0

PRIVATE_NUMBER = "발신번호표시제한"
OUT_OF_AREA = "발신지역외"


@dataclass(frozen=True)
class CallReport:
    """What a source saw. `line` is the 070 number that rang (Centrex), `extension` the inner
    number or device line; both help route the popup to the right person."""

    source: CallEventSource
    number: str
    extension: str = ""
    line: str = ""
    occurred_at: dt.datetime | None = None
    external_id: str = ""
    caller_name: str = ""
    announce: bool = True  # False: record only (e.g. calls that rang while the server was down)


@dataclass(frozen=True)
class IncomingCall:
    """A new call after de-duplication, resolved and stored."""

    event_id: int
    source: CallEventSource
    number: str
    digits: str
    extension: str
    occurred_at: dt.datetime
    caller_name: str
    match: CallerMatch
    staff_ids: frozenset[int] = field(default_factory=frozenset)


Subscriber = Callable[[IncomingCall], Awaitable[None] | None]


class CallBus:
    def __init__(
        self, window_seconds: float = DEFAULT_WINDOW_SECONDS, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """`clock` gives the arrival times the window is measured with (seconds, any origin)."""
        self.window_seconds = window_seconds
        self._clock = clock
        self._subscribers: dict[str, Subscriber] = {}
        # number → (arrival, the call's time, whether that time came from the source)
        self._recent: dict[str, tuple[float, dt.datetime, bool]] = {}
        self._deliveries: set[asyncio.Task] = set()

    def subscribe(self, key: str, subscriber: Subscriber) -> None:
        """Register (or replace) the subscriber named `key`."""
        self._subscribers[key] = subscriber

    def unsubscribe(self, key: str) -> None:
        self._subscribers.pop(key, None)

    def reset(self) -> None:
        """Forget recent calls (at start-up)."""
        self._recent.clear()

    def _is_repeat(self, key: str, now: float, occurred_at: dt.datetime, timed: bool) -> bool:
        """Same number within the window, measured by arrival (a box repeating itself on every
        ring) or by the call's own time (Centrex reports a call after it rang). When both reports
        carry the call's own time (Centrex rows), that time alone decides: the calls of a line's
        history read at once after an outage arrive together but are still separate calls."""
        seen = self._recent.get(key)
        if seen is None:
            return False
        arrived, first_time, first_timed = seen
        window = self.window_seconds
        same_time = abs((occurred_at - first_time).total_seconds()) <= window
        repeat = same_time if timed and first_timed else now - arrived <= window or same_time
        if repeat:
            self._recent[key] = (now, first_time, first_timed)  # a long ringing stays the same call
        return repeat

    def _forget_old(self, now: float) -> None:
        horizon = max(self.window_seconds * 4, 120)
        for key in [k for k, (arrived, _, _) in self._recent.items() if now - arrived > horizon]:
            del self._recent[key]

    async def publish(self, report: CallReport) -> IncomingCall | None:
        """Returns the new call, or None when it repeats one already announced (or cannot be stored)."""
        number = report.number.strip()
        digits = phone_digits(number)
        key = digits or number
        if not key:
            return None
        occurred_at = report.occurred_at or dt.datetime.now()
        timed = report.occurred_at is not None
        now = self._clock()
        # decided before the first await, so two sources reporting at once still make one call
        if self._is_repeat(key, now, occurred_at, timed):
            return None
        self._recent[key] = (now, occurred_at, timed)
        self._forget_old(now)
        try:
            match = await resolve_caller(digits) if digits else CallerMatch(digits="")
            staff_ids = await self._staff_for(report)
            event = await CallEvent.create(
                source=report.source,
                number=number[:40],
                digits=digits[:20],
                extension=report.extension[:20],
                occurred_at=occurred_at,
                customer_id=match.customer.id if match.customer else None,
                external_id=report.external_id[:40],
                caller_name=report.caller_name[:50],
            )
        except Exception:
            log.exception("could not record the call from %s", report.source)
            return None
        call = IncomingCall(
            event_id=event.id,
            source=report.source,
            number=number,
            digits=digits,
            extension=report.extension,
            occurred_at=occurred_at,
            caller_name=report.caller_name,
            match=match,
            staff_ids=staff_ids,
        )
        if report.announce:
            for key_name, subscriber in list(self._subscribers.items()):
                task = asyncio.create_task(self._deliver(key_name, subscriber, call))
                self._deliveries.add(task)
                task.add_done_callback(self._deliveries.discard)
        return call

    @staticmethod
    async def _staff_for(report: CallReport) -> frozenset[int]:
        """Who the call is for: staff having the extension, and the staff linked to the 070 line."""
        ids: set[int] = set()
        if report.extension:
            ids.update(
                await Staff.filter(extension=report.extension, active=True).values_list("id", flat=True)
            )
        if line := phone_digits(report.line):
            ids.update(
                i
                for i in await CentrexUser.filter(number070=line, staff_id__not_isnull=True).values_list(
                    "staff_id", flat=True
                )
                if i
            )
        return frozenset(ids)

    @staticmethod
    async def _deliver(name: str, subscriber: Subscriber, call: IncomingCall) -> None:
        try:
            result = subscriber(call)
            if inspect.isawaitable(result):
                await result
        except Exception:
            log.exception("call subscriber %s failed for call event %s", name, call.event_id)

    async def drain(self) -> None:
        """Wait until every delivery started so far has finished."""
        while self._deliveries:
            await asyncio.gather(*list(self._deliveries), return_exceptions=True)

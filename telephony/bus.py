"""The call bus: every source (serial CTI, Centrex poller, ring callback, PBX webhook) publishes here.

One call, one popup: reports of the same number within the de-duplication window are the same
call, whichever source they come from, and a number's calls are remembered for longer than the age
at which a Centrex row is still announced, so a late row never pops a call up a second time. A
call without a caller number (withheld or unavailable) is always its own call: only a device
repeating itself while the same call rings is folded in. A new call is resolved and stored once
by services.calls (so a missed popup can be found later) and handed to every subscriber. A
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
from models.telephony import CallEventSource
from services import calls
from services.phone_directory import CallerMatch

log = logging.getLogger(__name__)

DEFAULT_WINDOW_SECONDS = 30.0
# a reported call older than this rang while nobody listened: recorded, not popped up (the poller)
ANNOUNCED_AGE = dt.timedelta(minutes=5)
# a device repeats a call's data on every ring (about every 3 s) while it rings
RING_REPEAT_SECONDS = 8.0

# what the serial reader reports for NMBR = P and NMBR = O
PRIVATE_NUMBER = "발신번호표시제한"
OUT_OF_AREA = "발신지역외"
# how a call without a caller number is recorded and shown
WITHHELD = "발신번호 표시 제한"
NO_NUMBER = "발신번호 없음"
# what sources say instead of a number (lower case) → how that call is recorded
HIDDEN_NUMBERS = {
    **dict.fromkeys(("p", "private", "anonymous", "restricted", PRIVATE_NUMBER, WITHHELD), WITHHELD),
    **dict.fromkeys(("", "o", "unknown", "unavailable", OUT_OF_AREA, NO_NUMBER), NO_NUMBER),
}


def hidden_number(number: str) -> str | None:
    """WITHHELD or NO_NUMBER for what a source says when the caller's number is not given (serial
    `P`/`O`, Centrex or PBX `anonymous`, an empty field, a text without digits); None for a number."""
    text = number.strip()
    if label := HIDDEN_NUMBERS.get(text.lower()):
        return label
    return None if phone_digits(text) else NO_NUMBER


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
        self,
        window_seconds: float = DEFAULT_WINDOW_SECONDS,
        *,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], dt.datetime] = dt.datetime.now,
    ) -> None:
        """`clock` gives the arrival times the window is measured with (seconds, any origin), `now`
        the time of a call whose report does not carry one. Both are attributes, so a test can
        move the running telephony's bus by a clock of its own instead of waiting."""
        self.window_seconds = window_seconds
        self.clock = clock
        self.now = now
        self._subscribers: dict[str, Subscriber] = {}
        # number → its recent calls: (last report's arrival, the call's time, whether that time
        # came from the source); a list, since a late report may be of an earlier call
        self._recent: dict[str, list[tuple[float, dt.datetime, bool]]] = {}
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
        ring) or by the call's own time (Centrex reports a call after it rang, up to
        ANNOUNCED_AGE late). When both reports carry the call's own time (Centrex rows), that time
        alone decides: the calls of a line's history read at once after an outage arrive together
        but are still separate calls. A call without a number (`hidden:` keys) is only repeated by
        its own source while it rings."""
        calls = self._recent.get(key, [])
        hidden = key.startswith("hidden:")
        for index, (arrived, first_time, first_timed) in enumerate(calls):
            if hidden:
                repeat = now - arrived <= RING_REPEAT_SECONDS
            else:
                same_time = abs((occurred_at - first_time).total_seconds()) <= self.window_seconds
                by_arrival = now - arrived <= self.window_seconds
                repeat = same_time if timed and first_timed else by_arrival or same_time
            if repeat:
                if not timed:  # a long ringing stays the same call; a late row does not prolong it
                    calls[index] = (now, first_time, first_timed)
                return True
        return False

    def _remember(self, key: str, now: float, occurred_at: dt.datetime, timed: bool) -> None:
        self._recent.setdefault(key, []).append((now, occurred_at, timed))

    def _forget_old(self, now: float) -> None:
        """Kept longer than a late Centrex row can still be announced (plus the window both ways)."""
        horizon = max(self.window_seconds * 4, ANNOUNCED_AGE.total_seconds() + 2 * self.window_seconds)
        for key in list(self._recent):
            calls = [seen for seen in self._recent[key] if now - seen[0] <= horizon]
            if calls:
                self._recent[key] = calls
            else:
                del self._recent[key]

    async def publish(self, report: CallReport) -> IncomingCall | None:
        """Returns the new call, or None when it repeats one already announced (or cannot be stored)."""
        hidden = hidden_number(report.number)
        number = hidden or report.number.strip()
        digits = "" if hidden else phone_digits(number)
        key = f"hidden:{report.source}:{hidden}" if hidden else digits
        occurred_at = report.occurred_at or self.now()
        timed = report.occurred_at is not None
        now = self.clock()
        # decided before the first await, so two sources reporting at once still make one call
        if self._is_repeat(key, now, occurred_at, timed):
            return None
        self._remember(key, now, occurred_at, timed)
        self._forget_old(now)
        try:
            recorded = await calls.record_incoming(
                source=report.source,
                number=number,
                digits=digits,
                extension=report.extension,
                line=report.line,
                occurred_at=occurred_at,
                external_id=report.external_id,
                caller_name=report.caller_name,
            )
        except Exception:
            log.exception("could not record the call from %s", report.source)
            return None
        call = IncomingCall(
            event_id=recorded.event_id,
            source=report.source,
            number=number,
            digits=digits,
            extension=report.extension,
            occurred_at=occurred_at,
            caller_name=report.caller_name,
            match=recorded.match,
            staff_ids=recorded.staff_ids,
        )
        if report.announce:
            for key_name, subscriber in list(self._subscribers.items()):
                task = asyncio.create_task(self._deliver(key_name, subscriber, call))
                self._deliveries.add(task)
                task.add_done_callback(self._deliveries.discard)
        return call

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

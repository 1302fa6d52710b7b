"""A clock the test moves: time passes only when the test says so, so a de-duplication window or a
backoff "runs out" at once and exactly, without waiting and without depending on the machine's
speed."""

from __future__ import annotations

import asyncio
import datetime as dt


class Clock:
    """Calling it gives seconds (the call bus's arrival clock); `now()` the wall-clock time (the
    time of a call without one of its own, the serial reader's times), starting at the real time; `sleep(seconds)` (the reader's backoff) ends when `advance` has moved
    the clock past it, or at CTI재접속, never by itself. `waits` records every sleep asked for."""

    def __init__(self) -> None:
        self.start = dt.datetime.now().replace(microsecond=0)  # today, for screens that show today
        self.seconds = 1000.0
        self.waits: list[float] = []
        self._sleepers: list[tuple[float, asyncio.Future]] = []

    def __call__(self) -> float:
        return self.seconds

    def now(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=self.seconds - 1000.0)

    def advance(self, seconds: float) -> None:
        self.seconds += seconds
        for deadline, woken in self._sleepers:
            if deadline <= self.seconds and not woken.done():
                woken.set_result(None)

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        woken = asyncio.get_running_loop().create_future()
        sleeper = (self.seconds + seconds, woken)
        self._sleepers.append(sleeper)
        try:
            await woken
        finally:
            self._sleepers.remove(sleeper)

    @property
    def sleeping(self) -> bool:
        """Whether something waits on this clock now."""
        return any(not woken.done() for _, woken in self._sleepers)

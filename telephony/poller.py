"""The Centrex poller: every few seconds, `getinboundcall` for each enabled API user.

New rows (by `NO`, remembered in CentrexUser.last_seen_no so restarts never re-announce) become
call reports. The very first poll of a line only notes where history ends, so connecting a line
never floods the screens with old calls. After an outage or a burst, the list is read page after
page (newest first) until it reaches a call already seen, so no call is lost; calls that rang
while nobody polled are recorded but not popped up. Errors are shown (settings screen, /healthz,
log) and retried with backoff."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from models.reception import Direction
from models.telephony import CallEventSource, CentrexUser
from services import calls, centrex_users
from services.centrex_client import CentrexClient, CentrexError, Failure, InboundCall
from services.lifecycle import watch
from services.telephony_settings import CentrexSettings
from telephony.bus import ANNOUNCED_AGE, CallBus, CallReport

log = logging.getLogger(__name__)

PAGE_SIZE = 200  # the most getinboundcall returns per page
MAX_PAGES = 10  # catching up after an outage reads at most this many pages in one round
MAX_BACKOFF_SECONDS = 30.0
# a row older than this when first seen rang while nobody was polling: recorded, not popped up
# (the bus remembers a number's calls for longer, so a late row never pops a call up twice)
STALE_AFTER = ANNOUNCED_AGE
# the calls a Centrex line's inbound history can settle: its own, and the same ring reported first
# by the ring callback or a caller-ID box on that line
INBOUND_SOURCES = (CallEventSource.CENTREX, CallEventSource.RING, CallEventSource.CTI)


@dataclass
class LineStatus:
    user_id: int
    last_success_at: dt.datetime | None = None
    last_error: str = ""
    failures: int = 0
    next_poll_at: dt.datetime | None = None

    @property
    def ok(self) -> bool | None:
        if self.failures:
            return False
        return True if self.last_success_at else None


class CentrexPoller:
    def __init__(
        self,
        bus: CallBus,
        *,
        page_size: int = PAGE_SIZE,
        max_pages: int = MAX_PAGES,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """`sleep` waits between polls (tests pass one that needs no real time)."""
        self.bus = bus
        self._sleep = sleep
        self.page_size = page_size
        self.max_pages = max_pages
        self.settings = CentrexSettings()
        self.lines: dict[int, LineStatus] = {}
        self._tasks: dict[int, asyncio.Task] = {}
        self._http: httpx.AsyncClient | None = None
        # one (re)configuration at a time: two at once would leave two tasks polling one line
        self._configuring = asyncio.Lock()

    async def configure(self, settings: CentrexSettings) -> None:
        """(Re)start one polling task per enabled API user with these settings."""
        async with self._configuring:
            await self._stop_polling()
            await self._start_polling(settings)

    async def _start_polling(self, settings: CentrexSettings) -> None:
        self.settings = settings
        self._http = httpx.AsyncClient()
        for user in await centrex_users.enabled_lines():
            self.lines[user["id"]] = LineStatus(
                user["id"], last_success_at=user["last_success_at"], last_error=user["last_error"]
            )
            task = asyncio.create_task(self._run(user["id"]), name=f"centrex-{user['id']}")
            self._tasks[user["id"]] = watch(task, f"Centrex poller (line {user['id']})")

    async def refresh(self) -> None:
        """After API users were added, changed or removed."""
        await self.configure(self.settings)

    async def stop(self) -> None:
        async with self._configuring:
            await self._stop_polling()

    async def _stop_polling(self) -> None:
        tasks, self._tasks = list(self._tasks.values()), {}
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.lines = {}
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    def status(self) -> dict[str, Any]:
        """For /healthz: per line only ids, times and error sentences."""
        return {
            "lines": len(self.lines),
            "polling": sum(1 for t in self._tasks.values() if not t.done()),
            "poll_seconds": self.settings.poll_seconds,
            "errors": sum(1 for s in self.lines.values() if s.failures),
            "detail": [
                {
                    "user_id": s.user_id,
                    "ok": s.ok,
                    "last_success_at": s.last_success_at.isoformat(timespec="seconds")
                    if s.last_success_at
                    else None,
                    "last_error": s.last_error,
                }
                for s in self.lines.values()
            ],
        }

    def client_for(self, user: CentrexUser) -> CentrexClient:
        return CentrexClient(
            base_url=self.settings.base_url,
            number070=user.number070,
            password_hash=user.password_sha512,
            timeout=self.settings.timeout_seconds,
            http=self._http,
        )

    async def poll(self, user_id: int) -> int | None:
        """One round for one line: records the new calls (popping up the recent ones), returns how
        many (None: the line is gone or disabled). Raises CentrexError."""
        user = await centrex_users.enabled_line(user_id)
        if user is None:
            return None
        client = self.client_for(user)
        announced = 0
        if user.last_seen_no is None:
            # first contact: remember where history ends (page 1 holds the newest), announce nothing old
            calls = await client.inbound_calls(page=1, per_page=self.page_size)
            last_seen = max((c.no for c in calls), default=0)
            await centrex_users.start_history_at(user_id, last_seen)
        else:
            calls = await self._calls_since(client, user.last_seen_no, user_id)
            last_seen = max((c.no for c in calls), default=user.last_seen_no)
            fresh_after = dt.datetime.now() - STALE_AFTER
            for call in calls:  # a row without SRC is a call without a caller number, still a call
                await self.bus.publish(
                    CallReport(
                        source=CallEventSource.CENTREX,
                        number=call.caller,
                        extension=user.extension,
                        line=user.number070,
                        occurred_at=call.time,
                        external_id=f"{user.number070}:{call.no}",
                        announce=call.time is None or call.time >= fresh_after,
                    )
                )
                announced += 1
            await centrex_users.history_seen_to(user_id, last_seen)
        await self._settle(client)
        now = dt.datetime.now()
        await centrex_users.line_polled(user_id, now)
        line = self.lines.setdefault(user_id, LineStatus(user_id))
        line.last_success_at, line.last_error, line.failures = now, "", 0
        return announced

    async def _settle(self, client: CentrexClient) -> None:
        """Outcome, times and duration of the calls that ended, from the line's call history
        (asked only while a recent call still waits for them)."""
        if await calls.unsettled(Direction.INBOUND, sources=INBOUND_SOURCES):
            await calls.settle_from_history(await client.call_history(calltype="inbound"), Direction.INBOUND)
        if await calls.unsettled(Direction.OUTBOUND, sources=(CallEventSource.DIAL,)):
            await calls.settle_from_history(
                await client.call_history(calltype="outbound"), Direction.OUTBOUND
            )

    async def _calls_since(self, client: CentrexClient, last_seen_no: int, user_id: int) -> list[InboundCall]:
        """Every call after `last_seen_no`, oldest first. The list comes newest first, so the next
        page is read only while a whole page is new; every page is read before anything is
        published, so a failure half-way loses nothing (the next round starts over)."""
        found: dict[int, InboundCall] = {}  # by NO: a call arriving meanwhile shifts the pages
        for page in range(1, self.max_pages + 1):
            rows = await client.inbound_calls(page=page, per_page=self.page_size)
            new = [c for c in rows if c.no > last_seen_no]
            for call in new:
                found.setdefault(call.no, call)
            if not rows or len(new) < len(rows):
                break  # the end of the list, or calls already seen
        else:
            log.warning(
                "Centrex line %s: more than %d calls since the last poll; only the newest %d were fetched",
                user_id,
                self.max_pages * self.page_size,
                len(found),
            )
        return sorted(found.values(), key=lambda c: c.no)

    async def _record_failure(self, user_id: int, error: CentrexError) -> None:
        line = self.lines.setdefault(user_id, LineStatus(user_id))
        if str(error) != line.last_error:
            log.warning("Centrex line %s: %s", user_id, error)
        line.failures += 1
        line.last_error = str(error)
        with contextlib.suppress(Exception):
            await centrex_users.line_failed(user_id, str(error))

    def backoff(self, failures: int) -> float:
        """Seconds to the next poll: the interval, doubled per consecutive failure, capped."""
        interval = self.settings.poll_seconds
        if not failures:
            return interval
        return min(interval * 2**failures, max(MAX_BACKOFF_SECONDS, interval))

    async def _run(self, user_id: int) -> None:
        while True:
            try:
                if await self.poll(user_id) is None:
                    self.lines.pop(user_id, None)
                    return
            except CentrexError as error:
                await self._record_failure(user_id, error)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("Centrex line %s: unexpected failure while polling", user_id)
                await self._record_failure(
                    user_id, CentrexError(Failure.BAD_RESPONSE, "수신 내역을 처리하는 중 오류가 났습니다.")
                )
            line = self.lines.get(user_id)
            delay = self.backoff(line.failures if line else 0)
            if line:
                line.next_poll_at = dt.datetime.now() + dt.timedelta(seconds=delay)
            await self._sleep(delay)

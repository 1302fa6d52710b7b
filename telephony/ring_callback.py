"""The Centrex ring callback: after `setringcallback`, the service requests
`http://<host>:<port>/centrex/ring/<secret>.html?sender=…&receiver=…&kind=…&inner_num=…` when a
line rings. The long random secret in the path is the only authentication the service offers,
so a wrong secret looks like any missing page; only the four known keys are accepted, and the
answer is tiny and immediate (the call is announced in the background)."""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import logging

from fastapi import Request
from fastapi.responses import PlainTextResponse

from core.korean import phone_digits
from models.telephony import CallEventSource
from telephony.bus import CallBus, CallReport

log = logging.getLogger(__name__)

ROUTE = "/centrex/ring/{secret}.html"
KNOWN_KEYS = ("sender", "receiver", "kind", "inner_num")


class RingCallback:
    def __init__(self, bus: CallBus) -> None:
        self.bus = bus
        self.secret = ""
        self.last_ring_at: dt.datetime | None = None
        self._pending: set[asyncio.Task] = set()

    def configure(self, secret: str) -> None:
        self.secret = secret

    def _secret_matches(self, given: str) -> bool:
        return bool(self.secret) and hmac.compare_digest(given.encode(), self.secret.encode())

    async def endpoint(self, request: Request, secret: str) -> PlainTextResponse:
        if not self._secret_matches(secret):
            return PlainTextResponse("Not Found", status_code=404)
        keys = [key for key, _ in request.query_params.multi_items()]
        if sorted(keys) != sorted(KNOWN_KEYS):
            return PlainTextResponse("BAD REQUEST", status_code=400)
        params = request.query_params
        sender = params["sender"].strip()
        if len(phone_digits(sender)) < 3 or len(sender) > 40:
            return PlainTextResponse("BAD REQUEST", status_code=400)
        self.last_ring_at = dt.datetime.now()
        report = CallReport(
            source=CallEventSource.RING,
            number=sender,
            extension=params["inner_num"].strip()[:20],
            line=params["receiver"].strip()[:20],
        )
        task = asyncio.create_task(self.bus.publish(report))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)
        return PlainTextResponse("OK")

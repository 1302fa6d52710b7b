"""The Centrex ring callback: after `setringcallback`, the service requests
`http://<host>:<port>/centrex/ring/<secret>.html?sender=…&receiver=…&kind=…&inner_num=…` when a
line rings. The long random secret in the path is the only authentication the service offers,
so a wrong secret looks like any missing page, and every address is limited to RATE requests.
The four known keys are read (each exactly once) and any others ignored: public clients show
extra keys such as `message=`, and refusing them would lose real calls. Only `kind=1`, an
incoming voice call, is announced (`2` is an SMS notice); the caller is digits (dashes allowed)
or the service's word for a withheld number. The answer is tiny and immediate (the call is
announced in the background)."""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import logging

from fastapi import Request
from fastapi.responses import PlainTextResponse
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from models.telephony import CallEventSource
from telephony.bus import HIDDEN_NUMBERS, CallBus, CallReport

log = logging.getLogger(__name__)

ROUTE = "/centrex/ring/{secret}.html"
KNOWN_KEYS = ("sender", "receiver", "kind", "inner_num")
VOICE_CALL = "1"
# per source address: far above one office's rings, far below guessing a secret or a flood
RATE = parse("60/minute")
MAX_NUMBER_DIGITS = 20


def _caller(sender: str) -> str | None:
    """The caller as the bus takes it: digits (dashes allowed), or the service's empty field or
    word for a withheld number; None for anything else."""
    text = sender.strip()
    if text.lower() in HIDDEN_NUMBERS:
        return text
    digits = text.replace("-", "")
    return digits if digits.isdigit() and len(digits) <= MAX_NUMBER_DIGITS else None


class RingCallback:
    def __init__(self, bus: CallBus) -> None:
        self.bus = bus
        self.secret = ""
        self.last_ring_at: dt.datetime | None = None
        self._pending: set[asyncio.Task] = set()
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def configure(self, secret: str) -> None:
        self.secret = secret

    def _secret_matches(self, given: str) -> bool:
        return bool(self.secret) and hmac.compare_digest(given.encode(), self.secret.encode())

    async def endpoint(self, request: Request, secret: str) -> PlainTextResponse:
        address = request.client.host if request.client else ""
        if not self._limiter.hit(RATE, "ring", address):
            log.warning("ring callback: too many requests from %s", address)
            return PlainTextResponse("TOO MANY REQUESTS", status_code=429)
        if not self._secret_matches(secret):
            return PlainTextResponse("Not Found", status_code=404)
        params = request.query_params
        if any(len(params.getlist(key)) != 1 for key in KNOWN_KEYS):
            return PlainTextResponse("BAD REQUEST", status_code=400)
        sender = _caller(params["sender"])
        if sender is None:
            return PlainTextResponse("BAD REQUEST", status_code=400)
        if params["kind"].strip() != VOICE_CALL:  # an SMS notice, not a ringing phone
            log.info("ring callback: kind %r is not a voice call; not announced", params["kind"][:10])
            return PlainTextResponse("OK")
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

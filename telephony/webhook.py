"""The generic PBX webhook (docs/telephony.md, "Other PBXs"): an IP-PBX (Asterisk/FreePBX, 3CX, a
cloud PBX) posts one request per call event to `POST /cti/<token>`, form-encoded or JSON:

- `event`: `newCall`, `answer` or `hangup`;
- `callId`: the same for every event of one call;
- `from`, `to`: the caller and the number called (`anonymous` when withheld);
- `direction`: `in`/`inbound` (the default) or `out`/`outbound`;
- optionally `user` (or `user[]`, a Gogaek sign-in id) and `extension` (or `answeringNumber`).

An incoming newCall goes through the call bus like every other source (the same popup, the same
de-duplication); an outbound one is logged as 발신 without a popup; answer and hangup settle the
record (services.calls). The token in the path is the only authentication, so a wrong or missing
one looks like any missing page; the body is bounded and every client address is rate-limited."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import parse_qs

from fastapi import Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from models.telephony import CallEventSource
from services import calls
from services.telephony_settings import webhook_token_matches
from telephony.bus import CallBus, CallReport

log = logging.getLogger(__name__)

ROUTE = "/cti/{token}"
MAX_BODY_BYTES = 16 * 1024
# per client address: three events a call leave room for a hundred calls a minute
RATE = parse("300/minute")
EVENTS = ("newCall", "answer", "hangup")
OUTBOUND = {"out", "outbound", "outgoing"}
INBOUND = {"", "in", "inbound", "incoming"}
MAX_FIELD_CHARS = 100


class BadEvent(ValueError):
    pass


def _text(fields: dict[str, Any], *names: str) -> str:
    """The first of `names` present, as text (a list gives its first item: `user[]`)."""
    for name in names:
        value = fields.get(name)
        if isinstance(value, list):
            value = value[0] if value else ""
        if value is None:
            continue
        if not isinstance(value, str | int):
            raise BadEvent(f"{name} must be text")
        text = str(value).strip()
        if len(text) > MAX_FIELD_CHARS:
            raise BadEvent(f"{name} is too long")
        return text
    return ""


def parse_body(body: bytes, content_type: str) -> dict[str, Any]:
    """The event's fields from a JSON object or a form-encoded body. Raises BadEvent."""
    if "json" in content_type.lower():
        try:
            fields = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise BadEvent("unreadable JSON") from error
        if not isinstance(fields, dict):
            raise BadEvent("the JSON body must be an object")
        return fields
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadEvent("the form must be UTF-8") from error
    return parse_qs(text, keep_blank_values=True)


class PbxWebhook:
    def __init__(self, bus: CallBus) -> None:
        self.bus = bus
        self.token_hash = ""
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def configure(self, token_hash: str) -> None:
        self.token_hash = token_hash

    async def _bounded_body(self, request: Request) -> bytes | None:
        """The body, or None when it is longer than MAX_BODY_BYTES (read no further)."""
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            return None
        body = bytearray()
        async for chunk in request.stream():
            body.extend(chunk)
            if len(body) > MAX_BODY_BYTES:
                return None
        return bytes(body)

    async def endpoint(self, request: Request, token: str) -> Response:
        address = request.client.host if request.client else ""
        if not self._limiter.hit(RATE, "pbx", address):
            log.warning("PBX webhook: too many requests from %s", address)
            return PlainTextResponse("Too Many Requests", status_code=429)
        if not webhook_token_matches(token, self.token_hash):
            return PlainTextResponse("Not Found", status_code=404)
        body = await self._bounded_body(request)
        if body is None:
            return PlainTextResponse("Payload Too Large", status_code=413)
        try:
            fields = parse_body(body, request.headers.get("content-type", ""))
            found = await self.handle(fields)
        except BadEvent as error:
            return JSONResponse({"ok": False, "error": str(error)}, status_code=400)
        return JSONResponse({"ok": True, "call": found})

    async def handle(self, fields: dict[str, Any]) -> bool:
        """Carry out one event; False when answer/hangup name a call Gogaek does not know."""
        event = _text(fields, "event")
        if event not in EVENTS:
            raise BadEvent("event must be newCall, answer or hangup")
        call_id = _text(fields, "callId")
        if not call_id:
            raise BadEvent("callId is missing")
        caller, called = _text(fields, "from"), _text(fields, "to")
        direction = _text(fields, "direction").lower()
        if direction not in OUTBOUND | INBOUND:
            raise BadEvent("direction must be in or out")
        outbound = direction in OUTBOUND
        user = _text(fields, "user", "user[]")
        extension = _text(fields, "extension", "answeringNumber")
        other_party = called if outbound else caller
        if event == "newCall":
            if outbound:
                await calls.record_outgoing(
                    source=CallEventSource.WEBHOOK,
                    number=called,
                    staff_id=await calls.staff_by_login_or_extension(user=user, extension=extension),
                    extension=extension,
                    external_id=calls.pbx_call_id(call_id),
                )
            else:
                await self.bus.publish(
                    CallReport(
                        source=CallEventSource.WEBHOOK,
                        number=caller,
                        extension=extension,
                        line=called,
                        external_id=calls.pbx_call_id(call_id),
                    )
                )
            return True
        if event == "answer":
            return await calls.pbx_answered(call_id, number=other_party, user=user, extension=extension)
        return await calls.pbx_hung_up(call_id, number=other_party)

"""HTTP hardening: security headers, a same-origin websocket, and upload size enforced on the
server (a browser-side limit alone is only a convenience)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Awaitable, Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# NiceGUI renders with Vue's runtime template compiler and inline bootstrapping scripts, so
# 'unsafe-inline'/'unsafe-eval' are needed for scripts; everything is still limited to this origin.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self' ws: wss:",
        "frame-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"referrer-policy", b"same-origin"),
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
]


# sent only when the server itself speaks HTTPS: on plain HTTP it would lock browsers out
HSTS_HEADER = (b"strict-transport-security", b"max-age=31536000")


# when the answer to a request began (time.monotonic()), kept in the request's scope: a page sent
# long ago whose browser never connected can be freed
RESPONSE_STARTED = "gogaek.response_started"


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, hsts: bool = False) -> None:
        self.app = app
        self.headers = [*SECURITY_HEADERS, HSTS_HEADER] if hsts else SECURITY_HEADERS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                scope[RESPONSE_STARTED] = time.monotonic()
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (name, value) for name, value in self.headers if name not in present
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


UPLOAD_PATH = re.compile(r"^/_nicegui/client/(?P<client>[^/]+)/upload/")


class UploadSessionMiddleware:
    """Uploads only from the browser that opened the page owning the upload element, and only to a
    signed-in page: `allowed(client_id, browser_id)` decides (browser_id is the id NiceGUI keeps in
    the signed session cookie; the session middleware runs before this one). Anything else is
    refused with 403 before the body is read."""

    def __init__(self, app: ASGIApp, allowed: Callable[[str, str | None], Awaitable[bool]]) -> None:
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = UPLOAD_PATH.match(scope["path"]) if scope["type"] == "http" else None
        if match is None:
            await self.app(scope, receive, send)
            return
        browser_id = (scope.get("session") or {}).get("id")
        if not await self.allowed(match["client"], browser_id):
            await _refuse(send, 403, "로그인이 필요합니다. 화면을 새로 고친 뒤 다시 올리세요.")
            return
        await self.app(scope, receive, send)


_MULTIPART_OVERHEAD = 64 * 1024


class UploadLimitMiddleware:
    """Refuse upload bodies above the limit with 413, whether or not Content-Length is honest."""

    def __init__(self, app: ASGIApp, limit_bytes: int) -> None:
        self.app = app
        self.limit = limit_bytes + _MULTIPART_OVERHEAD

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not UPLOAD_PATH.match(scope["path"]):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _too_large(send)
            return
        received = 0
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            response_started = response_started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _BodyTooLarge:
            if not response_started:
                await _too_large(send)


class _BodyTooLarge(Exception):
    pass


async def _too_large(send: Send) -> None:
    await _refuse(send, 413, "파일이 너무 큽니다.")


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})

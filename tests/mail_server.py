"""A real SMTP server on loopback (aiosmtpd) for the mail tests: it keeps every message it
accepts and, when given a password, asks for a login and refuses any other."""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Keeper:
    def __init__(self, server: MailServer) -> None:
        self.server = server

    async def handle_DATA(self, _server, _session, envelope) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.server.arrived:
            self.server.received.append((list(envelope.rcpt_tos), message))
            self.server.arrived.notify_all()
        return "250 OK"


class MailServer:
    def __init__(self, *, user: str = "", password: str = "") -> None:
        self.user, self.password = user, password
        self.received: list[tuple[list[str], EmailMessage]] = []
        self.arrived = threading.Condition()
        self.port = free_port()
        extra = {}
        if password:
            extra = {"authenticator": self._check, "auth_require_tls": False, "auth_required": True}
        self.controller = Controller(_Keeper(self), hostname="127.0.0.1", port=self.port, **extra)

    def _check(self, _server, _session, _envelope, _mechanism, data) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            self.user.encode(),
            self.password.encode(),
        )
        return AuthResult(success=ok, handled=False)

    def start(self) -> MailServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def wait_for(self, count: int, within: float = 20) -> list[tuple[list[str], EmailMessage]]:
        """The messages once `count` have arrived (waits on the arrival, not on the clock)."""
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.received) >= count, timeout=within)
            return list(self.received)

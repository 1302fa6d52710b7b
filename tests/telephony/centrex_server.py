"""A local HTTP server speaking the LG U+ Centrex REST protocol (docs/telephony.md), for tests.

It checks `id`/`pass` like the real service (1003 on a wrong pair), keeps per-line inbound call
lists and the call history (inbound rows with their final STATUS, DURATION and BILLSEC; an
outbound row for every click-to-dial, answered as `dial_status` says), counts SMS quota, remembers ring-callback registrations and records every request. Tests
can make it misbehave: a forced SVC_RT, an HTTP status, a non-JSON body, or a delay longer than
the client's timeout (the request is still carried out, as a real lost response would be)."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Line:
    number070: str
    password_hash: str
    name: str = "테스트"
    extension: str = "101"
    inbound: list[dict[str, Any]] = field(default_factory=list)
    outbound: list[dict[str, Any]] = field(default_factory=list)
    sms_quota: int = 100
    callback: str = ""


@dataclass
class Request:
    operation: str
    params: dict[str, str]
    at: float


class CentrexServer:
    def __init__(self) -> None:
        self.lines: dict[str, Line] = {}
        self.requests: list[Request] = []
        self.forced_code: str | None = None
        self.forced_status: int | None = None
        self.bad_json = False
        self.delay = 0.0
        self.next_no = 1000
        self.sent_sms: list[dict[str, str]] = []
        self.dialled: list[dict[str, str]] = []
        # how the callee of the next click-to-dial answers: (STATUS, DURATION, BILLSEC)
        self.dial_status: tuple[str, int, int] = ("ANSWERED", 65, 60)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    # -- set-up --------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/RestApi"

    def start(self) -> CentrexServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def go_down(self) -> None:
        """The service is unreachable (connections refused); its call lists are kept."""
        self.stop()

    def come_back(self) -> None:
        """Answer again on the same address, with everything that happened meanwhile."""
        self._server = ThreadingHTTPServer(self._server.server_address[:2], self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def add_line(self, number070: str, password: str, **kwargs: Any) -> Line:
        line = Line(number070, hashlib.sha512(password.encode()).hexdigest(), **kwargs)
        self.lines[number070] = line
        return line

    def ring(
        self,
        number070: str,
        caller: str,
        *,
        time_text: str | None = None,
        status: str = "ANSWERED",
        duration: int = 12,
        billsec: int | None = None,
    ) -> int:
        """A call that reached the line: the next getinboundcall (and callhistory) lists it first.
        `duration` counts from the first ring, `billsec` the seconds talked (0 unless answered)."""
        if billsec is None:
            billsec = max(duration - 5, 0) if status == "ANSWERED" else 0
        with self._lock:
            self.next_no += 1
            no = self.next_no
        self.lines[number070].inbound.insert(
            0,
            {
                "NO": str(no),
                "TIME": time_text or time.strftime("%Y-%m-%d %H:%M:%S"),
                "SRC": caller,
                "DST": number070,
                "DURATION": str(duration),
                "BILLSEC": str(billsec),
                "STATUS": status,
                "CHANNEL": "SIP/1",
                "DSTCHANNEL": "SIP/2",
                "ENDTIME": time.strftime("%Y-%m-%d %H:%M:%S"),
                "APPDATA": "",
            },
        )
        return no

    def misbehave(
        self,
        *,
        code: str | None = None,
        status: int | None = None,
        bad_json: bool = False,
        delay: float = 0.0,
    ) -> None:
        self.forced_code, self.forced_status, self.bad_json, self.delay = code, status, bad_json, delay

    def behave(self) -> None:
        self.misbehave()

    def calls_to(self, operation: str) -> list[Request]:
        return [r for r in self.requests if r.operation == operation]

    # -- the protocol ----------------------------------------------------------------------------
    def answer(self, operation: str, params: dict[str, str]) -> tuple[int, str]:
        self.requests.append(Request(operation, params, time.monotonic()))
        if self.forced_status:
            return self.forced_status, "<html>Internal Server Error</html>"
        if self.bad_json:
            return 200, "<html>점검 중입니다</html>"
        if self.forced_code:
            return 200, self._json(self.forced_code, "forced")
        if "id" not in params or "pass" not in params:
            return 200, self._json("1001", "missing parameter")
        line = self.lines.get(params["id"])
        if line is None or params["pass"] != line.password_hash:
            return 200, self._json("1003", "auth fail")
        handler = getattr(self, f"_op_{operation}", None)
        if handler is None:
            return 404, "not found"
        return 200, handler(line, params)

    @staticmethod
    def _json(code: str, message: str, data: Any = None) -> str:
        return json.dumps({"SVC_RT": code, "SVC_MSG": message, "DATAS": data}, ensure_ascii=False)

    def _op_userinfo(self, line: Line, params: dict[str, str]) -> str:
        data = {"NAME": line.name, "EXTEN": line.extension, "NUMBER070": line.number070}
        return self._json("0000", "OK", data)

    def _op_getinboundcall(self, line: Line, params: dict[str, str]) -> str:
        page = int(params.get("page", "1"))
        size = min(int(params.get("num_per_page", "20")), 200)
        rows = line.inbound[(page - 1) * size : page * size]
        return self._json("0000", "OK", rows or None)

    def _op_callhistory(self, line: Line, params: dict[str, str]) -> str:
        """Newest first, 20 a page, each row with its final status (KIND 1: a voice call)."""
        rows = line.outbound if params.get("calltype") == "outbound" else line.inbound
        page = int(params.get("page", "1"))
        chosen = rows[(page - 1) * 20 : page * 20]
        if not chosen:
            return self._json("4004", "no data")
        keys = ("NO", "TIME", "SRC", "DST", "DURATION", "BILLSEC", "STATUS")
        return self._json("OK", "OK", [{**{k: r[k] for k in keys}, "KIND": "1"} for r in chosen])

    def _op_clickdial(self, line: Line, params: dict[str, str]) -> str:
        if not params.get("destnumber"):
            return self._json("1001", "missing parameter")
        self.dialled.append({"line": line.number070, "destination": params["destnumber"]})
        status, duration, billsec = self.dial_status
        with self._lock:
            self.next_no += 1
            no = self.next_no
        line.outbound.insert(
            0,
            {
                "NO": str(no),
                "TIME": time.strftime("%Y-%m-%d %H:%M:%S"),
                "SRC": line.number070,
                "DST": params["destnumber"],
                "DURATION": str(duration),
                "BILLSEC": str(billsec),
                "STATUS": status,
            },
        )
        return self._json("0000", "OK", {"STATUS": "OK"})

    def _op_smssend(self, line: Line, params: dict[str, str]) -> str:
        text = params.get("smsmsg", "")
        if not params.get("destnumber") or not text:
            return self._json("1001", "missing parameter")
        if len(text.encode("cp949", errors="replace")) > 720:
            return self._json("3002", "message too long")
        if line.sms_quota <= 0:
            return self._json("3004", "no quota")
        line.sms_quota -= 1
        self.sent_sms.append({"line": line.number070, "destination": params["destnumber"], "text": text})
        return self._json("0000", "OK", {"STATUS": "OK", "RESTCOUNT": line.sms_quota})

    def _op_setringcallback(self, line: Line, params: dict[str, str]) -> str:
        path = params.get("callbackurl", "")
        if not path.endswith(".html") or not params.get("callbackhost") or not params.get("callbackport"):
            return self._json("1002", "invalid parameter")
        line.callback = "^".join(
            ["1", line.number070, params["callbackhost"], path, params["callbackport"], "1"]
        )
        return self._json("0000", "OK", {"STATUS": "OK"})

    def _op_getringcallback(self, line: Line, params: dict[str, str]) -> str:
        return self._json("0000", "OK", {"CALLBACK": line.callback})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _respond(self, params: dict[str, str]) -> None:
                operation = urlsplit(self.path).path.rsplit("/", 1)[-1]
                status, body = server.answer(operation, params)
                if server.delay:
                    time.sleep(server.delay)  # carried out, but the answer comes too late
                encoded = body.encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(encoded)))
                    self.end_headers()
                    self.wfile.write(encoded)
                except OSError:
                    pass  # the client gave up waiting

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8")
                params = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
                self._respond(params)

            def do_GET(self) -> None:
                query = urlsplit(self.path).query
                self._respond({k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()})

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

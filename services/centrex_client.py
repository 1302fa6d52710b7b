"""LG U+ Centrex (인터넷전화 센트릭스) REST client, as described in docs/telephony.md.

Every operation is a form-encoded POST to `<base>/<operation>` with `id` (the 070 line, digits)
and `pass` (lowercase SHA-512 hex of the password); every answer is JSON with `SVC_RT`. Every
failure becomes a `CentrexError` carrying a Korean sentence for the screen and the log, so callers
never see httpx or JSON exceptions. It imports nothing from the application except `core`: the
services (SMS, click-to-dial, 연결확인) and the telephony poller all use it as a plain library."""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

import httpx

from core.errors import GogaekError

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://centrex.uplus.co.kr/RestApi"
DEFAULT_TIMEOUT_SECONDS = 5.0

SUCCESS_CODES = frozenset({"0000", "OK"})
EMPTY_LIST_CODES = frozenset({"4002", "4004"})

# SVC_RT → what the user reads
SVC_RT_MESSAGES: dict[str, str] = {
    "1001": "필수 항목이 빠졌습니다.",
    "1002": "잘못된 값이 전달되었습니다.",
    "1003": "인증에 실패했습니다. 070 번호와 비밀번호를 확인하세요.",
    "1004": "인증이 만료되었습니다. 센트릭스 비밀번호가 바뀌었는지 확인하세요.",
    "1005": "이 회선에는 이 기능(API)을 쓸 권한이 없습니다. LG U+에 사용 신청을 하세요.",
    "2002": "이 회선에는 이 기능(API)을 쓸 권한이 없습니다. LG U+에 사용 신청을 하세요.",
    "3002": "문자 내용이 너무 깁니다.",
    "3003": "받는 사람이 너무 많습니다.",
    "3004": "남은 문자 건수가 없습니다. LG U+에서 충전하세요.",
    "4002": "조회된 내역이 없습니다.",
    "4004": "조회된 내역이 없습니다.",
    "9999": "센트릭스 서버 오류입니다. 잠시 후 다시 시도하세요.",
}


def password_sha512(password: str) -> str:
    """What Centrex wants as `pass`, and the only form in which the password is stored."""
    return hashlib.sha512(password.encode("utf-8")).hexdigest()


class Failure(enum.StrEnum):
    API = "api"  # the service answered with an error code
    HTTP = "http"  # non-200 status
    BAD_RESPONSE = "bad_response"  # not JSON, or JSON without SVC_RT
    TIMEOUT = "timeout"  # sent, but no answer in time
    UNREACHABLE = "unreachable"  # could not connect: nothing was sent


class CentrexError(GogaekError):
    """A failed Centrex call. `str(error)` is Korean; `code` is SVC_RT (or the HTTP status)."""

    def __init__(self, failure: Failure, message: str, code: str = "") -> None:
        self.failure = failure
        self.code = code
        super().__init__(message)

    @property
    def maybe_delivered(self) -> bool:
        """True when the request may have been carried out although no clear answer came back
        (an SMS in that state must not be sent again automatically)."""
        return self.failure in {Failure.TIMEOUT, Failure.HTTP, Failure.BAD_RESPONSE}


def api_error(code: str, service_message: str = "") -> CentrexError:
    known = SVC_RT_MESSAGES.get(code)
    if known:
        return CentrexError(Failure.API, f"{known} (코드 {code})", code)
    detail = f": {service_message}" if service_message else ""
    return CentrexError(Failure.API, f"센트릭스가 알 수 없는 오류를 알렸습니다 (코드 {code}){detail}", code)


@dataclass(frozen=True)
class UserInfo:
    name: str
    extension: str
    number070: str


@dataclass(frozen=True)
class InboundCall:
    no: int
    time: dt.datetime | None
    caller: str
    destination: str
    status: str


@dataclass(frozen=True)
class SmsReceipt:
    remaining: int | None


def parse_time(raw: Any) -> dt.datetime | None:
    text = str(raw or "").strip()
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y%m%d%H%M%S", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def _int_or_none(raw: Any) -> int | None:
    try:
        return int(str(raw).strip())
    except (TypeError, ValueError):
        return None


class CentrexClient:
    """One 070 line. Pass `http` to share a connection pool (the poller does); otherwise each call
    opens and closes its own."""

    def __init__(
        self,
        *,
        base_url: str,
        number070: str,
        password_hash: str,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.number070 = number070
        self.password_hash = password_hash
        self.timeout = timeout
        self._http = http

    async def call(self, operation: str, **params: Any) -> Any:
        """POST one operation; returns DATAS on success, raises CentrexError otherwise."""
        body = {"id": self.number070, "pass": self.password_hash, **{k: str(v) for k, v in params.items()}}
        url = f"{self.base_url}/{operation}"
        try:
            if self._http is not None:
                response = await self._http.post(url, data=body, timeout=self.timeout)
            else:
                async with httpx.AsyncClient(timeout=self.timeout) as http:
                    response = await http.post(url, data=body)
        except (httpx.ConnectError, httpx.ConnectTimeout) as error:
            log.warning("Centrex %s: %r", url, error)  # the technical detail goes to the log, not on screen
            raise CentrexError(
                Failure.UNREACHABLE,
                "센트릭스 서버에 연결할 수 없습니다. 인터넷 연결과 서버 주소를 확인하세요.",
            ) from error
        except httpx.TimeoutException as error:
            raise CentrexError(
                Failure.TIMEOUT, f"센트릭스 서버가 {self.timeout:g}초 안에 응답하지 않았습니다."
            ) from error
        except httpx.HTTPError as error:
            log.warning("Centrex %s: %r", url, error)
            raise CentrexError(
                Failure.BAD_RESPONSE,
                "센트릭스 서버와 주고받는 중에 연결이 끊겼습니다. 잠시 뒤에 다시 해 보고, 계속되면 서버 주소를 확인하세요.",
            ) from error
        if response.status_code != 200:
            raise CentrexError(
                Failure.HTTP,
                f"센트릭스 서버가 오류를 돌려주었습니다 (HTTP {response.status_code}).",
                str(response.status_code),
            )
        try:
            payload = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise CentrexError(
                Failure.BAD_RESPONSE, "센트릭스 서버의 응답을 읽을 수 없습니다 (JSON 형식이 아님)."
            ) from error
        if not isinstance(payload, dict) or "SVC_RT" not in payload:
            raise CentrexError(Failure.BAD_RESPONSE, "센트릭스 서버의 응답에 결과 코드(SVC_RT)가 없습니다.")
        code = str(payload["SVC_RT"]).strip()
        if code in SUCCESS_CODES:
            return payload.get("DATAS")
        if code in EMPTY_LIST_CODES and operation in {"getinboundcall", "callhistory"}:
            return None
        raise api_error(code, str(payload.get("SVC_MSG") or ""))

    async def userinfo(self) -> UserInfo:
        data = await self.call("userinfo")
        if not isinstance(data, dict):
            raise CentrexError(Failure.BAD_RESPONSE, "센트릭스 사용자 정보가 비어 있습니다.")
        return UserInfo(
            name=str(data.get("NAME") or ""),
            extension=str(data.get("EXTEN") or ""),
            number070=str(data.get("NUMBER070") or ""),
        )

    async def inbound_calls(self, *, page: int = 1, per_page: int = 50) -> list[InboundCall]:
        data = await self.call("getinboundcall", page=page, num_per_page=min(per_page, 200))
        calls = []
        for row in data or []:
            if not isinstance(row, dict):
                continue
            no = _int_or_none(row.get("NO"))
            if no is None:
                continue
            calls.append(
                InboundCall(
                    no=no,
                    time=parse_time(row.get("TIME")),
                    caller=str(row.get("SRC") or "").strip(),
                    destination=str(row.get("DST") or "").strip(),
                    status=str(row.get("STATUS") or ""),
                )
            )
        return calls

    async def call_history(self, *, page: int = 1, calltype: str = "inbound") -> list[dict[str, Any]]:
        data = await self.call("callhistory", page=page, calltype=calltype)
        return [row for row in data or [] if isinstance(row, dict)]

    async def click_dial(self, destination: str) -> None:
        await self.call("clickdial", destnumber=destination)

    async def send_sms(self, destination: str, text: str) -> SmsReceipt:
        data = await self.call("smssend", destnumber=destination, smsmsg=text)
        remaining = _int_or_none(data.get("RESTCOUNT")) if isinstance(data, dict) else None
        return SmsReceipt(remaining=remaining)

    async def set_ring_callback(self, *, path: str, host: str, port: int) -> None:
        await self.call("setringcallback", callbackurl=path, callbackhost=host, callbackport=port)

    async def get_ring_callback(self) -> str:
        data = await self.call("getringcallback")
        return str(data.get("CALLBACK") or "") if isinstance(data, dict) else ""

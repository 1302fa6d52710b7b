"""API사용자등록: LG U+ Centrex lines (070 number, password kept only as its SHA-512 hex,
extension, staff), their connection check, click-to-dial and the ring-callback registration."""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass

from core.audit import Actor, acting_as
from core.errors import GogaekError, ValidationError
from core.inputs import refuse, wrong_ids, wrong_texts
from core.korean import phone_digits
from models.staff import Staff
from models.telephony import CallEventSource, CentrexUser
from services import calls
from services.auth import require_admin_now
from services.centrex_client import CentrexClient, CentrexError, UserInfo, password_sha512
from services.submissions import already_made, create_once
from services.telephony_settings import Part, changed, load_centrex_settings, ring_path

NUMBER070 = re.compile(r"^070\d{7,8}$")
# clicks on the same number this soon after a dial was sent belong to the same gesture
DIAL_GESTURE_SECONDS = 5.0

_dialling: set[int] = set()  # staff ids with a clickdial request in flight
_last_dial: dict[int, tuple[str, float]] = {}  # staff id → (digits, monotonic time it was sent)


def forget_dials() -> None:
    """Forget the gestures in flight or just sent (at start-up, like the call bus's memory)."""
    _dialling.clear()
    _last_dial.clear()


class NoCentrexLine(GogaekError):
    def __init__(self, message: str) -> None:
        super().__init__(message)


class DialAlreadyRequested(GogaekError):
    """A click that belongs to a dial already sent (or being sent): nothing was sent again."""


@dataclass(frozen=True)
class CentrexUserRow:
    id: int
    number070: str
    extension: str
    staff_id: int | None
    staff_name: str
    enabled: bool
    last_success_at: dt.datetime | None
    last_error: str
    last_seen_no: int | None
    version: int


async def list_centrex_users() -> list[CentrexUserRow]:
    users = await CentrexUser.all().order_by("number070")
    names = dict(
        await Staff.filter(id__in=[u.staff_id for u in users if u.staff_id]).values_list("id", "name")
    )
    return [
        CentrexUserRow(
            id=u.id,
            number070=u.number070,
            extension=u.extension,
            staff_id=u.staff_id,
            staff_name=names.get(u.staff_id, ""),
            enabled=u.enabled,
            last_success_at=u.last_success_at,
            last_error=u.last_error,
            last_seen_no=u.last_seen_no,
            version=u.version,
        )
        for u in users
    ]


async def centrex_users_for_export(*, by: Actor) -> list[CentrexUserRow]:
    """API 사용자 for 엑셀 and 인쇄 (every line, as the screen lists them; never a password):
    admins only."""
    await require_admin_now(by)
    return await list_centrex_users()


def _number070(raw: str) -> tuple[str, str | None]:
    digits = phone_digits(raw)
    if not digits:
        return digits, "070 번호를 입력하세요."
    if not NUMBER070.match(digits):
        return digits, "070으로 시작하는 인터넷전화 번호를 입력하세요 (예: 070-1234-5678)."
    return digits, None


async def save_centrex_user(
    *,
    by: Actor,
    user_id: int | None = None,
    version: int | None = None,
    number070: str,
    password: str = "",
    extension: str = "",
    staff_id: int | None = None,
    enabled: bool = True,
    form_token: str | None = None,
) -> CentrexUser:
    """Add (once per `form_token`) or edit a line. On edit an empty password keeps the stored hash."""
    by.require_admin()
    if user_id is None and (made := await already_made(CentrexUser, "centrex_user", form_token)):
        return made
    refuse(
        wrong_texts(number070=number070, password=password, extension=extension),
        wrong_ids(user=user_id, staff_id=staff_id),
    )
    errors: dict[str, str] = {}
    digits, problem = _number070(number070)
    if problem:
        errors["number070"] = problem
    elif await CentrexUser.filter(number070=digits).exclude(id=user_id or 0).exists():
        errors["number070"] = "이미 등록된 070 번호입니다."
    if user_id is None and not password:
        errors["password"] = "센트릭스 비밀번호를 입력하세요."
    extension = (extension or "").strip()
    if len(extension) > 20 or (extension and not extension.isdigit()):
        errors["extension"] = "내선번호는 숫자로 20자 이내입니다."
    if staff_id is not None and not await Staff.exists(id=staff_id):
        errors["staff_id"] = "사원을 찾을 수 없습니다."
    if errors:
        if user_id is None and (made := await already_made(CentrexUser, "centrex_user", form_token)):
            return made  # the same form, saved a moment ago: its line has this number now
        raise ValidationError(errors)
    with acting_as(by):
        if user_id is None:
            made = await create_once(
                CentrexUser,
                "centrex_user",
                form_token,
                lambda: CentrexUser.create(
                    number070=digits,
                    password_sha512=password_sha512(password),
                    extension=extension,
                    staff_id=staff_id,
                    enabled=enabled,
                ),
            )
    if user_id is None:
        await changed(Part.CENTREX_LINES)
        return made
    with acting_as(by):
        user = await CentrexUser.fetch(user_id, "API 사용자")
        if user.number070 != digits:
            user.last_seen_no = None  # another line: its history starts fresh, nothing old pops up
        user.number070 = digits
        if password:
            user.password_sha512 = password_sha512(password)
        user.extension = extension
        user.staff_id = staff_id
        user.enabled = enabled
        if version is not None:
            user.version = version
        await user.save()
    await changed(Part.CENTREX_LINES)
    return user


async def delete_centrex_user(user_id: int, *, by: Actor) -> None:
    by.require_admin()
    user = await CentrexUser.fetch(user_id, "API 사용자")
    with acting_as(by):
        await user.delete()
    await changed(Part.CENTREX_LINES)


# -- the poller's bookkeeping of a line (technical columns: no audit entry, no version bump every
# few seconds)


async def enabled_lines() -> list[dict]:
    """id, last_success_at and last_error of every enabled line."""
    return await CentrexUser.filter(enabled=True).order_by("id").values("id", "last_success_at", "last_error")


async def enabled_line(user_id: int) -> CentrexUser | None:
    return await CentrexUser.get_or_none(id=user_id, enabled=True)


async def start_history_at(user_id: int, last_seen_no: int) -> None:
    """A line's first poll: where its history ends. Only where no other round has set it
    meanwhile (a later baseline would skip a call)."""
    await CentrexUser.filter(id=user_id, last_seen_no__isnull=True).update(last_seen_no=last_seen_no)


async def history_seen_to(user_id: int, last_seen_no: int) -> None:
    """Never backwards: a slower round of an old task must not re-open calls already seen."""
    await CentrexUser.filter(id=user_id, last_seen_no__lt=last_seen_no).update(last_seen_no=last_seen_no)


async def line_polled(user_id: int, at: dt.datetime) -> None:
    await CentrexUser.filter(id=user_id).update(last_success_at=at, last_error="")


async def line_failed(user_id: int, error: str) -> None:
    await CentrexUser.filter(id=user_id).update(last_error=error[:255])


async def _client(number070: str, password_hash: str) -> CentrexClient:
    settings = (await load_centrex_settings()).values
    return CentrexClient(
        base_url=settings.base_url,
        number070=number070,
        password_hash=password_hash,
        timeout=settings.timeout_seconds,
    )


async def client_for(user: CentrexUser) -> CentrexClient:
    """A client for a registered line, with the configured server address and timeout."""
    return await _client(user.number070, user.password_sha512)


async def check_connection(
    *, by: Actor, number070: str, password: str = "", user_id: int | None = None
) -> UserInfo:
    """연결확인: `userinfo` with the typed password, or the stored hash when none is typed."""
    by.require_admin()
    digits, problem = _number070(number070)
    if problem:
        raise ValidationError({"number070": problem})
    if password:
        password_hash = password_sha512(password)
    else:
        user = await CentrexUser.get_or_none(id=user_id) if user_id else None
        if user is None:
            raise ValidationError({"password": "센트릭스 비밀번호를 입력하세요."})
        password_hash = user.password_sha512
    return await (await _client(digits, password_hash)).userinfo()


async def line_of(actor: Actor) -> CentrexUser | None:
    """The enabled Centrex line linked to this staff member."""
    if actor.id is None:
        return None
    return await CentrexUser.filter(staff_id=actor.id, enabled=True).order_by("id").first()


async def click_dial(*, by: Actor, number: str) -> str:
    """전화걸기: the caller's own phone rings first, then Centrex dials `number`. Returns the
    digits dialled. Raises CentrexError with a Korean message on any failure."""
    digits = phone_digits(number)
    if len(digits) < 3:
        raise ValidationError({"number": "걸 전화번호가 없습니다."})
    # one request per gesture per staff member, decided before the first await
    if by.id in _dialling:
        raise DialAlreadyRequested("전화를 거는 중입니다. 내 전화기가 울리면 받으세요.")
    last = _last_dial.get(by.id)
    if last and last[0] == digits and time.monotonic() - last[1] < DIAL_GESTURE_SECONDS:
        raise DialAlreadyRequested("방금 이 번호로 전화를 걸었습니다. 내 전화기가 울리면 받으세요.")
    _dialling.add(by.id)
    try:
        user = await line_of(by)
        if user is None:
            raise NoCentrexLine(
                "전화걸기에 쓸 센트릭스 회선이 없습니다. 관리자가 설정 → API사용자등록에서 "
                f"{by.name}님의 070 번호를 등록해야 합니다."
            )
        try:
            await (await client_for(user)).click_dial(digits)
        except CentrexError as error:
            if error.maybe_delivered:  # the result is unknown: the phone may ring; never re-sent by itself
                _last_dial[by.id] = (digits, time.monotonic())
                await _log_dial(user, digits, by)
            raise
        _last_dial[by.id] = (digits, time.monotonic())
        await _log_dial(user, digits, by)
    finally:
        _dialling.discard(by.id)
    return digits


async def _log_dial(user: CentrexUser, digits: str, by: Actor) -> None:
    """A 발신 call record for a dial the service received (or may have): its outcome is settled
    from the line's outbound call history; a refused request made no call and is not logged."""
    await calls.record_outgoing(
        source=CallEventSource.DIAL, number=digits, staff_id=by.id, extension=user.extension
    )


async def register_ring_callback(user_id: int, *, by: Actor) -> str:
    """setringcallback for one line, pointing at this server's secret path; returns the address
    the service will call."""
    by.require_admin()
    settings = (await load_centrex_settings()).values
    if not settings.ring_host:
        raise ValidationError({"ring_host": "먼저 이 서버의 공인 IP 주소를 저장하세요."})
    user = await CentrexUser.fetch(user_id, "API 사용자")
    path = ring_path(settings.ring_secret)
    client = await client_for(user)
    await client.set_ring_callback(path=path, host=settings.ring_host, port=settings.ring_port)
    return f"http://{settings.ring_host}:{settings.ring_port}{path}"


@dataclass(frozen=True)
class RingRegistration:
    registered: str  # what the service answered, e.g. "…^07012345678^203.0.113.10^/centrex/ring/…^8080^1"
    points_here: bool  # it names this server's current host, port and secret path


async def ring_callback_registration(user_id: int, *, by: Actor) -> RingRegistration:
    """getringcallback: what the service currently has for this line."""
    by.require_admin()
    settings = (await load_centrex_settings()).values
    user = await CentrexUser.fetch(user_id, "API 사용자")
    registered = await (await client_for(user)).get_ring_callback()
    parts = registered.split("^")
    points_here = (
        ring_path(settings.ring_secret) in parts
        and settings.ring_host in parts
        and str(settings.ring_port) in parts
    )
    return RingRegistration(registered=registered, points_here=points_here)

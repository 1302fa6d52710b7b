"""Signing in and out: first-run set-up, password checks with growing delays after failures,
server-side sessions that expire (idle and absolute) and end when the user is disabled, demoted,
promoted or gets a new password.

The page layer learns that a person's sessions ended through `SESSIONS_ENDED` (services do not
import NiceGUI): it closes that person's open pages at once."""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from core.audit import SYSTEM, Actor, acting_as
from core.errors import PermissionDenied, ValidationError
from core.inputs import wrong_choices, wrong_ids, wrong_texts
from core.passwords import (
    DUMMY_HASH,
    hash_password_async,
    new_token,
    password_problem,
    token_digest,
    verify_password_async,
)
from core.settings import get_settings
from models.codes import CodeEntry, CodeKind
from models.staff import Role, Staff, StaffSession
from services.submissions import already_made, create_once

WRONG_CREDENTIALS = "아이디 또는 비밀번호가 올바르지 않습니다."

# called with (staff id, the hash of the one session kept or None) after a person's sessions were
# ended by an admin or by their own password change; the page layer closes their open pages
SESSIONS_ENDED: list[Callable[[int, str | None], None]] = []


class LoginThrottle:
    """Growing delays after failed sign-ins instead of lock-outs.

    Failures count per (login, address): the first few are free, then each one makes the next try
    wait twice as long, up to a few minutes. Failures from one address count together as well (a
    machine guessing many logins), with a larger free allowance. Another address signing in to the
    same login is not slowed, so someone's mischief cannot lock a colleague, or the admin, out.
    Counts are forgotten an hour after the last failure; a success clears its (login, address)."""

    FREE_PER_LOGIN = 3
    FREE_PER_ADDRESS = 10
    MAX_DELAY_SECONDS = 300.0
    FORGET_AFTER_SECONDS = 3600.0
    _MAX_ENTRIES = 10_000

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._failures: dict[tuple[str, ...], tuple[int, float]] = {}

    @staticmethod
    def _keys(login: str, address: str) -> list[tuple[tuple[str, ...], int]]:
        return [
            (("login", login.strip().lower(), address), LoginThrottle.FREE_PER_LOGIN),
            (("address", address), LoginThrottle.FREE_PER_ADDRESS),
        ]

    def _remaining(self, key: tuple[str, ...], free: int, now: float) -> float:
        count, last = self._failures.get(key, (0, now))
        if count <= free - 1 or now - last > self.FORGET_AFTER_SECONDS:
            return 0.0
        delay = min(2.0 ** (count - free + 1), self.MAX_DELAY_SECONDS)
        return max(0.0, last + delay - now)

    def wait_seconds(self, login: str, address: str) -> float:
        """How long this (login, address) must wait before the next try is even checked."""
        now = self.clock()
        return max(self._remaining(key, free, now) for key, free in self._keys(login, address))

    def failed(self, login: str, address: str) -> None:
        now = self.clock()
        if len(self._failures) >= self._MAX_ENTRIES:
            self._forget_old(now)
        for key, _ in self._keys(login, address):
            count, last = self._failures.get(key, (0, now))
            if now - last > self.FORGET_AFTER_SECONDS:
                count = 0
            self._failures[key] = (count + 1, now)

    def succeeded(self, login: str, address: str) -> None:
        self._failures.pop(self._keys(login, address)[0][0], None)

    def unlock(self, login: str) -> None:
        """Forget a login's failures from every address (사용자 관리 → 잠금 해제)."""
        login = login.strip().lower()
        for key in [key for key in self._failures if key[0] == "login" and key[1] == login]:
            del self._failures[key]

    def clear(self) -> None:
        self._failures.clear()

    def _forget_old(self, now: float) -> None:
        for key, (_, last) in list(self._failures.items()):
            if now - last > self.FORGET_AFTER_SECONDS:
                del self._failures[key]


throttle = LoginThrottle()


def _wait_text(seconds: float) -> str:
    if seconds < 60:
        return f"{math.ceil(seconds)}초"
    return f"{math.ceil(seconds / 60)}분"


class SignInRefused(Exception):
    """Wrong credentials or too many attempts; the message is shown on the login page."""


@dataclass(frozen=True)
class SignedIn:
    token: str
    actor: Actor


def actor_for(staff: Staff) -> Actor:
    return Actor(id=staff.id, name=staff.name, is_admin=staff.is_admin, extension=staff.extension)


async def needs_setup() -> bool:
    """True until the first admin exists: then the first page is the one-time set-up form."""
    return not await Staff.filter(role=Role.ADMIN).exists()


async def create_staff(
    *,
    login: str,
    name: str,
    password: str,
    role: Role,
    by: Actor,
    extension: str = "",
    department_id: int | None = None,
    email: str = "",
    mobile: str = "",
    active: bool = True,
    form_token: str | None = None,
) -> Staff:
    """A new account, once per `form_token` (a repeated save returns the account it made)."""
    if made := await already_made(Staff, "staff", form_token):
        return made
    login = login.strip()
    name = name.strip()
    errors: dict[str, str] = {}
    if not login:
        errors["login"] = "아이디를 입력하세요."
    elif len(login) > 50 or not login.isprintable() or " " in login:
        errors["login"] = "아이디는 공백 없이 50자 이내로 입력하세요."
    if not name:
        errors["name"] = "이름을 입력하세요."
    elif len(name) > 50:
        errors["name"] = "이름은 50자 이내로 입력하세요."
    if problem := password_problem(password, login, name):
        errors["password"] = problem
    errors.update(wrong_texts(extension=extension, email=email, mobile=mobile))
    errors.update(wrong_ids(department=department_id) | wrong_choices(Role, role=role))
    if (
        department_id
        and "department" not in errors
        and not await CodeEntry.exists(id=department_id, kind=CodeKind.DEPARTMENT)
    ):
        errors["department"] = "기초정보에 없는 부서입니다. 다시 선택하세요."
    if login and "login" not in errors and await Staff.filter(login=login).exists():
        errors["login"] = "이미 사용 중인 아이디입니다."
    if errors:
        if made := await already_made(Staff, "staff", form_token):
            return made  # the same form, saved a moment ago: its account has this login now
        raise ValidationError(errors)
    password_hash = await hash_password_async(password)
    with acting_as(by):
        return await create_once(
            Staff,
            "staff",
            form_token,
            lambda: Staff.create(
                login=login,
                name=name,
                role=role,
                extension=extension.strip(),
                department_id=department_id,
                email=email.strip(),
                mobile=mobile.strip(),
                active=active,
                password_hash=password_hash,
                password_changed_at=dt.datetime.now(),
            ),
        )


async def create_first_admin(*, login: str, name: str, password: str) -> Staff:
    """The one-time set-up. Refused once any admin exists, so the form cannot be replayed."""
    async with in_transaction():
        if not await needs_setup():
            raise ValidationError("이미 초기 설정이 끝났습니다. 로그인하세요.")
        return await create_staff(login=login, name=name, password=password, role=Role.ADMIN, by=SYSTEM)


async def sign_in(*, login: str, password: str, address: str = "", user_agent: str = "") -> SignedIn:
    """A new session for the right password of an active account. A disabled account is refused
    with the same words as a wrong password, so trying cannot tell which accounts exist."""
    login = login.strip()
    if wait := throttle.wait_seconds(login, address):
        raise SignInRefused(f"로그인 시도가 너무 많습니다. {_wait_text(wait)} 뒤에 다시 시도하세요.")
    staff = await Staff.filter(login=login).first() if login else None
    valid = await verify_password_async(staff.password_hash if staff else DUMMY_HASH, password)
    if not staff or not valid or not staff.active:
        throttle.failed(login, address)
        raise SignInRefused(WRONG_CREDENTIALS)
    throttle.succeeded(login, address)
    token = new_token()
    await StaffSession.create(
        staff=staff,
        token_hash=token_digest(token),
        last_seen_at=dt.datetime.now(),
        ip_address=address[:64],
        user_agent=user_agent[:255],
    )
    return SignedIn(token=token, actor=actor_for(staff))


# touching last_seen_at on every request would write on every click, once a minute is enough
_TOUCH_INTERVAL = dt.timedelta(minutes=1)


async def resume_session(token: str | None, *, touch: bool = True) -> Actor | None:
    """The signed-in staff for a session token, or None when the session is unknown, revoked,
    idle too long, too old, or its user was disabled. One indexed lookup (session joined with its
    staff member). `touch` counts this as the person's activity: page loads and the person's own
    events do, the page's periodic check does not, so an untouched tab expires."""
    if not token:
        return None
    session = (
        await StaffSession.filter(token_hash=token_digest(token), revoked_at=None)
        .select_related("staff")
        .first()
    )
    if session is None:
        return None
    settings = get_settings()
    now = dt.datetime.now()
    if now - session.last_seen_at > dt.timedelta(
        hours=settings.session_idle_hours
    ) or now - session.created_at > dt.timedelta(days=settings.session_max_days):
        await StaffSession.filter(id=session.id).update(revoked_at=now)
        return None
    if not session.staff.active:
        return None
    if touch and now - session.last_seen_at > _TOUCH_INTERVAL:
        await StaffSession.filter(id=session.id).update(last_seen_at=now)
    return actor_for(session.staff)


async def session_holds(token: str | None, actor: Actor, *, touch: bool = True) -> bool:
    """Whether a page built for `actor` may still act: the session is live and the account is
    still active with the same role."""
    current = await resume_session(token, touch=touch)
    return current is not None and current.id == actor.id and current.is_admin == actor.is_admin


async def require_admin_now(by: Actor) -> None:
    """Refuse unless `by` is, in the database now, an active admin: the Actor a screen holds may
    be older than a demotion."""
    by.require_admin()
    if by.id is not None and not await Staff.exists(id=by.id, role=Role.ADMIN, active=True):
        raise PermissionDenied()


async def sign_out(token: str | None) -> None:
    if token:
        await StaffSession.filter(token_hash=token_digest(token), revoked_at=None).update(
            revoked_at=dt.datetime.now()
        )


async def end_sessions_of(staff_id: int, *, keep_token: str | None = None) -> None:
    """End a person's sessions (all but `keep_token`'s) and tell the page layer to close them."""
    kept = token_digest(keep_token) if keep_token else None
    query = StaffSession.filter(staff_id=staff_id, revoked_at=None)
    if kept:
        query = query.exclude(token_hash=kept)
    await query.update(revoked_at=dt.datetime.now())
    for hook in SESSIONS_ENDED:
        hook(staff_id, kept)


def unlock_login(login: str) -> None:
    """An admin lifts the delays after repeated failures (사용자 관리 → 잠금 해제)."""
    throttle.unlock(login)

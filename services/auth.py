"""Signing in and out: first-run set-up, password checks with rate limiting, server-side sessions
that expire (idle and absolute) and end when the user is disabled."""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from tortoise.transactions import in_transaction

from core.audit import SYSTEM, Actor, acting_as
from core.errors import ValidationError
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

_limiter = MovingWindowRateLimiter(MemoryStorage())
LOGIN_FAILURES_PER_LOGIN = parse("5/10minutes")
LOGIN_FAILURES_PER_ADDRESS = parse("20/10minutes")


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
) -> Staff:
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
        raise ValidationError(errors)
    password_hash = await hash_password_async(password)
    with acting_as(by):
        return await Staff.create(
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
        )


async def create_first_admin(*, login: str, name: str, password: str) -> Staff:
    """The one-time set-up. Refused once any admin exists, so the form cannot be replayed."""
    async with in_transaction():
        if not await needs_setup():
            raise ValidationError("이미 초기 설정이 끝났습니다. 로그인하세요.")
        return await create_staff(login=login, name=name, password=password, role=Role.ADMIN, by=SYSTEM)


def _rate_keys(login: str, address: str) -> list[tuple]:
    return [
        (LOGIN_FAILURES_PER_LOGIN, "login", login.lower()),
        (LOGIN_FAILURES_PER_ADDRESS, "address", address),
    ]


def _blocked_minutes(login: str, address: str) -> int | None:
    for rule, *keys in _rate_keys(login, address):
        if not _limiter.test(rule, *keys):
            reset = _limiter.get_window_stats(rule, *keys).reset_time
            return max(1, math.ceil((reset - time.time()) / 60))
    return None


async def sign_in(*, login: str, password: str, address: str = "", user_agent: str = "") -> SignedIn:
    login = login.strip()
    if minutes := _blocked_minutes(login, address):
        raise SignInRefused(f"로그인 시도가 너무 많습니다. {minutes}분 뒤에 다시 시도하세요.")
    staff = await Staff.filter(login=login).first() if login else None
    valid = await verify_password_async(staff.password_hash if staff else DUMMY_HASH, password)
    if not staff or not valid or not staff.active:
        for rule, *keys in _rate_keys(login, address):
            _limiter.hit(rule, *keys)
        if staff and valid and not staff.active:
            raise SignInRefused("사용이 중지된 계정입니다. 관리자에게 문의하세요.")
        raise SignInRefused("아이디 또는 비밀번호가 올바르지 않습니다.")
    for rule, *keys in _rate_keys(login, address)[:1]:
        _limiter.clear(rule, *keys)
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


async def resume_session(token: str | None) -> Actor | None:
    """The signed-in staff for a session token, or None when the session is unknown, revoked,
    idle too long, too old, or its user was disabled."""
    if not token:
        return None
    session = await StaffSession.filter(token_hash=token_digest(token), revoked_at=None).first()
    if session is None:
        return None
    settings = get_settings()
    now = dt.datetime.now()
    if now - session.last_seen_at > dt.timedelta(
        hours=settings.session_idle_hours
    ) or now - session.created_at > dt.timedelta(days=settings.session_max_days):
        await StaffSession.filter(id=session.id).update(revoked_at=now)
        return None
    staff = await Staff.filter(id=session.staff_id, active=True).first()
    if staff is None:
        return None
    if now - session.last_seen_at > _TOUCH_INTERVAL:
        await StaffSession.filter(id=session.id).update(last_seen_at=now)
    return actor_for(staff)


async def sign_out(token: str | None) -> None:
    if token:
        await StaffSession.filter(token_hash=token_digest(token), revoked_at=None).update(
            revoked_at=dt.datetime.now()
        )


async def end_sessions_of(staff_id: int) -> None:
    await StaffSession.filter(staff_id=staff_id, revoked_at=None).update(revoked_at=dt.datetime.now())


def unlock_login(login: str) -> None:
    """An admin lifts the lock after repeated failures (사용자 관리 → 잠금 해제)."""
    _limiter.clear(LOGIN_FAILURES_PER_LOGIN, "login", login.strip().lower())

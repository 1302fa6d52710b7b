"""설정 → 사용자 관리: staff accounts, roles, passwords."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from core.audit import Actor, acting_as
from core.errors import ValidationError
from core.inputs import refuse, wrong_choices, wrong_ids, wrong_texts
from core.passwords import hash_password_async, password_problem, verify_password_async
from models.codes import CodeEntry, CodeKind
from models.staff import Role, Staff
from services.auth import create_staff, end_sessions_of, require_admin_now


async def list_staff(*, include_inactive: bool = True) -> list[Staff]:
    query = Staff.all().order_by("-active", "name")
    if not include_inactive:
        query = query.filter(active=True)
    return await query


async def staff_for_export(*, by: Actor) -> list[Staff]:
    """사용자 관리's rows for 엑셀 and 인쇄 (every account, as the screen lists them): admins only."""
    await require_admin_now(by)
    return await list_staff()


async def staff_choices() -> dict[int, str]:
    """Active staff for select boxes: id → name."""
    return {s.id: s.name for s in await Staff.filter(active=True).order_by("name")}


async def get_staff(staff_id: int) -> Staff:
    return await Staff.fetch(staff_id, "사용자")


async def add_staff(*, by: Actor, form_token: str | None = None, **profile) -> Staff:
    """Create an account (once per `form_token`): login, name, password, role, and optionally
    extension, department_id, email, mobile, active (see services.auth.create_staff)."""
    await require_admin_now(by)
    return await create_staff(by=by, form_token=form_token, **profile)


async def update_staff(
    staff_id: int,
    *,
    by: Actor,
    version: int,
    name: str,
    role: Role,
    extension: str,
    active: bool,
    department_id: int | None = None,
    email: str = "",
    mobile: str = "",
) -> Staff:
    await require_admin_now(by)
    staff = await Staff.fetch(staff_id, "사용자")
    refuse(
        wrong_texts(name=name, extension=extension, email=email, mobile=mobile),
        wrong_ids(department=department_id),
        wrong_choices(Role, role=role),
    )
    errors = {}
    if not name.strip():
        errors["name"] = "이름을 입력하세요."
    elif len(name.strip()) > 50:
        errors["name"] = "이름은 50자 이내로 입력하세요."
    if department_id and not await CodeEntry.exists(id=department_id, kind=CodeKind.DEPARTMENT):
        errors["department"] = "기초정보에 없는 부서입니다. 다시 선택하세요."
    if staff.id == by.id and (not active or role != Role.ADMIN):
        errors["active"] = "자기 자신의 관리자 권한이나 사용 여부는 바꿀 수 없습니다."
    elif staff.is_admin and (not active or role != Role.ADMIN):
        other_admins = await Staff.filter(role=Role.ADMIN, active=True).exclude(id=staff.id).count()
        if other_admins == 0:
            errors["role"] = "마지막 관리자는 권한을 해제하거나 중지할 수 없습니다."
    if errors:
        raise ValidationError(errors)
    role_changed = staff.role != role
    staff.name = name.strip()
    staff.role = role
    staff.extension = extension.strip()
    staff.active = active
    staff.department_id = department_id
    staff.email = email.strip()
    staff.mobile = mobile.strip()
    staff.version = version
    with acting_as(by):
        await staff.save()
    if not active or role_changed:
        # a page acts with the rights read when it was built: a new role needs a new sign-in,
        # and the person's open pages are closed at once
        await end_sessions_of(staff.id)
    return staff


async def _set_password(staff: Staff, password: str, by: Actor) -> None:
    if problem := password_problem(password, staff.login, staff.name):
        raise ValidationError({"password": problem})
    staff.password_hash = await hash_password_async(password)
    staff.password_changed_at = dt.datetime.now()
    with acting_as(by):
        await staff.save(update_fields=["password_hash", "password_changed_at"])


async def reset_password(staff_id: int, *, by: Actor, new_password: str) -> None:
    """An admin sets a new password; the user's open sessions end."""
    await require_admin_now(by)
    staff = await Staff.fetch(staff_id, "사용자")
    await _set_password(staff, new_password, by)
    await end_sessions_of(staff.id)


async def change_own_password(
    *, by: Actor, current_password: str, new_password: str, session_token: str | None = None
) -> None:
    """A person changes their password; every other session of theirs ends (whoever else knew
    the old password is signed out), the one in `session_token` stays."""
    staff = await Staff.get(id=by.id)
    if not await verify_password_async(staff.password_hash, current_password):
        raise ValidationError({"current_password": "현재 비밀번호가 올바르지 않습니다."})
    if current_password == new_password:
        raise ValidationError({"password": "현재 비밀번호와 다른 비밀번호를 입력하세요."})
    await _set_password(staff, new_password, by)
    await end_sessions_of(staff.id, keep_token=session_token)


async def staff_names(ids: Iterable[int | None]) -> dict[int, str]:
    """id → name of the staff members among `ids` (empty ids skipped), in one query."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return dict(await Staff.filter(id__in=wanted).values_list("id", "name"))

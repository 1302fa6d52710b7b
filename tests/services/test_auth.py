import datetime as dt

import pytest

from core.errors import PermissionDenied, ValidationError
from core.settings import reload_settings
from models.staff import Role, Staff, StaffSession
from services import auth, staff
from tests.utils import PASSWORD, make_admin, make_staff


async def test_first_admin_is_created_once(db):
    assert await auth.needs_setup()
    admin = await auth.create_first_admin(login="boss", name="사장", password="Strong-pass-1")
    assert admin.role == Role.ADMIN
    assert admin.password_hash.startswith("$argon2id$")
    assert not await auth.needs_setup()
    with pytest.raises(ValidationError, match="이미 초기 설정"):
        await auth.create_first_admin(login="intruder", name="침입자", password="Strong-pass-2")
    assert await Staff.filter(login="intruder").count() == 0


async def test_weak_password_and_duplicate_login_are_refused(db):
    with pytest.raises(ValidationError) as error:
        await auth.create_first_admin(login="boss", name="사장", password="short")
    assert "8자 이상" in error.value.fields["password"]
    await make_staff(login="kim")
    with pytest.raises(ValidationError) as error:
        await make_staff(login="kim")
    assert error.value.fields["login"] == "이미 사용 중인 아이디입니다."


async def test_wrong_password_gives_one_message_for_unknown_login_too(db):
    await make_staff(login="lee")
    for login in ("lee", "nobody"):
        with pytest.raises(auth.SignInRefused, match="아이디 또는 비밀번호가 올바르지 않습니다"):
            await auth.sign_in(login=login, password="wrong-password", address="10.0.0.1")


async def test_repeated_failures_are_rate_limited_per_login(db):
    await make_staff(login="park")
    for _ in range(5):
        with pytest.raises(auth.SignInRefused, match="올바르지 않습니다"):
            await auth.sign_in(login="park", password="wrong-password", address="10.0.0.2")
    with pytest.raises(auth.SignInRefused, match=r"로그인 시도가 너무 많습니다. \d+분 뒤에"):
        await auth.sign_in(login="park", password=PASSWORD, address="10.0.0.3")
    auth.unlock_login("park")
    assert (await auth.sign_in(login="park", password=PASSWORD, address="10.0.0.3")).actor.name


async def test_repeated_failures_are_rate_limited_per_address(db):
    for number in range(20):
        with pytest.raises(auth.SignInRefused):
            await auth.sign_in(login=f"guess{number}", password="x", address="10.9.9.9")
    await make_staff(login="choi")
    with pytest.raises(auth.SignInRefused, match="너무 많습니다"):
        await auth.sign_in(login="choi", password=PASSWORD, address="10.9.9.9")


async def test_session_resumes_until_signed_out(db):
    await make_staff(login="jung", name="정사원")
    signed_in = await auth.sign_in(login="jung", password=PASSWORD, address="10.0.0.4")
    actor = await auth.resume_session(signed_in.token)
    assert actor is not None and actor.name == "정사원"
    stored = await StaffSession.get(staff_id=actor.id)
    assert stored.token_hash != signed_in.token  # only a digest is stored
    await auth.sign_out(signed_in.token)
    assert await auth.resume_session(signed_in.token) is None


async def test_sessions_expire_when_idle_or_too_old(db):
    await make_staff(login="han")
    idle = await auth.sign_in(login="han", password=PASSWORD, address="10.0.0.5")
    old = await auth.sign_in(login="han", password=PASSWORD, address="10.0.0.5")
    now = dt.datetime.now()
    await StaffSession.filter(token_hash=auth.token_digest(idle.token)).update(
        last_seen_at=now - dt.timedelta(hours=9)
    )
    await StaffSession.filter(token_hash=auth.token_digest(old.token)).update(
        created_at=now - dt.timedelta(days=8)
    )
    assert await auth.resume_session(idle.token) is None
    assert await auth.resume_session(old.token) is None


async def test_disabling_a_user_ends_every_session(db):
    admin = await make_admin()
    member = await make_staff(login="seo")
    first = await auth.sign_in(login="seo", password=PASSWORD, address="10.0.0.6")
    second = await auth.sign_in(login="seo", password=PASSWORD, address="10.0.0.7")
    record = await Staff.get(id=member.id)
    await staff.update_staff(
        member.id,
        by=admin,
        version=record.version,
        name=record.name,
        role=Role.STAFF,
        extension="",
        active=False,
    )
    assert await auth.resume_session(first.token) is None
    assert await auth.resume_session(second.token) is None
    with pytest.raises(auth.SignInRefused, match="사용이 중지된 계정"):
        await auth.sign_in(login="seo", password=PASSWORD, address="10.0.0.8")


async def test_last_admin_cannot_be_demoted(db):
    admin = await make_admin()
    record = await Staff.get(id=admin.id)
    with pytest.raises(ValidationError):
        await staff.update_staff(
            admin.id,
            by=admin,
            version=record.version,
            name=record.name,
            role=Role.STAFF,
            extension="",
            active=True,
        )


async def test_change_own_password_requires_the_current_one(db):
    member = await make_staff(login="yoon")
    with pytest.raises(ValidationError) as error:
        await staff.change_own_password(by=member, current_password="wrong", new_password="New-pass-5678")
    assert "current_password" in error.value.fields
    await staff.change_own_password(by=member, current_password=PASSWORD, new_password="New-pass-5678")
    assert await auth.sign_in(login="yoon", password="New-pass-5678", address="10.0.0.9")


async def test_staff_cannot_manage_users(db):
    member = await make_staff()
    with pytest.raises(Exception, match="관리자만"):
        await staff.add_staff(by=member, login="x1", name="엑스", password="Strong-pass-1", role=Role.STAFF)


async def test_an_admin_resets_a_password_and_the_old_one_and_open_sessions_end(db):
    admin = await make_admin()
    member = await make_staff(login="kang")
    at_desk = await auth.sign_in(login="kang", password=PASSWORD, address="10.0.1.1")
    on_tablet = await auth.sign_in(login="kang", password=PASSWORD, address="10.0.1.2")

    with pytest.raises(ValidationError) as error:
        await staff.reset_password(member.id, by=admin, new_password="short")
    assert "8자 이상" in error.value.fields["password"]
    assert await auth.resume_session(at_desk.token) is not None  # a refused reset changes nothing

    await staff.reset_password(member.id, by=admin, new_password="Reset-pass-2468")
    assert await auth.resume_session(at_desk.token) is None
    assert await auth.resume_session(on_tablet.token) is None
    with pytest.raises(auth.SignInRefused, match="아이디 또는 비밀번호가 올바르지 않습니다"):
        await auth.sign_in(login="kang", password=PASSWORD, address="10.0.1.3")
    signed_in = await auth.sign_in(login="kang", password="Reset-pass-2468", address="10.0.1.3")
    assert signed_in.actor.id == member.id
    stored = await Staff.get(id=member.id)
    assert stored.password_hash.startswith("$argon2id$")
    assert stored.password_changed_at is not None


async def test_staff_cannot_reset_passwords(db):
    await make_admin(login="boss")
    clerk = await make_staff(login="clerk")
    victim = await make_staff(login="victim")
    with pytest.raises(PermissionDenied):
        await staff.reset_password(victim.id, by=clerk, new_password="Taken-over-123")
    assert await auth.sign_in(login="victim", password=PASSWORD, address="10.0.1.4")


async def test_a_changed_role_takes_effect_at_the_next_sign_in(db):
    admin = await make_admin()
    member = await make_staff(login="promoted")
    session = await auth.sign_in(login="promoted", password=PASSWORD, address="10.0.1.5")
    record = await Staff.get(id=member.id)
    await staff.update_staff(
        member.id,
        by=admin,
        version=record.version,
        name=record.name,
        role=Role.ADMIN,
        extension="",
        active=True,
    )
    assert await auth.resume_session(session.token) is None  # the old rights are not kept on screen
    again = await auth.sign_in(login="promoted", password=PASSWORD, address="10.0.1.5")
    assert again.actor.is_admin


async def test_session_expiry_follows_the_configured_hours_and_days(db, monkeypatch):
    await make_staff(login="oh")
    idle = await auth.sign_in(login="oh", password=PASSWORD, address="10.0.1.6")
    old = await auth.sign_in(login="oh", password=PASSWORD, address="10.0.1.6")
    now = dt.datetime.now()
    await StaffSession.filter(token_hash=auth.token_digest(idle.token)).update(
        last_seen_at=now - dt.timedelta(hours=2)
    )
    await StaffSession.filter(token_hash=auth.token_digest(old.token)).update(
        created_at=now - dt.timedelta(days=2)
    )
    # the defaults (8 hours idle, 7 days in all) keep both
    assert await auth.resume_session(idle.token) is not None
    assert await auth.resume_session(old.token) is not None

    monkeypatch.setenv("GOGAEK_SESSION_IDLE_HOURS", "1")
    monkeypatch.setenv("GOGAEK_SESSION_MAX_DAYS", "1")
    reload_settings()
    await StaffSession.filter(token_hash=auth.token_digest(idle.token)).update(
        last_seen_at=now - dt.timedelta(hours=2)
    )
    assert await auth.resume_session(idle.token) is None
    assert await auth.resume_session(old.token) is None

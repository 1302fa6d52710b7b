import datetime as dt

import pytest

from core.audit import Actor
from core.errors import PermissionDenied, ValidationError
from core.settings import reload_settings
from models.staff import Role, Staff, StaffSession
from services import auth, staff
from tests.factories.staff import PASSWORD, make_admin, make_staff


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


class Clock:
    """A clock the test moves by hand, so delays are checked without waiting for them."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(auth, "throttle", auth.LoginThrottle(clock=fake))
    return fake


async def fail(login: str, address: str, times: int = 1) -> None:
    """Wrong passwords, each after waiting out (on the test's clock) the delay the last one set."""
    for _ in range(times):
        auth.throttle.clock.now += auth.throttle.wait_seconds(login, address)
        with pytest.raises(auth.SignInRefused, match=auth.WRONG_CREDENTIALS):
            await auth.sign_in(login=login, password="wrong-password", address=address)


async def test_failures_make_the_next_try_wait_longer_and_longer(db, clock):
    await make_staff(login="park")
    await fail("park", "10.0.0.2", times=auth.LoginThrottle.FREE_PER_LOGIN)
    waits = []
    for _ in range(4):
        with pytest.raises(auth.SignInRefused, match=r"로그인 시도가 너무 많습니다. (\d+)초 뒤에") as refused:
            await auth.sign_in(login="park", password=PASSWORD, address="10.0.0.2")
        waits.append(int(refused.value.args[0].split(". ")[1].split("초")[0]))
        await fail("park", "10.0.0.2")
    assert waits == [2, 4, 8, 16]
    clock.now += 10_000  # capped at a few minutes, and forgotten after an hour
    assert (await auth.sign_in(login="park", password=PASSWORD, address="10.0.0.2")).actor.name


async def test_the_wait_is_capped_at_a_few_minutes(db, clock):
    await fail("nobody", "10.0.0.3", times=20)
    assert auth.throttle.wait_seconds("nobody", "10.0.0.3") == auth.LoginThrottle.MAX_DELAY_SECONDS
    clock.now += 60
    with pytest.raises(auth.SignInRefused, match="4분 뒤에"):
        await auth.sign_in(login="nobody", password="x", address="10.0.0.3")


async def test_someone_elses_failures_do_not_lock_out_the_admin(db, clock):
    """A colleague's mischief at another desk: 30 wrong tries at the admin's login."""
    await make_admin(login="boss")
    await fail("boss", "10.0.0.66", times=30)
    assert (await auth.sign_in(login="boss", password=PASSWORD, address="10.0.0.10")).actor.is_admin


async def test_the_admin_lifts_the_wait(db, clock):
    await make_staff(login="ahn")
    await fail("ahn", "10.0.0.11", times=6)
    with pytest.raises(auth.SignInRefused, match="너무 많습니다"):
        await auth.sign_in(login="ahn", password=PASSWORD, address="10.0.0.11")
    auth.unlock_login("ahn")
    assert (await auth.sign_in(login="ahn", password=PASSWORD, address="10.0.0.11")).actor.name


async def test_many_logins_guessed_from_one_address_slow_that_address_only(db, clock):
    for number in range(auth.LoginThrottle.FREE_PER_ADDRESS):
        await fail(f"guess{number}", "10.9.9.9")
    await make_staff(login="choi")
    with pytest.raises(auth.SignInRefused, match="너무 많습니다"):
        await auth.sign_in(login="choi", password=PASSWORD, address="10.9.9.9")
    assert (await auth.sign_in(login="choi", password=PASSWORD, address="10.9.9.10")).actor.name
    clock.now += 2
    assert (await auth.sign_in(login="choi", password=PASSWORD, address="10.9.9.9")).actor.name


async def test_a_disabled_account_gets_the_wrong_password_message(db, clock):
    admin = await make_admin()
    member = await make_staff(login="gone")
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
    for password in (PASSWORD, "wrong-password"):
        with pytest.raises(auth.SignInRefused) as refused:
            await auth.sign_in(login="gone", password=password, address="10.0.0.12")
        assert str(refused.value) == auth.WRONG_CREDENTIALS


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
    with pytest.raises(auth.SignInRefused, match=auth.WRONG_CREDENTIALS):
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


async def demote(admin: Actor, member: Actor) -> None:
    record = await Staff.get(id=member.id)
    await staff.update_staff(
        member.id,
        by=admin,
        version=record.version,
        name=record.name,
        role=Role.STAFF,
        extension="",
        active=True,
    )


async def test_a_demoted_admins_old_rights_do_not_manage_users(db):
    """A page keeps the Actor it was built with; the user services read the account as it is now."""
    boss = await make_admin(login="boss")
    former = await make_admin(login="former")
    await demote(boss, former)
    assert former.is_admin  # what an open page still holds
    with pytest.raises(PermissionDenied):
        await staff.add_staff(by=former, login="mole", name="첩자", password="Long-pass-123", role=Role.ADMIN)
    with pytest.raises(PermissionDenied):
        await staff.reset_password(boss.id, by=former, new_password="Hijack-12345")
    assert not await Staff.exists(login="mole")


async def test_changing_ones_own_password_ends_ones_other_sessions(db):
    member = await make_staff(login="yang")
    here = await auth.sign_in(login="yang", password=PASSWORD, address="10.0.2.1")
    elsewhere = await auth.sign_in(login="yang", password=PASSWORD, address="10.0.2.2")
    ended = []
    auth.SESSIONS_ENDED.append(lambda staff_id, kept: ended.append((staff_id, kept)))
    try:
        await staff.change_own_password(
            by=member, current_password=PASSWORD, new_password="New-pass-5678", session_token=here.token
        )
    finally:
        auth.SESSIONS_ENDED.pop()
    assert await auth.resume_session(here.token) is not None
    assert await auth.resume_session(elsewhere.token) is None
    assert ended == [(member.id, auth.token_digest(here.token))]


async def test_only_the_persons_activity_keeps_a_session_alive(db):
    await make_staff(login="baek")
    signed_in = await auth.sign_in(login="baek", password=PASSWORD, address="10.0.2.3")
    digest = auth.token_digest(signed_in.token)
    earlier = dt.datetime.now() - dt.timedelta(minutes=30)
    await StaffSession.filter(token_hash=digest).update(last_seen_at=earlier)
    assert await auth.resume_session(signed_in.token, touch=False) is not None  # the page's timer
    assert (await StaffSession.get(token_hash=digest)).last_seen_at == earlier
    assert await auth.resume_session(signed_in.token) is not None  # a click or a page load
    assert (await StaffSession.get(token_hash=digest)).last_seen_at > earlier


async def test_a_page_holds_only_while_the_account_keeps_its_role_and_state(db):
    member = await make_staff(login="nam")
    signed_in = await auth.sign_in(login="nam", password=PASSWORD, address="10.0.2.4")
    assert await auth.session_holds(signed_in.token, member)
    await Staff.filter(id=member.id).update(role=Role.ADMIN)  # changed outside the services
    assert not await auth.session_holds(signed_in.token, member)
    await Staff.filter(id=member.id).update(role=Role.STAFF, active=False)
    assert not await auth.session_holds(signed_in.token, member)

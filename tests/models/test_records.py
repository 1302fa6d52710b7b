"""The model base: audit log written by the save/delete mechanism itself, optimistic locking."""

import pytest

from core.audit import acting_as
from core.errors import StaleRecordError
from models.audit import AuditEntry
from models.codes import CodeEntry, CodeKind
from tests.factories.staff import make_admin, make_staff


async def test_create_update_delete_are_audited_with_actor_and_fields(db):
    admin = await make_admin(name="감사관")
    with acting_as(admin):
        entry = await CodeEntry.create(kind=CodeKind.DUTY, code="77", name="총무")
        entry.name = "총무팀"
        await entry.save()
        await entry.delete()
    trail = await AuditEntry.filter(table_name="code_entry", record_id=entry.id).order_by("id")
    assert [t.action for t in trail] == ["create", "update", "delete"]
    assert all(t.actor_id == admin.id and t.actor_name == "감사관" for t in trail)
    assert trail[0].changes["name"] == "총무"
    assert trail[1].changes == {"name": ["총무", "총무팀"]}
    assert entry.created_by_id == admin.id


async def test_passwords_never_reach_the_audit_log(db):
    await make_staff(login="secretive")
    entry = await AuditEntry.filter(table_name="staff").order_by("-id").first()
    assert entry.changes["password_hash"] == "(변경됨)"


async def test_second_save_of_a_stale_copy_is_refused_with_who_changed_it(db):
    first_user = await make_staff(name="김먼저")
    second_user = await make_staff(name="이나중")
    with acting_as(first_user):
        created = await CodeEntry.create(kind=CodeKind.DUTY, code="55", name="원래")
    mine = await CodeEntry.get(id=created.id)
    theirs = await CodeEntry.get(id=created.id)
    with acting_as(first_user):
        mine.name = "먼저 저장"
        await mine.save()
    with acting_as(second_user), pytest.raises(StaleRecordError, match="김먼저님이") as error:
        theirs.name = "나중 저장"
        await theirs.save()
    assert error.value.changed_by == "김먼저"
    assert (await CodeEntry.get(id=created.id)).name == "먼저 저장"
    assert theirs.name == "나중 저장"  # the typed value is still there to show again

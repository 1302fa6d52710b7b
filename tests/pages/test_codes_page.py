from nicegui.testing import User

from models.codes import CodeEntry, CodeKind
from models.staff import Role, Staff
from services import codes
from tests.utils import eventually, make_admin, make_staff, sign_in


async def test_admin_adds_a_code_and_a_duplicate_is_refused(user: User):
    await make_admin(login="boss")
    await sign_in(user, "boss")
    await user.open("/codes")
    await user.should_see("고객상태")
    user.find("code-section-접수경로").click()
    await user.should_see(marker="code-table-reception_route")
    user.find("code-add-reception_route").click()
    user.find("code-code").type("6")
    user.find("code-name").type("카카오톡")
    user.find("code-save").click()
    await user.should_see("저장했습니다.")
    assert await CodeEntry.filter(kind=CodeKind.RECEPTION_ROUTE, code="6", name="카카오톡").exists()
    table = user.find("code-table-reception_route").elements.pop()
    assert any(row["name"] == "카카오톡" for row in table.rows)

    user.find("code-add-reception_route").click()
    user.find("code-code").type("1")
    user.find("code-name").type("중복")
    user.find("code-save").click()
    code_input = user.find("code-code").elements.pop()
    await eventually(lambda: "이미 있습니다" in code_input.props.get("error-message", ""))
    assert code_input.value == "1"
    assert not await CodeEntry.filter(name="중복").exists()


async def _department_grid(user: User, admin_login: str = "boss"):
    await sign_in(user, admin_login)
    await user.open("/codes")
    user.find("code-section-부서").click()
    await user.should_see(marker="code-table-department")
    return user.find("code-table-department").elements.pop()


async def test_a_code_in_use_cannot_be_deleted_and_the_dialog_switches_it_off_instead(user: User):
    admin = await make_admin(login="boss")
    department = await codes.save_code(by=admin, kind=CodeKind.DEPARTMENT, code="99", name="임시부서")
    await Staff.filter(id=(await make_staff()).id).update(department_id=department.id)
    table = await _department_grid(user)
    row = next(row for row in table.rows if row["name"] == "임시부서")
    user.find("code-table-department").trigger("rowClick", [{}, row, 0])  # a click on the row selects it

    user.find("code-delete-department").click()
    await user.should_see("부서 '99 임시부서'를 삭제할까요?")
    user.find("confirm-delete").click()
    await user.should_see("'임시부서' 코드는 사용 중이라 삭제할 수 없습니다", retries=50)
    assert await CodeEntry.exists(id=department.id)
    user.find("code-deactivate-instead").click()
    await user.should_see("'임시부서'를 사용 안 함으로 바꿨습니다.", retries=50)
    stored = await CodeEntry.get(id=department.id)
    assert stored.active is False
    assert stored.version == department.version + 1
    await eventually(
        lambda: any(r["id"] == department.id and r["active_label"] == "사용 안 함" for r in table.rows)
    )
    await user.should_not_see(marker="code-deactivate-instead")  # the dialog closed


async def test_an_unused_code_is_deleted_after_asking(user: User):
    admin = await make_admin(login="boss")
    unused = await codes.save_code(by=admin, kind=CodeKind.DEPARTMENT, code="98", name="없어질부서")
    table = await _department_grid(user)
    table.selected = [next(row for row in table.rows if row["id"] == unused.id)]
    user.find("code-delete-department").click()
    await user.should_see("부서 '98 없어질부서'를 삭제할까요?")
    user.find("confirm-delete").click()
    await user.should_see("삭제했습니다.", retries=50)
    assert not await CodeEntry.exists(id=unused.id)
    await eventually(lambda: all(row["id"] != unused.id for row in table.rows))


async def test_switching_a_code_on_or_off_shows_refusals_in_korean_and_changes_nothing(user: User):
    admin = await make_admin(login="boss")
    colleague = await make_admin(login="deputy", name="부장")
    department = await codes.save_code(by=admin, kind=CodeKind.DEPARTMENT, code="97", name="영업2팀")
    table = await _department_grid(user)
    table.selected = [next(row for row in table.rows if row["id"] == department.id)]

    # someone else edited the row after this screen showed it
    await codes.save_code(
        by=colleague,
        kind=CodeKind.DEPARTMENT,
        code="97",
        name="영업2부",
        entry_id=department.id,
        version=department.version,
    )
    user.find("code-toggle-department").click()
    await user.should_see("부장님이", retries=50)
    await user.should_see("먼저 수정했습니다")
    assert (await CodeEntry.get(id=department.id)).active is True
    await eventually(lambda: any(r["name"] == "영업2부" for r in table.rows))  # reloaded

    # the admin right was taken away while the screen was open
    await Staff.filter(login="boss").update(role=Role.STAFF)
    table.selected = [next(row for row in table.rows if row["id"] == department.id)]
    user.find("code-toggle-department").click()
    await user.should_see("관리자만 사용할 수 있는 기능입니다.", retries=50)
    assert (await CodeEntry.get(id=department.id)).active is True

    # and the same on a fresh selection once the right is back: it works
    await Staff.filter(login="boss").update(role=Role.ADMIN)
    table.selected = [next(row for row in table.rows if row["id"] == department.id)]
    user.find("code-toggle-department").click()
    await user.should_see("'영업2부'를 사용 안 함으로 바꿨습니다.", retries=50)
    assert (await CodeEntry.get(id=department.id)).active is False

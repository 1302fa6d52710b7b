"""기초정보등록 as an editable grid: codes typed in place, saved when the cursor leaves their row
(Enter, another row) or with 저장, once; refusals next to the cells with the input kept; in-use
codes protected; someone else's save never overwritten."""

import asyncio
from collections.abc import Callable

from nicegui import background_tasks, ui
from nicegui.testing import User

from models.codes import CodeEntry, CodeKind
from models.staff import Role, Staff
from services import codes
from tests.factories.staff import make_admin, make_staff
from tests.utils import eventually, sign_in

K = CodeKind


def _found(user: User, marker: str) -> list[ui.element]:
    try:
        return list(user.find(marker).elements)
    except AssertionError:
        return []


def _cell(user: User, kind: CodeKind, index: int, field: str) -> ui.element:
    return _found(user, f"code-{kind.value}-{index}-{field}")[0]


def _rows_of(user: User, grid: str) -> list[tuple[str, str]]:
    """(code, name) of every line of the grid, the empty new line included."""
    rows, index = [], 0
    while cells := _found(user, f"code-{grid}-{index}-code"):
        rows.append((cells[0].value, _found(user, f"code-{grid}-{index}-name")[0].value))
        index += 1
    return rows


def _rows(user: User, kind: CodeKind) -> list[tuple[str, str]]:
    return _rows_of(user, kind.value)


def _index(user: User, kind: CodeKind, name: str) -> int:
    return next(i for i, (_, shown) in enumerate(_rows(user, kind)) if shown == name)


def _state(user: User, kind: CodeKind, index: int) -> str:
    return _found(user, f"code-{kind.value}-row-{index}")[0].props.get("data-state", "")


def _save_enabled(user: User, kind: CodeKind) -> bool:
    return _found(user, f"code-save-{kind.value}")[0].enabled


async def _handled(gestures: Callable[[], object]) -> None:
    """Make the gestures, then wait until every handler they started has finished (one that waits
    for an answer in a dialog is left waiting: the test then sees the dialog)."""
    before = set(background_tasks.running_tasks)
    gestures()
    started = set(background_tasks.running_tasks) - before
    if started:
        await asyncio.wait(started, timeout=10)


async def _open(user: User, section: str, kind: CodeKind, login: str = "boss") -> None:
    await sign_in(user, login)
    await user.open("/codes")
    user.find(f"code-section-{section}").click()
    await user.should_see(marker=f"code-table-{kind.value}", retries=50)
    await eventually(lambda: len(_rows(user, kind)) > 1)


async def test_a_code_typed_in_the_last_row_is_saved_once_and_enter_opens_a_new_row(user: User):
    await make_admin(login="boss")
    await _open(user, "접수경로", K.RECEPTION_ROUTE)
    rows = _rows(user, K.RECEPTION_ROUTE)
    last = len(rows) - 1
    assert rows[last] == ("", "")  # the empty new line at the bottom
    assert _state(user, K.RECEPTION_ROUTE, last) == "new"
    assert not _save_enabled(user, K.RECEPTION_ROUTE)

    user.find(f"code-reception_route-{last}-code").trigger("focus").type("6")
    user.find(f"code-reception_route-{last}-name").type("카카오톡")
    assert _state(user, K.RECEPTION_ROUTE, last) == "changed"
    assert _save_enabled(user, K.RECEPTION_ROUTE)
    # Enter twice and 저장 at once, as a double key press and a click arrive together: one save,
    # and no second one refused as a duplicate of the first
    name = user.find(f"code-reception_route-{last}-name")
    await _handled(
        lambda: (
            name.trigger("keydown.enter").trigger("keydown.enter"),
            user.find("code-save-reception_route").click(),
        )
    )
    assert _state(user, K.RECEPTION_ROUTE, last) == "saved"
    await user.should_not_see("이미 있습니다")
    assert _rows(user, K.RECEPTION_ROUTE)[last:] == [("6", "카카오톡"), ("", "")]
    assert _state(user, K.RECEPTION_ROUTE, last + 1) == "new"
    await eventually(lambda: not _save_enabled(user, K.RECEPTION_ROUTE))
    assert await CodeEntry.filter(kind=K.RECEPTION_ROUTE, code="6").count() == 1
    assert (await CodeEntry.get(kind=K.RECEPTION_ROUTE, code="6")).name == "카카오톡"


async def test_a_refused_row_keeps_what_was_typed_and_says_why_under_the_cell(user: User):
    await make_admin(login="boss")
    await _open(user, "접수경로", K.RECEPTION_ROUTE)
    last = len(_rows(user, K.RECEPTION_ROUTE)) - 1
    code = _cell(user, K.RECEPTION_ROUTE, last, "code")
    name = _cell(user, K.RECEPTION_ROUTE, last, "name")

    user.find(f"code-reception_route-{last}-code").trigger("focus").type("7")
    user.find(f"code-reception_route-{last}-code").trigger("keydown.enter")
    await user.should_see("이름을 입력하세요.", retries=50)
    assert name.props.get("error") is True
    assert _state(user, K.RECEPTION_ROUTE, last) == "refused"
    assert code.value == "7"

    code.value = "1"  # a code the table already has
    name.value = "중복"
    user.find(f"code-reception_route-{last}-name").trigger("keydown.enter")
    await user.should_see("코드 '1'은 이미 있습니다. 다른 코드를 입력하세요.", retries=50)
    assert code.props.get("error") is True and not name.props.get("error")
    assert (code.value, name.value) == ("1", "중복")
    assert len(_rows(user, K.RECEPTION_ROUTE)) == last + 1  # no new line below a refused one
    assert not await CodeEntry.filter(name="중복").exists()

    code.value = "7"
    user.find(f"code-reception_route-{last}-name").trigger("keydown.enter")
    await eventually(lambda: _state(user, K.RECEPTION_ROUTE, last) == "saved")
    await user.should_not_see("코드 '1'은 이미 있습니다")
    assert await CodeEntry.filter(kind=K.RECEPTION_ROUTE, code="7", name="중복").count() == 1


async def test_a_name_edited_in_place_is_saved_when_the_cursor_leaves_the_row(user: User):
    await make_admin(login="boss")
    await _open(user, "부서", K.DEPARTMENT)
    first = _index(user, K.DEPARTMENT, "관리부서")
    before = await CodeEntry.get(kind=K.DEPARTMENT, name="관리부서")

    user.find(f"code-department-{first}-name").trigger("focus")
    _cell(user, K.DEPARTMENT, first, "name").value = "관리본부"
    assert _state(user, K.DEPARTMENT, first) == "changed"
    await user.should_see("저장하지 않은 줄 1개")
    assert (await CodeEntry.get(id=before.id)).name == "관리부서"  # not while the cursor is in it

    user.find(f"code-department-{first + 1}-description").trigger("focus")  # the next row
    await eventually(lambda: _state(user, K.DEPARTMENT, first) == "saved")
    stored = await CodeEntry.get(id=before.id)
    assert stored.name == "관리본부" and stored.version == before.version + 1
    await user.should_not_see("저장하지 않은 줄")

    # Enter twice and 저장 at once on an edited row: saved once, no conflict with its own save
    _cell(user, K.DEPARTMENT, first, "short_name").value = "관리"
    short_name = user.find(f"code-department-{first}-short_name")
    await _handled(
        lambda: (
            short_name.trigger("keydown.enter").trigger("keydown.enter"),
            user.find("code-save-department").click(),
        )
    )
    assert _state(user, K.DEPARTMENT, first) == "saved"
    await user.should_not_see(marker="conflict-reapply")
    assert (await CodeEntry.get(id=before.id)).version == before.version + 2

    # the 사용 box and 순서 too, saved with 저장
    _cell(user, K.DEPARTMENT, first, "active").value = False
    _cell(user, K.DEPARTMENT, first, "sort_order").value = "9"
    user.find("code-save-department").click()
    await eventually(lambda: _state(user, K.DEPARTMENT, first) == "saved")
    stored = await CodeEntry.get(id=before.id)
    assert stored.active is False and stored.sort_order == 9

    _cell(user, K.DEPARTMENT, first, "sort_order").value = "아홉"
    user.find("code-save-department").click()
    await user.should_see("0에서 1,000,000 사이의 정수로 입력하세요.", retries=50)
    assert (await CodeEntry.get(id=before.id)).sort_order == 9


async def test_a_code_in_use_cannot_be_deleted_and_the_dialog_switches_it_off_instead(user: User):
    admin = await make_admin(login="boss")
    department = await codes.save_code(by=admin, kind=K.DEPARTMENT, code="99", name="임시부서")
    await Staff.filter(id=(await make_staff()).id).update(department_id=department.id)
    await _open(user, "부서", K.DEPARTMENT)
    index = _index(user, K.DEPARTMENT, "임시부서")
    user.find(f"code-department-row-{index}").click()  # a click on the row selects it

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
    await eventually(lambda: _cell(user, K.DEPARTMENT, index, "active").value is False)
    assert _state(user, K.DEPARTMENT, index) != "changed"  # what the grid shows is what is stored
    await user.should_not_see(marker="code-deactivate-instead")  # the dialog closed


async def test_an_unused_code_is_deleted_after_asking_and_a_typed_new_row_is_just_dropped(user: User):
    admin = await make_admin(login="boss")
    unused = await codes.save_code(by=admin, kind=K.DEPARTMENT, code="98", name="없어질부서")
    await _open(user, "부서", K.DEPARTMENT)
    user.find(f"code-department-{_index(user, K.DEPARTMENT, '없어질부서')}-name").trigger("focus")
    user.find("code-delete-department").click()
    await user.should_see("부서 '98 없어질부서'를 삭제할까요?")
    user.find("confirm-delete").click()
    await user.should_see("삭제했습니다.", retries=50)
    assert not await CodeEntry.exists(id=unused.id)
    await eventually(lambda: all(name != "없어질부서" for _, name in _rows(user, K.DEPARTMENT)))

    last = len(_rows(user, K.DEPARTMENT)) - 1
    user.find(f"code-department-{last}-code").trigger("focus").type("X1")
    user.find("code-delete-department").click()
    await user.should_see("입력 중인 새 줄을 지울까요?")
    user.find("confirm-yes").click()
    await eventually(lambda: _rows(user, K.DEPARTMENT)[-1] == ("", ""))
    assert len(_rows(user, K.DEPARTMENT)) == last + 1
    assert not await CodeEntry.filter(code="X1").exists()


async def test_a_row_saved_first_by_another_admin_is_saved_with_my_input_on_top(user: User):
    boss = await make_admin(login="boss")
    entry = await codes.save_code(by=boss, kind=K.DEPARTMENT, code="99", name="임시부서")
    await _open(user, "부서", K.DEPARTMENT)
    index = _index(user, K.DEPARTMENT, "임시부서")
    user.find(f"code-department-{index}-name").trigger("focus")

    await codes.save_code(
        by=boss, kind=K.DEPARTMENT, code="99", name="영업지원부", entry_id=entry.id, version=entry.version
    )
    _cell(user, K.DEPARTMENT, index, "name").value = "기술지원부"
    user.find("code-save-department").click()
    await user.should_see("내 입력과 저장된 값이 다른 항목: 이름", retries=50)
    assert (await CodeEntry.get(id=entry.id)).name == "영업지원부"  # nothing overwritten
    assert _cell(user, K.DEPARTMENT, index, "name").value == "기술지원부"  # nothing lost
    user.find("conflict-reapply").click()
    await eventually(lambda: _state(user, K.DEPARTMENT, index) == "saved")
    stored = await CodeEntry.get(id=entry.id)
    assert stored.name == "기술지원부" and stored.version == entry.version + 2

    # and once more, this time taking the other admin's version
    await codes.save_code(
        by=boss, kind=K.DEPARTMENT, code="99", name="지원부", entry_id=entry.id, version=stored.version
    )
    _cell(user, K.DEPARTMENT, index, "short_name").value = "기술"
    user.find(f"code-department-{index}-short_name").trigger("keydown.enter")
    await user.should_see(marker="conflict-reload", retries=50)
    user.find("conflict-reload").click()
    await eventually(lambda: _cell(user, K.DEPARTMENT, index, "name").value == "지원부")
    assert _cell(user, K.DEPARTMENT, index, "short_name").value == ""
    assert _state(user, K.DEPARTMENT, index) == "stored"
    assert not _cell(user, K.DEPARTMENT, index, "name").props.get("error")
    assert (await CodeEntry.get(id=entry.id)).short_name == ""


async def test_refusals_for_rights_and_program_codes_are_shown_in_korean(user: User):
    await make_admin(login="boss")
    await _open(user, "납입형태", K.PAYMENT_FORM)
    yearly = _index(user, K.PAYMENT_FORM, "년납")
    code = _cell(user, K.PAYMENT_FORM, yearly, "code")
    assert code.props.get("readonly") is True  # the program relies on Y/M

    # the admin right was taken away while the screen was open
    await Staff.filter(login="boss").update(role=Role.STAFF)
    user.find(f"code-payment_form-{yearly}-name").trigger("focus")
    _cell(user, K.PAYMENT_FORM, yearly, "name").value = "연납"
    user.find("code-save-payment_form").click()
    await user.should_see("관리자만 사용할 수 있는 기능입니다.", retries=50)
    assert _state(user, K.PAYMENT_FORM, yearly) == "refused"
    assert not await CodeEntry.filter(name="연납").exists()

    await Staff.filter(login="boss").update(role=Role.ADMIN)
    user.find("code-save-payment_form").click()
    await eventually(lambda: _state(user, K.PAYMENT_FORM, yearly) == "saved")
    assert await CodeEntry.filter(kind=K.PAYMENT_FORM, code="Y", name="연납").exists()


async def test_a_lower_level_holds_the_children_of_the_row_selected_above(user: User):
    await make_admin(login="boss")
    await _open(user, "접수분류", K.RECEPTION_CATEGORY)
    await user.should_see("대분류에서 항목을 선택하세요.")  # the lower levels wait for a row above
    assert _found(user, "code-reception_category-2-0-code") == []

    user.find("code-reception_category-row-0").click()  # 01 프로그램
    await user.should_see("중분류 · 01 프로그램", retries=50)
    await eventually(lambda: len(_found(user, "code-reception_category-2-3-code")) == 1)
    assert [code for code, _ in _rows_of(user, "reception_category-2")] == ["0101", "0102", "0103", ""]
    user.find("code-reception_category-2-3-code").trigger("focus").type("0104")
    user.find("code-reception_category-2-3-name").type("원격지원").trigger("keydown.enter")
    await eventually(lambda: CodeEntry.filter(code="0104").exists())
    program = await CodeEntry.get(kind=K.RECEPTION_CATEGORY, code="01")
    assert (await CodeEntry.get(code="0104")).parent_id == program.id

    user.find("code-reception_category-2-row-3").click()  # the new 중분류: its own 일반분류
    await user.should_see("일반분류 · 0104 원격지원", retries=50)
    assert _rows_of(user, "reception_category-3") == [("", "")]


async def test_switching_to_another_table_saves_a_changed_row_and_asks_about_a_refused_one(user: User):
    await make_admin(login="boss")
    await _open(user, "부서", K.DEPARTMENT)
    index = _index(user, K.DEPARTMENT, "영업부")
    user.find(f"code-department-{index}-name").trigger("focus")
    _cell(user, K.DEPARTMENT, index, "name").value = "영업본부"
    user.find("code-section-직책").click()
    await user.should_see(marker="code-table-position", retries=50)
    assert await CodeEntry.filter(kind=K.DEPARTMENT, name="영업본부").exists()

    last = len(_rows(user, K.POSITION)) - 1
    await eventually(lambda: last > 0)
    user.find(f"code-position-{last}-code").trigger("focus").type("08")  # no name: refused
    user.find("code-section-부서").click()
    await user.should_see("저장하지 않은 내용이 있습니다. 저장하지 않고 이동할까요?", retries=50)
    await user.should_see("이름을 입력하세요.")
    user.find("confirm-no").click()
    await user.should_not_see("저장하지 않고 이동할까요?")
    assert _cell(user, K.POSITION, last, "code").value == "08"  # still here, as typed

import pytest

from core.errors import InUseError, PermissionDenied, StaleRecordError, ValidationError
from models.codes import CodeEntry, CodeKind
from models.staff import Staff
from services import codes
from tests.factories.staff import make_admin, make_staff


async def test_first_run_seeds_the_manuals_values(db):
    statuses = await codes.list_codes(CodeKind.CUSTOMER_STATUS)
    assert [(c.code, c.name) for c in statuses][:4] == [
        ("0", "미처리"),
        ("1", "견적발송"),
        ("2", "신규접수"),
        ("3", "설치완료"),
    ]
    assert [c.short_name for c in await codes.list_codes(CodeKind.RECEPTION_TYPE)] == [
        "AS",
        "영업",
        "사후",
        "불만",
    ]
    groups = {c.name: c for c in await codes.list_codes(CodeKind.PRODUCT_GROUP)}
    modules = await codes.list_codes(CodeKind.PRODUCT_MODULE, parent_id=groups["뉴젠ERP"].id)
    assert [m.name for m in modules][:3] == ["기본형", "영업관리", "회계관리"]
    forms = await codes.list_codes(CodeKind.PAYMENT_FORM)
    assert {(f.code, f.name) for f in forms} == {("Y", "년납"), ("M", "월납")}
    await codes.seed_codes()  # a second run adds nothing
    assert len(await codes.list_codes(CodeKind.CUSTOMER_STATUS)) == len(statuses)


async def test_add_edit_and_deactivate(db):
    admin = await make_admin()
    entry = await codes.save_code(by=admin, kind=CodeKind.RECEPTION_ROUTE, code="6", name="카카오톡")
    assert entry.sort_order == 6
    edited = await codes.save_code(
        by=admin,
        kind=CodeKind.RECEPTION_ROUTE,
        code="6",
        name="메신저",
        entry_id=entry.id,
        version=entry.version,
    )
    assert edited.name == "메신저"
    await codes.set_code_active(entry.id, by=admin, active=False)
    assert entry.id not in await codes.code_choices(CodeKind.RECEPTION_ROUTE)
    assert any(c.id == entry.id for c in await codes.list_codes(CodeKind.RECEPTION_ROUTE))


async def test_duplicate_code_in_the_same_table_is_rejected(db):
    admin = await make_admin()
    with pytest.raises(ValidationError) as error:
        await codes.save_code(by=admin, kind=CodeKind.CUSTOMER_STATUS, code="3", name="중복")
    assert "이미 있습니다" in error.value.fields["code"]
    # the same code in another table is fine
    await codes.save_code(by=admin, kind=CodeKind.CUSTOMER_CLASS_C, code="03", name="전시회")


async def test_code_in_use_cannot_be_deleted_but_unused_can(db):
    admin = await make_admin()
    department = await codes.save_code(by=admin, kind=CodeKind.DEPARTMENT, code="99", name="임시부서")
    member = await Staff.get(id=(await make_staff()).id)
    member.department_id = department.id
    await member.save()
    with pytest.raises(InUseError, match="사용 중이라 삭제할 수 없습니다"):
        await codes.delete_code(department.id, by=admin)
    assert await CodeEntry.exists(id=department.id)
    unused = await codes.save_code(by=admin, kind=CodeKind.DEPARTMENT, code="98", name="없어질부서")
    await codes.delete_code(unused.id, by=admin)
    assert not await CodeEntry.exists(id=unused.id)


async def test_a_category_with_children_cannot_be_deleted(db):
    admin = await make_admin()
    top = (await codes.list_codes(CodeKind.RECEPTION_CATEGORY))[0]
    with pytest.raises(InUseError):
        await codes.delete_code(top.id, by=admin)


async def test_categories_nest_three_levels_only(db):
    admin = await make_admin()
    large = await codes.save_code(by=admin, kind=CodeKind.RECEPTION_CATEGORY, code="09", name="교육")
    medium = await codes.save_code(
        by=admin, kind=CodeKind.RECEPTION_CATEGORY, code="0901", name="방문교육", parent_id=large.id
    )
    small = await codes.save_code(
        by=admin, kind=CodeKind.RECEPTION_CATEGORY, code="090101", name="신입교육", parent_id=medium.id
    )
    assert [c.id for c in await codes.list_codes(CodeKind.RECEPTION_CATEGORY, parent_id=medium.id)] == [
        small.id
    ]
    assert large.id in [c.id for c in await codes.list_codes(CodeKind.RECEPTION_CATEGORY)]
    assert medium.id not in [c.id for c in await codes.list_codes(CodeKind.RECEPTION_CATEGORY)]
    with pytest.raises(ValidationError, match="3단계"):
        await codes.save_code(
            by=admin, kind=CodeKind.RECEPTION_CATEGORY, code="09010101", name="너무깊음", parent_id=small.id
        )


async def test_modules_need_a_product_group(db):
    admin = await make_admin()
    with pytest.raises(ValidationError, match="상위 코드"):
        await codes.save_code(by=admin, kind=CodeKind.PRODUCT_MODULE, code="X1", name="떠돌이")


async def test_program_codes_keep_their_code_and_cannot_be_deleted(db):
    admin = await make_admin()
    yearly = next(c for c in await codes.list_codes(CodeKind.PAYMENT_FORM) if c.code == "Y")
    renamed = await codes.save_code(
        by=admin, kind=CodeKind.PAYMENT_FORM, code="Y", name="연납", entry_id=yearly.id
    )
    assert renamed.name == "연납"
    with pytest.raises(ValidationError):
        await codes.save_code(
            by=admin, kind=CodeKind.PAYMENT_FORM, code="YY", name="연납", entry_id=yearly.id
        )
    with pytest.raises(InUseError):
        await codes.delete_code(yearly.id, by=admin)


async def test_staff_cannot_edit_code_tables(db):
    member = await make_staff()
    with pytest.raises(PermissionDenied):
        await codes.save_code(by=member, kind=CodeKind.DUTY, code="09", name="영업지원")


async def test_switching_a_code_off_checks_the_version_the_user_saw(db):
    admin = await make_admin()
    entry = await codes.save_code(by=admin, kind=CodeKind.DEPARTMENT, code="96", name="지원팀")
    await codes.save_code(
        by=admin,
        kind=CodeKind.DEPARTMENT,
        code="96",
        name="고객지원팀",
        entry_id=entry.id,
        version=entry.version,
    )
    with pytest.raises(StaleRecordError):
        await codes.set_code_active(entry.id, by=admin, active=False, version=entry.version)
    assert (await CodeEntry.get(id=entry.id)).active is True
    await codes.set_code_active(entry.id, by=admin, active=False, version=entry.version + 1)
    assert (await CodeEntry.get(id=entry.id)).active is False

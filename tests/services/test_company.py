"""회사정보: the company block printed on quotes, with its optional stamp image."""

import base64

import pytest

from core.errors import PermissionDenied, StaleRecordError, ValidationError
from services import company
from tests.factories.staff import make_admin, make_staff

STAMP_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEklEQVR4nGP4z8CAFWEXHbQSACj/P8Fu7N9hAAAAAElFTkSuQmCC"
)


async def _save(by, version=0, **changes):
    values = {
        "name": "(주)고객소프트",
        "business_number": "123-45-67891",
        "representative": "김대표",
        "address": "서울시 구로구 디지털로 1",
        "phone": "028088016",
        "fax": "",
    } | changes
    return await company.save_company(by=by, version=version, **values)


async def test_admin_saves_the_company_block_and_it_is_formatted(db):
    admin = await make_admin()
    assert (await company.get_company()).name == ""
    info = await _save(admin)
    assert info.version == 1
    stored = await company.get_company()
    assert stored.name == "(주)고객소프트" and stored.business_number == "1234567891"
    assert stored.business_number_display == "123-45-67891" and stored.phone == "02-808-8016"


async def test_bad_values_are_refused_next_to_their_fields(db):
    admin = await make_admin()
    with pytest.raises(ValidationError) as error:
        await _save(admin, name=" ", business_number="123-00-67890", phone="전화")
    assert set(error.value.fields) == {"name", "business_number", "phone"}
    assert (await company.get_company()).version == 0


async def test_staff_cannot_change_it_and_a_stale_form_is_refused(db):
    admin = await make_admin(name="관리자1")
    with pytest.raises(PermissionDenied):
        await _save(await make_staff())
    first = await _save(admin)
    await _save(admin, version=first.version, representative="박대표")
    with pytest.raises(StaleRecordError) as stale:
        await _save(admin, version=first.version, representative="이대표")
    assert (await company.get_company()).representative == "박대표"
    # what the form needs to re-apply: the setting that differs (not its JSON column) and the version
    assert stale.value.differing == ("representative",)
    assert stale.value.latest_version == first.version + 1


async def test_stamp_image_is_stored_in_the_data_folder_and_inlined(db, isolated_data):
    admin = await make_admin()
    info = await _save(admin)
    with pytest.raises(ValidationError, match="PNG, JPG, GIF"):
        await company.save_stamp(by=admin, version=info.version, filename="stamp.svg", data=b"<svg/>")
    info = await company.save_stamp(by=admin, version=info.version, filename="도장.png", data=STAMP_PNG)
    stored = isolated_data / "company" / info.stamp
    assert stored.read_bytes() == STAMP_PNG
    uri = await company.stamp_data_uri()
    assert uri == "data:image/png;base64," + base64.b64encode(STAMP_PNG).decode()
    replaced = await company.save_stamp(by=admin, version=info.version, filename="new.png", data=STAMP_PNG)
    assert not stored.exists() and (isolated_data / "company" / replaced.stamp).exists()
    cleared = await company.remove_stamp(by=admin, version=replaced.version)
    assert cleared.stamp == "" and await company.stamp_data_uri() == ""
    assert (await company.get_company()).name == "(주)고객소프트"


async def test_two_admins_saving_the_block_for_the_first_time_meet_a_conflict_they_can_re_apply(db):
    admin = await make_admin()
    first = await _save(admin, version=0, representative="박대표")
    with pytest.raises(StaleRecordError) as stale:
        await _save(admin, version=0, representative="이대표")  # opened before the first save
    assert stale.value.differing == ("representative",)
    await _save(admin, version=stale.value.latest_version, representative="이대표")
    info = await company.get_company()
    assert info.representative == "이대표" and info.version == first.version + 1

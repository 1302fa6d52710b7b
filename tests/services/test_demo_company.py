"""seed-demo fills 회사정보 (with a sample stamp) once, and never over what an office entered."""

import base64

from core.korean import business_number_error
from services import company
from services.demo import company as company_step
from tests.factories.staff import make_admin


async def test_demo_company_info_is_filled_once_with_a_stamp(db):
    first = await company_step.seed()
    assert "(주)고객소프트" in first
    info = await company.get_company()
    assert (info.name, info.representative, info.business_number_display) == (
        "(주)고객소프트",
        "김대표",
        "123-45-67891",
    )
    assert business_number_error(info.business_number) is None  # a valid check digit
    assert info.address and info.phone == "02-808-8016" and info.fax == "02-808-8017"
    assert info.business_type and info.business_item
    uri = await company.stamp_data_uri(info)
    assert uri.startswith("data:image/png;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).startswith(b"\x89PNG")

    second = await company_step.seed()
    assert second == "회사정보는 이미 입력되어 있어 그대로 둠"
    assert await company.get_company() == info


async def test_company_info_an_office_entered_is_kept(db):
    admin = await make_admin()
    mine = await company.save_company(by=admin, version=0, name="우리회사", representative="이사장")
    assert await company_step.seed() == "회사정보는 이미 입력되어 있어 그대로 둠"
    kept = await company.get_company()
    assert kept == mine and kept.stamp == ""

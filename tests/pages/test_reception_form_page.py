"""The reception form as a person types into it: a known number offers its customer."""

from nicegui.testing import User

from models.reception import Reception
from services.phone_directory import sync_customer_phones
from tests.sales_factories import make_customer
from tests.utils import eventually, make_admin, make_staff, sign_in


def _one(user: User, marker: str):
    return next(iter(user.find(marker).elements))


async def _new_reception(user: User) -> None:
    await user.should_see(marker="log-add", retries=50)
    user.find("log-add").click()
    await user.should_see(marker="reception-save", retries=30)


async def test_typing_a_known_customers_number_offers_that_customer_and_one_click_fills_it(user: User):
    await make_admin(login="boss")
    await make_staff(login="clerk")
    jaegeun = await make_customer("재근상사")
    jaegeun.phone = "031-777-1234"
    await jaegeun.save()
    await sync_customer_phones(jaegeun)
    await sign_in(user, "clerk")
    await _new_reception(user)

    user.find("reception-phone").type("02-555-0000")  # nobody's number: nothing offered
    await user.should_not_see(marker="reception-number-owner")
    user.find("reception-phone").clear().type("031-777-1234")
    await user.should_see(marker="reception-number-owner", retries=30)
    owner = _one(user, "reception-number-owner")
    assert owner.text == f"재근상사 ({jaegeun.code})"
    assert _one(user, "reception-customer").value == ""

    user.find("reception-number-owner").click()
    await eventually(lambda: _one(user, "reception-customer").value == f"재근상사 ({jaegeun.code})")
    assert _one(user, "reception-contact").value == "김담당"
    await user.should_not_see(marker="reception-number-owner")

    user.find("reception-inquiry").type("프린터 용지걸림")
    user.find("reception-save").click()
    await user.should_see("저장했습니다.", retries=30)
    stored = await Reception.get(inquiry="프린터 용지걸림")
    assert stored.customer_id == jaegeun.id and stored.phone == "031-777-1234"

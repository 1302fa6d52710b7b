"""The reception form as a person types into it: a known number offers its customer; someone
saving first does not throw my input away."""

import datetime as dt

from nicegui.testing import User

from models.reception import Reception
from services.phone_directory import sync_customer_phones
from services.receptions import ReceptionInput, get_reception, save_reception
from tests.factories.sales import make_trading_customer
from tests.factories.staff import make_admin, make_staff
from tests.utils import eventually, shown_values, sign_in


def _one(user: User, marker: str):
    return next(iter(user.find(marker).elements))


async def _new_reception(user: User) -> None:
    await user.should_see(marker="log-add", retries=50)
    user.find("log-add").click()
    await user.should_see(marker="reception-save", retries=30)


async def test_typing_a_known_customers_number_offers_that_customer_and_one_click_fills_it(user: User):
    await make_admin(login="boss")
    await make_staff(login="clerk")
    jaegeun = await make_trading_customer("재근상사")
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


async def _open_in_the_log(user: User, inquiry: str) -> None:
    await user.should_see(marker="reception-log-table", retries=50)
    table = _one(user, "reception-log-table")
    await eventually(lambda: any(r["inquiry"] == inquiry for r in table.rows))
    row = next(r for r in table.rows if r["inquiry"] == inquiry)
    user.find("reception-log-table").trigger("rowContextmenu", [{}, row, 0])
    user.find("log-menu-edit").click()
    await user.should_see(marker="reception-save", retries=30)


async def test_someone_saving_first_keeps_my_reception_input_and_reapplies_it(user: User):
    boss = await make_admin(login="boss")
    clerk = await make_staff(login="clerk")
    at = (dt.datetime.now() - dt.timedelta(minutes=1)).replace(microsecond=0)
    first = await save_reception(
        ReceptionInput(received_at=at, receiver_id=clerk.id, inquiry="용지걸림"), by=clerk
    )
    await sign_in(user, "clerk")
    await _open_in_the_log(user, "용지걸림")

    # the boss saves the same reception while it is open here
    theirs = (await get_reception(first.id)).data
    theirs.inquiry = "용지걸림 (사장님 메모)"
    await save_reception(theirs, by=boss, reception_id=first.id, version=first.version)

    user.find("reception-inquiry").clear().type("용지걸림 — 롤러 교체 필요")
    user.find("reception-save").click()
    await user.should_see("내 입력과 저장된 값이 다른 항목: 접수내용 (고객 문의)", retries=30)
    assert _one(user, "reception-inquiry").props.get("error") is True
    user.find("conflict-reapply").click()
    await user.should_see("저장했습니다.", retries=30)
    stored = await Reception.get(id=first.id)
    assert stored.inquiry == "용지걸림 — 롤러 교체 필요" and stored.version == first.version + 2


async def test_loading_the_latest_reception_after_a_conflict_shows_what_was_saved(user: User):
    boss = await make_admin(login="boss")
    clerk = await make_staff(login="clerk")
    at = (dt.datetime.now() - dt.timedelta(minutes=1)).replace(microsecond=0)
    first = await save_reception(
        ReceptionInput(received_at=at, receiver_id=clerk.id, inquiry="토너"), by=clerk
    )
    await sign_in(user, "clerk")
    await _open_in_the_log(user, "토너")
    theirs = (await get_reception(first.id)).data
    theirs.answer = "토너 발송함"
    await save_reception(theirs, by=boss, reception_id=first.id, version=first.version)

    user.find("reception-answer").type("내일 방문")
    user.find("reception-save").click()
    await user.should_see("내 입력과 저장된 값이 다른 항목: 처리답변", retries=30)
    user.find("conflict-reload").click()
    await eventually(lambda: "토너 발송함" in shown_values(user, "reception-answer"))
    assert (await Reception.get(id=first.id)).answer == "토너 발송함"

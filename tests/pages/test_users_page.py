"""설정 → 사용자 관리: the user editor keeps what was typed until its 닫기 is confirmed."""

from nicegui.testing import User

from models.staff import Staff
from tests.factories.staff import make_admin
from tests.utils import sign_in

QUESTION = "저장하지 않은 내용이 있습니다. 저장하지 않고 닫을까요?"


async def _open_new_user(user: User) -> None:
    user.find("user-add").click()
    await user.should_see(marker="user-name", retries=50)


async def test_closing_the_user_editor_with_nothing_typed_closes_at_once(user: User):
    await make_admin(login="boss")
    await sign_in(user, "boss")
    await user.open("/settings/users")
    await user.should_see(marker="users-table", retries=50)
    await _open_new_user(user)
    user.find("user-close").click()
    await user.should_not_see(marker="user-name", retries=50)
    await user.should_not_see(QUESTION)


async def test_closing_the_user_editor_with_typed_input_asks_first_and_keeps_it(user: User):
    await make_admin(login="boss")
    await sign_in(user, "boss")
    await user.open("/settings/users")
    await user.should_see(marker="users-table", retries=50)
    await _open_new_user(user)
    user.find("user-name").type("김신입")
    user.find("user-close").click()
    await user.should_see(QUESTION, retries=50)
    user.find("confirm-no").click()
    await user.should_not_see(QUESTION, retries=50)
    assert user.find("user-name").elements.pop().value == "김신입"  # kept

    user.find("user-close").click()
    await user.should_see(QUESTION, retries=50)
    user.find("confirm-yes").click()
    await user.should_not_see(marker="user-name", retries=50)
    assert not await Staff.filter(name="김신입").exists()

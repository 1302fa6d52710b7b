from nicegui.testing import User

from models.codes import CodeEntry, CodeKind
from tests.utils import eventually, make_admin, sign_in


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

"""Two signed-in people (two simulated browsers) have the same customer open and both change it:
the first 저장 stands, the second is refused with the first person's name and keeps what was typed."""

import httpx
from nicegui import core
from nicegui.testing import User

from models.customer import Customer
from services import customers
from tests.factories.staff import make_admin, make_staff
from tests.utils import sign_in


def second_browser() -> User:
    """Another browser on the app the `user` fixture already runs (own cookies, own tab)."""
    return User(httpx.AsyncClient(transport=httpx.ASGITransport(core.app), base_url="http://test"))


async def test_the_second_save_of_the_same_customer_names_the_first_person(user: User):
    await make_admin(login="boss")
    await make_staff(login="kim", name="김먼저")
    await make_staff(login="lee", name="이나중")
    customer = await customers.save_customer(
        customers.CustomerInput(company_name="재근상사", registered_on="2014-02-13"), by=await make_staff()
    )
    kim, lee = user, second_browser()
    for person, login in ((kim, "kim"), (lee, "lee")):
        await sign_in(person, login)
        await person.open(f"/customers/{customer.id}")
        await person.should_see(marker="customer-memo", retries=50)

    kim.find("customer-memo").type("김먼저가 쓴 메모")
    kim.find("customer-save").click()
    await kim.should_see("저장했습니다.", retries=50)

    lee.find("customer-memo").type("이나중이 쓴 메모")
    lee.find("customer-save").click()
    await lee.should_see("김먼저님이", retries=50)
    assert lee.find("customer-memo").elements.pop().value == "이나중이 쓴 메모"
    assert (await Customer.get(id=customer.id)).memo == "김먼저가 쓴 메모"
    await lee.http_client.aclose()

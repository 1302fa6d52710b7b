"""Memo-like fields state their limit where it matters: a counter against the maximum the
service enforces, and a paste over it refused at the field (data-max)."""

from nicegui.testing import User

from services import cards, customers, quotes
from services.customers import CustomerInput
from tests.factories.staff import make_admin
from tests.utils import sign_in


def _limit(user: User, marker: str) -> int:
    element = next(iter(user.find(marker).elements))
    assert "counter" in element.props, marker
    assert element.props["maxlength"] == element.props["data-max"]
    return int(element.props["maxlength"])


async def test_memo_fields_show_a_counter_of_the_services_maximum(user: User):
    boss = await make_admin(login="boss")
    customer = await customers.save_customer(
        CustomerInput(company_name="재근상사", registered_on="2014-02-13"), by=boss
    )
    await sign_in(user, "boss")

    await user.open(f"/customers/{customer.id}")
    await user.should_see(marker="customer-memo", retries=50)
    assert _limit(user, "customer-memo") == customers.MEMO_MAX
    await user.should_see(marker="history-note", retries=50)
    assert _limit(user, "history-note") == customers.HISTORY_NOTE_MAX

    await user.open(f"/quotes/new?customer={customer.id}")
    await user.should_see(marker="quote-remarks", retries=50)
    assert _limit(user, "quote-remarks") == quotes.REMARKS_MAX

    await user.open("/cards")
    await user.should_see(marker="cards-add", retries=50)
    user.find("cards-add").click()
    await user.should_see(marker="card-notes", retries=50)
    assert _limit(user, "card-notes") == cards.NOTES_MAX

from nicegui import ui
from nicegui.testing import User

from services.office_network import office_urls
from tests.factories.staff import make_admin, make_staff
from tests.utils import sign_in


async def test_staff_see_the_office_addresses_with_a_qr_code_each(user: User):
    await make_admin(login="boss")
    await make_staff(login="clerk")
    await sign_in(user, "clerk")
    await user.open("/settings/addresses")
    await user.should_see(marker="office-address", retries=50)
    shown = [label.text for label in user.find("office-url").elements]
    port = int(shown[0].rsplit(":", 1)[1])
    assert shown == office_urls("0.0.0.0", port, tls=False)
    images = [element for card in user.find("office-address").elements for element in card.descendants()]
    sources = [element.props.get("src", "") for element in images if isinstance(element, ui.image)]
    assert len(sources) == len(shown) and all(src.startswith("data:image/svg+xml") for src in sources)

"""오늘 redraws its blocks only when what they show has changed: a refresh with nothing new keeps
the very rows on screen (a click on one is never lost to a redraw), and a new reception shows."""

import datetime as dt

from nicegui.testing import User

from services.receptions import ReceptionInput, save_reception
from tests.factories.staff import make_admin
from tests.utils import eventually, sign_in


async def test_a_refresh_redraws_only_what_changed(user: User):
    admin = await make_admin(login="boss")
    at = dt.datetime.now().replace(microsecond=0) - dt.timedelta(minutes=5)
    await save_reception(ReceptionInput(received_at=at, receiver_id=admin.id, inquiry="첫 문의"), by=admin)
    await sign_in(user, "boss")
    await user.open("/today")
    await user.should_see(marker="today-mine-count", retries=50)
    count = next(iter(user.find("today-mine-count").elements))
    await eventually(lambda: count.text == "1건")

    updated = next(iter(user.find("today-updated").elements))
    updated.text = ""
    user.find("today-refresh").click()  # nothing new: the same elements stay
    await eventually(lambda: updated.text.endswith("갱신"))  # the refresh has drawn what it would
    assert next(iter(user.find("today-mine-count").elements)) is count

    await save_reception(ReceptionInput(received_at=at, receiver_id=admin.id, inquiry="둘째 문의"), by=admin)
    user.find("today-refresh").click()
    await eventually(lambda: next(iter(user.find("today-mine-count").elements)).text == "2건")
    assert next(iter(user.find("today-mine-count").elements)) is not count

"""What the banner on every screen says (telephony.runtime.problems): a CTI device away for a
while, a Centrex line failing poll after poll. Real reader on a real (missing, then present) pty,
real poller against the local Centrex server."""

import datetime as dt

from services import centrex_users
from services.telephony_settings import CentrexSettings, CtiSettings
from telephony import runtime
from telephony.bus import CallBus
from telephony.poller import CentrexPoller
from telephony.serial_reader import CtiReader, State
from tests.factories.staff import make_admin
from tests.telephony.centrex_server import CentrexServer
from tests.utils import eventually


async def test_a_device_away_for_a_while_is_a_problem_until_it_is_back(db, device, monkeypatch):
    reader = CtiReader(CallBus())
    monkeypatch.setattr(runtime, "cti_reader", reader)
    monkeypatch.setattr(runtime, "CTI_DOWN_NOTICE", dt.timedelta(seconds=0.5))
    device.unplug()
    try:
        await reader.configure(CtiSettings(enabled=True, port=str(device.path)))
        await eventually(lambda: reader.down_since is not None)
        await eventually(lambda: [p.settings_path for p in runtime.problems()] == ["/settings/cti"])
        assert "연결되지 않았습니다" in runtime.problems()[0].message
        device.plug_in()
        reader.reconnect()
        await eventually(lambda: reader.state == State.CONNECTED, within=10)
        assert reader.down_since is None and runtime.problems() == []
    finally:
        await reader.stop()


async def test_a_centrex_line_failing_authentication_is_a_problem(db, monkeypatch):
    server = CentrexServer().start()
    poller = CentrexPoller(CallBus())
    monkeypatch.setattr(runtime, "centrex_poller", poller)
    try:
        admin = await make_admin()
        await centrex_users.save_centrex_user(by=admin, number070="07012345678", password="wrong")
        await poller.configure(CentrexSettings(base_url=server.base_url, poll_seconds=0.1))
        await eventually(lambda: runtime.problems() != [], within=10)
        [problem] = runtime.problems()
        assert problem.settings_path == "/settings/centrex"
        assert "인증에 실패했습니다" in problem.message and "1003" in problem.message
    finally:
        await poller.stop()
        server.stop()

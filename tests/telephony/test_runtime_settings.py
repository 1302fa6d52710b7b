"""Saved telephony settings reach the running telephony by themselves (through
telephony.runtime.apply_settings): no screen re-applies anything."""

import pytest

from services import centrex_users, telephony_settings
from telephony import runtime
from tests.factories.staff import make_admin
from tests.factories.telephony import use_centrex_at
from tests.telephony.centrex_server import CentrexServer

LINE = "07012345678"


@pytest.fixture
async def running(db):
    await runtime.start()
    yield
    await runtime.stop()


async def test_every_saved_change_is_taken_up_while_the_telephony_runs(running):
    admin = await make_admin()
    centrex = CentrexServer().start()
    centrex.add_line(LINE, "pw-1")
    try:
        await telephony_settings.save_call_settings(
            by=admin, version=None, dedup_seconds=45, popup_target="all", others_delay_seconds=5
        )
        assert runtime.call_bus.window_seconds == 45
        assert runtime.call_settings().others_delay_seconds == 5

        renewed = await telephony_settings.renew_ring_secret(by=admin)
        assert runtime.ring_callback.secret == renewed.values.ring_secret

        await use_centrex_at(centrex.base_url, by=admin, poll_seconds=30)
        assert runtime.centrex_poller.settings.base_url == centrex.base_url

        user = await centrex_users.save_centrex_user(by=admin, number070=LINE, password="pw-1")
        assert list(runtime.centrex_poller.lines) == [user.id]
        await centrex_users.delete_centrex_user(user.id, by=admin)
        assert runtime.centrex_poller.lines == {}

        assert runtime.pbx_webhook.token_hash == ""
        await telephony_settings.renew_webhook_token(by=admin)
        assert runtime.pbx_webhook.token_hash == await telephony_settings.load_webhook_token_hash() != ""

        await telephony_settings.save_cti_settings(
            by=admin,
            version=None,
            enabled=False,
            port="/dev/ttyGOGAEK0",
            baud=19200,
            preset="modem",
            regex="",
            init_commands="ATZ",
        )
        assert (runtime.cti_reader.settings.port, runtime.cti_reader.settings.baud) == (
            "/dev/ttyGOGAEK0",
            19200,
        )
    finally:
        centrex.stop()


async def test_after_the_telephony_stopped_a_save_changes_nothing_running(db):
    admin = await make_admin()
    await runtime.start()
    await runtime.stop()
    before = runtime.ring_callback.secret
    await telephony_settings.renew_ring_secret(by=admin)
    assert runtime.ring_callback.secret == before

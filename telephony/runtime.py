"""The running telephony of this process: one call bus fed by the serial reader, the Centrex
poller and the ring callback. `install(app)` (from main.build_app) registers them as background
components, health providers and the ring-callback and PBX webhook routes. Saved settings reach
it through one function, `apply_settings`, which services.telephony_settings calls after every
change while the telephony runs (screens only save)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fastapi import FastAPI

from services import centrex_users, health, lifecycle, telephony_settings
from services.telephony_settings import (
    CallSettings,
    Part,
    load_call_settings,
    load_centrex_settings,
    load_cti_settings,
)
from telephony.bus import CallBus
from telephony.poller import CentrexPoller
from telephony.ring_callback import ROUTE as RING_ROUTE
from telephony.ring_callback import RingCallback
from telephony.serial_reader import CtiReader
from telephony.webhook import ROUTE as WEBHOOK_ROUTE
from telephony.webhook import PbxWebhook

# a device away this long, or a line failing this many polls in a row, is shown on every screen
CTI_DOWN_NOTICE = dt.timedelta(minutes=1)
CENTREX_FAILURES_NOTICE = 2

call_bus = CallBus()
cti_reader = CtiReader(call_bus)
centrex_poller = CentrexPoller(call_bus)
ring_callback = RingCallback(call_bus)
pbx_webhook = PbxWebhook(call_bus)
_call_settings = CallSettings()


def call_settings() -> CallSettings:
    """How popups are routed (read by the popup component on every call)."""
    return _call_settings


@dataclass(frozen=True)
class Problem:
    settings_path: str  # where an admin fixes it
    message: str


def problems() -> list[Problem]:
    """What keeps calls from popping up right now, for the banner on every screen."""
    found = []
    down_since = cti_reader.down_since
    if down_since and dt.datetime.now() - down_since >= CTI_DOWN_NOTICE:
        minutes = int((dt.datetime.now() - down_since).total_seconds() // 60)
        found.append(
            Problem(
                "/settings/cti", f"CTI 장치가 {minutes}분 넘게 연결되지 않았습니다: {cti_reader.last_error}"
            )
        )
    for line in centrex_poller.lines.values():
        if line.failures >= CENTREX_FAILURES_NOTICE:
            found.append(
                Problem("/settings/centrex", f"센트릭스 수신 내역을 못 읽고 있습니다: {line.last_error}")
            )
    return found


async def apply_settings(part: Part | None = None) -> None:
    """Take up the saved settings of `part` (every part when None) in the running telephony."""
    global _call_settings
    if part in (None, Part.CALLS):
        _call_settings = (await load_call_settings()).values
        call_bus.window_seconds = _call_settings.dedup_seconds
    if part in (None, Part.CTI):
        await cti_reader.configure((await load_cti_settings()).values)
    if part in (None, Part.CENTREX):
        settings = (await load_centrex_settings()).values
        ring_callback.configure(settings.ring_secret)
        await centrex_poller.configure(settings)
    elif part == Part.CENTREX_LINES:
        await centrex_poller.refresh()
    if part in (None, Part.WEBHOOK):
        pbx_webhook.configure(await telephony_settings.load_webhook_token_hash())


async def start() -> None:
    call_bus.reset()
    centrex_users.forget_dials()
    await apply_settings()
    telephony_settings.on_change(apply_settings)


async def stop() -> None:
    telephony_settings.on_change(None)
    await cti_reader.stop()
    await centrex_poller.stop()


def install(app: FastAPI) -> None:
    lifecycle.register_background("telephony", start, stop)
    health.register_status("cti", cti_reader.status)
    health.register_status("centrex", centrex_poller.status)
    app.add_api_route(RING_ROUTE, ring_callback.endpoint, methods=["GET"], include_in_schema=False)
    app.add_api_route(WEBHOOK_ROUTE, pbx_webhook.endpoint, methods=["POST"], include_in_schema=False)

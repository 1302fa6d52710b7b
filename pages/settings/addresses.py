"""설정 → 접속 주소 (/settings/addresses, every signed-in staff member): the addresses at which the
office's PCs and the reception tablet open Gogaek, each with a QR code to scan."""

from __future__ import annotations

import asyncio

import segno
from nicegui import ui

from core.audit import Actor
from pages.frame import protected_page
from services.office_network import office_urls

PATH = "/settings/addresses"


def register() -> None:
    @protected_page(PATH, "접속 주소")
    async def addresses_page(actor: Actor) -> None:
        request = ui.context.client.request
        # the port and scheme this browser reached the server with; the LAN addresses of the machine
        tls = request.url.scheme == "https"
        port = request.url.port or (443 if tls else 80)
        ui.label("접속 주소").classes("text-h6")
        ui.label(
            "사무실의 PC와 태블릿에서 브라우저를 열고 아래 주소 가운데 하나를 입력하세요. "
            "태블릿과 휴대폰은 카메라로 QR 코드를 비추면 바로 열립니다. 같은 사무실 네트워크(공유기)에 "
            "연결되어 있어야 합니다."
        ).classes("text-grey-8")
        with ui.row().classes("gap-4"):
            # the host name lookup may wait on the network: off the event loop
            for url in await asyncio.to_thread(office_urls, "", port, tls=tls):
                with ui.card().classes("items-center p-4 gap-2").mark("office-address"):
                    ui.image(segno.make(url, error="m").svg_data_uri(scale=6)).classes("w-48 h-48").props(
                        f'alt="{url} QR 코드" no-spinner no-transition'
                    )
                    ui.label(url).classes("text-h6 font-mono").mark("office-url")

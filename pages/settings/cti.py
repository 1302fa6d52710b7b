"""설정 → CTI환경설정 (admin): the serial caller-ID device, its live state, CTI재접속, and how
incoming-call popups are de-duplicated and routed. Every value says where it came from; values
given by environment variables at start-up are shown read-only."""

from __future__ import annotations

from typing import TypeVar

import serial.tools.list_ports
from nicegui import run, ui

from core.audit import Actor
from core.errors import GogaekError
from core.korean import format_datetime
from pages.components.dialogs import confirm
from pages.components.forms import FieldErrors, save_with_feedback
from pages.components.leave_guard import FormGuard
from pages.components.save_action import SaveAction
from pages.frame import protected_page
from services import telephony_settings as ts
from telephony import runtime
from telephony.serial_reader import STATE_LABELS, State, make_parser

PRESET_LABELS = {
    ts.Preset.MODEM: "모뎀 (RING / DATE / TIME / NMBR)",
    ts.Preset.REGEX: "정규식 (한 줄에 한 통화)",
}
TARGET_LABELS = {
    ts.PopupTarget.ALL: "로그인한 모든 화면",
    ts.PopupTarget.EXTENSION_FIRST: "내선 담당자 먼저, 잠시 뒤 모두에게",
    ts.PopupTarget.EXTENSION_ONLY: "내선 담당자에게만 (담당자가 없으면 모두)",
}
REGEX_EXAMPLES = [
    ("CID:0212345678", r"CID:\s*(?P<number>[\d-]+)"),
    ("0212345678,20261127150700", r"^(?P<number>\d{8,12}),\d{14}"),
    ("L1 0212345678 (회선 번호 포함)", r"^L(?P<ext>\d+)\s+(?P<number>[\d-]+)"),
]
STATE_COLORS = {State.CONNECTED: "positive", State.RETRYING: "negative", State.CONNECTING: "warning"}
Field = TypeVar("Field", bound=ui.element)


class OriginCaptions:
    """'출처: …' under each field, refreshed after saving."""

    def __init__(self, loaded: ts.Loaded) -> None:
        self.loaded = loaded
        self.labels: dict[str, ui.label] = {}

    def field(self, element: Field, name: str) -> Field:
        """A settings input: outlined, as wide as its column, read-only when the environment gives
        its value, with where the value came from under it."""
        element.props("outlined dense").classes("w-full")
        lock_if_env(element, self.loaded, name)
        self(name)
        return element

    def __call__(self, name: str) -> ui.label:
        label = ui.label().classes("text-caption text-grey-7 -mt-1").mark(f"origin-{name}")
        self.labels[name] = label
        self._show(name)
        return label

    def _show(self, name: str) -> None:
        self.labels[name].set_text(f"출처: {self.loaded.origin_label(name)}")

    def update(self, loaded: ts.Loaded) -> None:
        self.loaded = loaded
        for name in self.labels:
            self._show(name)


def settings_heading(title: str, loaded: ts.Loaded) -> OriginCaptions:
    """The top of a settings card: its title, what the environment variables got wrong, and the
    captions saying where each of its values came from."""
    ui.label(title).classes("text-subtitle1 text-weight-medium")
    for message in loaded.env_errors.values():
        ui.label(message).classes("text-warning")
    return OriginCaptions(loaded)


def lock_if_env(element: ui.element, loaded: ts.Loaded, name: str) -> None:
    if loaded.from_env(name):
        element.props("readonly")
        element.tooltip("시작할 때 환경변수로 정한 값입니다. 바꾸려면 환경변수를 고치고 다시 시작하세요.")


def cti_status_text() -> tuple[str, str]:
    reader = runtime.cti_reader
    label = STATE_LABELS.get(reader.state, reader.state)
    if reader.state == State.RETRYING and reader.since:
        label += f" ({format_datetime(reader.since, seconds=True)}부터"
        if reader.retry_at:
            label += f", 다음 시도 {reader.retry_at:%H:%M:%S}"
        label += ")"
    elif reader.state == State.CONNECTED and reader.since:
        label += f" ({format_datetime(reader.since, seconds=True)}부터, {reader.settings.port})"
    return label, STATE_COLORS.get(reader.state, "grey")


async def reconnect_cti() -> None:
    """CTI재접속 (this screen and the reception log's menu): reopen the port now, say how it went."""
    reader = runtime.cti_reader
    if not reader.running:
        ui.notify(
            "CTI를 사용하도록 설정되어 있지 않습니다. 설정 → CTI환경설정에서 포트를 정하고 '사용'을 켜세요.",
            type="warning",
            multi_line=True,
        )
        return
    port = reader.settings.port
    answered = await reader.reconnect_and_wait()
    if reader.state == State.CONNECTED:
        ui.notify(f"CTI 장치({port})에 다시 연결했습니다.", type="positive")
    elif answered:
        ui.notify(
            f"CTI 장치({port})에 연결하지 못했습니다: {reader.last_error} 자동으로 계속 다시 시도합니다.",
            type="negative",
            multi_line=True,
        )
    else:
        ui.notify(f"CTI 장치({port})가 아직 응답하지 않습니다. 계속 다시 시도합니다.", type="warning")


def _available_ports() -> list[str]:
    return sorted(port.device for port in serial.tools.list_ports.comports())


def token_caption(token: ts.WebhookToken) -> str:
    if not token.exists:
        return "아직 주소가 없습니다. 주소 만들기를 누르면 PBX에 넣을 주소가 만들어집니다."
    made = f"{format_datetime(token.created_at)}에 만든 " if token.created_at else ""
    return f"{made}주소를 쓰고 있습니다 (끝 네 글자 …{token.hint}). 주소 전체는 만들 때 한 번만 보여 줍니다."


async def webhook_card(actor: Actor) -> None:
    """PBX 연동: the secret address an IP-PBX posts its call events to (docs/telephony.md)."""
    token = await ts.webhook_token()
    with ui.card().classes("w-full max-w-[900px] gap-1"):
        ui.label("PBX 연동 (웹훅)").classes("text-subtitle1 text-weight-medium")
        ui.label(
            "Asterisk, FreePBX, 3CX 같은 인터넷 전화 교환기(IP-PBX)가 전화가 올 때, 받을 때, 끊을 때 "
            "이 주소로 알려 주면 다른 수신 장치와 똑같이 팝업이 뜨고 통화 기록이 남습니다."
        ).classes("text-caption text-grey-8")
        caption = ui.label(token_caption(token)).classes("text-body2").mark("webhook-status")
        with ui.row().classes("w-full items-center no-wrap gap-2") as shown:
            address = (
                ui.input("PBX에 넣을 주소")
                .props("outlined dense readonly")
                .classes("flex-1 font-mono")
                .mark("webhook-url")
            )
            ui.button("복사", icon="content_copy", on_click=lambda: copy()).props(
                "dense outline no-caps"
            ).mark("webhook-copy")
        shown.set_visibility(False)

        def copy() -> None:
            ui.clipboard.write(address.value or "")
            ui.notify("주소를 복사했습니다.", type="positive")

        async def renew() -> None:
            current = await ts.webhook_token()
            if current.exists and not await confirm(
                "새 주소를 만들면 지금 주소는 바로 쓸 수 없게 됩니다. PBX에도 새 주소를 넣어야 합니다. 새로 만들까요?",
                action="새로 만들기",
            ):
                return
            try:
                new_token = await ts.renew_webhook_token(by=actor)
            except GogaekError as error:
                ui.notify(str(error), type="negative", multi_line=True)
                return
            origin = await ui.run_javascript("window.location.origin")
            address.value = f"{origin}{ts.webhook_path(new_token)}"
            shown.set_visibility(True)
            caption.set_text(token_caption(await ts.webhook_token()))
            button.set_text("새 주소 만들기")
            ui.notify(
                "주소를 만들었습니다. 이 주소는 지금만 전체가 보이니 복사해 PBX에 넣으세요.", type="positive"
            )

        button = (
            ui.button("새 주소 만들기" if token.exists else "주소 만들기", icon="key", on_click=renew)
            .props("outline no-caps")
            .mark("webhook-renew")
        )


def register() -> None:
    @protected_page("/settings/cti", "CTI환경설정", admin=True)
    async def cti_page(actor: Actor) -> None:
        cti = await ts.load_cti_settings()
        calls = await ts.load_call_settings()
        ports = await run.io_bound(_available_ports)

        ui.label("CTI환경설정").classes("text-h6")
        with ui.card().classes("w-full max-w-[900px]"):
            with ui.row().classes("w-full items-center gap-2"):
                ui.label("발신번호표시(CTI) 장치 상태").classes("text-subtitle1 text-weight-medium")
                state_badge = ui.badge().mark("cti-state")
                ui.space()
                ui.button("CTI재접속", icon="sync", on_click=reconnect_cti).props(
                    "dense unelevated no-caps"
                ).mark("cti-reconnect")
            error_label = ui.label().classes("text-negative text-body2").mark("cti-error")
            last_call_label = ui.label().classes("text-body2 text-grey-8").mark("cti-last-call")

            def refresh_status() -> None:
                text, color = cti_status_text()
                state_badge.set_text(text)
                state_badge.props(f"color={color}")
                reader = runtime.cti_reader
                error_label.set_text(f"마지막 오류: {reader.last_error}" if reader.last_error else "")
                last_call_label.set_text(
                    f"마지막 전화: {format_datetime(reader.last_call_at, seconds=True)} {reader.last_call_number}"
                    if reader.last_call_at
                    else "마지막 전화: 없음"
                )

            refresh_status()
            ui.timer(1.0, refresh_status)

        with ui.card().classes("w-full max-w-[900px] gap-1") as device_form:
            origin_caption = settings_heading("장치 설정", cti)
            values = cti.values
            enabled = ui.checkbox("사용", value=values.enabled).mark("cti-enabled")
            lock_if_env(enabled, cti, "enabled")
            if cti.from_env("enabled"):
                enabled.disable()
            origin_caption("enabled")
            with ui.row().classes("w-full gap-4"):
                with ui.column().classes("gap-0 flex-1 min-w-[240px]"):
                    port = origin_caption.field(
                        ui.input("포트", value=values.port, autocomplete=ports).mark("cti-port"), "port"
                    )
                    port.props(
                        f'hint="{"사용 가능: " + ", ".join(ports) if ports else "예: /dev/ttyUSB0, COM3"}"'
                    )
                with ui.column().classes("gap-0 w-40"):
                    baud = origin_caption.field(
                        ui.select(list(ts.BAUD_RATES), label="속도(bps)", value=values.baud).mark("cti-baud"),
                        "baud",
                    )
                with ui.column().classes("gap-0 flex-1 min-w-[240px]"):
                    preset = origin_caption.field(
                        ui.select(
                            {p.value: label for p, label in PRESET_LABELS.items()},
                            label="형식",
                            value=values.preset.value,
                        ).mark("cti-preset"),
                        "preset",
                    )
            with ui.column().classes("w-full gap-0") as regex_box:
                regex = origin_caption.field(
                    ui.input("정규식 (번호: (?P<number>…), 내선: (?P<ext>…))", value=values.regex)
                    .classes("font-mono")
                    .mark("cti-regex"),
                    "regex",
                )
                with ui.row().classes("gap-1 items-center"):
                    ui.label("예:").classes("text-caption")
                    for sample, pattern in REGEX_EXAMPLES:
                        ui.button(sample, on_click=lambda p=pattern: regex.set_value(p)).props(
                            "flat dense no-caps size=sm"
                        )
            with ui.column().classes("w-full gap-0") as init_box:
                init = origin_caption.field(
                    ui.textarea(
                        "모뎀 초기화 명령 (한 줄에 하나, 연결할 때 보냄)",
                        value="\n".join(values.init_commands),
                    )
                    .props("autogrow")
                    .classes("font-mono")
                    .mark("cti-init"),
                    "init_commands",
                )

            def show_preset_fields() -> None:
                regex_box.set_visibility(preset.value == ts.Preset.REGEX.value)
                init_box.set_visibility(preset.value == ts.Preset.MODEM.value)

            preset.on_value_change(show_preset_fields)
            show_preset_fields()
            errors = FieldErrors(
                {
                    "enabled": enabled,
                    "port": port,
                    "baud": baud,
                    "preset": preset,
                    "regex": regex,
                    "init_commands": init,
                }
            )
            state = {"version": cti.version}

            async def reapply(latest_version: int) -> None:
                state["version"] = latest_version  # my input on top of what is stored now
                await save()

            async def load_latest() -> None:
                latest = await ts.load_cti_settings()
                errors.clear()
                enabled.value, port.value, baud.value = (
                    latest.values.enabled,
                    latest.values.port,
                    latest.values.baud,
                )
                preset.value, regex.value = latest.values.preset.value, latest.values.regex
                init.value = "\n".join(latest.values.init_commands)
                state["version"] = latest.version
                origin_caption.update(latest)
                device_guard.saved()

            async def save() -> None:
                saved = await save_with_feedback(
                    ts.save_cti_settings(
                        by=actor,
                        version=state["version"],
                        enabled=enabled.value,
                        port=port.value or "",
                        baud=baud.value,
                        preset=preset.value,
                        regex=regex.value or "",
                        init_commands=init.value or "",
                    ),
                    errors,
                    reapply=reapply,
                    reload=load_latest,
                )
                if saved is None:
                    return
                errors.clear()
                state["version"] = saved.version
                origin_caption.update(saved)
                device_guard.saved()
                refresh_status()
                ui.notify("저장했습니다. 새 설정으로 장치에 연결합니다.", type="positive")

            with ui.row().classes("w-full items-center gap-2"):
                SaveAction(save, icon="save").props("unelevated no-caps").mark("cti-save")
        device_guard = FormGuard(device_form)

        with ui.card().classes("w-full max-w-[900px] gap-1"):
            ui.label("수신 내용 시험").classes("text-subtitle1 text-weight-medium")
            ui.label(
                "장치가 보내는 한 줄을 붙여 넣으면 위 형식으로 읽은 번호를 보여 줍니다 (저장 전 값 기준)."
            ).classes("text-caption text-grey-8")
            with ui.row().classes("w-full items-center no-wrap"):
                sample = (
                    ui.input("장치 출력 한 줄").props("outlined dense").classes("flex-1").mark("cti-sample")
                )
                ui.button("시험", on_click=lambda: try_sample()).props("dense outline no-caps").mark(
                    "cti-try"
                )
            sample_result = ui.label().classes("text-body2").mark("cti-sample-result")

            def try_sample() -> None:
                chosen = ts.Preset(preset.value)
                if chosen == ts.Preset.REGEX and (problem := ts.regex_problem(regex.value or "")):
                    sample_result.set_text(problem)
                    return
                parser = make_parser(ts.CtiSettings(preset=chosen, regex=regex.value or ""))
                found = parser.feed(sample.value or "") + parser.flush()
                if found:
                    call = found[0]
                    extra = f", 내선 {call.extension}" if call.extension else ""
                    sample_result.set_text(f"번호 {call.number}{extra}")
                else:
                    sample_result.set_text("이 줄에서는 번호를 찾지 못했습니다.")

        with ui.card().classes("w-full max-w-[900px] gap-1") as calls_form:
            ui.label("전화 팝업").classes("text-subtitle1 text-weight-medium")
            call_values = calls.values
            with ui.row().classes("w-full gap-4"):
                dedup = (
                    ui.number(
                        "같은 전화로 볼 시간(초)",
                        value=call_values.dedup_seconds,
                        min=1,
                        max=600,
                        format="%d",
                    )
                    .props("outlined dense")
                    .classes("w-48")
                    .mark("calls-dedup")
                )
                target = (
                    ui.select(
                        {t.value: label for t, label in TARGET_LABELS.items()},
                        label="팝업을 띄울 화면",
                        value=call_values.popup_target.value,
                    )
                    .props("outlined dense")
                    .classes("flex-1 min-w-[260px]")
                    .mark("calls-target")
                )
                delay = (
                    ui.number(
                        "나머지 화면에 띄우기까지(초)",
                        value=call_values.others_delay_seconds,
                        min=0,
                        max=300,
                        format="%d",
                    )
                    .props("outlined dense")
                    .classes("w-56")
                    .mark("calls-delay")
                )
            ui.label(
                "CTI와 센트릭스가 같은 전화를 함께 알려도 이 시간 안의 같은 번호는 한 번만 띄웁니다. "
                "내선 담당자는 사용자 관리의 내선번호나 API사용자의 사원 연결로 정해집니다."
            ).classes("text-caption text-grey-8")
            call_errors = FieldErrors(
                {"dedup_seconds": dedup, "popup_target": target, "others_delay_seconds": delay}
            )
            call_state = {"version": calls.version}

            async def reapply_calls(latest_version: int) -> None:
                call_state["version"] = latest_version  # my input on top of what is stored now
                await save_calls()

            async def load_latest_calls() -> None:
                latest = await ts.load_call_settings()
                call_errors.clear()
                dedup.value, target.value = latest.values.dedup_seconds, latest.values.popup_target.value
                delay.value = latest.values.others_delay_seconds
                call_state["version"] = latest.version
                calls_guard.saved()

            async def save_calls() -> None:
                saved = await save_with_feedback(
                    ts.save_call_settings(
                        by=actor,
                        version=call_state["version"],
                        dedup_seconds=dedup.value,
                        popup_target=target.value,
                        others_delay_seconds=delay.value,
                    ),
                    call_errors,
                    reapply=reapply_calls,
                    reload=load_latest_calls,
                )
                if saved is None:
                    return
                call_errors.clear()
                call_state["version"] = saved.version
                calls_guard.saved()
                ui.notify("저장했습니다.", type="positive")

            SaveAction(save_calls, icon="save").props("unelevated no-caps").mark("calls-save")
        calls_guard = FormGuard(calls_form)
        await webhook_card(actor)

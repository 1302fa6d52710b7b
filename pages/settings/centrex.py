"""설정 → API사용자등록 (admin): LG U+ Centrex lines with 연결확인, the connection settings
(server address, polling interval), the optional ring callback, and the SMS outbox."""

from __future__ import annotations

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError, ValidationError
from core.korean import format_phone, josa
from models.telephony import SmsStatus
from pages.calls.dial_and_sms import open_sms_dialog
from pages.components.dialogs import confirm
from pages.components.forms import FieldErrors, save_with_feedback
from pages.components.leave_guard import FormGuard
from pages.components.list_output import dated, export_excel, print_list
from pages.components.paged_table import Page, PagedTable, PageRequest, spec_columns
from pages.components.record_dialog import RecordDialog
from pages.components.save_action import SaveAction
from pages.components.toolbar import Toolbar
from pages.frame import protected_page
from pages.settings.cti import settings_heading
from services import centrex_users, sms, staff
from services import telephony_settings as ts
from services.list_spec import ListColumn, ListSpec
from telephony import runtime

# the API users (070 lines), on the screen, in Excel and printed (never a line's password)
CENTREX_USERS = ListSpec(
    "센트릭스 API 사용자",
    (
        ListColumn("number070_label", "070 번호", width=16, value=lambda r: format_phone(r["number070"])),
        ListColumn("extension", "내선", width=8),
        ListColumn("staff_name", "사원", width=12),
        ListColumn(
            "enabled_label",
            "사용",
            width=8,
            align="center",
            value=lambda r: "사용" if r["enabled"] else "중지",
        ),
        ListColumn("last_success", "마지막 수신 확인", "datetime_seconds", width=20),
        ListColumn("last_error", "오류", width=40),
    ),
)
# 문자 발송 내역, on the screen, in Excel and printed
SMS_OUTBOX = ListSpec(
    "문자 발송 내역",
    (
        ListColumn("created_at", "보낸 시각", "datetime_seconds", width=20),
        ListColumn("destination", "받는 번호", width=16, value=lambda r: format_phone(r["destination"])),
        ListColumn("kind", "종류", width=8, align="center"),
        ListColumn("text", "내용", width=48, max_width=280),
        ListColumn(
            "status",
            "결과",
            width=10,
            align="center",
            value=lambda r: sms.STATUS_LABELS.get(SmsStatus(r["status"]), r["status"]),
        ),
        ListColumn("remaining", "남은 건수", "number", width=10),
        ListColumn("staff", "보낸 사람", width=12, value=lambda r: r["staff__name"] or ""),
        ListColumn("message", "결과 내용", width=36, value=lambda r: r["result_message"]),
    ),
)
PRINT_LIMIT = 2000
CUT_NOTE = f"처음 {PRINT_LIMIT:,}건만 인쇄했습니다. 전체는 엑셀로 저장하세요."


def _user_source(user: centrex_users.CentrexUserRow) -> dict:
    """A line as the list shows it: what the poller saw last, else what is stored."""
    status = runtime.centrex_poller.lines.get(user.id)
    return {
        "number070": user.number070,
        "extension": user.extension,
        "staff_name": user.staff_name,
        "enabled": user.enabled,
        "last_success": status.last_success_at if status else user.last_success_at,
        "last_error": status.last_error if status else user.last_error,
    }


def _user_row(user: centrex_users.CentrexUserRow) -> dict:
    return {
        **CENTREX_USERS.table_row(_user_source(user)),
        "id": user.id,
        "number070": user.number070,
        "staff_id": user.staff_id,
        "enabled": user.enabled,
        "version": user.version,
    }


async def _outbox(request: PageRequest) -> Page:
    rows, total = await sms.outbox_page(offset=request.offset, limit=request.rows_per_page)
    return Page(rows=[{**SMS_OUTBOX.table_row(r), "id": r["id"]} for r in rows], total=total)


async def _user_sources(actor: Actor) -> list[dict]:
    return [_user_source(u) for u in await centrex_users.centrex_users_for_export(by=actor)]


def register() -> None:
    @protected_page("/settings/centrex", "API사용자등록", admin=True)
    async def centrex_page(actor: Actor) -> None:
        staff_names = await staff.staff_choices()
        loaded = await ts.load_centrex_settings()

        ui.label("API사용자등록 (LG U+ 센트릭스)").classes("text-h6")

        # -- API users --------------------------------------------------------------------------
        with ui.card().classes("w-full gap-1"):
            ui.label("API 사용자 (070 회선)").classes("text-subtitle1 text-weight-medium")

            async def reload() -> None:
                table.rows = [_user_row(u) for u in await centrex_users.list_centrex_users()]
                table.selected = [r for r in table.rows if r["id"] in {s["id"] for s in table.selected}]
                table.update()

            def selected() -> dict | None:
                if not table.selected:
                    ui.notify("먼저 목록에서 API 사용자를 선택하세요.", type="warning")
                    return None
                return table.selected[0]

            def edit_selected() -> None:
                if row := selected():
                    open_editor(row)

            async def delete_selected() -> None:
                if not (row := selected()):
                    return
                if not await confirm(
                    f"API 사용자 {row['number070_label']}({row['staff_name'] or '사원 없음'}){josa(row['number070_label'], '을')} 삭제할까요?",
                    action="삭제",
                    danger=True,
                ):
                    return
                try:
                    await centrex_users.delete_centrex_user(row["id"], by=actor)
                except GogaekError as error:
                    ui.notify(str(error), type="negative", multi_line=True)
                    return
                ui.notify("삭제했습니다.")
                await reload()

            async def check_selected() -> None:
                if row := selected():
                    await check(row["number070"], "", row["id"], None)

            async def check(
                number070: str, password: str, user_id: int | None, target: ui.label | None
            ) -> None:
                try:
                    info = await centrex_users.check_connection(
                        by=actor, number070=number070, password=password, user_id=user_id
                    )
                except ValidationError as error:
                    message = str(error)
                    ok = False
                except GogaekError as error:
                    message = f"연결 실패: {error}"
                    ok = False
                else:
                    message = (
                        f"연결됨: {info.name or '(이름 없음)'} · 내선 {info.extension or '-'} · "
                        f"{format_phone(info.number070) or format_phone(number070)}"
                    )
                    ok = True
                if target is not None:
                    target.set_text(message)
                    target.classes(replace="text-body2 " + ("text-positive" if ok else "text-negative"))
                ui.notify(message, type="positive" if ok else "negative", multi_line=True)

            def open_editor(row: dict | None) -> None:
                editing = row is not None
                editor = RecordDialog(
                    "API 사용자 수정" if editing else "API 사용자 추가",
                    version=row["version"] if row else None,
                )
                with editor.card:
                    number = (
                        ui.input("070 번호", value=row["number070_label"] if row else "")
                        .props("outlined dense autofocus")
                        .classes("w-full")
                        .mark("centrex-number")
                    )
                    password = (
                        ui.input(
                            "비밀번호" + (" (비워 두면 그대로)" if editing else ""),
                            password=True,
                            password_toggle_button=True,
                        )
                        .props("outlined dense")
                        .classes("w-full")
                        .mark("centrex-password")
                    )
                    ui.label("비밀번호는 저장하지 않고 SHA-512 값만 보관합니다.").classes(
                        "text-caption text-grey-7"
                    )
                    extension = (
                        ui.input("내선번호", value=row["extension"] if row else "")
                        .props("outlined dense")
                        .classes("w-full")
                        .mark("centrex-extension")
                    )
                    member = (
                        ui.select(
                            staff_names, label="사원", value=row["staff_id"] if row else None, clearable=True
                        )
                        .props("outlined dense")
                        .classes("w-full")
                        .mark("centrex-staff")
                    )
                    enabled = ui.checkbox("사용", value=row["enabled"] if row else True).mark(
                        "centrex-enabled"
                    )
                    result = ui.label().classes("text-body2").mark("centrex-check-result")
                    errors = FieldErrors(
                        {
                            "number070": number,
                            "password": password,
                            "extension": extension,
                            "staff_id": member,
                        }
                    )

                    async def load_latest() -> None:
                        assert row is not None
                        users = await centrex_users.list_centrex_users()
                        latest = next((u for u in users if u.id == row["id"]), None)
                        if latest is None:
                            ui.notify("다른 사용자가 이 API 사용자를 삭제했습니다.", type="negative")
                            return
                        errors.clear()
                        number.value, password.value = format_phone(latest.number070), ""
                        extension.value, member.value = latest.extension, latest.staff_id
                        enabled.value = latest.enabled
                        editor.reloaded(latest.version)

                    async def save() -> None:
                        saved = await save_with_feedback(
                            centrex_users.save_centrex_user(
                                by=actor,
                                user_id=row["id"] if row else None,
                                version=editor.version,
                                number070=number.value or "",
                                password=password.value or "",
                                extension=extension.value or "",
                                staff_id=member.value,
                                enabled=enabled.value,
                                form_token=editor.form_token,
                            ),
                            errors,
                            reapply=editor.reapply,
                            reload=load_latest,
                            fields=errors.fields | {"password_sha512": password, "enabled": enabled},
                        )
                        if saved is None:
                            return
                        ui.notify("저장했습니다.", type="positive")
                        editor.done()
                        await reload()

                def check_button() -> None:
                    ui.button(
                        "연결확인",
                        icon="wifi_tethering",
                        on_click=lambda: check(
                            number.value or "", password.value or "", row["id"] if row else None, result
                        ),
                    ).props("outline no-caps").mark("centrex-check")

                editor.open(save, prefix="centrex", extra_buttons=check_button)

            async def users_excel() -> None:
                await export_excel(
                    actor,
                    CENTREX_USERS,
                    _user_sources(actor),
                    dated("센트릭스API사용자", "xlsx"),
                    button=toolbar.buttons["excel"],
                )

            async def users_print() -> None:
                await print_list(
                    actor,
                    CENTREX_USERS,
                    _user_sources(actor),
                    dated("센트릭스API사용자", "pdf"),
                    preview_title="센트릭스 API 사용자 인쇄",
                    button=toolbar.buttons["print"],
                )

            with Toolbar(
                prefix="centrex-",
                search=reload,
                add=lambda: open_editor(None),
                edit=edit_selected,
                delete=delete_selected,
                excel=users_excel,
                print=users_print,
            ) as toolbar:
                ui.button("연결확인", icon="wifi_tethering", on_click=check_selected).props(
                    "dense outline no-caps"
                ).mark("centrex-check-selected")
            table = (
                ui.table(
                    columns=spec_columns(CENTREX_USERS),
                    rows=[],
                    row_key="id",
                    selection="single",
                    pagination=20,
                )
                .props('dense flat bordered no-data-label="등록된 API 사용자가 없습니다."')
                .classes("w-full")
                .mark("centrex-users")
            )
            table.on("rowDblclick", lambda e: open_editor(e.args[1]))
            await reload()
            ui.timer(5.0, reload)

        # -- connection settings ----------------------------------------------------------------
        with ui.card().classes("w-full gap-1") as connection_form:
            origin_caption = settings_heading("센트릭스 연결 설정", loaded)
            values = loaded.values
            with ui.row().classes("w-full gap-4"):
                with ui.column().classes("gap-0 flex-1 min-w-[300px]"):
                    base_url = origin_caption.field(
                        ui.input("서버 주소", value=values.base_url).mark("centrex-base-url"), "base_url"
                    )
                with ui.column().classes("gap-0 w-48"):
                    poll = origin_caption.field(
                        ui.number(
                            "수신 확인 간격(초)", value=values.poll_seconds, min=ts.MIN_POLL_SECONDS
                        ).mark("centrex-poll"),
                        "poll_seconds",
                    )
                with ui.column().classes("gap-0 w-48"):
                    timeout = origin_caption.field(
                        ui.number("응답 대기(초)", value=values.timeout_seconds, min=0.1, max=60).mark(
                            "centrex-timeout"
                        ),
                        "timeout_seconds",
                    )

            ui.label("수신 알림(링 콜백) — 선택 사항").classes("text-subtitle2 mt-2")
            ui.label(
                "이 서버에 공인 IP가 있고 일반 HTTP로 접속할 수 있으면, 전화가 울리는 순간 센트릭스가 아래 주소를 "
                "호출합니다. 없으면 수신 확인 간격마다 조회하는 방식만 씁니다."
            ).classes("text-caption text-grey-8")
            with ui.row().classes("w-full gap-4"):
                with ui.column().classes("gap-0 w-60"):
                    ring_host = origin_caption.field(
                        ui.input("이 서버의 공인 IP", value=values.ring_host).mark("ring-host"), "ring_host"
                    )
                with ui.column().classes("gap-0 w-36"):
                    ring_port = origin_caption.field(
                        ui.number("포트", value=values.ring_port, min=1, max=65535, format="%d").mark(
                            "ring-port"
                        ),
                        "ring_port",
                    )
            ring_url = ui.label().classes("font-mono text-body2 break-all").mark("ring-url")
            errors = FieldErrors(
                {
                    "base_url": base_url,
                    "poll_seconds": poll,
                    "timeout_seconds": timeout,
                    "ring_host": ring_host,
                    "ring_port": ring_port,
                }
            )
            state = {"version": loaded.version, "settings": values}

            def show_ring_url() -> None:
                current = state["settings"]
                host = current.ring_host or "<공인 IP>"
                ring_url.set_text(f"http://{host}:{current.ring_port}{ts.ring_path(current.ring_secret)}")

            show_ring_url()

            async def reapply(latest_version: int) -> None:
                state["version"] = latest_version  # my input on top of what is stored now
                await save()

            async def load_latest() -> None:
                latest = await ts.load_centrex_settings()
                errors.clear()
                base_url.value, poll.value = latest.values.base_url, latest.values.poll_seconds
                timeout.value, ring_host.value = latest.values.timeout_seconds, latest.values.ring_host
                ring_port.value = latest.values.ring_port
                state["version"], state["settings"] = latest.version, latest.values
                origin_caption.update(latest)
                connection_guard.saved()
                show_ring_url()

            async def save() -> None:
                saved = await save_with_feedback(
                    ts.save_centrex_settings(
                        by=actor,
                        version=state["version"],
                        base_url=base_url.value or "",
                        poll_seconds=poll.value,
                        timeout_seconds=timeout.value,
                        ring_host=ring_host.value or "",
                        ring_port=ring_port.value,
                    ),
                    errors,
                    reapply=reapply,
                    reload=load_latest,
                )
                if saved is None:
                    return
                errors.clear()
                state["version"], state["settings"] = saved.version, saved.values
                origin_caption.update(saved)
                connection_guard.saved()
                show_ring_url()
                ui.notify("저장했습니다.", type="positive")

            async def register_callback() -> None:
                if not (row := selected()):
                    return
                try:
                    address = await centrex_users.register_ring_callback(row["id"], by=actor)
                except ValidationError as error:
                    errors.show(error.fields)
                    return
                except GogaekError as error:
                    ui.notify(f"등록 실패: {error}", type="negative", multi_line=True)
                    return
                ui.notify(
                    f"{row['number070_label']}의 수신 알림 주소를 등록했습니다: {address}", type="positive"
                )

            async def show_registration() -> None:
                if not (row := selected()):
                    return
                try:
                    found = await centrex_users.ring_callback_registration(row["id"], by=actor)
                except GogaekError as error:
                    ui.notify(f"조회 실패: {error}", type="negative", multi_line=True)
                    return
                verdict = "이 서버를 가리킵니다." if found.points_here else "이 서버의 현재 주소가 아닙니다."
                ui.notify(f"등록된 값: {found.registered or '(없음)'} — {verdict}", multi_line=True)

            async def renew_secret() -> None:
                if not await confirm(
                    "비밀 주소를 새로 만들면 지금 등록된 수신 알림 주소는 바로 쓸 수 없게 됩니다. 새로 만들고 다시 등록할까요?",
                    action="새로 만들기",
                ):
                    return
                saved = await ts.renew_ring_secret(by=actor)
                state["version"], state["settings"] = saved.version, saved.values
                show_ring_url()
                ui.notify("새 비밀 주소를 만들었습니다. 콜백 등록을 다시 하세요.")

            with ui.row().classes("w-full gap-1"):
                SaveAction(save, icon="save").props("unelevated no-caps").mark("centrex-settings-save")
                ui.button("콜백 등록 (선택한 회선)", icon="cloud_upload", on_click=register_callback).props(
                    "outline no-caps"
                ).mark("ring-register")
                ui.button("등록 확인", icon="fact_check", on_click=show_registration).props(
                    "outline no-caps"
                ).mark("ring-check")
                ui.button("비밀 주소 새로 만들기", icon="autorenew", on_click=renew_secret).props(
                    "flat no-caps"
                )
        connection_guard = FormGuard(connection_form)

        # -- SMS outbox -------------------------------------------------------------------------
        with ui.card().classes("w-full gap-1"):
            with ui.row().classes("w-full items-center"):
                ui.label("문자 발송 내역").classes("text-subtitle1 text-weight-medium")
                ui.space()
                ui.button("새로고침", icon="refresh", on_click=lambda: outbox.refresh()).props(
                    "flat dense no-caps"
                )

                async def outbox_excel(event) -> None:
                    await export_excel(
                        actor,
                        SMS_OUTBOX,
                        sms.iter_outbox(by=actor),
                        dated("문자발송내역", "xlsx"),
                        button=event.sender,
                    )

                async def outbox_print(event) -> None:
                    await print_list(
                        actor,
                        SMS_OUTBOX,
                        sms.iter_outbox(by=actor),
                        dated("문자발송내역", "pdf"),
                        preview_title="문자 발송 내역 인쇄",
                        button=event.sender,
                        limit=PRINT_LIMIT,
                        cut_note=CUT_NOTE,
                    )

                ui.button("엑셀", icon="grid_on", on_click=outbox_excel).props("flat dense no-caps").mark(
                    "outbox-excel"
                )
                ui.button("인쇄", icon="print", on_click=outbox_print).props("flat dense no-caps").mark(
                    "outbox-print"
                )
                ui.button("문자보내기", icon="sms", on_click=lambda: open_sms_dialog(actor)).props(
                    "dense unelevated no-caps"
                ).mark("outbox-send")
            outbox = PagedTable(
                columns=spec_columns(SMS_OUTBOX),
                fetch=_outbox,
                selection=None,
                empty_text="보낸 문자가 없습니다.",
            ).mark("sms-outbox")
            await outbox.refresh()

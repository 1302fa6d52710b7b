"""설정 → 메일환경설정 (/settings/mail, admin): the SMTP server the office sends from, with
연결확인, and the subject and body templates per document kind."""

from __future__ import annotations

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError
from pages.components.forms import FieldErrors, save_with_feedback
from pages.components.leave_guard import FormGuard
from pages.components.save_action import SaveAction
from pages.frame import protected_page
from services import mail, mail_drafts

STORED_PASSWORD = "저장됨 (바꾸려면 입력)"


class MailSettingsScreen:
    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.version = 0

    async def build(self) -> None:
        shown = await mail.get_smtp_settings()
        ui.label("메일환경설정").classes("text-h6")
        ui.label("견적서·유지보수동의서와 갱신 안내를 보낼 메일 서버입니다.").classes("text-grey-8")
        with ui.card().classes("w-full max-w-[720px] p-3") as form:
            with ui.element("div").classes("grid grid-cols-1 sm:grid-cols-2 gap-x-3 gap-y-1 w-full"):
                self.host = ui.input("메일 서버 (SMTP) *").mark("smtp-host")
                with ui.row().classes("w-full no-wrap gap-2"):
                    self.port = ui.number("포트 *", format="%d", min=1, max=65535).classes("w-28")
                    self.port.mark("smtp-port")
                    self.security = ui.select(
                        {s.value: label for s, label in mail.SECURITY_LABELS.items()}, label="보안 방식"
                    ).classes("grow")
                    self.security.mark("smtp-security")
                self.user = ui.input("사용자 (로그인 아이디)").mark("smtp-user")
                self.password = ui.input("비밀번호", password=True, password_toggle_button=True).mark(
                    "smtp-password"
                )
                self.password.props("autocomplete=new-password")
                self.sender_address = ui.input("보내는 주소 *").mark("smtp-sender-address")
                self.sender_name = ui.input("보내는 이름").mark("smtp-sender-name")
            fields = {
                "host": self.host,
                "port": self.port,
                "security": self.security,
                "user": self.user,
                "password": self.password,
                "sender_address": self.sender_address,
                "sender_name": self.sender_name,
            }
            for element in fields.values():
                element.props("dense outlined stack-label")
            self.errors = FieldErrors(fields)
            ui.label(
                "지메일·네이버 등은 계정 비밀번호 대신 앱 비밀번호를 씁니다. 보통 587 + STARTTLS 또는 465 + SSL/TLS입니다."
            ).classes("text-caption text-grey-8")
            with ui.row().classes("w-full items-center justify-end gap-2"):
                self.result = ui.label().classes("grow text-body2").mark("smtp-check-result")
                self.check_button = ui.button("연결확인", icon="wifi_tethering", on_click=self.check)
                self.check_button.props("outline no-caps").mark("smtp-check")
                SaveAction(self.save, icon="save").props("unelevated no-caps").mark("smtp-save")
        self.guard = FormGuard(form)
        self.show(shown)
        await self.build_templates()

    def show(self, shown: mail.SmtpSettings) -> None:
        self.errors.clear()
        self.version = shown.version
        self.host.value = shown.host
        self.port.value = shown.port
        self.security.value = shown.security.value
        self.user.value = shown.user
        self.password.value = ""
        self.password.props(f'placeholder="{STORED_PASSWORD if shown.has_password else ""}"')
        self.sender_address.value = shown.sender_address
        self.sender_name.value = shown.sender_name
        self.guard.saved()

    async def save(self) -> None:
        shown = await save_with_feedback(
            mail.save_smtp_settings(
                by=self.actor,
                version=self.version,
                host=self.host.value or "",
                port=self.port.value,
                security=self.security.value or "",
                user=self.user.value or "",
                password=self.password.value or "",
                sender_address=self.sender_address.value or "",
                sender_name=self.sender_name.value or "",
            ),
            self.errors,
            reapply=self.reapply,
            reload=self.reload,
        )
        if shown is None:
            return
        self.show(shown)
        ui.notify("메일환경설정을 저장했습니다.", type="positive")

    async def reapply(self, latest_version: int) -> None:
        self.version = latest_version
        await self.save()

    async def reload(self) -> None:
        self.show(await mail.get_smtp_settings())

    async def check(self) -> None:
        self.check_button.props("loading")
        self.result.set_text("")
        try:
            said = await mail.check_connection(
                by=self.actor,
                host=self.host.value or "",
                port=self.port.value,
                security=self.security.value or "",
                user=self.user.value or "",
                password=self.password.value or "",
            )
        except GogaekError as error:
            self.errors.refuse(error)
            self.result.set_text(f"연결 실패: {error}")
            self.result.classes(replace="grow text-body2 text-negative")
        else:
            self.errors.clear()
            self.result.set_text(said)
            self.result.classes(replace="grow text-body2 text-positive")
        finally:
            self.check_button.props(remove="loading")

    async def build_templates(self) -> None:
        ui.label("메일 문구").classes("text-subtitle1 text-weight-medium q-mt-md")
        with ui.card().classes("w-full max-w-[720px] p-3 gap-1"):
            self.kind = (
                ui.toggle(
                    {k.value: label for k, label in mail.KIND_LABELS.items()},
                    value=mail.DocumentKind.QUOTE.value,
                    on_change=self.show_template,
                )
                .props("no-caps dense")
                .mark("template-kind")
            )
            self.placeholders = ui.label().classes("text-caption text-grey-8")
            self.subject = ui.input("제목").props("dense outlined stack-label").classes("w-full")
            self.subject.mark("template-subject")
            self.body = ui.textarea("본문").props("dense outlined stack-label rows=6").classes("w-full")
            self.body.mark("template-body")
            self.template_errors = FieldErrors({"subject": self.subject, "body": self.body})
            with ui.row().classes("w-full justify-end"):
                ui.button("문구 저장", icon="save", on_click=self.save_template).props(
                    "unelevated no-caps"
                ).mark("template-save")
        await self.show_template()

    async def show_template(self) -> None:
        kind = mail.DocumentKind(self.kind.value)
        template = await mail_drafts.get_template(kind)
        self.placeholders.set_text(
            "넣을 수 있는 값: " + ", ".join("{" + name + "}" for name in mail_drafts.PLACEHOLDERS[kind])
        )
        self.subject.value = template.subject
        self.body.value = template.body
        self.template_errors.clear()

    async def save_template(self) -> None:
        try:
            await mail_drafts.save_template(
                mail.DocumentKind(self.kind.value),
                by=self.actor,
                subject=self.subject.value or "",
                body=self.body.value or "",
            )
        except GogaekError as error:
            self.template_errors.refuse(error)
            return
        self.template_errors.clear()
        ui.notify("메일 문구를 저장했습니다.", type="positive")


def register() -> None:
    @protected_page("/settings/mail", "메일환경설정", admin=True)
    async def mail_settings_page(actor: Actor) -> None:
        await MailSettingsScreen(actor).build()

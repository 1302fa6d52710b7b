"""메일 발송: the dialog that sends a document as a PDF attachment — the recipient picked from the
customer's business cards (or typed), subject and body filled from the document's template, a
preview of the message and of the PDF, then 보내기 (once per dialog, however often clicked).
닫기 after changing the recipient, subject or body asks first; a mail that could not be sent is
kept in 발송 내역, so closing after it does not."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError
from models.mail import MailStatus
from pages.components.dialogs import TransientDialog
from pages.components.forms import FieldErrors
from pages.components.leave_guard import FormGuard
from pages.components.print_preview import show_pdf
from pages.components.save_action import SaveAction
from services import mail, mail_drafts


async def open_mail_dialog(actor: Actor, make_draft: Callable[[], Awaitable[mail_drafts.Draft]]) -> None:
    notice = ui.notification("메일에 첨부할 PDF를 만드는 중입니다…", spinner=True, timeout=None)
    try:
        draft = await make_draft()
    except GogaekError as error:
        ui.notify(str(error), type="negative", multi_line=True)
        return
    finally:
        notice.dismiss()
    MailDialog(actor, draft).open()


class MailDialog(TransientDialog):
    def __init__(self, actor: Actor, draft: mail_drafts.Draft) -> None:
        super().__init__()
        self.props("persistent")
        self.actor, self.draft = actor, draft
        filename, _ = draft.attachment
        with self, ui.card().classes("w-[680px] max-w-full p-3 gap-1").mark("mail-dialog"):
            ui.label(f"{mail.KIND_LABELS[draft.kind]} 메일 발송").classes("text-h6")
            if draft.recipients:
                ui.select(
                    {r.address: r.label for r in draft.recipients},
                    label="명함에서 받는 사람 고르기",
                    value=draft.recipient
                    if draft.recipient in {r.address for r in draft.recipients}
                    else None,
                    on_change=lambda e: self.recipient.set_value(e.value or self.recipient.value),
                ).props("dense outlined stack-label").classes("w-full").mark("mail-card")
            self.recipient = ui.input("받는 사람 (이메일) *", value=draft.recipient).mark("mail-recipient")
            self.subject = ui.input("제목 *", value=draft.subject).mark("mail-subject")
            self.body = ui.textarea("본문", value=draft.body).props("rows=7").mark("mail-body")
            for element in (self.recipient, self.subject, self.body):
                element.props("dense outlined stack-label").classes("w-full")
            self.errors = FieldErrors(
                {"recipient": self.recipient, "subject": self.subject, "body": self.body}
            )
            with ui.row().classes("w-full items-center gap-2 no-wrap"):
                ui.icon("attach_file")
                ui.label(filename).classes("ellipsis min-w-0").mark("mail-attachment")
                ui.button("첨부 보기", icon="picture_as_pdf", on_click=self.show_attachment).props(
                    "dense flat no-caps"
                ).mark("mail-attachment-preview")
            with (
                ui.expansion("보낼 메일 미리보기", icon="preview").classes("w-full").mark("mail-preview"),
                ui.element("div").classes("w-full text-body2 bg-grey-1 p-2 rounded-borders"),
            ):
                ui.label(f"보내는 사람: {draft.sender}")
                ui.label().bind_text_from(self.recipient, "value", lambda v: f"받는 사람: {v or ''}")
                ui.label().bind_text_from(self.subject, "value", lambda v: f"제목: {v or ''}")
                ui.label(f"첨부: {filename}")
                ui.separator()
                ui.label().bind_text_from(self.body, "value").classes("whitespace-pre-wrap")
            self.result = ui.label().classes("w-full text-body2").mark("mail-result")
            with ui.row().classes("w-full justify-end gap-2"):
                self.send_button = SaveAction(self.send, text="보내기", icon="send").props(
                    "unelevated no-caps"
                )
                self.send_button.mark("mail-send")
                ui.button("닫기", icon="close", on_click=self.leave).props("flat no-caps").mark("mail-close")
        self.guard = FormGuard(
            self, snapshot=lambda: (self.recipient.value, self.subject.value, self.body.value)
        )

    async def leave(self) -> None:
        if await self.guard.may_close():
            self.close()

    def show_attachment(self) -> None:
        filename, data = self.draft.attachment
        show_pdf(self.actor, filename, data, title=f"{mail.KIND_LABELS[self.draft.kind]} 미리보기")

    async def send(self) -> None:
        try:
            row = await mail.send_mail(
                by=self.actor,
                form_token=self.send_button.form_token,
                recipient=self.recipient.value or "",
                subject=self.subject.value or "",
                body=self.body.value or "",
                kind=self.draft.stored_kind,
                record_id=self.draft.record_id,
                customer_id=self.draft.customer_id,
                attachment=self.draft.attachment,
            )
        except GogaekError as error:
            self.errors.refuse(error)
            return
        self.errors.clear()
        if row.status == MailStatus.SENT:
            ui.notify(mail.outcome(row), type="positive")
            self.close()
            return
        # kept in 발송 내역, sent again from there by a person: this dialog has done its one send
        self.result.set_text(mail.outcome(row))
        self.result.classes(replace="w-full text-body2 text-negative")
        self.send_button.set_enabled(False)
        self.guard.saved()

"""갱신 안내 from the 유지보수관리 due list: the checked customers or everyone whose maintenance
ends within N days, by 문자 and/or 메일; a preview lists who gets what and who is skipped (and
why) before anything is sent."""

from __future__ import annotations

from collections.abc import Sequence

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError
from models.mail import ReminderChannel
from pages.components.dialogs import TransientDialog
from pages.components.forms import FieldErrors
from pages.components.list_output import dated, export_excel, print_list
from pages.components.paged_table import spec_columns
from pages.components.save_action import SaveAction
from services import mail, mail_drafts, reminders
from services.list_spec import ListColumn, ListSpec

# the preview's (and then the sending's) lines, on the screen, in Excel and printed: each line a
# dict as _line makes it
REMINDERS = ListSpec(
    "갱신 안내",
    (
        ListColumn("company_name", "고객", width=24),
        ListColumn("period_end", "만료일", "date", width=11),
        ListColumn("channel", "방법", width=8, align="center"),
        ListColumn("destination", "받는 곳", width=28),
        ListColumn("attachment", "첨부", width=20),
        ListColumn("outcome", "결과", width=24),
    ),
)


def _line(item: reminders.Planned, outcome: str) -> dict:
    return {
        "company_name": item.company_name,
        "period_end": item.period_end,
        "channel": reminders.CHANNEL_LABELS[item.channel],
        "destination": item.destination or "-",
        "attachment": item.attachment,
        "outcome": outcome,
    }


async def open_reminder_dialog(actor: Actor, product_ids: Sequence[int]) -> None:
    sms_text = await reminders.get_sms_template()
    template = await mail_drafts.get_template(mail.DocumentKind.REMINDER)
    ReminderDialog(actor, list(product_ids), sms_text, template).open()


class ReminderDialog(TransientDialog):
    def __init__(
        self, actor: Actor, product_ids: list[int], sms_text: str, template: mail_drafts.MailTemplate
    ) -> None:
        super().__init__()
        self.actor, self.product_ids = actor, product_ids
        self.lines: list[dict] = []  # what the table shows, every line (not only its page)
        self.counts = ""  # how many of the lines go, are skipped or failed
        with self, ui.card().classes("w-[860px] max-w-full p-3 gap-1").mark("reminder-dialog"):
            ui.label("갱신 안내 보내기").classes("text-h6")
            with ui.row().classes("w-full items-center gap-3"):
                choices = {"all": "오늘부터 다음 기간 안에 끝나는 전체"}
                if product_ids:
                    choices = {"checked": f"체크한 거래처 ({len(product_ids):,}곳)"} | choices
                self.scope = ui.radio(choices, value=next(iter(choices))).props("inline dense")
                self.scope.mark("reminder-scope")
                self.days = ui.number("기간(일)", value=30, min=0, max=reminders.MAX_DAYS, format="%d")
                self.days.props("dense outlined stack-label").classes("w-24").mark("reminder-days")
            with ui.row().classes("w-full items-center gap-3"):
                self.by_sms = ui.checkbox("문자", value=True).mark("reminder-sms")
                self.by_mail = ui.checkbox("메일 (유지보수동의서가 작성돼 있으면 첨부)", value=True)
                self.by_mail.mark("reminder-mail")
            ui.label("넣을 수 있는 값: {고객명}, {만료일}, {회사명}").classes("text-caption text-grey-8")
            self.sms_text = ui.textarea("문자 내용", value=sms_text).props("rows=2").mark("reminder-sms-text")
            self.subject = ui.input("메일 제목", value=template.subject).mark("reminder-subject")
            self.body = ui.textarea("메일 본문", value=template.body).props("rows=3").mark("reminder-body")
            for element in (self.sms_text, self.subject, self.body):
                element.props("dense outlined stack-label").classes("w-full")
            self.errors = FieldErrors(
                {
                    "within_days": self.days,
                    "sms_text": self.sms_text,
                    "email_subject": self.subject,
                    "email_body": self.body,
                }
            )
            self.table = (
                ui.table(columns=spec_columns(REMINDERS), rows=[], row_key="id", pagination=8)
                .props('dense flat bordered no-data-label="미리보기를 누르면 받을 고객이 여기에 나옵니다."')
                .classes("w-full")
                .mark("reminder-preview-table")
            )
            with ui.row().classes("w-full items-center gap-2"):
                self.summary = ui.label().classes("grow text-body2").mark("reminder-summary")
                ui.button("미리보기", icon="preview", on_click=self.preview).props("outline no-caps").mark(
                    "reminder-preview"
                )
                self.send_button = SaveAction(self.send, text="보내기", icon="send").props(
                    "unelevated no-caps"
                )
                self.send_button.mark("reminder-send")
                self.excel_button = ui.button("엑셀", icon="grid_on", on_click=self.excel)
                self.excel_button.props("outline no-caps").mark("reminder-excel")
                self.print_button = ui.button("인쇄", icon="print", on_click=self.print)
                self.print_button.props("outline no-caps").mark("reminder-print")
                ui.button("닫기", icon="close", on_click=self.close).props("flat no-caps")

    def _scope(self) -> dict:
        if self.scope.value == "checked":
            return {"product_ids": self.product_ids}
        return {"within_days": self.days.value}

    def _channels(self) -> list[ReminderChannel]:
        return [
            c
            for c, on in (
                (ReminderChannel.SMS, self.by_sms.value),
                (ReminderChannel.EMAIL, self.by_mail.value),
            )
            if on
        ]

    def _show(self, lines: list[dict]) -> None:
        self.lines = lines
        self.table.rows = [{**REMINDERS.table_row(line), "id": i} for i, line in enumerate(lines)]
        self.table.update()

    def _nothing_listed(self) -> bool:
        if not self.lines:
            ui.notify("목록이 비어 있습니다. 먼저 미리보기를 누르세요.", type="warning")
        return not self.lines

    async def excel(self) -> None:
        if self._nothing_listed():
            return
        await export_excel(
            self.actor, REMINDERS, list(self.lines), dated("갱신안내", "xlsx"), button=self.excel_button
        )

    async def print(self) -> None:
        if self._nothing_listed():
            return
        await print_list(
            self.actor,
            REMINDERS,
            list(self.lines),
            dated("갱신안내", "pdf"),
            preview_title="갱신 안내 인쇄",
            button=self.print_button,
            subtitle=self.counts,
        )

    async def preview(self) -> None:
        try:
            planned = await reminders.plan(channels=self._channels(), **self._scope())
        except GogaekError as error:
            self.errors.refuse(error)
            return
        self.errors.clear()
        self.table.props('no-data-label="갱신 안내를 보낼 고객이 없습니다."')
        self._show([_line(p, f"건너뜀: {p.skip_reason}" if p.skip_reason else "보낼 예정") for p in planned])
        going = sum(1 for p in planned if not p.skip_reason)
        self.counts = f"보낼 예정 {going:,}건 · 건너뜀 {len(planned) - going:,}건"
        self.summary.set_text(self.counts)

    async def send(self) -> None:
        try:
            result = await reminders.send_reminders(
                by=self.actor,
                channels=self._channels(),
                sms_text=self.sms_text.value or "",
                email_subject=self.subject.value or "",
                email_body=self.body.value or "",
                **self._scope(),
            )
        except GogaekError as error:
            self.errors.refuse(error)
            return
        self.errors.clear()
        lines = [_line(p, "보냄") for p in result.sent]
        lines += [_line(p, f"실패: {problem}") for p, problem in result.failed]
        lines += [_line(p, f"건너뜀: {p.skip_reason}") for p in result.skipped]
        self._show(lines)
        self.counts = (
            f"보냄 {len(result.sent):,}건 · 건너뜀 {len(result.skipped):,}건 · 실패 {len(result.failed):,}건"
        )
        said = f"{self.counts} (메일은 메일 발송 내역, 문자는 API사용자등록의 문자 발송 내역에 남습니다)"
        self.summary.set_text(said)
        ui.notify(said, type="negative" if result.failed else "positive", multi_line=True)

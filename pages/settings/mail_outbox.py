"""고객관리현황 → 메일 발송 내역 (/status/mail): every mail sent from a record, newest first, with
its result; a failed one is sent again only here, by a person (다시 보내기)."""

from __future__ import annotations

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError
from core.korean import format_datetime
from models.mail import MailStatus
from pages.components.paged_table import Page, PagedTable, PageRequest
from pages.components.toolbar import Toolbar
from pages.frame import protected_page
from services import mail

COLUMNS = [
    {"name": "created_at", "label": "보낸 시각", "field": "created_at", "align": "left"},
    {"name": "recipient", "label": "받는 사람", "field": "recipient", "align": "left"},
    {"name": "customer", "label": "고객", "field": "customer", "align": "left"},
    {"name": "kind", "label": "종류", "field": "kind", "align": "left"},
    {
        "name": "subject",
        "label": "제목",
        "field": "subject",
        "align": "left",
        "classes": "ellipsis max-w-[220px]",
    },
    {"name": "attachments", "label": "첨부", "field": "attachments", "align": "left"},
    {"name": "status", "label": "결과", "field": "status", "align": "center"},
    {"name": "staff", "label": "보낸 사람", "field": "staff", "align": "left"},
    {
        "name": "error",
        "label": "실패 사유",
        "field": "error",
        "align": "left",
        "classes": "ellipsis max-w-[260px]",
    },
]
STATUS_CHOICES = {"": "전체"} | {status.value: label for status, label in mail.STATUS_LABELS.items()}


def _row(row: dict) -> dict:
    status = mail.status_label(row["status"])
    if row["status"] == MailStatus.FAILED and row["retried"]:
        status += " (다시 보냄)"
    return {
        "id": row["id"],
        "created_at": format_datetime(row["created_at"]),
        "recipient": row["recipient"],
        "customer": row["customer__company_name"] or "",
        "kind": mail.kind_label(row["record_kind"]),
        "subject": row["subject"],
        "attachments": ", ".join(row["attachment_names"] or []),
        "status": status,
        "status_code": row["status"],
        "retried": row["retried"],
        "staff": row["staff__name"] or "",
        "error": row["error"],
    }


class OutboxScreen:
    def __init__(self, actor: Actor) -> None:
        self.actor = actor

    async def build(self) -> None:
        ui.label("메일 발송 내역").classes("text-h6")
        with ui.row().classes("w-full items-center gap-2"):
            self.status = ui.select(STATUS_CHOICES, value="", label="결과", on_change=self.search)
            self.status.props("dense outlined stack-label").classes("w-32").mark("outbox-status")
            with Toolbar(search=self.search):
                ui.button("다시 보내기", icon="forward_to_inbox", on_click=self.resend).props(
                    "dense unelevated no-caps"
                ).mark("outbox-resend")
        self.table = PagedTable(columns=COLUMNS, fetch=self.fetch, empty_text="보낸 메일이 없습니다.")
        self.table.mark("outbox-table")
        await self.table.refresh()

    async def fetch(self, request: PageRequest) -> Page:
        rows, total = await mail.outbox_page(
            status=self.status.value or None, offset=request.offset, limit=request.rows_per_page
        )
        return Page(rows=[_row(r) for r in rows], total=total)

    async def search(self) -> None:
        await self.table.refresh(first_page=True)

    async def resend(self, event) -> None:
        row = self.table.selected_row
        if row is None:
            ui.notify("먼저 목록에서 다시 보낼 메일을 선택하세요.", type="warning")
            return
        if row["status_code"] != MailStatus.FAILED or row["retried"]:
            ui.notify("실패했고 아직 다시 보내지 않은 메일만 다시 보낼 수 있습니다.", type="warning")
            return
        button = event.sender
        button.props("loading")
        try:
            sent = await mail.resend(row["id"], by=self.actor)
        except GogaekError as error:
            ui.notify(str(error), type="negative", multi_line=True)
            return
        finally:
            button.props(remove="loading")
        self.table.selected = []
        ui.notify(mail.outcome(sent), type="positive" if sent.status == MailStatus.SENT else "negative")
        await self.table.refresh()


def register() -> None:
    @protected_page("/status/mail", "메일 발송 내역")
    async def outbox_page(actor: Actor) -> None:
        await OutboxScreen(actor).build()

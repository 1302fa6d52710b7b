"""고객관리현황 → 메일 발송 내역 (/status/mail): every mail sent from a record, newest first, with
its result; a failed one is sent again only here, by a person (다시 보내기)."""

from __future__ import annotations

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError
from models.mail import MailStatus
from pages.components.list_output import dated, export_excel, print_list
from pages.components.paged_table import Page, PagedTable, PageRequest, spec_columns
from pages.components.toolbar import Toolbar
from pages.frame import protected_page
from services import mail
from services.list_spec import ListColumn, ListSpec


def _status(row: dict) -> str:
    status = mail.status_label(row["status"])
    if row["status"] == MailStatus.FAILED and row["retried"]:
        status += " (다시 보냄)"
    return status


# 발송 내역, on the screen, in Excel and printed
OUTBOX = ListSpec(
    "메일 발송 내역",
    (
        ListColumn("created_at", "보낸 시각", "datetime", width=18),
        ListColumn("recipient", "받는 사람", width=28),
        ListColumn("customer", "고객", width=22, value=lambda r: r["customer__company_name"] or ""),
        ListColumn("kind", "종류", width=12, value=lambda r: mail.kind_label(r["record_kind"])),
        ListColumn("subject", "제목", width=36, max_width=220),
        ListColumn("attachments", "첨부", width=24, value=lambda r: ", ".join(r["attachment_names"] or [])),
        ListColumn("status", "결과", width=14, align="center", value=_status),
        ListColumn("staff", "보낸 사람", width=12, value=lambda r: r["staff__name"] or ""),
        ListColumn("error", "실패 사유", width=36, max_width=260),
    ),
)
PRINT_LIMIT = 2000
STATUS_CHOICES = {"": "전체"} | {status.value: label for status, label in mail.STATUS_LABELS.items()}


def _row(row: dict) -> dict:
    return {
        **OUTBOX.table_row(row),
        "id": row["id"],
        "status_code": row["status"],
        "retried": row["retried"],
    }


class OutboxScreen:
    def __init__(self, actor: Actor) -> None:
        self.actor = actor

    async def build(self) -> None:
        ui.label("메일 발송 내역").classes("text-h6")
        with ui.row().classes("w-full items-center gap-2"):
            self.status = ui.select(STATUS_CHOICES, value="", label="결과", on_change=self.search)
            self.status.props("dense outlined stack-label").classes("w-32").mark("outbox-status")
            with Toolbar(search=self.search, excel=self.excel, print=self.print) as toolbar:
                ui.button("다시 보내기", icon="forward_to_inbox", on_click=self.resend).props(
                    "dense unelevated no-caps"
                ).mark("outbox-resend")
        self.toolbar = toolbar
        self.table = PagedTable(
            columns=spec_columns(OUTBOX), fetch=self.fetch, empty_text="보낸 메일이 없습니다."
        )
        self.table.mark("outbox-table")
        await self.table.refresh()

    async def fetch(self, request: PageRequest) -> Page:
        rows, total = await mail.outbox_page(
            status=self.status.value or None, offset=request.offset, limit=request.rows_per_page
        )
        return Page(rows=[_row(r) for r in rows], total=total)

    async def search(self) -> None:
        await self.table.refresh(first_page=True)

    async def excel(self) -> None:
        await export_excel(
            self.actor,
            OUTBOX,
            mail.iter_outbox(status=self.status.value or None),
            dated("메일발송내역", "xlsx"),
            button=self.toolbar.buttons["excel"],
        )

    async def print(self) -> None:
        status = self.status.value or ""
        await print_list(
            self.actor,
            OUTBOX,
            mail.iter_outbox(status=status or None),
            dated("메일발송내역", "pdf"),
            preview_title="메일 발송 내역 인쇄",
            button=self.toolbar.buttons["print"],
            subtitle=f"결과: {STATUS_CHOICES[status]}" if status else "",
            limit=PRINT_LIMIT,
            cut_note=f"처음 {PRINT_LIMIT:,}건만 인쇄했습니다. 전체는 엑셀로 저장하세요.",
        )

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

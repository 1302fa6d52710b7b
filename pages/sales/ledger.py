"""거래내역 (/ledger/{partner_id}): a trading partner's orders, shipments and receipts by date with
the running credit balance; 수금 is entered here, orders can be shipped (출고처리) or added
(주문등록); Excel and print."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError, StaleRecordError, ValidationError
from core.korean import format_amount, format_business_number, format_date, josa
from models.codes import CodeKind
from pages.components.conflicts import keep_my_work
from pages.components.date_input import DateInput
from pages.components.dialogs import TransientDialog, confirm
from pages.components.forms import FieldErrors
from pages.components.input_limits import limit_text
from pages.components.list_output import export_excel, print_list
from pages.components.mail_dialog import open_mail_dialog
from pages.components.paged_table import column, spec_columns
from pages.components.print_preview import show_pdf
from pages.components.save_action import SaveAction
from pages.components.toolbar import Toolbar
from pages.frame import protected_page
from pages.sales.orders import open_order_dialog
from services import codes, mail_drafts, sales, statements
from services.list_spec import ListColumn, ListSpec
from services.sales import Ledger, LedgerEntry, LedgerKind

KIND_LABELS = {LedgerKind.ORDER: "수주", LedgerKind.SHIPMENT: "출고", LedgerKind.RECEIPT: "수금"}


# the ledger's lines (dicts from _lines: the 이월잔액 line, then the documents), on the screen, in
# Excel and printed, with the period's sums of the three amounts under them
LEDGER = ListSpec(
    "거래내역",
    (
        ListColumn("date", "일자", "date", align="center"),
        ListColumn("kind", "구분", width=8, align="center"),
        ListColumn("number", "번호", align="center"),
        ListColumn("summary", "적요", width=36),
        ListColumn("order", "수주금액", "amount", width=14, total=True),
        ListColumn("shipment", "출고금액", "amount", width=14, total=True),
        ListColumn("receipt", "수금액", "amount", width=14, total=True),
        ListColumn("balance", "잔액", "amount", width=14),
    ),
    total_label="[기간 합계]",
    landscape=False,
)
LINE_COLUMNS = [
    column("seq", "순번", "right"),
    column("item_code", "품번"),
    column("name", "품명"),
    column("spec", "규격"),
    column("quantity", "수량", "right"),
    column("unit_price", "단가", "right"),
    column("supply", "공급가액", "right"),
    column("vat", "부가세", "right"),
    column("total", "합계금액", "right"),
]


def _amount(value: int) -> str:
    return format_amount(value) if value else ""


def _lines(ledger: Ledger) -> list[dict[str, Any]]:
    """The ledger's lines as LEDGER reads them: the 이월잔액 (when the period has a start), then
    each document with its amounts (none where it has none) and the balance after it."""
    opening = {"date": ledger.date_from, "summary": "[이월잔액]", "balance": ledger.opening_balance}
    return ([opening] if ledger.date_from else []) + [
        {
            "entry": e,
            "date": e.date,
            "kind": KIND_LABELS[e.kind],
            "number": e.number,
            "summary": e.summary,
            "order": e.order_amount or None,
            "shipment": e.shipment_amount or None,
            "receipt": e.receipt_amount or None,
            "balance": e.balance,
        }
        for e in ledger.entries
    ]


def _row(line: dict[str, Any]) -> dict[str, Any]:
    cells = LEDGER.table_row(line)
    entry: LedgerEntry | None = line.get("entry")
    if entry is None:
        return {**cells, "key": "opening", "kind_value": None}
    return {
        **cells,
        "key": f"{entry.kind.value}-{entry.id}",
        "kind_value": entry.kind.value,
        "id": entry.id,
        "amount": entry.receipt_amount,
        "memo": entry.memo,
        "method_id": entry.method_id,
        "version": entry.version,
        "shipped": entry.shipped,
        "raw_date": entry.date.isoformat(),
    }


class LedgerScreen:
    def __init__(self, actor: Actor, partner_id: int) -> None:
        self.actor = actor
        self.partner_id = partner_id
        self.ledger: Ledger | None = None
        self.selected: dict[str, Any] | None = None

    async def build(self) -> None:
        self.methods = await codes.code_choices(CodeKind.PAYMENT_METHOD)
        today = dt.date.today()
        with ui.row().classes("w-full items-center gap-3"):
            ui.label("거래내역").classes("text-h6")
            self.title = ui.label().classes("text-subtitle1 text-weight-medium").mark("ledger-partner")
            self.info = ui.label().classes("text-caption text-grey-8")
            ui.space()
            self.balance = ui.label().classes("text-h6 text-primary").mark("ledger-balance")
        with ui.row().classes("w-full items-end gap-2"):
            self.date_from = (
                DateInput("기간 부터", dt.date(today.year, 1, 1)).classes("w-40").mark("ledger-from")
            )
            self.date_to = DateInput("까지", dt.date(today.year, 12, 31)).classes("w-40").mark("ledger-to")
            self.all_dates = ui.checkbox("기간 전체").mark("ledger-all-dates")
        with ui.row().classes("w-full items-center gap-1"):
            self.toolbar = Toolbar(
                prefix="ledger-",
                search=self.load,
                add=self.add_receipt,
                edit=self.edit_selected,
                delete=self.delete_selected,
                excel=self.excel,
                print=self.print,
            )
            self.toolbar.buttons["add"].set_text("수금입력[F5]")
            with self.toolbar:
                ui.button("주문등록", icon="add_shopping_cart", on_click=self.new_order).props(
                    "dense outline no-caps"
                ).mark("ledger-new-order")
                ui.button("출고처리", icon="local_shipping", on_click=self.ship_selected).props(
                    "dense outline no-caps"
                ).mark("ledger-ship")
                ui.button("거래명세서", icon="receipt_long", on_click=self.print_statement).props(
                    "dense outline no-caps"
                ).mark("ledger-statement")
                ui.button("영수증", icon="receipt", on_click=self.print_receipt).props(
                    "dense outline no-caps"
                ).mark("ledger-receipt")
                ui.button("메일 발송", icon="mail", on_click=self.mail_selected).props(
                    "dense outline no-caps"
                ).mark("ledger-mail")
        self.note = ui.label().classes("text-caption text-warning")
        self.table = (
            ui.table(columns=spec_columns(LEDGER), rows=[], row_key="key", selection="single", pagination=100)
            .props('dense flat bordered no-data-label="이 기간의 거래가 없습니다."')
            .classes("w-full sticky-header max-h-[65vh]")
            .mark("ledger-table")
        )
        self.table.on("rowClick", lambda e: self._select(e.args[1]))
        self.table.on("rowDblclick", lambda e: self._open(e.args[1]))
        self.table.on("rowContextmenu", lambda e: self._select(e.args[1]))
        self.table.on(
            "selection", lambda _e: self._select(self.table.selected[0] if self.table.selected else None)
        )
        with self.table, ui.context_menu():
            ui.menu_item("열기", on_click=self.edit_selected)
            ui.menu_item("출고처리", on_click=self.ship_selected)
            ui.menu_item("거래명세서 인쇄", on_click=self.print_statement)
            ui.menu_item("영수증 인쇄", on_click=self.print_receipt)
            ui.menu_item("메일 발송 (거래명세서·영수증)", on_click=self.mail_selected)
            ui.menu_item("삭제", on_click=self.delete_selected)
        self.totals = ui.label().classes("text-caption w-full text-right tabular-nums").mark("ledger-totals")
        await self.load()

    def _select(self, row: dict[str, Any] | None) -> None:
        if row is not None and row.get("kind_value") is None:
            row = None  # the 이월잔액 line is not a document
        self.selected = row
        self.table.selected = [row] if row else []
        self.table.update()

    async def load(self) -> None:
        use_dates = not self.all_dates.value
        if use_dates and (self.date_from.date is None or self.date_to.date is None):
            ui.notify(
                "기간을 연-월-일(예: 2019-03-31)로 입력하거나 '기간 전체'를 선택하세요.", type="warning"
            )
            return
        ledger = await sales.partner_ledger(
            self.partner_id,
            date_from=self.date_from.date if use_dates else None,
            date_to=self.date_to.date if use_dates else None,
        )
        self.ledger = ledger
        self.title.set_text(f"{ledger.partner_name} ({ledger.partner_code})")
        self.info.set_text(
            " · ".join(
                p
                for p in (
                    format_business_number(ledger.business_number),
                    ledger.representative and f"대표 {ledger.representative}",
                    ledger.phone,
                )
                if p
            )
        )
        self.balance.set_text(f"외상잔액 {format_amount(ledger.current_balance)}원")
        rows = [_row(line) for line in _lines(ledger)]
        self.table.rows = rows
        self.selected = None
        self.table.selected = []
        self.table.update()
        self.note.set_text(
            f"거래가 많아 종류별로 앞의 {sales.LEDGER_LIMIT:,}건까지만 보입니다. 기간을 줄이세요."
            if ledger.truncated
            else ""
        )
        self.totals.set_text(
            f"기간 합계: 수주 {format_amount(ledger.order_total)} · 출고 {format_amount(ledger.shipment_total)}"
            f" · 수금 {format_amount(ledger.receipt_total)} · 기말잔액 {format_amount(ledger.closing_balance)}"
        )

    def _need_selection(self) -> dict[str, Any] | None:
        if self.selected is None:
            ui.notify("먼저 목록에서 거래를 선택하세요.", type="warning")
        return self.selected

    async def _open(self, row: dict[str, Any]) -> None:
        self._select(row)
        await self.edit_selected()

    # -- receipts ----------------------------------------------------------------------------

    def receipt_dialog(self, row: dict[str, Any] | None) -> None:
        editing = row is not None
        with TransientDialog() as dialog, ui.card().classes("w-[420px] max-w-full"):
            ui.label("수금 수정" if editing else "수금 입력").classes("text-h6")
            received_on = (
                DateInput("수금일자 *", dt.date.fromisoformat(row["raw_date"]) if row else dt.date.today())
                .classes("w-full")
                .mark("receipt-date")
            )
            amount = (
                ui.input("금액 *", value=format_amount(row["amount"]) if row else "")
                .props("dense outlined stack-label input-class=text-right inputmode=numeric autofocus")
                .classes("w-full")
                .mark("receipt-amount")
            )
            method = (
                ui.select(
                    self.methods, label="수금방법", value=row["method_id"] if row else None, clearable=True
                )
                .props("dense outlined stack-label")
                .classes("w-full")
            )
            memo = limit_text(
                ui.input("적요", value=row["memo"] if row else "")
                .props("dense outlined stack-label")
                .classes("w-full")
                .mark("receipt-memo"),
                sales.RECEIPT_MEMO_MAX,
            )
            errors = FieldErrors(
                {"received_on": received_on, "amount": amount, "method": method, "memo": memo}
            )
            state = {"version": row["version"] if row else None}

            async def reapply(latest_version: int) -> None:
                state["version"] = latest_version  # my input on top of what is stored now
                await save()

            async def reload() -> None:
                assert row is not None
                try:
                    latest = await sales.get_receipt(row["id"])
                except GogaekError as error:
                    ui.notify(str(error), type="negative", multi_line=True)
                    return
                errors.clear()
                received_on.set_date(latest.received_on)
                amount.value = format_amount(latest.amount)
                method.value = latest.method_id
                memo.value = latest.memo
                state["version"] = latest.version

            async def save() -> None:
                try:
                    if editing:
                        await sales.update_receipt(
                            row["id"],
                            by=self.actor,
                            version=state["version"],
                            received_on=received_on.date,
                            amount=amount.value,
                            method_id=method.value,
                            memo=memo.value or "",
                        )
                    else:
                        await sales.add_receipt(
                            by=self.actor,
                            partner_id=self.partner_id,
                            received_on=received_on.date,
                            amount=amount.value,
                            method_id=method.value,
                            memo=memo.value or "",
                            form_token=save_action.form_token,
                        )
                except ValidationError as error:
                    errors.show(error.fields)
                    return
                except StaleRecordError as error:
                    errors.clear()
                    await keep_my_work(error, errors.fields, reapply=reapply, reload=reload)
                    return
                except GogaekError as error:
                    ui.notify(str(error), type="negative", multi_line=True)
                    return
                ui.notify("수금을 저장했습니다.", type="positive")
                dialog.close()
                await self.load()

            with ui.row().classes("w-full justify-end"):
                if editing:
                    ui.button("영수증", icon="receipt", on_click=self.print_receipt).props("outline no-caps")
                save_action = (
                    SaveAction(save).trigger_on_enter(amount).props("unelevated").mark("receipt-save")
                )
                ui.button("닫기", on_click=dialog.close).props("flat")
        dialog.open()

    def add_receipt(self) -> None:
        self.receipt_dialog(None)

    async def edit_selected(self) -> None:
        if not (row := self._need_selection()):
            return
        if row["kind_value"] == LedgerKind.RECEIPT.value:
            self.receipt_dialog(row)
        else:
            await self.document_dialog(row)

    async def document_dialog(self, row: dict[str, Any]) -> None:
        kind = LedgerKind(row["kind_value"])
        lines = await sales.document_lines(kind, row["id"])
        with TransientDialog() as dialog, ui.card().classes("w-[900px] max-w-full"):
            ui.label(f"{KIND_LABELS[kind]} {row['number']} ({row['date']})").classes("text-h6")
            if row["memo"]:
                ui.label(row["memo"]).classes("text-grey-8")
            ui.table(
                columns=LINE_COLUMNS,
                rows=[
                    {
                        "key": line.id,
                        "seq": line.seq,
                        "item_code": line.item_code,
                        "name": line.name,
                        "spec": line.spec,
                        "quantity": _amount(line.quantity),
                        "unit_price": _amount(line.unit_price),
                        "supply": _amount(line.supply_amount),
                        "vat": _amount(line.vat_amount),
                        "total": _amount(line.total_amount),
                    }
                    for line in lines
                ],
                row_key="key",
                pagination=0,
            ).props("dense flat bordered").classes("w-full max-h-[50vh]").mark("document-lines")
            ui.label(f"합계 {row['order'] or row['shipment']}원").classes("text-subtitle2")
            with ui.row().classes("w-full justify-end"):
                if kind == LedgerKind.ORDER and not row["shipped"]:

                    async def ship() -> None:
                        dialog.close()
                        await self.ship_selected()

                    ui.button("출고처리", icon="local_shipping", on_click=ship).props("outline no-caps")

                async def statement() -> None:
                    await self.print_statement(row)

                ui.button("거래명세서", icon="receipt_long", on_click=statement).props("outline no-caps")
                ui.button("닫기", on_click=dialog.close).props("flat")
        dialog.open()

    async def delete_selected(self) -> None:
        if not (row := self._need_selection()):
            return
        kind = LedgerKind(row["kind_value"])
        what = (
            f"{row['date']} 수금 {format_amount(row['amount'])}원"
            if kind == LedgerKind.RECEIPT
            else f"{KIND_LABELS[kind]} {row['number']} ({row['summary']})"
        )
        extra = (
            "" if kind == LedgerKind.RECEIPT else " 품목 줄도 함께 삭제되고, 견적서의 상태는 그대로입니다."
        )
        if not await confirm(f"{what}{josa(what, '을')} 삭제할까요?{extra}", action="삭제", danger=True):
            return
        try:
            if kind == LedgerKind.RECEIPT:
                await sales.delete_receipt(row["id"], by=self.actor)
            elif kind == LedgerKind.ORDER:
                await sales.delete_order(row["id"], by=self.actor)
            else:
                await sales.delete_shipment(row["id"], by=self.actor)
        except GogaekError as error:
            ui.notify(str(error), type="negative", multi_line=True)
            return
        ui.notify(f"{what}{josa(what, '을')} 삭제했습니다.")
        await self.load()

    # -- orders ------------------------------------------------------------------------------

    async def new_order(self) -> None:
        if self.ledger is None:
            return
        await open_order_dialog(
            self.actor, partner_id=self.partner_id, partner_name=self.ledger.partner_name, on_saved=self.load
        )

    async def ship_selected(self) -> None:
        if not (row := self._need_selection()):
            return
        if row["kind_value"] != LedgerKind.ORDER.value:
            ui.notify("출고처리할 수주를 선택하세요.", type="warning")
            return
        if not await confirm(f"수주 {row['number']}의 품목으로 출고를 등록할까요?", action="출고처리"):
            return
        try:
            shipment = await sales.ship_order(row["id"], by=self.actor)
        except GogaekError as error:
            ui.notify(str(error), type="negative", multi_line=True)
            return
        ui.notify(f"출고 {shipment.number}{josa(shipment.number, '을')} 등록했습니다.", type="positive")
        await self.load()

    # -- 거래명세서 and 영수증 ------------------------------------------------------------------

    async def print_statement(self, row: dict[str, Any] | None = None) -> None:
        if not (row := row or self._need_selection()):
            return
        if row["kind_value"] not in (LedgerKind.ORDER.value, LedgerKind.SHIPMENT.value):
            ui.notify("거래명세서를 인쇄할 수주나 출고를 선택하세요.", type="warning")
            return
        try:
            filename, pdf = await statements.statement_pdf(LedgerKind(row["kind_value"]), row["id"])
        except GogaekError as error:
            ui.notify(str(error), type="negative", multi_line=True)
            return
        show_pdf(self.actor, filename, pdf, title="거래명세서 미리보기")

    async def print_receipt(self) -> None:
        if not (row := self._need_selection()):
            return
        if row["kind_value"] != LedgerKind.RECEIPT.value:
            ui.notify("영수증을 인쇄할 수금을 선택하세요.", type="warning")
            return
        try:
            filename, pdf = await statements.receipt_pdf(row["id"])
        except GogaekError as error:
            ui.notify(str(error), type="negative", multi_line=True)
            return
        show_pdf(self.actor, filename, pdf, title="영수증 미리보기")

    async def mail_selected(self) -> None:
        """A 수주 or 출고 goes out as its 거래명세서, a 수금 as its 영수증."""
        if not (row := self._need_selection()):
            return
        kind, record_id = row["kind_value"], row["id"]
        if kind == LedgerKind.RECEIPT.value:
            await open_mail_dialog(self.actor, lambda: mail_drafts.receipt_draft(record_id))
        elif kind in (LedgerKind.ORDER.value, LedgerKind.SHIPMENT.value):
            await open_mail_dialog(self.actor, lambda: mail_drafts.statement_draft(kind, record_id))
        else:
            ui.notify("메일로 보낼 수주·출고(거래명세서)나 수금(영수증)을 선택하세요.", type="warning")

    # -- export ------------------------------------------------------------------------------

    async def excel(self) -> None:
        if self.ledger is None:
            return
        await export_excel(
            self.actor,
            LEDGER,
            _lines(self.ledger),
            f"거래내역_{self.ledger.partner_name}_{dt.date.today():%Y%m%d}.xlsx",
            button=self.toolbar.buttons["excel"],
            done_message="",
        )

    async def print(self) -> None:
        if self.ledger is None:
            return
        ledger = self.ledger
        period = (
            f"{format_date(ledger.date_from)} ~ {format_date(ledger.date_to)}"
            if ledger.date_from
            else "기간 전체"
        )
        await print_list(
            self.actor,
            LEDGER,
            _lines(ledger),
            f"거래내역_{ledger.partner_name}_{dt.date.today():%Y%m%d}.pdf",
            preview_title="거래내역 인쇄",
            button=self.toolbar.buttons["print"],
            title=f"거래내역 — {ledger.partner_name}",
            subtitle=f"{ledger.partner_code} · {period} · 현재 외상잔액 {format_amount(ledger.current_balance)}원",
        )


def register() -> None:
    @protected_page("/ledger/{partner_id}", "거래내역")
    async def ledger_page(actor: Actor, partner_id: str) -> None:
        if not partner_id.isdigit():
            ui.label("거래처를 찾을 수 없습니다.").classes("text-negative")
            return
        if not await sales.partner_exists(int(partner_id)):
            ui.label("거래처를 찾을 수 없습니다.").classes("text-negative")
            return
        await LedgerScreen(actor, int(partner_id)).build()

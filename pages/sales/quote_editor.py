"""견적서 작성: the quote editor at /quotes/{id} (and /quotes/new?customer=ID).

Header (견적서정보) above, lines below with live totals; 저장 keeps the editor open, 인쇄 saves
first and previews the PDF, 복사 makes a new quote, 주문처리/출고처리 hand over to sales. A quote
already turned into an order or shipment opens read-only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError, NotFound, StaleRecordError, ValidationError
from core.inputs import WRONG_DATE
from core.korean import format_date, josa
from models.codes import CodeKind
from models.quote import Quote, QuoteState
from pages.components.change_history import change_history_button
from pages.components.conflicts import keep_my_work
from pages.components.customer_picker import pick_customer
from pages.components.date_input import DateInput
from pages.components.dialogs import TransientDialog, confirm
from pages.components.document_lines import LinesEditor
from pages.components.forms import FieldErrors
from pages.components.input_limits import limit_text
from pages.components.leave_guard import LeaveGuard, may_leave
from pages.components.mail_dialog import open_mail_dialog
from pages.components.print_preview import show_pdf
from pages.components.save_action import SaveAction
from pages.customers.links import customer_url
from pages.frame import protected_page
from pages.sales.orders import Processing, process_quote
from services import codes, mail_drafts, quotes
from services.document_lines import typed_values
from services.staff import staff_choices

DEFAULT_VALIDITY_DAYS = 30
STATE_OPTIONS = {state.value: state.value for state in QuoteState}
PARTNER_COLUMNS = [
    {"name": "code", "label": "코드", "field": "code", "align": "left"},
    {"name": "name", "label": "상호", "field": "name", "align": "left"},
    {"name": "representative", "label": "대표자", "field": "representative", "align": "left"},
    {"name": "phone", "label": "전화", "field": "phone", "align": "left"},
]


def copied_message(source_number: str, copy: Quote) -> str:
    """What 복사 says: the new quote's number, and that it is dated today (not the source's date)."""
    return (
        f"견적서 {source_number}{josa(source_number, '을')} 복사해 견적서 {copy.number}{josa(copy.number, '을')} "
        f"새로 만들었습니다. 견적일자는 오늘({format_date(copy.quote_date)})입니다."
    )


BACK_TO = "/status/quotes"  # the one screen a quote may return to by its address (with its filters)


def quote_url(quote_id: int | None, *, customer_id: int | None = None, back: str | None = None) -> str:
    """`back`: 견적현황's address as it was left, where 닫기 returns."""
    query = {"customer": customer_id if not quote_id else None, "back": back}
    query_text = urlencode({k: v for k, v in query.items() if v})
    return f"/quotes/{quote_id or 'new'}" + (f"?{query_text}" if query_text else "")


def line_rows(lines) -> list[dict[str, Any]]:
    return [{"id": line.id, "item_id": line.item_id, **typed_values(line)} for line in lines]


def pick_partner(on_pick: Callable[[quotes.PartyChoice], None]) -> None:
    """거래처 찾기: a search dialog for a trading partner (never the whole table). A customer is
    picked with pages.components.customer_picker."""
    found: dict[int, quotes.PartyChoice] = {}
    marker = "partner-pick"
    with TransientDialog() as dialog, ui.card().classes("w-[720px] max-w-full"):
        ui.label("거래처 찾기").classes("text-h6")
        with ui.row().classes("w-full items-center gap-2 no-wrap"):
            query = (
                ui.input("상호 또는 코드")
                .props("dense outlined autofocus")
                .classes("grow")
                .mark(f"{marker}-search")
            )
            ui.button("조회", icon="search", on_click=lambda: load()).props("dense unelevated no-caps")
        table = (
            ui.table(columns=PARTNER_COLUMNS, rows=[], row_key="id", pagination=0)
            .props('dense flat bordered virtual-scroll no-data-label="조회된 자료가 없습니다."')
            .classes("w-full max-h-[50vh]")
            .mark(f"{marker}-results")
        )
        ui.label("더블클릭하면 선택됩니다.").classes("text-caption text-grey-7")
        with ui.row().classes("w-full justify-end"):
            ui.button("닫기", on_click=dialog.close).props("flat")

        async def load() -> None:
            choices = await quotes.find_partners(query.value or "")
            found.clear()
            found.update({c.id: c for c in choices})
            table.rows = [
                {
                    "id": c.id,
                    "code": c.code,
                    "name": c.name,
                    "representative": c.representative,
                    "phone": c.phone,
                }
                for c in choices
            ]
            table.update()

        def pick(row: dict[str, Any]) -> None:
            dialog.close()
            on_pick(found[row["id"]])

        query.on("keydown.enter", load)
        table.on("rowDblclick", lambda e: pick(e.args[1]))
    dialog.open()


class QuoteEditor:
    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.quote_id: int | None = None
        self.version = 1
        self.customer_id: int | None = None
        self.partner_id: int | None = None
        self.dirty = False
        self.processed = False
        self._loading = False
        self.client = ui.context.client
        self.guard = LeaveGuard(lambda: self.dirty)
        self.back: str | None = None

    # -- building ----------------------------------------------------------------------------

    async def build(self, quote_id: int | None, customer_id: int | None) -> None:
        staff = await staff_choices()
        departments = await codes.code_choices(CodeKind.DEPARTMENT)
        classes = await codes.code_choices(CodeKind.CUSTOMER_CLASS_A)
        with ui.row().classes("w-full items-center gap-2"):
            ui.label("견적서").classes("text-h6")
            self.number_label = (
                ui.label("새 견적서").classes("text-subtitle1 text-primary").mark("quote-number")
            )
            self.state_badge = ui.badge("").props("outline")
            self.processed_label = ui.label("").classes("text-caption text-grey-8").mark("quote-processed")
            ui.space()
            self.save_button = SaveAction(self.save, icon="save").props("dense unelevated no-caps")
            self.save_button.mark("quote-save")
            ui.button("인쇄", icon="print", on_click=self.print).props("dense outline no-caps").mark(
                "quote-print"
            )
            ui.button("메일 발송", icon="mail", on_click=self.send_mail).props("dense outline no-caps").mark(
                "quote-mail"
            )
            # a copy is a new quote too: one per gesture, however often it is clicked meanwhile
            self.copy_button = SaveAction(self.copy, text="복사", icon="content_copy").props(
                "outline no-caps"
            )
            self.copy_button.mark("quote-copy")
            self.order_button = ui.button(
                "주문처리", icon="shopping_cart", on_click=lambda: self.process(Processing.ORDER)
            ).props("dense outline no-caps")
            self.order_button.mark("quote-order")
            self.ship_button = ui.button(
                "출고처리", icon="local_shipping", on_click=lambda: self.process(Processing.SHIPMENT)
            ).props("dense outline no-caps")
            self.ship_button.mark("quote-ship")
            self.delete_button = ui.button("삭제", icon="delete", on_click=self.delete).props(
                "dense outline no-caps color=negative"
            )
            self.delete_button.mark("quote-delete")
            change_history_button("quote", lambda: self.quote_id)
            ui.button("닫기", icon="close", on_click=self.close).props("dense flat no-caps").mark(
                "quote-close"
            )
        self.locked_note = ui.label(
            "주문/출고 처리된 견적서라 수정할 수 없습니다. 바꾸려면 복사해서 새 견적서를 만드세요."
        ).classes("text-warning text-caption")
        with (
            ui.card().classes("w-full p-2"),
            ui.element("div").classes(
                "grid grid-cols-1 sm:grid-cols-2 lg:grid-cols-4 gap-x-2 gap-y-1 w-full"
            ),
        ):
            self.quote_date = DateInput("견적일자 *", dt.date.today()).mark("quote-date")
            self.valid_until = DateInput(
                "유효일자", dt.date.today() + dt.timedelta(days=DEFAULT_VALIDITY_DAYS)
            ).mark("quote-valid-until")
            self.state = (
                ui.select(STATE_OPTIONS, label="견적상태", value=QuoteState.IN_PROGRESS.value)
                .props("dense outlined stack-label")
                .mark("quote-state")
            )
            self.staff = (
                ui.select(
                    staff, label="담당자 (작성)", value=self.actor.id if self.actor.id in staff else None
                )
                .props("dense outlined stack-label clearable")
                .mark("quote-staff")
            )
            with ui.row().classes("items-center gap-0 no-wrap"):
                self.customer = (
                    ui.input("고객 *").props("dense outlined stack-label readonly").classes("grow")
                ).mark("quote-customer")
                ui.button(icon="search", on_click=self.choose_customer).props("flat dense round").tooltip(
                    "고객 찾기"
                ).mark("quote-customer-pick")
            with ui.row().classes("items-center gap-0 no-wrap"):
                self.partner = (
                    ui.input("거래처").props("dense outlined stack-label readonly").classes("grow")
                ).mark("quote-partner")
                ui.button(icon="search", on_click=self.choose_partner).props("flat dense round").tooltip(
                    "거래처 찾기"
                )
                ui.button(icon="backspace", on_click=self.clear_partner).props("flat dense round").tooltip(
                    "거래처 지우기"
                )
            self.department = (
                ui.select(departments, label="부서", clearable=True)
                .props("dense outlined stack-label")
                .mark("quote-department")
            )
            self.customer_class = ui.select(classes, label="고객분류", clearable=True).props(
                "dense outlined stack-label"
            )
            self.title = (
                ui.input("견적제목")
                .props("dense outlined stack-label")
                .classes("sm:col-span-2")
                .mark("quote-title")
            )
            self.delivery_site = (
                ui.input("납품현장").props("dense outlined stack-label").classes("sm:col-span-2")
            )
            self.contact_name = (
                ui.input("고객 담당자").props("dense outlined stack-label").mark("quote-contact")
            )
            self.phone = ui.input("전화번호").props("dense outlined stack-label").mark("quote-phone")
            self.fax = ui.input("팩스번호").props("dense outlined stack-label")
            self.email = ui.input("이메일").props("dense outlined stack-label").mark("quote-email")
            self.payment_terms = (
                ui.input("결제조건").props("dense outlined stack-label").classes("sm:col-span-2")
            )
            self.delivery_terms = (
                ui.input("납품조건").props("dense outlined stack-label").classes("sm:col-span-2")
            )
            self.remarks = limit_text(
                ui.textarea("비고")
                .props("dense outlined stack-label autogrow rows=1")
                .classes("sm:col-span-2 lg:col-span-4")
                .mark("quote-remarks"),
                quotes.REMARKS_MAX,
            )
        self.header_inputs = [
            self.quote_date,
            self.valid_until,
            self.state,
            self.staff,
            self.department,
            self.customer_class,
            self.title,
            self.delivery_site,
            self.contact_name,
            self.phone,
            self.fax,
            self.email,
            self.payment_terms,
            self.delivery_terms,
            self.remarks,
        ]
        for element in self.header_inputs:
            element.on_value_change(self._changed)
        self.staff.on_value_change(self._staff_changed)
        self.errors = FieldErrors(
            {
                "quote_date": self.quote_date,
                "valid_until": self.valid_until,
                "state": self.state,
                "customer": self.customer,
                "partner": self.partner,
                "title": self.title,
                "contact_name": self.contact_name,
                "phone": self.phone,
                "fax": self.fax,
                "email": self.email,
                "delivery_site": self.delivery_site,
                "payment_terms": self.payment_terms,
                "delivery_terms": self.delivery_terms,
            }
        )
        ui.label("을지 (품목)").classes("text-subtitle1 text-weight-medium")
        self.lines = LinesEditor([], on_change=self._changed)
        if quote_id:
            await self.load(quote_id)
        else:
            self._loading = True
            if self.staff.value:
                self.department.value = await quotes.staff_department(self.staff.value)
            if customer_id:
                await self.set_customer(customer_id)
            self._loading = False
            self._refresh_header()

    # -- state -------------------------------------------------------------------------------

    def _changed(self, *_args) -> None:
        if self._loading or self.dirty:
            return
        self.dirty = True
        self.guard.refresh()

    def _clean(self) -> None:
        self.dirty = False
        self.guard.refresh()

    async def _staff_changed(self, event) -> None:
        if not self._loading and event.value and not self.department.value:
            self.department.value = await quotes.staff_department(event.value)

    def _refresh_header(self, detail: quotes.QuoteDetail | None = None) -> None:
        if detail is None:
            self.number_label.set_text("새 견적서 (저장하면 번호가 정해집니다)")
            self.state_badge.set_text("작성중")
            self.processed_label.set_text("")
        else:
            self.number_label.set_text(f"견적번호 {detail.quote.number}")
            self.state_badge.set_text("유효기간초과" if detail.expired else detail.quote.state.value)
            done = [
                f"수주 {detail.order_number}" if detail.order_number else "",
                f"출고 {detail.shipment_number}" if detail.shipment_number else "",
            ]
            self.processed_label.set_text(" · ".join(d for d in done if d))
        saved = self.quote_id is not None
        for button in (self.copy_button, self.delete_button):
            button.set_enabled(saved)
        self.order_button.set_enabled(saved and not (detail and detail.order_number))
        self.ship_button.set_enabled(saved and not (detail and detail.shipment_number))
        self.save_button.set_enabled(not self.processed)
        self.delete_button.set_enabled(saved and not self.processed)
        self.locked_note.set_visibility(self.processed)
        for element in self.header_inputs:
            if self.processed:
                element.props("readonly")
            else:
                element.props(remove="readonly")

    async def load(self, quote_id: int) -> None:
        detail = await quotes.get_quote(quote_id)
        quote = detail.quote
        self._loading = True
        self.quote_id, self.version = quote.id, quote.version
        self.customer_id, self.partner_id = quote.customer_id, quote.partner_id
        self.processed = detail.processed
        self.quote_date.set_date(quote.quote_date)
        self.valid_until.set_date(quote.valid_until)
        self.state.value = quote.state.value
        self.staff.value = quote.staff_id if quote.staff_id in self.staff.options else None
        self.department.value = (
            quote.department_id if quote.department_id in self.department.options else None
        )
        self.customer_class.value = (
            quote.customer_class_id if quote.customer_class_id in self.customer_class.options else None
        )
        self.customer.value = (
            f"{detail.customer_name} ({detail.customer_code})" if detail.customer_name else ""
        )
        self.partner.value = f"{detail.partner_name} ({detail.partner_code})" if detail.partner_name else ""
        self.title.value = quote.title
        self.delivery_site.value = quote.delivery_site
        self.contact_name.value = quote.contact_name
        self.phone.value = quote.phone
        self.fax.value = quote.fax
        self.email.value = quote.email
        self.payment_terms.value = quote.payment_terms
        self.delivery_terms.value = quote.delivery_terms
        self.remarks.value = quote.remarks
        self.lines.set_rows(line_rows(detail.lines), readonly=self.processed)
        self._loading = False
        self._refresh_header(detail)

    async def set_customer(self, customer_id: int) -> None:
        """Pick the customer and fill what a quote for them usually says (kept where typed)."""
        try:
            defaults = await quotes.customer_defaults(customer_id)
        except NotFound as missing:
            ui.notify(str(missing), type="negative")
            return
        self.customer_id = defaults.customer_id
        self.customer.value = f"{defaults.customer_name} ({defaults.customer_code})"
        if defaults.partner_id:
            self.partner_id = defaults.partner_id
            self.partner.value = defaults.partner_name
        for element, value in (
            (self.contact_name, defaults.contact_name),
            (self.phone, defaults.phone),
            (self.fax, defaults.fax),
            (self.email, defaults.email),
            (self.delivery_site, defaults.delivery_site),
        ):
            if not element.value:
                element.value = value
        if not self.customer_class.value and defaults.customer_class_id in self.customer_class.options:
            self.customer_class.value = defaults.customer_class_id
        self._changed()

    async def choose_customer(self) -> None:
        if self.processed:
            return
        chosen = await pick_customer()
        if chosen:
            await self.set_customer(chosen.id)

    def choose_partner(self) -> None:
        if self.processed:
            return

        def picked(choice: quotes.PartyChoice) -> None:
            self.partner_id = choice.id
            self.partner.value = f"{choice.name} ({choice.code})"
            self._changed()

        pick_partner(picked)

    def clear_partner(self) -> None:
        if self.processed:
            return
        self.partner_id = None
        self.partner.value = ""
        self._changed()

    def form(self) -> quotes.QuoteForm:
        return quotes.QuoteForm(
            quote_date=self.quote_date.date,
            valid_until=self.valid_until.date,
            title=self.title.value or "",
            state=QuoteState(self.state.value),
            customer_id=self.customer_id,
            partner_id=self.partner_id,
            staff_id=self.staff.value,
            department_id=self.department.value,
            contact_name=self.contact_name.value or "",
            phone=self.phone.value or "",
            fax=self.fax.value or "",
            email=self.email.value or "",
            delivery_site=self.delivery_site.value or "",
            customer_class_id=self.customer_class.value,
            payment_terms=self.payment_terms.value or "",
            delivery_terms=self.delivery_terms.value or "",
            remarks=self.remarks.value or "",
        )

    # -- actions -----------------------------------------------------------------------------

    async def _reapply(self, latest_version: int) -> bool:
        self.version = latest_version  # my input on top of what is stored now
        return await self.save()

    async def _reload(self) -> None:
        assert self.quote_id is not None
        await self.load(self.quote_id)
        self._clean()

    async def save(self) -> bool:
        if self.processed:
            return True
        if self.valid_until.value and self.valid_until.date is None:
            self.errors.show({"valid_until": WRONG_DATE})
            return False
        try:
            if self.quote_id is None:
                quote = await quotes.create_quote(
                    by=self.actor,
                    form=self.form(),
                    lines=self.lines.values(),
                    form_token=self.save_button.form_token,
                )
            else:
                quote = await quotes.update_quote(
                    self.quote_id,
                    by=self.actor,
                    version=self.version,
                    form=self.form(),
                    lines=self.lines.values(),
                )
        except ValidationError as error:
            self.errors.show({k: v for k, v in error.fields.items() if not k.startswith("lines.")})
            line_errors = {k: v for k, v in error.fields.items() if k.startswith("lines.")}
            if line_errors:
                self.lines.show_errors(line_errors)
            else:
                self.lines.clear_errors()
            return False
        except StaleRecordError as error:
            reload = self._reload if self.quote_id is not None else None
            return bool(await keep_my_work(error, self.errors.fields, reapply=self._reapply, reload=reload))
        except GogaekError as error:
            ui.notify(str(error), type="negative", multi_line=True)
            return False
        self.errors.clear()
        created = self.quote_id is None
        await self.load(quote.id)
        self._clean()
        if created:
            ui.navigate.history.replace(quote_url(quote.id, back=self.back))
        ui.notify(f"견적서 {quote.number}{josa(quote.number, '을')} 저장했습니다.", type="positive")
        return True

    async def _saved(self) -> bool:
        """Save first when there are unsaved changes (print and processing use stored data)."""
        if self.quote_id is not None and not self.dirty:
            return True
        return await self.save()

    async def print(self) -> None:
        if not await self._saved():
            return
        assert self.quote_id is not None
        notice = ui.notification("견적서 PDF를 만드는 중입니다…", spinner=True, timeout=None)
        try:
            filename, pdf = await quotes.quote_pdf(self.quote_id)
        finally:
            notice.dismiss()
        show_pdf(self.actor, filename, pdf, title="견적서 미리보기")

    async def send_mail(self) -> None:
        if not await self._saved():
            return
        assert self.quote_id is not None
        quote_id = self.quote_id
        await open_mail_dialog(self.actor, lambda: mail_drafts.quote_draft(quote_id))

    async def copy(self) -> None:
        if self.quote_id is None or not await self._saved():
            return
        source = (await quotes.get_quote(self.quote_id)).quote.number
        copy = await quotes.copy_quote(self.quote_id, by=self.actor)
        ui.notify(copied_message(source, copy), type="positive", multi_line=True)
        ui.navigate.to(quote_url(copy.id, back=self.back))

    async def process(self, kind: Processing) -> None:
        if not await self._saved():
            return
        assert self.quote_id is not None
        detail = await quotes.get_quote(self.quote_id)
        if await process_quote(self.actor, self.quote_id, detail.quote.number, detail.recipient, kind):
            await self.load(self.quote_id)

    async def delete(self) -> None:
        if self.quote_id is None:
            return
        detail = await quotes.get_quote(self.quote_id)
        if not await confirm(
            f"견적서 {detail.quote.number} ({detail.recipient}){josa(detail.quote.number, '을')} 삭제할까요? 품목 줄도 함께 삭제됩니다.",
            action="삭제",
            danger=True,
        ):
            return
        try:
            await quotes.delete_quote(self.quote_id, by=self.actor)
        except GogaekError as error:
            ui.notify(str(error), type="negative", multi_line=True)
            return
        self._clean()
        ui.notify(f"견적서 {detail.quote.number}{josa(detail.quote.number, '을')} 삭제했습니다.")
        ui.navigate.to(self._return_url())

    def _return_url(self) -> str:
        if self.back:
            return self.back
        return customer_url(self.customer_id) + "?tab=quotes" if self.customer_id else BACK_TO

    async def close(self) -> None:
        if not await may_leave(self.dirty):
            return
        self._clean()
        ui.navigate.to(self._return_url())


def register() -> None:
    @protected_page("/quotes/{quote_id}", "견적서")
    async def quote_page(
        actor: Actor, quote_id: str, customer: str | None = None, back: str | None = None
    ) -> None:
        numeric_id = int(quote_id) if quote_id.isdigit() else None
        if quote_id != "new" and numeric_id is None:
            ui.label("견적서를 찾을 수 없습니다.").classes("text-negative")
            return
        customer_id = int(customer) if customer and customer.isdigit() else None
        if numeric_id is not None:
            try:
                await quotes.get_quote(numeric_id)
            except NotFound:
                ui.label("견적서를 찾을 수 없습니다. 다른 사용자가 삭제했을 수 있습니다.").classes(
                    "text-negative"
                )
                return
        editor = QuoteEditor(actor)
        # only 견적현황's own address: never a page elsewhere (or another site) a link could name
        if back and (back == BACK_TO or back.startswith(BACK_TO + "?")):
            editor.back = back
        await editor.build(numeric_id, customer_id)

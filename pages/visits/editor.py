"""방문일지 작성: the visit editor, a dialog opened from the customer window's 방문일지 tab and from
방문일정.

Choosing a 문서분류 fills the WYSIWYG editor with the template, the customer's fields and the visit
fields. While the body is as filled, changing a header field (방문목적, 고객, 방문일자…) updates
the filled spot silently; once the body was edited by hand, we ask first. What the user types is
never overwritten: a fill computed from an older body or header is dropped (sequence numbers), and
the browser itself refuses a server value computed before it had seen the latest keystrokes
(GuardedEditor); the changed fields are then offered like any edit by hand. The server sanitises
everything: what the editor shows after loading or saving and what is printed is the sanitised
HTML. Admins get a source view (raw HTML); leaving it sanitises what was typed."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError, StaleRecordError, ValidationError
from core.korean import josa
from models.attachment import AttachmentSlot
from models.visit import VisitState
from pages.components.attachments import AttachmentBox
from pages.components.change_history import change_history_button
from pages.components.conflicts import keep_my_work
from pages.components.customer_picker import pick_customer
from pages.components.dialogs import TransientDialog, confirm
from pages.components.forms import FieldErrors
from pages.components.guarded_editor import GuardedEditor
from pages.components.input_limits import limit_text
from pages.components.leave_guard import FormGuard
from pages.components.print_preview import show_pdf
from pages.components.save_action import SaveAction
from services import visits
from services.html_templates import template_choices
from services.staff import staff_choices
from services.visits import CUSTOMER_PLACEHOLDERS, VisitHeader

log = logging.getLogger(__name__)

OnSaved = Callable[[int], Awaitable[None] | None]

STATES = [state.value for state in VisitState]
# header field → what it is called in the question "본문의 …도 바꿀까요?"
FIELD_LABELS = {
    "customer": "고객 정보",
    "written_on": "작성일자",
    "visit_date": "방문일자",
    "visit_time": "방문시간",
    "visitor": "방문자",
    "purpose": "방문목적",
    "state": "진행상태",
}
EDITOR_TOOLBAR = [
    ["bold", "italic", "underline", "strike"],
    ["unordered", "ordered", "outdent", "indent"],
    ["left", "center", "right", "justify"],
    ["hr", "link"],
    ["removeFormat"],
    ["undo", "redo"],
]
TEXT_COLOURS = [("검정", "#000000"), ("빨강", "#c00000"), ("파랑", "#1f4e9c"), ("초록", "#2e7d32")]


def date_input(label: str, value: dt.date | str | None = None) -> ui.input:
    """A YYYY-MM-DD input with a calendar picker."""
    text = value.isoformat() if isinstance(value, dt.date) else (value or "")
    with ui.input(label, value=text).props("outlined dense mask='####-##-##'") as field:
        with ui.menu().props("no-parent-event") as menu:
            picker = ui.date(mask="YYYY-MM-DD").bind_value(field).props("minimal")
            picker.on_value_change(menu.close)
        with field.add_slot("append"):
            ui.icon("edit_calendar").classes("cursor-pointer").on("click", menu.open)
    return field


class VisitEditor:
    def __init__(
        self,
        actor: Actor,
        *,
        visit_id: int | None,
        customer_id: int | None,
        customer_fixed: bool,
        visit_date: dt.date | None,
        on_saved: OnSaved | None,
    ) -> None:
        self.actor = actor
        self.visit_id = visit_id
        self.version: int | None = None
        self.customer_id = customer_id
        self.customer_fixed = customer_fixed
        self.initial_visit_date = visit_date
        self.on_saved = on_saved
        self.last_filled: str | None = None  # the body exactly as we filled it (None: unknown)
        self.stale: set[str] = set()  # header fields changed while the body was edited by hand
        self.quiet = False  # set while we change fields ourselves
        self.previous_template: int | None = None
        self.source_mode = False
        self.template_seq = 0  # bumped by every template fill: only the last chosen one is applied
        self.fill_seq = 0  # bumped by every fill and refill: an older one that finishes late is dropped
        self.refilled: set[str] = set()  # header fields refilled silently since the template fill
        self.last_push = "template"  # what the last body written by the server was: template or fields
        # held while a refused body is weighed: leaving a header field meanwhile waits for what is stale
        self.weighing_refusal = asyncio.Lock()

    # ------------------------------------------------------------ building

    async def open(self) -> None:
        form = await visits.load_visit(self.visit_id) if self.visit_id else None
        staff = await staff_choices()
        templates = await template_choices()
        if form:
            self.version, self.customer_id = form.version, form.customer_id
            if form.visitor_id and form.visitor_id not in staff:
                staff[form.visitor_id] = f"{form.visitor_name} (퇴사)"
            if form.template_id and form.template_id not in templates:
                templates[form.template_id] = f"{form.template_name} (사용 안 함)"
        customer_text = form.customer_label if form else await visits.customer_label(self.customer_id)
        default_template = next(iter(templates)) if not form and len(templates) == 1 else None

        with (
            TransientDialog().props("persistent") as self.dialog,
            ui.card().style("width: 1100px; max-width: 98vw").classes("p-3 gap-2"),
        ):
            with ui.row().classes("w-full items-center gap-1"):
                ui.label("방문일지").classes("text-h6")
                ui.space()
                ui.button("인쇄", icon="print", on_click=self.print).props("dense unelevated no-caps").mark(
                    "visit-print"
                )
                self.save_action = (
                    SaveAction(self.save, icon="save")
                    .props("dense unelevated no-caps color=primary")
                    .mark("visit-save")
                )
                change_history_button("visit_report", lambda: self.visit_id)
                ui.button("닫기", icon="close", on_click=self.close).props("dense flat no-caps").mark(
                    "visit-close"
                )
            with ui.grid().classes("w-full gap-2 grid-cols-1 sm:grid-cols-3"):
                self.written = date_input("작성일자 *", form.written_on if form else dt.date.today()).mark(
                    "visit-written-on"
                )
                self.number = (
                    ui.input("문서번호", value=form.document_number if form else "")
                    .props("outlined dense readonly placeholder='저장하면 자동으로 붙습니다'")
                    .mark("visit-number")
                )
                self.visitor = (
                    ui.select(
                        staff,
                        label="방문자",
                        value=form.visitor_id
                        if form
                        else (self.actor.id if self.actor.id in staff else None),
                    )
                    .props("outlined dense clearable")
                    .mark("visit-visitor")
                )
                self.visit_date = date_input(
                    "방문일자 *", form.visit_date if form else self.initial_visit_date
                ).mark("visit-date")
                self.visit_time = (
                    ui.input("방문시간", value=form.visit_time if form else "")
                    .props("outlined dense mask='##:##' placeholder='14:00'")
                    .mark("visit-time")
                )
                self.customer = (
                    ui.input("고객명 *", value=customer_text)
                    .props("outlined dense readonly")
                    .mark("visit-customer")
                )
                if not self.customer_fixed:
                    with self.customer.add_slot("append"):
                        ui.button(icon="search", on_click=self.choose_customer).props(
                            "flat dense round"
                        ).mark("visit-customer-search")
                self.purpose = limit_text(
                    ui.input("방문목적", value=form.purpose if form else "")
                    .props("outlined dense")
                    .classes("sm:col-span-2")
                    .mark("visit-purpose"),
                    visits.PURPOSE_MAX,
                )
                self.template = (
                    ui.select(
                        templates, label="문서분류", value=form.template_id if form else default_template
                    )
                    .props("outlined dense clearable")
                    .mark("visit-template")
                )
            with ui.row().classes("items-center gap-2"):
                ui.label("진행상태").classes("text-caption text-grey-8")
                self.state = (
                    ui.radio(STATES, value=(form.state if form else VisitState.PLANNED).value)
                    .props("inline dense")
                    .mark("visit-state")
                )
            with ui.row().classes("w-full items-center gap-1"):
                ui.label("글자색").classes("text-caption text-grey-8")
                for name, colour in TEXT_COLOURS:
                    ui.button(on_click=lambda c=colour: self.colour(c)).props(
                        "dense round size=xs unelevated"
                    ).style(f"background: {colour} !important").tooltip(name)
                ui.space()
                if self.actor.is_admin:
                    self.source_toggle = (
                        ui.button("소스보기", icon="code", on_click=self.toggle_source)
                        .props("dense flat no-caps")
                        .mark("visit-source-toggle")
                    )
            self.editor = (
                GuardedEditor(value=form.body_html if form else "", on_refused=self.body_refused)
                .classes("w-full")
                .mark("visit-body")
            )
            self.editor.props["toolbar"] = EDITOR_TOOLBAR
            self.editor.props["min-height"] = "22rem"
            self.editor.props["max-height"] = "60vh"
            self.editor.props["dense"] = True
            self.source = (
                ui.textarea()
                .props("outlined autogrow input-style='font-family: monospace; font-size: 12px'")
                .classes("w-full")
                .mark("visit-source")
            )
            self.source.set_visibility(False)
            self.attachments = AttachmentBox(
                self.actor, AttachmentSlot.VISIT, self.visit_id, label="파일첨부"
            )
            self.errors = FieldErrors(
                {
                    "customer": self.customer,
                    "written_on": self.written,
                    "visit_date": self.visit_date,
                    "visit_time": self.visit_time,
                    "visitor": self.visitor,
                    "purpose": self.purpose,
                    "template": self.template,
                }
            )

        if default_template is not None:
            await self.fill_from_template(default_template)
        self.previous_template = self.template.value

        self.template.on_value_change(self.template_changed)
        self.customer_changed_fields = list(CUSTOMER_PLACEHOLDERS)
        for element, name in (
            (self.written, "written_on"),
            (self.visit_date, "visit_date"),
            (self.visit_time, "visit_time"),
            (self.purpose, "purpose"),
        ):
            element.on_value_change(lambda _e, n=name: self.header_changed(n, ask_now=False))
            element.on("blur", self.offer_refill)
        self.visitor.on_value_change(lambda: self.header_changed("visitor", ask_now=True))
        self.state.on_value_change(lambda: self.header_changed("state", ask_now=True))
        self.leave_guard = FormGuard(self.dialog, snapshot=self.snapshot)
        self.dialog.open()

    # ------------------------------------------------------------ the body

    def body(self) -> str:
        return (self.source.value if self.source_mode else self.editor.value) or ""

    def set_body(self, html: str, *, filled: bool) -> None:
        self.editor.value = html
        if self.source_mode:
            self.source.value = html
        if filled:
            self.last_filled = html
            self.stale.clear()

    def untouched(self) -> bool:
        return self.last_filled is not None and self.body() == self.last_filled

    def begin_fill(self) -> tuple[int, str]:
        """Start a fill that awaits the server: what it must find unchanged to be applied."""
        self.fill_seq += 1
        return self.fill_seq, self.body()

    def still_current(self, ticket: tuple[int, str]) -> bool:
        """No newer fill started and the body did not change while this one was computed."""
        return ticket == (self.fill_seq, self.body())

    async def body_refused(self) -> None:
        """The browser kept what the user typed instead of the body we had just written."""
        self.last_filled = None  # the body is the user's now
        if self.last_push == "template":
            ui.notify("본문을 고치는 중이어서 양식을 채우지 않았습니다.", type="warning")
        if self.last_push != "fields":
            return
        # the header fields whose filled spots are out of date are asked about when the user
        # leaves a header field, as after any edit by hand
        async with self.weighing_refusal:
            body, header = self.body(), self.header()
            as_is, _ = await visits.refilled_body(body, header, [])
            for name in self.refilled:
                updated, _ = await visits.refilled_body(body, header, self._placeholders({name}))
                if updated != as_is:
                    self.stale.add(name)

    def header(self) -> VisitHeader:
        return VisitHeader(
            customer_id=self.customer_id,
            written_on=self.written.value,
            document_number=self.number.value or "",
            visit_date=self.visit_date.value,
            visit_time=self.visit_time.value or "",
            visitor_id=self.visitor.value,
            purpose=self.purpose.value or "",
            state=self.state.value or VisitState.PLANNED,
        )

    async def fill_from_template(self, template_id: int) -> None:
        self.template_seq += 1
        seq, before, header = self.template_seq, self.body(), self.header()
        try:
            html = await visits.filled_template(template_id, header)
        except GogaekError as error:
            ui.notify(str(error), type="negative")
            return
        if seq != self.template_seq:  # a newer template was chosen meanwhile
            return
        if self.body() != before and not self.untouched():  # the user typed meanwhile: keep it
            ui.notify("본문을 고치는 중이어서 양식을 채우지 않았습니다.", type="warning")
            return
        self.fill_seq += 1  # a header refill still running worked on the old body
        self.last_push, self.refilled = "template", set()
        self.set_body(html, filled=True)
        if header != self.header():  # a header field changed meanwhile
            await self.refill_silently()

    async def template_changed(self, event: Any) -> None:
        if self.quiet:
            return
        new = event.value
        if new is None:
            self.previous_template = None
            return
        if self.body().strip() and not self.untouched():
            name = self.template.options.get(new, "")
            if not await confirm(
                f"본문을 '{name}' 양식으로 새로 채울까요? 지금 본문은 사라집니다.",
                action="새로 채우기",
                danger=True,
            ):
                self.quiet = True
                self.template.value = self.previous_template
                self.quiet = False
                return
        self.previous_template = new
        await self.fill_from_template(new)

    def _placeholders(self, fields: set[str]) -> list[str]:
        names: list[str] = []
        for name in sorted(fields):
            names.extend(CUSTOMER_PLACEHOLDERS if name == "customer" else [name])
        return names

    async def header_changed(self, name: str, *, ask_now: bool) -> None:
        """A header field changed: update the filled spot (silently while the body is as filled)."""
        if self.quiet or 'data-field="' not in self.body():
            return
        if not self.untouched() or self.source_mode:
            self.stale.add(name)
            if ask_now:
                await self.offer_refill()
            return
        self.refilled.add(name)
        await self.refill_silently()

    async def refill_silently(self) -> None:
        """The body is as filled: bring every filled spot up to date, so that whichever of several
        quick changes finishes last leaves the body complete."""
        header, ticket = self.header(), self.begin_fill()
        body, _ = await visits.refilled_body(self.body(), header)
        # nothing newer happened meanwhile: no other fill, no keystroke, no header change
        if self.still_current(ticket) and header == self.header() and self.untouched():
            self.last_push = "fields"
            self.set_body(body, filled=True)

    async def offer_refill(self) -> None:
        """Ask whether the edited body should take the changed header fields too."""
        async with self.weighing_refusal:  # a refusal arriving just before this blur counts
            pass
        if not self.stale or self.quiet or self.source_mode:
            return
        fields, self.stale = self.stale, set()
        labels = "·".join(FIELD_LABELS[f] for f in FIELD_LABELS if f in fields)
        if not self.untouched() and not await confirm(
            f"본문을 직접 고쳤습니다. 본문의 {labels}도 새 값으로 바꿀까요?", action="바꾸기"
        ):
            return
        untouched, ticket = self.untouched(), self.begin_fill()
        body, count = await visits.refilled_body(self.body(), self.header(), self._placeholders(fields))
        if not self.still_current(ticket):  # typed or refilled meanwhile: ask again later
            self.stale |= fields
            return
        if count == 0:
            ui.notify("본문에서 바꿀 칸을 찾지 못했습니다. 본문을 직접 고쳐 주세요.", type="warning")
            return
        self.last_push, self.refilled = "fields", set(fields)
        self.set_body(body, filled=untouched)

    async def choose_customer(self) -> None:
        picked = await pick_customer()
        if picked is None or picked.id == self.customer_id:
            return
        self.customer_id, self.customer.value = picked.id, picked.label
        self.errors.clear()
        await self.header_changed("customer", ask_now=True)

    def colour(self, colour: str) -> None:
        if self.source_mode:
            return
        ui.run_javascript(
            f"getElement({self.editor.id}).$refs.qRef.runCmd('foreColor', {json.dumps(colour)})"
        )

    def toggle_source(self) -> None:
        if self.source_mode:
            untouched = self.untouched()
            cleaned = visits.clean_body(self.source.value)
            self.source_mode = False
            self.last_push = "source"
            self.set_body(cleaned, filled=untouched and cleaned == self.last_filled)
            self.source.set_visibility(False)
            self.editor.set_visibility(True)
            self.source_toggle.set_text("소스보기")
        else:
            self.source.value = self.editor.value
            self.source_mode = True
            self.editor.set_visibility(False)
            self.source.set_visibility(True)
            self.source_toggle.set_text("편집기로")

    # ------------------------------------------------------------ actions

    def snapshot(self) -> tuple:
        return (
            self.written.value,
            self.visit_date.value,
            self.visit_time.value,
            self.customer_id,
            self.visitor.value,
            self.purpose.value,
            self.state.value,
            self.template.value,
            self.body(),
            len(self.attachments.pending),
        )

    async def _reapply(self, latest_version: int) -> None:
        self.version = latest_version  # my input on top of what is stored now
        await self.save()

    async def _reload(self) -> None:
        self.leave_guard.release()
        self.dialog.close()  # and deleted: the latest version opens on the page itself
        with self.dialog.client.layout:
            await open_visit_editor(
                self.actor,
                visit_id=self.visit_id,
                customer_id=self.customer_id,
                customer_fixed=self.customer_fixed,
                on_saved=self.on_saved,
            )

    async def save(self) -> None:
        sent = self.body()
        was_untouched = self.untouched()
        self.errors.clear()
        try:
            visit = await visits.save_visit(
                by=self.actor,
                customer_id=self.customer_id,
                written_on=self.written.value,
                visit_date=self.visit_date.value,
                visit_time=self.visit_time.value or "",
                visitor_id=self.visitor.value,
                purpose=self.purpose.value or "",
                state=self.state.value,
                template_id=self.template.value,
                body_html=sent,
                visit_id=self.visit_id,
                version=self.version,
                form_token=self.save_action.form_token,
            )
        except ValidationError as error:
            self.errors.show(error.fields)
            return
        except StaleRecordError as error:
            await keep_my_work(
                error,
                self.errors.fields,
                reapply=self._reapply,
                reload=self._reload if self.visit_id is not None else None,
            )
            return
        except GogaekError as error:
            ui.notify(str(error), type="negative", multi_line=True, timeout=10000)
            return
        created = self.visit_id is None
        self.visit_id, self.version = visit.id, visit.version
        self.quiet = True
        self.number.value = visit.document_number
        self.visit_time.value = visit.visit_time
        self.quiet = False
        if created:
            await self.attachments.store_pending(visit.id)
        if visit.body_html != sent and self.body() == sent:  # the sanitiser removed something
            self.last_push = "save"  # show what was stored (unless the user typed on meanwhile)
            self.set_body(visit.body_html, filled=was_untouched)
        self.leave_guard.saved()
        ui.notify(f"저장했습니다 ({visit.document_number}).", type="positive")
        if self.on_saved:
            result = self.on_saved(visit.id)
            if hasattr(result, "__await__"):
                await result

    async def print(self) -> None:
        notice = ui.notification("PDF를 만드는 중입니다…", spinner=True, timeout=None)
        try:
            pdf = await visits.document_pdf(self.body())
            filename = await visits.print_filename(self.number.value or "", self.customer_id)
        except Exception:
            log.exception("visit report PDF failed")
            ui.notify("PDF를 만들지 못했습니다. 본문을 확인하고 다시 시도하세요.", type="negative")
            return
        finally:
            notice.dismiss()
        show_pdf(self.actor, filename, pdf, title="방문일지 미리보기")

    async def close(self) -> None:
        if await self.leave_guard.may_close():
            self.dialog.close()


async def open_visit_editor(
    actor: Actor,
    *,
    visit_id: int | None = None,
    customer_id: int | None = None,
    customer_fixed: bool = False,
    visit_date: dt.date | None = None,
    on_saved: OnSaved | None = None,
) -> None:
    """Open the editor for an existing visit, or a new one (for `customer_id` when given; from
    the customer window the customer is fixed, from 방문일정 it is picked and required)."""
    editor = VisitEditor(
        actor,
        visit_id=visit_id,
        customer_id=customer_id,
        customer_fixed=customer_fixed,
        visit_date=visit_date,
        on_saved=on_saved,
    )
    try:
        await editor.open()
    except GogaekError as error:
        ui.notify(str(error), type="negative")


async def delete_visit_asking(actor: Actor, visit_id: int, what: str) -> bool:
    """Ask, naming the visit report (`what`), then delete it with its attachments; True when
    deleted. A refusal is shown."""
    if not await confirm(
        f"{what}{josa(what, '을')} 삭제할까요? 첨부파일도 함께 삭제됩니다.", action="삭제", danger=True
    ):
        return False
    try:
        await visits.delete_visit(visit_id, by=actor)
    except GogaekError as error:
        ui.notify(str(error), type="negative")
        return False
    ui.notify("삭제했습니다.")
    return True

"""Widgets shared by the maintenance screens (the 제품관리 and 유지보수관리 tabs of the customer
window and the 유지보수관리 menu): date fields, tab-aware shortcuts, row menus, downloads, and the
contract editor (유지보수 계약 입력) that both screens open."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from nicegui import ui

from core.audit import Actor
from core.dates import IMPOSSIBLE_DATE, is_impossible_date
from core.errors import GogaekError, StaleRecordError, ValidationError
from core.inputs import WRONG_DATE
from core.korean import format_amount, format_date, josa
from models.codes import CodeKind
from models.maintenance import ContractState, ContractType
from pages.components.change_history import change_history_button
from pages.components.conflicts import keep_my_work
from pages.components.dialogs import TransientDialog
from pages.components.forms import FieldErrors
from pages.components.input_limits import limit_text
from pages.components.leave_guard import FormGuard
from pages.components.mail_dialog import open_mail_dialog
from pages.components.print_preview import show_pdf
from pages.components.save_action import SaveAction
from pages.frame import session_actor
from services import mail_drafts, maintenance, maintenance_agreements, products
from services.codes import code_choices
from services.staff import staff_choices

DATE_ERROR = WRONG_DATE
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# the editor's fields by the names the service reports problems under
FIELD_LABELS = {
    "product": "제품군",
    "state": "계약상태",
    "contract_date": "계약일자",
    "start_on": "시작일",
    "end_on": "종료일",
    "contract_type": "유형",
    "payment_method": "납부방법",
    "payment_form": "납입형태",
    "settlement_month": "정산월",
    "retroactive_fee": "소급비",
    "sales_staff": "영업담당",
    "note": "비고",
    "lines": "유지보수 내역",
}
STATE_LABELS = {s: s.value for s in ContractState}
TYPE_LABELS = {t: t.value for t in ContractType}


# ---------------------------------------------------------------------------------------------
# what a state change did


def paid_end_text(move: maintenance.PaidEndMove) -> str:
    """'유상종료일이 2026-03-31에서 2025-03-31로 돌아갔습니다.' (back to an earlier date), '…로
    바뀌었습니다.' (on to a later one, or set for the first time), or '… 지워졌습니다' (back to none)."""
    if move.after is None:
        before = format_date(move.before)
        return f"유상종료일 {before}{josa(before, '이')} 지워졌습니다 (계약 전에는 없었습니다)."
    after = format_date(move.after)
    if move.before is None:
        return f"유상종료일이 {after}{josa(after, '으로')} 바뀌었습니다."
    went = "돌아갔습니다" if move.after < move.before else "바뀌었습니다"
    return f"유상종료일이 {format_date(move.before)}에서 {after}{josa(after, '으로')} {went}."


def state_changed_message(
    subject: str,
    before: ContractState | str | None,
    state: ContractState,
    moves: Sequence[maintenance.PaidEndMove],
    names: dict[int, str] | None = None,
) -> str:
    """ "'ERP 2025-04-01 ~ 2026-03-31'을 발송전으로 되돌렸습니다. 제품의 유상종료일이 … 돌아갔습니다."
    Says what happened to the product's paid end date when a contract left or entered 계약;
    `names` (contract id → company) tells the products of several contracts apart."""
    leaving = before is not None and ContractState(before) == ContractState.CONTRACTED
    verb = "되돌렸습니다" if leaving and state == ContractState.BEFORE_SENDING else "바꿨습니다"
    particle = josa(subject.strip("'"), "을")
    text = f"{subject}{particle} {state.value}{josa(state.value, '으로')} {verb}."
    if names:
        return " ".join(
            [text]
            + [f"{names.get(move.contract_id, '')} 제품의 {paid_end_text(move)}".lstrip() for move in moves]
        )
    if moves:
        return " ".join([text] + [f"제품의 {paid_end_text(move)}" for move in moves])
    if leaving:
        return f"{text} 제품의 유상종료일은 뒤의 계약 날짜라 그대로입니다."
    return text


# ---------------------------------------------------------------------------------------------
# small input helpers


def date_field(label: str, value: dt.date | None = None) -> ui.date_input:
    return ui.date_input(label, value=format_date(value)).props("dense outlined").classes("w-40")


def read_date(element: ui.date_input, name: str, errors: dict[str, str]) -> dt.date | None:
    """The typed date, or None when empty; a wrong format adds a message for the field."""
    text = (element.value or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors[name] = DATE_ERROR
        return None


class AmountInput(ui.input):
    """An amount typed freely ('5000000', '5,000,000') and shown with thousands separators."""

    def __init__(self, label: str, value: int = 0) -> None:
        super().__init__(label, value=format_amount(value))
        self.props("dense outlined input-class=text-right")
        self.on("blur", self._reformat)

    @property
    def amount(self) -> int:
        digits = re.sub(r"[^0-9-]", "", self.value or "")
        try:
            return int(digits)
        except ValueError:
            return 0

    def _reformat(self) -> None:
        if (self.value or "").strip():
            self.value = format_amount(self.amount)


def read_int(element: ui.number | AmountInput) -> int:
    if isinstance(element, AmountInput):
        return element.amount
    try:
        return int(element.value or 0)
    except (TypeError, ValueError):
        return 0


def amount_input(label: str, value: int = 0) -> AmountInput:
    return AmountInput(label, value)


# ---------------------------------------------------------------------------------------------
# tabs of the customer window: F-keys and refreshes only for the tab the user sees


def _enclosing_panels(element: ui.element) -> list[tuple[ui.tab_panels, ui.tab_panel]]:
    found = []
    current: ui.element | None = element
    while current is not None:
        parent = current.parent_slot.parent if current.parent_slot else None
        if isinstance(current, ui.tab_panel) and isinstance(parent, ui.tab_panels):
            found.append((parent, current))
        current = parent
    return found


def is_shown(element: ui.element) -> bool:
    """False when the element sits in a tab panel that is not the selected one (kept alive)."""
    return all(panels.value == panel.props.get("name") for panels, panel in _enclosing_panels(element))


def guard(element: ui.element, handler: Callable[[], Any]) -> Callable[[], Any]:
    """A toolbar handler that does nothing while its tab is hidden: every tab of the customer
    window has its own toolbar and each listens to the same F-keys."""

    async def guarded() -> None:
        if not is_shown(element):
            return
        result = handler()
        if asyncio.iscoroutine(result):
            await result

    return guarded


def when_shown(element: ui.element, callback: Callable[[], Awaitable[None]]) -> None:
    """Call `callback` each time the user switches back to the tab holding `element`, so a tab
    shows what another tab (or another user) changed meanwhile."""
    enclosing = _enclosing_panels(element)
    if not enclosing:
        return
    panels, panel = enclosing[0]

    async def changed(event) -> None:
        if event.value == panel.props.get("name"):
            await callback()

    panels.on_value_change(changed)


# ---------------------------------------------------------------------------------------------
# right-click menus on tables


class RowMenu:
    """A right-click menu for the rows of a table (ui.context_menu on a wrapper around it).
    `row` is the row the user right-clicked last; actions receive it."""

    def __init__(self, table: ui.table, items: Sequence[tuple[str, Callable[[dict], Any]]]) -> None:
        self.row: dict | None = None
        table.on("rowContextmenu", self._remember)
        with table.parent_slot.parent, ui.context_menu() as self.menu:
            for label, action in items:
                ui.menu_item(label, on_click=lambda a=action: self._run(a)).mark(f"menu-{label}")

    def _remember(self, event) -> None:
        args = event.args
        self.row = args[1] if isinstance(args, list) and len(args) > 1 else None

    async def _run(self, action: Callable[[dict], Any]) -> None:
        if self.row is None:
            ui.notify("행 위에서 마우스 오른쪽 버튼을 누르세요.", type="warning")
            return
        result = action(self.row)
        if asyncio.iscoroutine(result):
            await result


async def print_agreements(contract_ids: Sequence[int], filename_hint: str) -> None:
    """유지보수동의서 PDF for one or several contracts (rendered off the event loop), shown in the
    print preview of whoever is signed in on this page."""
    if not contract_ids:
        ui.notify("동의서를 출력할 계약을 선택하세요.", type="warning")
        return
    actor = await session_actor()
    if actor is None:
        return
    note = ui.notification("동의서를 만드는 중입니다…", spinner=True, timeout=None)
    try:
        data = await maintenance_agreements.agreement_pdf(list(contract_ids))
    except GogaekError as error:
        ui.notify(str(error), type="negative")
        return
    finally:
        note.dismiss()
    show_pdf(
        actor,
        f"유지보수동의서_{filename_hint}_{dt.date.today():%Y%m%d}.pdf",
        data,
        title="유지보수동의서 미리보기",
    )


async def mail_agreement(contract_ids: Sequence[int]) -> None:
    """유지보수동의서 by e-mail (one contract at a time: one customer, one recipient)."""
    if len(contract_ids) != 1:
        ui.notify("메일로 보낼 동의서를 하나만 선택하세요.", type="warning")
        return
    actor = await session_actor()
    if actor is None:
        return
    contract_id = contract_ids[0]
    await open_mail_dialog(actor, lambda: mail_drafts.agreement_draft(contract_id))


# ---------------------------------------------------------------------------------------------
# the contract editor


class _LineRow:
    def __init__(self, grid: LinesGrid, line: maintenance.LineInput) -> None:
        self.grid = grid
        with ui.row().classes("items-center gap-1 no-wrap w-full") as self.row:
            self.module = (
                ui.select(grid.module_options, value=line.module_id, clearable=True, label="모듈")
                .props("dense outlined options-dense")
                .classes("w-44")
                .mark("line-module")
            )
            self.users = (
                ui.number("유저수", value=line.user_count, min=0, format="%d")
                .props("dense outlined")
                .classes("w-20")
            )
            self.amount = amount_input("유지보수금액", line.amount).classes("w-36").mark("line-amount")
            self.note = limit_text(
                ui.input("비고", value=line.note).props("dense outlined").classes("w-40"),
                maintenance.NOTE_MAX,
            )
            self.pc = (
                ui.number("PC", value=line.pc_count, min=0, format="%d")
                .props("dense outlined")
                .classes("w-16")
            )
            self.key_lock = (
                ui.select(grid.key_lock_options, value=line.key_lock_number or "", label="키락번호")
                .props("dense outlined options-dense")
                .classes("w-36")
            )
            ui.button(icon="close", on_click=lambda: grid.remove(self)).props(
                "flat dense round size=sm"
            ).tooltip("이 줄 삭제")
        for element in (self.users, self.amount):
            element.on_value_change(lambda _: grid.changed())

    def value(self) -> maintenance.LineInput:
        return maintenance.LineInput(
            module_id=self.module.value or None,
            user_count=read_int(self.users),
            amount=read_int(self.amount),
            note=self.note.value or "",
            pc_count=read_int(self.pc),
            key_lock_number=self.key_lock.value or "",
        )


class LinesGrid(ui.column):
    """Contract lines: module, users, amount, note, PC, key lock (from the customer's key locks)."""

    def __init__(self, key_locks: Sequence[str], on_change: Callable[[], None]) -> None:
        super().__init__()
        self.classes("gap-1 w-full")
        self.module_options: dict[int, str] = {}
        self.key_lock_options = {"": "(없음)", **{k: k for k in key_locks}}
        self.rows: list[_LineRow] = []
        self.on_change = on_change
        with self:
            self.body = ui.column().classes("gap-1 w-full")
            ui.button("줄 추가", icon="add", on_click=lambda: self.add(maintenance.LineInput())).props(
                "flat dense no-caps"
            ).mark("line-add")

    def set_modules(self, options: dict[int, str]) -> None:
        self.module_options = options
        for row in self.rows:
            row.module.set_options(options, value=row.module.value if row.module.value in options else None)

    def load(self, lines: Sequence[maintenance.LineInput]) -> None:
        self.body.clear()
        self.rows = []
        for line in lines:
            self.add(line, notify=False)
        self.on_change()

    def add(self, line: maintenance.LineInput, notify: bool = True) -> None:
        with self.body:
            self.rows.append(_LineRow(self, line))
        if notify:
            self.on_change()

    def remove(self, row: _LineRow) -> None:
        self.rows.remove(row)
        row.row.delete()
        self.on_change()

    def changed(self) -> None:
        self.on_change()

    def values(self) -> list[maintenance.LineInput]:
        return [row.value() for row in self.rows]


async def open_contract_editor(
    actor: Actor,
    customer_id: int,
    *,
    contract_id: int | None = None,
    on_saved: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """유지보수 계약 입력: header fields and lines; the total is computed, never typed. 저장 keeps
    the window open; closing with unsaved changes asks first."""
    product_rows = await products.list_products(customer_id)
    if not product_rows:
        ui.notify(
            "제품관리 탭에 제품을 먼저 등록하세요. 유지보수 계약은 등록된 제품에만 만들 수 있습니다.",
            type="warning",
            multi_line=True,
        )
        return
    try:
        detail = (
            await maintenance.get_contract(contract_id)
            if contract_id
            else await maintenance.new_contract(customer_id)
        )
    except GogaekError as error:
        ui.notify(str(error), type="negative")
        return
    product_options = {p.id: p.label for p in product_rows}
    key_locks = sorted({k for p in product_rows for k in p.key_locks})
    methods = await code_choices(CodeKind.PAYMENT_METHOD)
    forms = await code_choices(CodeKind.PAYMENT_FORM)
    staff = await staff_choices()

    with TransientDialog() as dialog, ui.card().classes("w-[1000px] max-w-full"):
        dialog.props("persistent")
        title = ui.label().classes("text-h6")
        with ui.row().classes("items-start gap-2 w-full"):
            product = (
                ui.select(product_options, value=detail.product_id, label="제품군 (제품관리 등록 제품)")
                .props("dense outlined")
                .classes("w-56")
                .mark("contract-product")
            )
            state = (
                ui.select(
                    {s.value: s.value for s in ContractState}, value=detail.state.value, label="계약상태"
                )
                .props("dense outlined")
                .classes("w-28")
                .mark("contract-state")
            )
            contract_date = date_field("계약일자", detail.contract_date)
            start_on = date_field("시작일", detail.start_on).mark("contract-start")
            end_on = date_field("종료일", detail.end_on).mark("contract-end")
            contract_type = (
                ui.select(
                    {t.value: t.value for t in ContractType}, value=detail.contract_type.value, label="유형"
                )
                .props("dense outlined")
                .classes("w-28")
            )
        with ui.row().classes("items-start gap-2 w-full"):
            method = ui.select(
                methods, value=detail.payment_method_id, label="납부방법", clearable=True
            ).props("dense outlined")
            method.classes("w-32")
            form = ui.select(forms, value=detail.payment_form_id, label="납입형태", clearable=True).props(
                "dense outlined"
            )
            form.classes("w-32")
            settlement = (
                ui.input("정산월 (예: 2019-04)", value=detail.settlement_month)
                .props("dense outlined")
                .classes("w-36")
                .mark("contract-settlement")
            )
            fee = amount_input("소급비", detail.retroactive_fee).classes("w-36").mark("contract-fee")
            sales = ui.select(staff, value=detail.sales_staff_id, label="영업담당", clearable=True).props(
                "dense outlined"
            )
            sales.classes("w-32")
            note = limit_text(
                ui.input("비고", value=detail.note)
                .props("dense outlined")
                .classes("w-56")
                .mark("contract-note"),
                maintenance.NOTE_MAX,
            )
        ui.label("유지보수 내역").classes("text-subtitle2 q-mt-sm")
        total = ui.label().classes("text-subtitle1 text-weight-bold self-end").mark("contract-total")

        def show_total() -> None:
            amount = maintenance.contract_total((line.amount for line in grid.values()), read_int(fee))
            total.set_text(f"유지보수금액 합계: {format_amount(amount)}원 (내역 + 소급비)")

        grid = LinesGrid(key_locks, show_total)
        fee.on_value_change(lambda _: show_total())
        errors = FieldErrors(
            {
                "product": product,
                "state": state,
                "contract_date": contract_date,
                "start_on": start_on,
                "end_on": end_on,
                "settlement_month": settlement,
                "retroactive_fee": fee,
                "payment_method": method,
                "payment_form": form,
                "note": note,
            }
        )

        async def load_modules(reload_lines: bool) -> None:
            chosen = next((p for p in product_rows if p.id == product.value), None)
            grid.set_modules(await products.module_choices(chosen.product_group_id if chosen else None))
            if reload_lines and chosen:
                grid.load(await maintenance.lines_from_product(chosen.id))

        async def product_changed() -> None:
            # a new contract follows the product; an existing one keeps its typed lines
            await load_modules(reload_lines=detail.id is None)

        product.on_value_change(product_changed)
        await load_modules(reload_lines=False)
        grid.load(detail.lines)

        def snapshot() -> tuple:
            return (
                product.value,
                state.value,
                contract_date.value,
                start_on.value,
                end_on.value,
                contract_type.value,
                method.value,
                form.value,
                settlement.value,
                read_int(fee),
                sales.value,
                note.value,
                tuple(grid.values()),
            )

        def show_title() -> None:
            title.set_text("유지보수 계약 수정" if detail.id else "유지보수 계약 추가")
            print_button.set_visibility(detail.id is not None)

        async def reapply(latest_version: int) -> None:
            detail.version = latest_version  # my input on top of what is stored now
            await save()

        async def reload() -> None:
            assert detail.id is not None
            guard.release()
            dialog.close()  # and deleted: the latest version opens on the page itself
            with dialog.client.layout:
                await open_contract_editor(actor, customer_id, contract_id=detail.id, on_saved=on_saved)

        def show_problems(problems: dict[str, str]) -> None:
            """Every problem at once: each field marked with its message, and one list of them
            all above the buttons (the lines have no single field, so they are only listed)."""
            errors.show({name: message for name, message in problems.items() if name in errors.fields})
            listed = []
            for name, message in problems.items():
                element = errors.fields.get(name)
                if element is not None and is_impossible_date(getattr(element, "value", None)):
                    message = IMPOSSIBLE_DATE
                listed.append(f"• {FIELD_LABELS.get(name, name)}: {message}" if name else f"• {message}")
            problem_list.set_text(f"저장하지 못했습니다. 고칠 곳 {len(listed):,}군데:\n" + "\n".join(listed))
            problem_list.set_visibility(True)

        async def save() -> None:
            errors.clear()
            problem_list.set_visibility(False)
            problems: dict[str, str] = {}
            values = maintenance.ContractDetail(
                customer_id=customer_id,
                id=detail.id,
                version=detail.version,
                product_id=product.value,
                state=ContractState(state.value),
                contract_date=read_date(contract_date, "contract_date", problems),
                start_on=read_date(start_on, "start_on", problems),
                end_on=read_date(end_on, "end_on", problems),
                contract_type=ContractType(contract_type.value),
                payment_method_id=method.value,
                payment_form_id=form.value,
                settlement_month=settlement.value or "",
                retroactive_fee=read_int(fee),
                sales_staff_id=sales.value,
                note=note.value or "",
                lines=grid.values(),
            )
            moves: list[maintenance.PaidEndMove] = []
            try:
                if problems:  # a date that cannot be read: shown with everything else to fix
                    show_problems({**await maintenance.contract_problems(values), **problems})
                    return
                contract = await maintenance.save_contract(
                    values, by=actor, form_token=save_button.form_token, paid_end=moves
                )
            except ValidationError as error:
                show_problems(error.fields)
                return
            except StaleRecordError as error:
                await keep_my_work(
                    error, errors.fields, reapply=reapply, reload=reload if detail.id is not None else None
                )
                return
            except GogaekError as error:
                ui.notify(str(error), type="negative", multi_line=True)
                return
            detail.id, detail.version = contract.id, contract.version
            guard.saved()
            show_title()
            moved = " ".join(f"제품의 {paid_end_text(move)}" for move in moves)
            ui.notify(f"저장했습니다. {moved}".strip(), type="positive", multi_line=bool(moves))
            if on_saved:
                await on_saved()

        async def close() -> None:
            if await guard.may_close():
                dialog.close()

        problem_list = (
            ui.label()
            .classes("text-negative text-body2 whitespace-pre-line w-full")
            .mark("contract-problems")
        )
        problem_list.set_visibility(False)
        with ui.row().classes("w-full justify-end"):
            print_button = ui.button(
                "동의서 인쇄",
                icon="print",
                on_click=lambda: print_agreements([detail.id], "계약") if detail.id else None,
            ).props("flat no-caps")
            change_history_button("maintenance_contract", lambda: detail.id)
            save_button = SaveAction(save, icon="save").mark("contract-save")
            ui.button("닫기", on_click=close).props("flat").mark("contract-close")
        show_title()
    guard = FormGuard(dialog, snapshot=snapshot)
    dialog.open()

"""The customer window's header (등록일자, 고객코드, 상태, < >, 담당, dates, 약도) and the
`CustomerEditor` it shares with the 고객정보 tab: one 저장 saves the fields of both, with the
version the user opened (optimistic locking) and the duplicate warning."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from typing import Any

from nicegui import app, ui

from core.audit import Actor
from core.errors import GogaekError, StaleRecordError, ValidationError
from core.korean import digits_only, format_business_number, format_size, josa
from models.codes import CodeKind
from models.customer import Customer
from pages.components.attachments import CheckedUpload, read_upload
from pages.components.change_history import change_history_button
from pages.components.conflicts import REAPPLY, RELOAD, ask_about_conflict
from pages.components.dialogs import TransientDialog, confirm
from pages.components.forms import FieldErrors
from pages.components.leave_guard import LeaveGuard, may_leave
from pages.components.save_action import SaveAction
from pages.customers.fields import choice, date_field, required
from pages.customers.links import customer_url, open_customer
from pages.customers.map_image import map_image_url
from pages.customers.tab_types import CustomerAction
from services import codes, customers, staff
from services.customers import CustomerInput, DuplicateCustomerError

FLASH_KEY = "customer_flash"
_DATE_FIELDS = {
    "registered_on",
    "contract_date",
    "planned_delivery_date",
    "first_delivery_date",
    "management_stop_date",
}

# client id → the editor of the customer window open in that browser tab
_editors: dict[str, CustomerEditor] = {}


def current_editor() -> CustomerEditor | None:
    """The editor of the customer window being built or used in this browser tab."""
    return _editors.get(ui.context.client.id)


def _display(name: str, value: Any) -> Any:
    """A stored value as the form shows it."""
    if name in _DATE_FIELDS:
        return value.isoformat() if isinstance(value, dt.date) else (value or "")
    if name == "business_number":
        return format_business_number(value)
    return value if value is not None else ("" if not name.endswith("_id") else None)


def _normal(name: str, value: Any) -> str:
    """For the unsaved-changes check: the same value typed two ways compares equal."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if name == "business_number":
        return digits_only(value)
    return str(value).strip()


async def choices_with(kind: CodeKind, current: int | None) -> dict[int, str]:
    """Active codes for a select, plus the record's current one even if it was deactivated since."""
    options = await codes.code_choices(kind)
    if current and current not in options:
        every = {c.id: c.name for c in await codes.list_codes(kind)}
        options[current] = f"{every.get(current, '?')} (사용 안 함)"
    return options


async def staff_options(current: int | None) -> dict[int, str]:
    options = await staff.staff_choices()
    if current and current not in options:
        every = {s.id: s.name for s in await staff.list_staff()}
        options[current] = f"{every.get(current, '?')} (중지)"
    return options


class CustomerEditor:
    def __init__(self, actor: Actor, customer: Customer | None) -> None:
        self.actor = actor
        self.customer_id = customer.id if customer else None
        self.version = customer.version if customer else None
        self.code = customer.code if customer else ""
        self.company_name = customer.company_name if customer else ""
        self.map_image = customer.map_image if customer else ""
        self.initial = (
            CustomerInput.of(customer) if customer else CustomerInput(registered_on=dt.date.today())
        )
        self.fields: dict[str, ui.element] = {}
        self.pending_map: tuple[str, bytes] | None = None
        self._saved = self._snapshot(self.initial)
        self.guard = LeaveGuard(lambda: self.dirty)
        self.title: ui.label | None = None
        self.save_action: SaveAction | None = None

    # --- fields -------------------------------------------------------------------------------

    def value(self, name: str) -> Any:
        """The value the form starts with for `name` (as the widget shows it)."""
        return _display(name, getattr(self.initial, name))

    def register(self, name: str, element: ui.element) -> ui.element:
        self.fields[name] = element
        element.on_value_change(self._changed)
        return element

    def values(self) -> CustomerInput:
        return CustomerInput(
            **{
                name: self.fields[name].value if name in self.fields else getattr(self.initial, name)
                for name in CustomerInput.__dataclass_fields__
            }
        )

    @staticmethod
    def _snapshot(data: CustomerInput) -> dict[str, str]:
        return {name: _normal(name, getattr(data, name)) for name in CustomerInput.__dataclass_fields__}

    @property
    def dirty(self) -> bool:
        return self._snapshot(self.values()) != self._saved or self.pending_map is not None

    def _changed(self) -> None:
        self.guard.refresh()

    def show_stored(self, customer: Customer) -> None:
        """After a save (here or of the customer's partner link): the stored (normalised) values
        and their version back into the form."""
        self.version = customer.version
        self.company_name = customer.company_name
        self.initial = CustomerInput.of(customer)
        for name, element in self.fields.items():
            element.value = self.value(name)
        self._saved = self._snapshot(self.initial)
        self._changed()
        if self.title:
            self.title.set_text(f"고객정보 ({customer.company_name})")

    # --- actions ------------------------------------------------------------------------------

    async def save(self) -> None:
        errors = FieldErrors(self.fields)
        confirmed = False
        while True:
            try:
                saved = await customers.save_customer(
                    self.values(),
                    by=self.actor,
                    customer_id=self.customer_id,
                    version=self.version,
                    confirm_duplicates=confirmed,
                    form_token=self.save_action.form_token if self.save_action else None,
                )
            except DuplicateCustomerError as duplicate:
                errors.clear()
                choice = await _ask_about_duplicates(duplicate)
                if choice == "save":
                    confirmed = True
                    continue
                if isinstance(choice, int):
                    ui.navigate.to(customer_url(choice), new_tab=True)
                return
            except ValidationError as error:
                errors.show(error.fields)
                ui.notify("입력 내용을 확인하세요. 빨간 글씨로 표시한 항목이 있습니다.", type="warning")
                return
            except StaleRecordError as error:
                errors.clear()
                choice = await ask_about_conflict(error, self.fields)
                if choice == REAPPLY and error.latest_version is not None:
                    self.version = error.latest_version
                    continue
                if choice == RELOAD and self.customer_id is not None:
                    self.guard.release()
                    open_customer(self.customer_id)
                return
            except GogaekError as error:
                ui.notify(str(error), type="negative", multi_line=True)
                return
            break
        errors.clear()
        if self.customer_id is None:
            if self.pending_map:
                name, data = self.pending_map
                try:
                    await customers.set_map_image(saved.id, filename=name, data=data, by=self.actor)
                except GogaekError as error:
                    app.storage.user[FLASH_KEY] = f"저장했습니다. 약도는 올리지 못했습니다: {error}"
                self.pending_map = None
            app.storage.user.setdefault(FLASH_KEY, f"저장했습니다. 고객코드 {saved.code}")
            self.guard.release()
            open_customer(saved.id)
            return
        self.show_stored(saved)
        ui.notify("저장했습니다.", type="positive")

    async def leave(self, target: str) -> None:
        """Go elsewhere, asking first when there are unsaved changes."""
        if not await may_leave(self.dirty, action="이동"):
            return
        self.guard.release()
        ui.navigate.to(target)

    async def move(self, forward: bool) -> None:
        if self.customer_id is None:
            return
        target = await customers.neighbour_customer_id(self.customer_id, forward=forward)
        if target is None:
            ui.notify("마지막 고객입니다." if forward else "처음 고객입니다.")
            return
        await self.leave(customer_url(target))

    async def delete(self) -> None:
        if self.customer_id is None:
            return
        if not await confirm(
            f"고객 '{self.company_name}' ({self.code}){josa(self.company_name, '을')} 삭제할까요? "
            "업체정보이력도 함께 삭제되고, 명함은 소속 고객 없이 남습니다.",
            action="삭제",
            danger=True,
        ):
            return
        try:
            await customers.delete_customer(self.customer_id, by=self.actor, version=self.version)
        except GogaekError as error:
            ui.notify(str(error), type="negative", multi_line=True, timeout=0, close_button="닫기")
            return
        app.storage.user[FLASH_KEY] = (
            f"고객 '{self.company_name}'{josa(self.company_name, '을')} 삭제했습니다."
        )
        self.guard.release()
        ui.navigate.to("/")


async def _ask_about_duplicates(error: DuplicateCustomerError) -> str | int | None:
    """'save' to save anyway, a customer id to open that customer, None to go back to the form."""
    with TransientDialog() as dialog, ui.card().classes("w-[520px] max-w-full"):
        ui.label("이미 등록된 고객과 겹칩니다").classes("text-h6")
        for duplicate in error.duplicates:
            with ui.row().classes("w-full items-center no-wrap"):
                ui.label(
                    f"{duplicate.company_name} ({duplicate.code}): {duplicate.reason}{josa(duplicate.reason, '이')} 같습니다."
                )
                ui.space()
                ui.button("열기", on_click=lambda d=duplicate: dialog.submit(d.customer_id)).props(
                    "flat dense no-caps"
                ).mark("duplicate-open")
        ui.label(
            "같은 회사라면 기존 고객을 여세요 (새 탭에서 열리고 입력한 내용은 그대로 있습니다)."
        ).classes("text-caption text-grey-8")
        with ui.row().classes("w-full justify-end"):
            ui.button("그래도 저장", on_click=lambda: dialog.submit("save")).mark("duplicate-save")
            ui.button("취소", on_click=lambda: dialog.submit(None)).props("flat")
    dialog.open()
    return await dialog


def _map_block(editor: CustomerEditor) -> None:
    """약도등록: a thumbnail (click to enlarge) and an image-only, size-limited upload."""
    limit = customers.MAP_IMAGE_LIMIT
    holder = ui.column().classes("items-center gap-1 shrink-0")

    def show() -> None:
        holder.clear()
        with holder:
            if editor.map_image and editor.customer_id:
                url = map_image_url(editor.customer_id, editor.map_image)
                ui.image(url).classes("w-28 h-20 cursor-pointer border rounded").props("fit=contain").on(
                    "click", lambda: _enlarge(url)
                ).mark("map-thumbnail")
            elif editor.pending_map:
                ui.label(f"{editor.pending_map[0]}\n(저장하면 올라갑니다)").classes(
                    "text-caption w-28 text-center"
                ).style("white-space: pre-line")
            else:
                ui.label("약도 없음").classes(
                    "text-caption text-grey-7 w-28 h-20 border rounded text-center pt-7"
                )
            with ui.row().classes("gap-0 no-wrap"):
                ui.button("약도등록", icon="map", on_click=ask_for_image).props("dense flat no-caps").mark(
                    "map-register"
                )
                if editor.map_image and editor.customer_id:
                    ui.button(icon="delete", on_click=remove).props("flat dense round size=sm").tooltip(
                        "약도 삭제"
                    )

    def ask_for_image() -> None:
        with TransientDialog() as dialog, ui.card().classes("w-96 max-w-full"):
            ui.label("약도등록").classes("text-h6")
            ui.label(f"PNG, JPG, GIF, WEBP, BMP 이미지를 {format_size(limit)}까지 올릴 수 있습니다.").classes(
                "text-caption text-grey-8"
            )
            CheckedUpload(
                lambda filename, chunks: uploaded(filename, chunks, dialog),
                label="이미지 파일",
                max_file_size=limit,
                multiple=False,
            ).on_rejected(
                lambda: ui.notify(
                    f"약도 이미지는 {format_size(limit)}까지 올릴 수 있습니다.", type="negative"
                )
            ).props('accept="image/*" flat bordered').classes("w-full").mark("map-upload")
            with ui.row().classes("w-full justify-end"):
                ui.button("닫기", on_click=dialog.close).props("flat")
        dialog.open()

    async def uploaded(filename: str, chunks: AsyncIterator[bytes], dialog: ui.dialog) -> None:
        """A refused file raises here: the uploader marks it failed and says why."""
        data = await read_upload(chunks, limit)
        customers.check_map_image(filename, data)
        dialog.close()  # and deleted: what follows happens in the header, not in the dialog
        with holder:
            await store(filename, data)

    async def store(filename: str, data: bytes) -> None:
        if editor.customer_id is None:
            editor.pending_map = (filename, data)
            show()
            return
        try:
            updated = await customers.set_map_image(
                editor.customer_id,
                filename=filename,
                data=data,
                by=editor.actor,
                version=editor.version,
            )
        except GogaekError as error:
            ui.notify(str(error), type="negative", multi_line=True)
            return
        editor.version, editor.map_image = updated.version, updated.map_image
        ui.notify("약도를 등록했습니다.", type="positive")
        show()

    async def remove() -> None:
        if not await confirm("약도 이미지를 삭제할까요?", action="삭제", danger=True):
            return
        try:
            updated = await customers.remove_map_image(
                editor.customer_id, by=editor.actor, version=editor.version
            )
        except GogaekError as error:
            ui.notify(str(error), type="negative", multi_line=True)
            return
        editor.version, editor.map_image = updated.version, ""
        show()

    show()


def _enlarge(url: str) -> None:
    with TransientDialog() as dialog, ui.card():
        ui.image(url).classes("w-[80vw] max-w-[900px]").props("fit=contain")
        ui.button("닫기", on_click=dialog.close).props("flat")
    dialog.open()


async def customer_header(
    actor: Actor,
    customer_id: int | None,
    customer: Customer | None = None,
    actions: Sequence[CustomerAction] = (),
) -> bool:
    """Build the header (of `customer` when the caller loaded it already), with a button for each
    of `actions`; returns False when the customer does not exist (a message is shown)."""

    if customer_id is not None and customer is None:
        try:
            customer = await customers.get_customer(customer_id)
        except GogaekError:
            ui.label("고객을 찾을 수 없습니다. 삭제되었거나 주소가 잘못되었습니다.").classes("text-negative")
            ui.button("고객관리로", on_click=lambda: ui.navigate.to("/")).props("flat")
            return False
    editor = CustomerEditor(actor, customer)
    client = ui.context.client
    _editors[client.id] = editor
    client.on_delete(lambda: _editors.pop(client.id, None))
    initial = editor.initial
    statuses = await choices_with(CodeKind.CUSTOMER_STATUS, initial.status_id)
    departments = await choices_with(CodeKind.DEPARTMENT, initial.department_id)
    staff_choices = await staff_options(initial.staff_id)

    with ui.card().classes("w-full p-2 gap-1").props("flat bordered"):
        with ui.row().classes("w-full items-center gap-1 wrap"):
            editor.title = (
                ui.label(f"고객정보 ({editor.company_name})" if customer else "고객정보 (새 고객)")
                .classes("text-h6")
                .mark("customer-title")
            )
            ui.space()
            if customer:
                ui.button("<", on_click=lambda: editor.move(False)).props("dense outline").classes(
                    "px-3"
                ).tooltip("이전 고객 (코드순)").mark("customer-prev")
                ui.button(">", on_click=lambda: editor.move(True)).props("dense outline").classes(
                    "px-3"
                ).tooltip("다음 고객 (코드순)").mark("customer-next")
                for action in actions:

                    async def run(action=action) -> None:
                        result = action.handler(actor, editor.customer_id)
                        if result is not None:
                            await result

                    ui.button(action.label, icon=action.icon, on_click=run).props("dense flat no-caps")
            editor.save_action = (
                SaveAction(editor.save, icon="save").props("dense unelevated no-caps").mark("customer-save")
            )
            change_history_button("customer", lambda: editor.customer_id)
            if customer:
                ui.button("삭제", icon="delete", on_click=editor.delete).props(
                    "dense flat no-caps color=negative"
                ).mark("customer-delete")
            ui.button("닫기", icon="close", on_click=lambda: editor.leave("/")).props(
                "dense flat no-caps"
            ).mark("customer-close")
        with ui.row().classes("w-full items-start gap-2 no-wrap"):
            with (
                ui.grid()
                .classes("flex-1 gap-2")
                .style("grid-template-columns: repeat(auto-fill, minmax(160px, 1fr))")
            ):
                editor.register(
                    "registered_on",
                    required(
                        date_field("등록일자", editor.value("registered_on"), mark="customer-registered-on")
                    ),
                )
                ui.input("고객코드", value=editor.code or "저장할 때 자동 부여").props(
                    "outlined dense readonly stack-label"
                ).mark("customer-code")
                editor.register(
                    "status_id", choice(statuses, "고객상태", initial.status_id, mark="customer-status")
                )
                editor.register("department_id", choice(departments, "담당부서", initial.department_id))
                editor.register(
                    "staff_id", choice(staff_choices, "담당사원", initial.staff_id, mark="customer-staff")
                )
                editor.register("contract_date", date_field("계약일자", editor.value("contract_date")))
                editor.register(
                    "planned_delivery_date", date_field("납품예정일", editor.value("planned_delivery_date"))
                )
                editor.register(
                    "first_delivery_date", date_field("최초납품일", editor.value("first_delivery_date"))
                )
                editor.register(
                    "management_stop_date", date_field("관리중지일", editor.value("management_stop_date"))
                )
            _map_block(editor)
    if message := app.storage.user.pop(FLASH_KEY, None):
        ui.notify(message, type="positive")
    return True

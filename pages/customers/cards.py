"""명함관리 (/cards): every business card, with the card editor the customer window's 명함관리 tab
uses as well. A card added here may pick its company (소속회사) or stay unlinked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError, StaleRecordError, ValidationError
from core.inputs import WRONG_DATE
from core.korean import josa
from models.card import Employment
from models.codes import CodeKind
from pages.components.change_history import change_history_button
from pages.components.conflicts import keep_my_work
from pages.components.customer_picker import pick_customer
from pages.components.dialogs import TransientDialog, confirm
from pages.components.forms import FieldErrors
from pages.components.input_limits import limit_text
from pages.components.leave_guard import FormGuard
from pages.components.list_output import dated, export_excel, print_list
from pages.components.paged_table import Page, PagedTable, PageRequest, count_label, spec_columns
from pages.components.phone_actions import PhoneOwner, phone_input_actions, phone_menu_items
from pages.components.save_action import SaveAction
from pages.components.toolbar import Toolbar
from pages.customers.editor import choices_with
from pages.customers.fields import choice, date_field, required, text_input, typed_date
from pages.customers.links import open_customer
from pages.customers.search import list_styles, table_order
from pages.frame import protected_page
from services import cards
from services.cards import CARD_LIST, CardFilters, CardInput
from services.customer_import import ImportKind

PRINT_LIMIT = 1000
EMPLOYMENT = {e.value: e.value for e in Employment}

OnSaved = Callable[[], Awaitable[None] | None]


def card_numbers(row: dict[str, Any] | None) -> dict[str, str]:
    row = row or {}
    return {"mobile": row.get("mobile", ""), "phone": row.get("direct_phone", ""), "fax": row.get("fax", "")}


def card_owner(row: dict[str, Any] | None) -> PhoneOwner:
    row = row or {}
    return PhoneOwner(row.get("name", ""), customer_id=row.get("customer_id"), card_id=row.get("id"))


async def open_card_editor(
    actor: Actor,
    *,
    card_id: int | None = None,
    customer: tuple[int, str] | None = None,
    on_saved: OnSaved | None = None,
) -> None:
    """The 명함 form as a dialog. `customer` (id, company name) fixes the company (customer window
    tab); without it the user may pick a customer as 소속회사 or leave the card unlinked."""
    card = None
    if card_id is not None:
        try:
            card = await cards.get_card(card_id)
        except GogaekError as error:
            ui.notify(str(error), type="negative")
            return
    initial = CardInput.of(card) if card else CardInput(registered_on=dt.date.today())
    if card is None and customer:
        initial.customer_id, initial.company_name = customer
    state: dict[str, Any] = {"version": card.version if card else None, "customer_id": initial.customer_id}
    options = {
        kind: await choices_with(kind, current)
        for kind, current in (
            (CodeKind.POSITION, initial.position_id),
            (CodeKind.DEPARTMENT, initial.department_id),
            (CodeKind.DUTY, initial.duty_id),
            (CodeKind.CARD_GROUP_A, initial.group_a_id),
            (CodeKind.CARD_GROUP_B, initial.group_b_id),
        )
    }

    with TransientDialog() as dialog, ui.card().classes("w-[760px] max-w-full p-3 gap-2"):
        dialog.props("persistent")
        ui.label("명함 수정" if card else "명함 추가").classes("text-h6")
        grid_style = "grid-template-columns: repeat(auto-fill, minmax(200px, 1fr))"
        ui.label("기본정보").classes("text-subtitle2")
        with ui.grid().classes("w-full gap-2").style(grid_style):
            name = required(text_input("이름", initial.name, mark="card-name"))
            employment = ui.select(
                EMPLOYMENT, label="근무", value=Employment(initial.employment).value
            ).props("outlined dense options-dense stack-label")
            position = choice(options[CodeKind.POSITION], "직책", initial.position_id, mark="card-position")
            department = choice(options[CodeKind.DEPARTMENT], "소속부서", initial.department_id)
            duty = choice(options[CodeKind.DUTY], "담당업무", initial.duty_id)
            mobile = text_input("휴대폰", initial.mobile, mark="card-mobile")
            direct_phone = text_input("직통번호", initial.direct_phone, mark="card-direct-phone")
            extension = text_input("내선", initial.extension)
            fax = text_input("팩스번호", initial.fax)
            email = text_input("이메일", initial.email, mark="card-email")
            homepage = text_input("홈페이지", initial.homepage)
            registered_on = date_field("등록일자", initial.registered_on, mark="card-registered-on")
        for element, kind in ((mobile, "mobile"), (direct_phone, "phone"), (fax, "fax")):
            phone_input_actions(
                actor,
                element,
                kind,
                lambda: PhoneOwner(name.value, state["customer_id"], card.id if card else None),
            )
        ui.label("소속회사").classes("text-subtitle2")
        with ui.row().classes("w-full items-center gap-2 no-wrap"):
            company = text_input("회사명", initial.company_name, mark="card-company").classes("flex-1")
            linked = ui.label().classes("text-caption text-grey-8")
            if customer is None:
                ui.button("고객 찾기", icon="search", on_click=lambda: pick()).props(
                    "dense flat no-caps"
                ).mark("card-pick-customer")
                unlink_button = (
                    ui.button(icon="link_off", on_click=lambda: unlink())
                    .props("dense flat round")
                    .tooltip("고객 연결 해제")
                )
        company_address = text_input("회사주소", initial.company_address).classes("w-full")
        with ui.grid().classes("w-full gap-2").style(grid_style):
            group_a = choice(options[CodeKind.CARD_GROUP_A], "분류A", initial.group_a_id)
            group_b = choice(options[CodeKind.CARD_GROUP_B], "분류B", initial.group_b_id)
        notes = limit_text(
            ui.textarea("비고", value=initial.notes)
            .props("outlined dense stack-label autogrow")
            .classes("w-full")
            .mark("card-notes"),
            cards.NOTES_MAX,
        )
        fields = {
            "name": name,
            "employment": employment,
            "position_id": position,
            "department_id": department,
            "duty_id": duty,
            "mobile": mobile,
            "direct_phone": direct_phone,
            "extension": extension,
            "fax": fax,
            "email": email,
            "homepage": homepage,
            "registered_on": registered_on,
            "company_name": company,
            "company_address": company_address,
            "group_a_id": group_a,
            "group_b_id": group_b,
            "notes": notes,
        }
        errors = FieldErrors({**fields, "customer_id": company})

        def show_link() -> None:
            linked.set_text("고객에 연결됨" if state["customer_id"] else "고객과 연결 안 됨")
            if customer is None:
                unlink_button.set_visibility(bool(state["customer_id"]))

        async def pick() -> None:
            chosen = await pick_customer("소속회사 선택")
            if chosen:
                state["customer_id"] = chosen.id
                company.value = chosen.company_name
                if not company_address.value:
                    company_address.value = chosen.address
                show_link()

        def unlink() -> None:
            state["customer_id"] = None
            show_link()

        def current() -> CardInput:
            return CardInput(
                **{key: element.value for key, element in fields.items()}, customer_id=state["customer_id"]
            )

        async def reapply(latest_version: int, keep_open: bool) -> None:
            state["version"] = latest_version  # my input on top of what is stored now
            await save(keep_open)

        async def reload() -> None:
            assert card is not None
            guard.release()
            dialog.close()  # and deleted: the latest version opens on the page itself
            with dialog.client.layout:
                await open_card_editor(actor, card_id=card.id, customer=customer, on_saved=on_saved)

        async def save(keep_open: bool) -> None:
            try:
                saved = await cards.save_card(
                    current(),
                    by=actor,
                    card_id=card.id if card else None,
                    version=state["version"],
                    form_token=save_button.form_token,
                )
            except ValidationError as error:
                errors.show(error.fields)
                return
            except StaleRecordError as error:
                errors.clear()
                await keep_my_work(
                    error,
                    errors.fields,
                    reapply=lambda version: reapply(version, keep_open),
                    reload=reload if card is not None else None,
                )
                return
            except GogaekError as error:
                ui.notify(str(error), type="negative", multi_line=True)
                return
            errors.clear()
            ui.notify(f"명함 '{saved.name}'{josa(saved.name, '을')} 저장했습니다.", type="positive")
            if on_saved:
                result = on_saved()
                if result is not None:
                    await result
            if keep_open:  # 연속저장: a fresh form for the next card of the same company
                save_button.renew()
                for key in ("name", "mobile", "direct_phone", "extension", "email", "notes"):
                    fields[key].value = ""
                guard.saved()
                name.run_method("focus")
            else:
                dialog.close()

        async def close() -> None:
            if not await guard.may_close():
                return
            dialog.close()

        show_link()
        with ui.row().classes("w-full justify-end"):
            save_button = SaveAction(lambda: save(False), icon="save").mark("card-save")
            if card is None:
                SaveAction(lambda: save(True), text="연속저장", along=save_button).props("flat no-caps").mark(
                    "card-save-next"
                ).move(target_index=0)
            change_history_button("business_card", card.id if card else None)
            ui.button("닫기", on_click=close).props("flat").mark("card-close")
    guard = FormGuard(dialog, snapshot=current)
    dialog.open()


async def delete_card_asking(actor: Actor, row: dict[str, Any] | None, on_deleted: OnSaved) -> None:
    if not row:
        ui.notify("먼저 명함을 선택하세요.", type="warning")
        return
    company = f" ({row['company_name']})" if row.get("company_name") else ""
    if not await confirm(
        f"명함 '{row['name']}'{company}{josa(row['name'], '을')} 삭제할까요?", action="삭제", danger=True
    ):
        return
    try:
        await cards.delete_card(row["id"], by=actor)
    except GogaekError as error:
        ui.notify(str(error), type="negative", multi_line=True)
        return
    ui.notify("삭제했습니다.")
    result = on_deleted()
    if result is not None:
        await result


class CardList:
    """A server-paged card table with its row menu; the /cards screen and the customer tab use it."""

    def __init__(
        self,
        actor: Actor,
        *,
        filters: Callable[[], CardFilters],
        customer: tuple[int, str] | None = None,
        columns: list[dict[str, Any]] | None = None,
        on_count: Callable[[str], None] | None = None,
        mark: str = "cards-table",
    ) -> None:
        self.actor, self.filters, self.customer, self.on_count = actor, filters, customer, on_count
        self.context_row: dict[str, Any] | None = None
        list_styles()
        with ui.element("div").classes("w-full gogaek-list"):
            self.table = PagedTable(
                columns=columns or spec_columns(CARD_LIST),
                fetch=self._fetch,
                sort_by="registered_on",
                descending=True,
                empty_text="조건에 맞는 명함이 없습니다.",
            ).mark(mark)
            with ui.context_menu():
                ui.menu_item("수정", on_click=lambda: self.edit(self.context_row))
                ui.menu_item("삭제", on_click=lambda: self.delete(self.context_row))
                if customer is None:
                    ui.menu_item("고객정보 열기", on_click=self._open_customer)
                phone_menu_items(
                    actor, lambda: card_numbers(self.context_row), lambda: card_owner(self.context_row)
                )
        self.table.on("rowDblclick", lambda e: self.edit(e.args[1]))
        self.table.on("rowClick", lambda e: self._select(e.args[1]))
        self.table.on("rowContextmenu", lambda e: self._select(e.args[1]))

    async def _fetch(self, request: PageRequest) -> Page:
        try:
            filters = self.filters()
        except ValidationError:  # the screen shows which filter is wrong; the list stays as it was
            return self.table.last_page or Page(rows=[], total=0)
        result = await cards.search_cards(filters, request)
        page = Page(rows=[{**row, **CARD_LIST.table_row(row)} for row in result.rows], total=result.total)
        if self.on_count:
            self.on_count(f"명함 {count_label(page)}")
        return page

    def _select(self, row: dict[str, Any]) -> None:
        self.context_row = row
        self.table.selected = [row]

    @property
    def selected(self) -> dict[str, Any] | None:
        return self.table.selected_row

    async def refresh(self) -> None:
        await self.table.refresh()

    async def add(self) -> None:
        await open_card_editor(self.actor, customer=self.customer, on_saved=self.refresh)

    async def edit(self, row: dict[str, Any] | None = None) -> None:
        row = row or self.selected
        if not row:
            ui.notify("먼저 명함을 선택하세요.", type="warning")
            return
        await open_card_editor(self.actor, card_id=row["id"], customer=self.customer, on_saved=self.refresh)

    async def delete(self, row: dict[str, Any] | None = None) -> None:
        await delete_card_asking(self.actor, row or self.selected, self.refresh)

    def _open_customer(self) -> None:
        row = self.context_row
        if row and row.get("customer_id"):
            open_customer(row["customer_id"])
        else:
            ui.notify("고객에 연결되지 않은 명함입니다.", type="warning")


def register() -> None:
    @protected_page("/cards", "명함관리")
    async def cards_page(actor: Actor) -> None:
        today = dt.date.today()
        group_a_options = await choices_with(CodeKind.CARD_GROUP_A, None)
        group_b_options = await choices_with(CodeKind.CARD_GROUP_B, None)
        with ui.row().classes("w-full items-center gap-2 wrap"):
            use_dates = ui.checkbox("등록기간").mark("cards-use-dates")
            date_from = date_field("부터", today.replace(month=1, day=1), mark="cards-from").classes("w-36")
            ui.label("~")
            date_to = date_field("까지", today, mark="cards-to").classes("w-36")
            group_a = choice(group_a_options, "분류A", mark="cards-group-a").classes("w-32")
            group_b = choice(group_b_options, "분류B", mark="cards-group-b").classes("w-32")
            name = text_input("이름 (초성 가능)", mark="cards-name").classes("w-36")
            company = text_input("회사명 (초성 가능)", mark="cards-company").classes("w-44")
        errors = FieldErrors({"from": date_from, "to": date_to})

        def filters() -> CardFilters:
            """The filters on screen. A wrongly typed date is shown next to its field and raises
            ValidationError: the list keeps what it showed, nothing is exported (never "all")."""
            dates, wrong = {}, {}
            for key, element in (("from", date_from), ("to", date_to)):
                try:
                    dates[key] = typed_date(element)
                except ValueError:
                    wrong[key] = WRONG_DATE
            if wrong:
                errors.show(wrong)
                raise ValidationError(wrong)
            errors.clear()
            start, end = dates["from"], dates["to"]
            return CardFilters(
                use_dates=bool(use_dates.value) and (start is not None or end is not None),
                registered_from=start,
                registered_to=end,
                group_a_id=group_a.value,
                group_b_id=group_b.value,
                name=name.value or "",
                company=company.value or "",
            )

        async def search() -> None:
            await card_list.table.refresh(first_page=True)

        async def export() -> None:
            sort_by, descending = table_order(card_list.table)
            try:
                current = filters()
            except ValidationError:
                return
            await export_excel(
                actor,
                CARD_LIST,
                lambda progress: cards.iter_cards(
                    current, sort_by=sort_by, descending=descending, on_progress=progress
                ),
                dated("명함목록", "xlsx"),
                button=toolbar.buttons["excel"],
            )

        async def print_cards() -> None:
            sort_by, descending = table_order(card_list.table)
            try:
                current = filters()
            except ValidationError:
                return
            conditions = cards.describe_filters(current)
            await print_list(
                actor,
                CARD_LIST,
                cards.iter_cards(current, sort_by=sort_by, descending=descending),
                dated("명함목록", "pdf"),
                preview_title="명함 목록 인쇄",
                button=toolbar.buttons["print"],
                subtitle=f"조건: {conditions}" if conditions else "",
                limit=PRINT_LIMIT,
                cut_note=f"처음 {PRINT_LIMIT:,}건만 인쇄했습니다. 전체는 엑셀로 저장하세요.",
            )

        async def import_cards() -> None:
            from pages.customers.import_dialog import open_import_dialog

            await open_import_dialog(actor, ImportKind.CARDS, on_done=search)

        with ui.row().classes("w-full items-center gap-2"):
            toolbar = Toolbar(
                prefix="cards-",
                search=search,
                add=lambda: card_list.add(),
                edit=lambda: card_list.edit(),
                delete=lambda: card_list.delete(),
                excel=export,
                print=print_cards,
            )
            ui.button("엑셀 가져오기", icon="upload_file", on_click=import_cards).props(
                "dense flat no-caps"
            ).mark("cards-import")
            ui.space()
            count = ui.label().classes("text-caption text-grey-8").mark("cards-count")
        for element in (name, company):
            element.on("keydown.enter", search)
        card_list = CardList(actor, filters=filters, on_count=count.set_text)
        await card_list.refresh()

"""Tab 거래처관리정보: the customer's trading partner. ERP거래처반영 opens the partner form
pre-filled from the customer and links the saved partner; 🔍 links an existing one. One way only:
partner changes never flow back to the customer."""

from __future__ import annotations

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError, StaleRecordError, ValidationError
from core.korean import format_business_number, josa
from pages.components.conflicts import keep_my_work
from pages.components.dialogs import TransientDialog, confirm
from pages.components.forms import FieldErrors
from pages.components.save_action import SaveAction
from pages.customers.editor import CustomerEditor, current_editor
from pages.customers.fields import required, text_input
from pages.customers.tab_types import CustomerTab
from pages.sales.orders import ledger_url
from services import customers, partners
from services.partners import PartnerInput

PARTNER_FIELDS = [
    ("code", "거래처코드", True),
    ("name", "거래처명", True),
    ("business_number", "사업자번호", False),
    ("representative", "대표자", False),
    ("business_type", "업태", False),
    ("business_item", "종목", False),
    ("phone", "전화번호", False),
    ("fax", "팩스번호", False),
    ("email", "이메일", False),
    ("postal_code", "우편번호", False),
    ("address", "주소", False),
    ("address_detail", "상세주소", False),
]
SEARCH_COLUMNS = [
    {"name": "code", "label": "거래처코드", "field": "code", "align": "left"},
    {"name": "name", "label": "거래처명", "field": "name", "align": "left"},
    {"name": "business_number", "label": "사업자번호", "field": "business_number", "align": "left"},
    {"name": "representative", "label": "대표자", "field": "representative", "align": "left"},
    {"name": "phone", "label": "전화번호", "field": "phone", "align": "left"},
]


async def partner_tab(actor: Actor, customer_id: int) -> None:
    editor = current_editor()
    if editor is None:
        ui.label("고객 창을 다시 여세요.").classes("text-negative")
        return
    body = ui.column().classes("w-full gap-2")

    async def show() -> None:
        body.clear()
        partner_id = (await customers.get_customer(customer_id)).partner_id
        with body:
            with ui.row().classes("items-center gap-2"):
                if partner_id is None:
                    ui.button(
                        "ERP거래처반영",
                        icon="add_business",
                        on_click=lambda: _create(actor, editor, customer_id, show),
                    ).props("dense unelevated no-caps").mark("partner-create")
                ui.button(
                    "거래처 찾기", icon="search", on_click=lambda: _link(actor, editor, customer_id, show)
                ).props("dense flat no-caps").mark("partner-search")
                if partner_id is not None:
                    ui.button(
                        "연결 해제",
                        icon="link_off",
                        on_click=lambda: _unlink(actor, editor, customer_id, show),
                    ).props("dense flat no-caps color=negative").mark("partner-unlink")
                    ui.link("거래내역", ledger_url(partner_id)).classes("text-primary")
            if partner_id is None:
                ui.label(
                    "연결된 거래처가 없습니다. 영업(수주·출고·수금)과 연동하려면 ERP거래처반영으로 거래처를 만들거나 거래처 찾기로 기존 거래처를 연결하세요."
                ).classes("text-grey-8")
                return
            partner = await partners.get_partner(partner_id)
            with (
                ui.grid()
                .classes("w-full gap-x-6 gap-y-1")
                .style("grid-template-columns: max-content 1fr max-content 1fr")
            ):
                for label, value in (
                    ("거래처코드", partner.code),
                    ("거래처명", partner.name),
                    ("사업자번호", format_business_number(partner.business_number)),
                    ("대표자", partner.representative),
                    ("업태/종목", " / ".join(x for x in (partner.business_type, partner.business_item) if x)),
                    ("전화번호", partner.phone),
                    ("팩스번호", partner.fax),
                    ("이메일", partner.email),
                    (
                        "주소",
                        " ".join(
                            x for x in (partner.postal_code, partner.address, partner.address_detail) if x
                        ),
                    ),
                ):
                    ui.label(label).classes("text-grey-7")
                    ui.label(value or "-").mark(f"partner-{label}")
            ui.label("거래처 정보는 영업 쪽 자료입니다. 거래처를 고쳐도 고객정보는 바뀌지 않습니다.").classes(
                "text-caption text-grey-7"
            )

    await show()


TAB = CustomerTab(key="partner", label="거래처관리정보", build=partner_tab)


async def _create(actor: Actor, editor: CustomerEditor, customer_id: int, done) -> None:
    if editor.dirty:
        ui.notify("고객정보에 저장하지 않은 내용이 있습니다. 먼저 저장하세요.", type="warning")
        return
    draft = await partners.partner_draft(customer_id)
    with TransientDialog() as dialog, ui.card().classes("w-[680px] max-w-full"):
        dialog.props("persistent")
        ui.label("거래처등록 (고객정보에서 자동 입력)").classes("text-h6")
        inputs = {}
        with (
            ui.grid()
            .classes("w-full gap-2")
            .style("grid-template-columns: repeat(auto-fill, minmax(200px, 1fr))")
        ):
            for name, label, is_required in PARTNER_FIELDS:
                element = text_input(label, getattr(draft, name), mark=f"partner-{name}")
                inputs[name] = required(element) if is_required else element
        errors = FieldErrors(inputs)

        async def reapply(latest_version: int) -> None:
            editor.version = latest_version  # the link on top of the customer as stored now
            await save()

        async def reload() -> None:
            """The customer as stored now, in the header and as this form's draft."""
            try:
                latest = await customers.get_customer(customer_id)
                fresh = await partners.partner_draft(customer_id)
            except GogaekError as error:
                ui.notify(str(error), type="negative", multi_line=True)
                return
            editor.show_stored(latest)
            errors.clear()
            for name, element in inputs.items():
                element.value = getattr(fresh, name)

        async def save() -> None:
            if not save_button.enabled:  # a second click while the first save runs
                return
            save_button.disable()
            data = PartnerInput(**{name: element.value or "" for name, element in inputs.items()})
            try:
                _, customer = await partners.create_partner_for_customer(
                    customer_id, data, by=actor, customer_version=editor.version
                )
            except ValidationError as error:
                save_button.enable()
                errors.show(error.fields)
                return
            except StaleRecordError as error:
                save_button.enable()
                await keep_my_work(error, inputs, reapply=reapply, reload=reload)  # the customer's conflict
                return
            except GogaekError as error:
                save_button.enable()
                ui.notify(str(error), type="negative", multi_line=True, timeout=0, close_button="닫기")
                return
            editor.show_stored(customer)  # someone's edits of the customer re-applied over show here too
            ui.notify("거래처를 등록하고 연결했습니다.", type="positive")
            dialog.close()
            await done()

        with ui.row().classes("w-full justify-end"):
            save_button = SaveAction(save, icon="save").mark("partner-save")
            ui.button("닫기", on_click=dialog.close).props("flat")
    dialog.open()


async def _link(actor: Actor, editor: CustomerEditor, customer_id: int, done) -> None:
    with TransientDialog() as dialog, ui.card().classes("w-[680px] max-w-full"):
        ui.label("거래처 찾기").classes("text-h6")
        with ui.row().classes("w-full items-center gap-2 no-wrap"):
            query = text_input(
                "거래처명 / 코드 / 사업자번호", editor.company_name, mark="partner-query"
            ).classes("flex-1")
            search_button = ui.button("조회", icon="search").props("dense unelevated no-caps")
        table = (
            ui.table(columns=SEARCH_COLUMNS, rows=[], row_key="id", pagination=10)
            .props('dense flat bordered no-data-label="조회된 거래처가 없습니다."')
            .classes("w-full")
            .mark("partner-results")
        )

        async def search() -> None:
            table.rows = await partners.search_partners(query.value or "")
            table.update()

        linking = {"busy": False}

        async def choose(row: dict) -> None:
            # One link per gesture: a double-click also sends two clicks, and a second save with
            # the same version would be refused as "changed by someone" (the user themself).
            if linking["busy"]:
                return
            linking["busy"] = True
            table.props("loading")
            try:
                customer = await partners.link_partner(
                    customer_id, row["id"], by=actor, customer_version=editor.version
                )
            except GogaekError as error:
                linking["busy"] = False
                table.props(remove="loading")
                ui.notify(str(error), type="negative", multi_line=True, timeout=0, close_button="닫기")
                return
            editor.version = customer.version  # stays busy: the dialog closes
            ui.notify(f"거래처 '{row['name']}'{josa(row['name'], '을')} 연결했습니다.", type="positive")
            dialog.close()
            await done()

        search_button.on_click(search)
        query.on("keydown.enter", search)
        table.on("rowClick", lambda e: choose(e.args[1]))  # a click links; a double-click is that click
        ui.label("연결할 거래처를 누르세요.").classes("text-caption text-grey-7")
        with ui.row().classes("w-full justify-end"):
            ui.button("닫기", on_click=dialog.close).props("flat")
        await search()
    dialog.open()


async def _unlink(actor: Actor, editor: CustomerEditor, customer_id: int, done) -> None:
    if not await confirm(
        "거래처 연결을 해제할까요? 거래처 자료는 그대로 남습니다.", action="해제", danger=True
    ):
        return
    try:
        customer = await partners.link_partner(customer_id, None, by=actor, customer_version=editor.version)
    except GogaekError as error:
        ui.notify(str(error), type="negative", multi_line=True, timeout=0, close_button="닫기")
        return
    editor.version = customer.version
    await done()

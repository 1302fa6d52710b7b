"""Tab 고객정보: company details, classifications A/B/C, memo (saved with the header's 저장), and
업체정보이력 — timestamped notes by the signed-in staff, newest first, never edited."""

from __future__ import annotations

from nicegui import ui

from core.audit import Actor
from core.errors import ValidationError
from models.codes import CodeKind
from pages.components.forms import FieldErrors
from pages.components.input_limits import limit_text
from pages.components.paged_table import spec_columns
from pages.components.phone_actions import PhoneOwner, phone_input_actions
from pages.customers.editor import choices_with, current_editor
from pages.customers.fields import choice, required, text_input
from pages.customers.tab_lists import tab_toolbar
from pages.customers.tab_types import CustomerTab
from services import customers
from services.list_spec import ListColumn, ListSpec

# 업체정보이력, as services.customers.list_history gives it (newest first)
HISTORY = ListSpec(
    "업체정보이력",
    (
        ListColumn("written_at", "일시", "datetime", width=17),
        ListColumn("author", "작성자", width=10),
        ListColumn("note", "내용", width=80),
    ),
    landscape=False,
)
# the screen's widths: a long note wraps in its cell, line breaks kept
HISTORY_STYLES = {"written_at": "width: 140px", "author": "width: 90px", "note": "white-space: pre-wrap"}

# (field, label, phone kind or None, wide)
COMPANY_FIELDS = [
    ("representative", "대표자", None, False),
    ("business_number", "사업자번호", None, False),
    ("business_type", "업태", None, False),
    ("business_item", "종목", None, False),
    ("phone", "전화번호", "phone", False),
    ("fax", "팩스번호", "fax", False),
    ("mobile", "휴대폰", "mobile", False),
    ("contact_name", "담당자", None, False),
    ("email", "이메일", None, False),
    ("homepage", "홈페이지", None, False),
    ("postal_code", "우편번호", None, False),
    ("address", "주소", None, True),
    ("address_detail", "상세주소", None, False),
]


async def info_tab(actor: Actor, customer_id: int) -> None:
    editor = current_editor()
    if editor is None:
        ui.label("고객 창을 다시 여세요.").classes("text-negative")
        return
    initial = editor.initial
    class_a = await choices_with(CodeKind.CUSTOMER_CLASS_A, initial.class_a_id)
    class_b = await choices_with(CodeKind.CUSTOMER_CLASS_B, initial.class_b_id)
    class_c = await choices_with(CodeKind.CUSTOMER_CLASS_C, initial.class_c_id)
    service = await choices_with(CodeKind.SERVICE_CLASS, initial.service_class_id)

    with (
        ui.grid()
        .classes("w-full gap-2")
        .style("grid-template-columns: repeat(auto-fill, minmax(190px, 1fr))")
    ):
        editor.register(
            "company_name",
            required(text_input("법인상호", editor.value("company_name"), mark="customer-company-name")),
        ).style("grid-column: span 2")
        for name, label, phone_kind, wide in COMPANY_FIELDS:
            element = editor.register(name, text_input(label, editor.value(name), mark=f"customer-{name}"))
            if wide:
                element.style("grid-column: span 2")
            if phone_kind:
                phone_input_actions(
                    actor, element, phone_kind, lambda: PhoneOwner(editor.company_name, customer_id or None)
                )
        editor.register("class_a_id", choice(class_a, "분류A", initial.class_a_id))
        editor.register("class_b_id", choice(class_b, "분류B", initial.class_b_id))
        editor.register("class_c_id", choice(class_c, "분류C", initial.class_c_id))
        editor.register("service_class_id", choice(service, "서비스분류", initial.service_class_id))
        editor.register(
            "reminder_opt_out",
            ui.checkbox("수신거부 (갱신 안내 문자·메일 보내지 않음)", value=bool(initial.reminder_opt_out))
            .props("dense")
            .mark("customer-reminder-opt-out"),
        ).style("grid-column: span 2")
    editor.register(
        "memo",
        limit_text(
            ui.textarea("메모", value=editor.value("memo") or "")
            .props("outlined dense stack-label autogrow")
            .classes("w-full")
            .mark("customer-memo"),
            customers.MEMO_MAX,
        ),
    )
    await _history(actor, customer_id)


TAB = CustomerTab(key="info", label="고객정보", build=info_tab)


async def _history(actor: Actor, customer_id: int) -> None:
    with ui.column().classes("w-full gap-1"):
        with ui.row().classes("w-full items-center gap-2"):
            ui.label("업체정보이력").classes("text-subtitle2")
            if customer_id:
                tab_toolbar(actor, HISTORY, lambda: customers.list_history(customer_id), prefix="history-")
        if not customer_id:
            ui.label("고객을 저장한 뒤 이력을 추가할 수 있습니다.").classes("text-caption text-grey-7")
            return
        with ui.row().classes("w-full items-start gap-2 no-wrap"):
            note = limit_text(
                ui.textarea("새 이력 (작성자와 일시는 자동으로 남습니다)")
                .props("outlined dense stack-label autogrow")
                .classes("flex-1")
                .mark("history-note"),
                customers.HISTORY_NOTE_MAX,
            )
            add_button = (
                ui.button("이력추가", icon="note_add").props("dense unelevated no-caps").mark("history-add")
            )
        table = (
            ui.table(
                columns=[{**c, "style": HISTORY_STYLES[c["name"]]} for c in spec_columns(HISTORY)],
                rows=[],
                row_key="id",
                pagination=10,
            )
            .props('dense flat bordered wrap-cells no-data-label="이력이 없습니다."')
            .classes("w-full")
            .mark("history-table")
        )
        errors = FieldErrors({"note": note})

        async def reload() -> None:
            table.rows = [
                {**HISTORY.table_row(n), "id": n.id} for n in await customers.list_history(customer_id)
            ]
            table.update()

        async def add() -> None:
            try:
                await customers.add_history_note(customer_id, note.value or "", by=actor)
            except ValidationError as error:
                errors.show(error.fields)
                return
            errors.clear()
            note.value = ""
            ui.notify("이력을 추가했습니다.", type="positive")
            await reload()

        add_button.on_click(add)
        await reload()

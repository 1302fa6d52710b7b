"""유지보수관리 (/maintenance): customers whose maintenance runs out (유지보수대상업체, six
sub-tabs), batch agreement creation (TOSP작성), and the written agreements (유지보수동의서작성)
whose state follows the same rule as the customer window's 유지보수관리 tab."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import replace
from urllib.parse import urlencode

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError
from core.korean import format_business_number, format_date
from models.codes import CodeKind
from models.maintenance import ContractState, ContractType
from pages.components.date_input import parse_date
from pages.components.dialogs import TransientDialog
from pages.components.forms import FieldErrors
from pages.components.list_output import export_excel, print_list
from pages.components.paged_table import Page, PagedTable, PageRequest, spec_columns
from pages.components.toolbar import Toolbar
from pages.customers.links import open_customer
from pages.frame import protected_page
from pages.maintenance.forms import (
    RowMenu,
    amount_input,
    date_field,
    mail_agreement,
    open_contract_editor,
    print_agreements,
    read_date,
    read_int,
    state_changed_message,
)
from pages.maintenance.reminders import open_reminder_dialog
from pages.sales.orders import ledger_url
from services import maintenance, maintenance_agreements, maintenance_due, maintenance_periods
from services.codes import code_choices
from services.list_spec import EXCEL, PRINT, TABLE, ListColumn, ListSpec
from services.maintenance_agreements import AgreementBasis, AgreementQuery, AgreementRow
from services.maintenance_due import DueQuery, DueRow, DueTab

PRINT_LIMIT = 3000

DUE_TABS: dict[DueTab, str] = {
    DueTab.FREE_AND_RENEWAL: "유지보수[무상+재계약]",
    DueTab.FREE: "유지보수[무상]",
    DueTab.RENEWAL: "유지보수[재계약]",
    DueTab.ENDED_TODAY: "유지보수종료[금일기준]",
    DueTab.NO_END_DATE: "무상/유상종료일없음",
    DueTab.ALL: "전체",
}

AGREEMENT_TABS: dict[str, tuple[str, ContractState | None]] = {
    "before_sending": ("TOSP발송전", ContractState.BEFORE_SENDING),
    "contracted": ("TOSP계약", ContractState.CONTRACTED),
    "on_hold": ("TOSP보류", ContractState.ON_HOLD),
    "all": ("전체", None),
}


SCREEN = frozenset({TABLE})
FILES = frozenset({EXCEL, PRINT})


def _seq(pair: tuple[int, object]) -> int:
    return pair[0]


def _business_number(pair: tuple[int, DueRow | AgreementRow]) -> str:
    return format_business_number(pair[1].business_number)


# 유지보수대상업체: (순번, DueRow) pairs; 순번 only on the screen, 거래처코드 only in the files
DUE = ListSpec(
    "유지보수대상업체",
    (
        ListColumn("seq", "순번", "number", value=_seq, on=SCREEN),
        ListColumn("written", "작성", width=6, align="center", value=lambda r: "●" if r[1].written else ""),
        ListColumn("customer_code", "거래처코드", width=12, value=lambda r: r[1].customer_code, on=FILES),
        ListColumn("company_name", "거래처명", width=28, sortable=True, value=lambda r: r[1].company_name),
        ListColumn("product_group", "제품군", width=14, value=lambda r: r[1].product_group_name),
        ListColumn("status", "업체상태", width=10, value=lambda r: r[1].status_name),
        ListColumn("class_a", "분류A", width=10, value=lambda r: r[1].class_a_name),
        ListColumn("class_b", "분류B", width=10, value=lambda r: r[1].class_b_name),
        ListColumn("class_c", "분류C", width=10, value=lambda r: r[1].class_c_name),
        ListColumn(
            "registered_on",
            "등록일자",
            "date",
            align="center",
            sortable=True,
            value=lambda r: r[1].registered_on,
        ),
        ListColumn(
            "free_end_on",
            "무상종료일",
            "date",
            align="center",
            sortable=True,
            value=lambda r: r[1].free_end_on,
        ),
        ListColumn(
            "paid_end_on",
            "유상종료일",
            "date",
            align="center",
            sortable=True,
            value=lambda r: r[1].paid_end_on,
        ),
        ListColumn("amount", "유지보수금액", "amount", width=14, value=lambda r: r[1].amount),
        ListColumn("business_number", "사업자번호", width=14, align="center", value=_business_number),
    ),
)
# 유지보수동의서작성: (순번, AgreementRow) pairs; 순번 only on the screen
AGREEMENTS = ListSpec(
    "유지보수동의서작성",
    (
        ListColumn("seq", "순번", "number", value=_seq, on=SCREEN),
        ListColumn(
            "settlement_month",
            "정산월",
            width=9,
            align="center",
            sortable=True,
            value=lambda r: r[1].settlement_month,
        ),
        ListColumn("state", "정산", width=8, align="center", value=lambda r: r[1].state.value),
        ListColumn("company_name", "거래처명", width=28, sortable=True, value=lambda r: r[1].company_name),
        ListColumn("product_group", "제품군", width=14, value=lambda r: r[1].product_group_name),
        ListColumn("fee", "소급비", "amount", value=lambda r: r[1].retroactive_fee),
        ListColumn(
            "total_amount",
            "유지보수금액",
            "amount",
            width=14,
            sortable=True,
            value=lambda r: r[1].total_amount,
        ),
        ListColumn(
            "first_delivery", "최초납품일", "date", align="center", value=lambda r: r[1].first_delivery_date
        ),
        ListColumn(
            "contract_date",
            "계약일자",
            "date",
            align="center",
            sortable=True,
            value=lambda r: r[1].contract_date,
        ),
        ListColumn(
            "start_on", "시작일", "date", align="center", sortable=True, value=lambda r: r[1].start_on
        ),
        ListColumn("end_on", "종료일자", "date", align="center", sortable=True, value=lambda r: r[1].end_on),
        ListColumn("business_number", "사업자번호", width=14, align="center", value=_business_number),
        ListColumn("type", "유형", width=8, align="center", value=lambda r: r[1].contract_type.value),
        ListColumn("form", "납입형태", width=8, align="center", value=lambda r: r[1].payment_form_name),
    ),
)


def _due_row(seq: int, row: DueRow) -> dict:
    return {
        **DUE.table_row((seq, row)),
        "id": row.product_id,
        "customer_id": row.customer_id,
        "partner_id": row.partner_id,
    }


def _agreement_row(seq: int, row: AgreementRow) -> dict:
    return {
        **AGREEMENTS.table_row((seq, row)),
        "id": row.contract_id,
        "version": row.version,
        "customer_id": row.customer_id,
        "partner_id": row.partner_id,
    }


def open_ledger(row: dict) -> None:
    """거래내역 of the customer's trading partner."""
    if not row.get("partner_id"):
        ui.notify(f"{row['company_name']}: 연결된 거래처 없음", type="warning")
        return
    ui.navigate.to(ledger_url(row["partner_id"]), new_tab=True)


def maintenance_url(
    *,
    section: str = "due",
    start: dt.date | None = None,
    end: dt.date | None = None,
    tab: DueTab | None = None,
) -> str:
    """The screen opened on a section (due | agreements), a period and a due-list tab (오늘's links)."""
    query = {
        "section": section,
        "from": start.isoformat() if start else "",
        "to": end.isoformat() if end else "",
    }
    query["tab"] = tab.value if tab else ""
    return "/maintenance?" + urlencode({k: v for k, v in query.items() if v})


class MaintenanceScreen:
    def __init__(
        self,
        actor: Actor,
        groups: dict[int, str],
        methods: dict[int, str],
        forms: dict[int, str],
        view: dict[str, str] | None = None,
    ) -> None:
        self.actor = actor
        self.methods, self.forms = methods, forms
        view = view or {}
        tabs = {tab.value for tab in DueTab}
        self.due_tab = DueTab(view["tab"]) if view.get("tab") in tabs else DueTab.FREE_AND_RENEWAL
        self.agreement_tab = "before_sending"
        section = "agreements" if view.get("section") == "agreements" else "due"
        today = dt.date.today()

        with ui.row().classes("items-center gap-2 w-full"):
            self.toolbar = Toolbar(
                search=self.search, edit=self.edit, excel=self.export_excel, print=self.print_list
            )
        with ui.row().classes("items-end gap-2 w-full"):
            self.period_from = date_field(
                "계약기간 (부터)", parse_date(view.get("from")) or dt.date(today.year, 1, 1)
            ).mark("period-from")
            self.period_to = date_field(
                "(까지)", parse_date(view.get("to")) or dt.date(today.year, 12, 31)
            ).mark("period-to")
            ui.button("금년", on_click=self.this_year).props("dense flat no-caps")
            ui.button("금월", on_click=self.this_month).props("dense flat no-caps")
            self.group = (
                ui.select(groups, label="유지보수모듈", clearable=True)
                .props("dense outlined")
                .classes("w-44")
                .mark("group-filter")
            )
            self.customer = (
                ui.input("거래처명 (포함)")
                .props("dense outlined clearable")
                .classes("w-48")
                .mark("customer-filter")
            )
            self.customer.on("keydown.enter", self.search)
        self.filter_errors = FieldErrors({"period_from": self.period_from, "period_to": self.period_to})

        with ui.tabs(value=section).props("dense align=left no-caps").classes("w-full") as self.main_tabs:
            ui.tab("due", label="유지보수대상업체").mark("main-tab-due")
            ui.tab("agreements", label="유지보수동의서작성").mark("main-tab-agreements")
        with ui.tab_panels(self.main_tabs, value=section).props("keep-alive").classes("w-full"):
            with ui.tab_panel("due").classes("p-1 gap-1"):
                self._build_due()
            with ui.tab_panel("agreements").classes("p-1 gap-1"):
                self._build_agreements()

    # ---- filters

    def this_year(self) -> None:
        today = dt.date.today()
        self.period_from.value = format_date(dt.date(today.year, 1, 1))
        self.period_to.value = format_date(dt.date(today.year, 12, 31))

    def this_month(self) -> None:
        today = dt.date.today()
        self.period_from.value = format_date(today.replace(day=1))
        self.period_to.value = format_date(
            maintenance_periods.add_months(today.replace(day=1), 1) - dt.timedelta(days=1)
        )

    def _period(self) -> tuple[dt.date, dt.date] | None:
        problems: dict[str, str] = {}
        start = read_date(self.period_from, "period_from", problems)
        end = read_date(self.period_to, "period_to", problems)
        if not problems and (start is None or end is None):
            problems["period_from" if start is None else "period_to"] = "계약기간을 입력하세요."
        if not problems and end < start:
            problems["period_to"] = "끝 날짜가 시작 날짜보다 앞입니다."
        if problems:
            self.filter_errors.show(problems)
            return None
        self.filter_errors.clear()
        return start, end

    def due_query(self) -> DueQuery | None:
        period = self._period()
        if period is None:
            return None
        return DueQuery(period[0], period[1], self.group.value, self.customer.value or "")

    def agreement_query(self) -> AgreementQuery | None:
        period = self._period()
        if period is None:
            return None
        return AgreementQuery(
            period[0],
            period[1],
            AgreementBasis(self.basis.value),
            self.group.value,
            self.customer.value or "",
        )

    async def search(self) -> None:
        await self.refresh_all(first_page=True)

    async def refresh_all(self, *, first_page: bool = False) -> None:
        """Both lists, the hidden one too: a tab panel shown for the first time must not start
        from stale paging (the table would report its old row count back)."""
        await self.due_table.refresh(first_page=first_page)
        await self.agreement_table.refresh(first_page=first_page)

    # ---- 유지보수대상업체

    def _build_due(self) -> None:
        with ui.row().classes("items-center gap-1 w-full"):
            with ui.tabs(value=self.due_tab.value, on_change=self._due_tab_changed).props(
                "dense align=left no-caps inline-label"
            ) as self.due_strip:
                self.due_handles = {
                    tab: ui.tab(tab.value, label=label).mark(f"due-tab-{tab.value}")
                    for tab, label in DUE_TABS.items()
                }
            ui.space()
            ui.button("TOSP작성", icon="post_add", on_click=self.open_batch_dialog).props(
                "dense unelevated no-caps"
            ).mark("tosp-open").tooltip("선택한 거래처의 유지보수동의서를 작성합니다")
            ui.button("갱신 안내", icon="campaign", on_click=self.open_reminders).props(
                "dense outline no-caps"
            ).mark("reminder-open").tooltip(
                "체크한 거래처나 곧 끝나는 거래처에 문자·메일로 갱신을 안내합니다"
            )
        with ui.element("div").classes("w-full"):
            self.due_table = PagedTable(
                columns=spec_columns(DUE),
                fetch=self.fetch_due,
                selection="multiple",
                sort_by="company_name",
                empty_text="조건에 맞는 유지보수 대상 거래처가 없습니다.",
            ).mark("due-table")
        self.due_table.on("rowDblclick", lambda e: open_customer(e.args[1]["customer_id"]))
        RowMenu(
            self.due_table,
            [
                ("TOSP작성", lambda row: self.open_batch_dialog(row)),
                ("거래내역", open_ledger),
                ("고객정보", lambda row: open_customer(row["customer_id"])),
            ],
        )
        ui.label(
            "행을 체크하고 TOSP작성(또는 마우스 오른쪽 버튼)으로 동의서를 작성합니다. ● = 이미 작성됨."
        ).classes("text-caption text-grey-7")

    async def _due_tab_changed(self, event) -> None:
        self.due_tab = DueTab(event.value)
        self.due_table.selected = []
        await self.due_table.refresh(first_page=True)

    async def fetch_due(self, request: PageRequest) -> Page:
        query = self.due_query()
        if query is None:
            return Page(rows=[], total=0)
        result = await maintenance_due.due_list(
            query,
            tab=self.due_tab,
            offset=request.offset,
            limit=request.rows_per_page,
            sort_by=request.sort_by,
            descending=request.descending,
        )
        for tab, handle in self.due_handles.items():
            handle.props["label"] = f"{DUE_TABS[tab]} ({result.counts[tab]:,})"
            handle.update()
        rows = [_due_row(request.offset + i, r) for i, r in enumerate(result.rows, start=1)]
        return Page(rows=rows, total=result.total)

    async def open_batch_dialog(self, row: dict | None = None) -> None:
        chosen = list(self.due_table.selected) or ([row] if row else [])
        if not chosen:
            ui.notify("동의서를 작성할 거래처를 체크하세요.", type="warning")
            return
        yearly = next((i for i, name in self.forms.items() if name == "년납"), None)
        with TransientDialog() as dialog, ui.card().classes("w-[560px] max-w-full"):
            ui.label("유지보수동의서작성 (TOSP작성)").classes("text-h6")
            names = ", ".join(r["company_name"] for r in chosen[:5]) + (
                f" 외 {len(chosen) - 5}곳" if len(chosen) > 5 else ""
            )
            ui.label(f"레코드수 {len(chosen)} · {names}").classes("text-body2").mark("tosp-count")
            ui.label("유지보수 기간설정").classes("text-subtitle2")
            mode = (
                ui.radio(
                    {"auto": "자동지정 (종료일 이후부터, 납입형태에 따라)", "typed": "직접지정"}, value="auto"
                )
                .props("dense inline")
                .mark("tosp-mode")
            )
            with ui.row().classes("items-start gap-2"):
                start_on = date_field("시작일").mark("tosp-start")
                end_on = date_field("종료일").mark("tosp-end")
            start_on.bind_enabled_from(mode, "value", backward=lambda v: v == "typed")
            end_on.bind_enabled_from(mode, "value", backward=lambda v: v == "typed")
            with ui.row().classes("items-start gap-2"):
                contract_type = (
                    ui.select(
                        {"auto": "자동 (유상이력 있으면 재계약)", **{t.value: t.value for t in ContractType}},
                        value="auto",
                        label="유형",
                    )
                    .props("dense outlined")
                    .classes("w-64")
                )
                fee = amount_input("소급비", 0).classes("w-36")
            with ui.row().classes("items-start gap-2"):
                method = ui.select(
                    self.methods, value=next(iter(self.methods), None), label="납부방법", clearable=True
                )
                method.props("dense outlined").classes("w-36")
                form = (
                    ui.select(self.forms, value=yearly, label="납입형태")
                    .props("dense outlined")
                    .classes("w-32")
                )
                form.mark("tosp-form")
            with ui.row().classes("items-start gap-2"):
                contract_date = date_field("계약일자")
                settlement = ui.input("정산월 (예: 2019-04)").props("dense outlined").classes("w-40")
            ui.label("계약일자를 비우면 각 거래처의 종료일, 정산월을 비우면 시작 월로 작성합니다.").classes(
                "text-caption text-grey-7"
            )
            errors = FieldErrors(
                {
                    "start_on": start_on,
                    "end_on": end_on,
                    "retroactive_fee": fee,
                    "payment_method": method,
                    "payment_form": form,
                    "contract_date": contract_date,
                    "settlement_month": settlement,
                }
            )
            outcome = ui.column().classes("gap-0 w-full")

            async def create() -> None:
                errors.clear()
                problems: dict[str, str] = {}
                typed = mode.value == "typed"
                start = read_date(start_on, "start_on", problems) if typed else None
                end = read_date(end_on, "end_on", problems) if typed else None
                if typed and not problems and (start is None or end is None):
                    problems["start_on" if start is None else "end_on"] = (
                        "직접지정은 시작일과 종료일을 입력하세요."
                    )
                date = read_date(contract_date, "contract_date", problems)
                if problems:
                    errors.show(problems)
                    return
                request = maintenance_agreements.BatchRequest(
                    product_ids=[r["id"] for r in chosen],
                    payment_form_id=form.value,
                    payment_method_id=method.value,
                    start_on=start,
                    end_on=end,
                    contract_type=None
                    if contract_type.value == "auto"
                    else ContractType(contract_type.value),
                    retroactive_fee=read_int(fee),
                    contract_date=date,
                    settlement_month=(settlement.value or "").strip(),
                )
                try:
                    result = await maintenance_agreements.create_agreements(request, by=self.actor)
                except GogaekError as error:
                    errors.refuse(error)
                    return
                await self.refresh_all()
                if result.created:
                    ui.notify(
                        f"유지보수동의서 {len(result.created):,}건을 작성했습니다 (발송전).", type="positive"
                    )
                if not result.skipped:
                    dialog.close()
                    return
                outcome.clear()
                with outcome:
                    ui.label(f"이미 작성되어서 작성하지 못한 고객 {len(result.skipped)}곳").classes(
                        "text-subtitle2 text-negative"
                    )
                    for skipped in result.skipped:
                        ui.label(f"· {skipped.company_name}: {skipped.reason}").classes("text-body2").mark(
                            "tosp-skipped"
                        )
                submit.disable()

            with ui.row().classes("w-full justify-end"):
                submit = ui.button("작성", icon="edit_note", on_click=create).mark("tosp-submit")
                ui.button("닫기", on_click=dialog.close).props("flat")
        dialog.open()

    # ---- 유지보수동의서작성

    def _build_agreements(self) -> None:
        with ui.row().classes("items-center gap-2 w-full"):
            self.basis = (
                ui.radio(
                    {
                        AgreementBasis.CONTRACT_DATE.value: "계약기간기준",
                        AgreementBasis.SETTLEMENT_MONTH.value: "정산월기준",
                    },
                    value=AgreementBasis.CONTRACT_DATE.value,
                    on_change=lambda: self.agreement_table.refresh(first_page=True),
                )
                .props("dense inline")
                .mark("agreement-basis")
            )
        with ui.row().classes("items-center gap-1 w-full"):
            with ui.tabs(value=self.agreement_tab, on_change=self._agreement_tab_changed).props(
                "dense align=left no-caps inline-label"
            ):
                self.agreement_handles = {
                    key: ui.tab(key, label=label).mark(f"agreement-tab-{key}")
                    for key, (label, _) in AGREEMENT_TABS.items()
                }
            ui.space()
            ui.button(
                "계약", icon="task_alt", on_click=lambda: self.change_state(ContractState.CONTRACTED)
            ).props("dense unelevated no-caps color=positive").mark("agreement-sign")
            ui.button("보류", icon="pause", on_click=lambda: self.change_state(ContractState.ON_HOLD)).props(
                "dense outline no-caps"
            )
            ui.button(
                "발송전", icon="undo", on_click=lambda: self.change_state(ContractState.BEFORE_SENDING)
            ).props("dense outline no-caps").mark("agreement-unsign")
            ui.button("동의서 출력", icon="picture_as_pdf", on_click=self.print_selected_agreements).props(
                "dense unelevated no-caps"
            ).mark("agreement-print")
            ui.button(
                "메일 발송",
                icon="mail",
                on_click=lambda: mail_agreement([r["id"] for r in self.agreement_table.selected]),
            ).props("dense outline no-caps").mark("agreement-mail")
        with ui.element("div").classes("w-full"):
            self.agreement_table = PagedTable(
                columns=spec_columns(AGREEMENTS),
                fetch=self.fetch_agreements,
                selection="multiple",
                sort_by="company_name",
                empty_text="조건에 맞는 유지보수동의서가 없습니다.",
            ).mark("agreement-table")
        self.agreement_table.on("rowDblclick", lambda e: self.edit_contract(e.args[1]))
        RowMenu(
            self.agreement_table,
            [
                ("수정", self.edit_contract),
                ("동의서 인쇄", lambda row: print_agreements([row["id"]], row["company_name"])),
                ("동의서 메일 발송", lambda row: mail_agreement([row["id"]])),
                ("거래내역", open_ledger),
                ("고객정보", lambda row: open_customer(row["customer_id"])),
            ],
        )

    async def _agreement_tab_changed(self, event) -> None:
        self.agreement_tab = event.value
        self.agreement_table.selected = []
        await self.agreement_table.refresh(first_page=True)

    async def fetch_agreements(self, request: PageRequest) -> Page:
        query = self.agreement_query()
        if query is None:
            return Page(rows=[], total=0)
        state = AGREEMENT_TABS[self.agreement_tab][1]
        result = await maintenance_agreements.agreement_list(
            query,
            state=state,
            offset=request.offset,
            limit=request.rows_per_page,
            sort_by=request.sort_by,
            descending=request.descending,
        )
        for key, handle in self.agreement_handles.items():
            label, tab_state = AGREEMENT_TABS[key]
            handle.props["label"] = f"{label} ({result.counts[tab_state]:,})"
            handle.update()
        rows = [_agreement_row(request.offset + i, r) for i, r in enumerate(result.rows, start=1)]
        return Page(rows=rows, total=result.total)

    async def change_state(self, state: ContractState) -> None:
        chosen = list(self.agreement_table.selected)
        if not chosen:
            ui.notify("상태를 바꿀 동의서를 체크하세요.", type="warning")
            return
        try:
            result = await maintenance.change_contract_states(
                [r["id"] for r in chosen],
                by=self.actor,
                state=state,
                versions={r["id"]: r["version"] for r in chosen},
            )
        except GogaekError as error:
            ui.notify(str(error), type="negative", multi_line=True)
            await self.refresh_all()
            return
        states = {r["state"] for r in chosen if r["state"] != state.value}
        ui.notify(
            state_changed_message(
                f"{result.changed:,}건",
                states.pop() if len(states) == 1 else None,
                state,
                result.paid_end,
                names={r["id"]: r["company_name"] for r in chosen},
            ),
            type="positive",
            multi_line=True,
        )
        self.agreement_table.selected = []
        await self.refresh_all()

    async def edit_contract(self, row: dict) -> None:
        await open_contract_editor(
            self.actor, row["customer_id"], contract_id=row["id"], on_saved=self.refresh_all
        )

    async def print_selected_agreements(self) -> None:
        chosen = list(self.agreement_table.selected)
        hint = chosen[0]["company_name"] if len(chosen) == 1 else f"{len(chosen):,}건"
        await print_agreements([r["id"] for r in chosen], hint)

    async def open_reminders(self) -> None:
        await open_reminder_dialog(self.actor, [r["id"] for r in self.due_table.selected])

    # ---- toolbar

    async def edit(self) -> None:
        if self.main_tabs.value == "agreements":
            chosen = self.agreement_table.selected
            if not chosen:
                ui.notify("수정할 동의서를 선택하세요.", type="warning")
                return
            await self.edit_contract(chosen[0])
        else:
            chosen = self.due_table.selected
            if not chosen:
                ui.notify("거래처를 선택하세요.", type="warning")
                return
            open_customer(chosen[0]["customer_id"])

    def _list(
        self, limit: int | None = None
    ) -> tuple[ListSpec, str, AsyncIterator[tuple[int, object]]] | None:
        """The list the open tab shows: its spec, its tab's name and its rows (at most `limit`)."""
        if self.main_tabs.value == "due":
            query = self.due_query()
            if query is None:
                return None
            rows = maintenance_due.due_rows_for_export(query, self.due_tab, limit=limit)
            return DUE, DUE_TABS[self.due_tab], _numbered(rows)
        query = self.agreement_query()
        if query is None:
            return None
        state = AGREEMENT_TABS[self.agreement_tab][1]
        rows = maintenance_agreements.agreement_rows_for_export(query, state, limit=limit)
        return AGREEMENTS, AGREEMENT_TABS[self.agreement_tab][0], _numbered(rows)

    def _filter_text(self) -> str:
        group = self.group.options.get(self.group.value, "전체") if self.group.value else "전체"
        basis = ""
        if self.main_tabs.value == "agreements":
            basis = (
                " · 정산월기준"
                if self.basis.value == AgreementBasis.SETTLEMENT_MONTH.value
                else " · 계약기간기준"
            )
        customer = f" · 거래처명 '{self.customer.value}' 포함" if self.customer.value else ""
        return f"계약기간 {self.period_from.value} ~ {self.period_to.value}{basis} · 유지보수모듈 {group}{customer}"

    async def export_excel(self) -> None:
        if (shown := self._list()) is None:
            return
        spec, tab, rows = shown
        sheet = tab.replace("[", "(").replace("]", ")").replace("/", "·")
        await export_excel(
            self.actor,
            replace(spec, sheet_title=sheet),
            rows,
            f"{spec.title}_{tab}_{dt.date.today():%Y%m%d}.xlsx".replace("/", "_"),
            button=self.toolbar.buttons["excel"],
            done_message="",
        )

    async def print_list(self) -> None:
        if (shown := self._list(limit=PRINT_LIMIT + 1)) is None:
            return
        spec, tab, rows = shown
        await print_list(
            self.actor,
            spec,
            rows,
            f"{spec.title}_{tab}_{dt.date.today():%Y%m%d}.pdf".replace("/", "_"),
            preview_title=f"{spec.title} 인쇄",
            button=self.toolbar.buttons["print"],
            title=f"{spec.title} - {tab}",
            subtitle=self._filter_text(),
            limit=PRINT_LIMIT,
            cut_note=f"처음 {PRINT_LIMIT:,}건만 인쇄했습니다. 전체 목록은 엑셀[F9]로 받으세요.",
        )


async def _numbered(rows: AsyncIterator[object]) -> AsyncIterator[tuple[int, object]]:
    seq = 0
    async for row in rows:
        seq += 1
        yield seq, row


def register() -> None:
    @protected_page("/maintenance", "유지보수관리")
    async def maintenance_page(actor: Actor) -> None:
        groups = await code_choices(CodeKind.PRODUCT_GROUP)
        methods = await code_choices(CodeKind.PAYMENT_METHOD)
        forms = await code_choices(CodeKind.PAYMENT_FORM)
        screen = MaintenanceScreen(
            actor, groups, methods, forms, dict(ui.context.client.request.query_params)
        )
        await screen.refresh_all()

"""고객 찾기: the one dialog every screen picks a customer with (접수, 견적서, 방문일지, 명함's
소속회사, 고객접수현황, the call popup's 번호연결).

One search box finds what 고객관리 finds — 법인상호 (초성 too), 고객코드, any phone number of the
customer or its cards (services.customers.lookup_customers) — as it is typed, at most PAGE_SIZE
customers from the server at a time. A click selects a row; a double click, 선택 or Enter picks
the selected row (the first one when none is selected); ↑/↓ move the selection from the search box;
Esc or 닫기 closes without a customer."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from pages.components.dialogs import TransientDialog
from pages.components.row_select import select_on_click
from services.customers import CustomerChoice, lookup_customers

PAGE_SIZE = 50

COLUMNS = [
    {"name": "code", "label": "고객코드", "field": "code", "align": "left"},
    {"name": "company_name", "label": "법인상호", "field": "company_name", "align": "left"},
    {"name": "representative", "label": "대표자", "field": "representative", "align": "left"},
    {"name": "phone", "label": "전화번호", "field": "phone", "align": "left"},
    {"name": "address", "label": "주소", "field": "address", "align": "left", "classes": "ellipsis"},
]


class CustomerPicker(TransientDialog):
    """`await CustomerPicker(title, initial_text=…, note=…)`: the chosen customer, or None."""

    def __init__(self, title: str = "고객 찾기", *, initial_text: str = "", note: str = "") -> None:
        super().__init__()
        self.found: dict[int, CustomerChoice] = {}
        self.searched: str | None = None  # the text the rows on screen were found for
        with (
            self,
            ui.card()
            .classes("w-[720px] max-w-full gap-2")
            .props('data-testid="customer-picker"')
            .mark("customer-picker"),
        ):
            ui.label(title).classes("text-h6")
            if note:
                ui.label(note).classes("text-body2")
            with ui.row().classes("w-full items-center no-wrap gap-2"):
                self.query = (
                    ui.input("법인상호 · 초성 · 고객코드 · 전화번호", value=initial_text)
                    .props('outlined dense autofocus clearable data-testid="customer-picker-search"')
                    .classes("grow")
                    .mark("customer-picker-search")
                )
                ui.button("조회", icon="search", on_click=self.search).props("dense unelevated no-caps").mark(
                    "customer-picker-go"
                )
            self.hint = ui.label().classes("text-caption text-grey-7").mark("customer-picker-hint")
            self.table = (
                ui.table(columns=COLUMNS, rows=[], row_key="id", selection="single", pagination=0)
                .props(
                    'dense flat bordered virtual-scroll no-data-label="법인상호, 초성, 고객코드나 전화번호를 입력하세요."'
                )
                .classes("w-full max-h-[50vh]")
                .mark("customer-picker-table")
            )
            select_on_click(self.table)
            with ui.row().classes("w-full justify-end"):
                ui.button("선택", on_click=lambda: self.choose()).props("unelevated").mark(
                    "customer-picker-choose"
                )
                ui.button("닫기", on_click=lambda: self.submit(None)).props("flat").mark(
                    "customer-picker-close"
                )
        self.query.on_value_change(self.search)
        self.query.on("keydown.enter", self.choose_first)
        self.query.on("keydown.down", lambda: self.move(1))
        self.query.on("keydown.up", lambda: self.move(-1))
        self.table.on("rowDblclick", lambda e: self.choose(e.args[1]))
        if initial_text:
            ui.timer(0, self.search, once=True)

    async def search(self) -> None:
        text = (self.query.value or "").strip()
        found = await lookup_customers(text, limit=PAGE_SIZE + 1) if text else []
        if (self.query.value or "").strip() != text:
            return  # typed on meanwhile: the newer search answers
        self.searched = text
        self.found = {c.id: c for c in found[:PAGE_SIZE]}
        self.table.rows = [
            {
                "id": c.id,
                "code": c.code,
                "company_name": c.company_name,
                "representative": c.representative,
                "phone": c.phone,
                "address": c.address,
            }
            for c in found[:PAGE_SIZE]
        ]
        self.table.selected = self.table.rows[:1]
        if not text:
            self.hint.set_text("")
        elif not found:
            self.hint.set_text("찾는 고객이 없습니다.")
        elif len(found) > PAGE_SIZE:
            self.hint.set_text(f"처음 {PAGE_SIZE:,}명만 보입니다. 검색어를 더 자세히 입력하세요.")
        else:
            self.hint.set_text(f"{len(found):,}명 · Enter 또는 더블클릭으로 선택")
        self.table.update()

    def move(self, step: int) -> None:
        """↑/↓ in the search box: the row above or below the selected one."""
        rows = self.table.rows
        if not rows:
            return
        current = self.table.selected[0]["id"] if self.table.selected else None
        index = next((i for i, row in enumerate(rows) if row["id"] == current), -1)
        self.table.selected = [rows[max(0, min(len(rows) - 1, index + step))]]

    async def choose_first(self) -> None:
        """Enter: the selected (or first) customer found for the text as it is now."""
        if self.searched != (self.query.value or "").strip():
            await self.search()
        self.choose()

    def choose(self, row: dict[str, Any] | None = None) -> None:
        row = row or (self.table.selected[0] if self.table.selected else None)
        if row is None or row["id"] not in self.found:
            ui.notify("고객을 선택하세요.", type="warning")
            return
        self.submit(self.found[row["id"]])


async def pick_customer(
    title: str = "고객 찾기", *, initial_text: str = "", note: str = ""
) -> CustomerChoice | None:
    """Open the customer picker and wait: the chosen customer, or None when it was closed."""
    return await CustomerPicker(title, initial_text=initial_text, note=note)

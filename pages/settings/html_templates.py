"""기초정보등록 → Html문서 (/codes/html, admin only): document templates for visit reports.

Templates are written in the WYSIWYG editor or as HTML source, with `{{placeholders}}` — each by
its Korean or its English name — from the list above the editor; saving sanitises the HTML and
refuses unknown placeholders. The preview shows the template filled with the manual's example
visit."""

from __future__ import annotations

import json

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError, StaleRecordError, ValidationError
from core.korean import josa
from pages.components.conflicts import keep_my_work
from pages.components.dialogs import confirm
from pages.components.forms import FieldErrors
from pages.components.guarded_editor import GuardedEditor
from pages.components.leave_guard import FormGuard
from pages.components.list_output import dated, export_excel, print_list
from pages.components.paged_table import spec_columns
from pages.components.save_action import SaveAction
from pages.frame import protected_page
from services import html_templates
from services.list_spec import ListColumn, ListSpec

PATH = "/codes/html"
# the list of templates (services.html_templates.template_rows), on the screen, in Excel and printed
TEMPLATES = ListSpec(
    "Html문서",
    (
        ListColumn("name", "문서 이름", width=30, sortable=True),
        ListColumn(
            "active", "사용", width=10, align="center", value=lambda r: "사용" if r.active else "사용 안 함"
        ),
        ListColumn("in_use", "방문일지", "number", width=10),
    ),
    landscape=False,
)
# The preview draws a document as the PDF (xhtml2pdf) does. The page's own stylesheet (Tailwind's
# reset) sets every border to 0, which silently cancels a table's `border="1"`; the PDF draws it as
# 1pt black lines around the table and every cell. Headings get the PDF's sizes, not the screen's
# display sizes.
PREVIEW_CSS = """
.document-preview { font-size: 10pt; line-height: 1.35; }
.document-preview table[border]:not([border="0"]),
.document-preview table[border]:not([border="0"]) > * > tr > td,
.document-preview table[border]:not([border="0"]) > * > tr > th,
.document-preview table[border]:not([border="0"]) > tr > td,
.document-preview table[border]:not([border="0"]) > tr > th { border: 1px solid #000; }
.document-preview td, .document-preview th { padding: 3px 4px; vertical-align: top; }
.document-preview h1, .document-preview h2, .document-preview h3 {
  font-weight: bold; line-height: 1.35; letter-spacing: normal; margin: 1em 0;
}
.document-preview h1 { font-size: 138.5%; }
.document-preview h2 { font-size: 123.1%; }
.document-preview h3 { font-size: 108%; }
"""
EDITOR_TOOLBAR = [
    ["bold", "italic", "underline", "strike"],
    ["unordered", "ordered"],
    ["left", "center", "right"],
    ["hr"],
    ["removeFormat"],
    ["undo", "redo"],
]


class TemplateScreen:
    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.template_id: int | None = None
        self.version: int | None = None
        self.last_view = "editor"
        with ui.row().classes("w-full items-center gap-1"):
            ui.button("기초정보등록", icon="arrow_back", on_click=lambda: ui.navigate.to("/codes")).props(
                "dense flat no-caps"
            )
            ui.label("Html문서 (방문일지 문서양식)").classes("text-h6")
        with ui.row().classes("w-full no-wrap items-start gap-2"):
            with ui.card().classes("p-2 w-60 shrink-0"):
                with ui.row().classes("w-full items-center gap-1"):
                    ui.button("추가", icon="add", on_click=self.new).props("dense unelevated no-caps").mark(
                        "template-add"
                    )
                    ui.button("삭제", icon="delete", on_click=self.delete).props(
                        "dense unelevated no-caps color=negative"
                    ).mark("template-delete")
                    self.excel_button = (
                        ui.button("엑셀", icon="grid_on", on_click=self.excel)
                        .props("dense flat no-caps")
                        .mark("template-excel")
                    )
                    self.print_button = (
                        ui.button("인쇄", icon="print", on_click=self.print)
                        .props("dense flat no-caps")
                        .mark("template-print")
                    )
                self.table = (
                    ui.table(columns=spec_columns(TEMPLATES), rows=[], row_key="id", selection="single")
                    .props("dense flat bordered hide-bottom no-data-label='문서가 없습니다.'")
                    .classes("w-full")
                    .mark("template-table")
                )
                self.table.on("rowClick", lambda e: self.open(e.args[1]["id"]))
            with ui.card().classes("p-2 flex-1 min-w-0 gap-1") as form:
                with ui.row().classes("w-full items-center gap-2"):
                    self.name = (
                        ui.input("문서 이름 *").props("outlined dense").classes("w-64").mark("template-name")
                    )
                    self.active = ui.checkbox("사용", value=True).mark("template-active")
                    ui.space()
                    ui.button("기본양식 불러오기", icon="restore", on_click=self.load_default).props(
                        "dense flat no-caps"
                    )
                    self.save_action = (
                        SaveAction(self.save, icon="save")
                        .props("dense unelevated no-caps")
                        .mark("template-save")
                    )
                with (
                    ui.expansion(
                        "자리표시자 — 한글 이름이나 영문 이름을 누르면 편집기의 커서 위치에 넣습니다",
                        icon="data_object",
                        value=True,
                    )
                    .props("dense")
                    .classes("w-full"),
                    ui.element("div")
                    .classes("w-full grid items-center justify-items-start gap-x-1 gap-y-0")
                    .style("grid-template-columns: repeat(2, max-content max-content minmax(0, 1fr))")
                    .mark("placeholder-list"),
                ):
                    for row in html_templates.placeholder_rows():
                        for code in (row.korean, row.english):
                            ui.chip(code, on_click=lambda c=code: self.insert(c)).props(
                                "dense outline color=primary clickable"
                            ).classes("font-mono text-xs m-0").mark(f"placeholder-{code}")
                        ui.label(row.meaning).classes("text-caption text-grey-8 leading-tight pr-2")
                with ui.tabs().props("dense align=left no-caps").classes("w-full") as tabs:
                    ui.tab("editor", label="편집")
                    ui.tab("source", label="소스(HTML)").mark("template-source-tab")
                    ui.tab("preview", label="미리보기").mark("template-preview-tab")
                with ui.tab_panels(tabs, value="editor").classes("w-full") as self.panels:
                    with ui.tab_panel("editor").classes("p-0"):
                        self.editor = GuardedEditor().classes("w-full").mark("template-editor")
                        self.editor.props["toolbar"] = EDITOR_TOOLBAR
                        self.editor.props["min-height"] = "24rem"
                    with ui.tab_panel("source").classes("p-0"):
                        self.source = (
                            ui.textarea()
                            .props("outlined autogrow input-style='font-family: monospace; font-size: 12px'")
                            .classes("w-full")
                            .mark("template-source")
                        )
                    with ui.tab_panel("preview").classes("p-0"):
                        ui.add_css(PREVIEW_CSS)
                        self.preview = (
                            ui.html("", sanitize=html_templates.clean_html)
                            .classes("w-full document-preview")
                            .mark("template-preview")
                        )
                self.panels.on_value_change(self.switch_view)
                self.html_error = ui.label().classes("text-negative text-caption").mark("template-html-error")
        self.errors = FieldErrors({"name": self.name})
        self.guard = FormGuard(form, snapshot=self.snapshot, action="옮기기")

    # ------------------------------------------------------------ state

    def html(self) -> str:
        return (self.source.value if self.panels.value == "source" else self.editor.value) or ""

    def snapshot(self) -> tuple:
        return (self.name.value or "", self.html(), self.active.value)

    def switch_view(self, event) -> None:
        """Carry the HTML between the views; leaving the source view shows it sanitised."""
        if event.value == "source":
            self.source.value = self.editor.value
        else:
            if self.last_view == "source":
                self.editor.value = html_templates.clean_html(self.source.value)
            if event.value == "preview":
                self.preview.set_content(html_templates.preview(self.editor.value or ""))
        self.last_view = event.value

    def insert(self, code: str) -> None:
        if self.panels.value == "source":
            self.source.value = (self.source.value or "") + code
            return
        self.panels.value = "editor"
        ui.run_javascript(f"getElement({self.editor.id}).$refs.qRef.runCmd('insertText', {json.dumps(code)})")

    async def reload(self) -> None:
        rows = await html_templates.template_rows(by=self.actor)
        self.table.rows = [{**TEMPLATES.table_row(r), "id": r.id} for r in rows]
        self.table.selected = [row for row in self.table.rows if row["id"] == self.template_id]
        self.table.update()

    def _show(self, template_id: int | None, version: int | None, name: str, html: str, active: bool) -> None:
        self.template_id, self.version = template_id, version
        self.errors.clear()
        self.html_error.set_text("")
        self.name.value, self.active.value = name, active
        self.editor.value = html
        self.source.value = html
        if self.panels.value == "preview":
            self.preview.set_content(html_templates.preview(html))
        self.guard.saved()

    async def open(self, template_id: int) -> None:
        if template_id == self.template_id or not await self.guard.may_close():
            await self.reload()
            return
        template = await html_templates.get_template(template_id)
        self._show(template.id, template.version, template.name, template.html, template.active)
        await self.reload()

    async def new(self) -> None:
        if not await self.guard.may_close():
            return
        self._show(None, None, "", "", True)
        self.save_action.renew()
        await self.reload()
        self.name.run_method("focus")

    def load_default(self) -> None:
        html = html_templates.shipped_default()
        self.editor.value = html
        self.source.value = html
        ui.notify("기본 상담일지 양식을 불러왔습니다. 저장해야 반영됩니다.")

    async def save(self) -> None:
        self.errors.clear()
        self.html_error.set_text("")
        try:
            template = await html_templates.save_template(
                by=self.actor,
                name=self.name.value or "",
                html=self.html(),
                active=self.active.value,
                template_id=self.template_id,
                version=self.version,
                form_token=self.save_action.form_token,
            )
        except ValidationError as error:
            self.errors.show({k: v for k, v in error.fields.items() if k == "name"})
            self.html_error.set_text(error.fields.get("html", ""))
            return
        except StaleRecordError as error:
            await keep_my_work(
                error,
                {"name": self.name, "active": self.active},
                labels={"html": "본문"},
                reapply=self.reapply,
                reload=self.load_latest,
            )
            return
        except GogaekError as error:
            ui.notify(str(error), type="negative", multi_line=True, timeout=10000)
            return
        self._show(template.id, template.version, template.name, template.html, template.active)
        ui.notify("저장했습니다.", type="positive")
        await self.reload()

    async def reapply(self, latest_version: int) -> None:
        self.version = latest_version  # my input on top of what is stored now
        await self.save()

    async def load_latest(self) -> None:
        assert self.template_id is not None
        try:
            template = await html_templates.get_template(self.template_id)
        except GogaekError as error:
            ui.notify(str(error), type="negative", multi_line=True)
            return
        self._show(template.id, template.version, template.name, template.html, template.active)
        await self.reload()

    async def excel(self) -> None:
        await export_excel(
            self.actor,
            TEMPLATES,
            html_templates.template_rows(by=self.actor),
            dated("Html문서", "xlsx"),
            button=self.excel_button,
        )

    async def print(self) -> None:
        await print_list(
            self.actor,
            TEMPLATES,
            html_templates.template_rows(by=self.actor),
            dated("Html문서", "pdf"),
            preview_title="Html문서 인쇄",
            button=self.print_button,
        )

    async def delete(self) -> None:
        if self.template_id is None:
            ui.notify("먼저 목록에서 문서를 선택하세요.", type="warning")
            return
        name = self.name.value
        if not await confirm(
            f"Html문서 '{name}'{josa(name, '을')} 삭제할까요? 이미 작성된 방문일지의 본문은 그대로 남습니다.",
            action="삭제",
            danger=True,
        ):
            return
        try:
            await html_templates.delete_template(self.template_id, by=self.actor)
        except GogaekError as error:
            ui.notify(str(error), type="negative")
            return
        ui.notify("삭제했습니다.")
        self._show(None, None, "", "", True)
        await self.reload()


def register() -> None:
    @protected_page(PATH, "Html문서", admin=True)
    async def html_templates_page(actor: Actor) -> None:
        screen = TemplateScreen(actor)
        await screen.reload()
        if screen.table.rows:
            await screen.open(screen.table.rows[0]["id"])

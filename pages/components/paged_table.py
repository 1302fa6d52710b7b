"""A dense table paged and sorted on the server: the browser never holds more than one page.

`fetch(request) -> Page` is an async service call; the table asks again when the user pages,
sorts or when `refresh()` is called (keeping the selection of rows that are still there)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from services.list_spec import TABLE, ListSpec
from services.paging import Page, PageRequest

STICKY_END_CSS = """
.q-table th.gogaek-sticky-end, .q-table td.gogaek-sticky-end {
  position: sticky; right: 0; z-index: 1; background: #fff; box-shadow: inset 1px 0 0 rgba(0, 0, 0, 0.12);
}
.q-table thead th.gogaek-sticky-end { z-index: 3; }
"""


def column(
    name: str,
    label: str,
    align: str = "left",
    sortable: bool = False,
    *,
    field: str | None = None,
    max_width: int | None = None,
    sticky_end: bool = False,
) -> dict:
    """A Quasar table column showing the row's `field` (default: `name`). `max_width` (px) cuts a
    long text with "…" on one line; `sticky_end` keeps the column at the right edge, in view
    however wide the other columns make the table (give it to the last column)."""
    spec: dict[str, Any] = {
        "name": name,
        "label": label,
        "field": field or name,
        "align": align,
        "sortable": sortable,
    }
    if max_width:
        spec["style"] = (
            f"max-width: {max_width}px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap"
        )
    if sticky_end:
        spec["classes"] = spec["headerClasses"] = "gogaek-sticky-end"
    return spec


def spec_columns(spec: ListSpec) -> list[dict]:
    """The Quasar columns of a list's table columns, each showing the text `spec.table_row` puts
    under its key."""
    return [column(c.key, c.label, c.alignment, c.sortable, max_width=c.max_width) for c in spec.shown(TABLE)]


Fetch = Callable[[PageRequest], Awaitable[Page]]


def count_label(page: Page) -> str:
    if page.total_is_estimate:
        return f"{page.total:,}건 이상"  # counted so far: more follow
    return f"{page.total:,}건"


class PagedTable(ui.table):
    def __init__(
        self,
        *,
        columns: list[dict[str, Any]],
        fetch: Fetch,
        row_key: str = "id",
        rows_per_page: int = 50,
        sort_by: str | None = None,
        descending: bool = False,
        selection: str | None = "single",
        empty_text: str = "조회된 자료가 없습니다.",
    ) -> None:
        super().__init__(
            columns=columns,
            rows=[],
            row_key=row_key,
            selection=selection,  # type: ignore[arg-type]
            pagination={
                "page": 1,
                "rowsPerPage": rows_per_page,
                "rowsNumber": 0,
                "sortBy": sort_by,
                "descending": descending,
            },
        )
        self._fetch = fetch
        self._asked = 0  # refreshes started: an answer overtaken by a later question is dropped
        self.last_page: Page | None = None
        self.props(
            f'dense flat bordered binary-state-sort no-data-label="{empty_text}" '
            ':rows-per-page-options="[20,50,100,200]"'
        )
        self.classes("w-full sticky-header")
        if any(c.get("classes") == "gogaek-sticky-end" for c in columns):
            ui.add_css(STICKY_END_CSS)
        self.on("request", self._on_request)
        self.on_pagination_change(self._keep_row_count)

    def _keep_row_count(self, _) -> None:
        """Quasar echoes its pagination back (e.g. right after mounting) with the row count it knew
        then, which may arrive after a refresh: the server's count stays authoritative."""
        if self.last_page is not None and self.pagination.get("rowsNumber") != self.last_page.total:
            self.pagination = {**self.pagination, "rowsNumber": self.last_page.total}
            self.update()

    def _request(self) -> PageRequest:
        p = self.pagination
        return PageRequest(
            page=int(p.get("page") or 1),
            rows_per_page=int(p.get("rowsPerPage") or 50),
            sort_by=p.get("sortBy"),
            descending=bool(p.get("descending")),
        )

    async def _on_request(self, event) -> None:
        requested = event.args["pagination"]
        self.pagination = {**self.pagination, **requested}
        await self.refresh()

    async def refresh(self, *, first_page: bool = False) -> Page:
        if first_page:
            self.pagination = {**self.pagination, "page": 1}
        self._asked += 1
        asked = self._asked
        page = await self._fetch(self._request())
        if asked != self._asked:  # e.g. two filter clicks in a row: the second one's rows stay
            return page
        self.last_page = page
        selected_keys = {row.get(self.row_key) for row in self.selected}
        self.rows = page.rows
        self.selected = [row for row in page.rows if row.get(self.row_key) in selected_keys]
        self.pagination = {**self.pagination, "rowsNumber": page.total}
        self.update()
        return page

    @property
    def selected_row(self) -> dict[str, Any] | None:
        return self.selected[0] if self.selected else None

"""Server-side paging: which page a list screen asks for, and the page a service answers.

pages.components.paged_table.PagedTable sends a PageRequest and shows the Page it gets back."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from tortoise.queryset import QuerySet

EXPORT_CHUNK = 1000


@dataclass(frozen=True)
class PageRequest:
    page: int = 1
    rows_per_page: int = 50
    sort_by: str | None = None
    descending: bool = False

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.rows_per_page


@dataclass
class Page:
    """One page of a list: rows as plain dicts and the total number of matching rows."""

    rows: list[dict[str, Any]]
    total: int
    total_is_estimate: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


async def newest_first(
    query: QuerySet, fields: Sequence[str], chunk: int = EXPORT_CHUNK
) -> AsyncIterator[dict]:
    """Every row of `query` (its `fields`), newest id first, read in chunks from below the last id
    read, so a row added meanwhile neither shifts nor repeats one (a log's 엑셀 and 인쇄)."""
    below: int | None = None
    while True:
        part = query if below is None else query.filter(id__lt=below)
        rows = await part.order_by("-id").limit(chunk).values(*fields)
        for row in rows:
            yield row
        if len(rows) < chunk:
            return
        below = rows[-1]["id"]

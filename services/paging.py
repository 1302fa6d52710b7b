"""Server-side paging: which page a list screen asks for, and the page a service answers.

pages.components.paged_table.PagedTable sends a PageRequest and shows the Page it gets back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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

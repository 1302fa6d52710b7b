"""Substring search through SQLite's FTS5 trigram indexes (migration 0004_bench_search_index).

`customer_search` indexes company names, `reception_search` a reception's contact name, inquiry
and phone digits. Both are contentless: they only answer "which rows may contain this text";
callers confirm with LIKE on the real column, so the index never decides what matches.

Each indexed value ends with a space, so every substring of two characters or more starts a
trigram of the index:
- three characters or more: every trigram of the text must be in the row (an AND query);
- two characters: any indexed trigram starting with them (looked up in the term list, an OR query);
- one character: the index cannot help (None: the caller scans).

Trigram tokens fold ASCII case, like SQLite's LIKE, so "kt" finds "KT정보"."""

from __future__ import annotations

from dataclasses import dataclass

from core.db import sqlite_rows

MAX_TERMS = 400  # a two-character query expanding to more trigrams than this is left to a scan

TABLES = {
    "customer": ("customer_search", "customer_search_terms"),
    "reception": ("reception_search", "reception_search_terms"),
}


@dataclass(frozen=True)
class IndexQuery:
    """An FTS5 MATCH expression and how many rows it may match at most (None: not counted)."""

    match: str
    estimate: int | None = None

    @property
    def matches_nothing(self) -> bool:
        return self.match == ""


def like_pattern(text: str) -> str:
    """`%text%` for LIKE … ESCAPE '\\': the user's % and _ are plain characters."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _in_column(column: str | None, expression: str) -> str:
    return f"{{{column}}} : ({expression})" if column else f"({expression})"


async def index_query(table: str, text: str, column: str | None = None) -> IndexQuery | None:
    """The MATCH expression finding rows of `table` ("customer" or "reception") whose `column`
    may contain `text`; None when the index cannot help (a single character)."""
    _, terms_table = TABLES[table]
    folded = text.lower()
    if len(folded) >= 3:
        trigrams = list(dict.fromkeys(folded[i : i + 3] for i in range(len(folded) - 2)))
        return IndexQuery(_in_column(column, " AND ".join(_quoted(t) for t in trigrams)))
    if len(folded) < 2:
        return None
    upper = folded[0] + chr(ord(folded[1]) + 1)
    column_condition = "col = ? AND " if column else ""
    rows = await sqlite_rows(
        f"SELECT term, doc FROM {terms_table} WHERE {column_condition}term >= ? AND term < ? LIMIT {MAX_TERMS + 1}",
        [*([column] if column else []), folded, upper],
    )
    if len(rows) > MAX_TERMS:
        return None
    if not rows:
        return IndexQuery("", 0)
    return IndexQuery(
        _in_column(column, " OR ".join(_quoted(r[0]) for r in rows)), sum(int(r[1]) for r in rows)
    )


async def count_candidates(table: str, query: IndexQuery) -> int:
    """Rows the index offers for the query (a superset of the real matches)."""
    if query.matches_nothing:
        return 0
    fts, _ = TABLES[table]
    rows = await sqlite_rows(f"SELECT COUNT(*) FROM {fts} WHERE {fts} MATCH ?", [query.match])
    return int(rows[0][0])

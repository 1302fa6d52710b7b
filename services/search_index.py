"""Substring search through SQLite's FTS5 trigram indexes (migration 0004_substring_search_tables).

`customer_search` indexes company names and their 초성; `reception_search` a reception's contact
name, inquiry and phone digits. Both are contentless (only the index is stored). Every indexed
value ends with a space, so every substring of two characters or more starts some trigram:
- three characters or more: the trigrams of the text (a phrase when the index keeps positions);
- two characters: any indexed trigram starting with them, looked up in the term list (an OR);
- one character: the index cannot help (None: the caller scans).

Company names keep positions, so their matches are exact. Receptions keep only the column of
each trigram: their matches are candidates that callers confirm with LIKE.
Trigram tokens fold ASCII case, like SQLite's LIKE, so "kt" finds "KT정보"."""

from __future__ import annotations

from dataclasses import dataclass

from core.db import SqliteReader

MAX_TERMS = 400  # a two-character query expanding to more trigrams than this is left to a scan


@dataclass(frozen=True)
class _Index:
    fts: str
    terms: str  # its fts5vocab table ('col' type: term, col, doc, cnt)
    exact: bool  # positions kept: a phrase matches exactly the rows containing the text


INDEXES = {
    "customer": _Index("customer_search", "customer_search_terms", exact=True),
    "reception": _Index("reception_search", "reception_search_terms", exact=False),
}


@dataclass(frozen=True)
class IndexQuery:
    """An FTS5 MATCH expression; `exact` when its rows are exactly the matches (else candidates);
    `estimate`: at most this many rows match (None: not counted yet)."""

    match: str
    exact: bool
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


async def index_query(reader: SqliteReader, table: str, column: str, text: str) -> IndexQuery | None:
    """The MATCH expression finding rows of `table` ("customer" or "reception") whose `column`
    contains `text`; None when the index cannot help (a single character)."""
    index = INDEXES[table]
    folded = text.lower()
    if len(folded) >= 3:
        if index.exact:
            return IndexQuery(f"{{{column}}} : {_quoted(folded)}", exact=True)
        trigrams = dict.fromkeys(folded[i : i + 3] for i in range(len(folded) - 2))
        return IndexQuery(f"{{{column}}} : ({' AND '.join(_quoted(t) for t in trigrams)})", exact=False)
    if len(folded) < 2:
        return None
    upper = folded[0] + chr(ord(folded[1]) + 1)
    _, rows = await reader.rows(
        f"SELECT term, doc FROM {index.terms} WHERE col = ? AND term >= ? AND term < ? LIMIT {MAX_TERMS + 1}",
        [column, folded, upper],
        quick="try",
    )
    if len(rows) > MAX_TERMS:
        return None
    if not rows:
        return IndexQuery("", exact=True, estimate=0)
    # a row may hold several of the terms: their document counts add up to at least its matches
    return IndexQuery(
        f"{{{column}}} : ({' OR '.join(_quoted(r[0]) for r in rows)})",
        exact=True,
        estimate=sum(int(r[1]) for r in rows),
    )


async def count_matches(reader: SqliteReader, table: str, query: IndexQuery) -> int:
    """Rows the index gives for the query (exactly the matches, or candidates: see `exact`)."""
    if query.matches_nothing:
        return 0
    fts = INDEXES[table].fts
    return int(
        await reader.value(f"SELECT COUNT(*) FROM {fts} WHERE {fts} MATCH ?", [query.match], quick="try")
    )


@dataclass(frozen=True)
class CustomerNameCondition:
    """A condition on `<alias>.id` (or a LIKE when the index cannot help) and its parameters."""

    sql: str
    params: tuple
    indexed: bool
    match: str | None = None  # the MATCH expression (to count on the index alone)


async def customer_name_condition(
    reader: SqliteReader, text: str, *, chosung: bool, alias: str = "c"
) -> CustomerNameCondition:
    """Customers whose name — or with `chosung`, whose 초성 (give the 초성 text) — contains `text`."""
    column = "company_name_chosung" if chosung else "company_name"
    query = await index_query(reader, "customer", column, text)
    if query is None:
        return CustomerNameCondition(f"{alias}.{column} LIKE ? ESCAPE '\\'", (like_pattern(text),), False)
    if query.matches_nothing:
        return CustomerNameCondition("0", (), True, "")
    return CustomerNameCondition(
        f"{alias}.id IN (SELECT rowid FROM customer_search WHERE customer_search MATCH ?)",
        (query.match,),
        True,
        query.match,
    )

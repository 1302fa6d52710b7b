"""The operations of docs/performance.md: for each, the service call its page makes and a raw-SQL
baseline that fetches the same rows with the plain `sqlite3` module (same file, same run).

Inputs are picked from the data file with a fixed seed, so every run measures the same calls.
Each baseline is the plainest fast SQL for the rows the service returns: the same conditions,
joins for the names the service shows, the same page size and the same (capped) counts."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.heavy import excel_export_case, quote_pdf_case, startup_case
from bench.operations import SEED, Context, Operation
from core.korean import chosung, phone_digits
from services.customer_list import CUSTOMER_WITH_NAMES
from services.reception_log import RECEPTION_WITH_NAMES

PAGE = 100  # "first page of 100"
SUBSCRIBER_DIGITS = 7
Factory = Callable[[Context], Awaitable[Operation]]


class cycle(list):
    """Inputs taken in turn: sample i gets input i mod n."""

    def __call__(self, i: int) -> Any:
        return self[i % len(self)]


def _prefix_end(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


# ---------------------------------------------------------------------------------------------
# resolve caller


CALLER = "id, code, company_name, representative, phone, mobile, contact_name, partner_id"
CARD = "id, customer_id, company_name, name, mobile, direct_phone"


def _raw_resolve(raw: sqlite3.Connection, number: str) -> Any:
    """resolve_caller's rules in plain sqlite3 (the same lookups, the same rows and columns)."""
    digits = phone_digits(number)
    if len(digits) < 4:
        return None
    exact = raw.execute(
        "SELECT source, customer_id, card_id FROM phone_entry WHERE digits = ? ORDER BY id", (digits,)
    ).fetchall()
    linked = [c for s, c, _ in exact if s == "link"]
    owners = list(dict.fromkeys(c for _, c, _ in exact if c))
    customer_id = linked[0] if linked else owners[0] if len(owners) == 1 else None
    card_id = next((k for _, c, k in exact if k and c == customer_id), None)
    card = (
        raw.execute(f"SELECT {CARD} FROM business_card WHERE id = ?", (card_id,)).fetchone()
        if card_id
        else None
    )
    if customer_id:
        return raw.execute(f"SELECT {CALLER} FROM customer WHERE id = ?", (customer_id,)).fetchone(), card
    if owners:
        ids = owners[:10]
        return raw.execute(
            f"SELECT {CALLER} FROM customer WHERE id IN ({','.join('?' * len(ids))})", ids
        ).fetchall()
    if card:
        return card
    local = (
        not digits.startswith("0")
        and len(digits) <= 8
        and not (len(digits) == 8 and digits[:2] in {"15", "16", "18"})
    )
    for tail in dict.fromkeys((digits[-SUBSCRIBER_DIGITS:], digits[-4:])):
        low = tail[::-1]
        owners = [
            r[0]
            for r in raw.execute(
                "SELECT customer_id FROM phone_entry WHERE digits_reversed >= ? AND digits_reversed < ? "
                "AND customer_id IS NOT NULL LIMIT 30",
                (low, _prefix_end(low)),
            )
        ]
        owners = list(dict.fromkeys(owners))
        if local and len(owners) == 1 and len(tail) == SUBSCRIBER_DIGITS:
            return raw.execute(f"SELECT {CALLER} FROM customer WHERE id = ?", (owners[0],)).fetchone()
        if owners:
            ids = owners[:10]
            return raw.execute(
                f"SELECT {CALLER} FROM customer WHERE id IN ({','.join('?' * len(ids))})", ids
            ).fetchall()
    return None


def _caller_numbers(ctx: Context) -> list[str]:
    """Caller-IDs of every shape the CTI box and the Centrex send, and what staff type."""

    def numbers(sql: str, k: int) -> list[str]:
        return ctx.sample(sql, k)

    seoul = numbers("SELECT phone FROM customer WHERE phone LIKE '02-%'", 4)
    province = numbers("SELECT phone FROM customer WHERE phone LIKE '03%' OR phone LIKE '05%'", 4)
    internet = numbers("SELECT phone FROM customer WHERE phone LIKE '070-%'", 3)
    nationwide = numbers("SELECT phone FROM customer WHERE phone LIKE '15%' OR phone LIKE '16%'", 2)
    mobiles = numbers("SELECT mobile FROM customer WHERE mobile != ''", 3)
    card_mobiles = numbers("SELECT mobile FROM business_card WHERE mobile != ''", 3)
    shapes = [
        *seoul[:2],  # 02-808-8016 as typed
        *(phone_digits(n) for n in province[:2]),  # 0318088016 as the CTI box sends it
        *("+82 " + phone_digits(n)[1:] for n in seoul[2:3]),  # +82 2 808 8016 from a Centrex
        *internet,
        *nationwide,
        *(phone_digits(n) for n in mobiles),
        *card_mobiles,
        *(phone_digits(n)[-8:] for n in province[2:4]),  # 808-8016 without the area code
        *(phone_digits(n)[-4:] for n in seoul[3:4]),  # the last four digits only
        "02-3456-0000",  # a number nobody has: every fallback runs
    ]
    return [s for s in shapes if s]


async def resolve_caller_case(ctx: Context) -> Operation:
    from services.phone_directory import resolve_caller

    pick = cycle(_caller_numbers(ctx))
    return Operation(
        name="resolve_caller",
        description="resolve caller: phone number → customer (any format, incl. last-4-digit fallback)",
        inputs=len(pick),
        target_p95_ms=2,
        ratio_target=2,
        service=lambda i: resolve_caller(pick(i)),
        baseline=lambda i: _raw_resolve(ctx.raw, pick(i)),
    )


# ---------------------------------------------------------------------------------------------
# customer search

_CUSTOMER_SELECT = (
    """
SELECT c.id, c.code, c.registered_on, st.name, c.company_name, c.representative, c.business_number,
       c.business_type, c.business_item, c.phone, c.fax, c.mobile, c.email, c.homepage, c.postal_code,
       c.address, c.address_detail, c.contact_name, dp.name, sf.name, c.contract_date,
       c.planned_delivery_date, c.first_delivery_date, c.management_stop_date, ca.name, cb.name,
       cc.name, sc.name, c.partner_id"""
    + CUSTOMER_WITH_NAMES
    + "\n"
)


FEW_MATCHES = 2000


def _raw_customer_page(
    ctx: Context, where: str, params: list, few: str | None = None, many: str | None = None
) -> tuple[int, list]:
    """The customer list's default order (고객코드, newest first), one page and the total. Like
    the service, the page query starts from the matches when they are few and walks the code
    index when they are many (`few` / `many`: other forms of `where`, same parameters)."""
    total = ctx.value(f"SELECT COUNT(*) FROM customer c WHERE {where}", params)
    page_where = (few if total <= FEW_MATCHES else many) or where
    rows = ctx.rows(f"{_CUSTOMER_SELECT} WHERE {page_where} ORDER BY c.code DESC LIMIT {PAGE}", params)
    return total, rows


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _raw_match(ctx: Context, table: str, column: str, text: str) -> str | None:
    """The trigram MATCH expression for a fragment (see services/search_index.py), in plain sqlite3:
    a phrase on the customer index (it keeps positions), trigrams ANDed on the reception index."""
    found = _raw_index_query(ctx, table, column, text)
    return None if found is None else found[0]


def _raw_index_query(ctx: Context, table: str, column: str, text: str) -> tuple[str, int | None] | None:
    """(MATCH expression, at most this many rows or None), as services.search_index.index_query."""
    folded = text.lower()
    if len(folded) >= 3:
        if table == "customer":
            return f"{{{column}}} : {_quote(folded)}", None
        grams = dict.fromkeys(folded[i : i + 3] for i in range(len(folded) - 2))
        return f"{{{column}}} : ({' AND '.join(_quote(t) for t in grams)})", None
    if len(folded) < 2:
        return None
    terms = ctx.rows(
        f"SELECT term, doc FROM {table}_search_terms WHERE col = ? AND term >= ? AND term < ? LIMIT 401",
        [column, folded, _prefix_end(folded)],
    )
    if len(terms) > 400:
        return None
    if not terms:
        return "", 0
    return f"{{{column}}} : ({' OR '.join(_quote(t[0]) for t in terms)})", sum(t[1] for t in terms)


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _raw_name_search(ctx: Context, text: str, column: str = "company_name") -> tuple[int, list]:
    match = _raw_match(ctx, "customer", column, text)
    if match is None:
        return _raw_customer_page(ctx, f"c.{column} LIKE ? ESCAPE '\\'", [_like(text)])
    if match == "":
        return 0, []
    total = ctx.value("SELECT COUNT(*) FROM customer_search WHERE customer_search MATCH ?", [match])
    hits = "c.id IN (SELECT rowid FROM customer_search WHERE customer_search MATCH ?)"
    page_where = hits if total <= FEW_MATCHES else f"+{hits}"
    rows = ctx.rows(f"{_CUSTOMER_SELECT} WHERE {page_where} ORDER BY c.code DESC LIMIT {PAGE}", [match])
    return total, rows


def _name_fragments(ctx: Context) -> list[str]:
    """What people type: a common word of company names, a type of business, a rarer 3-4
    syllable piece of one name, a Latin name."""
    names = ctx.sample("SELECT company_name FROM customer", 12)
    pieces = []
    rng = random.Random(SEED)
    for name in names:
        stem = name.replace("(주)", "").replace("주식회사 ", "")
        length = rng.choice((3, 4))
        start = rng.randrange(max(1, len(stem) - length + 1))
        pieces.append(stem[start : start + length].strip())
    common = ["대한", "미래", "테크", "시스템", "정보통신", "한국", "세무회계", "KT"]
    return [p for p in [*common, *pieces] if p]


def _search(filters: Any) -> Callable[[], Awaitable[Any]]:
    from services.customer_list import search_customers
    from services.paging import PageRequest

    request = PageRequest(rows_per_page=PAGE, sort_by="code", descending=True)
    return lambda: search_customers(filters, request)


async def customer_name_case(ctx: Context) -> Operation:
    from services.customer_list import CustomerFilters

    fragments = _name_fragments(ctx)
    pick = cycle(fragments)

    def baseline(i: int) -> Any:
        return _raw_name_search(ctx, pick(i))

    return Operation(
        name="customer_search_name",
        description="customer search, company-name fragment, first page of 100 + total",
        inputs=len(pick),
        target_p95_ms=50,
        ratio_target=2,
        service=lambda i: _search(CustomerFilters(company_name=pick(i)))(),
        baseline=baseline,
    )


async def customer_chosung_case(ctx: Context) -> Operation:
    from services.customer_list import CustomerFilters

    words = ["대한", "미래", "재근상사", "한국정보", "세무회계", "시스템"]
    words += [n.replace("(주)", "")[:3] for n in ctx.sample("SELECT company_name FROM customer", 6)]
    queries = [chosung(w) for w in words if chosung(w)]
    pick = cycle(queries)
    return Operation(
        name="customer_search_chosung",
        description='customer search by 초성 (e.g. "ㅈㄱㅅㅅ")',
        inputs=len(pick),
        target_p95_ms=50,
        service=lambda i: _search(CustomerFilters(company_name=pick(i)))(),
        baseline=lambda i: _raw_name_search(ctx, pick(i), "company_name_chosung"),
    )


async def customer_business_number_case(ctx: Context) -> Operation:
    from services.customer_list import CustomerFilters

    numbers = ctx.sample("SELECT business_number FROM customer WHERE business_number != ''", 12)
    typed = []
    for index, number in enumerate(numbers):
        shape = index % 4
        typed.append(
            f"{number[:3]}-{number[3:5]}-{number[5:]}"
            if shape == 0
            else number
            if shape == 1
            else number[:5]
            if shape == 2
            else number[-4:]
        )
    pick = cycle(typed)

    def baseline(i: int) -> Any:
        digits = "".join(ch for ch in pick(i) if ch.isdigit())
        last = digits[::-1]
        return _raw_customer_page(
            ctx,
            "((c.business_number >= ? AND c.business_number < ?)"
            " OR (c.business_number_reversed >= ? AND c.business_number_reversed < ?))",
            [digits, _prefix_end(digits), last, _prefix_end(last)],
        )

    return Operation(
        name="customer_search_business_number",
        description="customer search by business number (whole, its first digits or its last)",
        inputs=len(pick),
        target_p95_ms=30,
        ratio_target=2,
        service=lambda i: _search(CustomerFilters(business_number=pick(i)))(),
        baseline=baseline,
    )


async def customer_phone_case(ctx: Context) -> Operation:
    from services.customer_list import CustomerFilters

    phones = ctx.sample("SELECT phone FROM customer WHERE phone != ''", 12)
    typed = []
    for index, phone in enumerate(phones):
        digits = phone_digits(phone)
        shape = index % 4
        typed.append(
            digits[-4:] if shape == 0 else phone if shape == 1 else digits[-7:] if shape == 2 else phone[:7]
        )
    pick = cycle(typed)

    def baseline(i: int) -> Any:
        digits = phone_digits(pick(i))
        owners = (
            "c.id IN (SELECT customer_id FROM phone_entry WHERE digits_reversed >= ? AND digits_reversed < ? "
            "UNION SELECT customer_id FROM phone_entry WHERE digits >= ? AND digits < ?)"
        )
        bounds = [digits[::-1], _prefix_end(digits[::-1]), digits, _prefix_end(digits)]
        return _raw_customer_page(ctx, owners, bounds, many=f"+{owners}")

    return Operation(
        name="customer_search_phone",
        description="customer search by phone fragment (last digits, whole number, area code + exchange)",
        inputs=len(pick),
        target_p95_ms=30,
        ratio_target=2,
        service=lambda i: _search(CustomerFilters(phone=pick(i)))(),
        baseline=baseline,
    )


# ---------------------------------------------------------------------------------------------
# reception log

_LOG_SELECT = (
    """
SELECT r.id, r.version, r.received_at, r.direction, r.source, t.short_name, t.name, r.customer_id,
       c.company_name, c.partner_id, r.phone, r.extension, r.contact_name, cl.name, cm.name, cs.name,
       SUBSTR(r.inquiry, 1, 200), r.state, rv.name, pr.name, r.processed_at
"""
    + RECEPTION_WITH_NAMES
    + "\n"
)
TEXT_MATCH_CAP = 10_000
LIKE = " LIKE ? ESCAPE '\\'"


def _raw_log(ctx: Context, filters: Any) -> tuple[int, list]:
    """The log's newest 100 with names and its count, in plain SQL, with the same access paths as
    the service: type/state/customer on their indexes; rare text collected from its index (the
    filters only checked) and counted exactly; common text walked newest first; else counted
    exactly."""
    from core.korean import is_chosung_query
    from services.reception_log import SearchField

    chosen = [
        (column, value)
        for column, value in (
            ("r.customer_id", filters.customer_id),
            ("r.reception_type_id", filters.reception_type_id),
            ("r.state", str(filters.state) if filters.state else None),
        )
        if value
    ]
    text_terms: list[str] = []
    text_params: list[Any] = []
    drive = False

    def sql(by_text: bool | None = None) -> tuple[str, list]:
        by_text = drive if by_text is None else by_text
        terms = [f"+{c} = ?" if by_text and c != "r.customer_id" else f"{c} = ?" for c, _ in chosen]
        return " AND ".join([*terms, *text_terms]) or "1 = 1", [v for _, v in chosen] + text_params

    def count(condition: str, params: list, cap: int | None = None) -> int:
        if cap is None:
            return ctx.value(f"SELECT COUNT(*) FROM reception r WHERE {condition}", params)
        return ctx.value(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM reception r WHERE {condition} LIMIT {cap + 1})", params
        )

    exact, scanning, walk_index = None, False, ""
    text = filters.search_text.strip()
    if text and filters.search_field == SearchField.CUSTOMER:
        column, needle = (
            ("company_name_chosung", chosung(text)) if is_chosung_query(text) else ("company_name", text)
        )
        match = _raw_match(ctx, "customer", column, needle)
        if match is None:
            name_sql, name_params = f"{column}{LIKE}", [_like(needle)]
        elif match == "":
            name_sql, name_params = "0", []
        else:
            name_sql = "id IN (SELECT rowid FROM customer_search WHERE customer_search MATCH ?)"
            name_params = [match]
        customers = f"r.customer_id IN (SELECT id FROM customer WHERE {name_sql})"
        receptions = count(customers, name_params, TEXT_MATCH_CAP)
        if receptions > TEXT_MATCH_CAP:
            text_terms.append(f"+{customers}")
            walk_index = " INDEXED BY reception_newest"
            scanning = True
        else:
            text_terms.append(customers)
            drive = True
        text_params.extend(name_params)
        if drive:
            exact = count(*sql()) if chosen else receptions
    elif text and filters.search_field == SearchField.PHONE and phone_digits(text).startswith("0"):
        digits = phone_digits(text)
        bounds = [digits, _prefix_end(digits)]
        numbers = count("r.phone_digits >= ? AND r.phone_digits < ?", bounds, TEXT_MATCH_CAP)
        if numbers > TEXT_MATCH_CAP:
            text_terms.append("+r.phone_digits >= ? AND +r.phone_digits < ?")
            scanning = True
        else:
            text_terms.append("r.phone_digits >= ? AND r.phone_digits < ?")
            drive = True
        text_params.extend(bounds)
        if drive:
            exact = count(*sql())
    elif text:
        if filters.search_field == SearchField.PHONE:
            column, needle = "phone_digits", phone_digits(text)
            text_terms.append("r.phone_digits LIKE ?")
            text_params.append(f"%{needle}%")
        else:
            column = "contact_name" if filters.search_field == SearchField.CONTACT else "inquiry"
            needle = text
            text_terms.append(f"r.{column}{LIKE}")
            text_params.append(_like(text))
        if not filters.customer_id:
            found = _raw_index_query(ctx, "reception", column, needle)
            if found is None:
                scanning = True
            elif found[0] == "":
                text_terms.append("0")
                exact = 0
            else:
                match, candidates = found
                if candidates is None or TEXT_MATCH_CAP < candidates <= 10 * TEXT_MATCH_CAP:
                    candidates = ctx.value(
                        "SELECT COUNT(*) FROM reception_search WHERE reception_search MATCH ?", [match]
                    )
                if candidates > TEXT_MATCH_CAP:
                    scanning = True
                else:
                    text_terms.append(
                        "r.id IN (SELECT rowid FROM reception_search WHERE reception_search MATCH ?)"
                    )
                    text_params.append(match)
                    drive = True
                    exact = count(*sql())
    condition, params = sql()
    rows = ctx.rows(
        f"{_LOG_SELECT} WHERE r.id IN (SELECT r.id FROM reception r{walk_index} WHERE {condition} "
        f"ORDER BY r.received_at DESC, r.id DESC LIMIT {PAGE + 1}) ORDER BY r.received_at DESC, r.id DESC",
        params,
    )
    if exact is not None:
        return exact, rows[:PAGE]
    if scanning or len(rows) <= PAGE:
        return len(rows), rows[:PAGE]
    return count(condition, params), rows[:PAGE]


@dataclass(frozen=True)
class LogVariant:
    name: str
    description: str
    filters: list[Any]  # LogFilters, cycled


async def _log_variants(ctx: Context) -> list[LogVariant]:
    from models.reception import ReceptionState
    from services.reception_log import LogFilters, SearchField

    types = [r[0] for r in ctx.rows("SELECT id FROM code_entry WHERE kind = 'reception_type' ORDER BY id")]
    busy = [
        r[0]
        for r in ctx.rows(
            "SELECT customer_id FROM reception WHERE customer_id IS NOT NULL "
            "GROUP BY customer_id ORDER BY COUNT(*) DESC LIMIT 3"
        )
    ]
    quiet = ctx.sample("SELECT id FROM customer", 3)
    names = _name_fragments(ctx)
    contacts = ctx.sample("SELECT contact_name FROM customer", 4)
    phones = ctx.sample("SELECT phone_digits FROM reception WHERE phone_digits != ''", 6)
    search = SearchField
    states = [ReceptionState.PENDING, ReceptionState.ON_HOLD, ReceptionState.DONE]
    F = LogFilters
    return [
        LogVariant("reception_log", "no filter", [F()]),
        LogVariant(
            "reception_log_type_state",
            "reception type and/or state",
            [F(reception_type_id=t) for t in types[:2]]
            + [F(state=s) for s in states]
            + [F(reception_type_id=t, state=s) for t in types for s in states[:2]],
        ),
        LogVariant(
            "reception_log_customer",
            "one customer's receptions (busy and quiet customers, with a state)",
            [F(customer_id=c) for c in busy + quiet] + [F(customer_id=busy[0], state=ReceptionState.DONE)],
        ),
        LogVariant(
            "reception_log_search_customer",
            "search: customer name fragment or 초성, alone and with a type",
            [F(search_field=search.CUSTOMER, search_text=n) for n in names[:8]]
            + [F(search_field=search.CUSTOMER, search_text=chosung(n)) for n in ("대한", "미래테크")]
            + [F(reception_type_id=types[0], search_field=search.CUSTOMER, search_text=names[0])],
        ),
        LogVariant(
            "reception_log_search_phone",
            "search: phone (last 4 digits, whole number, area code prefix)",
            [F(search_field=search.PHONE, search_text=p[-4:]) for p in phones[:3]]
            + [F(search_field=search.PHONE, search_text=p) for p in phones[3:]]
            + [F(search_field=search.PHONE, search_text=phones[0][:5], state=ReceptionState.PENDING)],
        ),
        LogVariant(
            "reception_log_search_contact",
            "search: contact name",
            [F(search_field=search.CONTACT, search_text=c) for c in contacts]
            + [F(search_field=search.CONTACT, search_text=contacts[0][:2])],
        ),
        LogVariant(
            "reception_log_search_inquiry",
            "search: inquiry text (common words, a rare error code), with and without a state",
            [
                F(search_field=search.INQUIRY, search_text=t)
                for t in ("세금계산서", "백업", "E4821", "원격 지원", "재고 수량")
            ]
            + [F(search_field=search.INQUIRY, search_text="오류", state=ReceptionState.PENDING)],
        ),
    ]


def _log_case(ctx: Context, variant: LogVariant) -> Operation:
    from services.reception_log import reception_log

    pick = cycle(variant.filters)

    def baseline(i: int) -> Any:
        return _raw_log(ctx, pick(i))

    return Operation(
        name=variant.name,
        description=f"reception log: newest 100 with customer and code names — {variant.description}",
        inputs=len(pick),
        target_p95_ms=50,
        ratio_target=2,
        service=lambda i: reception_log(pick(i), limit=PAGE),
        baseline=baseline,
    )


# ---------------------------------------------------------------------------------------------
# reception statistics for one year


def _year(ctx: Context) -> tuple[dt.date, dt.date]:
    return ctx.today - dt.timedelta(days=364), ctx.today


def _period_params(ctx: Context) -> tuple[str, str]:
    start, end = _year(ctx)
    return f"{start} 00:00:00", f"{end + dt.timedelta(days=1)} 00:00:00"


async def stats_staff_case(ctx: Context) -> Operation:
    from services.reception_stats import StatsFilters, staff_summary

    start, end = _year(ctx)
    filters = StatsFilters(date_from=start, date_to=end)
    low, high = _period_params(ctx)

    def baseline(_: int) -> Any:
        groups = ctx.rows(
            "SELECT receiver_id, COUNT(id), COUNT(CASE WHEN state = '완료' THEN 1 END), MAX(received_at) "
            "FROM reception WHERE received_at >= ? AND received_at < ? GROUP BY receiver_id",
            (low, high),
        )
        ids = [g[0] for g in groups if g[0]]
        names = ctx.rows(f"SELECT id, name FROM staff WHERE id IN ({','.join('?' * len(ids))})", ids)
        return groups, names

    return Operation(
        name="stats_per_staff",
        description="reception statistics, one year: per receiving staff (received, processed, last)",
        target_p95_ms=1000,
        ratio_target=1.5,
        service=lambda _: staff_summary(filters),
        baseline=baseline,
    )


_CUSTOMER_DETAILS = "SELECT id, code, company_name, representative, contact_name, phone, mobile FROM customer"


async def stats_customer_case(ctx: Context) -> Operation:
    from services.reception_stats import StatsFilters, customer_summary

    start, end = _year(ctx)
    filters = StatsFilters(date_from=start, date_to=end)
    low, high = _period_params(ctx)

    def baseline(_: int) -> Any:
        totals = ctx.rows(
            "SELECT COUNT(DISTINCT customer_id), COUNT(id), MAX(received_at) FROM reception "
            "WHERE received_at >= ? AND received_at < ? AND customer_id IS NOT NULL",
            (low, high),
        )
        groups = ctx.rows(
            "SELECT customer_id, COUNT(id) AS n, MAX(received_at) AS last FROM reception "
            "WHERE received_at >= ? AND received_at < ? AND customer_id IS NOT NULL "
            f"GROUP BY customer_id ORDER BY n DESC, last DESC, customer_id LIMIT {PAGE}",
            (low, high),
        )
        ids = [g[0] for g in groups]
        details = ctx.rows(f"{_CUSTOMER_DETAILS} WHERE id IN ({','.join('?' * len(ids))})", ids)
        return totals, groups, details

    return Operation(
        name="stats_per_customer",
        description="reception statistics, one year: per customer (count, last) with the total row, first page",
        target_p95_ms=1000,
        ratio_target=1.5,
        service=lambda _: customer_summary(filters, limit=PAGE),
        baseline=baseline,
    )


async def stats_silent_case(ctx: Context) -> Operation:
    from services.reception_stats import StatsFilters, customers_without_reception

    start, end = _year(ctx)
    filters = StatsFilters(date_from=start, date_to=end)
    low, high = _period_params(ctx)
    silent = (
        "registered_on <= ? AND id NOT IN (SELECT customer_id FROM reception "
        "WHERE received_at >= ? AND received_at < ? AND customer_id IS NOT NULL)"
    )
    params = (end.isoformat(), low, high)

    def baseline(_: int) -> Any:
        rows = ctx.rows(f"{_CUSTOMER_DETAILS} WHERE {silent} ORDER BY code, id LIMIT {PAGE}", params)
        ids = [r[0] for r in rows]
        last = ctx.rows(
            "SELECT customer_id, MAX(received_at) FROM reception "
            f"WHERE customer_id IN ({','.join('?' * len(ids))}) GROUP BY customer_id",
            ids,
        )
        total = ctx.value(f"SELECT COUNT(*) FROM customer WHERE {silent}", params)
        return rows, last, total

    return Operation(
        name="stats_no_reception",
        description="reception statistics, one year: customers without a reception, first page + total",
        target_p95_ms=1000,
        ratio_target=1.5,
        service=lambda _: customers_without_reception(filters, limit=PAGE),
        baseline=baseline,
    )


# ---------------------------------------------------------------------------------------------
# maintenance due list and quote status


async def due_list_case(ctx: Context) -> Operation:
    from services.maintenance_due import DueQuery, DueTab, due_list

    today = ctx.today
    query = DueQuery(period_from=dt.date(today.year, 1, 1), period_to=dt.date(today.year, 12, 31))
    start, end, now = query.period_from.isoformat(), query.period_to.isoformat(), today.isoformat()
    tabs = [DueTab.FREE_AND_RENEWAL, DueTab.FREE, DueTab.RENEWAL, DueTab.ENDED_TODAY, DueTab.NO_END_DATE]
    pick = cycle(tabs)
    conditions = {
        DueTab.FREE_AND_RENEWAL: "(p.free_end_on IS NULL OR p.free_end_on <= :end) AND "
        "(p.paid_end_on IS NULL OR p.paid_end_on <= :end) AND (p.free_end_on >= :start OR p.paid_end_on >= :start)",
        DueTab.FREE: "p.free_end_on >= :start AND p.free_end_on <= :end",
        DueTab.RENEWAL: "p.paid_end_on >= :start AND p.paid_end_on <= :end",
        DueTab.ENDED_TODAY: "(p.free_end_on IS NULL OR p.free_end_on < :today) AND "
        "(p.paid_end_on IS NULL OR p.paid_end_on < :today) AND "
        "(p.free_end_on IS NOT NULL OR p.paid_end_on IS NOT NULL)",
        DueTab.NO_END_DATE: "p.free_end_on IS NULL AND p.paid_end_on IS NULL",
    }
    named = {"start": start, "end": end, "today": now}
    counts_sql = (
        "SELECT "
        + ", ".join(f"COUNT(CASE WHEN {c} THEN 1 END)" for c in conditions.values())
        + ", COUNT(*) FROM customer_product p"
    )

    def baseline(i: int) -> Any:
        counts = ctx.raw.execute(counts_sql, named).fetchone()
        page = ctx.raw.execute(
            "SELECT p.id, p.customer_id, p.product_group_id, p.free_end_on, p.paid_end_on, c.code, "
            "c.company_name, c.partner_id, st.name, ca.name, cb.name, cc.name, c.registered_on, "
            "c.business_number, pg.name FROM customer_product p JOIN customer c ON c.id = p.customer_id "
            "LEFT JOIN code_entry st ON st.id = c.status_id LEFT JOIN code_entry ca ON ca.id = c.class_a_id "
            "LEFT JOIN code_entry cb ON cb.id = c.class_b_id LEFT JOIN code_entry cc ON cc.id = c.class_c_id "
            "LEFT JOIN code_entry pg ON pg.id = p.product_group_id "
            f"WHERE {conditions[pick(i)]} ORDER BY c.company_name, p.id LIMIT 50",
            named,
        ).fetchall()
        ids = [r[0] for r in page]
        marks = ",".join("?" * len(ids))
        amounts = ctx.rows(
            f"SELECT product_id, SUM(amount) FROM product_module WHERE product_id IN ({marks}) GROUP BY product_id",
            ids,
        )
        pending = ctx.rows(
            f"SELECT product_id, end_on FROM maintenance_contract WHERE product_id IN ({marks}) "
            "AND state IN ('발송전', '보류')",
            ids,
        )
        return counts, page, amounts, pending

    return Operation(
        name="maintenance_due_list",
        description="maintenance due list: all six sub-tabs' counts + first page (50) of a sub-tab",
        inputs=len(pick),
        target_p95_ms=200,
        ratio_target=2,
        service=lambda i: due_list(query, tab=pick(i), limit=50, today=today),
        baseline=baseline,
    )


async def quote_status_case(ctx: Context) -> Operation:
    from services.quote_list import QuoteFilters, QuoteTab, quote_status

    today = ctx.today
    ranges = [
        (today.replace(day=1), today),  # this month
        (dt.date(today.year, 1, 1), today),  # this year
        (today - dt.timedelta(days=4 * 365), today),  # everything
    ]
    tabs = list(QuoteTab)
    cases = [(r, t) for r in ranges for t in tabs]
    pick = cycle(cases)
    tab_sql = {
        QuoteTab.ALL: "1 = 1",
        QuoteTab.IN_PROGRESS: "q.state = '견적진행' AND (q.valid_until IS NULL OR q.valid_until >= :today)",
        QuoteTab.EXPIRED: "q.state = '견적진행' AND q.valid_until < :today",
        QuoteTab.ACCEPTED: "q.state = '신청완료'",
        QuoteTab.CANCELLED: "q.state = '견적취소'",
    }

    def baseline(i: int) -> Any:
        (start, end), tab = pick(i)
        named = {"start": start.isoformat(), "end": end.isoformat(), "today": today.isoformat()}
        where = "q.quote_date >= :start AND q.quote_date <= :end"
        selected = tab_sql[tab]
        summary = ctx.raw.execute(
            "SELECT "
            + ", ".join(f"COUNT(CASE WHEN {c} THEN 1 END)" for c in tab_sql.values())
            + f", SUM(CASE WHEN {selected} THEN q.supply_total END), SUM(CASE WHEN {selected} THEN q.vat_total END), "
            f"SUM(CASE WHEN {selected} THEN q.total_amount END) FROM quote q WHERE {where}",
            named,
        ).fetchone()
        rows = ctx.raw.execute(
            "SELECT q.id, q.number, q.quote_date, q.valid_until, q.state, q.title, q.customer_id, c.company_name, "
            "q.partner_id, tp.name, q.delivery_site, cc.name, cs.name, sf.name, q.contact_name, q.phone, q.fax, "
            "q.supply_total, q.vat_total, q.total_amount, q.version, "
            "(SELECT o.number FROM sales_order o WHERE o.quote_id = q.id ORDER BY o.id DESC LIMIT 1), "
            "(SELECT s.number FROM shipment s WHERE s.quote_id = q.id ORDER BY s.id DESC LIMIT 1) FROM quote q "
            "LEFT JOIN customer c ON c.id = q.customer_id LEFT JOIN trading_partner tp ON tp.id = q.partner_id "
            "LEFT JOIN code_entry cc ON cc.id = q.customer_class_id LEFT JOIN code_entry cs ON cs.id = c.status_id "
            f"LEFT JOIN staff sf ON sf.id = q.staff_id WHERE {where} AND {selected} "
            "ORDER BY q.quote_date DESC, q.customer_class_id DESC, q.id DESC LIMIT 50",
            named,
        ).fetchall()
        return summary, rows

    def service(i: int) -> Awaitable[Any]:
        (start, end), tab = pick(i)
        return quote_status(QuoteFilters(date_from=start, date_to=end), tab=tab, limit=50, today=today)

    return Operation(
        name="quote_status",
        description="quote status: all tab counts and sums + first page (50), month / year / all quotes",
        target_p95_ms=100,
        ratio_target=2,
        service=service,
        baseline=baseline,
    )


# ---------------------------------------------------------------------------------------------
# customer window

_TAB_COUNTS = """
SELECT (SELECT COUNT(*) FROM customer_history WHERE customer_id = :id),
       (SELECT COUNT(*) FROM business_card WHERE customer_id = :id),
       (SELECT COUNT(*) FROM customer_product WHERE customer_id = :id),
       (SELECT COUNT(*) FROM maintenance_contract WHERE customer_id = :id),
       (SELECT COUNT(*) FROM visit_report WHERE customer_id = :id),
       (SELECT COUNT(*) FROM quote WHERE customer_id = :id)
"""


async def customer_window_case(ctx: Context) -> Operation:
    from services.customers import customer_window

    busy = [
        r[0]
        for r in ctx.rows(
            "SELECT customer_id FROM business_card WHERE customer_id IS NOT NULL "
            "GROUP BY customer_id ORDER BY COUNT(*) DESC LIMIT 3"
        )
    ]
    ids = busy + ctx.sample("SELECT id FROM customer", 9)
    pick = cycle(ids)

    def baseline(i: int) -> Any:
        customer = ctx.rows("SELECT * FROM customer WHERE id = ?", (pick(i),))
        return customer, ctx.raw.execute(_TAB_COUNTS, {"id": pick(i)}).fetchone()

    return Operation(
        name="customer_window",
        description="open customer window: the customer + all tab counts",
        inputs=len(pick),
        target_p95_ms=50,
        service=lambda i: customer_window(pick(i)),
        baseline=baseline,
    )


async def today_board_case(ctx: Context) -> Operation:
    from core.audit import Actor
    from services.today import today_board

    # the staff members with the most open receptions, on the data's last day at closing time
    staff = ctx.rows(
        "SELECT s.id, s.name FROM staff s JOIN reception r ON r.receiver_id = s.id"
        " WHERE r.state IN ('미처리', '보류') GROUP BY s.id ORDER BY COUNT(*) DESC LIMIT 3"
    ) or ctx.rows("SELECT id, name FROM staff LIMIT 1")
    pick = cycle([Actor(id=i, name=name) for i, name in staff])
    now = dt.datetime.combine(ctx.today, dt.time(17, 0))
    return Operation(
        name="today_board",
        description="오늘 screen: every block's count and first rows for one staff member",
        inputs=len(pick),
        target_p95_ms=300,
        service=lambda i: today_board(pick(i), now=now),
    )


async def customer_timeline_case(ctx: Context) -> Operation:
    from services.timeline import customer_timeline

    busiest = ctx.rows(
        "SELECT customer_id, COUNT(*) FROM reception WHERE customer_id IS NOT NULL"
        " GROUP BY customer_id ORDER BY COUNT(*) DESC LIMIT 2"
    )
    ids = [customer_id for customer_id, _ in busiest] + ctx.sample("SELECT id FROM customer", 2)
    pick = cycle(ids)
    return Operation(
        name="customer_timeline",
        description=f"전체 이력 tab, first page: the busiest customer ({busiest[0][1]:,} receptions) and others",
        inputs=len(pick),
        target_p95_ms=300,
        service=lambda i: customer_timeline(pick(i), limit=50),
    )


# ---------------------------------------------------------------------------------------------
# 통화내역: the last 30 days of calls, the open missed calls, a customer's 통화·문자 tab

_CALL_COLUMNS = (
    "SELECT e.id, e.occurred_at, e.direction, e.outcome, e.number, e.digits, e.extension, "
    "e.duration_seconds, e.answered_at, e.source, e.customer_id, c.company_name, s.name, e.handled_at, "
    "h.name, e.handled_memo FROM call_event e LEFT JOIN customer c ON c.id = e.customer_id "
    "LEFT JOIN staff s ON s.id = e.staff_id LEFT JOIN staff h ON h.id = e.handled_by_id "
)


def _raw_receptions_of(ctx: Context, rows: list[tuple]) -> list[tuple]:
    ids = [row[0] for row in rows]
    if not ids:
        return []
    return sorted(
        ctx.rows(
            f"SELECT call_event_id, id FROM reception WHERE call_event_id IN ({','.join('?' * len(ids))})",
            ids,
        )
    )


def _month(ctx: Context) -> tuple[dt.date, dt.date]:
    return ctx.today - dt.timedelta(days=30), ctx.today


async def call_log_case(ctx: Context) -> Operation:
    from services.call_log import CallFilters, call_log

    start, end = _month(ctx)
    staff_ids = ctx.sample("SELECT id FROM staff", 5)
    variants = cycle([(None, None), ("부재중", None), *[(None, staff_id) for staff_id in staff_ids]])
    low, high = f"{start} 00:00:00", f"{end + dt.timedelta(days=1)} 00:00:00"

    def filters(i: int) -> CallFilters:
        outcome, staff_id = variants(i)
        return CallFilters(date_from=start, date_to=end, outcome=outcome, staff_id=staff_id)

    def baseline(i: int) -> Any:
        outcome, staff_id = variants(i)
        where, params = "e.occurred_at >= ? AND e.occurred_at < ?", [low, high]
        if outcome:
            where, params = where + " AND e.outcome = ?", [*params, outcome]
        if staff_id:
            where, params = where + " AND e.staff_id = ?", [*params, staff_id]
        total = ctx.value(f"SELECT COUNT(*) FROM call_event e WHERE {where}", params)
        rows = ctx.rows(
            f"{_CALL_COLUMNS} WHERE {where} ORDER BY e.occurred_at DESC, e.id DESC LIMIT {PAGE}", params
        )
        return total, rows, _raw_receptions_of(ctx, rows)

    return Operation(
        name="call_log",
        description="통화내역: the last 30 days (all, 부재중, one staff member), newest 100 with names and the total",
        inputs=len(variants),
        target_p95_ms=50,
        ratio_target=2,
        service=lambda i: call_log(filters(i), limit=PAGE),
        baseline=baseline,
    )


async def missed_calls_case(ctx: Context) -> Operation:
    from services.call_log import missed_calls

    where = "e.outcome = '부재중' AND e.handled_at IS NULL AND e.direction = '수신'"

    def baseline(_: int) -> Any:
        total = ctx.value(f"SELECT COUNT(*) FROM call_event e WHERE {where}")
        rows = ctx.rows(f"{_CALL_COLUMNS} WHERE {where} ORDER BY e.occurred_at DESC, e.id DESC LIMIT {PAGE}")
        return total, rows, _raw_receptions_of(ctx, rows)

    return Operation(
        name="missed_calls",
        description="부재중 전화: the open missed calls, newest 100 and their count (the menu's badge)",
        target_p95_ms=50,
        ratio_target=2,
        service=lambda _: missed_calls(limit=PAGE),
        baseline=baseline,
    )


async def customer_calls_case(ctx: Context) -> Operation:
    from services.call_log import customer_calls

    busy = [
        r[0]
        for r in ctx.rows(
            "SELECT customer_id FROM call_event WHERE customer_id IS NOT NULL "
            "GROUP BY customer_id ORDER BY COUNT(*) DESC LIMIT 3"
        )
    ]
    pick = cycle(busy + ctx.sample("SELECT id FROM customer", 9))
    tab_page = 20

    def baseline(i: int) -> Any:
        customer_id = pick(i)
        numbers = sorted(
            {r[0] for r in ctx.rows("SELECT digits FROM phone_entry WHERE customer_id = ?", (customer_id,))}
        )
        cards = [r[0] for r in ctx.rows("SELECT id FROM business_card WHERE customer_id = ?", (customer_id,))]
        marks = ",".join("?" * len(numbers))
        call_where = f"(e.customer_id = ? OR e.digits IN ({marks}))" if numbers else "e.customer_id = ?"
        call_params = [customer_id, *numbers]
        sms_where = "(customer_id = ?" + (f" OR card_id IN ({','.join('?' * len(cards))})" if cards else "")
        sms_where += f" OR destination IN ({marks}))" if numbers else ")"
        sms_params = [customer_id, *cards, *numbers]
        rows = ctx.rows(
            f"{_CALL_COLUMNS} WHERE {call_where} ORDER BY e.occurred_at DESC, e.id DESC LIMIT {tab_page}",
            call_params,
        )
        messages = ctx.rows(
            "SELECT s.id, s.created_at, s.destination, s.text, s.status, st.name, s.kind FROM sms_message s "
            f"LEFT JOIN staff st ON st.id = s.staff_id WHERE {sms_where} ORDER BY s.created_at DESC, s.id DESC "
            f"LIMIT {tab_page}",
            sms_params,
        )
        total = ctx.value(f"SELECT COUNT(*) FROM call_event e WHERE {call_where}", call_params)
        total += ctx.value(f"SELECT COUNT(*) FROM sms_message WHERE {sms_where}", sms_params)
        return rows, messages, _raw_receptions_of(ctx, rows), total

    return Operation(
        name="customer_calls",
        description="customer window 통화·문자: calls and messages of all its numbers, newest 20 and the total",
        inputs=len(pick),
        target_p95_ms=50,
        ratio_target=2,
        service=lambda i: customer_calls(pick(i), limit=tab_page),
        baseline=baseline,
    )


# ---------------------------------------------------------------------------------------------

CASES: dict[str, Factory] = {
    "resolve_caller": resolve_caller_case,
    "customer_search_name": customer_name_case,
    "customer_search_chosung": customer_chosung_case,
    "customer_search_business_number": customer_business_number_case,
    "customer_search_phone": customer_phone_case,
    "stats_per_staff": stats_staff_case,
    "stats_per_customer": stats_customer_case,
    "stats_no_reception": stats_silent_case,
    "maintenance_due_list": due_list_case,
    "quote_status": quote_status_case,
    "customer_window": customer_window_case,
    "today_board": today_board_case,
    "customer_timeline": customer_timeline_case,
    "call_log": call_log_case,
    "missed_calls": missed_calls_case,
    "customer_calls": customer_calls_case,
}
LOG_CASES = [
    "reception_log",
    "reception_log_type_state",
    "reception_log_customer",
    "reception_log_search_customer",
    "reception_log_search_phone",
    "reception_log_search_contact",
    "reception_log_search_inquiry",
]
ORDER = [
    "resolve_caller",
    "customer_search_name",
    "customer_search_chosung",
    "customer_search_business_number",
    "customer_search_phone",
    *LOG_CASES,
    "stats_per_staff",
    "stats_per_customer",
    "stats_no_reception",
    "maintenance_due_list",
    "quote_status",
    "customer_window",
    "today_board",
    "customer_timeline",
    "call_log",
    "missed_calls",
    "customer_calls",
    "excel_export_customers",
    "quote_pdf",
    "startup",
]


async def build_operations(db: Path, *, only: list[str] | None = None) -> list[Operation]:
    raw = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    newest = raw.execute("SELECT MAX(received_at) FROM reception").fetchone()[0]
    today = dt.date.fromisoformat(str(newest)[:10]) if newest else dt.date.today()
    ctx = Context(db=db, raw=raw, today=today)
    factories: dict[str, Factory] = {
        **CASES,
        "excel_export_customers": excel_export_case,
        "quote_pdf": quote_pdf_case,
        "startup": startup_case,
    }
    wanted = [name for name in ORDER if not only or name in only]
    operations = []
    variants = {v.name: v for v in await _log_variants(ctx)} if set(wanted) & set(LOG_CASES) else {}
    for name in wanted:
        if name in LOG_CASES:
            operations.append(_log_case(ctx, variants[name]))
        else:
            operations.append(await factories[name](ctx))
    return operations


__all__ = ["ORDER", "Context", "build_operations"]

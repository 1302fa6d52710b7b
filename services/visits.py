"""방문일지 and 방문일정: visit reports written from HTML templates, their lists, calendar, exports
and printing.

Every body is sanitised here before it is stored, shown or printed (html_forms.sanitize), so
what a browser renders and what the PDF contains is always the allow-listed HTML."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from core.audit import Actor, acting_as
from core.db import serialize_numbering
from core.errors import NotFound, ValidationError
from core.inputs import refuse, wrong_ids, wrong_texts
from core.korean import chosung, format_business_number, format_date, format_phone, is_chosung_query, josa
from html_forms.pdf import render_pdf_async
from html_forms.sanitize import sanitize_html
from html_forms.templates import CUSTOMER_FIELDS, fill, replace_fields
from models.attachment import AttachmentSlot
from models.card import BusinessCard, Employment
from models.customer import Customer
from models.staff import Staff
from models.visit import HtmlTemplate, VisitReport, VisitState
from services.attachments import delete_attachments_of
from services.list_spec import EXCEL, ListColumn, ListSpec
from services.submissions import already_made, create_once

PURPOSE_MAX = 200
BODY_MAX_BYTES = 2 * 1024 * 1024
NUMBER_ATTEMPTS = 8
CALENDAR_LIMIT = 1000
_TIME = re.compile(r"^(\d{1,2}):?(\d{2})$")
# the placeholders that come from the customer (refilled together when the customer changes)
CUSTOMER_PLACEHOLDERS = CUSTOMER_FIELDS

# list sort keys the pages may ask for → ORM ordering
SORTS = {
    "written_on": "written_on",
    "document_number": "document_number",
    "visit_date": "visit_date",
    "visit_time": "visit_time",
    "state": "state",
    "company": "customer__company_name",
    "visitor": "visitor__name",
    "template": "template__name",
    "purpose": "purpose",
}


# ---------------------------------------------------------------- input checks


def parse_date(value: dt.date | str | None, *, field_name: str, label: str, required: bool) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if value is not None and not isinstance(value, str):
        raise ValidationError({field_name: f"{label}{josa(label, '은')} 2019-03-29 형식으로 입력하세요."})
    text = (value or "").strip()
    if not text:
        if required:
            raise ValidationError({field_name: f"{label}{josa(label, '을')} 입력하세요."})
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            {field_name: f"{label}{josa(label, '은')} 2019-03-29 형식으로 입력하세요."}
        ) from None


def normalize_time(value: str | None) -> str:
    """'9:05', '0905', '09:05' → '09:05'; '' stays ''. A ValidationError for anything else."""
    text = (value or "").strip()
    if not text:
        return ""
    match = _TIME.match(text)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour < 24 and minute < 60:
            return f"{hour:02d}:{minute:02d}"
    raise ValidationError({"visit_time": "방문시간은 14:30처럼 시:분으로 입력하세요."})


def _state(value: VisitState | str) -> VisitState:
    try:
        return VisitState(value)
    except ValueError:
        raise ValidationError({"state": "진행상태를 선택하세요."}) from None


# ---------------------------------------------------------------- placeholder values


@dataclass(frozen=True)
class VisitHeader:
    """The visit fields a template's placeholders are filled from (as the editor has them)."""

    customer_id: int | None = None
    written_on: dt.date | str | None = None
    document_number: str = ""
    visit_date: dt.date | str | None = None
    visit_time: str = ""
    visitor_id: int | None = None
    purpose: str = ""
    state: VisitState | str = VisitState.PLANNED


async def contact_mobile(customer: Customer) -> str:
    """담당자HP: the mobile on the business card of the customer's contact person (employed cards
    first), else the customer's own mobile."""
    if customer.contact_name:
        card = (
            await BusinessCard.filter(customer_id=customer.id, name=customer.contact_name)
            .exclude(mobile="")
            .order_by("employment", "-registered_on")
            .first()
        )
        if card and (card.employment == Employment.EMPLOYED or not customer.mobile):
            return format_phone(card.mobile)
    return format_phone(customer.mobile)


async def customer_values(customer_id: int | None) -> dict[str, str]:
    """The customer placeholders (company, 대표자, 담당자, phones, address…); blank without a customer."""
    values = dict.fromkeys(CUSTOMER_FIELDS, "")
    customer = await Customer.get_or_none(id=customer_id) if customer_id else None
    if customer is None:
        return values
    address = " ".join(part for part in (customer.address, customer.address_detail) if part)
    values.update(
        company=customer.company_name,
        representative=customer.representative,
        business_number=format_business_number(customer.business_number),
        customer_code=customer.code,
        contact=customer.contact_name,
        phone=format_phone(customer.phone),
        mobile=await contact_mobile(customer),
        fax=format_phone(customer.fax),
        email=customer.email,
        address=address,
        postal_code=customer.postal_code,
    )
    return values


def _as_text_date(value: dt.date | str | None) -> str:
    return format_date(value) if isinstance(value, dt.date) else (value or "").strip()


async def placeholder_values(header: VisitHeader) -> dict[str, str]:
    values = await customer_values(header.customer_id)
    visitor = await Staff.get_or_none(id=header.visitor_id) if header.visitor_id else None
    values.update(
        written_on=_as_text_date(header.written_on),
        document_number=header.document_number,
        visit_date=_as_text_date(header.visit_date),
        visit_time=(header.visit_time or "").strip(),
        visitor=visitor.name if visitor else "",
        purpose=(header.purpose or "").strip(),
        state=str(VisitState(header.state).value) if header.state else "",
    )
    return values


async def filled_template(template_id: int, header: VisitHeader) -> str:
    """The template with the visit's customer and visit fields filled in, sanitised."""
    template = await HtmlTemplate.fetch(template_id, "문서양식")
    return sanitize_html(fill(sanitize_html(template.html), await placeholder_values(header)))


async def refilled_body(
    body_html: str, header: VisitHeader, names: list[str] | None = None
) -> tuple[str, int]:
    """Update the filled-in spots of `names` (default: all) in a body, e.g. after the purpose
    changed. Returns the sanitised body and how many spots were updated."""
    values = await placeholder_values(header)
    chosen = values if names is None else {name: values[name] for name in names}
    body, updated = replace_fields(sanitize_html(body_html), chosen)
    return sanitize_html(body), updated


# ---------------------------------------------------------------- writing


async def next_document_number(written_on: dt.date) -> str:
    """YYMMDD-NNN: the written date and that day's next sequence number."""
    prefix = f"{written_on:%y%m%d}-"
    numbers = await VisitReport.filter(document_number__startswith=prefix).values_list(
        "document_number", flat=True
    )
    highest = max((int(n[len(prefix) :]) for n in numbers if n[len(prefix) :].isdigit()), default=0)
    return f"{prefix}{highest + 1:03d}"


async def save_visit(
    *,
    by: Actor,
    customer_id: int | None,
    written_on: dt.date | str | None,
    visit_date: dt.date | str | None,
    visit_time: str = "",
    visitor_id: int | None = None,
    purpose: str = "",
    state: VisitState | str = VisitState.PLANNED,
    template_id: int | None = None,
    body_html: str = "",
    visit_id: int | None = None,
    version: int | None = None,
    form_token: str | None = None,
) -> VisitReport:
    """Create (visit_id None, once per `form_token`) or update a visit report. Editing passes the version the user opened;
    a stale version raises StaleRecordError. The body is stored sanitised."""
    if visit_id is None and (made := await already_made(VisitReport, "visit", form_token)):
        return made
    refuse(
        wrong_ids(customer=customer_id, visitor=visitor_id, template=template_id, visit=visit_id),
        wrong_texts(visit_time=visit_time, purpose=purpose, body=body_html),
    )
    errors: dict[str, str] = {}

    def check(call):
        try:
            return call()
        except ValidationError as error:
            errors.update(error.fields)
            return None

    written = check(lambda: parse_date(written_on, field_name="written_on", label="작성일자", required=True))
    visited = check(lambda: parse_date(visit_date, field_name="visit_date", label="방문일자", required=True))
    time_text = check(lambda: normalize_time(visit_time))
    progress = check(lambda: _state(state))
    purpose = (purpose or "").strip()
    if len(purpose) > PURPOSE_MAX:
        errors["purpose"] = f"방문목적은 {PURPOSE_MAX:,}자까지 쓸 수 있습니다."
    if not customer_id:
        errors["customer"] = "고객을 선택하세요."
    elif not await Customer.exists(id=customer_id):
        errors["customer"] = "선택한 고객을 찾을 수 없습니다."
    if visitor_id and not await Staff.exists(id=visitor_id):
        errors["visitor"] = "선택한 방문자를 찾을 수 없습니다."
    if template_id and not await HtmlTemplate.exists(id=template_id):
        errors["template"] = "선택한 문서양식을 찾을 수 없습니다."
    body = sanitize_html(body_html)
    if len(body.encode()) > BODY_MAX_BYTES:
        errors["body"] = "본문이 너무 큽니다 (2MB까지). 큰 그림은 파일첨부로 올리세요."
    if errors:
        raise ValidationError(errors)

    fields: dict[str, Any] = {
        "customer_id": customer_id,
        "written_on": written,
        "visit_date": visited,
        "visit_time": time_text,
        "visitor_id": visitor_id or None,
        "purpose": purpose,
        "state": progress,
        "template_id": template_id or None,
        "body_html": body,
    }
    with acting_as(by):
        if visit_id is not None:
            visit = await get_visit(visit_id)
            visit.edit(fields, version)
            await visit.save()
            return visit
        return await create_once(VisitReport, "visit", form_token, lambda: _create_numbered(fields))


async def _create_numbered(fields: dict[str, Any]) -> VisitReport:
    """Insert with the next free document number; another writer taking the same number at the
    same moment (another process, PostgreSQL) makes us retry with the following one."""
    number = ""
    for _ in range(NUMBER_ATTEMPTS):
        try:
            async with in_transaction() as connection:
                await serialize_numbering(connection, "visit_report.document_number")
                number = await next_document_number(fields["written_on"])
                visit = VisitReport(document_number=number, **fields)
                await visit.save()
                return visit
        except IntegrityError:
            if not await VisitReport.filter(document_number=number).exists():
                raise
    raise ValidationError({"": "문서번호를 정하지 못했습니다. 잠시 후 다시 저장하세요."})


async def delete_visit(visit_id: int, *, by: Actor) -> None:
    """Delete a visit report and its attached files."""
    visit = await get_visit(visit_id)
    await delete_attachments_of(AttachmentSlot.VISIT, visit.id, by=by)
    with acting_as(by):
        await visit.delete()


# ---------------------------------------------------------------- reading


def clean_body(html: str | None) -> str:
    """The sanitised version of an HTML body (what the browser may show and the printer prints)."""
    return sanitize_html(html)


async def get_visit(visit_id: int) -> VisitReport:
    visit = await VisitReport.get_or_none(id=visit_id).prefetch_related("customer", "template", "visitor")
    if visit is None:
        raise NotFound("방문일지")
    return visit


@dataclass(frozen=True)
class VisitForm:
    """A visit report as the editor shows it."""

    id: int
    version: int
    customer_id: int | None
    customer_label: str
    written_on: dt.date
    document_number: str
    visit_date: dt.date | None
    visit_time: str
    visitor_id: int | None
    visitor_name: str
    purpose: str
    state: VisitState
    template_id: int | None
    template_name: str
    body_html: str


async def load_visit(visit_id: int) -> VisitForm:
    visit = await get_visit(visit_id)
    return VisitForm(
        id=visit.id,
        version=visit.version,
        customer_id=visit.customer_id,
        customer_label=await customer_label(visit.customer_id),
        written_on=visit.written_on,
        document_number=visit.document_number,
        visit_date=visit.visit_date,
        visit_time=visit.visit_time,
        visitor_id=visit.visitor_id,
        visitor_name=visit.visitor.name if visit.visitor else "",
        purpose=visit.purpose,
        state=VisitState(visit.state),
        template_id=visit.template_id,
        template_name=visit.template.name if visit.template else "",
        body_html=sanitize_html(visit.body_html),
    )


async def customer_label(customer_id: int | None) -> str:
    if not customer_id:
        return ""
    row = await Customer.filter(id=customer_id).values("code", "company_name")
    return f"{row[0]['company_name']} ({row[0]['code']})" if row else ""


_ROW_FIELDS = {
    "id": "id",
    "written_on": "written_on",
    "document_number": "document_number",
    "visit_date": "visit_date",
    "visit_time": "visit_time",
    "state": "state",
    "purpose": "purpose",
    "customer_id": "customer_id",
    "company": "customer__company_name",
    "address": "customer__address",
    "address_detail": "customer__address_detail",
    "visitor": "visitor__name",
    "template": "template__name",
}


def _row(values: dict[str, Any]) -> dict[str, Any]:
    state = values["state"]
    return {
        "id": values["id"],
        "written_on": format_date(values["written_on"]),
        "document_number": values["document_number"],
        "visit_date": format_date(values["visit_date"]),
        "visit_time": values["visit_time"],
        "state": state.value if isinstance(state, VisitState) else state,
        "purpose": values["purpose"],
        "customer_id": values["customer_id"],
        "company": values["company"] or "",
        "address": " ".join(p for p in (values["address"], values["address_detail"]) if p),
        "visitor": values["visitor"] or "",
        "template": values["template"] or "",
    }


@dataclass
class VisitPage:
    rows: list[dict[str, Any]]
    total: int


def _ordering(sort_by: str | None, descending: bool) -> list[str]:
    key = SORTS.get(sort_by or "", "written_on")
    sign = "-" if descending else ""
    return [f"{sign}{key}", f"{sign}id"]


async def customer_visits(
    customer_id: int, *, offset: int = 0, limit: int = 50, sort_by: str | None = None, descending: bool = True
) -> VisitPage:
    """방문일지 tab: one customer's visit reports, newest first by default."""
    query = VisitReport.filter(customer_id=customer_id)
    total = await query.count()
    rows = (
        await query.order_by(*_ordering(sort_by, descending))
        .offset(offset)
        .limit(limit)
        .values(**_ROW_FIELDS)
    )
    return VisitPage([_row(r) for r in rows], total)


@dataclass(frozen=True)
class ScheduleFilter:
    """방문일정: a written-date or visit-date range, a customer (picked, or by name), a state."""

    date_field: str = "written_on"  # or "visit_date"
    start: dt.date | None = None
    end: dt.date | None = None
    customer_id: int | None = None
    company: str = ""
    states: tuple[VisitState, ...] = field(default_factory=tuple)

    def query(self):
        if self.date_field not in ("written_on", "visit_date"):
            raise ValidationError({"date_field": "조회 기준을 선택하세요."})
        if self.start and self.end and self.start > self.end:
            raise ValidationError({"end": "끝 날짜가 시작 날짜보다 앞입니다."})
        query = VisitReport.all()
        if self.start:
            query = query.filter(**{f"{self.date_field}__gte": self.start})
        if self.end:
            query = query.filter(**{f"{self.date_field}__lte": self.end})
        if self.customer_id:
            query = query.filter(customer_id=self.customer_id)
        name = self.company.strip()
        if name:
            query = query.filter(
                Q(customer__company_name_chosung__contains=chosung(name))
                if is_chosung_query(name)
                else Q(customer__company_name__icontains=name)
            )
        if self.states:
            query = query.filter(state__in=list(self.states))
        return query


async def schedule_page(
    schedule: ScheduleFilter,
    *,
    offset: int = 0,
    limit: int = 50,
    sort_by: str | None = None,
    descending: bool = False,
) -> VisitPage:
    query = schedule.query()
    total = await query.count()
    order = _ordering(sort_by or schedule.date_field, descending)
    rows = await query.order_by(*order).offset(offset).limit(limit).values(**_ROW_FIELDS)
    return VisitPage([_schedule_row(r) for r in rows], total)


@dataclass(frozen=True)
class CalendarEntry:
    id: int
    visit_date: dt.date
    visit_time: str
    state: VisitState
    company: str
    purpose: str
    visitor: str


async def calendar_entries(
    start: dt.date,
    end: dt.date,
    *,
    customer_id: int | None = None,
    company: str = "",
    states: tuple[VisitState, ...] = (),
    limit: int = CALENDAR_LIMIT,
) -> list[CalendarEntry]:
    """Visits whose visit date falls in [start, end] (the month or week on screen), by date and time."""
    schedule = ScheduleFilter(
        date_field="visit_date", start=start, end=end, customer_id=customer_id, company=company, states=states
    )
    rows = (
        await schedule.query()
        .order_by("visit_date", "visit_time", "id")
        .limit(limit)
        .values(
            "id", "visit_date", "visit_time", "state", "purpose", "customer__company_name", "visitor__name"
        )
    )
    return [
        CalendarEntry(
            id=r["id"],
            visit_date=r["visit_date"],
            visit_time=r["visit_time"],
            state=VisitState(r["state"]),
            company=r["customer__company_name"] or "",
            purpose=r["purpose"],
            visitor=r["visitor__name"] or "",
        )
        for r in rows
    ]


# ---------------------------------------------------------------- Excel and print


def _state_text(values: dict[str, Any]) -> str:
    state = values["state"]
    return state.value if isinstance(state, VisitState) else state


def _address(values: dict[str, Any]) -> str:
    return " ".join(p for p in (values["address"], values["address_detail"]) if p)


# 방문일정 (rows: the values of _ROW_FIELDS), on the screen, in Excel and printed; the keys are
# the sort keys of schedule_page; 문서번호 only in Excel
SCHEDULE = ListSpec(
    "방문일정",
    (
        ListColumn("written_on", "작성일자", "date", align="center", sortable=True),
        ListColumn("document_number", "문서번호", width=12, on=frozenset({EXCEL})),
        ListColumn("visit_date", "방문일자", "date", align="center", sortable=True),
        ListColumn("visit_time", "시간", width=8, align="center", sortable=True),
        ListColumn("company", "거래처명", width=24, sortable=True, value=lambda v: v["company"] or ""),
        ListColumn("address", "주소", width=40, value=_address),
        ListColumn("visitor", "방문자", width=10, sortable=True, value=lambda v: v["visitor"] or ""),
        ListColumn("purpose", "방문목적", width=30, sortable=True),
        ListColumn("state", "진행상태", width=8, align="center", sortable=True, value=_state_text),
        ListColumn("template", "문서분류", width=12, value=lambda v: v["template"] or ""),
    ),
)


def _schedule_row(values: dict[str, Any]) -> dict[str, Any]:
    """A 방문일정 row on the screen: the spec's cells and what the actions need."""
    return {
        **SCHEDULE.table_row(values),
        "id": values["id"],
        "customer_id": values["customer_id"],
        "document_number": values["document_number"],
    }


async def iter_schedule(
    schedule: ScheduleFilter, *, limit: int | None = None, chunk: int = 2000
) -> AsyncIterator[dict[str, Any]]:
    """방문일정's rows (the values SCHEDULE reads) for 엑셀 and 인쇄, in chunks, at most `limit`."""
    query = schedule.query()  # a wrong filter is refused before anything is written
    order = [schedule.date_field, "id"]
    offset = 0
    while limit is None or offset < limit:
        size = chunk if limit is None else min(chunk, limit - offset)
        rows = await query.order_by(*order).offset(offset).limit(size).values(**_ROW_FIELDS)
        for row in rows:
            yield row
        if len(rows) < size:
            return
        offset += size


def schedule_period(schedule: ScheduleFilter) -> str:
    """The printed list's conditions: "작성일자 2019-03-01 ~ 2019-03-31"."""
    label = "작성일자" if schedule.date_field == "written_on" else "방문일자"
    return f"{label} {format_date(schedule.start) or '처음'} ~ {format_date(schedule.end) or '끝'}"


# A heading stays with what follows it; the body after the template's table flows over pages.
REPORT_CSS = "h1, h2, h3 { -pdf-keep-with-next: true; }"


async def document_pdf(body_html: str) -> bytes:
    """Any visit body (e.g. the editor's unsaved text) sanitised and rendered to PDF."""
    return await render_pdf_async(sanitize_html(body_html), extra_css=REPORT_CSS)


@dataclass(frozen=True)
class PrintedVisit:
    filename: str
    pdf: bytes


def visit_filename(document_number: str, company: str) -> str:
    safe = re.sub(r"[\\/:*?\"<>|\s]+", "_", company).strip("_")
    return f"방문일지_{document_number}{'_' + safe if safe else ''}.pdf"


async def print_filename(document_number: str, customer_id: int | None) -> str:
    """File name for printing the editor's (maybe unsaved) report."""
    customer = await Customer.get_or_none(id=customer_id) if customer_id else None
    return visit_filename(document_number or "새문서", customer.company_name if customer else "")


async def visit_pdf(visit_id: int) -> PrintedVisit:
    """A saved visit report as PDF: its sanitised body in the template's layout."""
    visit = await get_visit(visit_id)
    company = visit.customer.company_name if visit.customer else ""
    return PrintedVisit(visit_filename(visit.document_number, company), await document_pdf(visit.body_html))

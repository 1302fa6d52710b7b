"""The printed quote: 갑지 (cover with our company block, recipient, totals and terms) and 을지
(the lines), one PDF. Every user-entered value is HTML-escaped before it reaches the template."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from string import Template

from core.korean import format_amount, format_date
from html_forms.pdf import render_pdf_async

TEMPLATE_PATH = Path(__file__).with_name("templates") / "quote.html"


@dataclass(frozen=True)
class SupplierFields:
    """The office as the 공급자 of its documents (설정 → 회사정보 stores them)."""

    name: str = ""
    business_number: str = ""
    representative: str = ""
    business_type: str = ""
    business_item: str = ""
    address: str = ""
    phone: str = ""
    fax: str = ""


@dataclass(frozen=True)
class CompanyBlock(SupplierFields):
    """The 공급자 block as printed: the business number as shown, the stamp inline."""

    stamp_uri: str = ""  # an inline data: URI, or ""


@dataclass(frozen=True)
class PrintLine:
    seq: int
    item_code: str
    name: str
    spec: str
    unit: str
    quantity: int
    unit_price: int
    supply_amount: int
    vat_amount: int
    total_amount: int
    text_only: bool = False


@dataclass(frozen=True)
class QuoteDocument:
    number: str
    quote_date: dt.date
    valid_until: dt.date | None
    title: str
    recipient: str
    contact_name: str
    phone: str
    fax: str
    email: str
    delivery_site: str
    payment_terms: str
    delivery_terms: str
    remarks: str
    staff_name: str
    lines: list[PrintLine]
    supply_total: int
    vat_total: int
    total_amount: int
    amount_words: str
    company: CompanyBlock = field(default_factory=CompanyBlock)


@cache
def _template() -> Template:
    return Template(TEMPLATE_PATH.read_text(encoding="utf-8"))


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _multiline(value: str) -> str:
    return "<br/>".join(_e(part) for part in value.splitlines())


def _line_row(line: PrintLine) -> str:
    cells = [
        f"<td class='center'>{line.seq}</td>",
        f"<td>{_e(line.item_code)}</td>",
        f"<td>{_e(line.name)}</td>",
        f"<td>{_e(line.spec)}</td>",
        f"<td class='center'>{_e(line.unit)}</td>",
    ]
    amounts = (line.quantity, line.unit_price, line.supply_amount, line.vat_amount, line.total_amount)
    if line.text_only:
        cells += ["<td></td>"] * len(amounts)
    else:
        cells += [f"<td class='num'>{format_amount(value)}</td>" for value in amounts]
    return "<tr>" + "".join(cells) + "</tr>"


def _stamp(uri: str) -> str:
    if not uri.startswith("data:image/"):
        return ""
    return f'<img src="{_e(uri)}" width="42" height="42"/>'


HONORIFICS = ("귀하", "귀중", "님")


def addressed(recipient: str) -> str:
    """The recipient with "귀하" — unless it already ends in an honorific (귀하, 귀중, 님), and
    nothing for a blank recipient. Only the recipient gets it: the 담당자 line shows the person as
    written."""
    name = " ".join(recipient.split())
    if not name:
        return ""
    return name if name.endswith(HONORIFICS) else f"{name} 귀하"


def render_quote_html(document: QuoteDocument) -> str:
    company = document.company
    phone_fax = " / ".join(part for part in (document.phone, document.fax) if part)
    values = {
        "number": _e(document.number),
        "quote_date": format_date(document.quote_date),
        "valid_until": format_date(document.valid_until) if document.valid_until else "",
        "title": _e(document.title),
        "recipient": _e(addressed(document.recipient)),
        "contact_name": _e(document.contact_name),
        "phone_fax": _e(phone_fax),
        "email": _e(document.email),
        "delivery_site": _e(document.delivery_site),
        "payment_terms": _e(document.payment_terms),
        "delivery_terms": _e(document.delivery_terms),
        "remarks": _multiline(document.remarks),
        "staff_name": _e(document.staff_name),
        "supply_total": format_amount(document.supply_total),
        "vat_total": format_amount(document.vat_total),
        "total_amount": format_amount(document.total_amount),
        "amount_words": _e(document.amount_words),
        "company_name": _e(company.name),
        "company_business_number": _e(company.business_number),
        "company_representative": _e(company.representative),
        "company_business_type": _e(company.business_type),
        "company_business_item": _e(company.business_item),
        "company_address": _e(company.address),
        "company_phone": _e(company.phone),
        "company_fax": _e(company.fax),
        "stamp": _stamp(company.stamp_uri),
        "lines": "\n".join(_line_row(line) for line in document.lines),
    }
    return _template().substitute(values)


async def render_quote_pdf(document: QuoteDocument) -> bytes:
    return await render_pdf_async(render_quote_html(document))

"""Documents of the maintenance screens: the 유지보수동의서 (one agreement per contract, each on
its own page). Every value that users typed is escaped here."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Template
from typing import Any

from core.korean import amount_in_words, format_amount, format_business_number, format_date, format_phone

TEMPLATES = Path(__file__).parent / "templates"
BLANK = "&nbsp;"

AGREEMENT_CSS = """
.agreement h1 { text-align: center; font-size: 20pt; letter-spacing: 6pt; margin: 0 0 8pt 0; }
.agreement h2 { font-size: 11pt; margin: 10pt 0 3pt 0; }
.agreement .meta td { padding: 0; font-size: 9pt; }
.agreement .intro { margin: 6pt 0; }
.grid { border: 0.6pt solid #444; }
.grid th, .grid td { border: 0.6pt solid #444; font-size: 9pt; }
.grid th { background-color: #eef2f7; font-weight: bold; text-align: center; width: 13%; }
.grid th.section { background-color: #dde6f0; }
.parties td { width: 37%; -pdf-word-wrap: CJK; }
.lines th { width: auto; }
.seq { width: 6%; }
.num { text-align: right; width: 8%; }
.amount { text-align: right; width: 16%; }
.right { text-align: right; }
.total td { background-color: #f7f7f7; }
.words { margin: 4pt 0; font-weight: bold; }
.terms { font-size: 9pt; margin: 6pt 0 6pt 14pt; }
.sign td { width: 50%; padding: 8pt; border: 0.6pt solid #444; line-height: 1.8; }
"""


@dataclass(frozen=True)
class AgreementLine:
    module_name: str
    module_code: str
    user_count: int
    amount: int
    note: str
    pc_count: int
    key_lock_number: str


@dataclass(frozen=True)
class AgreementDocument:
    contract_id: int
    company_name: str
    customer_code: str
    representative: str
    business_number: str
    address: str
    phone: str
    product_group_name: str
    licence_number: str
    contract_type: str
    contract_date: dt.date | None
    start_on: dt.date | None
    end_on: dt.date | None
    payment_method_name: str
    payment_form_name: str
    settlement_month: str
    retroactive_fee: int
    total_amount: int
    sales_staff_name: str
    note: str
    lines: list[AgreementLine]


@cache
def _template() -> Template:
    return Template((TEMPLATES / "maintenance_agreement.html").read_text(encoding="utf-8"))


def _text(value: Any) -> str:
    """Escaped text, or a non-breaking space so empty table cells keep their height."""
    text = "" if value is None else str(value)
    return html.escape(text) if text.strip() else BLANK


def _line_rows(lines: Sequence[AgreementLine]) -> str:
    if not lines:
        return "<tr><td colspan='8' style='text-align:center'>등록된 내역이 없습니다.</td></tr>"
    return "\n".join(
        "<tr>"
        f"<td class='seq'>{index}</td>"
        f"<td>{_text(line.module_name)}</td>"
        f"<td>{_text(line.module_code)}</td>"
        f"<td class='num'>{line.user_count:,}</td>"
        f"<td class='num'>{line.pc_count:,}</td>"
        f"<td>{_text(line.key_lock_number)}</td>"
        f"<td>{_text(line.note)}</td>"
        f"<td class='amount'>{format_amount(line.amount)}</td>"
        "</tr>"
        for index, line in enumerate(lines, start=1)
    )


def _one_agreement(document: AgreementDocument, company: dict[str, str], printed_on: dt.date) -> str:
    period = (
        f"{format_date(document.start_on)} ~ {format_date(document.end_on)}"
        if document.start_on or document.end_on
        else ""
    )
    lines_total = sum(line.amount for line in document.lines)
    return _template().substitute(
        document_number=_text(f"TOSP-{document.contract_id:06d}"),
        printed_on=_text(format_date(printed_on)),
        printed_on_words=_text(f"{printed_on.year}년 {printed_on.month}월 {printed_on.day}일"),
        company_name=_text(document.company_name),
        customer_code=_text(document.customer_code),
        representative=_text(document.representative),
        business_number=_text(format_business_number(document.business_number)),
        address=_text(document.address),
        phone=_text(format_phone(document.phone)),
        our_name=_text(company.get("name") or "(회사정보 미등록)"),
        our_representative=_text(company.get("representative")),
        our_business_number=_text(format_business_number(company.get("business_number"))),
        our_address=_text(company.get("address")),
        our_phone=_text(format_phone(company.get("phone"))),
        our_fax=_text(format_phone(company.get("fax"))),
        product_group=_text(document.product_group_name),
        licence_number=_text(document.licence_number),
        period=_text(period),
        contract_type=_text(document.contract_type),
        contract_date=_text(format_date(document.contract_date)),
        settlement_month=_text(document.settlement_month),
        payment_method=_text(document.payment_method_name),
        payment_form=_text(document.payment_form_name),
        sales_staff=_text(document.sales_staff_name),
        note=_text(document.note),
        line_rows=_line_rows(document.lines),
        lines_total=format_amount(lines_total),
        retroactive_fee=format_amount(document.retroactive_fee),
        total_amount=format_amount(document.total_amount),
        total_in_words=_text(amount_in_words(document.total_amount)),
    )


def agreement_html(
    documents: Sequence[AgreementDocument], company: dict[str, str], *, printed_on: dt.date
) -> str:
    """One agreement per document, each starting on a new page."""
    pages = [_one_agreement(d, company, printed_on) for d in documents]
    body = "\n<div style='page-break-before: always'></div>\n".join(pages)
    return (
        "<html><head><meta charset='utf-8'><title>유지보수동의서</title>"
        f"<style>{AGREEMENT_CSS}</style></head><body>{body}</body></html>"
    )

"""Documents handed to a trading partner: the 거래명세서 of an order or a shipment and the 영수증 of
a receipt (수금). Both print in the common commercial layout: two copies on one A4 sheet, the
top one 공급받는자 보관용 and the bottom one 공급자 보관용, with a cut line between (a statement
with more lines than half a sheet holds gets a sheet per copy). Every user-entered value is
HTML-escaped here."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field

from core.korean import format_amount, format_date
from html_forms.pdf import render_pdf_async
from html_forms.quote import CompanyBlock, addressed

COPIES = ("공급받는자 보관용", "공급자 보관용")
LINES_PER_HALF = 13  # item rows that still let both copies share one sheet

CSS = """
@page { size: a4 portrait; margin: 1cm 1.2cm; }
body { font-size: 8.5pt; line-height: 1.25; }
.grid { border: 0.8pt solid #b3261e; }
.grid th, .grid td { border: 0.6pt solid #b3261e; padding: 2px 3px; vertical-align: middle; }
.grid th { color: #b3261e; font-weight: bold; text-align: center; background-color: #fbeeee; }
.grid td { -pdf-word-wrap: CJK; }
.half { padding: 0; vertical-align: top; }
.head td { padding: 0 0 4px 0; vertical-align: bottom; }
.title { text-align: center; font-size: 18pt; font-weight: bold; letter-spacing: 8px; color: #b3261e; }
.copy { text-align: right; font-size: 8.5pt; color: #b3261e; }
.side { text-align: center; color: #b3261e; font-weight: bold; background-color: #fbeeee; }
.num { text-align: right; }
.center { text-align: center; }
.words { font-size: 11pt; font-weight: bold; }
.total td, .total th { font-weight: bold; }
.cut { border-top: 0.8pt dashed #777777; padding-top: 2px; margin: 14px 0 10px 0; font-size: 7pt; color: #777777; text-align: center; }
.statement { margin: 8px 0 0 0; }
.sign { text-align: right; padding: 6px 2px; }
.receipt .amount { font-size: 13pt; font-weight: bold; }
.receipt .note { text-align: center; font-size: 11pt; padding: 10px 0 4px 0; }
.receipt .date { text-align: center; font-size: 10pt; padding: 2px 0 8px 0; }
"""


@dataclass(frozen=True)
class PartyBlock:
    """공급받는자: the trading partner the document goes to."""

    name: str = ""
    business_number: str = ""
    representative: str = ""
    address: str = ""
    business_type: str = ""
    business_item: str = ""


@dataclass(frozen=True)
class StatementLine:
    day: dt.date
    name: str
    spec: str
    quantity: int
    unit_price: int
    supply_amount: int
    vat_amount: int
    text_only: bool = False  # a free-text line ("- 무상유지보수기간 3개월"): no figures


@dataclass(frozen=True)
class StatementDocument:
    number: str
    issued_on: dt.date  # 작성일자: the order's or shipment's date
    partner: PartyBlock
    lines: list[StatementLine]
    supply_total: int
    vat_total: int
    total_amount: int
    amount_words: str
    company: CompanyBlock = field(default_factory=CompanyBlock)


@dataclass(frozen=True)
class ReceiptDocument:
    number: str
    received_on: dt.date
    partner_name: str
    amount: int
    amount_words: str
    method: str
    memo: str
    company: CompanyBlock = field(default_factory=CompanyBlock)


def _e(value: object) -> str:
    text = "" if value is None else str(value)
    return html.escape(text, quote=True) if text.strip() else "&nbsp;"


def _stamp(uri: str) -> str:
    """The company stamp after the name, like a 인; "(인)" where no stamp was uploaded."""
    if not uri.startswith("data:image/"):
        return "(인)"
    return f'<img src="{html.escape(uri, quote=True)}" width="34" height="34"/>'


def _head(title: str, copy: str, number: str) -> str:
    return (
        "<table class='head'><tr>"
        f"<td width='28%'>No. {_e(number)}</td>"
        f"<td class='title' width='44%'>{title}</td>"
        f"<td class='copy' width='28%'>({copy})</td>"
        "</tr></table>"
    )


def _party_table(label: str, cells: tuple[str, str, str, str, str, str]) -> str:
    """One party's block: the vertical label, then 등록번호 / 상호·성명 / 사업장주소 / 업태·종목.
    Each party is a table of its own: xhtml2pdf misplaces cells after a second rowspan column."""
    number, name, person, address, type_, item = cells
    side = "".join(f"<div>{letter}</div>" for letter in label)
    return (
        "<table class='grid'>"
        f"<tr><td class='side' rowspan='4' width='8%'>{side}</td>"
        f"<th width='17%'>등록번호</th><td colspan='3' class='center'>{number}</td></tr>"
        f"<tr><th>상호</th><td width='31%'>{name}</td><th width='12%'>성명</th><td>{person}</td></tr>"
        f"<tr><th>사업장<br/>주소</th><td colspan='3'>{address}</td></tr>"
        f"<tr><th>업태</th><td>{type_}</td><th>종목</th><td>{item}</td></tr>"
        "</table>"
    )


def _parties(company: CompanyBlock, partner: PartyBlock) -> str:
    """공급자 (left) and 공급받는자 (right)."""
    ours = _party_table(
        "공급자",
        (
            _e(company.business_number),
            _e(company.name),
            f"{_e(company.representative)} {_stamp(company.stamp_uri)}",
            _e(company.address),
            _e(company.business_type),
            _e(company.business_item),
        ),
    )
    theirs = _party_table(
        "공급받는자",
        (
            _e(partner.business_number),
            _e(partner.name),
            _e(partner.representative),
            _e(partner.address),
            _e(partner.business_type),
            _e(partner.business_item),
        ),
    )
    return (
        "<table class='pair'><tr>"
        f"<td class='half' width='50%'>{ours}</td><td class='half' width='50%'>{theirs}</td>"
        "</tr></table>"
    )


def _line_row(line: StatementLine) -> str:
    day = f"{line.day.month:02d}/{line.day.day:02d}"
    if line.text_only:
        return f"<tr><td class='center'>{day}</td><td colspan='6'>{_e(line.name)}</td></tr>"
    return (
        "<tr>"
        f"<td class='center'>{day}</td>"
        f"<td>{_e(line.name)}</td>"
        f"<td>{_e(line.spec)}</td>"
        f"<td class='num'>{format_amount(line.quantity)}</td>"
        f"<td class='num'>{format_amount(line.unit_price)}</td>"
        f"<td class='num'>{format_amount(line.supply_amount)}</td>"
        f"<td class='num'>{format_amount(line.vat_amount)}</td>"
        "</tr>"
    )


def _statement_copy(document: StatementDocument, copy: str, *, pad_to: int) -> str:
    rows = [_line_row(line) for line in document.lines]
    rows += ["<tr>" + "<td>&nbsp;</td>" * 7 + "</tr>"] * max(0, pad_to - len(rows))
    total = format_amount(document.total_amount)
    return (
        "<div class='statement'>"
        + _head("거래명세서", copy, document.number)
        + _parties(document.company, document.partner)
        + "<table class='grid'><tr>"
        f"<th width='10%'>작성일자</th><td width='14%' class='center'>{format_date(document.issued_on)}</td>"
        f"<th width='10%'>합계금액</th><td class='words'>{_e(document.amount_words)}</td>"
        f"<td class='num words' width='20%'>(₩{total})</td>"
        "</tr></table>"
        "<table class='grid' repeat='1'><thead><tr>"
        "<th width='7%'>월/일</th><th width='29%'>품목</th><th width='14%'>규격</th>"
        "<th width='8%'>수량</th><th width='13%'>단가</th><th width='16%'>공급가액</th><th width='13%'>세액</th>"
        "</tr></thead>" + "".join(rows) + "</table>"
        "<table class='grid total'><tr>"
        f"<th width='10%'>공급가액</th><td class='num' width='15%'>{format_amount(document.supply_total)}</td>"
        f"<th width='8%'>세액</th><td class='num' width='14%'>{format_amount(document.vat_total)}</td>"
        f"<th width='8%'>합계</th><td class='num' width='15%'>{total}</td>"
        "<th width='9%'>인수자</th><td class='sign'>(인)</td>"
        "</tr></table>"
        "</div>"
    )


def _page(body: str, title: str) -> str:
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title><style>{CSS}</style></head>"
        f"<body>{body}</body></html>"
    )


def _two_copies(copies: list[str], *, one_sheet: bool) -> str:
    between = (
        "<div class='cut'>절 취 선</div>" if one_sheet else "<div style='page-break-before: always'></div>"
    )
    return between.join(copies)


def statement_html(document: StatementDocument) -> str:
    one_sheet = len(document.lines) <= LINES_PER_HALF
    pad_to = LINES_PER_HALF if one_sheet else 0
    copies = [_statement_copy(document, copy, pad_to=pad_to) for copy in COPIES]
    return _page(_two_copies(copies, one_sheet=one_sheet), "거래명세서")


def _receipt_copy(document: ReceiptDocument, copy: str) -> str:
    company = document.company
    day = document.received_on
    return (
        "<div class='statement receipt'>" + _head("영수증", copy, document.number) + "<table class='grid'>"
        f"<tr><th width='16%'>받은 곳</th><td colspan='3' class='words'>{_e(addressed(document.partner_name))}</td></tr>"
        f"<tr><th>금액</th><td colspan='2' class='amount'>{_e(document.amount_words)}</td>"
        f"<td class='num amount' width='28%'>(₩{format_amount(document.amount)})</td></tr>"
        f"<tr><th>날짜</th><td width='30%'>{format_date(day)}</td>"
        f"<th width='16%'>결제방법</th><td width='38%'>{_e(document.method)}</td></tr>"
        f"<tr><th>적요</th><td colspan='3'>{_e(document.memo)}</td></tr>"
        "</table>"
        "<div class='note'>위 금액을 정히 영수합니다.</div>"
        f"<div class='date'>{day.year}년 {day.month}월 {day.day}일</div>"
        "<table class='grid'>"
        "<tr><td class='side' rowspan='4' width='5%'><div>공</div><div>급</div><div>자</div></td>"
        f"<th width='12%'>등록번호</th><td colspan='3'>{_e(company.business_number)}</td></tr>"
        f"<tr><th>상호</th><td width='33%'>{_e(company.name)}</td><th width='12%'>성명</th>"
        f"<td>{_e(company.representative)} {_stamp(company.stamp_uri)}</td></tr>"
        f"<tr><th>사업장 주소</th><td colspan='3'>{_e(company.address)}</td></tr>"
        f"<tr><th>전화</th><td>{_e(company.phone)}</td><th>팩스</th><td>{_e(company.fax)}</td></tr>"
        "</table>"
        "</div>"
    )


def receipt_html(document: ReceiptDocument) -> str:
    copies = [_receipt_copy(document, copy) for copy in COPIES]
    return _page(_two_copies(copies, one_sheet=True), "영수증")


async def render_statement_pdf(document: StatementDocument) -> bytes:
    return await render_pdf_async(statement_html(document))


async def render_receipt_pdf(document: ReceiptDocument) -> bytes:
    return await render_pdf_async(receipt_html(document))

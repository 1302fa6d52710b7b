"""What a document mail starts as: the subject and body template per document kind (설정 →
메일환경설정), the recipients offered for a customer, and the filled draft of a quote,
유지보수동의서, 거래명세서 or 영수증 with its PDF. Sending it is services.mail."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import formataddr

from tortoise.exceptions import IntegrityError

from core.audit import Actor, acting_as
from core.errors import ValidationError
from core.inputs import refuse, wrong_texts
from models.card import BusinessCard
from models.customer import Customer
from models.settings import AppSetting
from services.mail import (
    STATEMENT_OF,
    DocumentKind,
    MailError,
    attachment_for,
    get_smtp_settings,
    message_errors,
)

TEMPLATES_KEY = "mail.templates"

DEFAULT_TEMPLATES: dict[DocumentKind, tuple[str, str]] = {
    DocumentKind.QUOTE: (
        "[{회사명}] 견적서 {견적번호} 보내 드립니다",
        "{고객명} 귀하\n\n요청하신 견적서({견적번호}, 합계 {합계금액})를 첨부해 보내 드립니다.\n"
        "검토 후 궁금한 점은 언제든 연락 주십시오.\n\n{회사명} {담당자} 드림",
    ),
    DocumentKind.AGREEMENT: (
        "[{회사명}] 유지보수동의서 보내 드립니다",
        "{고객명} 귀하\n\n유지보수동의서를 첨부해 보내 드립니다.\n확인 후 서명하여 회신해 주십시오.\n\n{회사명} 드림",
    ),
    DocumentKind.REMINDER: (
        "[{회사명}] 유지보수 계약 갱신 안내",
        "{고객명} 귀하\n\n유지보수 계약이 {만료일}에 끝납니다. 계속 지원받으시려면 갱신을 부탁드립니다.\n\n{회사명} 드림",
    ),
    DocumentKind.STATEMENT: (
        "[{회사명}] 거래명세서 {문서번호} 보내 드립니다",
        "{고객명} 귀하\n\n{거래일} 거래의 거래명세서({문서번호}, 합계 {합계금액})를 첨부해 보내 드립니다.\n\n{회사명} 드림",
    ),
    DocumentKind.RECEIPT: (
        "[{회사명}] 영수증 {문서번호} 보내 드립니다",
        "{고객명} 귀하\n\n{수금일}에 받은 {금액}의 영수증을 첨부해 보내 드립니다. 감사합니다.\n\n{회사명} 드림",
    ),
}
PLACEHOLDERS = {
    DocumentKind.QUOTE: ("고객명", "견적번호", "견적일", "합계금액", "회사명", "담당자"),
    DocumentKind.AGREEMENT: ("고객명", "회사명"),
    DocumentKind.REMINDER: ("고객명", "만료일", "회사명"),
    DocumentKind.STATEMENT: ("고객명", "문서번호", "거래일", "합계금액", "회사명"),
    DocumentKind.RECEIPT: ("고객명", "문서번호", "수금일", "금액", "회사명"),
}
_PLACEHOLDER = re.compile(r"\{([^{}\s]{1,20})\}")
_EMPTY_BRACKETS = re.compile(r"(\[\s*\]|\(\s*\)) ?")


@dataclass(frozen=True)
class MailTemplate:
    subject: str
    body: str


def fill(template: str, values: dict[str, str]) -> str:
    """Replace {고객명}-style placeholders; an unknown one stays as written, and brackets left
    empty by an empty value ("[{회사명}] …" before 회사정보 is filled in) go with it."""
    filled = _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), template)
    return _EMPTY_BRACKETS.sub("", filled)


async def get_template(kind: DocumentKind) -> MailTemplate:
    row = await AppSetting.get_or_none(key=TEMPLATES_KEY)
    stored = row.value.get(kind.value) if row and isinstance(row.value, dict) else None
    subject, body = DEFAULT_TEMPLATES[kind]
    if isinstance(stored, dict):
        subject = str(stored.get("subject") or subject)
        body = str(stored.get("body") or body)
    return MailTemplate(subject, body)


async def save_template(kind: DocumentKind, *, by: Actor, subject: str, body: str) -> MailTemplate:
    """Keep the edited template of a document kind (admin, 메일환경설정)."""
    by.require_admin()
    refuse(wrong_texts(subject=subject, body=body))
    errors = message_errors(subject, body)
    if errors:
        raise ValidationError(errors)
    row = await AppSetting.get_or_none(key=TEMPLATES_KEY)
    with acting_as(by):
        if row is None:
            try:
                row = await AppSetting.create(
                    key=TEMPLATES_KEY, value={kind.value: {"subject": subject, "body": body}}
                )
            except IntegrityError:
                row = await AppSetting.get(key=TEMPLATES_KEY)
        if row.value.get(kind.value) != {"subject": subject, "body": body}:
            row.value = {**row.value, kind.value: {"subject": subject, "body": body}}
            await row.save()
    return MailTemplate(subject, body)


# -- recipients and attachments -------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    address: str
    label: str  # "홍길동 과장 <hong@example.com>"


async def customer_recipients(customer_id: int | None) -> list[Recipient]:
    """The customer's e-mail (if any) and its business cards that have one."""
    if not customer_id:
        return []
    found: list[Recipient] = []
    customer = await Customer.get_or_none(id=customer_id).values("company_name", "email")
    if customer and customer["email"]:
        found.append(Recipient(customer["email"], f"{customer['company_name']} <{customer['email']}>"))
    cards = (
        await BusinessCard.filter(customer_id=customer_id)
        .exclude(email="")
        .order_by("name")
        .values("name", "email")
    )
    for card in cards:
        found.append(Recipient(card["email"], f"{card['name']} <{card['email']}>"))
    unique: dict[str, Recipient] = {}
    for recipient in found:
        unique.setdefault(recipient.address.lower(), recipient)
    return list(unique.values())


@dataclass(frozen=True)
class Draft:
    """What the send dialog opens with: the template filled for this record, the customer's
    addresses and the PDF to attach (rendered once: what is previewed is what is sent)."""

    kind: DocumentKind
    record_id: int
    customer_id: int | None
    recipient: str
    recipients: list[Recipient]
    subject: str
    body: str
    attachment: tuple[str, bytes]
    sender: str
    record_kind: str = ""  # what the outbox keeps to make the PDF again (default: the kind)

    @property
    def stored_kind(self) -> str:
        return self.record_kind or self.kind.value


def _won(amount: int) -> str:
    return f"{amount:,}원"


async def _draft(
    kind: DocumentKind,
    record_id: int,
    customer_id: int | None,
    known: str,
    values: dict[str, str],
    *,
    record_kind: str = "",
) -> Draft:
    from services import company

    shown = await get_smtp_settings()
    if not shown.configured:
        raise MailError("메일환경설정(설정 → 메일환경설정)에서 메일 서버와 보내는 주소를 먼저 저장하세요.")
    values = {"회사명": (await company.get_company()).name, **values}
    template = await get_template(kind)
    recipients = await customer_recipients(customer_id)
    attachment = await attachment_for(record_kind or kind, record_id)
    assert attachment is not None
    return Draft(
        kind=kind,
        record_id=record_id,
        customer_id=customer_id,
        recipient=known or (recipients[0].address if recipients else ""),
        recipients=recipients,
        subject=fill(template.subject, values),
        body=fill(template.body, values),
        attachment=attachment,
        sender=formataddr((shown.sender_name, shown.sender_address)),
        record_kind=record_kind,
    )


async def quote_draft(quote_id: int) -> Draft:
    from services import quotes

    detail = await quotes.get_quote(quote_id)
    document = await quotes.quote_document(quote_id)
    values = {
        "고객명": document.recipient,
        "견적번호": document.number,
        "견적일": f"{document.quote_date:%Y-%m-%d}",
        "합계금액": _won(document.total_amount),
        "담당자": document.staff_name,
    }
    return await _draft(DocumentKind.QUOTE, quote_id, detail.quote.customer_id, document.email, values)


async def agreement_draft(contract_id: int) -> Draft:
    from services import maintenance_agreements

    [document] = await maintenance_agreements.agreement_documents([contract_id])
    customer_id = await _contract_customer(contract_id)
    values = {"고객명": document.company_name}
    return await _draft(DocumentKind.AGREEMENT, contract_id, customer_id, "", values)


async def _partner_customer(partner_id: int) -> int | None:
    """The customer a trading partner bills (whose cards are the recipients), if one."""
    found = await Customer.filter(partner_id=partner_id).order_by("id").values_list("id", flat=True)
    return found[0] if found else None


async def statement_draft(ledger_kind: str, document_id: int) -> Draft:
    """The 거래명세서 of an order ("order") or a shipment ("shipment")."""
    from services import statements
    from services.sales import LedgerKind

    document = await statements.statement_document(LedgerKind(ledger_kind), document_id)
    values = {
        "고객명": document.partner.name,
        "문서번호": document.number,
        "거래일": f"{document.issued_on:%Y-%m-%d}",
        "합계금액": _won(document.total_amount),
    }
    partner_id = await _document_partner(ledger_kind, document_id)
    customer_id = await _partner_customer(partner_id) if partner_id else None
    email = await _partner_email(partner_id)
    return await _draft(
        DocumentKind.STATEMENT, document_id, customer_id, email, values, record_kind=STATEMENT_OF[ledger_kind]
    )


async def receipt_draft(receipt_id: int) -> Draft:
    from models.sales import Receipt
    from services import statements

    document = await statements.receipt_document(receipt_id)
    partner_id = (await Receipt.filter(id=receipt_id).values_list("partner_id", flat=True))[0]
    values = {
        "고객명": document.partner_name,
        "문서번호": document.number,
        "수금일": f"{document.received_on:%Y-%m-%d}",
        "금액": _won(document.amount),
    }
    customer_id = await _partner_customer(partner_id)
    return await _draft(
        DocumentKind.RECEIPT, receipt_id, customer_id, await _partner_email(partner_id), values
    )


async def _document_partner(ledger_kind: str, document_id: int) -> int | None:
    from models.sales import SalesOrder, Shipment

    model = SalesOrder if ledger_kind == "order" else Shipment
    found = await model.filter(id=document_id).values_list("partner_id", flat=True)
    return found[0] if found else None


async def _partner_email(partner_id: int | None) -> str:
    from models.customer import TradingPartner

    found = await TradingPartner.filter(id=partner_id).values_list("email", flat=True) if partner_id else []
    return found[0] if found else ""


async def _contract_customer(contract_id: int) -> int | None:
    from models.maintenance import MaintenanceContract

    found = await MaintenanceContract.filter(id=contract_id).values_list("customer_id", flat=True)
    return found[0] if found else None

"""E-mail from the record: the SMTP settings (설정 → 메일환경설정), the document a mail is about
and the PDF it carries, sending, and the outbox (발송 내역). Templates and the send dialog's
drafts are services.mail_drafts.

Sending is plain asyncio (aiosmtplib) under a time limit, never inside a database transaction: the
outbox row is written first, the mail goes out, the row gets its result. Nothing is retried by
itself; a failed row is sent again only by `resend()`, once.

The SMTP password is needed to log in, so it is stored as given (in the settings row, which the
audit log records without it); it is never returned to a screen: `SmtpSettings` only says whether
one is stored."""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import re
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

import aiosmtplib

from core.audit import Actor, acting_as
from core.errors import GogaekError, NotFound, ValidationError
from core.inputs import refuse, whole_number, wrong_texts
from core.korean import josa
from models.mail import MailMessage, MailStatus
from models.settings import AppSetting
from services.field_checks import email_error
from services.paging import newest_first

SMTP_KEY = "mail.smtp"
CONNECT_TIMEOUT_SECONDS = 15.0
SEND_TIMEOUT_SECONDS = 60.0


class Security(enum.StrEnum):
    NONE = "none"
    STARTTLS = "starttls"
    SSL = "ssl"


SECURITY_LABELS = {Security.NONE: "없음", Security.STARTTLS: "STARTTLS", Security.SSL: "SSL/TLS"}
STATUS_LABELS = {MailStatus.PENDING: "대기", MailStatus.SENT: "발송완료", MailStatus.FAILED: "실패"}


class MailError(GogaekError):
    """Sending or connecting failed; the message says why in Korean."""


@dataclass(frozen=True)
class SmtpSettings:
    """What the settings screen shows: everything but the password."""

    host: str = ""
    port: int = 587
    security: Security = Security.STARTTLS
    user: str = ""
    sender_address: str = ""
    sender_name: str = ""
    has_password: bool = False
    version: int = 0  # 0 until first saved

    @property
    def configured(self) -> bool:
        return bool(self.host and self.sender_address)


@dataclass(frozen=True)
class _Login:
    host: str
    port: int
    security: Security
    user: str
    password: str


def _settings(row: AppSetting | None) -> tuple[SmtpSettings, str]:
    value = row.value if row and isinstance(row.value, dict) else {}
    try:
        security = Security(value.get("security", Security.STARTTLS))
    except ValueError:
        security = Security.STARTTLS
    port = whole_number(value.get("port"))
    password = str(value.get("password") or "")
    shown = SmtpSettings(
        host=str(value.get("host") or ""),
        port=port if port else 587,
        security=security,
        user=str(value.get("user") or ""),
        sender_address=str(value.get("sender_address") or ""),
        sender_name=str(value.get("sender_name") or ""),
        has_password=bool(password),
        version=row.version if row else 0,
    )
    return shown, password


async def get_smtp_settings() -> SmtpSettings:
    return _settings(await AppSetting.get_or_none(key=SMTP_KEY))[0]


def _check_server(host: str, port: object, security: str) -> tuple[str, int, Security, dict[str, str]]:
    errors: dict[str, str] = {}
    host = (host or "").strip()
    if not host:
        errors["host"] = "메일 서버 주소를 입력하세요 (예: smtp.gmail.com)."
    elif len(host) > 200 or not re.fullmatch(r"[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\]", host):
        errors["host"] = "메일 서버 주소는 영문·숫자·점으로 입력하세요 (예: smtp.naver.com)."
    number = whole_number(port)
    if number is None or not 1 <= number <= 65535:
        errors["port"] = "1~65535 사이의 포트 번호를 입력하세요 (보통 587 또는 465)."
        number = 0
    try:
        chosen = Security(security)
    except ValueError:
        errors["security"] = "보안 방식을 고르세요."
        chosen = Security.NONE
    return host, number, chosen, errors


async def save_smtp_settings(
    *,
    by: Actor,
    version: int,
    host: str,
    port: int | str,
    security: Security | str,
    user: str,
    password: str,
    sender_address: str,
    sender_name: str,
) -> SmtpSettings:
    """Save (admin). An empty `password` keeps the stored one. `version`: what the form opened."""
    by.require_admin()
    refuse(
        wrong_texts(
            host=host, user=user, password=password, sender_address=sender_address, sender_name=sender_name
        )
    )
    host, number, chosen, errors = _check_server(host, port, security)
    user = (user or "").strip()
    if len(user) > 200:
        errors["user"] = "사용자는 200자 이내로 입력하세요."
    if len(password or "") > 200:
        errors["password"] = "비밀번호는 200자 이내로 입력하세요."
    sender_address = (sender_address or "").strip()
    if not sender_address:
        errors["sender_address"] = "보내는 주소를 입력하세요."
    elif message := email_error(sender_address):
        errors["sender_address"] = message
    sender_name = (sender_name or "").strip()
    if len(sender_name) > 50:
        errors["sender_name"] = "보내는 이름은 50자 이내로 입력하세요."
    if errors:
        raise ValidationError(errors)
    row = await AppSetting.get_or_none(key=SMTP_KEY)
    stored_password = _settings(row)[1]
    value = {
        "host": host,
        "port": number,
        "security": chosen.value,
        "user": user,
        "password": password or stored_password,
        "sender_address": sender_address,
        "sender_name": sender_name,
    }
    with acting_as(by):
        row = await AppSetting.store(SMTP_KEY, value, version=version)
    return _settings(row)[0]


# -- talking to the server ------------------------------------------------------------------------


def _has_tls_cause(error: BaseException) -> bool:
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _korean(error: BaseException, login: _Login, phase: str) -> str:
    """The Korean sentence for what went wrong (no exception names, no server internals)."""
    where = f"{login.host}:{login.port}"
    if isinstance(error, aiosmtplib.SMTPAuthenticationError):
        return "메일 서버가 로그인을 거부했습니다. 사용자와 비밀번호(앱 비밀번호)를 확인하세요."
    if phase == "tls" or _has_tls_cause(error):
        return "보안 연결(TLS)을 맺지 못했습니다. 보안 방식(STARTTLS/SSL)과 포트가 서버와 맞는지 확인하세요."
    if phase == "login" and not isinstance(error, aiosmtplib.SMTPServerDisconnected | TimeoutError):
        return "메일 서버가 이 연결에서 로그인을 받지 않습니다. 보안 방식(STARTTLS/SSL)을 확인하세요."
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        return "받는 주소를 메일 서버가 거부했습니다. 주소를 확인하세요."
    if isinstance(error, aiosmtplib.SMTPSenderRefused):
        return "보내는 주소를 메일 서버가 거부했습니다. 메일환경설정의 보내는 주소를 확인하세요."
    if isinstance(error, aiosmtplib.SMTPTimeoutError | TimeoutError) and phase != "connect":
        return "메일 서버가 제때 응답하지 않았습니다. 잠시 뒤 다시 보내세요."
    if phase == "connect" or isinstance(error, aiosmtplib.SMTPConnectError | OSError):
        return f"메일 서버({where})에 연결할 수 없습니다. 주소와 포트, 인터넷 연결을 확인하세요."
    if isinstance(error, aiosmtplib.SMTPServerDisconnected):
        return "메일 서버가 연결을 끊었습니다. 잠시 뒤 다시 보내세요."
    if isinstance(error, aiosmtplib.SMTPResponseException):
        return f"메일 서버가 거부했습니다 (응답 코드 {error.code})."
    return "메일을 보내지 못했습니다. 메일환경설정을 확인하세요."


async def _session(login: _Login, work: Callable[[aiosmtplib.SMTP], Awaitable[None]]) -> None:
    """Connect, secure, log in, `work(client)`, quit — each failure as a MailError in Korean."""
    client = aiosmtplib.SMTP(
        hostname=login.host,
        port=login.port,
        use_tls=login.security == Security.SSL,
        start_tls=False,
        timeout=CONNECT_TIMEOUT_SECONDS,
    )
    phase = "connect"
    try:
        async with asyncio.timeout(SEND_TIMEOUT_SECONDS):
            await client.connect()
            if login.security == Security.STARTTLS:
                phase = "tls"
                await client.starttls()
            if login.user:
                phase = "login"
                await client.login(login.user, login.password)
            phase = "send"
            await work(client)
            phase = "quit"
            await client.quit()
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
        if phase == "quit":  # the mail was accepted; a rude goodbye changes nothing
            return
        raise MailError(_korean(error, login, phase)) from None
    finally:
        if client.is_connected:
            client.close()


async def _stored_login() -> tuple[SmtpSettings, _Login]:
    shown, password = _settings(await AppSetting.get_or_none(key=SMTP_KEY))
    if not shown.configured:
        raise MailError("메일환경설정(설정 → 메일환경설정)에서 메일 서버와 보내는 주소를 먼저 저장하세요.")
    return shown, _Login(shown.host, shown.port, shown.security, shown.user, password)


async def check_connection(
    *, by: Actor, host: str, port: int | str, security: Security | str, user: str, password: str
) -> str:
    """연결확인 (admin): connect and log in with what the form holds (an empty password: the
    stored one). Returns the Korean success sentence, raises MailError / ValidationError."""
    by.require_admin()
    refuse(wrong_texts(host=host, user=user, password=password))
    host, number, chosen, errors = _check_server(host, port, security)
    if errors:
        raise ValidationError(errors)
    stored = _settings(await AppSetting.get_or_none(key=SMTP_KEY))[1]
    login = _Login(host, number, chosen, (user or "").strip(), password or stored)

    async def nothing(_client: aiosmtplib.SMTP) -> None:
        return None

    await _session(login, nothing)
    return "메일 서버에 연결했습니다." + (" 로그인도 확인했습니다." if login.user else "")


# -- documents a mail is about ---------------------------------------------------------------


class DocumentKind(enum.StrEnum):
    QUOTE = "quote"
    AGREEMENT = "agreement"
    REMINDER = "reminder"
    STATEMENT = "statement"  # 거래명세서 of an order or a shipment (its record kind says which)
    RECEIPT = "receipt"


KIND_LABELS = {
    DocumentKind.QUOTE: "견적서",
    DocumentKind.AGREEMENT: "유지보수동의서",
    DocumentKind.REMINDER: "갱신 안내",
    DocumentKind.STATEMENT: "거래명세서",
    DocumentKind.RECEIPT: "영수증",
}
# the outbox's record kind of a 거래명세서: which document it was made from (its PDF is made again
# from it for 다시 보내기)
STATEMENT_OF = {"order": "statement:order", "shipment": "statement:shipment"}


def message_errors(subject: str, body: str) -> dict[str, str]:
    """The subject and body of a mail or a template: a one-line subject, a body of bounded length."""
    errors: dict[str, str] = {}
    if not (subject or "").strip():
        errors["subject"] = "제목을 입력하세요."
    elif len(subject) > 200 or "\n" in subject or "\r" in subject:
        errors["subject"] = "제목은 한 줄, 200자 이내로 입력하세요."
    if len(body or "") > 20_000:
        errors["body"] = "본문은 20,000자 이내로 입력하세요."
    return errors


_UNSAFE_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\s]+')


def agreement_file_name(company_name: str) -> str:
    safe = _UNSAFE_IN_FILE_NAMES.sub("_", company_name).strip("_") or "고객"
    return f"유지보수동의서_{safe}.pdf"


async def attachment_for(kind: str, record_id: int | None) -> tuple[str, bytes] | None:
    """The PDF a mail of this kind carries, rendered from the record as it is now."""
    from services import maintenance_agreements, quotes, statements
    from services.sales import LedgerKind

    if record_id is None:
        return None
    if kind == DocumentKind.QUOTE:
        return await quotes.quote_pdf(record_id)
    if kind == DocumentKind.RECEIPT:
        return await statements.receipt_pdf(record_id)
    for ledger_kind, record_kind in STATEMENT_OF.items():
        if kind == record_kind:
            return await statements.statement_pdf(LedgerKind(ledger_kind), record_id)
    if kind in (DocumentKind.AGREEMENT, DocumentKind.REMINDER):
        [document] = await maintenance_agreements.agreement_documents([record_id])
        return agreement_file_name(document.company_name), await maintenance_agreements.agreement_pdf(
            [record_id]
        )
    return None


# -- sending and the outbox ----------------------------------------------------------------------


def _message(shown: SmtpSettings, recipient: str, subject: str, body: str, files: list[tuple[str, bytes]]):
    message = EmailMessage()
    message["From"] = formataddr((shown.sender_name, shown.sender_address))
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = dt.datetime.now().astimezone()
    message["Message-ID"] = make_msgid(domain=shown.sender_address.rpartition("@")[2] or None)
    message.set_content(body or "")
    for name, data in files:
        message.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    return message


async def _deliver(row: MailMessage, files: list[tuple[str, bytes]]) -> MailMessage:
    try:
        shown, login = await _stored_login()

        async def send(client: aiosmtplib.SMTP) -> None:
            await client.send_message(_message(shown, row.recipient, row.subject, row.body, files))

        await _session(login, send)
    except MailError as error:
        row.status = MailStatus.FAILED
        row.error = str(error)[:255]
    else:
        row.status = MailStatus.SENT
        row.error = ""
        row.sent_at = dt.datetime.now()
    await row.save(update_fields=("status", "error", "sent_at"))
    return row


def _recipient_error(recipient: str) -> str | None:
    if not recipient:
        return "받는 사람의 이메일 주소를 입력하세요."
    if len(recipient) > 254 or "," in recipient or ";" in recipient:
        return "받는 사람은 이메일 주소 하나만 입력하세요."
    return email_error(recipient)


async def send_mail(
    *,
    by: Actor,
    form_token: str | None,
    recipient: str,
    subject: str,
    body: str,
    kind: DocumentKind | str = "",
    record_id: int | None = None,
    customer_id: int | None = None,
    attachment: tuple[str, bytes] | None = None,
) -> MailMessage:
    """Write the outbox row, send, record the result (the row, sent or failed, is returned; a
    failure is not raised). The same `form_token` again returns the first row without sending."""
    from services.submissions import create_once

    recipient = (recipient or "").strip()
    refuse(wrong_texts(recipient=recipient, subject=subject, body=body))
    errors = message_errors(subject, body)
    if message := _recipient_error(recipient):
        errors["recipient"] = message
    if errors:
        raise ValidationError(errors)
    if attachment is None and record_id is not None and kind:
        attachment = await attachment_for(str(kind), record_id)
    files = [attachment] if attachment else []
    made: list[MailMessage] = []

    async def create() -> MailMessage:
        with acting_as(by):
            row = await MailMessage.create(
                recipient=recipient,
                subject=subject.strip(),
                body=body or "",
                attachment_names=[name for name, _ in files],
                status=MailStatus.PENDING,
                staff_id=by.id,
                customer_id=customer_id,
                record_kind=str(kind),
                record_id=record_id,
            )
        made.append(row)
        return row

    row = await create_once(MailMessage, "mail", form_token, create)
    if not made:  # this form already sent it
        return row
    with acting_as(by):
        return await _deliver(row, files)


async def resend(message_id: int, *, by: Actor) -> MailMessage:
    """다시 보내기: a failed mail once more, as a new outbox row (the failed one stays, marked)."""
    original = await MailMessage.get_or_none(id=message_id)
    if original is None:
        raise NotFound("발송 내역")
    if original.status != MailStatus.FAILED:
        raise ValidationError("실패한 메일만 다시 보낼 수 있습니다.")
    with acting_as(by):
        taken = await MailMessage.filter(id=message_id, retried=False).update(retried=True)
    if not taken:
        raise ValidationError("이 메일은 이미 다시 보냈습니다. 발송 내역을 새로 고쳐 확인하세요.")
    attachment = await attachment_for(original.record_kind, original.record_id)
    files = [attachment] if attachment else []
    with acting_as(by):
        row = await MailMessage.create(
            recipient=original.recipient,
            subject=original.subject,
            body=original.body,
            attachment_names=[name for name, _ in files],
            status=MailStatus.PENDING,
            staff_id=by.id,
            customer_id=original.customer_id,
            record_kind=original.record_kind,
            record_id=original.record_id,
        )
        return await _deliver(row, files)


OUTBOX_FIELDS = (
    "id",
    "created_at",
    "sent_at",
    "recipient",
    "subject",
    "attachment_names",
    "status",
    "error",
    "retried",
    "record_kind",
    "staff__name",
    "customer__company_name",
)


def _outbox_query(status: str | None):
    query = MailMessage.all()
    if status:
        query = query.filter(status=MailStatus(status))
    return query


async def outbox_page(*, status: str | None, offset: int, limit: int) -> tuple[list[dict], int]:
    """발송 내역, newest first, optionally one status."""
    query = _outbox_query(status)
    total = await query.count()
    rows = await query.order_by("-id").offset(offset).limit(limit).values(*OUTBOX_FIELDS)
    return rows, total


def iter_outbox(*, status: str | None) -> AsyncIterator[dict]:
    """Every row of 발송 내역 the screen's 결과 filter gives, newest first, for 엑셀 and 인쇄."""
    return newest_first(_outbox_query(status), OUTBOX_FIELDS)


def kind_label(kind: str) -> str:
    """The outbox's 종류 of a record kind ("statement:order" is a 거래명세서)."""
    try:
        return KIND_LABELS[DocumentKind(kind.split(":", 1)[0])]
    except ValueError:
        return ""


def status_label(status: str) -> str:
    return STATUS_LABELS.get(MailStatus(status), status)


def outcome(row: MailMessage) -> str:
    """What the screen says after sending."""
    if row.status == MailStatus.SENT:
        return f"{row.recipient}{josa(row.recipient, '으로')} 발송했습니다."
    if row.status == MailStatus.FAILED:
        return f"보내지 못했습니다: {row.error} (발송 내역에 남겨 두었습니다.)"
    return "발송 중입니다. 발송 내역에서 결과를 확인하세요."

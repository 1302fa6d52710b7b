"""갱신 안내: renewal notices from the 유지보수관리 due list, by SMS (Centrex) and/or e-mail with
the renewal agreement's PDF when one is written.

A notice is about one customer's contract period (the end of its maintenance, the later of the
free and paid end dates of a product) on one channel. `renewal_reminder` holds one row per
customer, period end and channel under a unique key: the row is claimed before anything is
sent, so a second run — or two people at once — never sends the same notice twice. A notice that
failed gives its claim back (it can be sent by a later run); the failed mail stays in 발송 내역."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from tortoise.exceptions import IntegrityError

from core.audit import Actor, acting_as
from core.errors import GogaekError, ValidationError
from core.inputs import refuse, whole_number, wrong_texts
from core.korean import format_phone, phone_digits
from models.card import BusinessCard
from models.customer import Customer
from models.mail import MailStatus, ReminderChannel, RenewalReminder
from models.maintenance import MaintenanceContract
from models.product import CustomerProduct
from models.settings import AppSetting
from models.telephony import SmsStatus
from services import company, mail, mail_drafts, sms
from services.maintenance_periods import maintenance_end

SMS_TEMPLATE_KEY = "reminders.sms"
DEFAULT_SMS_TEMPLATE = "[{회사명}] {고객명} 유지보수 계약이 {만료일}에 끝납니다. 갱신을 부탁드립니다."
CHANNEL_LABELS = {ReminderChannel.SMS: "문자", ReminderChannel.EMAIL: "메일"}
MAX_DAYS = 366


@dataclass(frozen=True)
class Planned:
    """One notice as the preview lists it: to whom, by what, or why it is skipped."""

    customer_id: int
    company_name: str
    period_end: dt.date
    channel: ReminderChannel
    destination: str
    skip_reason: str = ""
    contract_id: int | None = None  # the renewal agreement attached to the mail, if written

    @property
    def attachment(self) -> str:
        if self.channel != ReminderChannel.EMAIL or self.contract_id is None:
            return ""
        return "유지보수동의서"


@dataclass
class ReminderResult:
    sent: list[Planned] = field(default_factory=list)
    skipped: list[Planned] = field(default_factory=list)
    failed: list[tuple[Planned, str]] = field(default_factory=list)


async def get_sms_template() -> str:
    row = await AppSetting.get_or_none(key=SMS_TEMPLATE_KEY)
    text = row.value.get("text") if row and isinstance(row.value, dict) else None
    return str(text or DEFAULT_SMS_TEMPLATE)


async def _keep_sms_template(text: str, by: Actor) -> None:
    row = await AppSetting.get_or_none(key=SMS_TEMPLATE_KEY)
    with acting_as(by):
        if row is None:
            try:
                await AppSetting.create(key=SMS_TEMPLATE_KEY, value={"text": text})
            except IntegrityError:
                return
        elif row.value.get("text") != text:
            row.value = {"text": text}
            await row.save()


async def _targets(product_ids: Sequence[int] | None, within_days: int | None, today: dt.date) -> dict:
    """(customer id, period end) → a product of it, for the chosen products or every product whose
    maintenance ends within `within_days` from today."""
    if product_ids is not None:
        products = await CustomerProduct.filter(id__in=list(product_ids)).values(
            "id", "customer_id", "free_end_on", "paid_end_on"
        )
        first, last = None, None
    else:
        first, last = today, today + dt.timedelta(days=within_days or 0)
        products = await _products_ending(first, last)
    found: dict[tuple[int, dt.date], int] = {}
    for product in sorted(products, key=lambda p: p["id"]):
        end = maintenance_end(product["free_end_on"], product["paid_end_on"])
        if end is None or (first is not None and not first <= end <= last):
            continue
        found.setdefault((product["customer_id"], end), product["id"])
    return found


async def _products_ending(first: dt.date, last: dt.date) -> list[dict]:
    seen: dict[int, dict] = {}
    for condition in (
        {"free_end_on__gte": first, "free_end_on__lte": last},
        {"paid_end_on__gte": first, "paid_end_on__lte": last},
    ):
        for row in await CustomerProduct.filter(**condition).values(
            "id", "customer_id", "free_end_on", "paid_end_on"
        ):
            seen[row["id"]] = row
    return list(seen.values())


async def _addresses(customer_ids: set[int]) -> dict[int, tuple[str, str]]:
    """customer → (mobile number, e-mail): the customer's own, else its first card's."""
    found: dict[int, tuple[str, str]] = {}
    for customer in await Customer.filter(id__in=customer_ids).values("id", "mobile", "email"):
        found[customer["id"]] = (customer["mobile"] or "", customer["email"] or "")
    cards = (
        await BusinessCard.filter(customer_id__in=customer_ids)
        .order_by("id")
        .values("customer_id", "mobile", "email")
    )
    for card in cards:
        mobile, email = found.get(card["customer_id"], ("", ""))
        found[card["customer_id"]] = (mobile or card["mobile"] or "", email or card["email"] or "")
    return {
        customer_id: (mobile if sms.MOBILE.match(phone_digits(mobile)) else "", email)
        for customer_id, (mobile, email) in found.items()
    }


async def plan(
    *,
    channels: Sequence[ReminderChannel | str],
    product_ids: Sequence[int] | None = None,
    within_days: int | None = None,
    today: dt.date | None = None,
) -> list[Planned]:
    """Who gets what (and who is skipped, and why), in customer name order."""
    today = today or dt.date.today()
    chosen = _channels(channels)
    if product_ids is None:
        days = whole_number(within_days)
        if days is None or not 0 <= days <= MAX_DAYS:
            raise ValidationError({"within_days": f"0~{MAX_DAYS}일 사이로 입력하세요."})
        within_days = days
    elif not product_ids:
        raise ValidationError("갱신 안내를 보낼 거래처를 체크하세요.")
    targets = await _targets(product_ids, within_days, today)
    customer_ids = {customer_id for customer_id, _ in targets}
    customers = {
        c["id"]: c
        for c in await Customer.filter(id__in=customer_ids).values("id", "company_name", "reminder_opt_out")
    }
    addresses = await _addresses(customer_ids)
    done = {
        (r["customer_id"], r["period_end"], r["channel"])
        for r in await RenewalReminder.filter(customer_id__in=customer_ids).values(
            "customer_id", "period_end", "channel"
        )
    }
    planned: list[Planned] = []
    for (customer_id, end), product_id in targets.items():
        customer = customers[customer_id]
        mobile, email = addresses.get(customer_id, ("", ""))
        renewal = (
            await MaintenanceContract.filter(product_id=product_id, end_on__gt=end)
            .order_by("-id")
            .values_list("id", flat=True)
        )
        for channel in chosen:
            destination = format_phone(mobile) if channel == ReminderChannel.SMS else email
            if customer["reminder_opt_out"]:
                reason = "수신거부"
            elif (customer_id, end, channel) in done or (customer_id, end, channel.value) in done:
                reason = "이미 보냄"
            elif not destination:
                reason = "휴대폰 번호 없음" if channel == ReminderChannel.SMS else "이메일 주소 없음"
            else:
                reason = ""
            planned.append(
                Planned(
                    customer_id=customer_id,
                    company_name=customer["company_name"],
                    period_end=end,
                    channel=channel,
                    destination=destination,
                    skip_reason=reason,
                    contract_id=renewal[0] if renewal and channel == ReminderChannel.EMAIL else None,
                )
            )
    planned.sort(key=lambda p: (p.company_name, p.period_end, p.channel.value))
    return planned


def _channels(channels: Sequence[ReminderChannel | str]) -> list[ReminderChannel]:
    try:
        chosen = [ReminderChannel(c) for c in channels]
    except ValueError:
        chosen = []
    if not chosen:
        raise ValidationError({"channels": "문자나 메일 중 하나 이상을 고르세요."})
    return sorted(set(chosen), key=lambda c: c.value)


async def send_reminders(
    *,
    by: Actor,
    channels: Sequence[ReminderChannel | str],
    sms_text: str = "",
    email_subject: str = "",
    email_body: str = "",
    product_ids: Sequence[int] | None = None,
    within_days: int | None = None,
    today: dt.date | None = None,
) -> ReminderResult:
    """Send what `plan()` lists as to be sent; each notice is claimed first (see the module)."""
    refuse(wrong_texts(sms_text=sms_text, email_subject=email_subject, email_body=email_body))
    chosen = _channels(channels)
    errors: dict[str, str] = {}
    if ReminderChannel.SMS in chosen and not (sms_text or "").strip():
        errors["sms_text"] = "문자 내용을 입력하세요."
    if ReminderChannel.EMAIL in chosen and not (email_subject or "").strip():
        errors["email_subject"] = "메일 제목을 입력하세요."
    if errors:
        raise ValidationError(errors)
    planned = await plan(channels=chosen, product_ids=product_ids, within_days=within_days, today=today)
    if ReminderChannel.SMS in chosen:
        await _keep_sms_template(sms_text, by)
    office = (await company.get_company()).name
    result = ReminderResult()
    for item in planned:
        if item.skip_reason:
            result.skipped.append(item)
            continue
        values = {"고객명": item.company_name, "만료일": f"{item.period_end:%Y-%m-%d}", "회사명": office}
        try:
            with acting_as(by):
                claim = await RenewalReminder.create(
                    customer_id=item.customer_id, period_end=item.period_end, channel=item.channel
                )
        except IntegrityError:  # sent meanwhile by someone else's run
            result.skipped.append(replace(item, skip_reason="이미 보냄"))
            continue
        with acting_as(by):
            problem = await _send_one(item, claim, values, by, sms_text, email_subject, email_body)
        if problem:
            with acting_as(by):
                await claim.delete()
            result.failed.append((item, problem))
        else:
            result.sent.append(item)
    return result


async def _send_one(
    item: Planned,
    claim: RenewalReminder,
    values: dict[str, str],
    by: Actor,
    sms_text: str,
    email_subject: str,
    email_body: str,
) -> str:
    """Send one notice; '' when it went out (or may have: an unknown SMS result is not retried)."""
    try:
        if item.channel == ReminderChannel.SMS:
            message = await sms.send_sms(
                by=by,
                destination=item.destination,
                text=mail_drafts.fill(sms_text, values),
                customer_id=item.customer_id,
            )
            claim.sms_id = message.id
            await claim.save(update_fields=("sms_id",))
            return (
                message.result_message or "문자를 보내지 못했습니다."
                if message.status == SmsStatus.FAILED
                else ""
            )
        row = await mail.send_mail(
            by=by,
            form_token=None,
            recipient=item.destination,
            subject=mail_drafts.fill(email_subject, values),
            body=mail_drafts.fill(email_body, values),
            kind=mail.DocumentKind.REMINDER,
            record_id=item.contract_id,
            customer_id=item.customer_id,
        )
        claim.mail_id = row.id
        await claim.save(update_fields=("mail_id",))
        return row.error if row.status == MailStatus.FAILED else ""
    except GogaekError as error:
        return str(error)

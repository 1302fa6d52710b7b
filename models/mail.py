"""E-mail that left the office (발송 내역) and the renewal reminders already sent."""

import enum

from tortoise import fields

from core.fields import LocalDatetimeField
from models.base import Record, staff_field


class MailStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class MailMessage(Record):
    """One sending attempt. A failed row is sent again only when a person asks (`retried` then
    holds, so a second click cannot send it twice); the new attempt is a row of its own. The
    attachment is not stored: it is rendered again from the record (`record_kind`, `record_id`)."""

    recipient = fields.CharField(max_length=254)
    subject = fields.CharField(max_length=200)
    body = fields.TextField(default="")
    attachment_names = fields.JSONField(default=list)
    status = fields.CharEnumField(MailStatus, max_length=10, default=MailStatus.PENDING, db_index=True)
    error = fields.CharField(max_length=255, default="")
    sent_at = LocalDatetimeField(null=True)
    staff = staff_field()
    customer = fields.ForeignKeyField(
        "models.Customer", null=True, on_delete=fields.SET_NULL, related_name=False, db_index=True
    )
    record_kind = fields.CharField(max_length=20, default="")
    record_id = fields.IntField(null=True)
    retried = fields.BooleanField(default=False)

    class Meta:
        table = "mail_message"


class ReminderChannel(enum.StrEnum):
    SMS = "sms"
    EMAIL = "email"


class RenewalReminder(Record):
    """A renewal notice sent to a customer for the contract period ending on `period_end`, once
    per channel: the unique key is what keeps a second run from sending it again."""

    customer = fields.ForeignKeyField(
        "models.Customer", on_delete=fields.CASCADE, related_name=False, db_index=True
    )
    period_end = fields.DateField()
    channel = fields.CharEnumField(ReminderChannel, max_length=10)
    mail = fields.ForeignKeyField(
        "models.MailMessage", null=True, on_delete=fields.SET_NULL, related_name=False, db_index=True
    )
    sms = fields.ForeignKeyField(
        "models.SmsMessage", null=True, on_delete=fields.SET_NULL, related_name=False, db_index=True
    )

    class Meta:
        table = "renewal_reminder"
        unique_together = (("customer", "period_end", "channel"),)

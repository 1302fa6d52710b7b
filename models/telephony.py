import enum

from tortoise import fields

from core.fields import LocalDatetimeField
from models.base import Record, Versioned, staff_field


class CallEventSource(enum.StrEnum):
    CTI = "cti"
    CENTREX = "centrex"
    RING = "ring"


class SmsStatus(enum.StrEnum):
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"


class CentrexUser(Versioned, Record):
    """API사용자: an LG U+ Centrex 070 line. Only the SHA-512 hex of the password is kept."""

    number070 = fields.CharField(max_length=20, unique=True)
    password_sha512 = fields.CharField(max_length=128)
    extension = fields.CharField(max_length=20, default="")
    staff = staff_field()
    enabled = fields.BooleanField(default=True)
    last_seen_no = fields.BigIntField(null=True)
    last_success_at = LocalDatetimeField(null=True)
    last_error = fields.CharField(max_length=255, default="")

    class Meta:
        table = "centrex_user"


class CallEvent(Record):
    """One incoming call as reported by a source, after de-duplication, kept so a missed popup
    can still be found."""

    audited = False

    source = fields.CharEnumField(CallEventSource, max_length=10)
    number = fields.CharField(max_length=40)
    digits = fields.CharField(max_length=20, db_index=True)
    extension = fields.CharField(max_length=20, default="")
    occurred_at = LocalDatetimeField(db_index=True)
    customer = fields.ForeignKeyField(
        "models.Customer", null=True, on_delete=fields.SET_NULL, related_name=False, db_index=True
    )
    external_id = fields.CharField(max_length=40, default="")
    caller_name = fields.CharField(max_length=50, default="")

    class Meta:
        table = "call_event"


class SmsMessage(Record):
    """문자 outbox: every message sent (or attempted) with its result, never re-sent automatically."""

    audited = False

    destination = fields.CharField(max_length=20)
    text = fields.TextField()
    kind = fields.CharField(max_length=3, default="SMS")
    status = fields.CharEnumField(SmsStatus, max_length=10)
    result_code = fields.CharField(max_length=10, default="")
    result_message = fields.CharField(max_length=255, default="")
    remaining = fields.IntField(null=True)
    staff = staff_field()
    centrex_user = fields.ForeignKeyField(
        "models.CentrexUser", null=True, on_delete=fields.SET_NULL, related_name=False, db_index=True
    )
    customer = fields.ForeignKeyField(
        "models.Customer", null=True, on_delete=fields.SET_NULL, related_name=False, db_index=True
    )
    card = fields.ForeignKeyField(
        "models.BusinessCard", null=True, on_delete=fields.SET_NULL, related_name=False, db_index=True
    )

    class Meta:
        table = "sms_message"

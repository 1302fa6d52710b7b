import enum

from tortoise import fields
from tortoise.indexes import Index

from core.fields import LocalDatetimeField
from models.base import Record, Versioned, staff_field
from models.reception import Direction


class CallEventSource(enum.StrEnum):
    CTI = "cti"
    CENTREX = "centrex"
    RING = "ring"
    WEBHOOK = "webhook"  # an IP-PBX posting to /cti/<token>
    DIAL = "dial"  # 전화걸기 (click-to-dial) from Gogaek


class CallOutcome(enum.StrEnum):
    ANSWERED = "응답"
    MISSED = "부재중"
    UNKNOWN = "알 수 없음"  # the source never says (a serial CTI box reports only the ring)


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
    """One call (수신 or 발신) as reported by a source, after de-duplication: the 통화내역 row.

    `outcome`, `answered_at`, `ended_at` and `duration_seconds` are settled after the call by the
    sources that know them (Centrex call history, a PBX's answer/hangup); `staff` is who took it;
    a missed call stays on 부재중 전화 until `handled_at` is set (by a person, a call back or a
    reception written from it)."""

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
    direction = fields.CharEnumField(Direction, max_length=5, default=Direction.INBOUND)
    outcome = fields.CharEnumField(CallOutcome, max_length=10, default=CallOutcome.UNKNOWN)
    answered_at = LocalDatetimeField(null=True)
    ended_at = LocalDatetimeField(null=True)
    duration_seconds = fields.IntField(null=True)
    staff = staff_field()
    handled_at = LocalDatetimeField(null=True)
    handled_by = fields.ForeignKeyField(
        "models.Staff", null=True, on_delete=fields.RESTRICT, related_name=False
    )
    handled_memo = fields.CharField(max_length=255, default="")

    class Meta:
        table = "call_event"
        indexes = (
            # 부재중 전화: the open missed calls, newest first
            Index(fields=("outcome", "direction", "handled_at", "occurred_at"), name="call_event_missed"),
            # 통화내역 by period (the call-record migration rebuilt the table on SQLite, so every
            # index the table needs is declared here rather than left to db_index)
            # with direction and outcome, so a period's counts are read from the index alone (a
            # bare occurred_at lost to a skip-scan of call_event_missed: 350 ms at a million calls)
            Index(fields=("occurred_at", "direction", "outcome"), name="call_event_occurred"),
            # a customer's calls (통화·문자 tab) newest first
            Index(fields=("customer_id", "occurred_at"), name="call_event_customer"),
            # the calls of one number (customer tab over all its numbers, a call back)
            Index(fields=("digits", "occurred_at"), name="call_event_digits"),
            # a staff member's calls (통화 통계, 오늘); the column added later gets its index here
            Index(fields=("staff_id", "occurred_at"), name="call_event_staff"),
            Index(fields=("handled_by_id",), name="call_event_handled_by"),
        )


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
        # a customer's messages by number (통화·문자 tab)
        indexes = (Index(fields=("destination", "created_at"), name="sms_message_destination"),)

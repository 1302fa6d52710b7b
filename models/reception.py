import enum

from tortoise import fields
from tortoise.indexes import Index

from core.fields import LocalDatetimeField
from models.base import Record, Versioned, code_field, staff_field


class ReceptionState(enum.StrEnum):
    PENDING = "미처리"
    ON_HOLD = "보류"
    DONE = "완료"


class Direction(enum.StrEnum):
    INBOUND = "수신"
    OUTBOUND = "발신"


class CallSource(enum.StrEnum):
    MANUAL = "manual"
    CTI = "cti"
    CENTREX = "centrex"


NEWEST_INDEX = "reception_newest"


class Reception(Versioned, Record):
    """접수 / AS: one call or request from a customer and how it was handled."""

    received_at = LocalDatetimeField(db_index=True)
    direction = fields.CharEnumField(Direction, max_length=5, default=Direction.INBOUND)
    source = fields.CharEnumField(CallSource, max_length=10, default=CallSource.MANUAL)
    phone = fields.CharField(max_length=30, default="")
    phone_digits = fields.CharField(max_length=20, default="", db_index=True)
    extension = fields.CharField(max_length=20, default="")
    customer = fields.ForeignKeyField(
        "models.Customer", null=True, on_delete=fields.RESTRICT, related_name="receptions", db_index=True
    )
    contact_name = fields.CharField(max_length=50, default="")
    reception_type = code_field()
    route = code_field()
    category_large = code_field()
    category_medium = code_field()
    category_small = code_field()
    state = fields.CharEnumField(ReceptionState, max_length=5, default=ReceptionState.PENDING)
    inquiry = fields.TextField(default="")
    answer = fields.TextField(default="")
    receiver = staff_field()
    processor = staff_field()
    processed_at = LocalDatetimeField(null=True)
    call_event = fields.ForeignKeyField(
        "models.CallEvent", null=True, on_delete=fields.SET_NULL, related_name="receptions", db_index=True
    )

    class Meta:
        table = "reception"
        indexes = (
            ("customer_id", "received_at"),
            ("state", "received_at"),
            ("reception_type_id", "received_at"),
            ("receiver_id", "received_at"),
            # the log's 담당자 search scans this small index instead of the whole table
            ("contact_name",),
            # 고객접수현황 reads a period's receptions from these alone, never from the table:
            # per day and type, per customer, and (with the next one) per receiving staff
            ("received_at", "reception_type_id", "receiver_id", "state", "customer_id"),
            ("receiver_id", "received_at", "state"),
            # 오늘's 내 미완료 접수: the open receptions a staff member is to process, and those they
            # took and gave nobody (counted from the index alone)
            ("processor_id", "state", "received_at"),
            ("receiver_id", "state", "processor_id", "received_at"),
            # the log filtered by type and state together, newest first (bench)
            ("reception_type_id", "state", "received_at"),
            # a number typed from its area code, with a state or type: read from this index alone
            ("phone_digits", "state", "reception_type_id", "received_at"),
            # the log walked newest first checking customer, state and type in the index itself
            # (services.reception_log names it in INDEXED BY)
            Index(fields=("received_at", "customer_id", "state", "reception_type_id"), name=NEWEST_INDEX),
        )

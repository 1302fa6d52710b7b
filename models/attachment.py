import enum

from tortoise import fields

from models.base import Record


class AttachmentSlot(enum.StrEnum):
    RECEPTION_INQUIRY = "reception_inquiry"
    RECEPTION_ANSWER = "reception_answer"
    VISIT = "visit"


class Attachment(Record):
    """A file attached to a reception (inquiry or answer) or a visit report. Stored under the data
    folder as `stored_name` (generated), downloaded under `original_name` through an authenticated route."""

    slot = fields.CharEnumField(AttachmentSlot, max_length=20)
    owner_id = fields.IntField()
    original_name = fields.CharField(max_length=255)
    stored_name = fields.CharField(max_length=64, unique=True)
    size = fields.BigIntField()
    content_type = fields.CharField(max_length=100, default="application/octet-stream")

    class Meta:
        table = "attachment"
        indexes = (("slot", "owner_id"),)

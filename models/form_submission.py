"""Which record a "new" form already made: a form gets a token when it opens, and the create that
saves it writes (token, record) in the same transaction as the record. A repeated token (a double
click, a retry after a dropped connection) finds the record made the first time; the unique token
makes that exact even when both saves run at the same moment."""

from tortoise import fields
from tortoise.models import Model

from core.fields import LocalDatetimeField


class FormSubmission(Model):
    id = fields.IntField(primary_key=True)
    token = fields.CharField(max_length=64, unique=True)
    kind = fields.CharField(max_length=40)
    record_id = fields.IntField()
    created_at = LocalDatetimeField(auto_now_add=True)

    class Meta:
        table = "form_submission"

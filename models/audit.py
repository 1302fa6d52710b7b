from tortoise import fields
from tortoise.models import Model

from core.fields import LocalDatetimeField


class AuditEntry(Model):
    """One create/update/delete of one record, written by models.base.Record itself."""

    id = fields.BigIntField(primary_key=True)
    at = LocalDatetimeField(auto_now_add=True, db_index=True)
    actor_id = fields.IntField(null=True)
    actor_name = fields.CharField(max_length=50, default="")
    action = fields.CharField(max_length=10)
    table_name = fields.CharField(max_length=60)
    record_id = fields.IntField(null=True)
    changes = fields.JSONField(default=dict)

    class Meta:
        table = "audit_entry"
        indexes = (("table_name", "record_id"),)

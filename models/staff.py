import enum

from tortoise import fields

from core.fields import LocalDatetimeField
from models.base import Record, Versioned, code_field


class Role(enum.StrEnum):
    ADMIN = "admin"
    STAFF = "staff"


class Staff(Versioned, Record):
    """사원/사용자: a person who signs in."""

    login = fields.CharField(max_length=50, unique=True)
    name = fields.CharField(max_length=50)
    department = code_field()
    extension = fields.CharField(max_length=20, default="", db_index=True)
    mobile = fields.CharField(max_length=30, default="")
    email = fields.CharField(max_length=120, default="")
    role = fields.CharEnumField(Role, max_length=10, default=Role.STAFF)
    active = fields.BooleanField(default=True)
    password_hash = fields.CharField(max_length=255)
    password_changed_at = LocalDatetimeField(null=True)

    class Meta:
        table = "staff"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class StaffSession(Record):
    """A signed-in browser. Only a hash of the token is stored."""

    audited = False

    staff = fields.ForeignKeyField(
        "models.Staff", on_delete=fields.CASCADE, related_name="sessions", db_index=True
    )
    token_hash = fields.CharField(max_length=64, unique=True)
    last_seen_at = LocalDatetimeField()
    revoked_at = LocalDatetimeField(null=True)
    ip_address = fields.CharField(max_length=64, default="")
    user_agent = fields.CharField(max_length=255, default="")

    class Meta:
        table = "staff_session"

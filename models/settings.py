from tortoise import fields

from models.base import Record, Versioned


class AppSetting(Versioned, Record):
    """Office-wide settings edited in 설정 (company block, CTI, Centrex, backups), one JSON value per key."""

    key = fields.CharField(max_length=100, unique=True)
    value = fields.JSONField(default=dict)

    class Meta:
        table = "app_setting"

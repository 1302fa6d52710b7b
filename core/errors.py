"""Domain errors. Every message is Korean and meant to be shown to the user as is."""

from __future__ import annotations

from datetime import datetime

from core.korean import josa


class GogaekError(Exception):
    """Base class: `str(error)` is a Korean sentence for the user."""


class ValidationError(GogaekError):
    """Bad input. `fields` maps a field name to the message shown next to that field."""

    def __init__(self, fields: dict[str, str] | str, message: str | None = None) -> None:
        if isinstance(fields, str):
            fields = {"": fields}
        self.fields = fields
        super().__init__(message or " / ".join(fields.values()))


class StaleRecordError(GogaekError):
    """Someone else saved the record after it was opened (optimistic locking)."""

    def __init__(
        self,
        changed_by: str | None,
        changed_at: datetime | None,
        *,
        latest_version: int | None = None,
        differing: tuple[str, ...] = (),
    ) -> None:
        self.changed_by = changed_by
        self.changed_at = changed_at
        # to re-apply my edits on top of what is stored now: save again with `latest_version`;
        # `differing` names the fields where my values and the stored ones differ
        self.latest_version = latest_version
        self.differing = differing
        who = changed_by or "다른 사용자"
        when = f" {changed_at:%Y-%m-%d %H:%M}에" if changed_at else ""
        super().__init__(
            f"{who}님이{when} 이 자료를 먼저 수정했습니다. 입력한 내용은 그대로 있으니, "
            "새로 불러와 확인한 뒤 다시 저장하세요."
        )


class RecordDeleted(GogaekError):
    def __init__(self) -> None:
        super().__init__("이 자료는 다른 사용자가 삭제했습니다.")


class NotFound(GogaekError):
    def __init__(self, what: str = "자료") -> None:
        super().__init__(f"{what}{josa(what, '을')} 찾을 수 없습니다.")


class PermissionDenied(GogaekError):
    def __init__(self, message: str = "관리자만 사용할 수 있는 기능입니다.") -> None:
        super().__init__(message)


class InUseError(GogaekError):
    """A record referenced elsewhere cannot be deleted."""

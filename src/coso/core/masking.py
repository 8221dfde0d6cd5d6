"""Masking of personal identifiers (Decree 13/2023) and logging of personal-record reads."""

from __future__ import annotations

from typing import Any


def mask_citizen_id(value: str | None, user: Any) -> str:
    """Full CCCD for roles that need it; otherwise only the last 3 digits ("*********123").
    ``user=None`` masks for everyone (lists: the full number is shown only on one person's record)."""
    if not value:
        return ""
    if user is not None and getattr(user, "is_authenticated", False) and getattr(user, "sees_personal_data", False):
        return value
    return "*" * max(0, len(value) - 3) + value[-3:]


def log_personal_read(*, user: Any, obj: Any, reason: str = "") -> None:
    from coso.core.audit import audit_log
    from coso.core.models import AuditLog

    audit_log(actor=user, action=AuditLog.Action.VIEW, obj=obj, reason=reason)

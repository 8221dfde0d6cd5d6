"""Masking of personal identifiers (Decree 13/2023) and logging of personal-record reads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def sees_full_citizen_id(user: Any) -> bool:
    """Whether ``user`` is shown full CCCDs (``User.sees_personal_data``), i.e. whether ``mask_citizen_id`` keeps them."""
    return user is not None and bool(getattr(user, "is_authenticated", False) and getattr(user, "sees_personal_data", False))


def mask_citizen_id(value: str | None, user: Any) -> str:
    """Full CCCD for roles that need it; otherwise only the last 3 digits ("*********123").
    ``user=None`` masks for everyone (lists: the full number is shown only on one person's record)."""
    if not value:
        return ""
    if sees_full_citizen_id(user):
        return value
    return "*" * max(0, len(value) - 3) + value[-3:]


def log_personal_read(*, user: Any, obj: Any, reason: str = "") -> None:
    from coso.core.audit import audit_log
    from coso.core.models import AuditLog

    audit_log(actor=user, action=AuditLog.Action.VIEW, obj=obj, reason=reason)


def log_personal_list_read(*, user: Any, model: Any, what: str, count: int, filters: Mapping[str, Any] | None = None,
                           ids: Sequence[Any] = (), reason: str = "") -> None:
    """One read-log entry for a read of several records' full identifiers at once (an export with full CCCDs, a search
    by CCCD): what was read, how many records, the filter that chose them and (up to 200) their ids."""
    from coso.core.audit import audit_log
    from coso.core.models import AuditLog

    kept = {k: v for k, v in (filters or {}).items() if v not in ("", None)}
    audit_log(actor=user, action=AuditLog.Action.VIEW, object_type=model._meta.label, object_repr=f"{what}: {count}",
              after={"count": count, "filters": kept, "ids": list(ids)[:200]}, reason=reason)

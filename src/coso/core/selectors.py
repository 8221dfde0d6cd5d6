from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from coso.core.models import AuditLog
from coso.core.scoping import scoped


def _date(value: str) -> dt.date | None:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except (ValueError, TypeError):
            continue
    return None


def audit_list(*, fetched_by: Any, object_type: str = "", actor: str = "", action: str = "", date_from: str = "", date_to: str = "") -> QuerySet[AuditLog]:
    qs = scoped(AuditLog.objects.all(), fetched_by)
    if object_type:
        qs = qs.filter(object_type__icontains=object_type)
    if actor:
        qs = qs.filter(actor_name__icontains=actor)
    if action:
        qs = qs.filter(action=action)
    if (d := _date(date_from)) is not None:
        qs = qs.filter(at__date__gte=d)
    if (d := _date(date_to)) is not None:
        qs = qs.filter(at__date__lte=d)
    return qs

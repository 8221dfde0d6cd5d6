from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from coso.core.models import AuditLog
from coso.core.scoping import scoped


def _date(value: str) -> dt.date | None:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except (ValueError, TypeError):
            continue
    return None


def audit_list(
    *, fetched_by: Any, object_type: str = "", actor: str = "", action: str = "", verb: str = "", date_from: str = "", date_to: str = ""
) -> QuerySet[AuditLog]:
    """``verb``: part of an action code (``dossier-``) or of its label (core.audit_display.VERB_LABELS)."""
    qs = scoped(AuditLog.objects.all(), fetched_by)
    if object_type:
        qs = qs.filter(object_type__icontains=object_type)
    if actor:
        qs = qs.filter(actor_name__icontains=actor)
    if action:
        qs = qs.filter(action=action)
    if verb := verb.strip():
        from coso.core.audit_display import verbs_matching

        qs = qs.filter(Q(verb__icontains=verb) | Q(verb__in=verbs_matching(verb)))
    if (d := _date(date_from)) is not None:
        qs = qs.filter(at__date__gte=d)
    if (d := _date(date_to)) is not None:
        qs = qs.filter(at__date__lte=d)
    return qs

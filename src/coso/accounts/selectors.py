"""Reads of the accounts app: the staff accounts an administrator manages."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from coso.accounts.models import User
from coso.accounts.roles import STAFF_ROLES, Role
from coso.accounts.services import can_manage_accounts
from coso.core.text import nfc


def staff_scope_q(user: Any) -> Q:
    """Accounts ``user`` manages: every staff account for a system administrator; the staff of their
    province, except system administrators, for a province administrator; nothing for anyone else."""
    if not can_manage_accounts(user):
        return Q(pk__in=[])
    q = Q(role__in=STAFF_ROLES)
    if user.is_system_admin:
        return q
    if not user.province_code:
        return Q(pk__in=[])
    return q & Q(province_code=user.province_code) & ~Q(role=Role.SYSTEM_ADMIN) & Q(is_superuser=False)


def staff_list(*, fetched_by: Any, q: str = "", role: str = "", unit: str = "", status: str = "") -> QuerySet[User]:
    qs = User.objects.filter(staff_scope_q(fetched_by)).select_related("unit")
    if q:
        q = nfc(q.strip())
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q) | Q(email__icontains=q) | Q(phone__contains=q))
    if role:
        qs = qs.filter(role=role)
    if unit:
        qs = qs.filter(Q(commune_code=unit) | Q(unit__code=unit))
    if status == "active":
        qs = qs.filter(is_active=True)
    elif status == "inactive":
        qs = qs.filter(is_active=False)
    return qs.order_by("province_code", "commune_code", "username")


def staff_get(*, fetched_by: Any, pk: Any) -> User:
    """One managed account; anything else (another province, a citizen, a system administrator for a
    province administrator) is a 404."""
    try:
        return User.objects.filter(staff_scope_q(fetched_by)).select_related("unit").get(pk=int(pk))
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404 from None

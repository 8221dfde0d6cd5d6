from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from coso.accounts.roles import COMMUNE_ROLES, PROVINCE_ROLES, STAFF_ROLES, Role
from coso.core.scoping import NOTHING, get_scoped_or_404, scoped
from coso.core.text import fold
from coso.units.models import AdministrativeUnit, Village


def unit_list(*, fetched_by: Any, level: str = "commune", province_code: str = "", query: str = "") -> QuerySet[AdministrativeUnit]:
    """Units a user may browse: all for system admins, their province for province staff,
    their own commune (and its province) for commune staff. Reference data, so citizens
    and anonymous users may list provinces and communes too (public)."""
    qs = AdministrativeUnit.objects.filter(level=level)
    user = fetched_by
    if user is not None and getattr(user, "is_authenticated", False) and not user.is_superuser:
        if user.role in PROVINCE_ROLES:
            qs = qs.filter(province_code=user.province_code)
        elif user.role in COMMUNE_ROLES:
            qs = qs.filter(Q(code=user.commune_code) | Q(code=user.province_code, level="province"))
    if province_code:
        qs = qs.filter(province_code=province_code)
    if query:
        qs = qs.filter(name_folded__contains=fold(query))
    return qs.order_by("code")


def is_staff_user(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active and (user.is_superuser or user.role in STAFF_ROLES)


def commune_scope_q(user: Any) -> Q:
    """Communes a staff user may open: system admins all; province staff their province; commune staff their commune."""
    if not is_staff_user(user):
        return NOTHING
    if user.is_superuser or user.role == Role.SYSTEM_ADMIN:
        return Q()
    if user.role in PROVINCE_ROLES:
        return Q(province_code=user.province_code) if user.province_code else NOTHING
    return Q(code=user.commune_code) if user.commune_code else NOTHING


def commune_list(
    *, fetched_by: Any, query: str = "", province_code: str = "", kind: str = "", classification: str = ""
) -> QuerySet[AdministrativeUnit]:
    qs = AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.COMMUNE).filter(commune_scope_q(fetched_by))
    if province_code:
        qs = qs.filter(province_code=province_code)
    if kind:
        qs = qs.filter(kind=kind)
    if classification:
        qs = qs.filter(classification=classification)
    if query:
        qs = qs.filter(Q(name_folded__contains=fold(query)) | Q(code=query.strip()))
    return qs.annotate(village_count=Count("villages")).order_by("code")


def commune_get(*, fetched_by: Any, code: str) -> AdministrativeUnit:
    """One commune in the user's scope; another unit's commune → 404."""
    obj = AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.COMMUNE, code=str(code)).filter(commune_scope_q(fetched_by)).first()
    if obj is None:
        raise Http404
    return obj


def village_list(*, fetched_by: Any, commune_code: str = "", kind: str = "", query: str = "") -> QuerySet[Village]:
    qs = scoped(Village.objects.select_related("commune"), fetched_by)
    if commune_code:
        qs = qs.filter(commune_code=commune_code)
    if kind:
        qs = qs.filter(kind=kind)
    if query:
        qs = qs.filter(name_folded__contains=fold(query))
    return qs.order_by("commune_code", "name", "pk")


def village_get(*, fetched_by: Any, pk: Any) -> Village:
    return get_scoped_or_404(Village.objects.select_related("commune"), fetched_by, pk=pk)  # type: ignore[return-value]


def is_public_unit_reader(user: Any) -> bool:
    return user is None or not getattr(user, "is_authenticated", False) or user.role == Role.CITIZEN

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from coso.accounts.roles import COMMUNE_ROLES, PROVINCE_ROLES, Role
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
        from coso.core.text import fold

        qs = qs.filter(name_folded__contains=fold(query))
    return qs.order_by("code")


def village_list(*, fetched_by: Any, commune_code: str = "") -> QuerySet[Village]:
    from coso.core.scoping import scoped

    qs = scoped(Village.objects.select_related("commune"), fetched_by)
    if commune_code:
        qs = qs.filter(commune_code=commune_code)
    return qs


def is_public_unit_reader(user: Any) -> bool:
    return user is None or not getattr(user, "is_authenticated", False) or user.role == Role.CITIZEN

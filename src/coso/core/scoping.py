"""The one scoping mechanism every selector uses.

- system administrators see everything;
- province staff see rows whose ``province_code`` is their province's;
- commune staff see rows whose ``commune_code`` is their commune's;
- citizens see only rows they own (``owner_field``), nothing else;
- anonymous users see nothing (public pages use their own, explicitly public selectors).

Reaching an object outside the scope answers 404 (``get_scoped_or_404``), never 403,
so that the existence of another unit's data is not revealed.

Which kind of user is which comes from the user model's properties (``is_system_admin``,
``is_province_staff``, ``is_commune_staff``, ``is_citizen``: the roles are defined in ``coso.accounts``);
core does not import accounts.
"""

from __future__ import annotations

from typing import Any, TypedDict, TypeVar, cast

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from coso.core import errors

NOTHING = Q(pk__in=[])

_M = TypeVar("_M", bound=Model)


def scope_q(
    user: Any,
    *,
    province_field: str = "province_code",
    commune_field: str = "commune_code",
    owner_field: str | None = None,
) -> Q:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_system_admin:
        return Q()
    if user.is_province_staff:
        return Q(**{province_field: user.province_code}) if user.province_code else NOTHING
    if user.is_commune_staff:
        return Q(**{commune_field: user.commune_code}) if user.commune_code else NOTHING
    if user.is_citizen and owner_field:
        return Q(**{owner_field: user})
    return NOTHING


class Unit(TypedDict, total=False):
    province_code: str
    commune_code: str


def scope_unit(user: Any) -> Unit:
    """The unit :func:`scope_q` limits a staff user's rows to, as ``province_code`` / ``commune_code``
    values (for coso.core.search.search_filter); empty when the rows are not one unit's (a system
    administrator, a citizen's own rows) or when the user sees nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active or user.is_system_admin:
        return {}
    if user.is_province_staff:
        return {"province_code": user.province_code} if user.province_code else {}
    if user.is_commune_staff and user.commune_code:
        # a commune officer's province is their commune's (both come from their unit)
        return {"province_code": user.province_code or "", "commune_code": user.commune_code}
    return {}


def scoped(queryset: QuerySet[_M], user: Any, **kwargs: Any) -> QuerySet[_M]:
    return queryset.filter(scope_q(user, **kwargs))


def get_scoped_or_404(queryset: QuerySet[_M], user: Any, scope: dict[str, Any] | None = None, **lookup: Any) -> _M:
    try:
        return scoped(queryset, user, **(scope or {})).get(**lookup)
    except (cast(Any, queryset.model).DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def unit_codes_for(user: Any) -> tuple[str, str]:
    """(province_code, commune_code) the user acts for."""
    return getattr(user, "province_code", "") or "", getattr(user, "commune_code", "") or ""


def can_see_unit(user: Any, *, province_code: str, commune_code: str = "") -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_system_admin:
        return True
    if user.is_province_staff:
        return bool(user.province_code) and user.province_code == province_code
    if user.is_commune_staff:
        return bool(user.commune_code) and user.commune_code == commune_code
    return False


def require_roles(user: Any, *roles: str) -> None:
    """Raise PermissionDeniedError unless the user has one of ``roles``."""
    from coso.core.exceptions import PermissionDeniedError

    if user is None or not getattr(user, "is_authenticated", False):
        raise errors.NOT_AUTHENTICATED()
    if not (user.is_superuser or user.role in roles):
        raise PermissionDeniedError()

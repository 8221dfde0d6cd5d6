"""Reads of the accounts app: the staff accounts an administrator manages."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from coso.accounts.models import Delegation, User
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


def delegation_list(*, fetched_by: Any, state: str = "", on: Any = None) -> QuerySet[Delegation]:
    """Delegations of the user's unit (commune staff: their commune; province staff: their province;
    system administrators: all). Not secret inside the unit: everyone should know who signs for whom."""
    from django.utils import timezone

    from coso.core.scoping import scoped

    qs = scoped(Delegation.objects.select_related("delegator", "delegate", "revoked_by"), fetched_by)
    on = on or timezone.localdate()
    # A locked account (delegator or delegate), or a leader or a delegate no longer in post (another role, another
    # commune), ends the delegation's effect (services.delegation_active): listed as ended.
    locked = Q(delegator__is_active=False) | Q(delegate__is_active=False) | ~Delegation.holders_in_post_q()
    if state == "current":
        qs = qs.filter(starts_on__lte=on, ends_on__gte=on).filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=on)).exclude(locked)
    elif state == "upcoming":
        qs = qs.filter(starts_on__gt=on).filter(revoked_on__isnull=True).exclude(locked)
    elif state == "past":
        qs = qs.filter(Q(ends_on__lt=on) | Q(revoked_on__lte=on) | locked)
    return qs.order_by("-starts_on", "-id")


def delegation_get(*, fetched_by: Any, pk: Any) -> Delegation:
    from coso.core.scoping import get_scoped_or_404

    return get_scoped_or_404(Delegation.objects.select_related("delegator", "delegate", "revoked_by"), fetched_by, pk=pk)


def delegate_choices(*, fetched_by: Any) -> QuerySet[User]:
    """Whom a leader may delegate to: active staff of the same commune, except themselves."""
    from coso.accounts.roles import COMMUNE_ROLES

    if not getattr(fetched_by, "commune_code", ""):
        return User.objects.none()
    return (User.objects.filter(is_active=True, commune_code=fetched_by.commune_code, role__in=COMMUNE_ROLES)
            .exclude(pk=fetched_by.pk).order_by("full_name", "username"))


def commune_staff_accounts(*, commune_code: str) -> QuerySet[User]:
    """Active staff accounts of one commune (for pickers of other apps: a task's officer in charge)."""
    from coso.accounts.roles import COMMUNE_ROLES

    if not commune_code:
        return User.objects.none()
    return User.objects.filter(is_active=True, commune_code=commune_code, role__in=COMMUNE_ROLES).order_by("full_name", "username")


def citizen_account_id(citizen_id: str) -> int | None:
    """The id of the one active citizen account with this citizen id (CCCD); None when there is none or more than one (a
    dossier received at the counter then joins nobody's "my dossiers"). Only the id is read."""
    if not citizen_id:
        return None
    from coso.accounts.roles import Role

    ids = list(User.objects.filter(role=Role.CITIZEN, citizen_id=citizen_id, is_active=True).values_list("pk", flat=True)[:2])
    return ids[0] if len(ids) == 1 else None


def province_reader(province_code: str) -> User:
    """A read-only principal that sees one province as its home-affairs department does, for figures that are shown
    only as aggregates over the province's communes (the province's average of the commune-strength index beside a
    commune's own: ``coso.indices.selectors.strength_comparison``). Never saved, it cannot sign in or write: writes
    are audited under a saved actor, and its ``pk`` is None. Whatever reads with it must not show any other unit's rows
    or figures one by one."""
    reader = User(username="", role=Role.PROVINCE_HOME_AFFAIRS, province_code=province_code, is_active=True)
    reader.set_unusable_password()
    reader.is_aggregate_reader = True  # type: ignore[attr-defined]
    reader.save = _read_only  # type: ignore[method-assign]
    return reader


def _read_only(*args: Any, **kwargs: Any) -> None:
    raise RuntimeError("province_reader() is a read-only principal and is never saved")


def sessions_of(*, user: Any, current_session_key: str = "") -> list[dict[str, Any]]:
    """The account's signed-in browser sessions, newest sign-in first: where it is signed in now. A session that has
    expired, or that a password change or "Đăng xuất khỏi các thiết bị khác" ended (its stored hash no longer matches the
    account's), is not listed: it signs nobody in any more. API tokens are not sessions."""
    from django.contrib.auth import HASH_SESSION_KEY
    from django.utils import timezone
    from django.utils.crypto import constant_time_compare

    from coso.accounts.models import SignInSession
    from coso.accounts.sessions import SessionStore, device_label, session_id

    if user is None or not getattr(user, "is_authenticated", False):
        return []
    store, current_hash = SessionStore(), user.get_session_auth_hash()
    rows: list[dict[str, Any]] = []
    for row in SignInSession.objects.filter(user_id=user.pk, expire_date__gt=timezone.now()):
        if not constant_time_compare(str(store.decode(row.session_data).get(HASH_SESSION_KEY, "")), current_hash):
            continue
        browser, system = device_label(row.device)
        rows.append({"id": session_id(row.session_key), "signed_in_at": row.signed_in_at, "expires_at": row.expire_date,
                     "browser": browser, "system": system, "user_agent": row.device, "ip": row.ip or "",
                     "current": bool(current_session_key) and row.session_key == current_session_key, "_key": row.session_key})
    rows.sort(key=lambda r: (not r["current"], -(r["signed_in_at"].timestamp() if r["signed_in_at"] else 0)))
    return rows

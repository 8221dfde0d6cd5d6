"""Writes of the accounts app: staff accounts (create, edit, deactivate, reactivate, password links,
bulk creation from the workforce register or an Excel file), two-factor sign-in (TOTP with recovery
codes, django-otp) and citizens' self-registration with a one-time code.

Who manages whom: a system administrator manages every staff account; a province administrator
manages the accounts of their own province's units (province offices and communes) and can never
grant, edit or disable a system administrator.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Exists
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from coso.accounts import errors as accounts_errors
from coso.accounts.models import Delegation, SignupCode, User
from coso.accounts.roles import ADMIN_ROLES, COMMUNE_ROLES, PROVINCE_ROLES, STAFF_ROLES, Role
from coso.core import locks, ratelimit
from coso.core.audit import audit_log, audited_create, audited_update
from coso.core.excel import read_rows, workbook_bytes
from coso.core.exceptions import ApplicationError, NotFoundError
from coso.core.models import AuditLog
from coso.core.notify import notify
from coso.core.params import FIRST_DAY, INT_MAX, LAST_DAY
from coso.core.text import fold, nfc

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._@+-]{2,149}$")
PHONE_RE = re.compile(r"^0[0-9]{9}\Z")  # ASCII digits: \d also takes full-width and other scripts' digits
CITIZEN_ID_RE = re.compile(r"^[0-9]{12}\Z")
EDITABLE_FIELDS = ("full_name", "email", "phone", "citizen_id", "role", "unit")

# Which account role a person of the workforce register gets by default, from their position
# (Decree 150/2025 offices; Decree 33/2023 titles). The administrator can choose another role.
POSITION_ROLES = {
    "ct_ubnd": Role.COMMUNE_LEADER,
    "pct_ubnd": Role.COMMUNE_LEADER,
    "cv_ttphc": Role.ONESTOP_OFFICER,
    "pgd_ttphc": Role.ONESTOP_OFFICER,
    "tc_kt": Role.COMMUNE_FINANCE,
    "cv_kinh_te": Role.COMMUNE_FINANCE,
    "tp_kinh_te": Role.COMMUNE_FINANCE,
    "vp_tk": Role.COMMUNE_HOME_AFFAIRS,
    "cvp": Role.COMMUNE_HOME_AFFAIRS,
}


# ------------------------------------------------------------------ who manages whom
def can_manage_accounts(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active and (user.is_superuser or user.role in ADMIN_ROLES))


def _require_manager(actor: Any) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise accounts_errors.NOT_AUTHENTICATED()
    if not can_manage_accounts(actor):
        raise accounts_errors.REQUIRE_MANAGER_FORBIDDEN()


def grantable_roles(actor: Any) -> list[str]:
    """Staff roles ``actor`` may give: those of a lower level than their own (see :func:`outranks`). A province
    administrator can never grant system administration, nor province administration (another account they would
    stand level with)."""
    if not can_manage_accounts(actor):
        return []
    roles = [r for r in Role.values if r in STAFF_ROLES]
    if not actor.is_system_admin:
        roles = [r for r in roles if _level(r) < _level(actor.role)]
    return roles


def _level(role: str, *, superuser: bool = False) -> int:
    """An account's level in account management: system administration (national), province administration, the
    other staff roles."""
    if superuser or role == Role.SYSTEM_ADMIN:
        return 2
    return 1 if role == Role.PROVINCE_ADMIN else 0


def outranks(actor: Any, target: User) -> bool:
    """Whether ``actor``'s level lets them manage ``target``'s account (besides being in their scope, see
    :func:`can_manage_user`): an administrator manages the accounts of lower roles, so that a province administrator
    cannot reset the password of, edit or lock another province administrator of the province (and take the account
    over); only a system administrator manages province administrators, and the system administrators one another (no
    level above them). Nobody manages an account of a higher level."""
    if actor.is_system_admin:
        return True
    return _level(target.role, superuser=target.is_superuser) < _level(actor.role)


def require_outranks(actor: Any, target: User) -> None:
    """Refuse (403) to manage ``target``'s account unless ``actor`` outranks them (see :func:`outranks`)."""
    if not outranks(actor, target):
        raise accounts_errors.ACCOUNT_LEVEL_FORBIDDEN()


def manageable_units(actor: Any) -> Any:
    """Units whose accounts ``actor`` manages (province and commune level), ordered province first."""
    from coso.units.selectors import unit_list

    if not can_manage_accounts(actor):
        return []
    province_code = "" if actor.is_system_admin else actor.province_code
    if not actor.is_system_admin and not province_code:
        return []
    provinces = list(unit_list(fetched_by=actor, level="province", province_code=province_code))
    communes = list(unit_list(fetched_by=actor, level="commune", province_code=province_code))
    return provinces + communes


def can_manage_user(actor: Any, target: User) -> bool:
    if not can_manage_accounts(actor) or target.role == Role.CITIZEN:
        return False
    if actor.is_system_admin:
        return True
    if target.is_system_admin:
        return False
    return bool(actor.province_code) and target.province_code == actor.province_code


def _unit_codes(role: str, unit: Any) -> tuple[str, str]:
    if role == Role.SYSTEM_ADMIN or unit is None:
        return "", ""
    province = unit.province_code or unit.code
    return province, unit.code if unit.level == "commune" else ""


def _check_role_unit(actor: Any, role: str, unit: Any) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if role not in STAFF_ROLES:
        errors["role"] = [_("Vai trò không hợp lệ cho tài khoản cán bộ.")]
        return errors
    if role not in grantable_roles(actor):
        errors["role"] = [_("Bạn không được cấp vai trò này.")]
        return errors
    if role == Role.SYSTEM_ADMIN:
        if unit is not None:
            errors["unit"] = [_("Quản trị hệ thống không gắn với đơn vị nào.")]
        return errors
    if unit is None:
        errors["unit"] = [_("Chọn đơn vị của tài khoản.")]
    elif role in COMMUNE_ROLES and unit.level != "commune":
        errors["unit"] = [_("Vai trò cấp xã phải gắn với một xã, phường, đặc khu.")]
    elif role in PROVINCE_ROLES and unit.level != "province":
        errors["unit"] = [_("Vai trò cấp tỉnh phải gắn với một tỉnh, thành phố.")]
    elif not actor.is_system_admin and (unit.province_code or unit.code) != actor.province_code:
        errors["unit"] = [_("Đơn vị ngoài phạm vi quản lý của bạn.")]
    return errors


def normalize_phone(value: str) -> str:
    digits = re.sub(r"[\s.\-()]", "", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


# What the account's columns hold: a longer value is refused on its field, not by full_clean() at the write.
FULL_NAME_MAX = User._meta.get_field("full_name").max_length or 200
USERNAME_MAX = User._meta.get_field("username").max_length or 150
EMAIL_MAX = User._meta.get_field("email").max_length or 254


def _clean_contact(data: dict[str, Any], errors: dict[str, list[str]]) -> None:
    if data.get("email"):
        data["email"] = data["email"].strip().lower()
        try:
            validate_email(data["email"])
            if len(data["email"]) > EMAIL_MAX:  # validate_email lets up to 320 characters through
                raise ValidationError("too long")
        except ValidationError:
            errors.setdefault("email", []).append(_("Địa chỉ thư điện tử không hợp lệ."))
    if data.get("phone"):
        data["phone"] = normalize_phone(data["phone"])
        if not PHONE_RE.match(data["phone"]):
            errors.setdefault("phone", []).append(_("Số điện thoại phải có 10 chữ số, bắt đầu bằng 0."))
    if data.get("citizen_id"):
        data["citizen_id"] = str(data["citizen_id"]).strip()
        if not CITIZEN_ID_RE.match(data["citizen_id"]):
            errors.setdefault("citizen_id", []).append(_("Số CCCD gồm 12 chữ số."))
    if "full_name" in data:
        data["full_name"] = nfc(str(data["full_name"] or "").strip())
        if not data["full_name"]:
            errors.setdefault("full_name", []).append(_("Nhập họ và tên."))
        elif len(data["full_name"]) > FULL_NAME_MAX:
            errors.setdefault("full_name", []).append(_("Họ và tên tối đa %(n)s ký tự.") % {"n": FULL_NAME_MAX})


def _raise_fields(errors: dict[str, list[str]]) -> None:
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, code="validation-error", details={"fields": errors})


def password_link(user: User) -> str:
    """A one-time link to set a password (Django's token generator: the token stops working once the
    password changes or the user signs in, and after PASSWORD_RESET_TIMEOUT)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    from coso.core.public_url import absolute

    return absolute(reverse("accounts:password_set", args=[uid, token]))


def _send_link(user: User, *, new: bool) -> dict[str, Any]:
    link = password_link(user)
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    if new:
        text = _("Coso: tài khoản %(username)s đã được tạo cho bạn. Đặt mật khẩu tại %(link)s (dùng một lần, trong %(hours)s giờ).")
    else:
        text = _("Coso: đặt lại mật khẩu cho tài khoản %(username)s tại %(link)s (dùng một lần, trong %(hours)s giờ).")
    text = text % {"username": user.username, "link": link, "hours": hours}
    channels = notify(text=text, subject=_("Coso: đặt mật khẩu"), email=user.email, phone=user.phone)
    # Without a working channel the administrator hands the link over in person (shown once, never stored).
    return {"channels": channels, "link": None if channels else link}


# ------------------------------------------------------------------ staff accounts
def _validate_new(actor: Any, data: dict[str, Any], taken: set[str] | None = None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    username = str(data.get("username") or "").strip().lower()
    data["username"] = username
    if not USERNAME_RE.match(username):
        errors["username"] = [_("Tên đăng nhập gồm 3–150 ký tự: chữ thường không dấu, số, dấu chấm, gạch dưới, gạch ngang.")]
    elif User.objects.filter(username__iexact=username).exists() or (taken is not None and username in taken):
        errors["username"] = [_username_taken()]
    _clean_contact(data, errors)
    holder = _staff_citizen_id_taken(data.get("citizen_id") or "") if "citizen_id" not in errors else None
    if holder is not None:
        errors["citizen_id"] = [_staff_citizen_id_taken_message(actor, holder)]
    errors.update({k: v for k, v in _check_role_unit(actor, data.get("role", ""), data.get("unit")).items() if k not in errors})
    return errors


def _staff_citizen_id_taken(citizen_id: str, *, exclude: int | None = None) -> User | None:
    """The other staff account that already has this CCCD, if any: one person, one staff account (as the accounts created
    from the register, and the sign-in through VNeID, which finds a person by CCCD)."""
    if not citizen_id:
        return None
    qs = User.objects.filter(citizen_id=citizen_id).exclude(role=Role.CITIZEN)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.order_by("pk").first()


def _staff_citizen_id_taken_message(actor: Any, holder: User) -> str:
    """Why the CCCD is refused. Only an account the actor manages is named as such: of one outside the actor's scope (another
    province's) the answer says no more than that the number cannot be used, as the workforce register answers for a CCCD of
    another unit, so that the refusal does not confirm that this person has an account elsewhere."""
    if can_manage_user(actor, holder):
        return _("Số CCCD đã thuộc một tài khoản cán bộ khác.")
    return _("Số CCCD không dùng được cho tài khoản này (kiểm tra lại 12 chữ số; nếu đúng, liên hệ quản trị hệ thống).")


def _username_taken() -> str:
    return _("Tên đăng nhập đã được dùng.")


def _create_unless_taken(user: User, *, actor: Any, verb: str) -> User | None:
    """``audited_create`` of a new account whose user name the caller found free; None (and nothing written) when another
    request created that name meanwhile, after the caller's checks (refused by ``full_clean``) or between ``full_clean``
    and the INSERT (the unique index). The write runs in a savepoint, so that on PostgreSQL the caller's transaction
    stays usable after the IntegrityError."""
    try:
        with transaction.atomic():
            return audited_create(user, actor=actor, verb=verb)
    except (IntegrityError, ValidationError):
        if User.objects.filter(username__iexact=user.username).exists():
            return None
        raise


def _build_user(data: dict[str, Any]) -> User:
    role = data["role"]
    unit = data.get("unit") if role != Role.SYSTEM_ADMIN else None
    province, commune = _unit_codes(role, unit)
    user = User(
        username=data["username"], full_name=data["full_name"], email=data.get("email", ""), phone=data.get("phone", ""),
        citizen_id=data.get("citizen_id", ""), role=role, unit=unit, province_code=province, commune_code=commune,
        is_staff=role == Role.SYSTEM_ADMIN,
    )
    user.set_unusable_password()
    return user


@transaction.atomic
def staff_create(*, actor: Any, username: str, full_name: str, role: str, unit: Any = None, email: str = "", phone: str = "",
                 citizen_id: str = "") -> tuple[User, dict[str, Any]]:
    """Create a staff account without a password and send the one-time link to set one.

    Returns the user and ``{"channels": [...], "link": str | None}`` (the link only when no channel
    could deliver it, so that the administrator hands it over)."""
    _require_manager(actor)
    # One check and creation of a user name at a time: two at once (a double click) would both find it free.
    locks.lock(User, "accounts.username", str(username or "").strip().lower())
    data = {"username": username, "full_name": full_name, "role": role, "unit": unit, "email": email, "phone": phone, "citizen_id": citizen_id}
    _raise_fields(_validate_new(actor, data))
    user = audited_create(_build_user(data), actor=actor, verb="staff_create")
    return user, _send_link(user, new=True)


@transaction.atomic
def staff_update(*, actor: Any, user: User, **changes: Any) -> User:
    _require_manager(actor)
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not can_manage_user(actor, locked):
        raise NotFoundError()
    require_outranks(actor, locked)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise accounts_errors.STAFF_UPDATE_INVALID_FIELDS(f=", ".join(sorted(unknown)))
    data = {**{k: getattr(locked, k) for k in EDITABLE_FIELDS}, **changes}
    errors: dict[str, list[str]] = {}
    _clean_contact(data, errors)
    holder = (_staff_citizen_id_taken(data.get("citizen_id") or "", exclude=locked.pk)
              if "citizen_id" not in errors and data.get("citizen_id") != locked.citizen_id else None)
    if holder is not None:
        errors["citizen_id"] = [_staff_citizen_id_taken_message(actor, holder)]
    role_changed = data["role"] != locked.role or data["unit"] != locked.unit
    if role_changed:
        if locked.pk == actor.pk:
            errors.setdefault("role", []).append(_("Bạn không tự đổi vai trò hoặc đơn vị của mình."))
        else:
            for k, v in _check_role_unit(actor, data["role"], data["unit"]).items():
                errors.setdefault(k, []).extend(v)
        if locked.is_system_admin and data["role"] != Role.SYSTEM_ADMIN and locked.is_active:
            _keep_one_system_admin(locked)
    _raise_fields(errors)
    province, commune = _unit_codes(data["role"], data["unit"])
    data.update(province_code=province, commune_code=commune, is_staff=data["role"] == Role.SYSTEM_ADMIN)
    if data["role"] == Role.SYSTEM_ADMIN:
        data["unit"] = None
    moved_to = data["unit"] if data["unit"] is not None and data["unit"].level == "commune" and data["unit"] != locked.unit else None
    # out of the communes, to a province-level unit or to system administration (no unit): the person no longer works in
    # the commune whose register lists them
    moved_out = bool(locked.commune_code) and (data["unit"] is None or data["unit"].level != "commune")
    former = locked.commune_code
    updated = audited_update(locked, actor=actor, changes=data, verb="staff_update")
    if former and updated.commune_code != former:
        _dossiers_released(actor, updated, former, reason=f"Chuyển tài khoản {updated.username} khỏi xã"[:100])
    if moved_to is not None:
        _register_follows(actor, updated, moved_to)
    if moved_out:
        _register_leaves(actor, updated, data["unit"])
    return updated


def account_follows_transfer(*, actor: Any, user_id: int, commune_code: str, decision: str = "") -> bool:
    """A transfer recorded in the workforce register (an appointment or transfer decision applied, Decree 170/2025 on
    civil servants) moves the person's commune staff account to the new commune, so that they sign in to the commune where
    they now work, with its queue and data, and the former one's no longer. Called by the register within its change; the
    decision is the authority, so the actor need not manage accounts. An account at province level, a system
    administrator, a locked account or one already there is left alone. Audited ``staff_update`` with the decision as
    the reason. Returns whether the account moved."""
    from django.http import Http404

    from coso.units.selectors import commune_get

    locked = User.objects.select_for_update().filter(pk=user_id).first()
    if locked is None or not locked.is_active or locked.role not in COMMUNE_ROLES or locked.commune_code == commune_code:
        return False
    try:
        unit = commune_get(fetched_by=actor, code=commune_code)  # the register already checked the actor's scope
    except Http404:
        return False
    province, commune = _unit_codes(locked.role, unit)
    former = locked.commune_code
    audited_update(locked, actor=actor, verb="staff_update", reason=decision,
                   changes={"unit": unit, "province_code": province, "commune_code": commune})
    _dossiers_released(actor, locked, former, reason=decision)
    return True


def _dossiers_released(actor: Any, user: User, commune_code: str, *, reason: str) -> None:
    """The former commune's open dossiers assigned to an account that no longer works there (moved or deactivated) wait
    again for their step's role in that commune (``coso.dossiers.services.release_assignments``), in the same change."""
    from coso.dossiers.services import release_assignments

    release_assignments(actor=actor, user=user, commune_code=commune_code, reason=reason)


def _register_follows(actor: Any, user: User, commune: Any) -> None:
    """The workforce register entry linked to an account moved to another commune moves with it (the same change: the new
    commune lists the person, the former one no longer does, an open evaluation follows). A transfer the register refuses
    refuses the account's move on its unit field; the caller's transaction then writes nothing."""
    from coso.workforce.services import people_follow_account

    try:
        people_follow_account(actor=actor, user=user, commune_code=commune.code,
                              decision=f"Chuyển tài khoản {user.username} sang {commune.name}"[:100])
    except ApplicationError as exc:
        _raise_fields({"unit": [_("Không chuyển được hồ sơ của người này trong danh sách cán bộ, công chức sang đơn vị mới: %(reason)s")
                                % {"reason": exc.message}]})


def _register_leaves(actor: Any, user: User, unit: Any) -> None:
    """The workforce register entry linked to an account moved from a commune to a province-level unit, or made a system
    administrator (``unit`` None: no unit, so no receiving unit is recorded), ends in the same change: transferred out on
    this day (the commune's register, quota and review no longer count the person). An end the register refuses refuses
    the account's change on its unit field (its role field for a system administrator); the caller's transaction then
    writes nothing."""
    from coso.workforce.services import people_leave_with_account

    if unit is None:
        unit_name, field, decision = "", "role", f"Chuyển tài khoản {user.username} thành quản trị hệ thống"
    else:
        unit_name, field, decision = unit.name, "unit", f"Chuyển tài khoản {user.username} sang {unit.name}"
    try:
        people_leave_with_account(actor=actor, user=user, unit_name=unit_name, decision=decision[:100])
    except ApplicationError as exc:
        _raise_fields({field: [_("Không kết thúc được hồ sơ của người này trong danh sách cán bộ, công chức của xã: %(reason)s")
                                % {"reason": exc.message}]})


def _keep_one_system_admin(target: User) -> None:
    # One such change at a time: two administrators deactivating (or demoting) each other at once would each still see
    # the other active, and leave nobody.
    locks.lock(User, "accounts.system_admins", "all")
    others = User.objects.filter(is_active=True).filter(role=Role.SYSTEM_ADMIN).exclude(pk=target.pk).exists()
    if not others:
        raise accounts_errors.LAST_SYSTEM_ADMIN()


@transaction.atomic
def staff_deactivate(*, actor: Any, user: User, reason: str = "") -> User:
    _require_manager(actor)
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not can_manage_user(actor, locked):
        raise NotFoundError()
    if locked.pk == actor.pk:
        raise accounts_errors.SELF_DEACTIVATE()
    require_outranks(actor, locked)
    if not locked.is_active:
        raise accounts_errors.ALREADY_INACTIVE()
    if locked.role == Role.SYSTEM_ADMIN:
        _keep_one_system_admin(locked)
    former = locked.commune_code
    updated = audited_update(locked, actor=actor, changes={"is_active": False}, verb="staff_deactivate", reason=nfc(reason))
    _dossiers_released(actor, updated, former, reason=nfc(reason) or f"Khoá tài khoản {updated.username}")
    return updated


@transaction.atomic
def staff_reactivate(*, actor: Any, user: User, reason: str = "") -> User:
    _require_manager(actor)
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not can_manage_user(actor, locked):
        raise NotFoundError()
    require_outranks(actor, locked)
    if locked.is_active:
        raise accounts_errors.ALREADY_ACTIVE()
    from coso.accounts.backends import unlock

    unlock(locked.username)
    return audited_update(locked, actor=actor, changes={"is_active": True},
                          verb="staff_reactivate", reason=nfc(reason))


@transaction.atomic
def password_reset_send(*, actor: Any, user: User) -> dict[str, Any]:
    """An administrator sends a one-time link to set a new password. The old password keeps working
    until the link is used (nobody is locked out by a mistaken click); the link dies once used, once
    the user signs in, or after PASSWORD_RESET_TIMEOUT."""
    _require_manager(actor)
    if not can_manage_user(actor, user):
        raise NotFoundError()
    if user.pk == actor.pk:
        raise accounts_errors.OWN_PASSWORD_FORBIDDEN()
    require_outranks(actor, user)
    if not user.is_active:
        raise accounts_errors.INACTIVE()
    result = _send_link(user, new=False)
    audit_log(actor=actor, action=AuditLog.Action.ACTION, obj=user, verb="password_reset_send",
              after={"channels": result["channels"], "handed_over": result["link"] is not None})
    return result


def password_reset_request(*, identifier: str, ip: str = "") -> None:
    """Self-service "forgot password": send a link if the username, e-mail or phone matches an active
    account. Always silent about whether an account exists; rate-limited per identifier and IP."""
    identifier = (identifier or "").strip()
    if not identifier:
        raise accounts_errors.PASSWORD_RESET_REQUEST_VALIDATION_ERROR(details={"fields": {"identifier": [_("Bắt buộc.")]}})
    key = fold(identifier)
    _rate(f"coso:pwreset:id:{_digest(key)}", 3, 3600)
    if ip:
        _rate(f"coso:pwreset:ip:{ip}", settings.COSO_SIGNUP_MAX_PER_IP_HOUR, 3600)
    phone = normalize_phone(identifier)
    user = (User.objects.filter(username__iexact=identifier).first()
            or User.objects.filter(email__iexact=identifier).exclude(email="").first()
            or (User.objects.filter(phone=phone).first() if PHONE_RE.match(phone) else None))
    if user is None or not user.is_active:
        return
    _send_link(user, new=False)
    audit_log(actor=None, action=AuditLog.Action.ACTION, obj=user, verb="password_reset_request", ip=ip or None)


def password_set_done(*, user: User, ip: str = "") -> None:
    from coso.accounts.backends import unlock

    unlock(user.username)  # the one-time link proved the owner: lift any sign-in lock
    audit_log(actor=user, action=AuditLog.Action.ACTION, obj=user, verb="password_set", ip=ip or None,
              province_code=user.province_code, commune_code=user.commune_code)


# ------------------------------------------------------------------ my account (the signed-in person's own)
# What a person changes on their own account. A staff account is an official record: the name, role, unit and CCCD
# number are the administrator's (``staff_update``); the person keeps their contact details current. A citizen also
# corrects their name; the CCCD number is not typed by them here.
PROFILE_FIELDS_STAFF = ("email", "phone")
PROFILE_FIELDS_CITIZEN = ("full_name", "email", "phone")
CHANGE_ATTEMPTS_SCOPE = "password-change"  # rate limit (coso.core.ratelimit) of wrong current passwords, per account


def profile_fields(user: Any) -> tuple[str, ...]:
    """The fields of their own account ``user`` may change (see :func:`profile_update`)."""
    if user.role == Role.CITIZEN and not user.is_superuser:
        return PROFILE_FIELDS_CITIZEN
    return PROFILE_FIELDS_STAFF


def _require_signed_in(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        raise accounts_errors.NOT_AUTHENTICATED()


def _field_label(name: str) -> str:
    try:
        field = User._meta.get_field(name)
    except FieldDoesNotExist:  # a name that is no column (unit_code, a typo): said as it was sent
        return name[:50]
    return str(getattr(field, "verbose_name", name))


def _contact_of_another(user: User, field: str, value: str) -> bool:
    """Whether ``value`` (an e-mail or phone) already names another account: as at sign-up, the address or number signs
    that account in (citizens' user names are their phone or e-mail) and receives its password links."""
    others = User.objects.exclude(pk=user.pk)
    if field == "email":
        return others.filter(email__iexact=value).exists() or others.filter(username__iexact=value).exists()
    return others.filter(phone=value).exists() or others.filter(username=value).exists()


CONTACT_FIELDS = ("email", "phone")  # where password links and sign-in codes go: changed only with the current password


def profile_update(*, user: Any, data: dict[str, Any], current_password: str | None = None, ip: str = "") -> User:
    """The signed-in ``user`` changes their own account: e-mail and phone (staff), also the full name (citizens).

    Any other field in ``data`` refuses the whole change (``field-not-editable``, with the fields and those allowed);
    values are checked and normalised as in the staff form; a citizen cannot take a phone or e-mail of another account.
    A new e-mail or phone also needs the account's current password (``current_password``, counted like the password
    change's attempts): the "Quên mật khẩu" link goes there, so a session left open must not be enough to take the
    account. The old e-mail and phone are told of the change. Audited as ``profile_update`` with the person as actor."""
    _require_signed_in(user)
    allowed = profile_fields(user)
    refused = sorted(str(k) for k in data if k not in allowed)
    if refused:
        shown = refused[:10]
        labels = ", ".join(_field_label(k) for k in shown)
        error = accounts_errors.PROFILE_FIELD_NOT_EDITABLE_CITIZEN if allowed == PROFILE_FIELDS_CITIZEN else accounts_errors.PROFILE_FIELD_NOT_EDITABLE_STAFF
        raise error(f=labels, details={"fields": {k[:50]: [_("Bạn không tự sửa được trường này.")] for k in shown}, "allowed": list(allowed)})
    changes = {k: "" if data[k] is None else str(data[k]) for k in allowed if k in data}
    errors: dict[str, list[str]] = {}
    _clean_contact(changes, errors)
    _raise_fields(errors)
    old_contacts = {f: getattr(user, f) or "" for f in CONTACT_FIELDS}
    new_contacts = [f for f in CONTACT_FIELDS if f in changes and changes[f].lower() != old_contacts[f].lower()]
    if new_contacts:  # before the transaction: a wrong password's count and audit entry stay
        if not user.has_usable_password():
            raise accounts_errors.NO_PASSWORD(field="current_password")
        _check_current_password(user, current_password, ip=ip, field="current_password")
    old_username = user.username
    with transaction.atomic():
        if new_contacts and user.role == Role.CITIZEN:
            # A citizen's phone and e-mail sign in (their user name is one of them): one account takes a value at a time,
            # here and at sign-up, so that two people taking the same number at once get "contact-taken", not both.
            values = {changes.get(f, old_contacts[f]) for f in CONTACT_FIELDS}
            locks.lock(User, "accounts.username", *sorted(v.lower() for v in values if v))
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.role == Role.CITIZEN:
            for field in new_contacts:
                if changes[field] and _contact_of_another(locked, field, changes[field]):
                    raise accounts_errors.PROFILE_CONTACT_TAKEN(field=field)
            username = _citizen_username_after(locked, old_contacts, changes)
            if username != locked.username:
                changes = {**changes, "username": username}
        updated = audited_update(locked, actor=locked, changes=changes, verb="profile_update")
        if new_contacts:
            transaction.on_commit(lambda: _tell_old_contacts(old_username, old_contacts, new_contacts))
    for k in changes:  # the caller's object (request.user) shows the new values too
        setattr(user, k, getattr(updated, k))
    return updated


def sessions_end_others(*, user: Any, ip: str = "") -> User:
    """"Đăng xuất khỏi các thiết bị khác": every session of the account opened before ends at its next request (a PC at
    the one-stop desk or in a meeting room left signed in), without a password change. The caller keeps its own session
    when it re-saves the new hash (``update_session_auth_hash``); a call with an API token has none, so all end. API
    tokens are not sessions and keep working. Audited as ``sessions_end_others``."""
    _require_signed_in(user)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.session_epoch += 1
        locked.save(update_fields=["session_epoch"])
        audit_log(actor=locked, action=AuditLog.Action.ACTION, obj=locked, verb="sessions_end_others", ip=ip or None,
                  province_code=locked.province_code, commune_code=locked.commune_code)
    user.session_epoch = locked.session_epoch  # the caller's object (request.user) hashes as the account now does
    return locked


def session_end(*, user: Any, session_id: str, current_session_key: str = "", ip: str = "") -> dict[str, Any]:
    """"Đăng xuất thiết bị này": end one of the account's other sessions (the one-stop desk PC left signed in) at once; its
    browser is signed out at its next request. Only the account's own sessions, found by the id the list shows; the session
    making the call is refused (that is "Đăng xuất"). Audited as ``session_end`` with the device and the sign-in time."""
    from coso.accounts.models import SignInSession
    from coso.accounts.selectors import sessions_of

    _require_signed_in(user)
    found = next((s for s in sessions_of(user=user, current_session_key=current_session_key) if s["id"] == session_id), None)
    if found is None:
        raise accounts_errors.SESSION_NOT_FOUND()
    if found["current"]:
        raise accounts_errors.SESSION_CURRENT()
    with transaction.atomic():
        SignInSession.objects.filter(session_key=found["_key"], user_id=user.pk).delete()
        device = " · ".join(p for p in (found["browser"], found["system"], found["ip"]) if p)
        audit_log(actor=user, action=AuditLog.Action.ACTION, obj=user, verb="session_end", ip=ip or None,
                  before={"session": found["id"], "device": device or found["user_agent"][:100],
                          "signed_in_at": found["signed_in_at"].isoformat() if found["signed_in_at"] else ""},
                  province_code=user.province_code, commune_code=user.commune_code)
    return {key: value for key, value in found.items() if not key.startswith("_")}


def sessions_clear_expired() -> int:
    """Delete the expired sessions (what Django's ``clearsessions`` does), returning how many: the daily job's work."""
    from coso.accounts.models import SignInSession

    deleted, _by_model = SignInSession.objects.filter(expire_date__lt=timezone.now()).delete()
    return int(deleted)


def _citizen_username_after(user: User, old: dict[str, str], changes: dict[str, str]) -> str:
    """A citizen signs in with the phone or e-mail they signed up with: it is their user name. When that contact changes,
    the user name follows it: to the new value, or, when it is cleared, to the other contact if there is one. The person
    signs in with what they have now, and the old number (operators give numbers to new subscribers) is free for its next
    owner. A user name that is no contact of the account stays, as does one whose successor cannot be a user name (an
    e-mail over 150 characters or with a character user names refuse) or already is another account's."""
    current = user.username
    for field in CONTACT_FIELDS:
        if field not in changes or not old[field] or current.lower() != old[field].lower():
            continue
        other = "phone" if field == "email" else "email"
        candidate = changes[field] or changes.get(other, old[other])
        if not candidate or candidate.lower() == current.lower() or len(candidate) > USERNAME_MAX:
            return current
        try:
            User.username_validator(candidate)
        except ValidationError:
            return current
        if User.objects.exclude(pk=user.pk).filter(username__iexact=candidate).exists():
            return current
        return candidate
    return current


def _tell_old_contacts(username: str, old: dict[str, str], changed: list[str]) -> None:
    """Tell the old e-mail and phone of an account that its contact details changed (not what they became: the account is
    named by its user name before the change, which may have been the old phone or e-mail)."""
    labels = {"email": _("thư điện tử"), "phone": _("số điện thoại")}
    what = ", ".join(str(labels[f]) for f in changed)
    text = _("Coso: %(what)s của tài khoản %(username)s vừa được đổi. Nếu không phải bạn đổi, hãy báo ngay quản trị hệ thống "
             "hoặc cơ quan đã cấp tài khoản.") % {"what": what, "username": username}
    notify(text=text, subject=_("Coso: thông tin tài khoản đã thay đổi"), email=old["email"], phone=old["phone"])


def _password_change_window() -> int:
    return int(settings.LOGIN_LOCKOUT_MINUTES) * 60


def _check_current_password(user: Any, password: str | None, *, ip: str, field: str) -> None:
    """The account's current password, or ``wrong-password`` on ``field``. Wrong ones are counted like sign-in failures
    (LOGIN_MAX_FAILURES per LOGIN_LOCKOUT_MINUTES for the account, shared cache; the password change and the change of
    contact details count together): beyond, even the right one waits (429). Each wrong one is audited as
    ``password_change_failed``. Not in the caller's transaction: the count and the audit entry stay when it refuses."""
    key, limit, window = str(user.pk), int(settings.LOGIN_MAX_FAILURES), _password_change_window()

    def refuse() -> ApplicationError:
        wait = max(1, ratelimit.remaining(CHANGE_ATTEMPTS_SCOPE, key, seconds=window))
        return accounts_errors.PASSWORD_CHANGE_RATE_LIMITED(m=max(1, -(-wait // 60)), details={"retry_after": wait})

    # An attempt is counted before the password is checked, so that parallel attempts cannot check more passwords than
    # the limit; the right one clears the count.
    if ratelimit.count(CHANGE_ATTEMPTS_SCOPE, key) >= limit:
        raise refuse()
    if ratelimit.hit(CHANGE_ATTEMPTS_SCOPE, key, seconds=window) > limit:
        raise refuse()
    if not user.check_password(password or ""):
        audit_log(actor=user, action=AuditLog.Action.ACTION, obj=user, verb="password_change_failed", ip=ip or None,
                  province_code=user.province_code, commune_code=user.commune_code)
        raise accounts_errors.WRONG_PASSWORD(field=field)
    ratelimit.reset(CHANGE_ATTEMPTS_SCOPE, key)


def password_change(*, user: Any, old: str, new: str, ip: str = "") -> User:
    """The signed-in ``user`` changes their password: the current one first (Django's PasswordChangeForm), then the new
    one through AUTH_PASSWORD_VALIDATORS. Wrong current passwords are counted like sign-in failures (LOGIN_MAX_FAILURES
    per LOGIN_LOCKOUT_MINUTES for the account, shared cache): beyond, even the right one waits (429). Audited as
    ``password_change`` (a wrong current password as ``password_change_failed``), never with a password.

    The caller keeps its own session (``update_session_auth_hash``); every other session of the account ends at its
    next request, since Django checks each session against the password hash. API tokens are not affected."""
    _require_signed_in(user)
    if not user.has_usable_password():
        raise accounts_errors.NO_PASSWORD()
    _check_current_password(user, old, ip=ip, field="old_password")
    errors: dict[str, list[str]] = {}
    try:
        validate_password(new or "", user)
    except ValidationError as exc:
        errors["new_password"] = [str(m) for m in exc.messages]
    _raise_fields(errors)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one change of the account at a time
        user.set_password(new)
        user.save(update_fields=["password"])
        audit_log(actor=user, action=AuditLog.Action.ACTION, obj=user, verb="password_change", ip=ip or None,
                  province_code=user.province_code, commune_code=user.commune_code)
    return user


# ------------------------------------------------------------------ bulk creation
def suggest_username(full_name: str, taken: set[str]) -> str:
    """"Nguyễn Văn An" → "an.nv" (given name, then initials), with a number if taken."""
    parts = fold(full_name).replace("đ", "d").split()
    if not parts:
        parts = ["canbo"]
    base = parts[-1] + ("." + "".join(p[0] for p in parts[:-1]) if len(parts) > 1 else "")
    base = re.sub(r"[^a-z0-9.]", "", base) or "canbo"
    if len(base) < 3:
        base = base + "cb"
    candidate, n = base, 1
    while candidate in taken or User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    taken.add(candidate)
    return candidate


def suggest_role(position_code: str) -> str:
    return POSITION_ROLES.get(position_code, Role.SPECIALIST)


@transaction.atomic
def staff_bulk_from_register(*, actor: Any, commune_code: str, person_ids: Iterable[Any], role: str = "") -> list[dict[str, Any]]:
    """Create one account per selected person of the workforce register and link the person to it.

    ``role`` empty: each person gets the role suggested by their position. All or nothing.
    Returns one row per account: username, full name, channels, link (handed over in person)."""
    from coso.workforce.selectors import people_for_accounts
    from coso.workforce.services import person_link_user

    _require_manager(actor)
    unit = next((u for u in manageable_units(actor) if u.code == commune_code and u.level == "commune"), None)
    if unit is None:
        raise accounts_errors.STAFF_BULK_FROM_REGISTER_NOT_FOUND()
    ids = sorted({int(i) for i in person_ids})
    if not ids:
        raise accounts_errors.NOTHING_SELECTED()
    # An id past what the id column holds is nobody's (and would fail in the database): it is reported as unavailable.
    people = {p.pk: p for p in people_for_accounts(fetched_by=actor, commune_code=commune_code, ids=[i for i in ids if 0 < i <= INT_MAX])}
    missing = [i for i in ids if i not in people]
    if missing:
        raise accounts_errors.PEOPLE_UNAVAILABLE(details={"ids": missing})
    taken: set[str] = set()
    created = []
    for pk in ids:
        person = people[pk]
        data = {"username": suggest_username(person.full_name, taken), "full_name": person.full_name,
                "role": role or suggest_role(person.position_code), "unit": unit, "citizen_id": person.citizen_id}
        holder = _staff_citizen_id_taken(data["citizen_id"]) if data["citizen_id"] else None
        if holder is not None and can_manage_user(actor, holder):
            raise accounts_errors.DUPLICATE_CCCD(name=person.full_name, details={"person": pk})
        errors = _validate_new(actor, data)
        if errors:
            raise accounts_errors.STAFF_BULK_FROM_REGISTER_VALIDATION_ERROR(name=person.full_name, msg=next(iter(errors.values()))[0], details={"person": pk, "fields": errors})
        user = _create_unless_taken(_build_user(data), actor=actor, verb="staff_create_from_register")
        if user is None:  # the suggested name was given meanwhile to an account created by another request
            errors = {"username": [_username_taken()]}
            raise accounts_errors.STAFF_BULK_FROM_REGISTER_VALIDATION_ERROR(name=person.full_name, msg=errors["username"][0], details={"person": pk, "fields": errors})
        person_link_user(actor=actor, person=person, user=user)
        created.append((pk, user))
    # The links go out once every account is written: a batch refused half-way sends nothing.
    return [{"user": user, "person_id": pk, **_send_link(user, new=True)} for pk, user in created]


IMPORT_COLUMNS = ["Tên đăng nhập", "Họ và tên", "Vai trò", "Mã đơn vị", "Thư điện tử", "Số điện thoại", "Số CCCD"]
_COLUMN_FIELDS = dict(zip(IMPORT_COLUMNS, ["username", "full_name", "role", "unit", "email", "phone", "citizen_id"], strict=True))


def _role_lookup() -> dict[str, str]:
    out = {}
    for value, label in Role.choices:
        out[value] = value
        out[fold(str(label))] = value
    return out


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def import_template_bytes(actor: Any) -> bytes:
    roles = [[str(Role(r).label), r] for r in grantable_roles(actor)]
    units = [[u.code, u.name, str(u.get_level_display())] for u in manageable_units(actor)]
    return workbook_bytes([
        {"title": "Tai khoan", "headers": IMPORT_COLUMNS,
         "rows": [["an.nv", "Nguyễn Văn An", str(Role.ONESTOP_OFFICER.label), units[-1][0] if units else "", "an.nv@example.vn", "0912345678", ""]],
         "widths": [18, 28, 28, 12, 28, 16, 16]},
        {"title": "Vai tro", "headers": ["Vai trò", "Mã"], "rows": roles, "widths": [34, 24]},
        {"title": "Don vi", "headers": ["Mã đơn vị", "Tên", "Cấp"], "rows": units, "widths": [12, 40, 28]},
    ])


@transaction.atomic
def staff_import(*, actor: Any, data: bytes) -> list[dict[str, Any]]:
    """Create accounts from an Excel file (template: :func:`import_template_bytes`).

    All or nothing: if any row is wrong nothing is created, and every error names its row and column."""
    _require_manager(actor)
    records = read_rows(data, expected_headers=IMPORT_COLUMNS, max_rows=5000)
    if not records:
        raise accounts_errors.EMPTY_EXCEL(details={"rows": []})
    roles = _role_lookup()
    units = {u.code: u for u in manageable_units(actor)}
    errors: list[dict[str, Any]] = []
    prepared: list[dict[str, Any]] = []
    taken: set[str] = set()
    seen_cccd: dict[str, int] = {}
    field_columns = {v: k for k, v in _COLUMN_FIELDS.items()}
    for record in records:
        row = record["_row"]
        values = {field: _cell(record.get(col)) for col, field in _COLUMN_FIELDS.items()}
        item: dict[str, Any] = dict(values)
        row_errors: dict[str, list[str]] = {}
        role_text = values["role"]
        item["role"] = roles.get(role_text) or roles.get(fold(role_text)) or ""
        if not item["role"]:
            row_errors["role"] = [_("Vai trò không có trong danh mục (xem trang “Vai tro”).")]
        unit_code = values["unit"]
        item["unit"] = units.get(unit_code) if unit_code else None
        if unit_code and item["unit"] is None:
            row_errors["unit"] = [_("Mã đơn vị không có hoặc ngoài phạm vi quản lý.")]
        for k, v in _validate_new(actor, item, taken).items():
            if k not in row_errors and not (k == "role" and "role" in row_errors):
                row_errors[k] = v
        for fieldname, msgs in row_errors.items():
            column = field_columns.get(fieldname, fieldname)
            for m in msgs:
                errors.append({"row": row, "column": column, "value": values.get(fieldname, ""), "message": str(m)})
        cccd = item.get("citizen_id") or ""
        if cccd and "citizen_id" not in row_errors:
            if cccd in seen_cccd:  # one person twice in the file: two accounts
                errors.append({"row": row, "column": field_columns["citizen_id"], "value": values["citizen_id"],
                               "message": _("Trùng số CCCD với dòng %(row)s trong tệp") % {"row": seen_cccd[cccd]}})
            else:
                seen_cccd[cccd] = row
        taken.add(item["username"])
        prepared.append({**item, "_row": row, "_typed": values["username"]})
    if errors:
        raise accounts_errors.IMPORT_ERRORS(n=len(errors), details={"rows": errors})
    users = []
    for item in prepared:
        user = _create_unless_taken(_build_user(item), actor=actor, verb="staff_import")
        if user is None:  # the name was given meanwhile to an account created by another request: the row's error
            errors.append({"row": item["_row"], "column": field_columns["username"], "value": item["_typed"], "message": _username_taken()})
        else:
            users.append(user)
    if errors:
        raise accounts_errors.IMPORT_ERRORS(n=len(errors), details={"rows": errors})
    # The links go out once every account is written: a file refused half-way sends nothing.
    out = [{"user": user, **_send_link(user, new=True)} for user in users]
    audit_log(actor=actor, action=AuditLog.Action.ACTION, object_type="accounts.User", verb="staff_import_file",
              after={"created": [r["user"].username for r in out]})
    return out


# ------------------------------------------------------------------ two-factor sign-in
def otp_required_for(user: Any) -> bool:
    """Administrators must sign in with a second factor (settings.COSO_OTP_REQUIRED_ROLES)."""
    if user is None or not getattr(user, "is_authenticated", True):
        return False
    return bool(user.is_superuser or user.role in settings.COSO_OTP_REQUIRED_ROLES)


def otp_allowed_for(user: Any) -> bool:
    return bool(user is not None and (user.is_superuser or user.role in STAFF_ROLES))


def totp_device(user: User, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-id").first()


def otp_enabled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_begin(*, user: User) -> TOTPDevice:
    """The device being enrolled (unconfirmed until the user types a code from it)."""
    if not otp_allowed_for(user):
        raise accounts_errors.TOTP_BEGIN_FORBIDDEN()
    if otp_enabled(user):
        raise accounts_errors.OTP_ALREADY_ENABLED()
    device = totp_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)
    return device


def totp_secret(device: TOTPDevice) -> str:
    """The base32 secret to type into an authenticator app by hand."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def totp_qr_data_uri(device: TOTPDevice) -> str:
    import segno

    return str(segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2))


RECOVERY_CODE_LENGTH = 10


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Mã khôi phục", confirmed=True)
    codes = []
    for _i in range(settings.COSO_RECOVERY_CODES):
        raw = secrets.token_hex(RECOVERY_CODE_LENGTH // 2)  # 10 hex characters, 40 bits each
        codes.append(f"{raw[:5]}-{raw[5:]}")
        StaticToken.objects.create(device=device, token=raw)
    return codes


@transaction.atomic
def totp_confirm(*, user: User, token: str, ip: str = "") -> list[str]:
    """Confirm the enrolment with a code from the app; returns fresh recovery codes (shown once)."""
    device = totp_device(user, confirmed=False)
    if device is None:
        raise accounts_errors.OTP_NOT_STARTED()
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not device.verify_token(_digits(token)):
        raise accounts_errors.OTP_INVALID(details={"fields": {"token": [_("Mã không đúng.")]}})
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    audit_log(actor=user, action=AuditLog.Action.ACTION, obj=user, verb="otp_enrol", ip=ip or None,
              province_code=user.province_code, commune_code=user.commune_code)
    return codes


def _digits(token: str) -> str:
    return re.sub(r"\s", "", str(token or ""))


def otp_verify(*, user: User, token: str) -> Any:
    """The device that accepts ``token`` (the TOTP app or a one-time recovery code), or None.

    django-otp throttles failures per device (growing delays) and refuses a TOTP code already used."""
    from django_otp import verify_token

    token = _digits(token)
    if not token:
        return None
    recovery = token.replace("-", "").lower()
    # A recovery code is 10 hex characters (see _new_recovery_codes), a TOTP code 6 digits: by its length, since about
    # one recovery code in a hundred is digits only and, typed without its dash, would otherwise be taken for a TOTP code.
    if token.isdigit() and len(recovery) != RECOVERY_CODE_LENGTH:
        device = totp_device(user)
        return verify_token(user, device.persistent_id, token) if device is not None else None
    static = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if static is None:
        return None
    return verify_token(user, static.persistent_id, recovery)


@transaction.atomic
def recovery_codes_regenerate(*, user: User, token: str) -> list[str]:
    if not otp_enabled(user):
        raise accounts_errors.OTP_NOT_ENABLED()
    if otp_verify(user=user, token=token) is None:
        raise accounts_errors.OTP_INVALID(details={"fields": {"token": [_("Mã không đúng.")]}})
    codes = _new_recovery_codes(user)
    audit_log(actor=user, action=AuditLog.Action.ACTION, obj=user, verb="otp_recovery_codes",
              province_code=user.province_code, commune_code=user.commune_code)
    return codes


@transaction.atomic
def otp_disable(*, user: User, token: str) -> None:
    """A user for whom 2FA is optional turns it off (proving possession with a current code)."""
    if otp_required_for(user):
        raise accounts_errors.OTP_REQUIRED()
    if otp_verify(user=user, token=token) is None:
        raise accounts_errors.OTP_INVALID(details={"fields": {"token": [_("Mã không đúng.")]}})
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_log(actor=user, action=AuditLog.Action.ACTION, obj=user, verb="otp_disable",
              province_code=user.province_code, commune_code=user.commune_code)


@transaction.atomic
def otp_reset(*, actor: Any, user: User, reason: str = "") -> None:
    """An administrator removes someone's authenticator and recovery codes (lost phone). Administrators
    then enrol again at their next sign-in; others sign in with the password only until they do."""
    _require_manager(actor)
    if not can_manage_user(actor, user):
        raise NotFoundError()
    if user.pk == actor.pk:
        raise accounts_errors.SELF_OTP_RESET()
    require_outranks(actor, user)
    if not reason.strip():
        raise accounts_errors.OTP_RESET_VALIDATION_ERROR(details={"fields": {"reason": [_("Bắt buộc.")]}})
    removed = TOTPDevice.objects.filter(user=user).count() + StaticDevice.objects.filter(user=user).count()
    if not removed:
        raise accounts_errors.OTP_NOT_ENABLED()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_log(actor=actor, action=AuditLog.Action.ACTION, obj=user, verb="otp_reset", reason=nfc(reason.strip()))


# ------------------------------------------------------------------ citizens' self-registration
def _digest(value: str) -> str:
    from django.utils.crypto import salted_hmac

    return salted_hmac("coso.accounts.rate", value).hexdigest()[:24]


def _rate(key: str, limit: int, window: int) -> None:
    """Count one event under ``key`` in the shared cache (``coso.core.ratelimit``: a window is started with ``add`` and
    every event counted with ``incr``, never written over); refuse beyond ``limit`` per ``window`` seconds."""
    if ratelimit.hit("accounts", key, seconds=window) > limit:
        raise accounts_errors.RATE_LIMITED(details={"retry_after": window})


def parse_contact(value: str) -> tuple[str, str]:
    """("sms", "09xxxxxxxx") or ("email", "a@b.vn"); raises for anything else."""
    value = (value or "").strip()
    if "@" in value:
        email = value.lower()
        try:
            validate_email(email)
        except ValidationError:
            pass
        else:
            # The address becomes the user name: one the user name cannot hold (over 150 characters, or with a character
            # such as an apostrophe that e-mail allows) is refused here, before a code is sent for an account never made.
            try:
                User.username_validator(email)
                if len(email) > USERNAME_MAX:
                    raise ValidationError("too long")
            except ValidationError:
                message = _("Địa chỉ thư điện tử này không dùng làm tên đăng nhập được (tối đa %(n)s ký tự: chữ, số và . @ + - _); "
                            "hãy dùng số điện thoại di động.") % {"n": USERNAME_MAX}
                raise ApplicationError(message, code="validation-error", details={"fields": {"contact": [message]}}) from None
            return SignupCode.Channel.EMAIL, email
    else:
        phone = normalize_phone(value)
        if PHONE_RE.match(phone):
            return SignupCode.Channel.SMS, phone
    message = _("Nhập số điện thoại di động (10 chữ số) hoặc địa chỉ thư điện tử.")
    raise ApplicationError(message, code="validation-error", details={"fields": {"contact": [message]}})


def _contact_taken(channel: str, destination: str) -> bool:
    if channel == SignupCode.Channel.EMAIL:
        return User.objects.filter(email__iexact=destination).exists() or User.objects.filter(username__iexact=destination).exists()
    return User.objects.filter(phone=destination).exists() or User.objects.filter(username=destination).exists()


def signup_send_code(*, contact: str, ip: str = "") -> SignupCode:
    """Send a 6-digit code to the phone (SMS) or e-mail. Rate limits (shared cache): one code per
    COSO_SIGNUP_RESEND_SECONDS and COSO_SIGNUP_MAX_PER_HOUR per destination, COSO_SIGNUP_MAX_PER_IP_HOUR per IP."""
    channel, destination = parse_contact(contact)
    if _contact_taken(channel, destination):
        message = _("Số điện thoại hoặc thư điện tử này đã có tài khoản. Hãy đăng nhập hoặc dùng “Quên mật khẩu”.")
        raise ApplicationError(message, code="contact-taken", details={"fields": {"contact": [message]}})
    dest_key = _digest(destination)
    wait = settings.COSO_SIGNUP_RESEND_SECONDS
    if not cache.add(f"coso:signup:wait:{dest_key}", 1, wait):
        raise accounts_errors.SIGNUP_SEND_CODE_RATE_LIMITED(s=wait, details={"retry_after": wait})
    _rate(f"coso:signup:dest:{dest_key}", settings.COSO_SIGNUP_MAX_PER_HOUR, 3600)
    if ip:
        _rate(f"coso:signup:ip:{ip}", settings.COSO_SIGNUP_MAX_PER_IP_HOUR, 3600)
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        SignupCode.objects.filter(destination=destination, used_at__isnull=True).update(used_at=timezone.now())
        record = SignupCode.objects.create(
            channel=channel, destination=destination, code_hash=SignupCode.hash(destination, code),
            expires_at=timezone.now() + dt.timedelta(minutes=settings.COSO_SIGNUP_CODE_MINUTES),
        )
    text = _("Coso: mã xác minh đăng ký tài khoản của bạn là %(code)s (hiệu lực %(m)s phút). Không chia sẻ mã này với ai.") % {
        "code": code, "m": settings.COSO_SIGNUP_CODE_MINUTES}
    used = notify(text=text, subject=_("Coso: mã xác minh"), **({"email": destination} if channel == SignupCode.Channel.EMAIL else {"phone": destination}))
    if not used:
        raise accounts_errors.DELIVERY_FAILED()
    return record


def signup_complete(*, contact: str, code: str, full_name: str, password: str, ip: str = "") -> User:
    """Check the code and create the citizen account (username = the phone number or e-mail).

    A wrong code counts as an attempt even though the request fails; after
    COSO_SIGNUP_CODE_ATTEMPTS wrong codes, or COSO_SIGNUP_CODE_MINUTES, the code is dead."""
    channel, destination = parse_contact(contact)
    invalid = accounts_errors.CODE_INVALID(details={"fields": {"code": [_("Mã không đúng hoặc đã hết hạn.")]}})
    full_name = nfc((full_name or "").strip())
    candidate = User(username=destination, full_name=full_name, role=Role.CITIZEN,
                     email=destination if channel == SignupCode.Channel.EMAIL else "",
                     phone=destination if channel == SignupCode.Channel.SMS else "")
    errors: dict[str, list[str]] = {}
    if not full_name:
        errors["full_name"] = [_("Nhập họ và tên.")]
    elif len(full_name) > FULL_NAME_MAX:
        errors["full_name"] = [_("Họ và tên tối đa %(n)s ký tự.") % {"n": FULL_NAME_MAX}]
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        errors["password"] = [str(m) for m in exc.messages]
    _raise_fields(errors)  # form errors do not use up an attempt
    with transaction.atomic():
        locks.lock(User, "accounts.username", destination.lower())  # as a citizen taking this contact in "my account"
        record = SignupCode.objects.select_for_update().filter(destination=destination, used_at__isnull=True).order_by("-id").first()
        now = timezone.now()
        if record is None or record.expires_at <= now or record.attempts >= settings.COSO_SIGNUP_CODE_ATTEMPTS:
            raise invalid
        if not secrets.compare_digest(record.code_hash, SignupCode.hash(destination, _digits(code))):
            record.attempts += 1
            record.save(update_fields=["attempts"])
            matched = False
        else:
            matched = True
            if _contact_taken(channel, destination):
                raise accounts_errors.CONTACT_TAKEN(details={"fields": {"contact": [_("Đã có tài khoản.")]}})
            record.used_at = now
            record.save(update_fields=["used_at"])
            candidate.set_password(password)
            user = audited_create(candidate, actor=None, verb="citizen_signup")
            audit_log(actor=user, action=AuditLog.Action.ACTION, obj=user, verb="citizen_signup_verified", ip=ip or None,
                      after={"channel": channel})
    if not matched:
        raise invalid
    return user


# ------------------------------------------------------------------ delegation of authority (ủy quyền)
DELEGATOR_ROLES = Delegation.DELEGATOR_ROLES


def can_delegate(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active and user.role in DELEGATOR_ROLES
                and user.commune_code)


def _overlapping(delegator: User, actions: list[str], procedure_codes: list[str], starts_on: dt.date, ends_on: dt.date,
                 exclude: int | None = None) -> Delegation | None:
    """A live delegation of the same leader that covers one of the same actions (and procedures) on a common day."""
    candidates = Delegation.objects.select_related("delegate").filter(delegator=delegator, starts_on__lte=ends_on, ends_on__gte=starts_on)
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude)
    for other in candidates:
        if other.last_day < max(starts_on, other.starts_on):
            continue  # ended before the common days
        if not set(other.actions) & set(actions):
            continue
        if other.procedure_codes and procedure_codes and not set(other.procedure_codes) & set(procedure_codes):
            continue
        return other
    return None


@transaction.atomic
def delegation_create(*, actor: Any, delegate: User, kind: str, actions: list[str], starts_on: dt.date, ends_on: dt.date,
                      procedure_codes: list[str] | None = None, delegator_title: str = "", delegate_title: str = "",
                      decision_number: str = "", note: str = "", today: dt.date | None = None) -> Delegation:
    """A leader hands named actions to a deputy (KT.) or to the head of a subordinate unit (TUQ.) for a date
    range. Refused: no actions, dates backwards or in the past, a delegate of another unit, oneself, a
    TUQ. without the written decision, and any overlap with the leader's other live delegations."""
    today = today or timezone.localdate()
    if not can_delegate(actor):
        raise accounts_errors.DELEGATION_CREATE_FORBIDDEN()
    errors: dict[str, list[str]] = {}
    actions = sorted(set(actions or []))
    codes = sorted({c.strip() for c in (procedure_codes or []) if c and c.strip()})
    if not actions:
        errors["actions"] = [_("Chọn ít nhất một việc được ủy quyền.")]
    elif set(actions) - set(Delegation.Action.values):
        errors["actions"] = [_("Việc được ủy quyền không hợp lệ.")]
    if kind not in Delegation.Kind.values:
        errors["kind"] = [_("Chọn hình thức ủy quyền.")]
    if delegate is None or delegate.pk == actor.pk:
        errors["delegate"] = [_("Chọn người khác để ủy quyền.")]
    elif not delegate.is_active or delegate.commune_code != actor.commune_code or delegate.role not in COMMUNE_ROLES:
        errors["delegate"] = [_("Người được ủy quyền phải là cán bộ đang làm việc của cùng xã.")]
    elif kind == Delegation.Kind.DEPUTY and delegate.role != Role.COMMUNE_LEADER:
        errors["delegate"] = [_("Ký thay (KT.) chỉ giao cho cấp phó (lãnh đạo UBND xã).")]
    if kind == Delegation.Kind.AUTHORISED and not decision_number.strip():
        errors["decision_number"] = [_("Ủy quyền ký (TUQ.) phải bằng văn bản: ghi số văn bản ủy quyền.")]
    if starts_on is None or ends_on is None:
        errors["starts_on"] = [_("Nhập thời hạn ủy quyền.")]
    else:
        if ends_on < starts_on:
            errors["ends_on"] = [_("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")]
        if starts_on < today:
            errors["starts_on"] = [_("Không ủy quyền lùi ngày (bắt đầu trước hôm nay).")]
        # The project's span of dates (coso.core.params): a delegation "until 9999" is no date range.
        out_of_range = _("Ngày phải trong khoảng %(first)s–%(last)s.") % {"first": FIRST_DAY.strftime("%d/%m/%Y"),
                                                                          "last": LAST_DAY.strftime("%d/%m/%Y")}
        for field, day in (("starts_on", starts_on), ("ends_on", ends_on)):
            if day > LAST_DAY:
                errors.setdefault(field, [out_of_range])
    if codes and Delegation.Action.DOSSIER_APPROVE not in actions:
        errors["procedure_codes"] = [_("Danh sách thủ tục chỉ dùng cho việc phê duyệt hồ sơ.")]
    elif codes:
        from coso.procedures.selectors import procedure_codes_exist

        unknown = sorted(set(codes) - procedure_codes_exist(codes))
        if unknown:
            errors["procedure_codes"] = [_("Không có thủ tục mã: %(c)s") % {"c": ", ".join(unknown)}]
    if len(nfc((note or "").strip())) > Delegation.NOTE_MAX_LENGTH:
        errors["note"] = [str(accounts_errors.DELEGATION_NOTE_TOO_LONG) % {"limit_value": Delegation.NOTE_MAX_LENGTH}]
    _raise_fields(errors)
    delegator_title = delegator_title.strip() or "Chủ tịch"
    if kind == Delegation.Kind.DEPUTY:
        delegate_title = delegate_title.strip() or "Phó Chủ tịch"
    elif not delegate_title.strip():
        raise accounts_errors.DELEGATION_CREATE_VALIDATION_ERROR(details={"fields": {"delegate_title": [_("Bắt buộc.")]}})
    # One of the leader's delegations at a time is checked against the others and created: two at once (a double click)
    # would otherwise each miss the other.
    locks.lock(Delegation, "accounts.delegation", str(actor.pk))
    other = _overlapping(actor, actions, codes, starts_on, ends_on)
    if other is not None:
        raise accounts_errors.DELEGATION_OVERLAP(name=other.delegate.display_name, a=other.starts_on.strftime("%d/%m/%Y"), b=other.last_day.strftime("%d/%m/%Y"), details={"delegation": other.pk})
    delegation = Delegation(
        delegator=actor, delegate=delegate, kind=kind, actions=actions, procedure_codes=codes, starts_on=starts_on, ends_on=ends_on,
        delegator_title=nfc(delegator_title.strip()), delegate_title=nfc(delegate_title.strip()), decision_number=nfc(decision_number.strip()),
        note=nfc(note.strip()), province_code=actor.province_code, commune_code=actor.commune_code,
    )
    return audited_create(delegation, actor=actor, verb="delegation_create")


@transaction.atomic
def delegation_end(*, actor: Any, delegation: Delegation, reason: str, on: dt.date | None = None) -> Delegation:
    """End a delegation early: from ``on`` (default today) the delegate can no longer use it. What the
    delegate did before stays valid. Only the leader who gave it (or a system administrator) ends it."""
    today = timezone.localdate()
    on = on or today
    locked = Delegation.objects.select_for_update().select_related("delegator", "delegate").get(pk=delegation.pk)
    if not (actor.pk == locked.delegator_id or actor.is_system_admin):
        raise accounts_errors.DELEGATION_END_FORBIDDEN()
    if locked.revoked_on is not None:
        raise accounts_errors.ALREADY_ENDED(d=locked.revoked_on.strftime("%d/%m/%Y"))
    if locked.ends_on < today:
        raise accounts_errors.ALREADY_EXPIRED(d=locked.ends_on.strftime("%d/%m/%Y"))
    if on < today:
        raise accounts_errors.DELEGATION_END_VALIDATION_ERROR(details={"fields": {"on": [_("Từ hôm nay trở đi.")]}})
    if on > locked.ends_on:
        raise accounts_errors.DELEGATION_END_VALIDATION_ERROR_2(details={"fields": {"on": [_("Quá ngày hết hạn.")]}})
    if not reason.strip():
        raise accounts_errors.DELEGATION_END_VALIDATION_ERROR_3(details={"fields": {"reason": [_("Bắt buộc.")]}})
    if len(nfc(reason.strip())) > Delegation.REVOKE_REASON_MAX_LENGTH:
        raise accounts_errors.DELEGATION_REASON_TOO_LONG(limit_value=Delegation.REVOKE_REASON_MAX_LENGTH)
    return audited_update(locked, actor=actor, changes={"revoked_on": on, "revoked_by": actor, "revoke_reason": nfc(reason.strip())},
                          verb="delegation_end", reason=nfc(reason.strip()))


def _delegation_candidates(user: Any, on: dt.date) -> Any:
    """The delegations to ``user`` in their commune whose dates include ``on``: those :func:`delegation_active` looks at."""
    return Delegation.objects.filter(delegate=user, starts_on__lte=on, ends_on__gte=on, commune_code=user.commune_code)


def delegation_possible_expression(user: Any, on: dt.date) -> Exists:
    """Database expression: whether :func:`delegation_active` has any delegation to look at for ``user`` on ``on``. Annotated on
    a row read anyway (a dossier an officer opens, whose allowed actions ask for a delegation), a false value answers
    None for that user and day without the function's own query; a true one still goes through the function's checks."""
    return Exists(_delegation_candidates(user, on))


def delegation_active(user: Any, action: str, on: dt.date, procedure_code: str | None = None) -> Delegation | None:
    """The delegation under which ``user`` may do ``action`` on day ``on`` (for a procedure, when the
    delegation lists procedures), or None. Dossier and workforce services call this before refusing
    someone who lacks the role, and to record in whose name a leader signs."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    # Asked for every dossier an officer opens (its allowed actions) and nearly always empty: the candidates are read
    # with the few columns the checks need, the delegation itself (with both users) only once one matches.
    fields = ("id", "kind", "starts_on", "ends_on", "revoked_on", "actions", "procedure_codes")
    candidates = (_delegation_candidates(user, on)
                  .order_by("starts_on", "id").values(*fields, "delegator__is_active", "delegator__role", "delegator__commune_code"))
    for row in candidates:
        d = Delegation(**{f: row[f] for f in fields})
        if not d.covers(on) or action not in d.actions or not row["delegator__is_active"]:
            continue
        # The leader's authority is what is handed over (Decree 30/2020/NĐ-CP, Art. 13): a delegator moved to another
        # commune or given another role is no longer this commune's leader, and nobody signs in their name any more.
        if row["delegator__role"] not in DELEGATOR_ROLES or row["delegator__commune_code"] != user.commune_code:
            continue
        # Likewise the delegate: a deputy chair given another role no longer signs "KT." (moved to another commune, the
        # delegation's commune is no longer theirs: not a candidate).
        if user.role not in Delegation.DELEGATE_ROLES.get(d.kind, frozenset()):
            continue
        if d.procedure_codes and (procedure_code is None or procedure_code not in d.procedure_codes):
            continue
        return Delegation.objects.select_related("delegator", "delegate").get(pk=d.pk)
    return None

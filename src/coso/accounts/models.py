from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from coso.accounts.roles import ADMIN_ROLES, COMMUNE_ROLES, PERSONAL_DATA_ROLES, PROVINCE_ROLES, STAFF_ROLES, Role
from coso.core.models import TenantModel


class User(AbstractUser):
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices, default=Role.CITIZEN, db_index=True)
    unit = models.ForeignKey(
        "units.AdministrativeUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="users", verbose_name=_("đơn vị")
    )
    province_code = models.CharField(max_length=8, blank=True, default="", db_index=True)
    commune_code = models.CharField(max_length=8, blank=True, default="", db_index=True)
    full_name = models.CharField(_("họ và tên"), max_length=200, blank=True, default="")
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True, default="")
    citizen_id = models.CharField(_("số CCCD"), max_length=12, blank=True, default="")
    # Raised by "Đăng xuất khỏi các thiết bị khác" (services.sessions_end_others): part of the session hash below.
    session_epoch = models.PositiveIntegerField(_("lần đăng xuất khỏi các thiết bị khác"), default=0, editable=False)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django keeps in each session an HMAC of the password and ends the session at its next request when it no
        longer matches (a password change). The epoch joins it, so raising the epoch ends every session opened before,
        whatever the password. At epoch 0 the hash is Django's own, so no session ends when this is deployed."""
        if not self.session_epoch:
            return str(super()._get_session_auth_hash(secret=secret))  # type: ignore[misc]
        return salted_hmac("coso.accounts.User.session_auth_hash", f"{self.password}\n{self.session_epoch}", secret=secret,
                           algorithm="sha256").hexdigest()

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def is_citizen(self) -> bool:
        return self.role == Role.CITIZEN

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_commune_staff(self) -> bool:
        return self.role in COMMUNE_ROLES

    @property
    def is_province_staff(self) -> bool:
        return self.role in PROVINCE_ROLES

    @property
    def is_system_admin(self) -> bool:
        return self.role == Role.SYSTEM_ADMIN or self.is_superuser

    @property
    def is_admin(self) -> bool:
        """A province or system administrator (or a superuser)."""
        return self.role in ADMIN_ROLES or self.is_superuser

    @property
    def sees_personal_data(self) -> bool:
        """May see full personal identifiers (CCCD); others see them masked (Decree 13/2023)."""
        return self.role in PERSONAL_DATA_ROLES or self.is_superuser

    @property
    def home_url(self) -> str:
        """Where "/" takes this user: their role's home page, or "" for the list of pages (``navigation.home_for``)."""
        from coso.accounts.navigation import home_for

        return home_for(self)

    def has_role(self, *roles: str) -> bool:
        return self.is_superuser or self.role in roles


class ApiToken(models.Model):
    """Token for integrations (JSON API bearer token, Open311 api_key). Only a hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên tích hợp"), max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user: User, name: str) -> tuple[ApiToken, str]:
        raw = "coso_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=raw[5:13], token_hash=cls.hash(raw))
        return token, raw

    @classmethod
    def resolve(cls, raw: str) -> User | None:
        if not raw:
            return None
        token = cls.objects.select_related("user").filter(token_hash=cls.hash(raw), revoked=False).first()
        if token is None or not token.user.is_active:
            return None
        return token.user


class SignupCode(models.Model):
    """A one-time code sent to a phone or e-mail address to verify a citizen's self-registration.

    Only a hash of the code is stored; a code expires, allows a few attempts and is used once.
    """

    class Channel(models.TextChoices):
        SMS = "sms", _("Tin nhắn SMS")
        EMAIL = "email", _("Thư điện tử")

    channel = models.CharField(max_length=8, choices=Channel.choices)
    destination = models.CharField(max_length=254, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.channel}:{self.destination}"

    @staticmethod
    def hash(destination: str, code: str) -> str:
        # Keyed with SECRET_KEY: a copy of the table does not reveal codes (a 6-digit space is small).
        return salted_hmac("coso.accounts.SignupCode", f"{destination}:{code}", algorithm="sha256").hexdigest()


class Delegation(TenantModel):
    """A leader's authority handed to someone else for named actions and a date range (ủy quyền).

    Decree 30/2020/NĐ-CP Art. 13: a deputy signs for the head ("KT.", ký thay); in special cases the head
    authorises the head of a subordinate unit to sign some documents ("TUQ.", thừa ủy quyền) — in writing,
    limited in time and content, and the authorised person cannot pass it on.
    """

    class Kind(models.TextChoices):
        DEPUTY = "kt", _("Ký thay (KT.)")
        AUTHORISED = "tuq", _("Thừa ủy quyền (TUQ.)")

    class Action(models.TextChoices):
        DOSSIER_APPROVE = "dossier_approve", _("Phê duyệt, ký kết quả hồ sơ thủ tục hành chính")
        EVALUATION_APPROVE = "evaluation_approve", _("Phê duyệt đánh giá, xếp loại cán bộ, công chức")

    NOTE_MAX_LENGTH = 1000  # the note and the reason it was ended: free text, bounded in the service, the API and the forms
    REVOKE_REASON_MAX_LENGTH = 500

    delegator = models.ForeignKey(User, on_delete=models.PROTECT, related_name="delegations_given", verbose_name=_("người ủy quyền"))
    delegate = models.ForeignKey(User, on_delete=models.PROTECT, related_name="delegations_received", verbose_name=_("người được ủy quyền"))
    kind = models.CharField(_("hình thức"), max_length=4, choices=Kind.choices)
    delegator_title = models.CharField(_("chức vụ người ủy quyền"), max_length=100)
    delegate_title = models.CharField(_("chức vụ người được ủy quyền"), max_length=100)
    actions = models.JSONField(_("việc được ủy quyền"), default=list)
    procedure_codes = models.JSONField(_("thủ tục"), default=list, blank=True, help_text=_("Để trống: mọi thủ tục."))
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))
    decision_number = models.CharField(_("văn bản ủy quyền"), max_length=100, blank=True, default="")
    note = models.TextField(_("ghi chú"), blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_on = models.DateField(_("chấm dứt từ ngày"), null=True, blank=True)
    revoked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    revoke_reason = models.TextField(_("lý do chấm dứt"), blank=True, default="")

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("ủy quyền")
        verbose_name_plural = _("ủy quyền")
        constraints = [models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="delegation_dates")]
        indexes = [models.Index(fields=["delegate", "ends_on"], name="delegation_delegate_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.delegator} → {self.delegate} ({self.starts_on:%d/%m/%Y}–{self.ends_on:%d/%m/%Y})"

    @property
    def last_day(self) -> dt.date:
        """The last day it can be used (the end date, or the day before it was ended)."""
        if self.revoked_on is not None:
            return min(self.ends_on, self.revoked_on - dt.timedelta(days=1))
        return self.ends_on

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.last_day

    @property
    def account_locked(self) -> bool:
        """The leader's or the delegate's account is locked: nobody signs under it any more
        (``services.delegation_active`` skips it), whatever its dates."""
        return not (self.delegator.is_active and self.delegate.is_active)

    # Who may give and who may receive a delegation (Decree 30/2020/NĐ-CP Art. 13): the commune's leader gives it; a
    # deputy (a leader of the commune's People's Committee) signs "KT.", any of the commune's staff "TUQ.".
    DELEGATOR_ROLES = frozenset({Role.COMMUNE_LEADER})
    DELEGATE_ROLES: dict[str, frozenset[Role]] = {Kind.DEPUTY: frozenset({Role.COMMUNE_LEADER}), Kind.AUTHORISED: COMMUNE_ROLES}

    @classmethod
    def holders_in_post_q(cls) -> models.Q:
        """Delegations whose leader still leads their commune and whose delegate still holds a role that may receive
        them there (``holder_changed`` as a query)."""
        delegate = models.Q()
        for kind, roles in cls.DELEGATE_ROLES.items():
            delegate |= models.Q(kind=kind, delegate__role__in=roles)
        return (models.Q(delegator__role__in=cls.DELEGATOR_ROLES, delegator__commune_code=models.F("commune_code"),
                         delegate__commune_code=models.F("commune_code")) & delegate)

    @property
    def holder_changed(self) -> bool:
        """The leader no longer leads the delegation's commune, or the delegate no longer holds there a role that may
        receive it (another role, another commune): nobody signs under it any more (``services.delegation_active``)."""
        return not (self.delegator.role in self.DELEGATOR_ROLES and self.delegator.commune_code == self.commune_code
                    and self.delegate.role in self.DELEGATE_ROLES.get(self.kind, frozenset())
                    and self.delegate.commune_code == self.commune_code)

    def in_force(self, day: dt.date) -> bool:
        return self.covers(day) and not self.account_locked and not self.holder_changed

    def action_labels(self) -> list[str]:
        return [str(self.Action(a).label) for a in self.actions if a in self.Action.values]

    def signing_block(self, *, collective: str = "ỦY BAN NHÂN DÂN") -> list[str]:
        """The signature block of a document signed under this delegation (Decree 30/2020/NĐ-CP Art. 13
        and Appendix I): for a deputy, "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"; for an
        authorised head of a subordinate unit, "TUQ. CHỦ TỊCH / CHÁNH VĂN PHÒNG". The signer's name goes
        under the signature."""
        head, own = self.delegator_title.upper(), self.delegate_title.upper()
        if self.kind == self.Kind.DEPUTY:
            return [f"TM. {collective.upper()}", f"KT. {head}", own] if collective else [f"KT. {head}", own]
        return [f"TUQ. {head}", own]

    def capacity(self) -> str:
        """One line for logs and lists: "KT. Chủ tịch Phạm Quốc Dũng"."""
        prefix = "KT." if self.kind == self.Kind.DEPUTY else "TUQ."
        return f"{prefix} {self.delegator_title} {self.delegator.display_name}"


class SignInSession(AbstractBaseSession):
    """A browser session, kept by Django's database session engine (``coso.accounts.sessions``) with who signed in, when
    and from which device, so that a person can see where their account is signed in and end one device's session ("Phiên
    đăng nhập" on the account page), as the documented way of extending the database session engine does. The columns
    are copied from the session's own data at every save; a session before sign-in has no user."""

    # The account signed in. No foreign-key constraint: a session outlives nothing it points to (signing out or ending
    # an account deletes or ends the session through Django's own flow), and the column is only read. A relation so
    # that the session engine reads the session and its account in one query (``SessionStore._get_session_from_db``).
    user = models.ForeignKey("User", verbose_name=_("tài khoản"), null=True, blank=True,
                             on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    signed_in_at = models.DateTimeField(_("đăng nhập lúc"), null=True, blank=True)
    device = models.CharField(_("thiết bị"), max_length=255, blank=True, default="")
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    # The authenticator that verified the session (django-otp's device in the session's data), when it is one, so that the
    # session engine reads it with the session (``coso.accounts.sessions.loaded_device``) instead of a query on every
    # request. As ``user``: no constraint (removing a device leaves nothing to update here; a session pointing to a
    # removed device finds none and is no longer verified), only read.
    otp_device = models.ForeignKey("otp_totp.TOTPDevice", verbose_name=_("thiết bị xác thực"), null=True, blank=True,
                                   on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")

    class Meta(AbstractBaseSession.Meta):
        db_table = "accounts_session"
        verbose_name = _("phiên đăng nhập")  # type: ignore[assignment]
        verbose_name_plural = _("phiên đăng nhập")  # type: ignore[assignment]

    @classmethod
    def get_session_store_class(cls) -> Any:
        from coso.accounts.sessions import SessionStore

        return SessionStore

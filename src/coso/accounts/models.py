from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from coso.accounts.roles import COMMUNE_ROLES, PROVINCE_ROLES, STAFF_ROLES, Role


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
    failed_logins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

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

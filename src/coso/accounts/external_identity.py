"""Extension point for signing in with an external identity provider, first of all VNeID (the national
electronic identification of the Ministry of Public Security, Decree 69/2024/NĐ-CP on electronic
identification and authentication).

A deployment that is connected to VNeID (through the National Public Service Portal's single sign-on)
writes one subclass of :class:`ExternalIdentityBackend` that implements :meth:`verify` — check the
provider's signed answer (OpenID Connect ID token or SAML assertion) and return the verified claims —
and lists it in ``AUTHENTICATION_BACKENDS``. Everything after verification is here and tested: the
account is found by the subject or the CCCD number, or a citizen account is created; staff accounts
are never taken over (staff sign in with their Coso account and second factor). See the accounts README.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.db import transaction

from coso.accounts.models import User
from coso.accounts.roles import Role
from coso.core.audit import audit_log, audited_create
from coso.core.models import AuditLog
from coso.core.text import nfc


@dataclass(frozen=True)
class IdentityClaims:
    """What the provider vouches for. ``subject`` is the provider's stable identifier of the person."""

    subject: str
    citizen_id: str
    full_name: str
    phone: str = ""
    email: str = ""


class ExternalIdentityBackend(BaseBackend):
    provider = "external"

    def verify(self, request: Any, **credentials: Any) -> IdentityClaims | None:
        """Check the provider's answer in ``credentials``; return the claims, or None if not valid."""
        raise NotImplementedError

    def authenticate(self, request: Any, **credentials: Any) -> User | None:  # type: ignore[override]
        try:
            claims = self.verify(request, **credentials)
        except NotImplementedError:
            return None
        if claims is None or not (claims.citizen_id.isascii() and claims.citizen_id.isdigit()) or len(claims.citizen_id) != 12:
            return None
        return self.user_for(claims)

    @transaction.atomic
    def user_for(self, claims: IdentityClaims) -> User | None:
        username = f"vneid.{claims.citizen_id}"
        existing = User.objects.filter(citizen_id=claims.citizen_id).order_by("id")
        if existing.exclude(role=Role.CITIZEN).exists():
            return None  # staff never sign in through the citizen path
        user = existing.first() or User.objects.filter(username=username).first()
        if user is not None:
            return user if user.is_active else None
        user = User(username=username, role=Role.CITIZEN, full_name=nfc(claims.full_name), citizen_id=claims.citizen_id,
                    phone=claims.phone, email=claims.email)
        user.set_unusable_password()
        audited_create(user, actor=None, verb="external_identity_create")
        audit_log(actor=None, action=AuditLog.Action.ACTION, obj=user, verb="external_identity_link",
                  after={"provider": self.provider, "subject": claims.subject})
        return user

    def get_user(self, user_id: Any) -> User | None:
        user = User.objects.filter(pk=user_id).first()
        return user if user is not None and user.is_active else None

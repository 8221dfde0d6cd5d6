"""Demo accounts, one per role, printed by `manage.py demo`.

The two demo administrators must sign in with a second factor like real ones (two-factor sign-in is
required for administrators and is not switched off for the demo). Their authenticator secret is
derived from COSO_DEMO_PASSWORD and printed by `make run`: add it to any authenticator app, or run
`manage.py demo_otp quantri` (development only) to print the current code.
"""

from __future__ import annotations

import base64
import hashlib

from django.conf import settings

from django_otp.plugins.otp_totp.models import TOTPDevice

from coso.accounts.models import User
from coso.accounts.roles import Role
from coso.core.demo import DemoContext

# (username, role, unit: "commune" | "commune2" | "province" | None, full name)
DEMO_ACCOUNTS = [
    ("congdan", Role.CITIZEN, None, "Nguyễn Văn An"),
    ("motcua", Role.ONESTOP_OFFICER, "commune", "Trần Thị Bích Ngọc"),
    ("chuyenvien", Role.SPECIALIST, "commune", "Lê Minh Khánh"),
    ("lanhdao", Role.COMMUNE_LEADER, "commune", "Phạm Quốc Dũng"),
    ("noivu.xa", Role.COMMUNE_HOME_AFFAIRS, "commune", "Võ Thị Thu Hằng"),
    ("taichinh.xa", Role.COMMUNE_FINANCE, "commune", "Đặng Văn Hùng"),
    ("phochutich", Role.COMMUNE_LEADER, "commune", "Trịnh Văn Phúc"),
    ("motcua2", Role.ONESTOP_OFFICER, "commune2", "Huỳnh Thị Mai"),
    ("lanhdao2", Role.COMMUNE_LEADER, "commune2", "Bùi Đức Thắng"),
    ("chuyenvien2", Role.SPECIALIST, "commune2", "Lý Minh Quân"),
    ("taichinh2", Role.COMMUNE_FINANCE, "commune2", "Lương Thị Thanh Tâm"),
    ("noivu.tinh", Role.PROVINCE_HOME_AFFAIRS, "province", "Hồ Thị Lan Anh"),
    ("taichinh.tinh", Role.PROVINCE_FINANCE, "province", "Ngô Quang Vinh"),
    ("quantri.tinh", Role.PROVINCE_ADMIN, "province", "Dương Minh Tuấn"),
    ("quantri", Role.SYSTEM_ADMIN, None, "Quản trị hệ thống"),
]


def _unit(ctx: DemoContext, kind: str | None):  # type: ignore[no-untyped-def]
    if kind == "commune":
        return ctx.communes[0]
    if kind == "commune2":
        return ctx.communes[1]
    if kind == "province":
        return ctx.province
    return None


DEMO_OTP_USERS = ("quantri.tinh", "quantri")


def demo_totp_key(username: str) -> str:
    """Hex TOTP key of a demo administrator: fixed for a given COSO_DEMO_PASSWORD (so the secret printed
    by `make run` stays valid across rebuilds), different for every deployment that changes it."""
    return hashlib.sha256(f"coso-demo-totp:{settings.COSO_DEMO_PASSWORD}:{username}".encode()).hexdigest()[:40]  # 20 bytes


def demo_totp_secret(username: str) -> str:
    return base64.b32encode(bytes.fromhex(demo_totp_key(username))).decode().rstrip("=")


def _ensure(ctx: DemoContext, username: str, role: str, unit_kind: str | None, full_name: str) -> User:
    unit = _unit(ctx, unit_kind)
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username)
    user.role = role
    user.full_name = full_name
    user.unit = unit
    user.province_code = ctx.province.code if role != Role.SYSTEM_ADMIN else ""
    user.commune_code = unit.code if unit is not None and unit.level == "commune" else ""
    if role == Role.CITIZEN:
        user.phone = "0909123456"
        user.email = "congdan@example.vn"
        user.citizen_id = "079090001234"
    user.is_staff = role == Role.SYSTEM_ADMIN
    user.is_superuser = role == Role.SYSTEM_ADMIN
    user.set_password(settings.COSO_DEMO_PASSWORD)
    user.save()
    if username in DEMO_OTP_USERS:
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, name="TOTP (demo)", confirmed=True, key=demo_totp_key(username))
    return user


def build(ctx: DemoContext) -> None:
    for username, role, unit_kind, full_name in DEMO_ACCOUNTS:
        _ensure(ctx, username, role, unit_kind, full_name)
    attach(ctx)
    _delegation(ctx)


def _delegation(ctx: DemoContext) -> None:
    """The chair of the demo commune (lanhdao) lets the vice-chair (phochutich) approve and sign dossiers
    for a week from the day the demo is built ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH")."""
    import contextlib
    import datetime as dt

    from django.utils import timezone

    from coso.accounts.services import delegation_create
    from coso.core.exceptions import ApplicationError

    today = timezone.localdate()
    with contextlib.suppress(ApplicationError):  # already delegated for these days (demo rebuilt)
        delegation_create(actor=ctx.users["lanhdao"], delegate=ctx.users["phochutich"], kind="kt", actions=["dossier_approve"],
                          starts_on=today, ends_on=today + dt.timedelta(days=6), decision_number="01/QĐ-UBND",
                          note="Chủ tịch đi công tác (dữ liệu demo).")


def attach(ctx: DemoContext) -> None:
    for username, role, unit_kind, full_name in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:  # an account added to the demo after this database was built
            user = _ensure(ctx, username, role, unit_kind, full_name)
        ctx.users[username] = user
        unit = _unit(ctx, unit_kind)
        ctx.accounts.append((str(Role(role).label), username, unit.name if unit else "—"))
    for username in DEMO_OTP_USERS:
        if username in ctx.users:
            ctx.notes.append(
                f"Xác thực hai bước của {username}: khoá {demo_totp_secret(username)} "
                f"(thêm vào ứng dụng xác thực, hoặc: python manage.py demo_otp {username})"
            )

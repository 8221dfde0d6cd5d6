"""Demo accounts, one per role, printed by `manage.py demo`."""

from __future__ import annotations

from django.conf import settings

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
    ("motcua2", Role.ONESTOP_OFFICER, "commune2", "Huỳnh Thị Mai"),
    ("lanhdao2", Role.COMMUNE_LEADER, "commune2", "Bùi Đức Thắng"),
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


def build(ctx: DemoContext) -> None:
    for username, role, unit_kind, full_name in DEMO_ACCOUNTS:
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
    attach(ctx)


def attach(ctx: DemoContext) -> None:
    for username, role, unit_kind, _ in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        ctx.users[username] = user
        unit = _unit(ctx, unit_kind)
        ctx.accounts.append((str(Role(role).label), username, unit.name if unit else "—"))

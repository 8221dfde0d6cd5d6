"""Roles. Each staff account belongs to one administrative unit; the role says which."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Công dân")
    ONESTOP_OFFICER = "onestop_officer", _("Cán bộ một cửa")
    SPECIALIST = "specialist", _("Chuyên viên xử lý")
    COMMUNE_LEADER = "commune_leader", _("Lãnh đạo UBND xã")
    COMMUNE_HOME_AFFAIRS = "commune_home_affairs", _("Cán bộ nội vụ xã")
    COMMUNE_FINANCE = "commune_finance", _("Cán bộ tài chính xã")
    PROVINCE_HOME_AFFAIRS = "province_home_affairs", _("Chuyên viên Sở Nội vụ")
    PROVINCE_FINANCE = "province_finance", _("Chuyên viên Sở Tài chính")
    PROVINCE_ADMIN = "province_admin", _("Quản trị hệ thống tỉnh")
    SYSTEM_ADMIN = "system_admin", _("Quản trị hệ thống")


COMMUNE_ROLES = frozenset({Role.ONESTOP_OFFICER, Role.SPECIALIST, Role.COMMUNE_LEADER, Role.COMMUNE_HOME_AFFAIRS, Role.COMMUNE_FINANCE})
PROVINCE_ROLES = frozenset({Role.PROVINCE_HOME_AFFAIRS, Role.PROVINCE_FINANCE, Role.PROVINCE_ADMIN})
STAFF_ROLES = COMMUNE_ROLES | PROVINCE_ROLES | {Role.SYSTEM_ADMIN}
ADMIN_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.SYSTEM_ADMIN})
# Roles that may see full personal identifiers (CCCD); others see them masked.
PERSONAL_DATA_ROLES = frozenset(
    {Role.ONESTOP_OFFICER, Role.SPECIALIST, Role.COMMUNE_LEADER, Role.COMMUNE_HOME_AFFAIRS, Role.PROVINCE_HOME_AFFAIRS}
)

"""Navigation menu per role. Apps register their entries here (label, url name, roles)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from coso.accounts.roles import ADMIN_ROLES, COMMUNE_ROLES, PROVINCE_ROLES, Role

ALL_STAFF = COMMUNE_ROLES | PROVINCE_ROLES | {Role.SYSTEM_ADMIN}
SIGNED_IN = frozenset(Role.values)  # every signed-in person, citizens included (not anonymous visitors)
# The staff register and its review are open to these roles only (coso.workforce.selectors.REGISTER_ROLES);
# the one-stop officer, the specialist and the finance officers would get a 404 there.
WORKFORCE_REGISTER = frozenset({Role.COMMUNE_LEADER, Role.COMMUNE_HOME_AFFAIRS, Role.PROVINCE_HOME_AFFAIRS, Role.PROVINCE_ADMIN, Role.SYSTEM_ADMIN})
PLANNING = WORKFORCE_REGISTER  # planning lists and training plans: the same roles as the register

# (label, url name, roles that see it; None = everyone incl. anonymous)
MENU: list[tuple[Any, str, frozenset[str] | None]] = [
    (_("Trang chủ"), "core:home", None),
    (_("Thủ tục hành chính"), "procedures:list", None),
    (_("Tra cứu hồ sơ"), "dossiers:lookup", None),
    (_("Tra cứu địa chỉ cũ"), "units:convert", None),
    (_("Hồ sơ của tôi"), "dossiers:my", frozenset({Role.CITIZEN})),
    (_("Việc cần xử lý hôm nay"), "indices:clerk_home", frozenset({Role.ONESTOP_OFFICER})),
    (_("Hồ sơ cần xử lý"), "dossiers:inbox", frozenset(COMMUNE_ROLES)),
    (_("Thống kê một cửa"), "dossiers:stats", ALL_STAFF),
    (_("Chỉ số phục vụ (766)"), "indices:dashboard", frozenset({Role.COMMUNE_LEADER} | PROVINCE_ROLES | {Role.SYSTEM_ADMIN})),
    (_("Chỉ số công khai"), "indices:public", None),
    (_("Số liệu tỉnh nhập cho chỉ số"), "indices:province_figures", frozenset({Role.PROVINCE_HOME_AFFAIRS, Role.PROVINCE_ADMIN})),
    (_("Phản ánh, kiến nghị"), "feedback:public_list", None),
    (_("Kiểm duyệt phản ánh"), "feedback:moderation", ALL_STAFF),
    (_("Đội ngũ CBCC"), "workforce:people", WORKFORCE_REGISTER),
    (_("Rà soát tiêu chuẩn"), "workforce:review", WORKFORCE_REGISTER),
    (_("Đánh giá, xếp loại"), "workforce:evaluations", frozenset(COMMUNE_ROLES | PROVINCE_ROLES | {Role.SYSTEM_ADMIN})),
    (_("Quy hoạch cán bộ"), "planning:lists", PLANNING),
    (_("Kế hoạch đào tạo"), "planning:training", PLANNING),
    (_("Bố trí, luân chuyển"), "assignments:vacancies", PLANNING),
    (_("Đào tạo sau đại học"), "planning:postgrad_list", PLANNING),
    (_("Dôi dư, nghỉ hưu trước tuổi"), "planning:surplus", PLANNING),
    (
        _("Kinh phí"),
        "funding:allocation",
        frozenset({Role.COMMUNE_FINANCE, Role.COMMUNE_LEADER, Role.PROVINCE_FINANCE, Role.PROVINCE_ADMIN, Role.SYSTEM_ADMIN}),
    ),
    (_("Kịch bản nâng mức"), "funding:scenarios", frozenset({Role.PROVINCE_FINANCE, Role.PROVINCE_ADMIN, Role.SYSTEM_ADMIN})),
    (_("Nhiệm vụ được giao"), "tasks:list", frozenset(COMMUNE_ROLES | PROVINCE_ROLES | {Role.SYSTEM_ADMIN})),
    (_("Báo cáo nhiệm vụ"), "tasks:report", frozenset(COMMUNE_ROLES | PROVINCE_ROLES | {Role.SYSTEM_ADMIN})),
    (_("Đơn vị hành chính"), "units:list", ALL_STAFF),
    (_("Sắp xếp đơn vị"), "units:reorganisation_list", frozenset(PROVINCE_ROLES | {Role.SYSTEM_ADMIN})),
    (_("Phân cấp thủ tục"), "procedures:decentralisations", frozenset(ADMIN_ROLES)),
    (_("Lịch làm việc"), "workcalendar:overrides", frozenset(ADMIN_ROLES)),
    (_("Căn cứ pháp lý"), "rules:index", ALL_STAFF),
    (_("Nhật ký thao tác"), "core:audit", frozenset(ADMIN_ROLES)),
    (_("Tài khoản cán bộ"), "accounts:staff_list", frozenset(ADMIN_ROLES)),
    (_("Tài khoản của tôi"), "accounts:me", SIGNED_IN),
    (_("Bảo mật tài khoản"), "accounts:security", ALL_STAFF),
    (_("Ủy quyền"), "accounts:delegations", frozenset(COMMUNE_ROLES | ADMIN_ROLES)),
    (_("Tác vụ định kỳ"), "jobs:list", frozenset(ADMIN_ROLES)),
    (_("Tệp xuất của tôi"), "jobs:exports", ALL_STAFF),
]


# The menu's addresses per URL configuration and script prefix: ``reverse()`` of some thirty names on every page
# costs more than the rest of the menu. Keyed by what reverse() depends on: a changed configuration reads them again.
_URLS: dict[tuple[Any, ...], dict[str, str | None]] = {}


def _urls() -> dict[str, str | None]:
    key = (settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())
    found = _URLS.get(key)
    if found is None:
        found = {}
        for _label, url_name, _roles in MENU:
            try:
                found[url_name] = reverse(url_name)
            except NoReverseMatch:
                found[url_name] = None  # the app has not built this page yet
        if len(_URLS) > 16:  # a handful of prefixes in practice; never grow without bound
            _URLS.clear()
        _URLS[key] = found
    return found


# The home page of a role whose work starts from figures and a queue: "/" opens it instead of the list of pages (the
# menu keeps every page). A commune leader sees what waits for them and how the commune stands; a province officer the
# communes ranked; a one-stop clerk their queue and a specialist the dossiers waiting for them. Other roles (citizens,
# home-affairs and finance officers) keep the list of their pages.
HOME: dict[str, str] = {
    Role.COMMUNE_LEADER: "indices:dashboard",
    Role.ONESTOP_OFFICER: "indices:clerk_home",
    Role.SPECIALIST: "dossiers:inbox",
    **{role: "indices:dashboard" for role in PROVINCE_ROLES},
    Role.SYSTEM_ADMIN: "indices:dashboard",
}
# Roles whose home page is about their own commune or province: without one they keep the list of pages.
_COMMUNE_HOMES = frozenset({Role.COMMUNE_LEADER, Role.ONESTOP_OFFICER, Role.SPECIALIST})


def home_for(user: Any) -> str:
    """The address of ``user``'s home page (see ``HOME``), or "" for the list of pages."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    name = HOME.get(user.role) or ("indices:dashboard" if user.is_superuser else "")
    if not name or (user.role in _COMMUNE_HOMES and not user.commune_code) or (user.role in PROVINCE_ROLES and not user.province_code):
        return ""
    return _urls().get(name) or ""


def menu_for(user: Any) -> list[dict[str, str]]:
    items = []
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    urls = _urls()
    for label, url_name, roles in MENU:
        if roles is not None and not (authenticated and (user.is_superuser or user.role in roles)):
            continue
        url = urls.get(url_name)
        if url is None:
            continue
        items.append({"label": str(label), "url": url})
    return items

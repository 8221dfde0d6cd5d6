"""Django admin (/admin/): who reaches it, bad query strings and ids, and that it writes nothing
outside the audited services."""

from __future__ import annotations

import re
from html import unescape

from django.contrib import admin
from django.contrib.auth.models import Group

import pytest

from coso.accounts.models import ApiToken, User

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


def _changelists(filtered: bool = False) -> list[str]:
    return [f"/admin/{m._meta.app_label}/{m._meta.model_name}/" for m, a in admin.site._registry.items() if a.list_filter or not filtered]


def _fields(url: str) -> list[str]:
    model = next(m for m in admin.site._registry if url == f"/admin/{m._meta.app_label}/{m._meta.model_name}/")
    return [f.attname for f in model._meta.get_fields() if getattr(f, "concrete", False)]


@pytest.fixture
def sysadmin_client(users, login):  # type: ignore[no-untyped-def]
    ApiToken.issue(user=users["onestop"], name="Cổng dịch vụ công")
    client = login(users["sysadmin"])
    client.raise_request_exception = False
    return client


def test_changelist_filters_offered_on_the_page_work(sysadmin_client):  # type: ignore[no-untyped-def]
    for url in _changelists(filtered=True):
        body = sysadmin_client.get(url).content.decode()
        links = {unescape(h) for h in re.findall(r'href="(\?[^"]+)"', body)}
        assert any("__exact=" in h for h in links), url
        for href in links:
            r = sysadmin_client.get(url + href)
            assert r.status_code == 200, (url + href, r.status_code)


@pytest.mark.parametrize("query", [
    "o=999", "o=abc", "o=-", "o=1.2.3.999", "p=99999999", "p=-1", "p=abc", "q=" + "x" * 5000, "q=%25%25_",
    "all=", "_popup=1", "e=1", "role__exact=" + "x" * 5000, "province_code__exact=" + "9" * 5000, "is_active__exact=abc",
    "revoked__exact=2", "role__isnull=x",
])
def test_changelist_bad_parameters_never_500(sysadmin_client, query):  # type: ignore[no-untyped-def]
    for url in _changelists():
        r = sysadmin_client.get(f"{url}?{query}")
        assert r.status_code in (200, 302, 400), (url, query, r.status_code)


def test_changelist_lookups_outside_the_filters_are_refused(sysadmin_client):  # type: ignore[no-untyped-def]
    """Before: any lookup on a field was taken from the query string — `?<field>__regex=(` (every field),
    `?last_login__year=1`, `?created_at__gte=0001-01-01` and `?unit_id=<20 digits>` answered 500, and
    `?password__startswith=` let the list be used as an oracle on password hashes."""
    suffixes = ["__regex=(", "__year=1", "__year=9999", "__gte=0001-01-01", "__gte=9999-12-31", f"={HUGE}", f"__gte={HUGE}", "__gte=abc"]
    for url in _changelists():
        model_admin = next(a for m, a in admin.site._registry.items() if url.endswith(f"/{m._meta.model_name}/"))
        for name in _fields(url):
            for suffix in suffixes:
                r = sysadmin_client.get(f"{url}?{name}{suffix}")
                own_filter = (name + suffix).split("=")[0] in model_admin.filter_parameters(None)
                assert r.status_code in ((200, 302) if own_filter else (400,)), (url, name + suffix, r.status_code)
    assert sysadmin_client.get("/admin/accounts/user/?password__startswith=md5").status_code == 400
    assert sysadmin_client.get("/admin/accounts/apitoken/?token_hash__startswith=a").status_code == 400
    assert sysadmin_client.get("/admin/accounts/apitoken/?user__password__startswith=a").status_code == 400


@pytest.mark.parametrize("pk", [HUGE, "-1", "abc", "0", "1" * 400])
def test_object_pages_with_bad_ids_never_500(sysadmin_client, pk):  # type: ignore[no-untyped-def]
    for url in _changelists():
        for view in ("change/", "delete/", "history/", ""):
            r = sysadmin_client.get(f"{url}{pk}/{view}")
            assert r.status_code in (302, 403, 404), (url, pk, view, r.status_code)


def test_no_admin_writes_outside_the_audited_services(sysadmin_client, users):  # type: ignore[no-untyped-def]
    """Before: Django's Group admin created, renamed and deleted groups for a superuser with no audit
    entry (and a bulk delete of ids that are not numbers answered 500)."""
    group = Group.objects.create(name="g")
    c = sysadmin_client
    assert "/admin/auth/" not in c.get("/admin/").content.decode()
    assert c.get("/admin/auth/group/").status_code == 404
    assert c.post("/admin/auth/group/add/", {"name": "new"}).status_code == 404
    assert c.post(f"/admin/auth/group/{group.pk}/change/", {"name": "renamed"}).status_code == 404
    assert c.post(f"/admin/auth/group/{group.pk}/delete/", {"post": "yes"}).status_code == 404
    assert c.post("/admin/auth/group/", {"action": "delete_selected", "_selected_action": [HUGE, "abc"], "post": "yes"}).status_code == 404
    assert list(Group.objects.values_list("name", flat=True)) == ["g"]


def test_admin_password_form_changes_nothing(sysadmin_client, users):  # type: ignore[no-untyped-def]
    """Before: /admin/password_change/ changed a system administrator's password with no audit entry."""
    from coso.core.models import AuditLog

    entries = AuditLog.objects.count()
    new = "Zx-very-new-2026!"
    r = sysadmin_client.post("/admin/password_change/", {"old_password": "pw-Coso-2026!", "new_password1": new, "new_password2": new})
    assert r.status_code == 302 and r["Location"] == "/accounts/password/forgot/"
    assert sysadmin_client.get("/admin/password_change/")["Location"] == "/accounts/password/forgot/"
    assert sysadmin_client.get("/admin/password_change/done/")["Location"] == "/accounts/password/forgot/"
    assert sysadmin_client.get("/accounts/password/forgot/").status_code == 200
    admin_user = User.objects.get(pk=users["sysadmin"].pk)
    assert admin_user.check_password("pw-Coso-2026!") and not admin_user.check_password(new)
    assert AuditLog.objects.count() == entries


@pytest.mark.parametrize("key", ["citizen", "onestop", "leader", "province_home_affairs", "province_admin"])
def test_only_system_administrators_reach_the_admin(users, login, key):  # type: ignore[no-untyped-def]
    """Before: a signed-in officer (any role but system administrator) was sent from /admin/ to the sign-in
    page, which sent them straight back to /admin/ (a redirect loop in the browser). Even with Django's
    is_staff flag set, a commune officer or province administrator does not reach it."""
    user = users[key]
    User.objects.filter(pk=user.pk).update(is_staff=True)
    c = login(User.objects.get(pk=user.pk))
    for url in ("/admin/", "/admin/accounts/user/", f"/admin/accounts/user/{users['onestop'].pk}/change/",
                "/admin/accounts/apitoken/", "/admin/login/?next=/admin/", "/admin/password_change/"):
        assert c.get(url).status_code == 404, (key, url)
    assert c.post("/admin/logout/").status_code == 404


def test_admin_sign_in_goes_through_the_two_step_form(client, users):  # type: ignore[no-untyped-def]
    r = client.get("/admin/accounts/user/")
    assert r.status_code == 302 and r["Location"].startswith("/admin/login/")
    r = client.get(r["Location"])
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
    client.force_login(users["sysadmin"])  # password only, no second factor yet
    r = client.get("/admin/accounts/user/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/2fa/")


def test_admin_rows_cannot_be_changed_or_deleted(sysadmin_client, users):  # type: ignore[no-untyped-def]
    """Users and API tokens change only through the audited staff-account pages and services: the admin
    shows them read-only to a superuser, and its forms and bulk delete change nothing."""
    from coso.core.models import AuditLog

    c = sysadmin_client
    target = users["onestop"]
    token = ApiToken.objects.get(user=target)
    entries = AuditLog.objects.count()
    for url, data in [
        (f"/admin/accounts/user/{target.pk}/change/", {"username": target.username, "role": "system_admin", "is_superuser": "on",
                                                       "full_name": "x" * 5000, "unit": "9" * 20, "date_joined_0": "9999-12-31"}),
        (f"/admin/accounts/user/{target.pk}/delete/", {"post": "yes"}),
        ("/admin/accounts/user/add/", {"username": "intruder", "role": "system_admin"}),
        (f"/admin/accounts/apitoken/{token.pk}/change/", {"name": "x", "revoked": "on", "user": users["sysadmin"].pk}),
        (f"/admin/accounts/apitoken/{token.pk}/delete/", {"post": "yes"}),
        ("/admin/accounts/apitoken/add/", {"name": "x", "user": users["sysadmin"].pk}),
    ]:
        assert c.post(url, data).status_code == 403, url
    for url, pk in (("/admin/accounts/user/", target.pk), ("/admin/accounts/apitoken/", token.pk)):
        for ids in ([str(pk)], [HUGE, "abc"]):
            r = c.post(url, {"action": "delete_selected", "_selected_action": ids, "post": "yes"})
            assert r.status_code in (200, 302), (url, ids, r.status_code)
        assert c.get(f"{url}{pk}/change/").status_code == 200
    target.refresh_from_db()
    token.refresh_from_db()
    assert (target.role, target.is_superuser, target.full_name) == ("onestop_officer", False, "onestop")
    assert (token.name, token.revoked, token.user_id) == ("Cổng dịch vụ công", False, target.pk)
    assert not User.objects.filter(username="intruder").exists() and ApiToken.objects.count() == 1
    assert AuditLog.objects.count() == entries


def test_every_registered_admin_is_read_only(rf, users):  # type: ignore[no-untyped-def]
    """A model registered in Django admin by any app is read-only, even for a superuser: writes go through
    the services, which check the rules and write the audit log (CONTRIBUTING.md)."""
    request = rf.get("/admin/")
    request.user = users["sysadmin"]
    assert admin.site._registry
    for model, model_admin in admin.site._registry.items():
        assert model_admin.has_view_permission(request), model
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model
        assert "delete_selected" not in model_admin.get_actions(request), model


def test_admin_masks_the_citizen_id_and_logs_a_full_read(make_user, login, users):  # type: ignore[no-untyped-def]
    """Before: the user page of the admin showed every account's CCCD in full to any system administrator, and
    nothing recorded the read. Now it is masked for a role that does not see personal data (as on the other
    pages, Decree 13/2023); a superuser sees it in full, and that read is in the audit log."""
    from coso.accounts.roles import Role
    from coso.core.models import AuditLog

    target = users["onestop"]
    User.objects.filter(pk=target.pk).update(citizen_id="079090001234")
    url = f"/admin/accounts/user/{target.pk}/change/"
    operator = make_user("sysop", Role.SYSTEM_ADMIN, None, is_staff=True)
    body = login(operator).get(url).content.decode()
    assert "*********234" in body and "079090001234" not in body
    assert not AuditLog.objects.filter(action=AuditLog.Action.VIEW, object_id=str(target.pk)).exists()
    assert "079090001234" not in login(operator).get("/admin/accounts/user/").content.decode()

    body = login(users["sysadmin"]).get(url).content.decode()
    assert "079090001234" in body
    read = AuditLog.objects.get(action=AuditLog.Action.VIEW, object_id=str(target.pk))
    assert read.actor_id == users["sysadmin"].pk and read.reason == "admin"

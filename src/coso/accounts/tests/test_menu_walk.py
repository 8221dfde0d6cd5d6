"""Every menu item opens for every role that sees it (issue 13, item 18): no 404, 403 or 500."""

from __future__ import annotations

import pytest

from coso.accounts.navigation import menu_for

pytestmark = pytest.mark.django_db


def test_every_menu_item_opens_for_every_role(users, login, client):
    failures = []
    for key, user in users.items():
        c = login(user)
        for item in menu_for(user):
            resp = c.get(item["url"])
            if resp.status_code not in (200, 302) or (resp.status_code == 302 and "/accounts/login" in resp["Location"]):
                failures.append((key, item["label"], item["url"], resp.status_code))
        c.logout()
    # anonymous
    for item in menu_for(None):
        resp = client.get(item["url"])
        if resp.status_code != 200:
            failures.append(("anonymous", item["label"], item["url"], resp.status_code))
    assert failures == []


def test_workforce_menu_follows_the_register_roles():
    from coso.accounts.navigation import WORKFORCE_REGISTER
    from coso.workforce.selectors import REGISTER_ROLES

    assert set(WORKFORCE_REGISTER) == set(REGISTER_ROLES)


def test_menu_addresses_follow_the_script_prefix_and_language(users, client):
    """The addresses are read once per URL configuration and prefix (a site served under a sub-path gets its own), and
    the labels are translated on every page."""
    from django.urls import get_script_prefix, set_script_prefix
    from django.utils import translation

    leader = users["leader"]
    plain = {i["url"] for i in menu_for(leader)}
    assert "/" in plain and all(u.startswith("/") for u in plain)
    before = get_script_prefix()
    try:
        set_script_prefix("/coso/")
        assert {i["url"] for i in menu_for(leader)} == {"/coso/" + u.lstrip("/") for u in plain}
    finally:
        set_script_prefix(before)
    assert {i["url"] for i in menu_for(leader)} == plain
    with translation.override("en"):
        english = [i["label"] for i in menu_for(None)]
    with translation.override("vi"):
        vietnamese = [i["label"] for i in menu_for(None)]
    assert vietnamese[0] == "Trang chủ" and english[0] != vietnamese[0]

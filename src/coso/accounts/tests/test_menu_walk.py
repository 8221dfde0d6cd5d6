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

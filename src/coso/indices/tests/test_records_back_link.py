"""The drill-down's "Quay lại chỉ số" link opens a page the viewer may see: the one-stop clerk reaches the records from
their own home page and has no leaders' dashboard (404)."""

from __future__ import annotations

import html as html_lib
import re

from django.utils import timezone

import pytest

from coso.indices import services

pytestmark = pytest.mark.django_db


def _back(page: str) -> str:
    found = re.search(r'<a href="([^"]+)">Quay lại chỉ số</a>', page)
    assert found, page
    return html_lib.unescape(found[1])


@pytest.mark.parametrize("who", ["onestop", "specialist", "leader", "province_home_affairs"])
def test_the_back_link_of_the_records_opens_for_whoever_may_see_them(users, login, commune, make_dossier, who):
    today = timezone.localdate()
    make_dossier(commune, received=today.replace(day=1), finished=today, timeliness="late")
    services.rollups_rebuild()
    c = login(users[who])
    if who == "onestop":  # the clerk's way in: the figure on their home page
        home = c.get("/chi-so/viec-cua-toi/").content.decode()
        url = html_lib.unescape(re.search(r'<a href="([^"]+)" class="drill">', home)[1])
    else:
        url = f"/chi-so/ho-so/?commune={commune.code}&indicator=2.1&period={today:%Y-%m}"
    r = c.get(url)
    assert r.status_code == 200
    back = _back(r.content.decode())
    assert c.get(back).status_code == 200, back
    assert f"{today:%Y-%m}" in back or today.replace(day=1).isoformat() in back or "viec-cua-toi" in back

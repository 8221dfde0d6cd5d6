"""A system administrator opens a province's dashboard (``?province=``) and clicks a commune in its ranking or in the
communes that fall behind: the link carried ``?commune=`` alone, which their dashboard (national level) ignored, so the
click showed the national page again. The links keep the province, and the commune's page opens."""

from __future__ import annotations

import html as html_lib
import re

import pytest

from coso.indices import services

pytestmark = pytest.mark.django_db
NOV = "period=2026-11"


@pytest.fixture
def admin(november, users, login):  # type: ignore[no-untyped-def]
    from conftest import verify_session

    services.rollups_rebuild()
    c = login(users["sysadmin"])
    verify_session(c, users["sysadmin"])
    return c


def _links(page: str, section: str, code: str) -> list[str]:
    part = page.split(f'id="{section}"', 1)[1].split("</table>", 1)[0]
    return [html_lib.unescape(h) for h in re.findall(r'href="([^"]+)"', part) if f"commune={code}" in html_lib.unescape(h)]


@pytest.mark.parametrize("section", ["ranking", "behind"])
def test_sysadmin_opens_a_commune_from_a_province_dashboard(admin, commune, section):
    page = admin.get(f"/chi-so/?{NOV}&province={commune.province_code}").content.decode()
    links = _links(page, section, commune.code)
    assert links, section
    for href in links:
        r = admin.get("/chi-so/" + href)
        body = r.content.decode()
        assert r.status_code == 200 and 'id="ranking"' not in body and commune.name in body, href
        assert f"/chi-so/ho-so/?commune={commune.code}" in body  # the commune's figures, with their drill-down


def test_province_officers_links_stay_as_they_were(november, users, login, commune):
    services.rollups_rebuild()
    page = login(users["province_home_affairs"]).get(f"/chi-so/?{NOV}").content.decode()
    assert f'href="?commune={commune.code}&amp;period=2026-11"' in page.split('id="behind"', 1)[1]


def test_sysadmin_goes_back_from_the_records_to_the_commune(admin, commune):
    r = admin.get(f"/chi-so/ho-so/?commune={commune.code}&indicator=2.1&{NOV}")
    back = html_lib.unescape(re.search(r'<a href="([^"]+)">Quay lại chỉ số</a>', r.content.decode())[1])
    assert f"commune={commune.code}" in back
    body = admin.get(back).content.decode()
    assert 'id="ranking"' not in body and commune.name in body

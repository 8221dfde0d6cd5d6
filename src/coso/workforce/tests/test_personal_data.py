"""Citizen ids in the register (Decree 13/2023, as the dossiers app treats them): lists (page, API) show every CCCD masked,
whoever reads; the full number only on one person's record (page, API, edit page), that read logged; a search by CCCD is
refused to who sees citizen ids masked and logged for the others; the Excel export has full CCCDs only for who sees them,
and is then logged once with the number of people and the filter."""

from __future__ import annotations

import pytest

from coso.core.models import AuditLog
from coso.core.search import search_index_set
from coso.workforce.models import Person
from coso.workforce.selectors import SEARCH_KIND

from .helpers import person

pytestmark = pytest.mark.django_db

CCCD = "079188001122"
MASKED = "*********122"
API = "/api/v1/workforce/people"
PAGE = "/workforce/"


def indexed(commune, **kw) -> Person:  # type: ignore[no-untyped-def]
    p = person(commune, **kw)
    search_index_set(kind=SEARCH_KIND, object_id=p.pk, texts=[p.full_name, p.citizen_id], province_code=p.province_code,
                     commune_code=p.commune_code, new=True)
    return p


@pytest.fixture
def binh(commune) -> Person:  # type: ignore[no-untyped-def]
    indexed(commune, full_name="Lê Văn Cường", citizen_id="079090003333")
    return indexed(commune, full_name="Trần Thị Bình", citizen_id=CCCD)


def views() -> list[AuditLog]:
    return list(AuditLog.objects.filter(action=AuditLog.Action.VIEW).order_by("id"))


@pytest.mark.parametrize("who", ["home_affairs", "leader", "province_home_affairs", "province_admin", "sysadmin"])
def test_the_list_page_and_the_api_list_show_every_cccd_masked_whoever_reads(login, users, binh, who):
    """Who sees citizen ids in full (commune and province home affairs, the leader, a superuser) saw every one of them in
    the list and the API list, unlogged: the list now masks them for everyone."""
    c = login(users[who])
    body = c.get(PAGE).content.decode()
    assert f"<td>{MASKED}</td>" in body and CCCD not in body and "<td>*********333</td>" in body
    rows = c.get(API).json()["items"]
    assert {r["citizen_id"] for r in rows} == {MASKED, "*********333"}
    assert views() == []  # a list of masked numbers is not a read of a citizen id


def test_the_detail_page_and_api_show_the_full_number_and_log_the_read(login, users, binh):
    c = login(users["home_affairs"])
    assert f'<span id="cccd">{CCCD}</span>' in c.get(f"/workforce/nguoi/{binh.pk}/").content.decode()
    assert c.get(f"{API}/{binh.pk}").json()["citizen_id"] == CCCD
    logged = views()
    assert [(e.object_id, e.object_type, e.actor_id) for e in logged] == [(str(binh.pk), "workforce.Person", users["home_affairs"].pk)] * 2
    assert [e.reason for e in logged] == ["Xem hồ sơ cán bộ", "API"]
    # who sees citizen ids masked sees the masked number on the record too (and the API)
    c = login(users["province_admin"])
    assert c.get(f"{API}/{binh.pk}").json()["citizen_id"] == MASKED
    assert CCCD not in c.get(f"/workforce/nguoi/{binh.pk}/").content.decode()

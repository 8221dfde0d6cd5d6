"""Citizen ids in the register (Decree 13/2023, as the dossiers app treats them): lists (page, API) show every CCCD masked,
whoever reads; the full number only on one person's record (page, API, edit page), that read logged; a search by CCCD is
refused to who sees citizen ids masked and logged for the others; the Excel export has full CCCDs only for who sees them,
and is then logged once with the number of people and the filter."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from coso.accounts.roles import Role
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


@pytest.mark.parametrize("q", [CCCD, "079188", "0791880011", f"Bình {CCCD}", "binh 122"])
def test_who_sees_citizen_ids_masked_cannot_search_the_register_by_one(login, users, binh, q):
    """The province administrator sees CCCDs masked, yet the register's search matched a full number (and its first
    digits, so a number could be read digit after digit): the list confirmed whose number it was."""
    c = login(users["province_admin"])
    r = c.get(API, {"q": q})
    assert r.status_code == 403 and r.json()["code"] == "citizen-id-search", r.content
    r = c.get(PAGE, {"q": q})
    assert r.status_code == 403 and "tra cứu sổ cán bộ theo số CCCD" in r.content.decode() and "Bình" not in r.content.decode()
    r = c.get(PAGE, {"q": q, "format": "xlsx"})
    assert r.status_code == 403 and r["Content-Type"].startswith("text/html")
    assert views() == []
    # the name stays searchable
    assert [p["full_name"] for p in c.get(API, {"q": "tran thi binh"}).json()["items"]] == ["Trần Thị Bình"]
    assert "Trần Thị Bình" in c.get(PAGE, {"q": "binh"}).content.decode()


def test_who_sees_citizen_ids_may_search_by_one_and_the_search_is_logged(login, users, binh):
    c = login(users["home_affairs"])
    body = c.get(PAGE, {"q": CCCD}).content.decode()
    assert "Trần Thị Bình" in body and "Lê Văn Cường" not in body and f"<td>{MASKED}</td>" in body and f"<td>{CCCD}</td>" not in body
    [entry] = views()
    assert entry.object_type == "workforce.Person" and entry.actor_id == users["home_affairs"].pk
    assert entry.after["count"] == 1 and entry.after["ids"] == [binh.pk] and entry.after["filters"] == {"q": CCCD}
    rows = c.get(API, {"q": "079188"}).json()["items"]
    assert [(r["full_name"], r["citizen_id"]) for r in rows] == [("Trần Thị Bình", MASKED)]
    entry = views()[-1]
    assert entry.reason == "API" and entry.after["count"] == 1 and entry.after["ids"] == [binh.pk] and entry.after["filters"] == {"q": "079188"}
    # a search by name reads no citizen id: nothing logged
    c.get(PAGE, {"q": "binh"})
    c.get(API, {"q": "binh"})
    assert len(views()) == 2


def test_the_export_has_full_cccds_for_who_sees_them_logged_once_with_the_count_and_filter(login, users, binh):
    c = login(users["home_affairs"])
    r = c.get(PAGE, {"format": "xlsx", "kind": "civil_servant"})
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    column = [c.value for c in ws[1]].index("Số CCCD") + 1
    assert sorted(ws.cell(i, column).value for i in (2, 3)) == ["079090003333", CCCD]
    [entry] = views()
    assert entry.object_type == "workforce.Person" and entry.actor_id == users["home_affairs"].pk and entry.reason == "Xuất danh sách cán bộ"
    assert entry.after["count"] == 2 and entry.after["filters"] == {"kind": "civil_servant"} and "2" in entry.object_repr
    # a search by CCCD exported: the export's one entry names the search
    r = c.get(PAGE, {"format": "xlsx", "q": CCCD})
    assert load_workbook(io.BytesIO(r.content)).active.cell(2, column).value == CCCD
    entry = views()[-1]
    assert len(views()) == 2 and entry.after["count"] == 1 and entry.after["filters"] == {"q": CCCD}


def test_the_export_masks_cccds_for_who_sees_them_masked(login, users, binh, make_user):
    admin = make_user("quantri2", Role.SYSTEM_ADMIN)  # a system administrator who is not a superuser
    for user in (users["province_admin"], admin):
        r = login(user).get(PAGE, {"format": "xlsx"})
        ws = load_workbook(io.BytesIO(r.content)).active
        column = [c.value for c in ws[1]].index("Số CCCD") + 1
        assert sorted(ws.cell(i, column).value for i in (2, 3)) == [MASKED, "*********333"]
    assert views() == []


def test_the_edit_page_shows_the_full_number_logged_or_the_masked_one_kept_as_it_is(login, users, binh, make_user):
    """The edit page printed the full CCCD in its form to every editor, unlogged, also to a system administrator who sees
    citizen ids masked everywhere else."""
    c = login(users["home_affairs"])
    assert f'value="{CCCD}"' in c.get(f"/workforce/nguoi/{binh.pk}/sua/").content.decode()
    [entry] = views()
    assert entry.object_id == str(binh.pk) and entry.reason == "Sửa hồ sơ cán bộ"

    admin = make_user("quantri2", Role.SYSTEM_ADMIN)
    c = login(admin)
    body = c.get(f"/workforce/nguoi/{binh.pk}/sua/").content.decode()
    assert CCCD not in body and f'value="{MASKED}"' in body and len(views()) == 1
    data = {"action": "person", "full_name": "Trần Thị Bình An", "birth_date": "06/05/1988", "gender": "female", "ethnicity": "Kinh",
            "citizen_id": MASKED, "started_on": "01/01/2020", "general_education": binh.general_education, "degree_level": "dai_hoc",
            "degree_field": "hanh_chinh", "political_theory": binh.political_theory, "state_management": binh.state_management, "it": "co_ban",
            "foreign_language": binh.foreign_language, "version": binh.version}
    assert c.post(f"/workforce/nguoi/{binh.pk}/sua/", data).status_code == 302
    binh.refresh_from_db()
    assert (binh.full_name, binh.citizen_id) == ("Trần Thị Bình An", CCCD)  # the masked number sent back changes nothing
    assert c.post(f"/workforce/nguoi/{binh.pk}/sua/", {**data, "citizen_id": "079188004455", "version": binh.version}).status_code == 302
    binh.refresh_from_db()
    assert binh.citizen_id == "079188004455"

import json

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from coso.accounts.models import ApiToken
from coso.core.exceptions import ApplicationError
from coso.units import services
from coso.units.models import Village
from coso.units.tests.helpers import xlsx

pytestmark = pytest.mark.django_db
API = "/api/v1/units"


def _shape(r, status):
    assert r.status_code == status, r.content
    body = r.json()
    assert set(body) == {"code", "message", "details"}
    return body


@pytest.fixture
def village(users, commune):
    return services.village_create(actor=users["sysadmin"], commune=commune, name="Khu phố 1", kind="khu_pho", households=10)


def test_public_reference_lists(client, commune, other_commune):
    r = client.get(f"{API}/communes?province_code=79&q=sai gon")
    assert r.status_code == 200 and [c["code"] for c in r.json()["items"]] == ["26734"]


def test_village_crud_as_home_affairs(login, users, commune):
    c = login(users["home_affairs"])
    r = c.post(f"{API}/villages", {"commune_code": "26734", "name": "Tổ dân phố 7", "kind": "to_dan_pho", "households": 5}, content_type="application/json")
    assert r.status_code == 201, r.content
    vid = r.json()["id"]
    assert c.get(f"{API}/villages/{vid}").json()["name"] == "Tổ dân phố 7"
    r = c.patch(f"{API}/villages/{vid}", {"households": 50}, content_type="application/json")
    assert r.status_code == 200 and r.json()["households"] == 50
    assert [v["id"] for v in c.get(f"{API}/villages?q=to dan pho").json()["items"]] == [vid]
    assert c.delete(f"{API}/villages/{vid}").status_code == 204
    assert not Village.objects.filter(pk=vid).exists()


def test_other_unit_gets_404_everywhere(login, users, village):
    c = login(users["other_leader"])
    url = f"{API}/villages/{village.pk}"
    for r in (c.get(url), c.patch(url, {"households": 1}, content_type="application/json"), c.delete(url)):
        assert _shape(r, 404)["code"] == "not-found"
    r = c.post(f"{API}/villages", {"commune_code": "26734", "name": "X", "kind": "thon"}, content_type="application/json")
    _shape(r, 404)
    assert c.get(f"{API}/villages").json()["count"] == 0
    _shape(c.get(f"{API}/communes/26734"), 404)
    village.refresh_from_db()
    assert village.households == 10


def test_commune_attributes_api(login, users, commune):
    r = login(users["leader"]).get(f"{API}/communes/26734")
    assert r.status_code == 200 and r.json()["population"] == 50000
    r = login(users["leader"]).patch(f"{API}/communes/26734", {"population": 1}, content_type="application/json")
    assert _shape(r, 403)["code"] == "forbidden"
    r = login(users["province_admin"]).patch(f"{API}/communes/26734", {"population": 70000, "classification": "II"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["classification"] == "II"
    r = login(users["province_admin"]).patch(f"{API}/communes/26734", {"population": -1, "classification": "IV"}, content_type="application/json")
    body = _shape(r, 422)
    assert set(body["details"]["fields"]) == {"population", "classification"}
    # null for the classification reached the NOT NULL column and answered 500: it leaves the value as it is (as for villages),
    # as it does for the flags; population and area may be cleared with null.
    for field in ("classification", "is_border_or_island", "is_difficult_area", "is_security_hotspot"):
        r = login(users["province_admin"]).patch(f"{API}/communes/26734", {field: None}, content_type="application/json")
        assert r.status_code == 200 and r.json()["classification"] == "II", (field, r.content)
    r = login(users["province_admin"]).patch(f"{API}/communes/26734", {"population": 10**10}, content_type="application/json")
    assert _shape(r, 422)["details"]["fields"].keys() == {"population"}
    r = login(users["province_admin"]).patch(f"{API}/communes/26734", {"population": None}, content_type="application/json")
    assert r.status_code == 200 and r.json()["population"] is None


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ("not json", 400),
        ({"commune_code": "26734"}, 422),
        ({"commune_code": "26734", "name": "A", "kind": "xom"}, 422),
        ({"commune_code": "26734", "name": "A", "kind": "thon", "households": -1}, 422),
        ({"commune_code": "26734", "name": "A", "kind": "thon", "households": "nhiều"}, 422),
        ({"commune_code": "26734", "name": "A", "kind": "thon", "households": 10**12}, 422),
        ({"commune_code": "x" * 50, "name": "A", "kind": "thon"}, 422),
        ({"commune_code": "99999", "name": "A", "kind": "thon"}, 404),
        ({"commune_code": "26734", "name": "A", "kind": "thon", "converted_from_thon": True}, 400),
    ],
)
def test_malformed_input_answers_4xx_with_error_shape(login, users, commune, payload, status):
    c = login(users["home_affairs"])
    body = payload if isinstance(payload, str) else json.dumps(payload)
    r = c.post(f"{API}/villages", body, content_type="application/json")
    assert r.status_code in (status, 422) if status == 400 and isinstance(payload, str) else r.status_code == status, r.content
    _shape(r, r.status_code)
    assert not Village.objects.exists()


def test_duplicate_name_is_409(login, users, village):
    r = login(users["home_affairs"]).post(f"{API}/villages", {"commune_code": "26734", "name": "KHU PHỐ 1", "kind": "khu_pho"}, content_type="application/json")
    assert _shape(r, 409)["code"] == "village-name-taken"


def test_bogus_ids_never_500(login, users, commune):
    c = login(users["sysadmin"])
    assert c.get(f"{API}/villages/abc").status_code == 404
    assert c.get(f"{API}/villages/99999999999999999999999").status_code in (404, 422)
    assert c.get(f"{API}/villages/-1").status_code == 404
    assert c.get(f"{API}/communes/%00").status_code == 400
    assert c.get(f"{API}/villages?limit=-5").status_code == 422


def test_import_api(login, users, commune):
    c = login(users["home_affairs"])
    bad = SimpleUploadedFile("v.xlsx", xlsx([["26734", "Tổ 1", "Xóm", -1, 1, "", "", ""]]))
    body = _shape(c.post(f"{API}/villages/import", {"file": bad}), 400)
    assert body["code"] == "import-invalid"
    assert {(e["row"], e["column"]) for e in body["details"]["rows"]} == {(2, "Loại"), (2, "Số hộ")}
    good = SimpleUploadedFile("v.xlsx", xlsx([["26734", "Tổ 1", "Tổ dân phố", 1, 1, "", "", ""]]))
    r = c.post(f"{API}/villages/import", {"file": good})
    assert r.status_code == 201 and r.json() == {"created": 1, "communes": ["26734"]}
    assert _shape(c.post(f"{API}/villages/import", {}), 422)["code"] == "validation-error"


def test_bearer_token_authentication(client, users, village):
    token, raw = ApiToken.issue(user=users["province_home_affairs"], name="tích hợp")
    r = client.get(f"{API}/villages", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 200 and r.json()["count"] == 1
    r = client.get(f"{API}/villages", HTTP_X_API_KEY=raw)
    assert r.status_code == 200
    assert _shape(client.get(f"{API}/villages", HTTP_AUTHORIZATION="Bearer coso_wrong"), 401)["code"] == "not-authenticated"
    assert _shape(client.get(f"{API}/villages"), 401)["code"] == "not-authenticated"
    token.revoked = True
    token.save()
    _shape(client.get(f"{API}/villages", HTTP_AUTHORIZATION=f"Bearer {raw}"), 401)


def test_more_households_than_people_is_refused_at_every_door(login, users, commune, village):
    """A village of 1,000 households and 10 people (a typed 1000 for 100) was kept, and its households set its class and
    funding. Every household has a member: more households than people is refused on the households field (a population
    of 0 is "not recorded" and is not compared); nothing is written."""
    from django.urls import reverse

    from coso.core.models import AuditLog

    c = login(users["home_affairs"])
    before = AuditLog.objects.count()
    r = c.post(f"{API}/villages", {"commune_code": "26734", "name": "Tổ dân phố 8", "kind": "to_dan_pho", "households": 1000, "population": 10},
               content_type="application/json")
    body = _shape(r, 400)
    assert body["code"] == "village-households-over-population"
    assert body["details"]["fields"]["households"] == ["Số hộ (1000) không thể lớn hơn số dân (10)."]
    # The patch is checked against the values it leaves: population 5 under the village's 10 households.
    assert _shape(c.patch(f"{API}/villages/{village.pk}", {"population": 5}, content_type="application/json"), 400)["code"] == (
        "village-households-over-population")
    village.refresh_from_db()
    assert (village.households, village.population) == (10, 0)
    # The page's form shows it on its field.
    r = c.post(reverse("units:village_create"), {"commune": commune.pk, "name": "Tổ dân phố 9", "kind": "to_dan_pho", "households": 50,
                                                 "population": 20})
    assert r.status_code == 200 and "Số hộ (50) không thể lớn hơn số dân (20)." in r.content.decode()
    # The spreadsheet import names the row and the column.
    with pytest.raises(ApplicationError) as exc:
        services.villages_import(actor=users["home_affairs"], data=xlsx([["26734", "Tổ dân phố 10", "Tổ dân phố", 300, 120, "", "", ""]]))
    [row] = exc.value.details["rows"]
    assert (row["column"], row["message"]) == ("Số hộ", "Số hộ không thể lớn hơn số dân.")
    assert not Village.objects.filter(name__startswith="Tổ dân phố").exists() and AuditLog.objects.count() == before
    # Equal counts (a household of one), and households with no population recorded, are kept.
    assert c.patch(f"{API}/villages/{village.pk}", {"population": 10}, content_type="application/json").status_code == 200
    assert c.post(f"{API}/villages", {"commune_code": "26734", "name": "Tổ dân phố 11", "kind": "to_dan_pho", "households": 40},
                  content_type="application/json").status_code == 201

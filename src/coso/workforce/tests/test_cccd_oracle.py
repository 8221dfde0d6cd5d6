"""Issue 13 item 8: adding a person with a CCCD registered in a unit the user may not see answers
exactly like an invalid CCCD (no existence oracle), in the API, the import and the services."""

from __future__ import annotations

import pytest

from coso.core.exceptions import ApplicationError
from coso.workforce import services
from coso.workforce.models import Person
from coso.workforce.tests.helpers import person, row, xlsx

pytestmark = pytest.mark.django_db
API = "/api/v1/workforce/people"


def _payload(cccd: str) -> dict:
    return {"full_name": "Ngô Văn Dũng", "birth_date": "1990-04-02", "gender": "male", "citizen_id": cccd, "kind": "civil_servant",
            "position_code": "cv_vp"}


def test_api_answers_the_same_for_another_communes_cccd_and_an_invalid_one(login, users, commune, other_commune, foreign_commune):
    person(other_commune, citizen_id="079090001111")
    person(foreign_commune, citizen_id="001090002222")
    c = login(users["home_affairs"])
    answers = []
    for cccd in ("079090001111", "001090002222", "12345", "07909000111x"):
        r = c.post(API, _payload(cccd), content_type="application/json")
        answers.append((r.status_code, r.json()))
    assert all(a == answers[0] for a in answers), answers
    status, body = answers[0]
    assert status == 400 and body["code"] == "invalid-cccd" and "cơ sở dữ liệu" not in body["message"]
    assert Person.objects.count() == 2
    # An unused CCCD is accepted.
    assert c.post(API, _payload("079090003333"), content_type="application/json").status_code == 201


def test_duplicates_the_user_can_see_are_named_as_such(login, users, commune, other_commune):
    person(commune, citizen_id="079090001111")
    person(other_commune, citizen_id="079090004444")
    r = login(users["home_affairs"]).post(API, _payload("079090001111"), content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "duplicate-cccd"
    # The province's home-affairs office sees every commune of the province.
    r = login(users["province_home_affairs"]).post(API, {**_payload("079090004444"), "commune_code": commune.code}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "duplicate-cccd"


def test_import_reports_another_communes_cccd_like_an_invalid_one(users, commune, other_commune):
    person(other_commune, citizen_id="079090001111")
    with pytest.raises(ApplicationError) as exc:
        services.import_people(actor=users["home_affairs"], data=xlsx([
            row(citizen_id="079090001111"), row(citizen_id="1234", full_name="Lê Văn Bảy"),
        ]))
    reasons = {e["row"]: e["reason"] for e in exc.value.details["rows"] if e["column"] == "Số CCCD"}
    assert reasons[2] == reasons[3] == services.CCCD_UNUSABLE


def test_changing_a_cccd_to_another_communes_one_is_refused_the_same_way(users, commune, other_commune):
    person(other_commune, citizen_id="079090001111")
    mine = person(commune, citizen_id="079090005555", full_name="Hồ Thị Tám")
    for cccd in ("079090001111", "abc"):
        with pytest.raises(ApplicationError) as exc:
            services.person_update(actor=users["home_affairs"], person=mine, version=mine.version, citizen_id=cccd)
        assert (exc.value.code, exc.value.message) == ("invalid-cccd", services.CCCD_UNUSABLE + ".")

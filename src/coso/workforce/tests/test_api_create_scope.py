"""POST /api/v1/workforce/people checked the position against the catalogue of the commune named in the body before
checking that the caller may write there: another province's commune answered 400 unknown-position or 403 depending on
whether that province defined the position in its rule book, and a citizen got 400 (unknown commune, unknown position)
instead of 403. The caller's role and scope are now checked first: outside the caller's units the answer is 403
out-of-scope whatever the position, and nothing is written."""

from __future__ import annotations

from coso.workforce.models import Person

PAYLOAD = {"full_name": "Võ Thị Lan", "birth_date": "1991-04-05", "gender": "female", "kind": "civil_servant", "position_code": "nope",
           "citizen_id": ""}


def test_another_province_commune_is_out_of_scope_before_the_position_is_checked(users, commune, foreign_commune, login):
    client = login(users["home_affairs"])
    for position in ("nope", "cv_vp"):
        resp = client.post("/api/v1/workforce/people", {**PAYLOAD, "position_code": position, "commune_code": foreign_commune.code},
                           content_type="application/json")
        assert resp.status_code == 403 and resp.json()["code"] == "out-of-scope", resp.json()
    assert Person.objects.count() == 0


def test_a_citizen_is_refused_before_the_body_is_checked(users, commune, login):
    client = login(users["citizen"])
    for body in ({**PAYLOAD, "commune_code": "99999"}, {**PAYLOAD, "commune_code": commune.code}):
        resp = client.post("/api/v1/workforce/people", body, content_type="application/json")
        assert resp.status_code == 403, resp.json()
    assert Person.objects.count() == 0

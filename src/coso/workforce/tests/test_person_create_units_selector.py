"""POST /api/v1/workforce/people read the units app's AdministrativeUnit model itself to find the commune named; apps talk
through each other's selectors. The commune is now read with ``coso.units.selectors.commune_in_force``, with the same
answers: an unknown code 400 on commune_code, another province's commune 403, a commune of the caller 201."""

from __future__ import annotations

import ast
import inspect
import textwrap

from coso.units.selectors import commune_in_force
from coso.workforce import api
from coso.workforce.models import Person

PAYLOAD = {"full_name": "Võ Thị Lan", "birth_date": "1991-04-05", "gender": "female", "kind": "civil_servant", "position_code": "cv_vp",
           "citizen_id": ""}


def test_person_create_reads_no_model_of_the_units_app():
    tree = ast.parse(textwrap.dedent(inspect.getsource(api.person_create)))
    imported = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    assert "coso.units.models" not in imported and "AdministrativeUnit" not in names


def test_the_units_selector_and_the_answers(users, commune, foreign_commune, login):
    assert commune_in_force(commune.code) == {"code": commune.code, "province_code": commune.province_code, "name": commune.name}
    assert commune_in_force("99999") is None and commune_in_force("") is None and commune_in_force(commune.province_code) is None
    c = login(users["home_affairs"])
    r = c.post("/api/v1/workforce/people", {**PAYLOAD, "commune_code": "99999"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "unknown-commune" and "commune_code" in r.json()["details"]["fields"]
    r = c.post("/api/v1/workforce/people", {**PAYLOAD, "commune_code": foreign_commune.code}, content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "out-of-scope"
    assert not Person.objects.exists()
    r = c.post("/api/v1/workforce/people", {**PAYLOAD, "commune_code": ""}, content_type="application/json")
    assert r.status_code == 201, r.content
    assert Person.objects.get().commune_code == commune.code

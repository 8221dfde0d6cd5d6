"""The workforce app read the units app's ``AdministrativeUnit`` model itself (import validation, the register's export and
page, the review, position changes, the review export job); apps talk through each other's selectors. It now reads the
communes through ``coso.units.selectors``, with the same answers."""

from __future__ import annotations

import ast
import datetime as dt
import pathlib

from coso.core.text import fold
from coso.units.models import AdministrativeUnit
from coso.units.selectors import communes_in_force_facts, communes_in_scope, difficult_area_codes, unit_latest_name

APP = pathlib.Path(__file__).resolve().parents[1]


def test_no_workforce_module_reads_the_units_models():
    for path in APP.glob("*.py"):
        tree = ast.parse(path.read_text())
        imported = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        assert "coso.units.models" not in imported and "AdministrativeUnit" not in names, path.name


def test_units_selectors(users, commune, other_commune, foreign_commune):
    AdministrativeUnit.objects.filter(pk=other_commune.pk).update(is_difficult_area=True)
    facts = communes_in_force_facts([commune.code, other_commune.code, "99999", ""])
    assert set(facts) == {commune.code, other_commune.code}
    assert facts[commune.code] == {"code": commune.code, "name": commune.name, "kind": "phuong", "classification": "I", "population": 50_000,
                                   "area_km2": None, "is_difficult_area": False, "province_code": "79"}
    assert set(communes_in_force_facts()) == {commune.code, other_commune.code, foreign_commune.code}
    assert difficult_area_codes([commune.code, other_commune.code, foreign_commune.code]) == {other_commune.code}

    assert [c["code"] for c in communes_in_scope(fetched_by=users["home_affairs"])] == [commune.code]
    # province staff: their province's communes, by name ("Phường Sài Gòn" before "Phường Tân Định")
    assert [c["code"] for c in communes_in_scope(fetched_by=users["province_home_affairs"])] == [commune.code, other_commune.code]
    assert len(communes_in_scope(fetched_by=users["sysadmin"])) == 3
    assert communes_in_scope(fetched_by=users["citizen"]) == []
    assert communes_in_scope(fetched_by=users["home_affairs"], code=other_commune.code) == []
    assert communes_in_scope(fetched_by=users["province_home_affairs"], code=other_commune.code)[0]["is_difficult_area"] is True

    # a commune that ended on 1/7/2025 keeps its name for the records dated before
    AdministrativeUnit.all_objects.create(code="26999", name="Phường Cũ", name_folded=fold("Phường Cũ"), level="commune", kind="phuong",
                                          province_code="79", valid_from=dt.date(2008, 1, 1), valid_to=dt.date(2025, 7, 1))
    assert unit_latest_name("26999") == "Phường Cũ" and unit_latest_name(commune.code) == commune.name
    assert unit_latest_name("88888") is None and "26999" not in communes_in_force_facts(["26999"])


def test_register_and_evaluations_pages_list_the_users_communes(users, commune, other_commune, login):
    c = login(users["province_home_affairs"])
    r = c.get("/workforce/")
    assert r.status_code == 200 and commune.name in r.content.decode() and other_commune.name in r.content.decode()
    assert c.get(f"/workforce/danh-gia/?commune={other_commune.code}").status_code == 200
    c = login(users["home_affairs"])
    assert c.get(f"/workforce/danh-gia/?commune={other_commune.code}").status_code == 404

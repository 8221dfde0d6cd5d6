"""A one-stop officer whose commune ended in a reorganisation (the account not moved yet) opening the counter intake page got
a server error (500): the page now answers 403 and says why; the officer of a commune in force still gets the page."""

from __future__ import annotations

import datetime as dt

import pytest

from coso.dossiers.models import Dossier

pytestmark = pytest.mark.django_db


def test_an_officer_of_an_ended_commune_is_told_why(login, users, province, commune, version):
    from coso.units.models import AdministrativeUnit

    AdministrativeUnit.all_objects.create(code="26740", name="Phường Bến Nghé", name_folded="phuong ben nghe", level="commune", kind="phuong",
                                          parent=province, province_code=province.code, valid_from=None, valid_to=dt.date(2025, 7, 1))
    officer = users["onestop"]
    c = login(officer)
    assert c.get("/dossiers/intake/").status_code == 200
    officer.commune_code = "26740"
    officer.save(update_fields=["commune_code"])
    r = c.get("/dossiers/intake/", {"procedure": version.procedure.code})
    assert r.status_code == 403
    assert "Xã/phường của tài khoản (mã 26740) không còn hoạt động" in r.content.decode()
    assert Dossier.objects.count() == 0

"""Bad input on the accounts pages: a clear error on the page (Vietnamese), never a 500, nothing changed."""

from __future__ import annotations

import datetime as dt
import html

import pytest

from coso.accounts.models import User
from coso.core.models import AuditLog

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("person", ["18446744073709551617", "2147483648", "-1", "0"])
def test_accounts_from_the_register_for_an_id_no_person_has_are_refused(users, commune, login, person):
    from coso.workforce.models import Person

    p = Person.objects.create(full_name="Võ Thị Hoa", birth_date=dt.date(1985, 3, 1), gender="female", kind="civil_servant", position_code="cv_ttphc",
                              province_code=commune.province_code, commune_code=commune.code, started_on=dt.date(2020, 1, 1))
    c = login(users["province_admin"])
    accounts, audit = User.objects.count(), AuditLog.objects.count()
    r = c.post("/accounts/staff/from-register/", {"commune": commune.code, "role": "", "person": [str(p.pk), person]})
    assert r.status_code == 200
    assert "Có người không thuộc xã này, đã thôi việc hoặc đã có tài khoản." in html.unescape(r.content.decode())
    p.refresh_from_db()
    assert p.user is None and User.objects.count() == accounts and AuditLog.objects.count() == audit

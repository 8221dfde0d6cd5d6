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


LONG_EMAIL = "a" * 60 + "@" + ("b" * 60 + ".") * 4 + "vn"  # 307 characters: a valid address, longer than the column


@pytest.mark.parametrize(("name", "email", "message"), [
    ("Nguyễn " * 40, "", "Họ và tên tối đa 200 ký tự."),
    ("Nguyễn Văn An", LONG_EMAIL, "Địa chỉ thư điện tử không hợp lệ."),
])
def test_staff_import_refuses_values_longer_than_the_account_holds(users, commune, login, name, email, message):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    from openpyxl import Workbook

    from coso.accounts import services

    wb = Workbook()
    wb.active.append(services.IMPORT_COLUMNS)
    wb.active.append(["an.nv", name, "Cán bộ một cửa", commune.code, email, "", ""])
    wb.active.append(["binh.tt", "Trần Thị Bình", "Cán bộ một cửa", commune.code, "", "", ""])
    out = io.BytesIO()
    wb.save(out)
    c = login(users["province_admin"])
    accounts, audit = User.objects.count(), AuditLog.objects.count()
    r = c.post("/accounts/staff/import/", {"file": SimpleUploadedFile("tk.xlsx", out.getvalue())})
    assert r.status_code == 200 and 'class="import-error"' in r.content.decode()
    assert message in html.unescape(r.content.decode())
    assert User.objects.count() == accounts and AuditLog.objects.count() == audit  # all or nothing: the good row is not created either

"""Bad input on the units pages: a clear error on the page (Vietnamese), never a 500, nothing changed."""

from __future__ import annotations

import datetime as dt
import html

import pytest
import time_machine

from coso.core.models import AuditLog
from coso.units.models import Reorganisation
from coso.units.tests import reorg_helpers as h

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2026, 3, 2, 9, 0), tick=False)
@pytest.mark.parametrize("version", ["abc", " ", "1e309", "NaN", "²", "-1", "18446744073709551617", "2147483648"])
def test_cancelling_a_reorganisation_with_a_version_that_is_not_one_is_refused(users, commune, login, version):
    a, b = h.village(commune, "Tổ dân phố 1"), h.village(commune, "Tổ dân phố 2")
    c = login(users["province_admin"])
    r = c.post("/units/reorganisations/new/", {
        "kind": "village_merge", "decision_number": "12/NQ-HĐND", "decision_date": "2026-02-20", "effective_on": "2026-04-01",
        "title": "Sáp nhập tổ 1 và tổ 2", "commune": commune.code, "sources": [a.pk, b.pk], "target_village": "",
        "new_name": "Tổ dân phố Hòa Bình", "new_kind": "to_dan_pho", "action": "schedule"})
    assert r.status_code == 302
    obj = Reorganisation.objects.get()
    audit = AuditLog.objects.count()
    r = c.post(f"/units/reorganisations/{obj.pk}/", {"reason": "HĐND tỉnh hoãn", "version": version})
    assert r.status_code == 200
    assert "Phương án vừa được người khác thay đổi. Tải lại trang." in html.unescape(r.content.decode())
    obj.refresh_from_db()
    assert obj.status == Reorganisation.Status.SCHEDULED and AuditLog.objects.count() == audit
    # The version the page shows still cancels it.
    assert c.post(f"/units/reorganisations/{obj.pk}/", {"reason": "HĐND tỉnh hoãn", "version": obj.version}).status_code == 302
    obj.refresh_from_db()
    assert obj.status == Reorganisation.Status.CANCELLED


@pytest.mark.parametrize(("households", "message"), [("²", "Phải là số nguyên không âm."), ("1²", "Phải là số nguyên không âm."),
                                                     ("9" * 5000, "Số quá lớn."), ("1." + ".".join(["000"] * 1500), "Số quá lớn."),
                                                     ("0" * 30 + "12", None)])
def test_village_import_reads_counts_only_from_decimal_digits(users, commune, login, households, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from coso.units.models import Village
    from coso.units.tests.helpers import xlsx

    c = login(users["province_admin"])
    audit = AuditLog.objects.count()
    data = xlsx([["26734", "Khu phố 9", "Khu phố", households, "30", "", "", ""]])
    r = c.post("/units/villages/import/", {"file": SimpleUploadedFile("thon.xlsx", data)})
    if message is None:  # leading zeros: still the number they write
        assert r.status_code == 302 and Village.objects.get(name="Khu phố 9").households == 12
        return
    assert r.status_code == 200 and message in html.unescape(r.content.decode())
    assert not Village.objects.filter(name="Khu phố 9").exists() and AuditLog.objects.count() == audit

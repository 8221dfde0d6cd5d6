"""An ended procedure (``procedures_end``: replaced or abolished) is ended everywhere and takes nothing new:

- every version still open on the end date closes then, national and every province's; a version that would start on or
  after it never takes effect: its period becomes empty (valid_to = valid_from), kept as history, audited;
- its phân cấp running on the end date ends then, one that would start later is withdrawn;
- no new version (service, API, page, import) and no new phân cấp (service, API) is created for it."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog
from coso.dossiers.tests.conftest import make_procedure
from coso.procedures import services
from coso.procedures.models import Decentralisation, Procedure, ProcedureVersion

pytestmark = pytest.mark.django_db
API = "/api/v1/procedures"
END = dt.date(2027, 2, 1)  # today is 2/12/2026 (conftest)
ENDED_MESSAGE = "Thủ tục {code} đã ngừng áp dụng: không tạo được phiên bản mới hay phân cấp mới cho thủ tục này."


def _version(proc: Procedure, start: dt.date, province: str = "") -> ProcedureVersion:
    return ProcedureVersion.objects.create(procedure=proc, province_code=province, valid_from=start, time_limit=Decimal(5))


def _counts() -> tuple[int, int, int]:
    return ProcedureVersion.objects.count(), Decentralisation.objects.count(), AuditLog.objects.filter(object_type__startswith="procedures.").count()


def test_ending_closes_every_version_of_every_scope_and_withdraws_those_not_yet_in_force(users):
    current = make_procedure()
    proc = current.procedure
    later = _version(proc, dt.date(2027, 3, 1))  # national, after the end: never in force
    on_end = _version(proc, END, "79")  # a province's, from the end date itself: never in force
    hcm = _version(proc, dt.date(2026, 6, 1), "79")
    hcm.valid_to = END
    hcm.save()
    hanoi = _version(proc, dt.date(2026, 6, 1), "01")  # another province's, open
    hanoi_next = _version(proc, dt.date(2027, 1, 1), "01")  # starts before the end: in force one month
    hanoi.valid_to = hanoi_next.valid_from
    hanoi.save()
    assert services.procedures_end(actor=users["sysadmin"], items=[{"code": proc.code, "valid_to": END.isoformat(), "reason": "Bãi bỏ"}]) == 1
    got = {v.pk: (v.valid_from, v.valid_to) for v in ProcedureVersion.objects.filter(procedure=proc)}
    assert got == {
        current.pk: (dt.date(2020, 1, 1), END),
        later.pk: (dt.date(2027, 3, 1), dt.date(2027, 3, 1)),
        on_end.pk: (END, END),
        hcm.pk: (dt.date(2026, 6, 1), END),
        hanoi.pk: (dt.date(2026, 6, 1), dt.date(2027, 1, 1)),
        hanoi_next.pk: (dt.date(2027, 1, 1), END),
    }
    proc.refresh_from_db()
    assert not proc.is_active
    for province in ("", "79", "01", "48"):
        assert proc.version_on(END, province) is None and proc.version_on(dt.date(2027, 3, 2), province) is None
    assert proc.version_on(dt.date(2027, 1, 15), "01") == hanoi_next and proc.version_on(dt.date(2027, 1, 15), "79") == hcm
    verbs = sorted(AuditLog.objects.filter(object_type="procedures.ProcedureVersion").values_list("verb", "object_id"))
    assert verbs == sorted([("procedure_version_close", str(current.pk)), ("procedure_version_close", str(hanoi_next.pk)),
                            ("procedure_version_withdraw", str(later.pk)), ("procedure_version_withdraw", str(on_end.pk))])
    # Idempotent: nothing more to do the second time.
    assert services.procedures_end(actor=users["sysadmin"], items=[{"code": proc.code, "valid_to": END.isoformat(), "reason": "Bãi bỏ"}]) == 0


def test_no_new_version_of_an_ended_procedure_by_service_api_or_page(login, users):
    proc = make_procedure().procedure
    services.procedures_end(actor=users["sysadmin"], items=[{"code": proc.code, "valid_to": END.isoformat(), "reason": "Bãi bỏ"}])
    message = ENDED_MESSAGE.format(code=proc.code)
    before = _counts()
    for actor, province in ((users["sysadmin"], ""), (users["province_admin"], "79")):
        with pytest.raises(ApplicationError) as exc:
            services.version_create(actor=actor, procedure=proc, valid_from=dt.date(2027, 1, 1), province_code=province, time_limit=3)
        assert exc.value.code == "procedure-ended" and exc.value.details["fields"]["procedure"] == [message]
    r = login(users["province_admin"]).post(f"{API}/{proc.code}/versions", json.dumps({"valid_from": "2027-01-01", "province_code": "79", "time_limit": 3}),
                                            content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "procedure-ended" and r.json()["details"]["fields"]["procedure"] == [message], r.content
    c = login(users["sysadmin"])
    url = reverse("procedures:admin_detail", args=[proc.code])
    form = c.get(url).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update({"valid_from": "01/01/2027", "time_limit": "2", "time_unit": "working_days", "province_code": "", "reason": "Quyết định",
                 "steps": "Tiếp nhận | onestop_officer | 20\nGiải quyết | specialist | 80"})
    r = c.post(url, data)
    assert r.status_code == 200 and message in r.content.decode(), r.context["form"].errors
    assert _counts() == before


def test_the_import_refuses_a_new_version_of_an_ended_procedure_on_its_code(login, users, catalogue):
    rows = json.loads(services.catalogue_json_bytes())["procedures"]
    code = rows[0]["code"]
    services.procedures_end(actor=users["sysadmin"], items=[{"code": code, "valid_to": END.isoformat(), "reason": "Bãi bỏ"}])
    rows[0]["time_limit"] = 77
    before = _counts()
    r = login(users["sysadmin"]).post(f"{API}/import", {"file": SimpleUploadedFile("c.json", json.dumps(rows).encode()), "effective_from": "2027-01-01"})
    assert r.status_code == 400 and r.json()["code"] == "import-invalid", r.content
    assert ENDED_MESSAGE.format(code=code) in r.json()["message"]
    assert _counts() == before


def test_no_new_decentralisation_of_an_ended_procedure(login, users, commune):
    proc = make_procedure(code="2.000001", name="Thủ tục cấp tỉnh").procedure
    proc.decision_level = "province"
    proc.save()
    services.procedures_end(actor=users["sysadmin"], items=[{"code": proc.code, "valid_to": END.isoformat(), "reason": "Bãi bỏ"}])
    message = ENDED_MESSAGE.format(code=proc.code)
    before = _counts()
    with pytest.raises(ApplicationError) as exc:
        services.decentralisation_create(actor=users["province_admin"], procedure=proc, province_code="79", valid_from=dt.date(2027, 1, 1),
                                         decision_number="30/2026/QĐ-UBND", decision_date=dt.date(2026, 11, 30))
    assert exc.value.code == "procedure-ended" and exc.value.details["fields"]["procedure"] == [message]
    body = {"procedure_code": proc.code, "valid_from": "2027-01-01", "decision_number": "30/2026/QĐ-UBND", "decision_date": "2026-11-30"}
    r = login(users["province_admin"]).post(f"{API}/decentralisations", json.dumps(body), content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "procedure-ended" and r.json()["details"]["fields"]["procedure"] == [message], r.content
    assert _counts() == before


def test_ending_ends_the_decentralisations_running_then_and_withdraws_later_ones(users):
    proc = make_procedure().procedure
    kw = {"procedure": proc, "level": Procedure.Level.COMMUNE, "decision_number": "12/QĐ-UBND", "decision_date": dt.date(2026, 11, 1)}
    running = Decentralisation.objects.create(province_code="79", valid_from=dt.date(2026, 12, 10), **kw)
    ends_before = Decentralisation.objects.create(province_code="01", valid_from=dt.date(2026, 12, 10), valid_to=dt.date(2027, 1, 10), **kw)
    later = Decentralisation.objects.create(province_code="01", valid_from=dt.date(2027, 3, 1), **kw)
    assert services.procedures_end(actor=users["sysadmin"], items=[{"code": proc.code, "valid_to": END.isoformat(), "reason": "Bãi bỏ"}]) == 1
    running.refresh_from_db()
    ends_before.refresh_from_db()
    assert running.valid_to == END and ends_before.valid_to == dt.date(2027, 1, 10)  # the communes stop deciding it with it
    assert not Decentralisation.objects.filter(pk=later.pk).exists()  # never in force: withdrawn, kept in the audit log
    verbs = sorted(AuditLog.objects.filter(object_type="procedures.Decentralisation").values_list("verb", "object_id"))
    assert verbs == [("procedure_decentralise_end", str(running.pk)), ("procedure_decentralise_withdraw", str(later.pk))]
    assert services.procedures_end(actor=users["sysadmin"], items=[{"code": proc.code, "valid_to": END.isoformat(), "reason": "Bãi bỏ"}]) == 0


def test_a_decentralisation_ended_with_its_procedure_is_not_moved_later(login, users, commune):
    """Ending a procedure ends its phân cấp on the end date: moving that end later (API, page) would have the communes decide
    a procedure no longer in force, and is refused; moving it earlier still works."""
    proc = make_procedure(code="2.000001", name="Thủ tục cấp tỉnh").procedure
    proc.decision_level = "province"
    proc.save()
    row = services.decentralisation_create(actor=users["province_admin"], procedure=proc, province_code="79", valid_from=dt.date(2026, 12, 10),
                                           decision_number="30/2026/QĐ-UBND", decision_date=dt.date(2026, 11, 30))
    services.procedures_end(actor=users["sysadmin"], items=[{"code": proc.code, "valid_to": END.isoformat(), "reason": "Bãi bỏ"}])
    row.refresh_from_db()
    assert row.valid_to == END
    before = _counts()
    message = ENDED_MESSAGE.format(code=proc.code)
    c = login(users["province_admin"])
    r = c.post(f"{API}/decentralisations/{row.pk}/end", json.dumps({"valid_to": "2027-06-01"}), content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "procedure-ended" and r.json()["details"]["fields"]["valid_to"] == [message], r.content
    r = c.post(reverse("procedures:decentralisations"), {"action": "end", "pk": row.pk, "valid_to": "2027-06-01"}, follow=True)
    assert message in r.content.decode()
    row.refresh_from_db()
    assert row.valid_to == END and _counts() == before
    r = c.post(f"{API}/decentralisations/{row.pk}/end", json.dumps({"valid_to": "2027-01-15"}), content_type="application/json")
    assert r.status_code == 200 and r.json()["valid_to"] == "2027-01-15", r.content

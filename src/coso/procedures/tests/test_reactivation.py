"""Applying an ended procedure again (``procedure_reactivate``: page and API, system administrators) from a date: each
scope's last version (national, each province's own) applies again from then with its rules and steps, audited, so that
dossiers can be received under it; made active without a date it would have no version in force, and is refused."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.urls import reverse

import pytest

from coso.core.models import AuditLog
from coso.dossiers.tests.conftest import make_procedure
from coso.procedures import services
from coso.procedures.models import Procedure, ProcedureStep, ProcedureVersion

pytestmark = pytest.mark.django_db
API = "/api/v1/procedures"
TODAY = dt.date(2026, 12, 2)  # conftest
END = dt.date(2027, 2, 1)
AGAIN = dt.date(2027, 3, 15)


@pytest.fixture
def ended(users):  # type: ignore[no-untyped-def]
    """A procedure with a national version, Ho Chi Minh City's own (and its later one, withdrawn), ended on 1/2/2027."""
    national = make_procedure()
    proc = national.procedure
    hcm = ProcedureVersion.objects.create(procedure=proc, province_code="79", valid_from=dt.date(2026, 6, 1), time_limit=Decimal(2),
                                          fee=15000, online="none")
    ProcedureStep.objects.create(version=hcm, order=1, name="Giải quyết tại xã", role="specialist", share_percent=100)
    ProcedureVersion.objects.create(procedure=proc, province_code="79", valid_from=dt.date(2027, 3, 1), time_limit=Decimal(9))
    services.procedures_end(actor=users["sysadmin"], items=[{"code": proc.code, "valid_to": END.isoformat(), "reason": "Bãi bỏ"}])
    return proc, national, hcm


def _state(proc: Procedure) -> tuple:
    proc.refresh_from_db()
    versions = sorted(proc.versions.values_list("province_code", "valid_from", "valid_to"))
    return proc.is_active, versions, AuditLog.objects.filter(object_type__startswith="procedures.").count()


def _rules(v: ProcedureVersion) -> tuple:
    return (v.time_limit, v.time_unit, v.fee, v.online, v.required_documents,
            list(v.steps.order_by("order").values_list("name", "role", "share_percent")))


def test_the_api_applies_an_ended_procedure_again_from_a_date_with_its_last_rules(login, users, ended):
    proc, national, hcm = ended
    c = login(users["sysadmin"])
    r = c.post(f"{API}/{proc.code}/reactivate", json.dumps({"valid_from": AGAIN.isoformat(), "reason": "Quyết định 12/QĐ-TTg"}),
               content_type="application/json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["is_active"] is True and body["version"]["valid_from"] == AGAIN.isoformat() and body["version"]["valid_to"] is None
    proc.refresh_from_db()
    assert proc.is_active
    again_national, again_hcm = proc.version_on(AGAIN, ""), proc.version_on(AGAIN, "79")
    assert again_national.pk != national.pk and again_national.valid_from == AGAIN and _rules(again_national) == _rules(national)
    assert again_hcm.province_code == "79" and again_hcm.valid_from == AGAIN and _rules(again_hcm) == _rules(hcm)
    assert proc.version_on(dt.date(2027, 2, 15), "") is None  # the days it was ended stay so
    # readers and the counter find it again from that day
    assert c.get(f"{API}/{proc.code}", {"date": AGAIN.isoformat(), "province_code": "79"}).json()["version"]["time_limit_label"] == "2 ngày làm việc"
    entries = list(AuditLog.objects.filter(object_type__startswith="procedures.", verb__in=["procedure_reactivate", "procedure_version_create"])
                   .values_list("verb", "object_id", "reason"))
    assert sorted(entries) == sorted([("procedure_reactivate", str(proc.pk), "Quyết định 12/QĐ-TTg"),
                                      ("procedure_version_create", str(again_national.pk), "Quyết định 12/QĐ-TTg"),
                                      ("procedure_version_create", str(again_hcm.pk), "Quyết định 12/QĐ-TTg")])


def test_a_procedure_ended_in_the_past_applies_again_from_today(users):
    proc = make_procedure().procedure
    services.procedures_end(actor=None, items=[{"code": proc.code, "valid_to": "2026-06-01", "reason": "Bãi bỏ"}])
    services.procedure_reactivate(actor=users["sysadmin"], procedure=proc, valid_from=TODAY)
    version = proc.version_on(TODAY, "79")
    assert version is not None and version.valid_from == TODAY and version.steps.count() == 4


def test_reactivation_is_refused_with_why_and_changes_nothing(login, users, ended):
    proc, _national, _hcm = ended
    before = _state(proc)
    c = login(users["sysadmin"])
    cases = [
        ({"valid_from": "2027-01-15"}, 400, "reactivate-before-end", "Thủ tục ngừng áp dụng từ ngày 01/02/2027: ngày áp dụng lại phải từ ngày đó trở đi."),
        ({"valid_from": "2026-11-30"}, 400, "version-past", None),
        ({"valid_from": "2027-03-01"}, 409, "reactivate-date-taken",  # the start of the province's version withdrawn when it ended
         "Ngày 01/03/2027 là ngày bắt đầu của một phiên bản đã rút khi thủ tục ngừng áp dụng; chọn ngày áp dụng lại khác."),
        ({"valid_from": "bogus"}, 422, "validation-error", None),
        ({}, 422, "validation-error", None),
    ]
    for body, status, code, message in cases:
        r = c.post(f"{API}/{proc.code}/reactivate", json.dumps(body), content_type="application/json")
        assert (r.status_code, r.json()["code"]) == (status, code), (body, r.content)
        if message:
            assert r.json()["details"]["fields"]["valid_from"] == [message]
    assert c.post(f"{API}/9.999/reactivate", json.dumps({"valid_from": "2027-03-15"}), content_type="application/json").status_code == 404
    r = login(users["province_admin"]).post(f"{API}/{proc.code}/reactivate", json.dumps({"valid_from": "2027-03-15"}), content_type="application/json")
    assert r.status_code == 403
    assert _state(proc) == before
    # made active without a date, it would have no version in force: refused, with what to do instead
    r = login(users["sysadmin"]).put(f"{API}/{proc.code}", json.dumps({"is_active": True}), content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "reactivate-needs-date", r.content
    assert "hãy áp dụng lại thủ tục từ một ngày" in r.json()["details"]["fields"]["is_active"][0]
    assert _state(proc) == before
    # an active procedure has nothing to apply again
    services.procedure_reactivate(actor=users["sysadmin"], procedure=proc, valid_from=AGAIN)
    r = c.post(f"{API}/{proc.code}/reactivate", json.dumps({"valid_from": "2027-04-01"}), content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "procedure-active"


def test_the_page_applies_an_ended_procedure_again(login, users, ended):
    proc, national, _hcm = ended
    url = reverse("procedures:admin_detail", args=[proc.code])
    c = login(users["sysadmin"])
    page = c.get(url).content.decode()
    assert "Ngừng áp dụng từ ngày 01/02/2027: đến hết ngày trước đó thủ tục vẫn nhận hồ sơ" in page and 'id="reactivate-form"' in page  # ended from 1/2/2027: offered until then
    before = _state(proc)
    r = c.post(url, {"action": "reactivate", "reactivate-valid_from": "2027-01-15", "reactivate-reason": "QĐ"})
    assert r.status_code == 200
    assert r.context["reactivate_form"].errors["valid_from"] == ["Thủ tục ngừng áp dụng từ ngày 01/02/2027: ngày áp dụng lại phải từ ngày đó trở đi."]
    assert _state(proc) == before
    r = c.post(url, {"action": "reactivate", "reactivate-valid_from": "15/03/2027", "reactivate-reason": "QĐ"}, follow=True)
    assert "Đã áp dụng lại thủ tục từ ngày 15/03/2027." in r.content.decode()
    proc.refresh_from_db()
    assert proc.is_active and _rules(proc.version_on(AGAIN, "")) == _rules(national)
    assert 'id="reactivate-form"' not in r.content.decode() and "Ngừng áp dụng từ ngày" not in r.content.decode()
    assert "Thủ tục đã ngừng áp dụng" not in r.content.decode()


def test_a_province_administrator_is_offered_no_reactivation(login, users, ended):
    proc, _national, _hcm = ended
    url = reverse("procedures:admin_detail", args=[proc.code])
    c = login(users["province_admin"])
    page = c.get(url).content.decode()
    assert "Ngừng áp dụng từ ngày 01/02/2027: đến hết ngày trước đó thủ tục vẫn nhận hồ sơ" in page and 'id="reactivate-form"' not in page
    before = _state(proc)
    assert c.post(url, {"action": "reactivate", "reactivate-valid_from": "15/03/2027"}).status_code == 404
    assert _state(proc) == before


def test_the_administration_list_shows_an_ended_procedure_to_apply_it_again(client, login, users):
    """An ended procedure has no version in force: the administration's list still shows it, marked, with the link to the
    page where it is applied again; the public list does not."""
    ended = make_procedure().procedure
    kept = make_procedure(code="1.000001", name="Thủ tục đang áp dụng").procedure
    services.procedures_end(actor=None, items=[{"code": ended.code, "valid_to": "2026-06-01", "reason": "Bãi bỏ"}])
    page = login(users["sysadmin"]).get(reverse("procedures:admin"))
    rows = [(p.code, v is not None) for p, v in page.context["rows"]]
    assert sorted(rows) == [(kept.code, True), (ended.code, False)]
    html = page.content.decode()
    assert reverse("procedures:admin_detail", args=[ended.code]) in html and "Đã ngừng áp dụng" in html
    assert "Không có phiên bản đang áp dụng" in html
    client.logout()
    assert [p.code for p, _v in client.get(reverse("procedures:list")).context["rows"]] == [kept.code]


def test_a_procedure_only_marked_inactive_with_only_a_provinces_version_applies_again(login, users):
    """A procedure marked inactive before ending took a date (its versions left open), with only a province's own version:
    applied again, it keeps that open version and the API answers with it (it answered 500)."""
    proc = make_procedure().procedure
    ProcedureVersion.objects.filter(procedure=proc).update(province_code="79")
    Procedure.objects.filter(pk=proc.pk).update(is_active=False)
    r = login(users["sysadmin"]).post(f"{API}/{proc.code}/reactivate", json.dumps({"valid_from": AGAIN.isoformat()}), content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["is_active"] is True and r.json()["version"]["province_code"] == "79" and r.json()["version"]["valid_to"] is None
    assert proc.versions.count() == 1

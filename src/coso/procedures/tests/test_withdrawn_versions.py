"""A version withdrawn before it took effect (``procedures_end``: valid_to = valid_from, an empty period) is history, never a
rule: the version history says so (staff page "Đã rút trước ngày hiệu lực", API ``withdrawn`` / ``status``), it is never
the version in force on any day, and its steps are not configured any more."""

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
END = dt.date(2027, 2, 1)  # today is 2/12/2026 (conftest)
LATER = dt.date(2027, 3, 1)


@pytest.fixture
def withdrawn(users):  # type: ignore[no-untyped-def]
    """A procedure ended on 1/2/2027 whose national version from 1/3/2027 was withdrawn, made active again since."""
    current = make_procedure()
    proc = current.procedure
    later = ProcedureVersion.objects.create(procedure=proc, valid_from=LATER, time_limit=Decimal(7))
    ProcedureStep.objects.create(version=later, order=1, name="Giải quyết", role="specialist", share_percent=100)
    services.procedures_end(actor=users["sysadmin"], items=[{"code": proc.code, "valid_to": END.isoformat(), "reason": "Bãi bỏ"}])
    Procedure.objects.filter(pk=proc.pk).update(is_active=True)  # the state a reactivation leaves its history in
    later.refresh_from_db()
    assert later.valid_to == later.valid_from == LATER
    return current, later


def test_the_version_history_api_flags_a_withdrawn_version(client, withdrawn):
    current, later = withdrawn
    history = {v["id"]: v for v in client.get(f"{API}/{current.procedure.code}/versions").json()}
    assert (history[later.pk]["withdrawn"], history[later.pk]["status"]) == (True, "withdrawn")
    assert (history[current.pk]["withdrawn"], history[current.pk]["status"]) == (False, "in_force")
    # never the version in force: not on its own start day, nor later
    for day in (LATER, dt.date(2027, 6, 1)):
        r = client.get(f"{API}/{current.procedure.code}", {"date": day.isoformat()})
        assert r.status_code == 404 and r.json()["code"] == "no-version"
    assert current.procedure.version_on(LATER, "79") is None
    assert client.get(f"{API}/{current.procedure.code}", {"date": "2026-12-02"}).json()["version"]["status"] == "in_force"


def test_the_staff_page_labels_a_withdrawn_version_and_offers_no_steps_form(login, users, withdrawn):
    current, later = withdrawn
    page = login(users["sysadmin"]).get(reverse("procedures:admin_detail", args=[current.procedure.code]))
    html = page.content.decode()
    row = next(r for r in html.split("<tr") if "01/03/2027" in r)
    assert "Đã rút trước ngày hiệu lực" in row and "01/03/2027 – 01/03/2027" not in row
    assert reverse("procedures:admin_steps", args=[later.pk]) not in html
    assert html.count("Đã rút trước ngày hiệu lực") == 1  # the version that was in force is not labelled


def test_the_steps_of_a_withdrawn_version_are_not_configured(login, users, withdrawn):
    _current, later = withdrawn
    before = list(later.steps.values_list("name", "share_percent")), AuditLog.objects.filter(object_type__startswith="procedures.").count()
    body = {"steps": [{"order": 1, "name": "Xử lý", "role": "specialist", "share_percent": 100}]}
    r = login(users["sysadmin"]).put(f"{API}/versions/{later.pk}/steps", json.dumps(body), content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "version-withdrawn", r.content
    assert "đã rút trước ngày hiệu lực" in r.json()["message"]
    r = login(users["sysadmin"]).post(reverse("procedures:admin_steps", args=[later.pk]), {"steps": "Xử lý | specialist | 100"}, follow=True)
    assert "đã rút trước ngày hiệu lực" in r.content.decode()
    assert (list(later.steps.values_list("name", "share_percent")), AuditLog.objects.filter(object_type__startswith="procedures.").count()) == before

"""Another province's own procedure version is outside a province administrator's scope: its steps are not found (404) on
the API, the page and the service, as every record out of scope, and nothing changes; a national version she sees stays
refused (403, not hers), her own province's is configured."""

import datetime as dt
import json

from django.urls import reverse

import pytest

from coso.accounts.roles import Role
from coso.core.exceptions import ApplicationError, NotFoundError
from coso.core.models import AuditLog
from coso.procedures import services
from coso.procedures.models import Procedure, ProcedureStep

pytestmark = pytest.mark.django_db
API = "/api/v1/procedures"
XN = "1.004873"
NEW_STEPS = [{"order": 1, "name": "Tiếp nhận", "role": "onestop_officer", "share_percent": 20},
             {"order": 2, "name": "Giải quyết", "role": "specialist", "share_percent": 80}]


def _state() -> tuple:
    return list(ProcedureStep.objects.order_by("pk").values_list("version_id", "order", "name", "share_percent")), AuditLog.objects.count()


@pytest.fixture
def versions(catalogue, users, other_province):  # type: ignore[no-untyped-def]
    proc = Procedure.objects.get(code=XN)
    later = dt.date(2027, 1, 1)
    own = services.version_create(actor=None, procedure=proc, valid_from=later, province_code="79")
    foreign = services.version_create(actor=None, procedure=proc, valid_from=later, province_code="01")
    national = services.version_create(actor=None, procedure=proc, valid_from=later, province_code="")
    return {"own": own, "foreign": foreign, "national": national}


def test_another_provinces_version_steps_are_not_found(users, versions, login):
    admin = users["province_admin"]
    foreign = versions["foreign"]
    c = login(admin)  # (signing in is audited)
    before = _state()
    with pytest.raises(NotFoundError):
        services.steps_configure(actor=admin, version=foreign, steps=NEW_STEPS)
    with pytest.raises(NotFoundError):
        services.version_update_text(actor=admin, version=foreign, fee_note="Miễn phí")
    r = c.put(f"{API}/versions/{foreign.pk}/steps", json.dumps({"steps": NEW_STEPS}), content_type="application/json")
    assert r.status_code == 404, r.content
    assert set(r.json()) == {"code", "message", "details"}
    r = c.post(reverse("procedures:admin_steps", args=[foreign.pk]), {"steps": json.dumps(NEW_STEPS)})
    assert r.status_code == 404
    assert _state() == before
    foreign.refresh_from_db()
    assert foreign.fee_note != "Miễn phí"


def test_national_version_is_refused_and_own_province_configured(users, versions, login):
    admin = users["province_admin"]
    c = login(admin)
    before = _state()
    r = c.put(f"{API}/versions/{versions['national'].pk}/steps", json.dumps({"steps": NEW_STEPS}), content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "province-scope"
    with pytest.raises(ApplicationError) as exc:
        services.steps_configure(actor=admin, version=versions["national"], steps=NEW_STEPS)
    assert exc.value.code == "province-scope"
    assert _state() == before
    r = c.put(f"{API}/versions/{versions['own'].pk}/steps", json.dumps({"steps": NEW_STEPS}), content_type="application/json")
    assert r.status_code == 200, r.content
    assert [s["name"] for s in r.json()["steps"]] == ["Tiếp nhận", "Giải quyết"]
    # the system administrator reaches every province's version
    sysadmin = login(users["sysadmin"])
    r = sysadmin.put(f"{API}/versions/{versions['foreign'].pk}/steps", json.dumps({"steps": NEW_STEPS}), content_type="application/json")
    assert r.status_code == 200, r.content


def test_a_commune_user_does_not_reach_the_steps(users, versions, make_user, commune, login):
    c = login(make_user("ha_commune", Role.COMMUNE_HOME_AFFAIRS, commune))
    r = c.put(f"{API}/versions/{versions['own'].pk}/steps", json.dumps({"steps": NEW_STEPS}), content_type="application/json")
    assert r.status_code == 403

"""The version an API action carries (optimistic locking) is a JSON integer and nothing else: a text, a float, a boolean
or a number written with spaces is refused with 422 on the field ``version`` and changes nothing; another unit's dossier
still answers 404 first."""

from __future__ import annotations

import pytest

from coso.core.models import AuditLog
from coso.dossiers.models import Dossier
from coso.dossiers.tests.factories import DossierFactory

pytestmark = pytest.mark.django_db

BAD_VERSIONS = ["1", "1.0", " 1", "true", True, False, 1.0, 1.5, "0x1", None, [1], {"v": 1}]


@pytest.fixture
def dossier(users, commune, version):  # type: ignore[no-untyped-def]
    return DossierFactory(staff=users, commune=commune, procedure_version=version)


def _state(d):  # type: ignore[no-untyped-def]
    fresh = Dossier.objects.get(pk=d.pk)
    return fresh.version, fresh.status, fresh.current_step, fresh.events.count(), AuditLog.objects.count()


@pytest.mark.parametrize("bad", BAD_VERSIONS, ids=[repr(b) for b in BAD_VERSIONS])
def test_a_version_that_is_not_a_json_integer_is_refused_on_its_field(login, users, dossier, bad):
    assert dossier.version == 1  # each bad value would otherwise read as the current version (or near it)
    c = login(users["onestop"])
    before = _state(dossier)
    r = c.post(f"/api/v1/dossiers/{dossier.pk}/actions/forward", {"version": bad, "reason": ""},
                                      content_type="application/json")
    assert r.status_code == 422, (r.status_code, r.content)
    body = r.json()
    assert body["code"] == "validation-error" and list(body["details"]["fields"]) == ["version"], body
    assert _state(dossier) == before


@pytest.mark.parametrize("bad", ["1.0", True, 1.5])
def test_another_units_dossier_still_answers_404_first(login, users, dossier, bad):
    c = login(users["other_onestop"])
    before = _state(dossier)
    r = c.post(f"/api/v1/dossiers/{dossier.pk}/actions/forward", {"version": bad}, content_type="application/json")
    assert r.status_code == 404 and r.json()["code"] == "not-found", r.content
    assert _state(dossier) == before


def test_an_integer_version_still_acts(login, users, dossier):
    r = login(users["onestop"]).post(f"/api/v1/dossiers/{dossier.pk}/actions/forward", {"version": dossier.version}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["version"] == dossier.version + 1


@pytest.mark.parametrize("huge", [10**30, -(10**30), 2**63])
def test_a_version_beyond_any_column_is_a_conflict_or_refused_never_a_500(login, users, dossier, huge):
    c = login(users["onestop"])
    before = _state(dossier)
    r = c.post(f"/api/v1/dossiers/{dossier.pk}/actions/forward", {"version": huge}, content_type="application/json")
    assert r.status_code in (409, 422), (r.status_code, r.content)
    assert _state(dossier) == before


@pytest.mark.parametrize("bad", ["1.0", " 1", "1 ", "+1", "1.000"])
def test_the_page_action_form_refuses_a_version_that_is_not_an_integer_naming_it(login, users, dossier, bad):
    c = login(users["onestop"])
    before = _state(dossier)
    r = c.post(f"/dossiers/{dossier.pk}/act/forward/", {"version": bad})
    assert r.status_code == 400
    error = r.context["action_error"]
    assert "None" not in error and error.startswith("Phiên bản hồ sơ:"), error
    assert _state(dossier) == before
    assert c.post(f"/dossiers/{dossier.pk}/act/forward/", {"version": "1"}).status_code == 302

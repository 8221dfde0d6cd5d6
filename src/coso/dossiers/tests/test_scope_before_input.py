"""Every request on one dossier that carries a body (the API's actions and rating, the page's action and rating forms)
checks the dossier's scope before the body: another commune's (another citizen's) dossier answers 404, as an id that
does not exist, whatever is wrong with the body, so that no validation error tells the caller it exists."""

from __future__ import annotations

import pytest

from coso.core.models import AuditLog
from coso.dossiers.models import Dossier, DossierRating
from coso.dossiers.tests.factories import DossierFactory

pytestmark = pytest.mark.django_db

MALFORMED = b'{"version": '
DEEP = b"[" * 1000 + b"]" * 1000

# (door, path under the dossier, body, content type): each body is invalid for its endpoint
API = "application/json"
FORM = "form"
MULTIPART = "multipart"  # a multipart form (curl -F) where a JSON body is read
BODIES = [
    ("api-action-no-version", "/api/v1/dossiers/{pk}/actions/accept", {}, API),
    ("api-action-version-text", "/api/v1/dossiers/{pk}/actions/forward", {"version": "abc"}, API),
    ("api-action-huge-version", "/api/v1/dossiers/{pk}/actions/forward", {"version": 10**30}, API),
    ("api-action-new-date-too-long", "/api/v1/dossiers/{pk}/actions/apology", {"version": 1, "new_date": "2026-03-10" * 5}, API),
    ("api-action-documents-not-a-list", "/api/v1/dossiers/{pk}/actions/request_supplement", {"version": 1, "documents": 5}, API),
    ("api-action-assignee-text", "/api/v1/dossiers/{pk}/actions/assign", {"version": 1, "assignee_id": "x"}, API),
    ("api-action-body-a-list", "/api/v1/dossiers/{pk}/actions/accept", [1, 2], API),
    ("api-action-malformed-json", "/api/v1/dossiers/{pk}/actions/accept", MALFORMED, API),
    ("api-action-nested-json", "/api/v1/dossiers/{pk}/actions/accept", DEEP, API),
    ("api-rating-no-level", "/api/v1/dossiers/{pk}/rating", {}, API),
    ("api-rating-level-number", "/api/v1/dossiers/{pk}/rating", {"level": 5}, API),
    ("api-rating-criteria-text", "/api/v1/dossiers/{pk}/rating", {"level": "satisfied", "criteria": {"a": "x"}}, API),
    ("api-rating-criteria-a-list", "/api/v1/dossiers/{pk}/rating", {"level": "satisfied", "criteria": [1]}, API),
    ("api-rating-malformed-json", "/api/v1/dossiers/{pk}/rating", MALFORMED, API),
    ("api-action-multipart-form", "/api/v1/dossiers/{pk}/actions/accept", {"version": "1"}, MULTIPART),
    ("api-rating-multipart-form", "/api/v1/dossiers/{pk}/rating", {"level": "satisfied"}, MULTIPART),
    ("page-act-no-version", "/dossiers/{pk}/act/accept/", {}, FORM),
    ("page-act-version-text", "/dossiers/{pk}/act/forward/", {"version": "abc"}, FORM),
    ("page-rate-no-level", "/dossiers/{pk}/rate/", {}, FORM),
    ("page-rate-bad-level", "/dossiers/{pk}/rate/", {"level": "bogus"}, FORM),
]


def _post(client, path, body, content_type):  # type: ignore[no-untyped-def]
    if content_type in (FORM, MULTIPART):
        return client.post(path, body)
    return client.post(path, body, content_type=content_type)


@pytest.fixture
def theirs(users, commune, version):  # type: ignore[no-untyped-def]
    """A dossier of the commune returned to its applicant (every action and the rating could apply)."""
    return DossierFactory(staff=users, commune=commune, procedure_version=version, returned=True)


@pytest.mark.parametrize("who", ["other_onestop", "other_leader", "citizen2"])
@pytest.mark.parametrize(("case", "path", "body", "content_type"), BODIES, ids=[b[0] for b in BODIES])
def test_another_units_dossier_answers_404_before_its_body_is_validated(login, users, theirs, who, case, path, body, content_type):
    c = login(users[who])
    before = (theirs.version, Dossier.objects.get(pk=theirs.pk).events.count(), AuditLog.objects.count())
    r = _post(c, path.format(pk=theirs.pk), body, content_type)
    missing = _post(c, path.format(pk=999999), body, content_type)
    assert r.status_code == missing.status_code == 404, (r.status_code, r.content[:300])
    if content_type in (API, MULTIPART):
        assert r.json() == missing.json() and r.json()["code"] == "not-found", r.content
    fresh = Dossier.objects.get(pk=theirs.pk)
    assert (fresh.version, fresh.events.count(), AuditLog.objects.count()) == before
    assert not DossierRating.objects.exists()


@pytest.mark.parametrize(("case", "path", "body", "content_type"), [b for b in BODIES if b[3] == API and b[2] not in (MALFORMED, DEEP) and "huge" not in b[0]],
                         ids=[b[0] for b in BODIES if b[3] == API and b[2] not in (MALFORMED, DEEP) and "huge" not in b[0]])
def test_the_communes_own_officer_still_gets_the_validation_error(login, users, theirs, case, path, body, content_type):
    r = _post(login(users["onestop"]), path.format(pk=theirs.pk), body, content_type)
    assert r.status_code == 422, (r.status_code, r.content[:300])
    assert r.json()["code"] == "validation-error" and r.json()["details"]["fields"], r.content


@pytest.mark.parametrize("path", ["/api/v1/dossiers/{pk}/actions/accept", "/api/v1/dossiers/{pk}/rating"])
@pytest.mark.parametrize("body", [MALFORMED, DEEP, None], ids=["malformed", "nested", "multipart-form"])
def test_the_communes_own_officer_still_gets_invalid_json(login, users, theirs, path, body):
    c = login(users["onestop"])
    r = c.post(path.format(pk=theirs.pk), {"version": "1"}) if body is None else c.post(path.format(pk=theirs.pk), body, content_type=API)
    assert r.status_code == 400 and r.json()["code"] == "invalid-json", r.content


def test_the_rating_service_checks_the_scope_before_the_level_and_the_comment(users, theirs):
    from coso.core.exceptions import NotFoundError
    from coso.dossiers import services

    for level, comment in [("bogus", ""), ("satisfied", "\x00")]:
        with pytest.raises(NotFoundError):
            services.rate(actor=users["other_onestop"], dossier_id=theirs.pk, level=level, comment=comment)
    assert not DossierRating.objects.exists()


def test_a_valid_body_still_acts_and_rates(login, users, commune, version, theirs):
    c = login(users["onestop"])
    r = c.post(f"/api/v1/dossiers/{theirs.pk}/rating", {"level": "satisfied"}, content_type=API)
    assert r.status_code == 201, r.content
    fresh = DossierFactory(staff=users, commune=commune, procedure_version=version)
    r = c.post(f"/api/v1/dossiers/{fresh.pk}/actions/request_supplement",
               {"version": Dossier.objects.get(pk=fresh.pk).version, "reason": "Thiếu tờ khai", "documents": ["Tờ khai"]}, content_type=API)
    assert r.status_code == 200 and r.json()["status"] == "supplement_requested", r.content

"""A line of a person's position history was stored with any end date a date holds (31/12/9999 through the API or the
page): a history "until 9999" is no date, and reports computing years of service on it run off the project's span. The
end date is now refused outside the project's span of dates (coso.core.params, 1900–2200) on ended_on, nothing written."""

from __future__ import annotations

from coso.core.models import AuditLog
from coso.workforce.models import Person, PositionHolding

from .helpers import person


def test_an_end_date_beyond_the_span_is_refused_on_its_field(users, commune, login):
    p = person(commune)
    c = login(users["home_affairs"])
    before = AuditLog.objects.count()
    r = c.post(f"/api/v1/workforce/people/{p.pk}/positions", {"version": p.version, "position_code": "cv_vp", "started_on": "2024-01-01",
                                                               "ended_on": "9999-12-31"}, content_type="application/json")
    assert r.status_code == 400 and list(r.json()["details"]["fields"]) == ["ended_on"] and "2200" in r.json()["message"], r.content
    res = c.post(f"/workforce/nguoi/{p.pk}/sua/", {"action": "position", "pos-position_code": "cv_vp", "pos-started_on": "01/01/2024",
                                                   "pos-ended_on": "31/12/9999", "pos-version": p.version})
    assert 'id="id_pos-ended_on_error"' in res.content.decode() and "2200" in res.content.decode()
    assert not PositionHolding.objects.exists() and Person.objects.get().version == p.version and AuditLog.objects.count() == before
    r = c.post(f"/api/v1/workforce/people/{p.pk}/positions", {"version": p.version, "position_code": "cv_vp", "started_on": "2024-01-01",
                                                               "ended_on": "2200-12-31"}, content_type="application/json")
    assert r.status_code == 201, r.content


def test_a_wrong_start_is_refused_on_the_start_and_a_wrong_end_on_the_end(users, commune, login):
    """The dates error was always reported on ended_on, also when the start was what was wrong (after today, or before
    the birth date): the form marked the end date the officer had not typed."""
    p = person(commune)
    c = login(users["home_affairs"])
    url = f"/api/v1/workforce/people/{p.pk}/positions"
    for started, ended, field in (("2999-01-01", None, "started_on"), ("1900-01-01", None, "started_on"), ("2024-05-01", "2024-04-30", "ended_on")):
        r = c.post(url, {"version": p.version, "position_code": "cv_vp", "started_on": started, "ended_on": ended}, content_type="application/json")
        assert r.status_code == 400 and list(r.json()["details"]["fields"]) == [field], (started, ended, r.content)
    assert not PositionHolding.objects.exists()

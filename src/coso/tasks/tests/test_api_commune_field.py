"""Assigning through the API: an error about the communes names ``commune_codes``, the field the body sends."""

from __future__ import annotations

import pytest

from coso.tasks.models import Task

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("codes", [[], ["  "], ["99999"], ["01001"]])
def test_an_error_on_the_communes_names_the_field_the_body_sent(login, users, directive, today, codes):
    """The API answered on ``communes`` (the page's field), which the body does not have."""
    body = {"title": "Rà soát hồ sơ", "commune_codes": codes, "assigned_on": "2026-03-01", "due_on": "2026-03-20"}
    r = login(users["province_home_affairs"]).post(f"/api/v1/tasks/directives/{directive.pk}/tasks", body, content_type="application/json")
    assert r.status_code == 400, r.content
    assert list(r.json()["details"]["fields"]) == ["commune_codes"]
    assert not Task.objects.exists()


def test_a_commune_s_own_directive_given_to_another_commune_names_commune_codes(login, users, commune, other_commune, today):
    from coso.tasks.services import directive_create

    d = directive_create(actor=users["leader"], number="12/UBND", issued_on=today, issuer="UBND xã", level="commune", summary="Kế hoạch")
    body = {"title": "Rà soát", "commune_codes": [other_commune.code], "assigned_on": "2026-03-02", "due_on": "2026-03-20"}
    r = login(users["leader"]).post(f"/api/v1/tasks/directives/{d.pk}/tasks", body, content_type="application/json")
    assert r.status_code == 400, r.content
    assert list(r.json()["details"]["fields"]) == ["commune_codes"]
    assert not Task.objects.exists()


def test_the_page_still_shows_the_error_on_its_communes_box(login, users, directive, today):
    r = login(users["province_home_affairs"]).post(f"/nhiem-vu/van-ban/{directive.pk}/", {"title": "Rà soát", "assigned_on": "2026-03-01",
                                                                                     "due_on": "2026-03-20"})
    assert "communes" in r.context["form"].errors
    assert not Task.objects.exists()

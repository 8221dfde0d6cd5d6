"""A village the sender named that is not one (the API's village_id of no village, the page's village of another commune)
was dropped silently: the item was filed without the village the sender meant. It is now refused on the field, nothing filed."""

from __future__ import annotations

import html

from django.urls import reverse

import pytest

from coso.core.models import AuditLog
from coso.feedback.models import Feedback

pytestmark = pytest.mark.django_db
TEXT = "Rác thải ùn ứ ở đầu hẻm, bốc mùi."


@pytest.fixture
def other_village(other_commune):  # type: ignore[no-untyped-def]
    from coso.units.models import Village

    return Village.objects.create(commune=other_commune, name="Tổ 9", name_folded="to 9", kind="to_dan_pho",
                                  province_code=other_commune.province_code, commune_code=other_commune.code)


@pytest.mark.parametrize("village_id", ["999999", "-1", "99999999999999999999999"])
def test_the_api_refuses_a_village_id_of_no_village(client, cats, commune, village_id):
    r = client.post("/api/v1/feedback/", {"category": "MT", "commune": commune.code, "text": TEXT, "anonymous": "true", "village_id": village_id})
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "validation-error" and r.json()["details"]["fields"]["village"] == ["Thôn, tổ dân phố không tồn tại."]
    assert not Feedback.objects.exists() and not AuditLog.objects.filter(verb__startswith="feedback").exists()


def test_the_api_still_files_the_village_given_and_none_without_one(client, cats, commune, village):
    for extra, expected in (({"village_id": str(village.pk)}, village.pk), ({}, None)):
        r = client.post("/api/v1/feedback/", {"category": "MT", "commune": commune.code, "text": TEXT, "anonymous": "true", **extra})
        assert r.status_code == 201, r.content
        assert Feedback.objects.get(pk=r.json()["id"]).village_id == expected


@pytest.mark.parametrize("which", ["other_commune", "none"])
def test_the_page_refuses_a_village_that_is_not_one_of_the_commune(client, cats, commune, other_village, which):
    village_id = other_village.pk if which == "other_commune" else 999999
    r = client.post(reverse("feedback:submit"), {"category": cats["MT"].pk, "commune": commune.code, "text": TEXT, "anonymous": "on",
                                                 "village": village_id})
    assert r.status_code == 200
    page = html.unescape(r.content.decode())
    assert ("Thôn, tổ dân phố không thuộc xã đã chọn." if which == "other_commune" else "Thôn, tổ dân phố không tồn tại.") in page
    assert not Feedback.objects.exists()

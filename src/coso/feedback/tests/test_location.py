"""A feedback's point (lat, long) lies in Vietnam, whatever the door: 0,0 (a phone without a GPS fix), lat and long
swapped, a point abroad are refused with the field named, and nothing is saved (coso.core.geo.point_in_vietnam)."""

from __future__ import annotations

import json

from django.urls import reverse

import pytest

from coso.accounts.models import ApiToken
from coso.core.exceptions import ApplicationError
from coso.feedback.models import Feedback

pytestmark = pytest.mark.django_db
OUTSIDE = [("0", "0", "lat"), ("106.7", "10.7", "lat"), ("48.8566", "2.3522", "lat"), ("10.7", "150", "long"),
           ("10.7", "-106.7", "long"), ("-10.7", "106.7", "lat"), ("24.5", "105", "lat")]
INSIDE = [("10.776889", "106.700806"), ("23.3633", "105.3167"), ("8.6167", "104.7167"),  # Ho Chi Minh City, Lũng Cú, Mũi Cà Mau
          ("8.6453", "111.9203"), ("7.8913", "112.9161"), ("16.5333", "111.6167"),  # Trường Sa Lớn, An Bang, Hoàng Sa
          ("21.0285", "102.1442")]  # A Pa Chải


@pytest.fixture
def api_key(users):
    return ApiToken.issue(user=users["onestop"], name="Ứng dụng 311")[1]


@pytest.mark.parametrize(("lat", "long", "field"), OUTSIDE)
def test_open311_refuses_a_point_outside_vietnam_naming_the_field(client, cats, commune, api_key, lat, long, field):
    r = client.post("/open311/v2/requests.json", {"api_key": api_key, "service_code": "MT", "lat": lat, "long": long,
                                                  "description": "Rác thải ùn ứ đầu hẻm.", "attribute[COMMUNE]": commune.code})
    assert r.status_code == 400, r.content
    [error] = json.loads(r.content)
    assert error["code"] == 400 and f"({field})" in error["description"] and "ngoài Việt Nam" in error["description"]
    assert not Feedback.objects.exists()


def test_open311_xml_error_names_the_field(client, cats, commune, api_key):
    r = client.post("/open311/v2/requests.xml", {"api_key": api_key, "service_code": "MT", "lat": "0", "long": "0",
                                                 "description": "Rác thải ùn ứ đầu hẻm.", "attribute[COMMUNE]": commune.code})
    assert r.status_code == 400 and b"<errors><error><code>400</code><description>" in r.content and "(lat)" in r.content.decode()
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(("lat", "long"), INSIDE)
def test_open311_takes_points_in_vietnam_islands_included(client, cats, commune, api_key, lat, long):
    r = client.post("/open311/v2/requests.json", {"api_key": api_key, "service_code": "MT", "lat": lat, "long": long,
                                                  "description": "Rác thải ùn ứ đầu hẻm.", "attribute[COMMUNE]": commune.code})
    assert r.status_code == 200, r.content
    fb = Feedback.objects.get()
    assert float(fb.lat) == pytest.approx(float(lat)) and float(fb.long) == pytest.approx(float(long))


@pytest.mark.parametrize(("lat", "long", "field"), OUTSIDE[:4])
def test_citizen_api_refuses_a_point_outside_vietnam(client, cats, commune, media, lat, long, field):
    r = client.post("/api/v1/feedback/", {"category": "MT", "commune": commune.code, "text": "Cống thoát nước bị tắc.",
                                          "anonymous": "true", "lat": lat, "long": long})
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "invalid-location" and list(body["details"]["fields"]) == [field] and "ngoài Việt Nam" in body["message"]
    assert not Feedback.objects.exists()


def test_citizen_page_shows_the_error_on_the_field(client, cats, commune, media):
    data = {"category": cats["MT"].pk, "commune": commune.code, "text": "Cống thoát nước bị tắc.", "anonymous": "on", "lat": "0", "long": "0"}
    r = client.post(reverse("feedback:submit"), data)
    assert r.status_code == 200
    assert "Vị trí nằm ngoài Việt Nam: vĩ độ (lat) phải từ 7,5 đến 24." in r.content.decode()
    assert r.context["form"].errors["lat"] == ["Vị trí nằm ngoài Việt Nam: vĩ độ (lat) phải từ 7,5 đến 24."]
    assert not Feedback.objects.exists()
    r = client.post(reverse("feedback:submit"), {**data, "lat": "10.776889", "long": "106.700806"})
    assert r.status_code == 302 and Feedback.objects.count() == 1


def test_service_checks_every_door(submit, users):
    for lat, long, field in [*OUTSIDE, ("10.7", None, "long"), ("", "106.7", "lat"), ("abc", "106.7", "lat"), ("NaN", "106.7", "lat"),
                             ("10.7", "Infinity", "long")]:
        with pytest.raises(ApplicationError) as caught:
            submit(actor=users["citizen"], lat=lat, long=long)
        assert caught.value.code == "invalid-location" and list(caught.value.details["fields"]) == [field], (lat, long)
    assert not Feedback.objects.exists()
    assert submit(actor=users["citizen"], lat=None, long="").lat is None


def test_citizen_page_takes_a_precise_point_rounded_like_the_other_doors(client, cats, commune, media):
    """A point copied from a map comes with 10 to 15 decimals: the page rounds it to 6 places (about 10 cm), as the JSON API
    and Open311 do, instead of refusing it with a count of digits the sender never chose."""
    data = {"category": cats["MT"].pk, "commune": commune.code, "text": "Cống thoát nước bị tắc.", "anonymous": "on",
            "lat": "10.776889123456789", "long": "106.70080612345678"}
    r = client.post(reverse("feedback:submit"), data)
    assert r.status_code == 302, r.context["form"].errors if r.context else r
    fb = Feedback.objects.get()
    assert (str(fb.lat), str(fb.long)) == ("10.776889", "106.700806")

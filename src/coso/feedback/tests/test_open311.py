from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from defusedxml import ElementTree as SafeET

from coso.accounts.models import ApiToken
from coso.feedback import services as svc
from coso.feedback.models import Feedback
from coso.feedback.tests.conftest import MONDAY

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"


@pytest.fixture
def api_key(users):
    _token, raw = ApiToken.issue(user=users["onestop"], name="Ứng dụng 311")
    return raw


@pytest.fixture
def citizen_key(users):
    _token, raw = ApiToken.issue(user=users["citizen"], name="App công dân")
    return raw


def xml(resp):  # type: ignore[no-untyped-def]
    assert resp["Content-Type"] == "text/xml; charset=utf-8"
    return SafeET.fromstring(resp.content)


def js(resp):  # type: ignore[no-untyped-def]
    assert resp["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(resp.content)


def test_discovery_json_and_xml(client, cats):
    for path in ("/open311/discovery.json", f"{BASE}/discovery.json"):
        d = js(client.get(path))
        assert set(d) == {"changeset", "contact", "key_service", "endpoints"}
        ep = d["endpoints"][0]
        assert ep["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert ep["url"].endswith("/open311/v2") and ep["type"] == "production"
        assert ep["formats"] == ["text/xml", "application/json"]
    root = xml(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]


def test_services_list_and_definition(client, cats, commune):
    data = js(client.get(f"{BASE}/services.json"))
    assert isinstance(data, list)
    codes = {s["service_code"] for s in data}
    assert {"QD", "CB", "MT", "GT", "TT"} <= codes
    s = next(s for s in data if s["service_code"] == "MT")
    assert s["type"] == "realtime" and s["metadata"] is True and isinstance(s["keywords"], str)
    root = xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services" and root.find("service/service_code").text in codes
    assert root.find("service/metadata").text == "true"
    d = js(client.get(f"{BASE}/services/MT.json"))
    assert d["service_code"] == "MT"
    attrs = {a["code"]: a for a in d["attributes"]}
    assert attrs["COMMUNE"]["required"] is True and attrs["COMMUNE"]["datatype"] == "singlevaluelist"
    assert {"key": commune.code, "name": commune.name} in attrs["COMMUNE"]["values"]
    assert sorted(a["order"] for a in d["attributes"]) == [1, 2, 3, 4]
    root = xml(client.get(f"{BASE}/services/MT.xml"))
    assert root.tag == "service_definition"
    assert root.find("attributes/attribute/values/value/key") is not None


def test_errors_have_spec_shape(client, cats, api_key):
    r = client.get(f"{BASE}/services/NOPE.json")
    assert r.status_code == 404 and js(r) == [{"code": 404, "description": "service_code 'NOPE' not found."}]
    r = client.get(f"{BASE}/services/NOPE.xml")
    root = xml(r)
    assert r.status_code == 404 and root.tag == "errors" and root.find("error/code").text == "404"
    assert root.find("error/description").text
    r = client.get(f"{BASE}/services.json", {"jurisdiction_id": "unknown.example"})
    assert r.status_code == 404
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": "79"}).status_code == 200
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": ""}).status_code == 200  # empty = not passed
    r = client.post(f"{BASE}/requests.json", {"service_code": "MT", "lat": "10.7", "long": "106.7", "description": "x"})
    assert r.status_code == 403 and js(r)[0]["code"] == 403
    r = client.post(f"{BASE}/requests.xml", {"api_key": "wrong", "service_code": "MT"})
    assert r.status_code == 403 and xml(r).find("error/code").text == "403"
    r = client.post(f"{BASE}/requests.json", {"api_key": api_key, "lat": "10.7", "long": "106.7", "description": "Rác"})
    assert r.status_code == 400
    r = client.post(f"{BASE}/requests.json", {"api_key": api_key, "service_code": "ZZ", "lat": "10.7", "long": "106.7"})
    assert r.status_code == 404
    r = client.post(f"{BASE}/requests.json", {"api_key": api_key, "service_code": "MT", "description": "Rác thải ùn ứ."})
    assert r.status_code == 400 and "location" in js(r)[0]["description"]
    r = client.get(f"{BASE}/requests.json", {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"})
    assert r.status_code == 400 and "90" in js(r)[0]["description"]
    assert client.get(f"{BASE}/requests.json", {"start_date": "yesterday"}).status_code == 400
    assert client.get(f"{BASE}/requests.json", {"status": "pending"}).status_code == 400
    assert client.get(f"{BASE}/requests.json", {"page_size": "0"}).status_code == 400
    assert client.get(f"{BASE}/requests/999999.json").status_code == 404
    r = client.get(f"{BASE}/tokens/abc.xml")
    assert r.status_code == 404 and xml(r).tag == "errors"


def test_create_and_read_request_json_and_xml(client, cats, commune, api_key, users):
    with time_machine.travel(MONDAY, tick=False):
        r = client.post(f"{BASE}/requests.json", {
            "api_key": api_key, "service_code": "GT", "lat": "10.776889", "lon": "106.700806",
            "description": "Ổ gà lớn trước số 12 Lê Lợi, xe máy dễ té ngã.", "attribute[COMMUNE]": commune.code,
            "attribute[TITLE]": "Ổ gà Lê Lợi", "first_name": "Lan", "last_name": "Trần", "email": "lan@example.vn",
        })
    assert r.status_code == 200, r.content
    [created] = js(r)
    rid = created["service_request_id"]
    assert isinstance(rid, str) and "service_notice" in created
    fb = Feedback.objects.get(pk=int(rid))
    assert fb.channel == "open311" and fb.commune_code == commune.code and float(fb.long) == pytest.approx(106.700806)
    assert fb.contact_name == "Lan Trần" and not fb.anonymous

    # Not yet moderated: hidden from anonymous readers, visible with the creating key.
    assert client.get(f"{BASE}/requests/{rid}.json").status_code == 404
    [mine] = js(client.get(f"{BASE}/requests/{rid}.json", {"api_key": api_key}))
    assert mine["status"] == "open" and mine["description"].startswith("Ổ gà")

    svc.feedback_publish(feedback=fb, actor=users["onestop"])
    [item] = js(client.get(f"{BASE}/requests/{rid}.json"))
    assert item["service_request_id"] == rid and item["service_code"] == "GT"
    assert item["status"] == "open" and "Đang xử lý" in item["status_notes"]
    assert item["lat"] == pytest.approx(10.776889) and item["long"] == pytest.approx(106.700806)
    assert item["requested_datetime"].endswith("+07:00")
    assert item["expected_datetime"] == "2026-03-23T17:00:00+07:00"
    assert "lon" not in item

    svc.feedback_answer(feedback=fb, actor=users["specialist"], text="Đã vá ổ gà.")
    root = xml(client.get(f"{BASE}/requests/{rid}.xml", {"extensions": "true"}))
    assert root.tag == "service_requests"
    req = root.find("request")
    assert req.find("service_request_id").text == rid
    assert req.find("status").text == "closed" and "Đã vá ổ gà" in req.find("status_notes").text
    assert req.find("long").text.startswith("106.7")
    notes = [n.find("type").text for n in req.findall("notes/note")]
    assert "submit" in notes and "publish_answer" in notes
    assert req.find("attributes/attribute/code") is not None
    assert req.find("extended_attributes/channel").text == "open311"


def test_create_xml_with_address_and_multivalue_attribute(client, cats, commune, api_key):
    r = client.post(f"{BASE}/requests.xml", {
        "api_key": api_key, "service_code": "MT", "address_string": "Hẻm 45 Nguyễn Trãi, Phường Sài Gòn",
        "description": "Nước thải chảy tràn ra hẻm.", "attribute[ANONYMOUS]": "true",
    })
    assert r.status_code == 200, r.content
    root = xml(r)
    assert root.tag == "service_requests" and root.find("request/service_request_id").text.isdigit()
    fb = Feedback.objects.get(pk=int(root.find("request/service_request_id").text))
    assert fb.anonymous and fb.address.startswith("Hẻm 45") and fb.commune_code == commune.code  # key's own commune


def test_key_scoped_to_its_commune(client, cats, other_commune, api_key):
    r = client.post(f"{BASE}/requests.json", {"api_key": api_key, "service_code": "MT", "lat": "10.7", "long": "106.7",
                                              "description": "Rác thải.", "attribute[COMMUNE]": other_commune.code})
    assert r.status_code == 403


def test_query_filters_paging_and_override(client, cats, commune, users, submit):
    made = []
    with time_machine.travel(MONDAY, tick=False):
        for i in range(5):
            fb = submit(actor=users["citizen"], category=cats["MT" if i % 2 else "GT"], text=f"Phản ánh số {i} về môi trường.")
            made.append(svc.feedback_publish(feedback=fb, actor=users["onestop"]))
        svc.feedback_answer(feedback=made[0], actor=users["specialist"], text="Xong.")
        hidden = submit(actor=users["citizen"], text="Chưa kiểm duyệt.")
    with time_machine.travel(MONDAY + dt.timedelta(days=1), tick=False):
        all_items = js(client.get(f"{BASE}/requests.json"))
        assert len(all_items) == 5 and str(hidden.pk) not in {i["service_request_id"] for i in all_items}
        assert {i["service_code"] for i in js(client.get(f"{BASE}/requests.json", {"service_code": "MT"}))} == {"MT"}
        assert [i["service_request_id"] for i in js(client.get(f"{BASE}/requests.json", {"status": "closed"}))] == [str(made[0].pk)]
        assert len(js(client.get(f"{BASE}/requests.json", {"status": "open"}))) == 4
        assert len(js(client.get(f"{BASE}/requests.json", {"status": "open,closed"}))) == 5
        p1 = js(client.get(f"{BASE}/requests.json", {"page_size": "2", "page": "1"}))
        p3 = js(client.get(f"{BASE}/requests.json", {"page_size": "2", "page": "3"}))
        assert len(p1) == 2 and len(p3) == 1
        ids = f"{made[1].pk},{made[2].pk}"
        got = js(client.get(f"{BASE}/requests.json", {"service_request_id": ids, "service_code": "NONE", "status": "closed"}))
        assert {i["service_request_id"] for i in got} == {str(made[1].pk), str(made[2].pk)}
        window = js(client.get(f"{BASE}/requests.json", {"start_date": "2026-03-01T00:00:00+07:00", "end_date": "2026-03-03T00:00:00+07:00"}))
        assert len(window) == 5
        assert js(client.get(f"{BASE}/requests.json", {"start_date": "2026-03-02T10:00:00Z"})) == []
        root = xml(client.get(f"{BASE}/requests.xml"))
        assert root.tag == "service_requests" and len(root.findall("request")) == 5
        staff_key = ApiToken.issue(user=users["province_admin"], name="tỉnh")[1]
        assert len(js(client.get(f"{BASE}/requests.json", {"api_key": staff_key}))) == 6
        assert len(js(client.get(f"{BASE}/requests.json", {"api_key": ApiToken.issue(user=users["other_onestop"], name="x")[1]}))) == 5


def test_post_is_csrf_exempt(cats, commune, api_key):
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    r = c.post(f"{BASE}/requests.json", {"api_key": api_key, "service_code": "MT", "lat": "10.7", "long": "106.7",
                                         "description": "Rác thải ùn ứ.", "attribute[COMMUNE]": commune.code})
    assert r.status_code == 200


def test_media_url_points_to_checked_attachment_view(client, cats, users, submit, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from coso.feedback.tests.conftest import jpeg_with_gps

    fb = submit(actor=users["citizen"], files=[SimpleUploadedFile("a.jpg", jpeg_with_gps())])
    svc.feedback_publish(feedback=fb, actor=users["onestop"])
    [listed] = js(client.get(f"{BASE}/requests.json"))
    [single] = js(client.get(f"{BASE}/requests/{fb.pk}.json"))
    assert listed["media_url"] == single["media_url"] and "/feedback/attachments/" in listed["media_url"]
    assert client.get(listed["media_url"]).status_code == 200
    [ext] = js(client.get(f"{BASE}/requests.json", {"extensions": "true"}))
    assert ext["extended_attributes"]["photos"] == [listed["media_url"]]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("params", [
    {"start_date": "2026-13-45T00:00:00Z"}, {"start_date": "2026-02-30T10:00:00"}, {"start_date": "2026-01-01T25:61:00Z"},
    {"start_date": "2026-10-01T00:00:00+99:00"}, {"start_date": "9999-12-31"}, {"start_date": "9999-12-31T23:00:00Z"},
    {"end_date": "0001-01-02"}, {"end_date": "0001-01-01T00:00:00Z"}, {"end_date": "2026-02-30"},
])
def test_impossible_or_extreme_dates_are_400(client, cats, params, fmt):
    r = client.get(f"{BASE}/requests.{fmt}", params)
    assert r.status_code == 400, r.content
    name = next(iter(params))
    if fmt == "json":
        assert js(r) == [{"code": 400, "description": f"{name} must be a W3C datetime, e.g. 2026-01-01T00:00:00Z."}]
    else:
        assert xml(r).find("error/description").text.startswith(f"{name} must be a W3C datetime")


def test_dates_the_database_cannot_hold_are_400_with_both_ends(client, cats):
    r = client.get(f"{BASE}/requests.json", {"start_date": "0001-01-01T00:00:00+09:00", "end_date": "0001-01-02T00:00:00+09:00"})
    assert r.status_code == 400 and js(r)[0]["description"].startswith("start_date must be a W3C datetime")
    r = client.get(f"{BASE}/requests.json", {"start_date": "9999-12-31T00:00:00Z", "end_date": "9999-12-31T20:00:00-05:00"})
    assert r.status_code == 400 and js(r)[0]["description"].startswith("end_date must be a W3C datetime")
    ok = client.get(f"{BASE}/requests.json", {"start_date": "0001-01-01T00:00:00Z", "end_date": "0001-01-02T00:00:00Z"})
    assert ok.status_code == 200 and js(ok) == []


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("extensions", ["", "true"])
def test_service_request_ids_beyond_64_bits_match_nothing(client, cats, users, submit, fmt, extensions):
    fb = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    huge = "99999999999999999999999"
    for ids in (huge, "9223372036854775808", f"{huge},{fb.pk}", "²", "-1"):
        r = client.get(f"{BASE}/requests.{fmt}", {"service_request_id": ids, "extensions": extensions})
        assert r.status_code == 200, r.content
        got = [i["service_request_id"] for i in js(r)] if fmt == "json" else [e.text for e in xml(r).findall("request/service_request_id")]
        assert got == ([str(fb.pk)] if str(fb.pk) in ids.split(",") else [])
    assert client.get(f"{BASE}/requests/{huge}.{fmt}").status_code == 404


def _create_params(api_key, commune, **extra):  # type: ignore[no-untyped-def]
    params = {"api_key": api_key, "service_code": "MT", "lat": "10.7", "long": "106.7", "description": "Rác thải ùn ứ đầu hẻm.",
              "attribute[COMMUNE]": commune.code, "first_name": "Lan", "phone": "0909123456"}
    params.update(extra)
    return params


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(("field", "value"), [
    ("email", "notanemail"), ("email", "a@b"), ("email", "lan@@example.vn"), ("email", "a" * 250 + "@example.vn"),
    ("address_string", "Hẻm " * 1250), ("address_string", "x" * 301),
    ("media_url", "https://example.vn/" + "a" * 4981), ("attribute[TITLE]", "Ổ gà " * 1000), ("attribute[TITLE]", "x" * 201),
    ("first_name", "Lan " * 100),
])
def test_create_refuses_an_invalid_or_too_long_field_and_writes_nothing(client, cats, commune, api_key, field, value, fmt):
    before = Feedback.objects.count()
    r = client.post(f"{BASE}/requests.{fmt}", _create_params(api_key, commune, **{field: value}))
    assert r.status_code == 400, r.content
    description = js(r)[0]["description"] if fmt == "json" else xml(r).find("error/description").text
    assert description.startswith(field), description
    assert Feedback.objects.count() == before


def test_create_refuses_an_address_made_too_long_by_its_village(client, cats, commune, api_key):
    for extra in ({"address_string": "x" * 290, "attribute[VILLAGE]": "Thôn không có thật"}, {"address_id": "k" * 295, "lat": "", "long": ""}):
        r = client.post(f"{BASE}/requests.json", _create_params(api_key, commune, **extra))
        assert r.status_code == 400 and "300" in js(r)[0]["description"], r.content
    assert not Feedback.objects.exists()


def test_create_keeps_fields_at_their_limits_whole(client, cats, commune, api_key):
    email = "a" * 240 + "@example.vn"
    url = "https://example.vn/" + "a" * 181
    r = client.post(f"{BASE}/requests.json", _create_params(api_key, commune, email=email, address_string="đ" * 300, media_url=url,
                                                            **{"attribute[TITLE]": "Ổ" * 200}))
    assert r.status_code == 200, r.content
    fb = Feedback.objects.get(pk=int(js(r)[0]["service_request_id"]))
    assert (fb.contact_email, fb.address, fb.media_url, fb.title) == (email, "đ" * 300, url, "Ổ" * 200)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_create_refuses_a_media_url_that_is_not_an_http_url(client, cats, commune, api_key, fmt):
    for url in ("http://", "https://exa mple.vn/a.jpg", "ftp://example.vn/a.jpg", "javascript:alert(1)", "example.vn/a.jpg", "http://[::1"):
        r = client.post(f"{BASE}/requests.{fmt}", _create_params(api_key, commune, media_url=url))
        assert r.status_code == 400, (url, r.content)
        description = js(r)[0]["description"] if fmt == "json" else xml(r).find("error/description").text
        assert description.startswith("media_url must be an http(s) URL"), description
    assert not Feedback.objects.exists()
    r = client.post(f"{BASE}/requests.{fmt}", _create_params(api_key, commune, media_url="https://ảnh.example.vn/ổ-gà.jpg?x=1"))
    assert r.status_code == 200, r.content
    assert Feedback.objects.get().media_url == "https://ảnh.example.vn/ổ-gà.jpg?x=1"


def test_head_answers_like_get_and_other_methods_name_the_allowed_ones(client, cats, users, submit):
    fb = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    for fmt in ("json", "xml"):
        for path in ("/open311/discovery", f"{BASE}/discovery", f"{BASE}/services", f"{BASE}/services/MT", f"{BASE}/requests",
                     f"{BASE}/requests/{fb.pk}"):
            got, head = client.get(f"{path}.{fmt}"), client.head(f"{path}.{fmt}")
            assert got.status_code == head.status_code == 200 and got.content and head.content == b"", path
            assert head["Content-Type"] == got["Content-Type"]
        assert client.head(f"{BASE}/requests/999999.{fmt}").status_code == 404
        assert client.head(f"{BASE}/requests.{fmt}", {"start_date": "2026-02-30T10:00:00"}).status_code == 400
    for method, path, allowed in (("put", "requests", {"GET", "HEAD", "POST"}), ("delete", f"requests/{fb.pk}", {"GET", "HEAD"}),
                                  ("post", "services", {"GET", "HEAD"}), ("options", "discovery", {"GET", "HEAD"})):
        r = getattr(client, method)(f"{BASE}/{path}.json")
        assert r.status_code == 400 and js(r) == [{"code": 405, "description": f"Method {method.upper()} not supported on this resource."}]
        assert set(r["Allow"].split(", ")) == allowed, (method, path)
    assert Feedback.objects.count() == 1


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("where", ["attribute[COMMUNE]", "address_id"])
def test_create_refuses_a_commune_the_service_definition_does_not_list(client, cats, commune, foreign_commune, citizen_key, where, fmt):
    """COMMUNE is a singlevaluelist of this jurisdiction's communes: a commune of another province is no value of it (nobody
    here handles it), whatever the key; nothing is filed."""
    listed = {v["key"] for v in js(client.get(f"{BASE}/services/MT.json"))["attributes"][0]["values"]}
    assert commune.code in listed and foreign_commune.code not in listed
    params = {"api_key": citizen_key, "service_code": "MT", "description": "Rác thải ùn ứ đầu hẻm.", "address_string": "Số 1 Điện Biên Phủ",
              where: foreign_commune.code}
    r = client.post(f"{BASE}/requests.{fmt}", params)
    assert r.status_code == 400, r.content
    description = js(r)[0]["description"] if fmt == "json" else xml(r).find("error/description").text
    assert description.startswith("attribute[COMMUNE]"), description
    assert not Feedback.objects.exists()
    r = client.post(f"{BASE}/requests.{fmt}", {**params, where: commune.code})
    assert r.status_code == 200, r.content
    assert Feedback.objects.get().commune_code == commune.code


def test_create_keeps_a_numeric_address_id_that_is_no_commune_as_the_location(client, cats, commune, api_key, citizen_key):
    """address_id is the client's own address identifier (the spec's example is 545483): only a commune code the service
    definition lists names the commune; any other id, digits or not, is the item's location, never dropped or refused."""
    r = client.post(f"{BASE}/requests.json", {"api_key": api_key, "service_code": "MT", "address_id": "545483",
                                              "description": "Rác thải ùn ứ đầu hẻm."})
    assert r.status_code == 200, r.content
    fb = Feedback.objects.get(pk=int(js(r)[0]["service_request_id"]))
    assert (fb.commune_code, fb.address) == (commune.code, "address_id 545483")  # the key's own commune
    r = client.post(f"{BASE}/requests.json", {"api_key": citizen_key, "service_code": "MT", "address_id": "545483",
                                              "attribute[COMMUNE]": commune.code, "description": "Rác thải ùn ứ đầu hẻm."})
    assert r.status_code == 200, r.content
    fb = Feedback.objects.get(pk=int(js(r)[0]["service_request_id"]))
    assert (fb.commune_code, fb.address) == (commune.code, "address_id 545483")
    r = client.post(f"{BASE}/requests.json", {"api_key": citizen_key, "service_code": "MT", "address_id": commune.code,
                                              "description": "Rác thải ùn ứ đầu hẻm."})
    assert r.status_code == 200, r.content
    fb = Feedback.objects.get(pk=int(js(r)[0]["service_request_id"]))
    assert (fb.commune_code, fb.address) == (commune.code, "")  # a listed commune's code is the commune itself


def test_xml_stays_well_formed_with_characters_xml_cannot_carry(client, cats, users, submit):
    """U+FFFE and U+FFFF are valid UTF-8 a sender can type (or paste) and a moderator cannot see: once published, they must
    not make requests.xml unreadable for every client. XML 1.0 cannot carry them, so the XML leaves them out; JSON keeps them."""
    with time_machine.travel(MONDAY, tick=False):
        fb = svc.feedback_publish(feedback=submit(actor=users["citizen"], text="Rác thải ùn ứ\ufffe đầu hẻm\uffff."), actor=users["onestop"])
    with time_machine.travel(MONDAY + dt.timedelta(days=1), tick=False):
        for path in (f"{BASE}/requests.xml", f"{BASE}/requests/{fb.pk}.xml", f"{BASE}/requests.xml?extensions=true"):
            r = client.get(path)
            assert r.status_code == 200
            assert xml(r).find("request/description").text == "Rác thải ùn ứ đầu hẻm.", path
        assert js(client.get(f"{BASE}/requests/{fb.pk}.json"))[0]["description"] == fb.text


def test_a_citizens_own_key_without_contact_files_under_the_account_and_the_citizen_is_told(client, cats, commune, citizen_key, api_key, users,
                                                                                            mailoutbox):
    """Filed with a citizen's own key and no email/phone, the item was anonymous: the citizen was never told of the answer.
    It is now filed under the account (its name, phone and e-mail), as the JSON submit does; a staff/app key keeps anonymity."""
    from coso.core.notify import MemoryBackend

    MemoryBackend.outbox.clear()
    with time_machine.travel(MONDAY, tick=False):
        r = client.post(f"{BASE}/requests.json", {"api_key": citizen_key, "service_code": "MT", "address_string": "Số 1 Điện Biên Phủ",
                                                  "description": "Rác thải ùn ứ đầu hẻm.", "attribute[COMMUNE]": commune.code})
    assert r.status_code == 200, r.content
    fb = Feedback.objects.get(pk=int(js(r)[0]["service_request_id"]))
    citizen = users["citizen"]
    assert not fb.anonymous and fb.submitter == citizen
    assert (fb.contact_phone, fb.contact_email) == (citizen.phone, citizen.email)
    assert fb.pk in [x["id"] for x in client.get("/api/v1/feedback/", HTTP_AUTHORIZATION=f"Bearer {citizen_key}").json()["items"]]
    assert [m.to for m in MemoryBackend.outbox if fb.code in m.text] == [citizen.phone]  # the receipt reaches the citizen
    MemoryBackend.outbox.clear()
    svc.feedback_publish(feedback=fb, actor=users["onestop"])
    svc.feedback_answer(feedback=fb, actor=users["specialist"], text="Đã thu gom rác.")
    assert Feedback.objects.get(pk=fb.pk).status == "closed"
    assert citizen.phone in [m.to for m in MemoryBackend.outbox] and any(citizen.email in m.to for m in mailoutbox)

    r = client.post(f"{BASE}/requests.json", {"api_key": citizen_key, "service_code": "MT", "address_string": "Số 1 Điện Biên Phủ",
                                              "description": "Rác thải ùn ứ đầu hẻm.", "attribute[COMMUNE]": commune.code, "attribute[ANONYMOUS]": "true"})
    assert Feedback.objects.get(pk=int(js(r)[0]["service_request_id"])).anonymous  # asked for: still anonymous
    r = client.post(f"{BASE}/requests.json", {"api_key": api_key, "service_code": "MT", "address_string": "Số 1 Điện Biên Phủ",
                                              "description": "Rác thải ùn ứ đầu hẻm.", "attribute[COMMUNE]": commune.code})
    assert Feedback.objects.get(pk=int(js(r)[0]["service_request_id"])).anonymous  # a staff/app key: unchanged


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("code", ["ANONYMOUS", "TITLE", "VILLAGE", "COMMUNE"])
def test_a_single_value_attribute_sent_as_a_list_is_400_and_writes_nothing(client, cats, commune, api_key, code, fmt):
    """``attribute[ANONYMOUS][]=true`` (the multivaluelist form) answered 500, and ``attribute[TITLE][]=x`` stored the title
    "['x']": every attribute of the service definition takes one value, so the list form is the client's error."""
    params = _create_params(api_key, commune, **{f"attribute[{code}][]": commune.code if code == "COMMUNE" else "true"})
    if code == "COMMUNE":
        params.pop("attribute[COMMUNE]")
    r = client.post(f"{BASE}/requests.{fmt}", params)
    assert r.status_code == 400, r.content
    description = js(r)[0]["description"] if fmt == "json" else xml(r).find("error/description").text
    assert description == f"attribute[{code}] takes a single value, not a list."
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_numbers_longer_than_python_reads_are_400_or_404_never_500(client, cats, users, submit, fmt):
    """A page, page_size or request id of more than 4,300 digits (Python refuses to convert such a string) answered 500:
    the paging parameters are now the client's error (400) and such an id matches no request (404), as a long one."""
    svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    digits = "9" * 5000
    for name in ("page", "page_size"):
        r = client.get(f"{BASE}/requests.{fmt}", {name: digits})
        assert r.status_code == 400, r.content
        description = js(r)[0]["description"] if fmt == "json" else xml(r).find("error/description").text
        assert description.startswith(f"{name} must be an integer from 1 to ")
    for request_id in (digits, "9" * 25):
        r = client.get(f"{BASE}/requests/{request_id}.{fmt}")
        assert r.status_code == 404, r.content


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("value", ["có", "maybe", "tru", "2"])
def test_an_anonymous_value_the_definition_does_not_list_is_400_and_writes_nothing(client, cats, commune, api_key, value, fmt):
    """ANONYMOUS is a singlevaluelist of "true" / "false"; any other value ("có", the Vietnamese name of "true") filed the
    request with the sender's name and phone, as if "false" had been sent. Now the client's error, nothing written."""
    r = client.post(f"{BASE}/requests.{fmt}", _create_params(api_key, commune, **{"attribute[ANONYMOUS]": value}))
    assert r.status_code == 400, r.content
    description = js(r)[0]["description"] if fmt == "json" else xml(r).find("error/description").text
    assert description == "attribute[ANONYMOUS] must be one of the values listed in the service definition: true, false."
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(("value", "anonymous"), [("true", True), ("TRUE", True), ("1", True), ("yes", True), ("false", False),
                                                  ("0", False), ("no", False), ("", False)])
def test_the_listed_anonymous_values_are_taken(client, cats, commune, api_key, value, anonymous):
    r = client.post(f"{BASE}/requests.json", _create_params(api_key, commune, **{"attribute[ANONYMOUS]": value}))
    assert r.status_code == 200, r.content
    assert Feedback.objects.get(pk=int(js(r)[0]["service_request_id"])).anonymous is anonymous

"""Open311 answered its own texts in Vietnamese whatever language the client chose: the service definition's attribute
descriptions, datatype descriptions and value names, a request's ``service_notice`` (on reading and on creation), the
forwarding and overdue parts of ``status_notes``, the extension attributes' labels and the discovery's contact. They are
now in the request's language: Vietnamese by default, English with the language cookie ``django_language=en``."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine

from coso.accounts.models import ApiToken
from coso.feedback import services as svc
from coso.feedback.tests.conftest import MONDAY

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"


def _get(client, url, language, **params):  # type: ignore[no-untyped-def]
    if language:
        client.cookies["django_language"] = language
    r = client.get(url, params)
    assert r.status_code == 200, r.content
    return json.loads(r.content)


@pytest.mark.parametrize(("language", "expected"), [
    ("", ["Xã, phường nơi phát sinh phản ánh", "Mã xã, phường (mã đơn vị hành chính).", "Gửi ẩn danh", ["Không", "Có"]]),
    ("en", ["Commune or ward where the issue arose", "Code of the commune or ward (administrative unit code).", "Send anonymously",
            ["No", "Yes"]]),
])
def test_the_service_definition_is_in_the_clients_language(english_catalogue, client, cats, commune, language, expected):
    attrs = {a["code"]: a for a in _get(client, f"{BASE}/services/MT.json", language)["attributes"]}
    got = [attrs["COMMUNE"]["description"], attrs["COMMUNE"]["datatype_description"], attrs["ANONYMOUS"]["description"],
           [v["name"] for v in attrs["ANONYMOUS"]["values"]]]
    assert got == expected


@pytest.mark.parametrize(("language", "notice", "late", "forwarded"), [
    ("", "Hạn xử lý ", "Đang xử lý. Quá hạn.", "Lý do: Thuộc thẩm quyền của sở."),
    ("en", "Due ", "In progress. Overdue.", "Reason: Thuộc thẩm quyền của sở."),
])
def test_request_notes_are_in_the_clients_language(english_catalogue, client, submit, users, language, notice, late, forwarded):
    with time_machine.travel(MONDAY, tick=False):
        open_one = submit(actor=users["citizen"])
        svc.feedback_publish(feedback=open_one, actor=users["onestop"])
        gone = submit(actor=users["citizen"])
        svc.feedback_publish(feedback=gone, actor=users["onestop"])
        svc.feedback_forward(feedback=gone, actor=users["onestop"], target="province", target_name="Sở Xây dựng",
                             reason="Thuộc thẩm quyền của sở.")
    with time_machine.travel(MONDAY + dt.timedelta(days=60), tick=False):
        [row] = _get(client, f"{BASE}/requests/{open_one.pk}.json", language, extensions="true")
        [fwd] = _get(client, f"{BASE}/requests/{gone.pk}.json", language, extensions="true")
    assert row["service_notice"].startswith(notice)
    assert row["status_notes"] == late
    assert fwd["status_notes"].endswith(forwarded)
    labels = [a["label"] for a in row["attributes"]]
    assert labels[0] == ("Feedback code" if language else "Mã phản ánh")
    assert labels[2] == ("Detailed status" if language else "Tình trạng chi tiết")


@pytest.mark.parametrize(("language", "expected"), [("", "Đã tiếp nhận, mã PA"), ("en", "Received, code PA")])
def test_the_notice_of_a_new_request_is_in_the_clients_language(english_catalogue, client, cats, commune, users, language, expected):
    _token, key = ApiToken.issue(user=users["onestop"], name="Ứng dụng 311")
    if language:
        client.cookies["django_language"] = language
    r = client.post(f"{BASE}/requests.json", {"api_key": key, "service_code": "MT", "lat": "10.7", "long": "106.7",
                                              "description": "Rác thải ùn ứ đầu hẻm.", "attribute[COMMUNE]": commune.code})
    assert r.status_code == 200, r.content
    assert json.loads(r.content)[0]["service_notice"].startswith(expected)

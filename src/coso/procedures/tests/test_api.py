import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine

from coso.procedures import services
from coso.procedures.models import Procedure

pytestmark = pytest.mark.django_db
API = "/api/v1/procedures"


def test_public_list_shape_and_search(client, catalogue):
    r = client.get(f"{API}/", {"q": "khai sinh"})
    assert r.status_code == 200
    body = r.json()
    assert body["count"] >= 3
    item = next(i for i in body["items"] if i["code"] == "1.001193")
    assert set(item) == {"code", "name", "field", "decision_level", "code_verified", "version_id", "valid_from", "time_limit",
                         "time_unit", "time_limit_label", "cutoff_time", "fee", "online"}
    assert item["time_unit"] == "same_day" and item["cutoff_time"].startswith("15:00")
    assert client.get(f"{API}/", {"online": "bogus"}).status_code == 422


def test_public_detail_and_version_on_date(client, catalogue, users):
    proc = Procedure.objects.get(code="1.004873")
    services.version_create(actor=users["sysadmin"], procedure=proc, valid_from=dt.date(2027, 1, 1), time_limit=2)
    before = client.get(f"{API}/1.004873", {"date": "2026-12-31"}).json()
    after = client.get(f"{API}/1.004873", {"date": "2027-01-01"}).json()
    assert before["version"]["time_limit"] in ("3.0", 3, "3") and before["version"]["valid_to"] == "2027-01-01"
    assert after["version"]["time_limit_label"] == "2 ngày làm việc"
    v = after["version"]
    assert {"steps", "required_documents", "legal_basis", "source", "confidence", "fee", "online"} <= set(v)
    assert sum(float(s["share_percent"]) for s in v["steps"]) == 100
    old = client.get(f"{API}/1.004873", {"date": "1990-01-01"})
    assert old.status_code == 404 and old.json()["code"] == "no-version"
    missing = client.get(f"{API}/9.999")
    assert missing.status_code == 404 and set(missing.json()) == {"code", "message", "details"}
    history = client.get(f"{API}/1.004873/versions").json()
    assert [h["valid_from"] for h in history] == ["2027-01-01", "2016-01-01"]


def test_admin_creates_version_and_steps(login, users, catalogue, province):
    c = login(users["province_admin"])
    payload = {"valid_from": "2027-03-01", "province_code": "79", "time_limit": 1.5, "time_unit": "working_days",
               "steps": [{"order": 1, "name": "Tiếp nhận", "role": "onestop_officer", "share_percent": 20},
                         {"order": 2, "name": "Xử lý và ký", "role": "commune_leader", "share_percent": 80}]}
    r = c.post(f"{API}/1.004873/versions", json.dumps(payload), content_type="application/json")
    assert r.status_code == 201, r.json()
    v = r.json()
    assert v["province_code"] == "79" and v["time_limit_label"] == "1,5 ngày làm việc" and len(v["steps"]) == 2
    # steps of a future version can be reconfigured; bad ones are refused with the standard code
    bad = {"steps": [{"order": 1, "name": "A", "role": "specialist", "share_percent": 90}]}
    r = c.put(f"{API}/versions/{v['id']}/steps", json.dumps(bad), content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid-steps"
    good = {"steps": [{"order": 1, "name": "A", "role": "specialist", "share_percent": 100}]}
    r = c.put(f"{API}/versions/{v['id']}/steps", json.dumps(good), content_type="application/json")
    assert r.status_code == 200 and len(r.json()["steps"]) == 1
    # national rules are out of a province admin's reach
    payload["province_code"] = ""
    r = c.post(f"{API}/1.004873/versions", json.dumps(payload), content_type="application/json")
    assert r.status_code == 403
    # duplicate start date → 409
    payload["province_code"] = "79"
    r = c.post(f"{API}/1.004873/versions", json.dumps(payload), content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "version-exists"


def test_writes_need_admin(client, login, users, catalogue):
    payload = json.dumps({"valid_from": "2027-03-01", "time_limit": 1})
    assert client.post(f"{API}/1.004873/versions", payload, content_type="application/json").status_code == 401
    assert login(users["leader"]).post(f"{API}/1.004873/versions", payload, content_type="application/json").status_code == 403


def test_import_endpoint_all_or_nothing(login, users, catalogue):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = login(users["sysadmin"])
    rows = c.get(f"{API}/export").json()["procedures"]
    rows[0]["time_limit"] = 11
    rows[1]["time_unit"] = "tuần"
    f = SimpleUploadedFile("c.json", json.dumps(rows).encode())
    r = c.post(f"{API}/import", {"file": f, "effective_from": "2027-01-01"})
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "import-invalid" and body["details"]["rows"] == [{"row": 2, "column": "Đơn vị thời hạn", "message": body["details"]["rows"][0]["message"]}]
    assert Procedure.objects.get(code=rows[0]["code"]).versions.count() == 1
    rows[1]["time_unit"] = "ngày làm việc"
    r = c.post(f"{API}/import", {"file": SimpleUploadedFile("c.json", json.dumps(rows).encode()), "effective_from": "2027-01-01"})
    assert r.status_code == 200, r.json()
    assert r.json()["versions_created"] >= 1
    assert Procedure.objects.get(code=rows[0]["code"]).version_on(dt.date(2027, 1, 2)).time_limit == 11


@time_machine.travel(dt.datetime(2026, 1, 1, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False)  # the first version starts today: a person never creates one in the past
def test_create_procedure_via_api(login, users, db):
    c = login(users["sysadmin"])
    body = {"payload": {"code": "9.000001", "name": "Thủ tục mới", "field": "Khác"},
            "version": {"valid_from": "2026-01-01", "time_limit": 5, "time_unit": "working_days"}}
    r = c.post(f"{API}/", json.dumps(body), content_type="application/json")
    assert r.status_code == 201, r.json()
    assert r.json()["version"]["steps"] and r.json()["version"]["time_limit_label"] == "5 ngày làm việc"
    r = c.put(f"{API}/9.000001", json.dumps({"name": "Thủ tục mới đổi tên"}), content_type="application/json")
    assert r.status_code == 200 and r.json()["name"] == "Thủ tục mới đổi tên"
    assert c.get(f"{API}/", {"q": "thu tuc moi doi ten"}).json()["count"] == 1


def test_import_of_a_json_file_nested_too_deeply_is_refused_as_invalid_json(login, users, catalogue):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from coso.procedures.models import ProcedureVersion

    before = ProcedureVersion.objects.count()
    c = login(users["sysadmin"])
    r = c.post(f"{API}/import", {"file": SimpleUploadedFile("c.json", b"[" * 1000 + b"]" * 1000), "effective_from": "2027-01-01"})
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "invalid-json"
    assert ProcedureVersion.objects.count() == before

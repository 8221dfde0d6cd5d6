"""A person never rewrites what applied on a past day (as ``version-past`` for a new version's start):

- the processing steps of a version already in force (``valid_from`` on or before today) are those its dossiers follow
  and the public catalogue showed; they are not replaced in place by any door (service, API, page, import) —
  new steps come with a new version from a later date (``version-started``);
- procedures are not ended on a past date (``end-past``).

Loaders of reference data (``actor=None``: ``load_procedures`` with the shipped ``ended`` list) keep closing on past dates."""

import datetime as dt
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest
import time_machine

from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog
from coso.procedures import services
from coso.procedures.models import Procedure, ProcedureStep, ProcedureVersion

pytestmark = pytest.mark.django_db
API = "/api/v1/procedures"
XN = "1.004873"  # xác nhận tình trạng hôn nhân
KS = "1.001193"  # đăng ký khai sinh
TODAY = dt.date(2026, 11, 27)
YESTERDAY = TODAY - dt.timedelta(days=1)
STARTED_MESSAGE = (
    "Không được sửa quá khứ: phiên bản này đã áp dụng từ ngày {start} nên không được sửa các bước xử lý; "
    "hãy tạo phiên bản mới áp dụng từ một ngày sau hôm nay (27/11/2026) với các bước mới."
)
END_PAST_MESSAGE = "Không được sửa quá khứ: ngày kết thúc phải từ hôm nay (27/11/2026) trở đi."
NEW_STEPS = [{"order": 1, "name": "Tiếp nhận", "role": "onestop_officer", "share_percent": 20},
             {"order": 2, "name": "Giải quyết", "role": "specialist", "share_percent": 80}]


@pytest.fixture(autouse=True)
def fixed_today():
    with time_machine.travel(dt.datetime(2026, 11, 27, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False):
        yield


def _steps(version: ProcedureVersion) -> list[tuple]:
    return list(version.steps.order_by("order").values_list("order", "name", "role", "share_percent"))


def _state() -> tuple:
    return (
        list(ProcedureStep.objects.order_by("pk").values_list("version_id", "order", "name", "role", "share_percent")),
        list(ProcedureVersion.objects.order_by("pk").values_list("pk", "valid_from", "valid_to")),
        list(Procedure.objects.order_by("pk").values_list("pk", "is_active", "code_note")),
        AuditLog.objects.count(),
    )


def _started_versions(users) -> dict[str, ProcedureVersion]:
    """The national version in force since long ago, and a province version that starts today (created by a person)."""
    proc = Procedure.objects.get(code=XN)
    national = proc.version_on(TODAY, "")
    province_today = services.version_create(actor=users["province_admin"], procedure=proc, valid_from=TODAY, province_code="79",
                                             time_limit=Decimal(2))
    return {"national": national, "province_today": province_today}


# --------------------------------------------------------------------------- steps of a version in force


@pytest.mark.parametrize(("who", "which"), [("sysadmin", "national"), ("sysadmin", "province_today"), ("province_admin", "province_today")])
def test_service_refuses_to_replace_the_steps_of_a_version_in_force(catalogue, users, province, who, which):
    version = _started_versions(users)[which]
    before = _state()
    with pytest.raises(ApplicationError) as exc:
        services.steps_configure(actor=users[who], version=version, steps=NEW_STEPS)
    start = version.valid_from.strftime("%d/%m/%Y")
    assert (exc.value.code, exc.value.status, exc.value.message) == ("version-started", 400, STARTED_MESSAGE.format(start=start))
    assert _state() == before


def test_a_future_version_s_steps_may_still_be_reconfigured(catalogue, users, province):
    proc = Procedure.objects.get(code=XN)
    future = services.version_create(actor=users["province_admin"], procedure=proc, valid_from=TODAY + dt.timedelta(days=1), province_code="79")
    services.steps_configure(actor=users["province_admin"], version=future, steps=NEW_STEPS)
    assert _steps(future) == [(1, "Tiếp nhận", "onestop_officer", 20), (2, "Giải quyết", "specialist", 80)]
    # once the day comes, the same steps are those in force: no longer editable in place
    with time_machine.travel(dt.datetime(2026, 11, 28, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False):
        with pytest.raises(ApplicationError) as exc:
            services.steps_configure(actor=users["province_admin"], version=future, steps=[{**NEW_STEPS[0], "share_percent": 100}])
        assert exc.value.code == "version-started"
    assert len(_steps(future)) == 2


def test_api_refuses_to_replace_the_steps_of_a_version_in_force(login, users, catalogue, province):
    national = Procedure.objects.get(code=XN).version_on(TODAY, "")
    c = login(users["sysadmin"])
    before = _state()
    r = c.put(f"{API}/versions/{national.pk}/steps", json.dumps({"steps": NEW_STEPS}), content_type="application/json")
    assert r.status_code == 400, r.json()
    body = r.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == "version-started"
    assert body["message"] == STARTED_MESSAGE.format(start=national.valid_from.strftime("%d/%m/%Y"))
    assert _state() == before
    # the public reading of the catalogue still shows the steps it showed
    shown = c.get(f"{API}/{XN}", {"date": TODAY.isoformat()}).json()["version"]["steps"]
    assert [s["name"] for s in shown] == [name for _o, name, _r, _s in _steps(national)]


def test_page_refuses_to_replace_the_steps_of_a_version_in_force(login, users, catalogue, province):
    version = _started_versions(users)["province_today"]
    c = login(users["province_admin"])
    page = c.get(reverse("procedures:admin_detail", args=[XN])).content.decode()
    assert reverse("procedures:admin_steps", args=[version.pk]) not in page  # no form offered for it
    before = _state()
    r = c.post(reverse("procedures:admin_steps", args=[version.pk]), {"steps": "Tiếp nhận | Cán bộ một cửa | 30\nKý | commune_leader | 70"},
               follow=True)
    assert r.status_code == 200
    assert STARTED_MESSAGE.format(start="27/11/2026") in r.content.decode()
    assert "Đã lưu các bước xử lý" not in r.content.decode()
    assert _state() == before


def test_import_with_new_steps_makes_a_new_version_and_leaves_the_one_in_force_alone(login, users, catalogue, province):
    national = Procedure.objects.get(code=XN).version_on(TODAY, "")
    old_steps = _steps(national)
    rows = [{**r, "steps": NEW_STEPS} for r in json.loads(services.catalogue_json_bytes())["procedures"] if r["code"] == XN]
    c = login(users["sysadmin"])
    # from today: a new version, the old one closed on today and its steps kept
    r = c.post(f"{API}/import", {"file": SimpleUploadedFile("c.json", json.dumps(rows).encode()), "effective_from": TODAY.isoformat()})
    assert r.status_code == 200, r.json()
    assert r.json()["versions_created"] == 1
    national.refresh_from_db()
    assert national.valid_to == TODAY and _steps(national) == old_steps
    new = Procedure.objects.get(code=XN).version_on(TODAY, "")
    assert [name for _o, name, _r, _s in _steps(new)] == ["Tiếp nhận", "Giải quyết"]
    # the version that started today cannot be rewritten by a second import from today either
    before = _state()
    rows[0]["steps"] = [{**NEW_STEPS[0], "share_percent": 100}]
    r = c.post(f"{API}/import", {"file": SimpleUploadedFile("c.json", json.dumps(rows).encode()), "effective_from": TODAY.isoformat()})
    assert r.status_code == 400 and r.json()["code"] == "import-invalid"
    assert _state() == before


# --------------------------------------------------------------------------- ending procedures


@pytest.mark.parametrize("end", [YESTERDAY, dt.date(2025, 7, 1)])
def test_a_person_cannot_end_procedures_on_a_past_date(catalogue, users, end):
    before = _state()
    items = [{"code": KS, "valid_to": (TODAY + dt.timedelta(days=30)).isoformat(), "reason": "Thay thế"},
             {"code": XN, "valid_to": end.isoformat(), "reason": "Bãi bỏ"}]
    with pytest.raises(ApplicationError) as exc:
        services.procedures_end(actor=users["sysadmin"], items=items, reason="Quyết định công bố")
    assert (exc.value.code, exc.value.status, exc.value.message) == ("end-past", 400, END_PAST_MESSAGE)
    assert exc.value.details["fields"]["valid_to"] == [END_PAST_MESSAGE]
    assert _state() == before  # not even the item dated in the future
    assert Procedure.objects.get(code=XN).version_on(end, "") is not None


def test_a_person_ends_procedures_from_today_on(catalogue, users):
    changed = services.procedures_end(actor=users["sysadmin"], items=[{"code": XN, "valid_to": TODAY.isoformat(), "reason": "Bãi bỏ"}])
    assert changed == 1
    proc = Procedure.objects.get(code=XN)
    assert not proc.is_active and proc.version_on(YESTERDAY, "") is not None and proc.version_on(TODAY, "") is None


def test_a_person_s_unreadable_end_date_is_refused_in_vietnamese(catalogue, users):
    before = _state()
    with pytest.raises(ApplicationError) as exc:
        services.procedures_end(actor=users["sysadmin"], items=[{"code": XN, "valid_to": "27/11/2026"}])
    assert exc.value.code == "validation-error" and exc.value.status == 400
    assert exc.value.message == "Ngày kết thúc “27/11/2026” không hợp lệ (dạng YYYY-MM-DD)."
    assert _state() == before


def test_loaders_still_end_procedures_on_a_past_date(catalogue):
    assert services.procedures_end(actor=None, items=[{"code": XN, "valid_to": "2025-07-01", "reason": "Bãi bỏ"}], reason="load_procedures") == 1
    proc = Procedure.objects.get(code=XN)
    assert not proc.is_active and proc.version_on(dt.date(2025, 7, 1), "") is None

"""A procedure ended from a later date (``POST /api/v1/procedures/{code}/end``, ``services.procedures_end``) stays offered
until the day before that date (public catalogue, pages and API, the counter's intake list and API, online submission) and
is offered no more from that date, with nobody acting that day; the administration's pages show the date it ends. Ending it
used to take it out of all of them on the day of the decision, while its versions were in force until the end date."""

from __future__ import annotations

import datetime as dt
import json

from django.urls import reverse

import pytest
import time_machine

from coso.dossiers.models import Dossier
from coso.dossiers.tests.conftest import make_procedure
from coso.procedures import selectors, services

pytestmark = pytest.mark.django_db
API = "/api/v1/procedures"
TODAY = dt.date(2026, 12, 2)  # conftest
END = dt.date(2027, 2, 1)
VN = dt.timezone(dt.timedelta(hours=7))


def on(day: dt.date):  # type: ignore[no-untyped-def]
    return time_machine.travel(dt.datetime.combine(day, dt.time(9, 0), tzinfo=VN), tick=False)


def offered_by_each_door(client, login, users, code: str) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    """Whether each door a reader, an officer or a citizen uses offers the procedure today (an intake is received when it is)."""
    client.logout()
    out = {
        "selector": selectors.offered_procedure(code, province_code="79") is not None,
        "api list": code in [p["code"] for p in client.get(f"{API}/").json()["items"]],
        "api detail": client.get(f"{API}/{code}").status_code == 200,
        "api versions": client.get(f"{API}/{code}/versions").status_code == 200,
        "catalogue page": code in [p.code for p, _v in client.get(reverse("procedures:list")).context["rows"]],
        "public page": client.get(reverse("procedures:detail", args=[code])).status_code == 200,
    }
    citizen = login(users["citizen"])
    out["submission list"] = code in [p.code for p in citizen.get(reverse("dossiers:submit")).context["procedures"]]
    out["submission form"] = citizen.get(reverse("dossiers:submit"), {"procedure": code}).context.get("version") is not None
    officer = login(users["onestop"])
    out["intake list"] = code in [p.code for p in officer.get(reverse("dossiers:intake")).context["procedures"]]
    before = Dossier.objects.count()
    r = officer.post("/api/v1/dossiers/intake", json.dumps({"procedure_code": code, "applicant_name": "Phạm Minh Tuấn", "applicant_phone": "0912345678",
                                                            "documents": ["Tờ khai đăng ký khai sinh"]}), content_type="application/json")
    out["intake api"] = r.status_code == 201
    assert r.status_code == 201 or (r.status_code == 400 and r.json()["code"] == "unknown-procedure" and Dossier.objects.count() == before), r.content
    return out


def everywhere(value: bool) -> dict[str, bool]:
    keys = ("selector", "api list", "api detail", "api versions", "catalogue page", "public page", "submission list", "submission form",
            "intake list", "intake api")
    return dict.fromkeys(keys, value)


def test_a_procedure_ended_from_a_later_date_is_offered_until_the_day_before(client, login, users, commune):
    proc = make_procedure().procedure
    r = login(users["sysadmin"]).post(f"{API}/{proc.code}/end", json.dumps({"valid_to": END.isoformat(), "reason": "Bãi bỏ"}),
                                      content_type="application/json")
    assert r.status_code == 200, r.content
    proc.refresh_from_db()
    assert proc.ends_on == END and not proc.is_active  # decided: no new version or phân cấp from now on
    assert offered_by_each_door(client, login, users, proc.code) == everywhere(True)
    with on(END - dt.timedelta(days=1)):
        assert offered_by_each_door(client, login, users, proc.code) == everywhere(True)
    with on(END):  # nobody acts on the day: it is no longer offered
        assert offered_by_each_door(client, login, users, proc.code) == everywhere(False)
        assert client.get(f"{API}/{proc.code}", {"date": (END - dt.timedelta(days=1)).isoformat()}).status_code == 200  # its past stays readable


def test_the_service_keeps_it_offered_until_the_end_date(users):
    proc = make_procedure().procedure
    services.procedures_end(actor=users["sysadmin"], items=[{"code": proc.code, "valid_to": END.isoformat(), "reason": "Bãi bỏ"}])
    proc.refresh_from_db()
    assert selectors.is_offered(proc, on=TODAY) and selectors.is_offered(proc, on=END - dt.timedelta(days=1))
    assert not selectors.is_offered(proc, on=END)
    assert selectors.offered_version(proc, on=END - dt.timedelta(days=1)) is not None and selectors.offered_version(proc, on=END) is None
    assert [p.code for p in selectors.procedure_list(fetched_by=None)] == [proc.code]
    assert [p.code for p in selectors.procedure_list(fetched_by=None, day=END)] == []
    # ended again from an earlier date, it ends then; from a later one, it keeps the earlier end (its versions closed then)
    services.procedures_end(actor=users["sysadmin"], items=[{"code": proc.code, "valid_to": "2027-01-15"}])
    proc.refresh_from_db()
    assert proc.ends_on == dt.date(2027, 1, 15)
    services.procedures_end(actor=users["sysadmin"], items=[{"code": proc.code, "valid_to": "2027-03-01"}])
    proc.refresh_from_db()
    assert proc.ends_on == dt.date(2027, 1, 15) and not selectors.is_offered(proc, on=dt.date(2027, 2, 15))


def test_the_administration_pages_show_the_date_it_ends(login, users):
    proc = make_procedure().procedure
    services.procedures_end(actor=users["sysadmin"], items=[{"code": proc.code, "valid_to": END.isoformat(), "reason": "Bãi bỏ"}])
    c = login(users["sysadmin"])
    detail = c.get(reverse("procedures:admin_detail", args=[proc.code])).content.decode()
    assert "Ngừng áp dụng từ ngày 01/02/2027: đến hết ngày trước đó thủ tục vẫn nhận hồ sơ" in detail
    assert "Thủ tục đã ngừng áp dụng" not in detail
    listing = c.get(reverse("procedures:admin")).content.decode()
    assert "Ngừng áp dụng từ ngày 01/02/2027" in listing and "Đã ngừng áp dụng" not in listing
    assert "Ngừng áp dụng từ ngày 01/02/2027" in c.get(reverse("procedures:detail", args=[proc.code])).content.decode()
    with on(END):
        c = login(users["sysadmin"])
        detail = c.get(reverse("procedures:admin_detail", args=[proc.code])).content.decode()
        assert "Thủ tục đã ngừng áp dụng" in detail and "Ngừng áp dụng từ ngày" not in detail
        assert "Đã ngừng áp dụng" in c.get(reverse("procedures:admin")).content.decode()

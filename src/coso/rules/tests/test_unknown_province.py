"""A system administrator's value for one province names a province that exists: "97" typed for "79" was kept (and
audited), the province meant kept its old value and no page showed the stray one."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from coso.core.models import AuditLog
from coso.rules.lookup import rule
from coso.rules.models import Rule

pytestmark = pytest.mark.django_db

KEY = "feedback.deadline.answer_days"
NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
API = "/api/v1/rules"


@pytest.mark.parametrize("code", ["97", "zz"])
def test_the_api_refuses_a_value_for_a_province_that_does_not_exist(login, users, province, code):  # type: ignore[no-untyped-def]
    c = login(users["sysadmin"])
    rows, audit = Rule.objects.count(), AuditLog.objects.count()
    with time_machine.travel(NOW, tick=False):
        r = c.post(f"{API}/changes", {"key": KEY, "value": 10, "valid_from": "2026-12-14", "reason": "Nghị quyết của HĐND tỉnh",
                                      "province_code": code}, content_type="application/json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "province-unknown"
    assert r.json()["details"]["fields"] == {"province_code": [f"Không có tỉnh mã “{code}”."]}
    assert Rule.objects.count() == rows and AuditLog.objects.count() == audit


def test_the_page_refuses_a_value_for_a_province_that_does_not_exist(login, users, province):  # type: ignore[no-untyped-def]
    c = login(users["sysadmin"])
    rows = Rule.objects.count()
    with time_machine.travel(NOW, tick=False):
        r = c.post(f"/quy-dinh/{KEY}/?province=97", {"value": "10", "valid_from": "2026-12-14", "reason": "Nghị quyết của HĐND tỉnh"})
        assert r.status_code == 400 and "Không có tỉnh mã “97”." in r.content.decode()
        assert Rule.objects.count() == rows
        r = c.post(f"/quy-dinh/{KEY}/?province={province.code}", {"value": "10", "valid_from": "2026-12-14", "reason": "Nghị quyết của HĐND tỉnh"})
        assert r.status_code == 302
    assert rule(KEY, on=dt.date(2026, 12, 14), unit=province) == 10


# ---------------------------------------------------------------- reading with a province code that does not exist
@pytest.mark.parametrize("path", ["/", f"/{KEY}", "/diff?date_from=2026-12-01&date_to=2026-12-31"])
@pytest.mark.parametrize("code", ["97", "zz"])
def test_the_api_refuses_to_read_a_province_that_does_not_exist(login, users, province, path, code):  # type: ignore[no-untyped-def]
    c = login(users["sysadmin"])
    sep = "&" if "?" in path else "?"
    r = c.get(f"{API}{path}{sep}province_code={code}")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "province-unknown"
    assert r.json()["details"]["fields"] == {"province_code": [f"Không có tỉnh mã “{code}”."]}
    assert c.get(f"{API}{path}{sep}province_code={province.code}").status_code == 200


@pytest.mark.parametrize("path", ["/quy-dinh/?province=97", f"/quy-dinh/{KEY}/?province=97", "/quy-dinh/thay-doi/?date_from=2026-12-01&date_to=2026-12-31&province=97"])
def test_the_pages_refuse_to_read_a_province_that_does_not_exist(login, users, province, path):  # type: ignore[no-untyped-def]
    c = login(users["sysadmin"])
    r = c.get(path)
    assert r.status_code == 400
    assert "Không có tỉnh mã “97”." in r.content.decode()
    assert c.get(path.replace("province=97", f"province={province.code}")).status_code == 200


def test_a_province_user_naming_another_code_still_gets_404(login, users, province):  # type: ignore[no-untyped-def]
    c = login(users["province_admin"])
    assert c.get(f"{API}/{KEY}?province_code=97").status_code == 404
    assert c.get(f"/quy-dinh/{KEY}/?province=97").status_code == 404


def test_the_diff_page_shows_an_unknown_province_next_to_its_field(login, users, province):  # type: ignore[no-untyped-def]
    c = login(users["sysadmin"])
    r = c.get("/quy-dinh/thay-doi/", {"date_from": "2026-12-01", "date_to": "2026-12-31", "province": "97"})
    assert r.status_code == 400
    form = r.context["form"]
    assert form.errors == {"province": ["Không có tỉnh mã “97”."]}, form.errors
    html = r.content.decode()
    assert 'id="id_province_error"' in html and 'name="province" value="97"' in html
    ok = c.get("/quy-dinh/thay-doi/", {"date_from": "2026-12-01", "date_to": "2026-12-31", "province": province.code})
    assert ok.status_code == 200 and 'name="province"' in ok.content.decode()
    # a province's staff read their own province's values: no province field to choose another
    mine = login(users["province_home_affairs"]).get("/quy-dinh/thay-doi/", {"date_from": "2026-12-01", "date_to": "2026-12-31"})
    assert mine.status_code == 200 and 'name="province"' not in mine.content.decode()

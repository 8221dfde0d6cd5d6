"""Bad input on the “Căn cứ pháp lý” pages: a clear error on the form (Vietnamese), never a 500, nothing changed."""

from __future__ import annotations

import datetime as dt
import html

import pytest
import time_machine

from coso.core.models import AuditLog
from coso.rules.models import Rule

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
DIGITS = "Giá trị có quá nhiều chữ số (tối đa 18 chữ số phần nguyên và 18 chữ số thập phân)."
NOT_JSON = "Bảng giá trị không phải JSON hợp lệ."
NOT_FINITE = "Bảng giá trị chỉ được chứa số hữu hạn (không có NaN, Infinity)."
# Its numbers have a lower bound only: Infinity passes the table's own checks.
UNIT_STANDARDS = '{"population_standard": {"phuong": %s, "xa": 8000}, "area_standard_km2": {"phuong": 5.5, "xa": 30}}'


@pytest.mark.parametrize(("key", "value", "message"), [
    ("feedback.attachments.max_count", "Infinity", "Giá trị phải là số nguyên."),
    ("feedback.attachments.max_count", "-Infinity", "Giá trị phải là số nguyên."),
    ("feedback.attachments.max_count", "1e999999999", DIGITS),  # an integer of a billion digits: refused before it is built
    ("funding.commune_pt.extra_worker_coef", "1e9999999", DIGITS),
    ("funding.commune_pt.extra_worker_coef", "1e-9999999", DIGITS),
    ("funding.ctmt.base", "1e999999999", DIGITS),
    ("onestop.near_deadline_percent", "1e-999999999", DIGITS),
    ("assignments.fit.weights", "1" * 10000, NOT_JSON),  # past Python's 4,300-digit limit for int()
    ("assignments.fit.weights", "[" * 19000, NOT_JSON),  # deeper than Python recurses
    ("workforce.quota.unit_standards", UNIT_STANDARDS % "1e999", NOT_FINITE),  # a float too large parses as Infinity
    ("workforce.quota.unit_standards", UNIT_STANDARDS % "Infinity", NOT_FINITE),
])
def test_a_rule_value_that_is_no_number_a_rule_holds_is_refused_on_the_form(login, users, province, key, value, message):
    c = login(users["province_admin"])
    rules, audit = Rule.objects.count(), AuditLog.objects.count()
    with time_machine.travel(NOW, tick=False):
        r = c.post(f"/quy-dinh/{key}/", {"value": value, "valid_from": "2026-12-07", "reason": "Nghị quyết của HĐND tỉnh"})
    assert r.status_code == 400
    assert message in html.unescape(r.content.decode())
    assert Rule.objects.count() == rules and not Rule.objects.filter(origin="edited").exists() and AuditLog.objects.count() == audit


def test_the_api_refuses_a_table_with_infinity_too(login, users, province):
    c = login(users["province_admin"])
    body = '{"key": "workforce.quota.unit_standards", "value": %s, "valid_from": "2026-12-07", "reason": "x"}' % (UNIT_STANDARDS % "Infinity")
    with time_machine.travel(NOW, tick=False):
        r = c.post("/api/v1/rules/changes", body, content_type="application/json")
    assert r.status_code == 400 and r.json()["message"] == NOT_FINITE
    assert not Rule.objects.filter(origin="edited").exists()


@pytest.mark.parametrize(("change", "status", "code", "message"), [
    # A member its module does not define (the strength pillars are coso.indices.strength.PILLARS).
    ({"key": "indices.csi.weight.zzz"}, 400, "rule-unknown-key", "Mã quy định “indices.csi.weight.zzz” chưa được khai báo."),
    ({"key": "indices.csi.band.z"}, 400, "rule-unknown-key", "Mã quy định “indices.csi.band.z” chưa được khai báo."),
    ({"key": "indices.d766.points.i9_9"}, 400, "rule-unknown-key", "Mã quy định “indices.d766.points.i9_9” chưa được khai báo."),
    # The family's own key is no rule.
    ({"key": "indices.csi.weight.*"}, 400, "rule-unknown-key", "“indices.csi.weight.*” là một nhóm quy định"),
    ({"key": "funding.association.*"}, 400, "rule-unknown-key", "“funding.association.*” là một nhóm quy định"),
    # A commune of Hà Nội for a rule of Hồ Chí Minh City, and a code that is no commune.
    ({"commune_code": "00004"}, 400, "rule-bad-scope", "Xã, phường không thuộc tỉnh."),
    ({"commune_code": "79"}, 400, "rule-bad-scope", "Xã, phường không thuộc tỉnh."),
])
def test_the_api_refuses_a_key_that_is_no_rule_and_a_commune_of_another_province(login, users, province, foreign_commune, change, status, code,
                                                                                  message):
    c = login(users["province_admin"])
    body = {"key": "indices.csi.weight.satisfaction", "value": 30, "valid_from": "2026-12-07", "reason": "Quyết định của UBND tỉnh"} | change
    rules, audit = Rule.objects.count(), AuditLog.objects.count()
    with time_machine.travel(NOW, tick=False):
        r = c.post("/api/v1/rules/changes", body, content_type="application/json")
    assert r.status_code == status, r.content
    assert set(r.json()) == {"code", "message", "details"} and r.json()["code"] == code and message in r.json()["message"]
    assert Rule.objects.count() == rules and AuditLog.objects.count() == audit


def test_a_real_pillar_and_a_commune_of_the_province_are_accepted(login, users, province, commune):
    c = login(users["province_admin"])
    body = {"key": "indices.csi.weight.satisfaction", "value": 30, "valid_from": "2026-12-07", "reason": "Quyết định của UBND tỉnh"}
    with time_machine.travel(NOW, tick=False):
        assert c.post("/api/v1/rules/changes", body, content_type="application/json").status_code == 201
        r = c.post("/api/v1/rules/changes", body | {"commune_code": commune.code}, content_type="application/json")
    assert r.status_code == 201 and r.json()["rule"]["commune_code"] == commune.code and r.json()["rule"]["province_code"] == province.code


@pytest.mark.parametrize("key", ["indices.csi.weight.zzz", "indices.csi.weight.*"])
def test_the_page_of_a_key_that_is_no_rule_is_not_found(login, users, province, key):
    c = login(users["province_admin"])
    with time_machine.travel(NOW, tick=False):
        assert c.get(f"/quy-dinh/{key}/").status_code == 404
        r = c.post(f"/quy-dinh/{key}/", {"value": "30", "valid_from": "2026-12-07", "reason": "Quyết định của UBND tỉnh"})
    assert r.status_code == 404
    assert not Rule.objects.filter(origin="edited").exists()


def test_the_form_of_a_system_administrator_refuses_a_commune_of_another_province(login, users, province, foreign_commune):
    c = login(users["sysadmin"])
    url = f"/quy-dinh/indices.csi.weight.satisfaction/?province={province.code}&commune={foreign_commune.code}"
    with time_machine.travel(NOW, tick=False):
        r = c.post(url, {"value": "30", "valid_from": "2026-12-07", "reason": "Quyết định của UBND tỉnh"})
    assert r.status_code == 400 and "Xã, phường không thuộc tỉnh." in html.unescape(r.content.decode())
    assert not Rule.objects.filter(origin="edited").exists()


def test_the_history_filter_refuses_a_start_after_the_end(login, users, province):
    c = login(users["province_home_affairs"])
    r = c.get("/quy-dinh/thay-doi/", {"date_from": "2027-01-01", "date_to": "2026-01-01"})
    assert r.status_code == 400 and "“Từ ngày” phải trước hoặc bằng “Đến ngày”." in html.unescape(r.content.decode())
    r = c.get("/api/v1/rules/diff", {"date_from": "2027-01-01", "date_to": "2026-01-01"})
    assert r.status_code == 400 and set(r.json()) == {"code", "message", "details"}
    assert r.json()["code"] == "invalid-period" and r.json()["message"] == "“Từ ngày” phải trước hoặc bằng “Đến ngày”."
    assert r.json()["details"]["fields"] == {"date_from": ["“Từ ngày” phải trước hoặc bằng “Đến ngày”."]}
    # One day against itself is no error (nothing changes).
    assert c.get("/quy-dinh/thay-doi/", {"date_from": "2026-01-01", "date_to": "2026-01-01"}).status_code == 200
    assert c.get("/api/v1/rules/diff", {"date_from": "2026-01-01", "date_to": "2026-01-01"}).json() == []

"""The rules pages and API: read by every staff member for their unit, changed by province administrators from a date."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

import pytest
import time_machine

from coso.rules.lookup import rule
from coso.rules.models import Rule

pytestmark = pytest.mark.django_db

KEY = "feedback.deadline.answer_days"
NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
API = "/api/v1/rules"


def test_every_staff_member_reads_the_rules_of_their_unit(login, users):
    c = login(users["leader"])
    r = c.get(reverse("rules:index"))
    html = r.content.decode()
    assert r.status_code == 200
    assert "Thời hạn xử lý, trả lời phản ánh" in html and "15 ngày làm việc" in html and "Quyết định 766/QĐ-TTg" in html
    r = c.get(reverse("rules:detail", args=[KEY]))
    assert r.status_code == 200 and "Lưu giá trị mới" not in r.content.decode()  # commune users read only
    assert c.post(reverse("rules:detail", args=[KEY]), {"value": "3"}).status_code == 404
    assert not Rule.objects.filter(origin="edited").exists()


def test_citizens_and_anonymous_do_not_see_the_rule_pages(client, login, users):
    assert client.get(reverse("rules:index")).status_code == 302
    assert login(users["citizen"]).get(reverse("rules:index")).status_code == 404


def test_province_admin_changes_a_value_from_next_monday_with_a_reason(login, users, province):
    c = login(users["province_admin"])
    url = reverse("rules:detail", args=[KEY])
    with time_machine.travel(NOW, tick=False):
        r = c.post(url, {"value": "10", "valid_from": "2026-12-07", "reason": ""})
        assert r.status_code == 400 and "Hãy ghi lý do thay đổi." in r.content.decode()
        r = c.post(url, {"value": "10", "valid_from": "2026-11-30", "reason": "x"})
        assert r.status_code == 400 and "Không được sửa quá khứ" in r.content.decode()
        r = c.post(url, {"value": "không", "valid_from": "2026-12-07", "reason": "x"})
        assert r.status_code == 400
        assert not Rule.objects.filter(origin="edited").exists()
        r = c.post(url, {"value": "10", "valid_from": "2026-12-07", "reason": "Nghị quyết của HĐND tỉnh",
                         "source_document": "Nghị quyết 12/2026/NQ-HĐND", "source_article": "Điều 2"})
        assert r.status_code == 302
        page = c.get(url).content.decode()
    assert "Nghị quyết 12/2026/NQ-HĐND, Điều 2" in page and "Nghị quyết của HĐND tỉnh" in page
    assert "07/12/2026" in page and "Quyết định 766/QĐ-TTg" in page  # both periods, each with its source
    assert rule(KEY, on=dt.date(2026, 12, 7), unit=province) == 10
    assert rule(KEY, on=dt.date(2026, 12, 4), unit=province) == 15


def test_diff_between_two_dates(login, users, province):
    from coso.rules.testing import set_rule

    set_rule(KEY, 10, valid_from=dt.date(2027, 1, 1), province_code=province.code)
    r = login(users["province_home_affairs"]).get(reverse("rules:diff"), {"date_from": "2026-12-31", "date_to": "2027-01-02"})
    html = r.content.decode()
    assert r.status_code == 200 and "Thời hạn xử lý, trả lời phản ánh" in html and "10 ngày làm việc" in html
    assert login(users["province_home_affairs"]).get(reverse("rules:diff"), {"date_from": "x"}).status_code == 400


def test_api_list_get_diff_change_withdraw(login, users, province, other_province):
    c = login(users["province_admin"])
    r = c.get(f"{API}/", {"module": "feedback", "on": "2026-12-02"})
    assert r.status_code == 200
    answer = next(x for x in r.json() if x["key"] == KEY)
    assert answer["in_force"]["value"] == 15 and "Quyết định 766" in answer["in_force"]["source"]["document"]
    with time_machine.travel(NOW, tick=False):
        r = c.post(f"{API}/changes", {"key": KEY, "value": 12, "valid_from": "2026-12-14", "reason": "thử"}, content_type="application/json")
        assert r.status_code == 201, r.content
        rid = r.json()["rule"]["id"]
        assert r.json()["rule"]["province_code"] == province.code
        r = c.post(f"{API}/changes", {"key": KEY, "value": 11, "valid_from": "2026-12-10", "reason": "trùng"}, content_type="application/json")
        assert r.status_code == 409 and r.json()["code"] == "rule-overlap"
        r = c.post(f"{API}/changes", {"key": KEY, "value": 11, "valid_from": "2026-12-10", "reason": "x", "province_code": other_province.code},
                   content_type="application/json")
        assert r.status_code == 403 and set(r.json()) == {"code", "message", "details"}
        r = c.get(f"{API}/{KEY}")
        assert [h["valid_from"] for h in r.json()["history"] if h["province_code"]] == ["2026-12-14"]
        r = c.get(f"{API}/diff", {"date_from": "2026-12-13", "date_to": "2026-12-14"})
        assert [d["key"] for d in r.json()] == [KEY]
        assert c.delete(f"{API}/changes/{rid}?reason=nhầm").status_code == 204
    assert not Rule.objects.filter(province_code=province.code, key=KEY).exists()
    # Another province's values are not readable by this province.
    assert c.get(f"{API}/{KEY}", {"province_code": other_province.code}).status_code == 404
    assert c.get(f"{API}/no.such.key").status_code == 404


def test_api_needs_staff(client, login, users):
    assert client.get(f"{API}/").status_code == 401
    assert login(users["citizen"]).get(f"{API}/").status_code == 403


def test_withdraw_page_refuses_a_value_of_another_rule_than_the_one_its_address_names(login, users, province):
    """/quy-dinh/<key>/<id>/huy/ withdrew the value whatever key the address named (the audit and the messages then
    named the wrong rule); a value of another rule is now not found (404) and nothing changes."""
    from coso.core.models import AuditLog

    c = login(users["province_admin"])
    with time_machine.travel(NOW, tick=False):
        r = c.post(reverse("rules:detail", args=[KEY]), {"value": "10", "valid_from": "2026-12-14", "reason": "Nghị quyết của HĐND tỉnh"})
        assert r.status_code == 302
        row = Rule.objects.get(key=KEY, province_code=province.code, valid_from=dt.date(2026, 12, 14))
        other = "feedback.deadline.publish_days"
        audit = AuditLog.objects.count()
        r = c.post(reverse("rules:withdraw", args=[other, row.pk]), {"reason": "nhầm"})
        assert r.status_code == 404
        assert Rule.objects.filter(pk=row.pk).exists() and AuditLog.objects.count() == audit
        r = c.post(reverse("rules:withdraw", args=[KEY, row.pk]), {"reason": "nhầm"})
        assert r.status_code == 302 and r["Location"] == reverse("rules:detail", args=[KEY])
    assert not Rule.objects.filter(pk=row.pk).exists()


def _coming_value_of_another_province(login, make_user, other_province):  # type: ignore[no-untyped-def]
    """Another province's administrator and the id of the value they set from a coming day (call inside ``NOW``)."""
    from coso.accounts.roles import Role

    theirs = make_user("admin01", Role.PROVINCE_ADMIN, other_province)
    r = login(theirs).post(f"{API}/changes", {"key": KEY, "value": 12, "valid_from": "2026-12-14", "reason": "Nghị quyết của HĐND"},
                           content_type="application/json")
    assert r.status_code == 201, r.content
    return theirs, r.json()["rule"]["id"]


@pytest.mark.parametrize("who", ["province_admin", "leader"])
@pytest.mark.parametrize("reason", ["nhầm", " "])
def test_withdrawing_another_province_s_value_answers_404_as_one_that_does_not_exist(login, users, make_user, other_province, who, reason):
    """DELETE /api/v1/rules/changes/{id} of another province's coming value answered 403 (“only your province”, and 400 for a
    blank reason) where an id that does not exist answers 404: it told any staff member that the value exists. It is now
    not found whatever the reason, and nothing changes."""
    from coso.core.models import AuditLog

    with time_machine.travel(NOW, tick=False):
        theirs, rid = _coming_value_of_another_province(login, make_user, other_province)
        c = login(users[who])
        audit = AuditLog.objects.count()
        missing = c.delete(f"{API}/changes/{rid + 1000}?reason={reason}")
        other = c.delete(f"{API}/changes/{rid}?reason={reason}")
        assert missing.status_code == 404
        assert (other.status_code, other.json()) == (404, missing.json())
        assert Rule.objects.filter(pk=rid).exists() and AuditLog.objects.count() == audit
        # Its own administrator still withdraws it; a blank reason is still refused there.
        assert login(theirs).delete(f"{API}/changes/{rid}?reason=%20").status_code == 400
        assert login(theirs).delete(f"{API}/changes/{rid}?reason=nhầm").status_code == 204


@pytest.mark.parametrize("query", ["", "?reason=", "?reason=" + "x" * 2001, "?reason=a&reason="])
def test_withdrawing_another_province_s_value_with_a_bad_reason_answers_404(login, users, make_user, other_province, query):
    """The reason is a query parameter that django-ninja validated before the endpoint ran: another province's coming value
    with no reason, an empty or a too long one answered 422 where an id that does not exist answers 404. The scope is now
    checked first; its own administrator still gets the 422 validation error, and nothing changes."""
    from coso.core.models import AuditLog

    with time_machine.travel(NOW, tick=False):
        theirs, rid = _coming_value_of_another_province(login, make_user, other_province)
        def state():  # type: ignore[no-untyped-def]  # the writes' audit entries (not the sign-ins) and the rule book
            return AuditLog.objects.exclude(verb__in=["", "login"]).count(), list(Rule.objects.order_by("pk").values_list("pk", "valid_from", "valid_to"))

        before = state()
        other = login(users["province_admin"]).delete(f"{API}/changes/{rid}{query}")
        assert (other.status_code, other.json()["code"]) == (404, "not-found"), other.content
        own = login(theirs).delete(f"{API}/changes/{rid}{query}")
        assert (own.status_code, own.json()["code"]) == (422, "validation-error"), own.content
        assert list(own.json()["details"]["fields"]) == ["reason"], own.content
        assert state() == before

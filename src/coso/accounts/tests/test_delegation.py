"""Delegation of authority (ủy quyền, Decree 30/2020/NĐ-CP Art. 13): a leader hands named actions to a
deputy (KT.) or to the head of a subordinate unit (TUQ.) for a date range."""

import datetime as dt
import json

from django.utils import timezone

import pytest
import time_machine

from coso.accounts import services
from coso.accounts.models import Delegation, User
from coso.accounts.roles import Role
from coso.core.exceptions import ApplicationError, PermissionDeniedError
from coso.core.models import AuditLog

pytestmark = pytest.mark.django_db
MON = dt.date(2026, 12, 7)  # a Monday
APPROVE = Delegation.Action.DOSSIER_APPROVE
EVAL = Delegation.Action.EVALUATION_APPROVE


@pytest.fixture
def deputy(make_user, commune):  # type: ignore[no-untyped-def]
    return make_user("deputy", Role.COMMUNE_LEADER, commune, full_name="Trịnh Văn Phúc")


@pytest.fixture
def travel():  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 12, 7, 9, 0, tzinfo=timezone.get_current_timezone()), tick=False) as t:
        yield t


def _kt(users, deputy, **kw):  # type: ignore[no-untyped-def]
    data = {"delegate": deputy, "kind": "kt", "actions": [APPROVE], "starts_on": MON, "ends_on": MON + dt.timedelta(days=6), **kw}
    return services.delegation_create(actor=users["leader"], **data)


def test_leader_delegates_to_deputy_for_a_week(users, deputy, travel):
    d = _kt(users, deputy, decision_number="12/QĐ-UBND")
    assert (d.delegator_title, d.delegate_title) == ("Chủ tịch", "Phó Chủ tịch")
    assert d.signing_block() == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert d.capacity() == "KT. Chủ tịch leader" and d.commune_code == "26734"
    log = AuditLog.objects.get(verb="delegation_create")
    assert "leader" in log.object_repr and "Trịnh Văn Phúc" in log.object_repr and log.actor == users["leader"]
    # Allowed only inside the range, for the named action.
    assert services.delegation_active(deputy, APPROVE, MON) == d
    assert services.delegation_active(deputy, APPROVE, MON + dt.timedelta(days=6)) == d
    assert services.delegation_active(deputy, APPROVE, MON - dt.timedelta(days=1)) is None
    assert services.delegation_active(deputy, APPROVE, MON + dt.timedelta(days=7)) is None
    assert services.delegation_active(deputy, EVAL, MON) is None
    assert services.delegation_active(users["specialist"], APPROVE, MON) is None
    # The delegator leaving office, or the delegate's account closing, stops it.
    User.objects.filter(pk=users["leader"].pk).update(is_active=False)
    assert services.delegation_active(deputy, APPROVE, MON) is None


def test_authorised_signing_needs_a_written_decision_and_a_title(users, travel):
    specialist = users["specialist"]
    base = {"delegate": specialist, "kind": "tuq", "actions": [APPROVE], "starts_on": MON, "ends_on": MON}
    with pytest.raises(ApplicationError) as exc:
        services.delegation_create(actor=users["leader"], **base, delegate_title="Chánh Văn phòng")
    assert "decision_number" in exc.value.details["fields"]
    with pytest.raises(ApplicationError) as exc:
        services.delegation_create(actor=users["leader"], **base, decision_number="5/GUQ-UBND")
    assert "delegate_title" in exc.value.details["fields"]
    d = services.delegation_create(actor=users["leader"], **base, decision_number="5/GUQ-UBND", delegate_title="Chánh Văn phòng")
    assert d.signing_block() == ["TUQ. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"actions": []}, "actions"),
        ({"actions": ["sign_everything"]}, "actions"),
        ({"ends_on": MON - dt.timedelta(days=1)}, "ends_on"),
        ({"starts_on": MON - dt.timedelta(days=1)}, "starts_on"),
        ({"kind": "xx"}, "kind"),
        ({"procedure_codes": ["9.999999"]}, "procedure_codes"),
        ({"actions": [EVAL], "procedure_codes": ["1.001193"]}, "procedure_codes"),
    ],
)
def test_bad_delegations_are_refused(users, deputy, travel, change, field):
    with pytest.raises(ApplicationError) as exc:
        _kt(users, deputy, **change)
    assert field in exc.value.details["fields"]
    assert not Delegation.objects.exists()


def test_who_may_delegate_to_whom(users, deputy, travel):
    for key in ("specialist", "onestop", "province_admin", "citizen"):
        with pytest.raises(PermissionDeniedError):
            services.delegation_create(actor=users[key], delegate=deputy, kind="kt", actions=[APPROVE], starts_on=MON, ends_on=MON)
    for delegate in (users["leader"], users["other_leader"], users["province_home_affairs"]):
        with pytest.raises(ApplicationError) as exc:
            _kt(users, delegate)
        assert "delegate" in exc.value.details["fields"]
    with pytest.raises(ApplicationError) as exc:
        _kt(users, users["specialist"])  # KT. goes to a deputy only
    assert "cấp phó" in exc.value.details["fields"]["delegate"][0]


def test_overlapping_delegations_are_refused_with_the_other_named(users, deputy, travel, make_user, commune):
    _kt(users, deputy)
    second = make_user("deputy2", Role.COMMUNE_LEADER, commune, full_name="Đỗ Thị Lan")
    with pytest.raises(ApplicationError) as exc:
        _kt(users, second, starts_on=MON + dt.timedelta(days=6), ends_on=MON + dt.timedelta(days=10))
    assert exc.value.code == "delegation-overlap" and "Trịnh Văn Phúc" in exc.value.message and "13/12/2026" in exc.value.message
    # Other actions, later dates or separate procedure lists do not overlap.
    _kt(users, second, actions=[EVAL])
    _kt(users, second, starts_on=MON + dt.timedelta(days=7), ends_on=MON + dt.timedelta(days=8))
    from coso.dossiers.tests.conftest import make_procedure

    make_procedure("1.000001", "Thủ tục A")
    make_procedure("1.000002", "Thủ tục B")
    third = make_user("deputy3", Role.COMMUNE_LEADER, commune)
    a = _kt(users, third, procedure_codes=["1.000001"], starts_on=MON + dt.timedelta(days=20), ends_on=MON + dt.timedelta(days=21))
    _kt(users, second, procedure_codes=["1.000002"], starts_on=MON + dt.timedelta(days=20), ends_on=MON + dt.timedelta(days=21))
    with pytest.raises(ApplicationError):
        _kt(users, deputy, starts_on=MON + dt.timedelta(days=21), ends_on=MON + dt.timedelta(days=22))  # all procedures vs A and B
    assert services.delegation_active(third, APPROVE, MON + dt.timedelta(days=20), procedure_code="1.000001") == a
    assert services.delegation_active(third, APPROVE, MON + dt.timedelta(days=20), procedure_code="1.000002") is None
    assert services.delegation_active(third, APPROVE, MON + dt.timedelta(days=20)) is None


def test_ending_a_delegation(users, deputy, travel):
    d = _kt(users, deputy)
    with pytest.raises(PermissionDeniedError):
        services.delegation_end(actor=deputy, delegation=d, reason="x")
    with pytest.raises(ApplicationError) as exc:
        services.delegation_end(actor=users["leader"], delegation=d, reason=" ")
    assert "reason" in exc.value.details["fields"]
    with pytest.raises(ApplicationError) as exc:
        services.delegation_end(actor=users["leader"], delegation=d, reason="x", on=MON - dt.timedelta(days=1))
    assert "lùi ngày" in exc.value.message
    with pytest.raises(ApplicationError):
        services.delegation_end(actor=users["leader"], delegation=d, reason="x", on=MON + dt.timedelta(days=30))
    travel.shift(dt.timedelta(days=2))
    services.delegation_end(actor=users["leader"], delegation=d, reason="Chủ tịch đi làm lại")
    d.refresh_from_db()
    assert d.revoked_on == MON + dt.timedelta(days=2) and d.last_day == MON + dt.timedelta(days=1)
    assert services.delegation_active(deputy, APPROVE, MON + dt.timedelta(days=1)) == d  # what was done stays valid
    assert services.delegation_active(deputy, APPROVE, MON + dt.timedelta(days=2)) is None
    with pytest.raises(ApplicationError) as exc:
        services.delegation_end(actor=users["leader"], delegation=d, reason="x")
    assert exc.value.code == "already-ended" and "09/12/2026" in exc.value.message
    assert AuditLog.objects.get(verb="delegation_end").reason == "Chủ tịch đi làm lại"
    # A new delegation may start the day the old one was ended.
    _kt(users, deputy, starts_on=MON + dt.timedelta(days=2), ends_on=MON + dt.timedelta(days=3))
    # An expired one cannot be ended.
    old = _kt(users, deputy, actions=[EVAL], starts_on=MON + dt.timedelta(days=2), ends_on=MON + dt.timedelta(days=2))
    travel.shift(dt.timedelta(days=5))
    with pytest.raises(ApplicationError) as exc:
        services.delegation_end(actor=users["leader"], delegation=old, reason="x")
    assert exc.value.code == "already-expired"


def test_api_and_pages(users, deputy, travel, login, client):
    c = login(users["leader"])
    r = c.post("/api/v1/accounts/delegations", {"delegate_id": deputy.pk, "kind": "kt", "actions": [APPROVE], "starts_on": "2026-12-07",
                                                "ends_on": "2026-12-13"}, content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["signing_block"] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"] and body["delegate"] == "Trịnh Văn Phúc"
    r = c.post("/api/v1/accounts/delegations", {"delegate_id": deputy.pk, "kind": "kt", "actions": [APPROVE], "starts_on": "2026-12-10",
                                                "ends_on": "2026-12-11"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "delegation-overlap"
    r = c.post("/api/v1/accounts/delegations", {"delegate_id": users["other_leader"].pk, "kind": "kt", "actions": [APPROVE],
                                                "starts_on": "2026-12-20", "ends_on": "2026-12-21"}, content_type="application/json")
    assert r.status_code == 400 and "delegate_id" in r.json()["details"]["fields"]
    d = login(deputy)
    assert d.get(f"/api/v1/accounts/delegations/active?action={APPROVE}").json()["id"] == body["id"]
    assert d.get(f"/api/v1/accounts/delegations/active?action={APPROVE}&on=2026-12-14").json() is None
    r = d.post(f"/api/v1/accounts/delegations/{body['id']}/end", {"reason": "x"}, content_type="application/json")
    assert r.status_code == 403
    # Another commune does not see it.
    assert login(users["other_leader"]).get("/api/v1/accounts/delegations").json()["count"] == 0
    assert login(users["other_leader"]).post(f"/api/v1/accounts/delegations/{body['id']}/end", {"reason": "x"},
                                             content_type="application/json").status_code == 404
    # Pages: the list shows both names; the leader ends it there.
    c = login(users["leader"])
    page = c.get("/accounts/delegations/").content.decode()
    assert "Trịnh Văn Phúc" in page and "Đang hiệu lực" in page and "Chấm dứt" in page
    r = c.post("/accounts/delegations/new/", {"delegate": deputy.pk, "kind": "kt", "actions": [EVAL], "starts_on": "2026-12-07",
                                             "ends_on": "2026-12-01", "delegator_title": "Chủ tịch"})
    assert r.status_code == 200 and "has-error" in r.content.decode()
    r = c.post("/accounts/delegations/new/", {"delegate": deputy.pk, "kind": "kt", "actions": [EVAL], "starts_on": "2026-12-07",
                                             "ends_on": "2026-12-09", "delegator_title": "Chủ tịch"})
    assert r.status_code == 302 and Delegation.objects.count() == 2
    r = c.post(f"/accounts/delegations/{body['id']}/end/", {"reason": "Về sớm"}, follow=True)
    assert "Đã chấm dứt ủy quyền" in r.content.decode()
    assert login(users["specialist"]).get("/accounts/delegations/new/").status_code == 404
    assert login(users["citizen"]).get("/accounts/delegations/").status_code == 404


def test_delegation_pages_in_english(users, login):
    from django.conf import settings

    c = login(users["leader"])
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = c.get("/accounts/delegations/new/").content.decode()
    assert "New delegation" in body and "Approve and sign administrative-procedure dossiers" in body


def test_api_refuses_dates_beyond_the_project_span(users, deputy, travel, login):
    """A delegation from 9999-01-01 to 9999-12-31 was accepted; the project's dates end with 2200 (coso.core.params)."""
    c = login(users["leader"])
    r = c.post("/api/v1/accounts/delegations", {"delegate_id": deputy.pk, "kind": "kt", "actions": [APPROVE], "starts_on": "9999-01-01",
                                                "ends_on": "9999-12-31"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["details"]["fields"] == {"starts_on": ["Ngày phải trong khoảng 01/01/1900–31/12/2200."],
                                                                      "ends_on": ["Ngày phải trong khoảng 01/01/1900–31/12/2200."]}
    r = c.post("/api/v1/accounts/delegations", {"delegate_id": deputy.pk, "kind": "kt", "actions": [APPROVE], "starts_on": "2026-12-07",
                                                "ends_on": "9999-12-31"}, content_type="application/json")
    assert r.status_code == 400 and list(r.json()["details"]["fields"]) == ["ends_on"]
    assert not Delegation.objects.exists() and not AuditLog.objects.filter(verb="delegation_create").exists()
    r = c.post("/api/v1/accounts/delegations", {"delegate_id": deputy.pk, "kind": "kt", "actions": [APPROVE], "starts_on": "2026-12-07",
                                                "ends_on": "2200-12-31"}, content_type="application/json")
    assert r.status_code == 201, r.content


def test_a_leader_moved_to_another_commune_or_another_role_no_longer_delegates(users, deputy, travel, other_commune):
    """The province administrator moves the chair to another commune (or gives the account another role at the end of
    the term): the account stays active, but its holder is no longer this commune's leader, so the deputy no longer
    signs "KT. Chủ tịch" in that name."""
    d = _kt(users, deputy, actions=[APPROVE, EVAL])
    assert services.delegation_active(deputy, APPROVE, MON) == d
    services.staff_update(actor=users["province_admin"], user=users["leader"], unit=other_commune)
    assert services.delegation_active(deputy, APPROVE, MON) is None
    assert services.delegation_active(deputy, EVAL, MON) is None
    services.staff_update(actor=users["province_admin"], user=users["leader"], unit=deputy.unit)
    assert services.delegation_active(deputy, APPROVE, MON) == d  # back in the commune as its leader
    services.staff_update(actor=users["province_admin"], user=users["leader"], role=Role.SPECIALIST)
    assert services.delegation_active(deputy, APPROVE, MON) is None


@pytest.mark.parametrize("who", ["leader", "deputy"])
def test_a_delegation_of_a_locked_account_is_not_shown_as_in_force(users, deputy, travel, login, who):
    """Locking the account of the leader or of the deputy stops the delegation (delegation_active: None), but the list
    (page and API) still showed it as in force; it now says it no longer applies, like an ended one."""
    d = _kt(users, deputy)
    services.staff_deactivate(actor=users["province_admin"], user=users[who] if who == "leader" else deputy, reason="Nghỉ việc")
    deputy.refresh_from_db()
    assert services.delegation_active(deputy, APPROVE, MON) is None
    c = login(users["specialist"])  # the commune's staff read the list
    rows = c.get("/api/v1/accounts/delegations").json()["items"]
    assert [(r["id"], r["in_force"], r["account_locked"]) for r in rows] == [(d.pk, False, True)]
    assert c.get("/api/v1/accounts/delegations?state=current").json()["count"] == 0
    assert c.get("/api/v1/accounts/delegations?state=upcoming").json()["count"] == 0
    assert [r["id"] for r in c.get("/api/v1/accounts/delegations?state=past").json()["items"]] == [d.pk]
    page = c.get("/accounts/delegations/").content.decode()
    assert "Không còn hiệu lực: tài khoản đã bị khoá" in page and "badge ok" not in page
    assert "Trịnh Văn Phúc" not in c.get("/accounts/delegations/?state=current").content.decode()


def test_ending_another_communes_delegation_is_404_whatever_the_body(users, deputy, travel, login):
    """The end endpoint declared a typed body, validated before the delegation's scope was checked: a leader of another
    commune sending a bad body got a 422 listing its faults instead of the 404 a missing delegation gets."""
    d = _kt(users, deputy)
    other = login(users["other_leader"])
    for body in ({}, {"reason": 7, "on": "x"}, "not json"):
        data = body if isinstance(body, str) else json.dumps(body)
        r = other.post(f"/api/v1/accounts/delegations/{d.pk}/end", data, content_type="application/json")
        assert r.status_code == 404 and r.json()["code"] == "not-found", r.content
    r = login(users["leader"]).post(f"/api/v1/accounts/delegations/{d.pk}/end", {"on": "x"}, content_type="application/json")
    assert r.status_code == 422 and set(r.json()["details"]["fields"]) == {"reason", "on"}
    d.refresh_from_db()
    assert d.revoked_on is None and not AuditLog.objects.filter(verb="delegation_end").exists()
    r = login(users["leader"]).post(f"/api/v1/accounts/delegations/{d.pk}/end", {"reason": "Về sớm"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["revoked_on"] == "2026-12-07"


@pytest.mark.parametrize("who,change", [("deputy", "role"), ("deputy", "commune"), ("leader", "role"), ("leader", "commune")])
def test_a_delegation_stops_when_the_deputy_or_the_leader_leaves_the_post(users, deputy, travel, login, other_commune, who, change):
    """A deputy chair given another role (or moved to another commune) still signed "KT. Chủ tịch": delegation_active
    did not re-check the delegate's role. It now stops when the delegate no longer holds a role that may receive it in
    the delegation's commune, or the leader no longer leads it; the list (page and API) says it no longer applies."""
    d = _kt(users, deputy)
    holder = deputy if who == "deputy" else users["leader"]
    if change == "role":
        services.staff_update(actor=users["province_admin"], user=holder, role=Role.SPECIALIST)
    else:
        services.staff_update(actor=users["province_admin"], user=holder, unit=other_commune)
    deputy.refresh_from_db()
    assert services.delegation_active(deputy, APPROVE, MON) is None
    c = login(users["specialist"])
    rows = c.get("/api/v1/accounts/delegations").json()["items"]
    assert [(r["id"], r["in_force"], r["account_locked"], r["holder_changed"]) for r in rows] == [(d.pk, False, False, True)]
    assert c.get("/api/v1/accounts/delegations?state=current").json()["count"] == 0
    assert c.get("/api/v1/accounts/delegations?state=upcoming").json()["count"] == 0
    assert [r["id"] for r in c.get("/api/v1/accounts/delegations?state=past").json()["items"]] == [d.pk]
    page = c.get("/accounts/delegations/").content.decode()
    assert "Không còn hiệu lực: người ủy quyền hoặc người được ủy quyền không còn giữ chức vụ" in page and "badge ok" not in page


def test_a_delegation_under_authorised_signing_survives_a_change_between_commune_roles(users, travel, login):
    """TUQ. goes to any commune staff member: a change between commune roles keeps it in force."""
    d = services.delegation_create(actor=users["leader"], delegate=users["specialist"], kind="tuq", actions=[APPROVE], starts_on=MON,
                                   ends_on=MON + dt.timedelta(days=6), delegate_title="Chánh Văn phòng", decision_number="5/QĐ-UBND")
    services.staff_update(actor=users["province_admin"], user=users["specialist"], role=Role.COMMUNE_HOME_AFFAIRS)
    users["specialist"].refresh_from_db()
    assert services.delegation_active(users["specialist"], APPROVE, MON) == d
    rows = login(users["specialist"]).get("/api/v1/accounts/delegations?state=current").json()["items"]
    assert [(r["id"], r["in_force"], r["holder_changed"]) for r in rows] == [(d.pk, True, False)]

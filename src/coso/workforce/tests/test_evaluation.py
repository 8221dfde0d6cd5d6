"""Annual evaluation: Decree 90/48 (≤2025) and Decree 335 (2026+), workflow, quota at approval, one-stop evidence."""

import datetime as dt
from decimal import Decimal

import pytest

from coso.core.exceptions import ApplicationError, ConflictError, NotFoundError
from coso.core.models import AuditLog
from coso.workforce import services
from coso.workforce.models import Discipline, Evaluation, WorkItem

from .helpers import person

pytestmark = pytest.mark.django_db


def _assessed(users, commune, *, name, year=2026, general=Decimal(28), items=((10, True, 0, 0),), level="tot"):
    p = person(commune, full_name=name)
    ev = services.evaluation_open(actor=users["home_affairs"], person=p, year=year)
    for pts, done, failed, delays in items:
        services.work_item_add(actor=users["home_affairs"], evaluation=ev, title="Việc", points=pts, month=1, completed=done,
                               failed_reviews=failed, delays=delays) if year >= 2026 else None
    ev.refresh_from_db()
    ev = services.self_assess(actor=users["home_affairs"], evaluation=ev, version=ev.version, general_score=general if year >= 2026 else None,
                              level="" if year >= 2026 else level, comment="Tự nhận xét")
    ev = services.leader_assess(actor=users["leader"], evaluation=ev, version=ev.version, general_score=general if year >= 2026 else None,
                                level="" if year >= 2026 else level, comment="Đồng ý")
    return ev


def test_335_score_and_levels(users, commune):
    ev = _assessed(users, commune, name="A", general=Decimal(30))
    assert ev.task_score == Decimal(70) and ev.total_score == Decimal(100) and ev.level == "xuat_sac"
    # 10 points, 1 failed review and 1 delay: 10·(1−0.5)=5 of 10 → 35; +28 → 63 → hoàn thành.
    ev = _assessed(users, commune, name="B", items=((10, True, 1, 1),))
    assert ev.task_score == Decimal(35) and ev.total_score == Decimal(63) and ev.level == "hoan_thanh"
    # 2 items of 5, one unfinished: 35 + 20 = 55.
    ev = _assessed(users, commune, name="C", general=Decimal(20), items=((5, True, 0, 0), (5, False, 0, 0)))
    assert ev.total_score == Decimal(55) and ev.level == "hoan_thanh"
    ev = _assessed(users, commune, name="D", general=Decimal(10), items=((5, True, 0, 0), (5, False, 0, 0)))
    assert ev.total_score == Decimal(45) and ev.level == "khong_hoan_thanh" and "dưới 50" in ev.auto_reasons[0]


def test_335_discipline_in_year_forces_not_completed(users, commune):
    p = person(commune, full_name="Kỷ Luật")
    Discipline.objects.create(person=p, form="khien_trach", decided_on=dt.date(2026, 4, 1), province_code="79", commune_code="26734")
    ev = services.evaluation_open(actor=users["home_affairs"], person=p, year=2026)
    services.work_item_add(actor=users["home_affairs"], evaluation=ev, title="Việc", points=1, month=2)
    ev.refresh_from_db()
    ev = services.self_assess(actor=users["home_affairs"], evaluation=ev, version=ev.version, general_score=Decimal(30))
    ev = services.leader_assess(actor=users["leader"], evaluation=ev, version=ev.version, general_score=Decimal(30))
    assert ev.total_score == Decimal(100) and ev.level == "khong_hoan_thanh"
    assert ev.auto_reasons == ["Bị kỷ luật từ khiển trách trở lên trong năm"]
    # A discipline decided in another year does not count.
    q = person(commune, full_name="Kỷ Luật Cũ")
    Discipline.objects.create(person=q, form="canh_cao", decided_on=dt.date(2025, 4, 1), province_code="79", commune_code="26734")
    assert services.disciplined_in_year(q, 2026) is False


def test_335_leader_flags(users, commune):
    p = person(commune, full_name="Cờ")
    ev = services.evaluation_open(actor=users["home_affairs"], person=p, year=2026)
    services.work_item_add(actor=users["home_affairs"], evaluation=ev, title="Việc", points=1, month=2)
    ev.refresh_from_db()
    ev = services.self_assess(actor=users["home_affairs"], evaluation=ev, version=ev.version, general_score=Decimal(30))
    ev = services.leader_assess(actor=users["leader"], evaluation=ev, version=ev.version, general_score=Decimal(30), degradation=True)
    assert ev.level == "khong_hoan_thanh"


def test_workflow_order_versions_and_history(users, commune):
    p = person(commune)
    ev = services.evaluation_open(actor=users["home_affairs"], person=p, year=2026)
    with pytest.raises(ApplicationError, match="chưa tự đánh giá"):
        services.leader_assess(actor=users["leader"], evaluation=ev, version=ev.version, general_score=Decimal(20))
    with pytest.raises(ApplicationError) as exc:
        services.self_assess(actor=users["home_affairs"], evaluation=ev, version=ev.version, general_score=Decimal(31))
    assert exc.value.code == "invalid-score"
    with pytest.raises(ConflictError):
        services.self_assess(actor=users["home_affairs"], evaluation=ev, version=ev.version + 5, general_score=Decimal(20))
    with pytest.raises(NotFoundError):  # not the register's user nor the person: someone else's evaluation is not theirs to see
        services.self_assess(actor=users["finance"], evaluation=ev, version=ev.version, general_score=Decimal(20))
    ev = services.self_assess(actor=users["home_affairs"], evaluation=ev, version=ev.version, general_score=Decimal(20))
    with pytest.raises(NotFoundError):  # another commune's evaluation
        services.leader_assess(actor=users["other_leader"], evaluation=ev, version=ev.version, general_score=Decimal(20))
    with pytest.raises(ApplicationError, match="chưa được lãnh đạo"):
        services.approve(actor=users["leader"], evaluations=[ev])
    ev = services.leader_assess(actor=users["leader"], evaluation=ev, version=ev.version, general_score=Decimal(20))
    services.approve(actor=users["leader"], evaluations=[ev])
    ev.refresh_from_db()
    assert ev.status == "approved" and ev.approved_at
    assert [s.step for s in ev.steps.all()] == ["open", "self_assessed", "leader_assessed", "approved"]
    assert AuditLog.objects.filter(object_type="workforce.Evaluation", object_id=str(ev.pk), verb="approve").exists()
    with pytest.raises(ApplicationError, match="đã được phê duyệt"):
        services.work_item_add(actor=users["home_affairs"], evaluation=ev, title="Muộn", points=1, month=3)


def test_excellent_quota_20_percent_of_good(users, commune):
    goods = [_assessed(users, commune, name=f"Tốt {i}", general=Decimal(10)) for i in range(10)]   # 10 + 70 = 80 → tốt
    assert all(g.level == "tot" for g in goods)
    excellent = [_assessed(users, commune, name=f"Giỏi {i}", general=Decimal(25)) for i in range(3)]  # 95 → xuất sắc
    assert all(e.level == "xuat_sac" for e in excellent)
    services.approve(actor=users["leader"], evaluations=goods)
    services.approve(actor=users["leader"], evaluations=excellent[:2])   # 2 ≤ 20% of 10
    with pytest.raises(ApplicationError) as exc:
        services.approve(actor=users["leader"], evaluations=excellent[2:])
    err = exc.value
    assert err.code == "excellence-quota-exceeded"
    assert err.details["excellent"] == 3 and err.details["allowed"] == 2 and err.details["excess"] == 1
    assert err.details["candidates"] == ["Giỏi 2"]
    assert "thừa 1 người" in err.message
    excellent[2].refresh_from_db()
    assert excellent[2].status == "leader_assessed"
    # A batch is judged as a whole: all 3 excellent with only 10 good fails, nothing is approved.


def test_quota_batch_all_or_nothing_and_per_agency(users, commune, other_commune, make_user):
    from coso.accounts.roles import Role

    goods = [_assessed(users, commune, name=f"T{i}", general=Decimal(10)) for i in range(4)]
    ex = _assessed(users, commune, name="X", general=Decimal(25))
    with pytest.raises(ApplicationError):
        services.approve(actor=users["leader"], evaluations=[*goods, ex])  # 1 excellent > floor(0.2·4) = 0
    assert Evaluation.objects.filter(status="approved").count() == 0
    # Another agency's approvals do not count towards this one.
    other_ha = make_user("other_ha", Role.COMMUNE_HOME_AFFAIRS, other_commune)
    others = []
    for i in range(10):
        p = person(other_commune, full_name=f"O{i}")
        ev = services.evaluation_open(actor=other_ha, person=p, year=2026)
        services.work_item_add(actor=other_ha, evaluation=ev, title="V", points=1, month=1)
        ev.refresh_from_db()
        ev = services.self_assess(actor=other_ha, evaluation=ev, version=ev.version, general_score=Decimal(10))
        others.append(services.leader_assess(actor=users["other_leader"], evaluation=ev, version=ev.version, general_score=Decimal(10)))
    services.approve(actor=users["other_leader"], evaluations=others)
    with pytest.raises(ApplicationError):
        services.approve(actor=users["leader"], evaluations=[ex])
    with pytest.raises(ApplicationError, match="cùng một cơ quan"):
        services.approve(actor=users["sysadmin"], evaluations=[goods[0], others[0]])
    goods.append(_assessed(users, commune, name="T5", general=Decimal(10)))
    services.approve(actor=users["leader"], evaluations=[*goods, ex])  # 1 ≤ floor(0.2·5) = 1
    assert Evaluation.objects.filter(status="approved", commune_code="26734").count() == 6


def test_decree_90_48_years_use_levels_and_quota(users, commune):
    goods = [_assessed(users, commune, name=f"T{i}", year=2024, level="tot") for i in range(4)]
    ex = _assessed(users, commune, name="XS", year=2024, level="xuat_sac")
    assert ex.regime == "nd90" and ex.total_score is None
    services.approve(actor=users["leader"], evaluations=goods)
    with pytest.raises(ApplicationError) as exc:
        services.approve(actor=users["leader"], evaluations=[ex])  # 1 > floor(0.2·4)=0
    assert exc.value.details["rule"] == "nd90" and "48/2023" in exc.value.message
    # Disciplined in the year: not rated good or better.
    p = person(commune, full_name="KL 2024")
    Discipline.objects.create(person=p, form="khien_trach", decided_on=dt.date(2024, 4, 1), province_code="79", commune_code="26734")
    ev = services.evaluation_open(actor=users["home_affairs"], person=p, year=2024)
    ev = services.self_assess(actor=users["home_affairs"], evaluation=ev, version=ev.version, level="tot")
    ev = services.leader_assess(actor=users["leader"], evaluation=ev, version=ev.version, level="tot")
    assert ev.level == "hoan_thanh" and ev.auto_reasons


def test_dossier_evidence_guarded_and_imported(users, commune, monkeypatch):
    p = person(commune, user=users["onestop"])
    ev = services.evaluation_open(actor=users["leader"], person=p, year=2026)
    from coso.dossiers import selectors as dossier_selectors

    def officer_dossier_stats(user_ids, period):
        assert user_ids == [users["onestop"].pk] and period[0].year == 2026
        data = {1: {"handled": 12, "on_time": 10, "late": 2}, 2: {"handled": 8, "on_time": 8, "late": 0}}
        return {user_ids[0]: data.get(period[0].month, {"handled": 0, "on_time": 0, "late": 0})}

    monkeypatch.setattr(dossier_selectors, "officer_dossier_stats", officer_dossier_stats)
    assert services.import_dossier_items(actor=users["leader"], evaluation=ev, today=dt.date(2026, 11, 27)) == 3
    items = WorkItem.objects.filter(person=p, source="dossiers")
    assert sum(i.points for i in items) == 20 and items.filter(delays=1).get().points == 2
    ev.refresh_from_db()
    # 18 on time + 2 late at −25%: (18 + 1.5) / 20 · 70 = 68.25
    assert ev.task_score == Decimal("68.25")
    # Importing again replaces, never doubles.
    services.import_dossier_items(actor=users["onestop"], evaluation=ev, today=dt.date(2026, 11, 27))  # the officer can fetch their own evidence
    with pytest.raises(NotFoundError):  # a colleague outside the register: as on the page and the API
        services.import_dossier_items(actor=users["specialist"], evaluation=ev)
    assert WorkItem.objects.filter(person=p, source="dossiers").count() == 3
    q = person(commune, full_name="Không tài khoản")
    ev2 = services.evaluation_open(actor=users["leader"], person=q, year=2026)
    with pytest.raises(ApplicationError) as exc:
        services.import_dossier_items(actor=users["leader"], evaluation=ev2)
    assert exc.value.code == "no-user"


def test_importing_the_same_dossiers_again_does_not_send_the_leaders_assessment_back(users, commune, monkeypatch):
    """A re-import that finds the same dossiers changes nothing: the leader's assessment stays, the version too; a month whose
    figures changed updates its item in place and sends the evaluation back to the leader."""
    from coso.dossiers import selectors as dossier_selectors

    data = {1: {"handled": 12, "on_time": 10, "late": 2}}

    def officer_dossier_stats(user_ids, period):
        return {user_ids[0]: data.get(period[0].month, {"handled": 0, "on_time": 0, "late": 0})}

    monkeypatch.setattr(dossier_selectors, "officer_dossier_stats", officer_dossier_stats)
    p = person(commune, user=users["onestop"])
    ev = services.evaluation_open(actor=users["leader"], person=p, year=2026)
    services.import_dossier_items(actor=users["leader"], evaluation=ev, today=dt.date(2026, 11, 27))
    ev.refresh_from_db()
    ev = services.self_assess(actor=users["home_affairs"], evaluation=ev, version=ev.version, general_score=Decimal(28), comment="Tự nhận xét")
    ev = services.leader_assess(actor=users["leader"], evaluation=ev, version=ev.version, general_score=Decimal(28), comment="Đồng ý")
    ids = set(WorkItem.objects.filter(person=p, source="dossiers").values_list("pk", flat=True))
    assert services.import_dossier_items(actor=users["onestop"], evaluation=ev, today=dt.date(2026, 11, 27)) == 2
    again = Evaluation.objects.get(pk=ev.pk)
    assert again.status == Evaluation.Status.LEADER_ASSESSED and again.version == ev.version and again.task_score == ev.task_score
    assert set(WorkItem.objects.filter(person=p, source="dossiers").values_list("pk", flat=True)) == ids  # kept, not recreated
    data[1] = {"handled": 12, "on_time": 11, "late": 1}  # a late dossier found on time after a correction
    services.import_dossier_items(actor=users["onestop"], evaluation=again, today=dt.date(2026, 11, 27))
    changed = Evaluation.objects.get(pk=ev.pk)
    assert changed.status == Evaluation.Status.SELF_ASSESSED and changed.version == ev.version + 1 and changed.task_score > ev.task_score
    assert WorkItem.objects.filter(person=p, source="dossiers", delays=1).get().points == 1


def test_evaluation_year_beyond_what_a_date_holds_is_refused_and_opens_nothing(users, commune, login):
    """The evaluation rules are read on 1 January of the year: a year past what a date holds (99999999999999999999, 2147483648)
    answered 500 on the page. The service refuses any year outside 1900–2200 with invalid-year; nothing is opened."""
    p = person(commune)
    client = login(users["home_affairs"])
    for year in ("99999999999999999999", "-99999999999999999999", "2147483648", "10000", "0", "2201"):
        resp = client.post(f"/workforce/danh-gia/mo/{p.pk}/", {"year": year}, follow=True)
        assert resp.status_code == 200, year
        assert "Năm" in " ".join(str(m) for m in resp.context["messages"]), year
    with pytest.raises(ApplicationError) as exc:
        services.evaluation_open(actor=users["home_affairs"], person=p, year=2**63)
    assert exc.value.code == "invalid-year" and "1900" in exc.value.message
    assert not Evaluation.objects.exists() and not AuditLog.objects.filter(object_type="workforce.Evaluation").exists()


def test_evaluation_pages_and_api(users, commune, other_commune, login):
    p = person(commune, user=users["specialist"])
    client = login(users["specialist"])
    resp = client.post(f"/workforce/danh-gia/mo/{p.pk}/", {"year": "2026"})
    ev = Evaluation.objects.get()
    assert resp.status_code == 302
    resp = client.post(f"/workforce/danh-gia/{ev.pk}/", {"action": "item", "item-title": "", "item-points": "1"})
    assert resp.status_code == 400 and "Cần chọn tháng hoặc quý" in resp.content.decode()
    resp = client.post(f"/workforce/danh-gia/{ev.pk}/", {"action": "item", "item-title": "Báo cáo", "item-points": "2", "item-month": "3",
                                                          "item-completed": "on", "item-failed_reviews": "0", "item-delays": "0"})
    assert resp.status_code == 302 and WorkItem.objects.count() == 1
    resp = client.post(f"/workforce/danh-gia/{ev.pk}/", {"action": "self", "self-version": str(Evaluation.objects.get().version),
                                                          "self-general_score": "27", "self-comment": "Tốt"})
    assert resp.status_code == 302 and Evaluation.objects.get().status == "self_assessed"
    api = login(users["leader"])
    ev.refresh_from_db()
    resp = api.post(f"/api/v1/workforce/evaluations/{ev.pk}/leader", {"version": ev.version, "general_score": "40"}, content_type="application/json")
    assert resp.status_code == 400 and resp.json()["code"] == "invalid-score"
    resp = api.post(f"/api/v1/workforce/evaluations/{ev.pk}/leader", {"version": ev.version, "general_score": "26"}, content_type="application/json")
    assert resp.status_code == 200 and Decimal(resp.json()["total_score"]) == 96 and resp.json()["level"] == "xuat_sac"
    resp = api.post("/api/v1/workforce/evaluations/approve", {"ids": [ev.pk]}, content_type="application/json")
    assert resp.status_code == 400 and resp.json()["code"] == "excellence-quota-exceeded"
    assert login(users["other_leader"]).get(f"/workforce/danh-gia/{ev.pk}/").status_code == 404
    assert login(users["leader"]).get("/workforce/danh-gia/?year=2026").status_code == 200
    assert login(users["onestop"]).get(f"/workforce/danh-gia/{ev.pk}/").status_code == 404


def test_2026_cadres_use_levels_and_their_own_quota_group(users, commune):
    goods = [_assessed(users, commune, name=f"CC {i}", general=Decimal(10)) for i in range(5)]   # civil servants, "tốt"
    services.approve(actor=users["leader"], evaluations=goods)
    p = person(commune, full_name="Phó Chủ tịch", kind="cadre", position_code="pct_ubnd")
    ev = services.evaluation_open(actor=users["home_affairs"], person=p, year=2026)
    assert ev.regime == "nd90"
    ev = services.self_assess(actor=users["home_affairs"], evaluation=ev, version=ev.version, level="xuat_sac")
    ev = services.leader_assess(actor=users["sysadmin"], evaluation=ev, version=ev.version, level="xuat_sac")
    # The five civil servants rated "tốt" are another group: the only cadre cannot be "xuất sắc" with no "tốt" cadre.
    with pytest.raises(ApplicationError) as exc:
        services.approve(actor=users["sysadmin"], evaluations=[ev])
    assert exc.value.details["rule"] == "nd90" and exc.value.details["basis"] == 0


def test_an_id_repeated_in_one_approval_counts_and_approves_once(users, commune, login):
    good = _assessed(users, commune, name="Tốt", general=Decimal(10))
    ex = _assessed(users, commune, name="Giỏi", general=Decimal(25))
    assert (good.level, ex.level) == ("tot", "xuat_sac")
    api = login(users["leader"])
    resp = api.post("/api/v1/workforce/evaluations/approve", {"ids": [good.pk] * 5 + [ex.pk]}, content_type="application/json")
    assert resp.status_code == 400 and resp.json()["code"] == "excellence-quota-exceeded"  # 1 excellent > floor(0.2·1) = 0
    assert resp.json()["details"]["basis"] == 1
    resp = api.post("/api/v1/workforce/evaluations/approve", {"ids": [ex.pk, ex.pk]}, content_type="application/json")
    assert resp.status_code == 400 and "1 người xuất sắc" in resp.json()["message"]
    assert not Evaluation.objects.filter(status="approved").exists()
    assert not AuditLog.objects.filter(verb="approve").exists() and not good.steps.filter(step="approved").exists()
    resp = api.post("/api/v1/workforce/evaluations/approve", {"ids": [good.pk, good.pk, good.pk]}, content_type="application/json")
    assert resp.status_code == 200 and [e["id"] for e in resp.json()] == [good.pk]
    assert good.steps.filter(step="approved").count() == 1 and AuditLog.objects.filter(verb="approve").count() == 1
    before = good.version
    good.refresh_from_db()
    assert good.status == "approved" and good.version == before + 1


def test_the_list_page_approves_a_repeated_id_once(users, commune, login):
    goods = [_assessed(users, commune, name=f"Tốt {i}", general=Decimal(10)) for i in range(2)]
    page = login(users["leader"])
    resp = page.post("/workforce/danh-gia/?year=2026", {"ids": [str(goods[0].pk)] * 4 + [str(goods[1].pk)]}, follow=True)
    assert resp.status_code == 200 and "Đã phê duyệt 2 phiếu." in resp.content.decode()
    assert [g.steps.filter(step="approved").count() for g in goods] == [1, 1]
    assert AuditLog.objects.filter(verb="approve").count() == 2


def test_a_comment_longer_than_the_page_allows_is_refused_and_changes_nothing(users, commune, login):
    p = person(commune, full_name="Người dài")
    ev = services.evaluation_open(actor=users["home_affairs"], person=p, year=2026)
    services.work_item_add(actor=users["home_affairs"], evaluation=ev, title="Việc", points=1, month=1)
    ev.refresh_from_db()
    home = login(users["home_affairs"])
    resp = home.post(f"/api/v1/workforce/evaluations/{ev.pk}/self", {"version": ev.version, "general_score": "20", "comment": "x" * 4001},
                     content_type="application/json")
    assert resp.status_code == 400 and resp.json()["code"] == "comment-too-long" and "comment" in resp.json()["details"]["fields"]
    resp = home.post(f"/api/v1/workforce/evaluations/{ev.pk}/self", {"version": ev.version, "general_score": "20", "comment": "x" * 4000},
                     content_type="application/json")
    assert resp.status_code == 200
    ev.refresh_from_db()
    leader = login(users["leader"])
    before = (ev.version, ev.status, ev.leader_comment, ev.steps.count(), AuditLog.objects.count())
    resp = leader.post(f"/api/v1/workforce/evaluations/{ev.pk}/leader", {"version": ev.version, "general_score": "20", "comment": "x" * 10_000},
                       content_type="application/json")
    assert resp.status_code == 400 and resp.json()["code"] == "comment-too-long" and "4000" in resp.json()["message"]
    ev.refresh_from_db()
    assert (ev.version, ev.status, ev.leader_comment, ev.steps.count(), AuditLog.objects.count()) == before
    resp = leader.post(f"/api/v1/workforce/evaluations/{ev.pk}/leader", {"version": ev.version, "general_score": "20", "comment": "x" * 4000},
                       content_type="application/json")
    assert resp.status_code == 200 and resp.json()["status"] == "leader_assessed"


def test_evaluation_of_a_year_not_yet_come_or_before_the_person_worked_is_refused(users, commune, login):
    """An evaluation of 2030 opened in 2026 (page and API), or of a year before the person began work, was opened and listed
    beside the real ones. The service takes the years from the start of work to this year; nothing else is opened."""
    from django.utils import timezone

    this_year = timezone.localdate().year
    p = person(commune, started_on=dt.date(2019, 3, 1))
    client = login(users["home_affairs"])
    resp = client.post(f"/workforce/danh-gia/mo/{p.pk}/", {"year": str(this_year + 1)}, follow=True)
    assert resp.status_code == 200
    assert f"Năm đánh giá phải từ 2019 đến {this_year}." in " ".join(str(m) for m in resp.context["messages"])
    resp = client.post("/api/v1/workforce/evaluations", {"person_id": p.pk, "year": 2030}, content_type="application/json")
    assert resp.status_code == 400 and resp.json()["code"] == "invalid-year"
    assert resp.json()["details"]["fields"]["year"] == [f"Năm đánh giá phải từ 2019 đến {this_year}."]
    with pytest.raises(ApplicationError) as exc:
        services.evaluation_open(actor=users["home_affairs"], person=p, year=2018)
    assert exc.value.code == "invalid-year"
    # Without a recorded start of work: from the year the person came of working age.
    q = person(commune, full_name="Lê Văn Cường", birth_date=dt.date(2003, 6, 1), started_on=None)
    with pytest.raises(ApplicationError):
        services.evaluation_open(actor=users["home_affairs"], person=q, year=2020)
    assert not Evaluation.objects.exists() and not AuditLog.objects.filter(object_type="workforce.Evaluation").exists()
    assert services.evaluation_open(actor=users["home_affairs"], person=q, year=2021).year == 2021
    assert services.evaluation_open(actor=users["home_affairs"], person=p, year=this_year).year == this_year


def test_an_open_evaluation_follows_a_person_moved_to_another_commune(users, commune, other_commune, login):
    """A person transferred to another commune before the year's evaluation was approved: the new commune evaluates them
    (Decree 90/2020/NĐ-CP and Decree 335/2025/NĐ-CP: the agency where the person works at the time of the evaluation,
    with the former agency's opinion). Their open evaluation stayed with the former commune: the new commune's list did
    not show it, its "without an evaluation" list left the person out, opening one led to the former commune's (a 404)
    and the former commune's leader still assessed and approved someone no longer theirs, counted in its quota. The open
    evaluation and its work log now move with the person; an approved one stays where it was decided."""
    p = person(commune, full_name="Lê Văn Chuyển")
    old = services.evaluation_open(actor=users["home_affairs"], person=p, year=2025)
    old = services.self_assess(actor=users["home_affairs"], evaluation=old, version=old.version, level="tot")
    old = services.leader_assess(actor=users["leader"], evaluation=old, version=old.version, level="tot")
    services.approve(actor=users["leader"], evaluations=[old])
    ev = services.evaluation_open(actor=users["home_affairs"], person=p, year=2026)
    services.work_item_add(actor=users["home_affairs"], evaluation=ev, title="Việc", points=5, month=1)
    services.position_change(actor=users["province_home_affairs"], person_id=p.pk, position_code="cv_vp", effective_on=dt.date(2026, 6, 1),
                             decision="QĐ 20/QĐ-UBND", commune_code=other_commune.code)
    ev.refresh_from_db()
    old.refresh_from_db()
    assert (ev.commune_code, old.commune_code) == (other_commune.code, commune.code)
    assert set(WorkItem.objects.filter(person=p, year=2026).values_list("commune_code", flat=True)) == {other_commune.code}
    assert AuditLog.objects.filter(verb="workforce.evaluation_transfer", object_id=str(ev.pk)).exists()
    new = login(users["other_leader"])
    assert [e["id"] for e in new.get("/api/v1/workforce/evaluations?year=2026").json()["items"]] == [ev.pk]
    assert new.get(f"/workforce/danh-gia/{ev.pk}/").status_code == 200
    assert login(users["leader"]).get(f"/workforce/danh-gia/{ev.pk}/").status_code == 404
    ev = services.self_assess(actor=users["province_home_affairs"], evaluation=ev, version=ev.version, general_score=Decimal(28))
    with pytest.raises(ApplicationError) as exc:
        services.leader_assess(actor=users["leader"], evaluation=ev, version=ev.version, general_score=Decimal(28))
    assert exc.value.code == "not-found"  # no longer the former commune's: out of its leader's scope
    ev = services.leader_assess(actor=users["other_leader"], evaluation=ev, version=ev.version, general_score=Decimal(28))
    assert ev.status == Evaluation.Status.LEADER_ASSESSED


def test_work_logged_after_the_leader_assessed_goes_back_to_the_leader(users, commune, login):
    """The person evaluated added work items after the leader's assessment: the score and level rose (63 → 80.5,
    "hoàn thành" → "tốt") and the leader approved a level they never assessed. A change of the work log after the
    leader's assessment now sends the evaluation back to the leader, who assesses the new log before approving."""
    ev = _assessed(users, commune, name="B", items=((10, True, 1, 1),))
    assert (ev.total_score, ev.level, ev.status) == (Decimal(63), "hoan_thanh", Evaluation.Status.LEADER_ASSESSED)
    from coso.workforce.models import Person

    Person.objects.filter(pk=ev.person_id).update(user=users["specialist"])
    r = login(users["specialist"]).post(f"/api/v1/workforce/evaluations/{ev.pk}/items", {"title": "Thêm việc", "points": 10, "month": 2},
                                        content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["status"] == Evaluation.Status.SELF_ASSESSED
    ev.refresh_from_db()
    with pytest.raises(ApplicationError) as exc:
        services.approve(actor=users["leader"], evaluations=[ev])
    assert exc.value.code == "wrong-status"
    ev = services.leader_assess(actor=users["leader"], evaluation=ev, version=ev.version, general_score=Decimal(28))
    assert ev.total_score == Decimal("80.5") and ev.status == Evaluation.Status.LEADER_ASSESSED
    assert services.approve(actor=users["leader"], evaluations=[ev])[0].status == Evaluation.Status.APPROVED


def test_the_evaluations_page_shows_the_quota_of_each_group_the_approval_applies(users, commune, login):
    """The page counted every approved evaluation of the commune together (5 "tốt" civil servants: 1 "xuất sắc" allowed)
    while approval counts civil servants (Decree 335/2025) and elected cadres (Decree 90/2020, 48/2023) apart: the cadre
    group allows none. The page now shows each group's figure, the one approval enforces."""
    import re

    goods = [_assessed(users, commune, name=f"CC {i}", general=Decimal(10)) for i in range(5)]
    services.approve(actor=users["leader"], evaluations=goods)
    p = person(commune, full_name="Phó Chủ tịch", kind="cadre", position_code="pct_ubnd")
    ev = services.evaluation_open(actor=users["home_affairs"], person=p, year=2026)
    ev = services.self_assess(actor=users["home_affairs"], evaluation=ev, version=ev.version, level="xuat_sac")
    ev = services.leader_assess(actor=users["sysadmin"], evaluation=ev, version=ev.version, level="xuat_sac")
    with pytest.raises(ApplicationError) as exc:
        services.approve(actor=users["sysadmin"], evaluations=[ev])
    enforced = exc.value.details["allowed"]
    body = login(users["leader"]).get(f"/workforce/danh-gia/?year=2026&commune={commune.code}").content.decode()
    figures = dict(re.findall(r'data-quota-group="(\w+)" data-allowed="(\d+)"', body))
    assert figures == {"nd335": "1", "nd90": str(enforced)} and enforced == 0
    body = login(users["leader"]).get(f"/workforce/danh-gia/{ev.pk}/").content.decode()
    assert re.findall(r'data-quota-group="(\w+)" data-allowed="(\d+)"', body) == [("nd90", "0")]


def test_the_assessment_form_takes_its_maximum_from_the_rule_book(users, commune, login):
    """The page's general-criteria score field was fixed at 0–30 in the form, while the service reads the maximum from
    the rule book (``workforce.evaluation.points``): a changed maximum was refused on the page (or a score over it let
    through to the service). The form now takes the rule's maximum, in its label and its bound."""
    import time_machine

    from coso.rules.services import rule_change

    rule_change(actor=users["sysadmin"], key="workforce.evaluation.points", value={"general_max": 40, "task_max": 60},
                valid_from=dt.date(2027, 1, 1), reason="Thử mức điểm khác", source_document="Văn bản thử")
    p = person(commune, user=users["specialist"])
    with time_machine.travel(dt.datetime(2027, 3, 2, 9, 0), tick=False):
        client = login(users["specialist"])
        assert client.post(f"/workforce/danh-gia/mo/{p.pk}/", {"year": "2027"}).status_code == 302
        ev = Evaluation.objects.get()
        page = client.get(f"/workforce/danh-gia/{ev.pk}/").content.decode()
        assert "(0–40)" in page and "(0–30)" not in page
        resp = client.post(f"/workforce/danh-gia/{ev.pk}/", {"action": "self", "self-version": str(ev.version),
                                                              "self-general_score": "41", "self-comment": "Tốt"})
        assert resp.status_code == 400
        ev.refresh_from_db()
        assert ev.self_general_score is None
        resp = client.post(f"/workforce/danh-gia/{ev.pk}/", {"action": "self", "self-version": str(ev.version),
                                                              "self-general_score": "35", "self-comment": "Tốt"})
        assert resp.status_code == 302, resp.content.decode()[:500]
        ev.refresh_from_db()
        assert ev.self_general_score == Decimal(35)

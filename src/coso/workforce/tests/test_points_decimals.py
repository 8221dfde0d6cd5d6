"""Points of a work item (and a general criteria score) with more decimals than stored were refused with Django's generic
"Hãy chắc chắn rằng không có nhiều hơn 2 chữ số thập phân." as the error's message, naming no field; a self-assessed score
with three decimals was even reported on "self_general_score", a field the API does not have, and points too large on
"no more than 7 digits". The service now refuses them first with a message that names the field and says how many decimals
(or how many points) are allowed, on the field the caller sent, and the page says the same; nothing is written."""

from __future__ import annotations

from decimal import Decimal

from coso.workforce import services
from coso.workforce.models import Evaluation, WorkItem

from .helpers import person


def test_too_many_decimals_in_the_points_of_a_work_item(users, commune, login):
    ev = services.evaluation_open(actor=users["home_affairs"], person=person(commune), year=2026)
    c = login(users["home_affairs"])
    r = c.post(f"/api/v1/workforce/evaluations/{ev.pk}/items", {"title": "Báo cáo", "points": "1.234", "month": 1}, content_type="application/json")
    body = r.json()
    assert r.status_code == 400 and body["code"] == "invalid-points", body
    assert body["message"] == "Điểm quy đổi: tối đa 2 chữ số thập phân." and body["details"]["fields"] == {"points": [body["message"]]}
    r = c.post(f"/api/v1/workforce/evaluations/{ev.pk}/items", {"title": "Báo cáo", "points": "123456789", "month": 1}, content_type="application/json")
    assert r.status_code == 400 and r.json()["details"]["fields"] == {"points": ["Điểm quy đổi không quá 10000."]}, r.json()
    page = c.post(f"/workforce/danh-gia/{ev.pk}/", {"action": "item", "item-title": "Báo cáo", "item-points": "1.234", "item-month": "3",
                                                    "item-failed_reviews": "0", "item-delays": "0"})
    assert page.status_code == 400 and "Điểm quy đổi: tối đa 2 chữ số thập phân." in page.content.decode()
    assert not WorkItem.objects.exists()
    r = c.post(f"/api/v1/workforce/evaluations/{ev.pk}/items", {"title": "Báo cáo", "points": "1.25", "month": 1}, content_type="application/json")
    assert r.status_code == 201 and WorkItem.objects.get().points == WorkItem._meta.get_field("points").to_python("1.25")


def test_too_many_decimals_in_the_general_score(users, commune, login):
    ev = services.evaluation_open(actor=users["home_affairs"], person=person(commune), year=2026)
    c = login(users["home_affairs"])
    r = c.post(f"/api/v1/workforce/evaluations/{ev.pk}/self", {"version": ev.version, "general_score": "20.123"}, content_type="application/json")
    body = r.json()
    assert r.status_code == 400 and body["details"]["fields"] == {"general_score": ["Điểm tiêu chí chung: tối đa 2 chữ số thập phân."]}, body
    ev.refresh_from_db()
    assert ev.status == Evaluation.Status.DRAFT and ev.self_general_score is None
    page = c.post(f"/workforce/danh-gia/{ev.pk}/", {"action": "self", "self-version": str(ev.version), "self-general_score": "20.123"})
    assert "Điểm tiêu chí chung: tối đa 2 chữ số thập phân." in page.content.decode()
    ev.refresh_from_db()
    assert ev.status == Evaluation.Status.DRAFT


def test_the_service_refuses_points_out_of_any_range_on_the_field(users, commune):
    import pytest

    from coso.core.exceptions import ApplicationError

    ev = services.evaluation_open(actor=users["home_affairs"], person=person(commune), year=2026)
    for points in (Decimal("-1e30"), Decimal("1e30"), Decimal("NaN"), Decimal(0), Decimal("0.001")):
        with pytest.raises(ApplicationError) as exc:
            services.work_item_add(actor=users["home_affairs"], evaluation=ev, title="Báo cáo", points=points, month=1)
        assert list(exc.value.details["fields"]) == ["points"], points
    assert not WorkItem.objects.exists()
    item = services.work_item_add(actor=users["home_affairs"], evaluation=ev, title="Báo cáo", points=Decimal("2.500"), month=1)
    assert item.points == Decimal("2.50")

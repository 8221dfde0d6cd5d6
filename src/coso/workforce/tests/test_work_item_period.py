"""A work item of the evaluation log is monthly or quarterly, but a month and a quarter that disagree (month 5 in quarter 1)
were both stored: the log then showed the item in two periods. A month and a quarter together are now accepted only when
the month is in the quarter (400 invalid-period on the quarter, nothing written), on the API and on the page."""

from __future__ import annotations

from coso.workforce import services
from coso.workforce.models import WorkItem

from .helpers import person


def test_a_month_outside_the_quarter_is_refused(users, commune, login):
    ev = services.evaluation_open(actor=users["home_affairs"], person=person(commune), year=2026)
    client = login(users["home_affairs"])
    resp = client.post(f"/api/v1/workforce/evaluations/{ev.pk}/items", {"title": "Báo cáo", "month": 5, "quarter": 1}, content_type="application/json")
    assert resp.status_code == 400 and resp.json()["code"] == "invalid-period" and "quarter" in resp.json()["details"]["fields"]
    assert not WorkItem.objects.exists()
    page = client.post(f"/workforce/danh-gia/{ev.pk}/", {"action": "item", "item-title": "Báo cáo", "item-month": "5", "item-quarter": "1",
                                                            "item-points": "1", "item-failed_reviews": "0", "item-delays": "0"})
    assert page.status_code == 400 and not WorkItem.objects.exists()
    ok = client.post(f"/api/v1/workforce/evaluations/{ev.pk}/items", {"title": "Báo cáo", "month": 3, "quarter": 1}, content_type="application/json")
    assert ok.status_code == 201 and WorkItem.objects.count() == 1

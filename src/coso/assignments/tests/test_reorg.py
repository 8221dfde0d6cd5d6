"""Appointments through a commune merger: a decision recorded before the merger and not yet in force moves to
the commune that takes over and is applied there on its date (it stayed with the ended commune and failed every day)."""

import datetime as dt

import pytest
import time_machine

from coso.assignments import services
from coso.assignments.models import Decision
from coso.assignments.tests.helpers import D, person
from coso.core.models import AuditLog
from coso.units import services as units
from coso.units.models import Reorganisation

pytestmark = pytest.mark.django_db


def _merge(users, source, target):  # type: ignore[no-untyped-def]
    r = units.reorganisation_schedule(
        actor=users["province_admin"], province_code="79", kind=Reorganisation.Kind.COMMUNE_MERGE, decision_number="15/NQ-HĐND",
        decision_date=dt.date(2026, 2, 20), effective_on=dt.date(2026, 4, 1), title="Sáp nhập",
        spec={"sources": [source.code], "target": target.code}, today=dt.date(2026, 3, 2))
    units.reorganisation_apply(reorganisation_id=r.pk, today=dt.date(2026, 4, 1))
    return r


def test_a_pending_decision_of_a_merged_commune_moves_and_is_applied_on_its_date(users, commune, other_commune):
    a = person(other_commune, full_name="Nguyễn Văn An", position="cv_vp", since=D(2018, 1, 1))
    pending = Decision.objects.create(province_code="79", commune_code=other_commune.code, person=a, position_code="pct_ubnd", number="9/QĐ-UBND",
                                      decided_on=D(2026, 3, 1), effective_on=D(2026, 5, 1), created_by=users["province_home_affairs"])
    applied = Decision.objects.create(province_code="79", commune_code=other_commune.code, person=a, position_code="cv_vp", number="1/QĐ-UBND",
                                      decided_on=D(2018, 1, 1), effective_on=D(2018, 1, 1), status=Decision.Status.APPLIED)
    r = _merge(users, other_commune, commune)
    assert {m["key"]: m["total"] for m in r.preview["movers"]}["assignments.pending_decisions"] == 1
    pending.refresh_from_db()
    applied.refresh_from_db()
    assert pending.commune_code == commune.code
    assert applied.commune_code == other_commune.code  # history stays with the old commune (reached through the lineage)
    assert AuditLog.objects.filter(verb="reorganisation_move", object_type="assignments.Decision").exists()
    with time_machine.travel(dt.datetime(2026, 5, 2, 9, 0), tick=False):
        assert services.apply_due(on=D(2026, 5, 2)) == {"applied": 1, "failed": 0}
    pending.refresh_from_db()
    a.refresh_from_db()
    assert pending.status == Decision.Status.APPLIED
    assert (a.commune_code, a.position_code) == (commune.code, "pct_ubnd")


def _exemptions_table(page) -> str:  # type: ignore[no-untyped-def]
    html = page.content.decode()
    start = html.index('id="exemptions-table"')
    return html[start:html.index("</table>", start)]


def test_exemptions_recorded_before_a_merger_stay_on_the_persons_page(login, users, commune, other_commune):
    """The exemption follows the person (the rotation plan counts it), but the page listed only the rows of the officer's
    commune: after the merger the table showed none, inviting a second record."""
    a = person(other_commune, full_name="Nguyễn Văn An", position="pct_ubnd", since=D(2020, 1, 1))
    services.exemption_add(actor=users["province_home_affairs"], person_id=a.pk, reason="child", valid_from=D(2026, 1, 1), valid_to=D(2028, 1, 1))
    _merge(users, other_commune, commune)
    page = login(users["leader"]).get(f"/bo-tri/nguoi/{a.pk}/")
    assert page.status_code == 200
    assert "Đang mang thai hoặc nuôi con dưới 36 tháng tuổi" in _exemptions_table(page)


def test_a_person_of_another_commune_and_their_exemptions_stay_hidden(login, users, commune, other_commune):
    a = person(other_commune, full_name="Nguyễn Văn An", position="pct_ubnd", since=D(2020, 1, 1))
    services.exemption_add(actor=users["province_home_affairs"], person_id=a.pk, reason="child", valid_from=D(2026, 1, 1))
    assert login(users["leader"]).get(f"/bo-tri/nguoi/{a.pk}/").status_code == 404
    mine = person(commune, full_name="Trần Thị Bình", position="cv_vp", since=D(2020, 1, 1))
    assert "—" in _exemptions_table(login(users["leader"]).get(f"/bo-tri/nguoi/{mine.pk}/"))


def test_a_pending_decision_for_a_post_the_receiving_commune_lacks_is_returned_with_the_reason(users, login, commune, other_commune):
    """The merged commune had a job position of its own that the commune taking over does not have: the decision moved, stayed
    pending, and the daily job failed on it every day ("failed" in the job's result), with nothing on the page. A signed
    decision names its post, so nothing picks another post for it: it moves, is returned to the officers as needing a new
    decision (status and Vietnamese reason on the decisions page and in the API), no longer holds a vacancy, and the job
    leaves it alone."""
    from coso.rules.testing import set_rule

    set_rule("workforce.standards.job_position.cv_du_lich", {"name": "Công chức văn hóa - du lịch", "office": "phong_vhxh",
                                                               "degree_level": "dai_hoc", "degree_fields": ["van_hoa"]},
             valid_from=D(2025, 7, 1), province_code="79", commune_code=other_commune.code)
    a = person(other_commune, full_name="Nguyễn Văn An", position="cv_vp", since=D(2018, 1, 1))
    d = Decision.objects.create(province_code="79", commune_code=other_commune.code, person=a, position_code="cv_du_lich", number="7/QĐ-UBND",
                                decided_on=D(2026, 3, 1), effective_on=D(2026, 5, 1), created_by=users["province_home_affairs"])
    r = _merge(users, other_commune, commune)
    r.refresh_from_db()
    assert r.status == Reorganisation.Status.APPLIED, r.error
    d.refresh_from_db()
    assert (d.commune_code, d.status) == (commune.code, Decision.Status.RETURNED)
    assert "Công chức văn hóa - du lịch" in d.return_reason and "quyết định mới" in d.return_reason
    assert r.result["movers"]["assignments.pending_decisions"] == {commune.code: 1, f"returned:{commune.code}": 1}
    assert AuditLog.objects.filter(verb="assignments.decision_return", object_id=str(d.pk)).exists()
    with time_machine.travel(dt.datetime(2026, 5, 2, 9, 0), tick=False):
        assert services.apply_due(on=D(2026, 5, 2)) == {"applied": 0, "failed": 0}
        c = login(users["leader"])
        page = c.get("/bo-tri/quyet-dinh/").content.decode()
        row = page[page.index(f'data-decision="{d.pk}"'):]
        row = row[:row.index("</tr>")]
        assert "Trả lại, cần quyết định mới" in row and "Công chức văn hóa - du lịch" in row
        body = c.get(f"/api/v1/assignments/decisions/{d.pk}").json()
        assert body["status"] == "returned" and body["return_reason"] == d.return_reason


def test_the_reorganisation_page_names_the_returned_decisions_with_the_commune(users, login, commune, other_commune):
    """The page showed the merger's result as raw keys (``returned:26734 → 1``); a commune officer reads a labelled line
    with the commune's name. The API keeps the keys."""
    from coso.rules.testing import set_rule

    set_rule("workforce.standards.job_position.cv_du_lich", {"name": "Công chức văn hóa - du lịch", "office": "phong_vhxh",
                                                               "degree_level": "dai_hoc", "degree_fields": ["van_hoa"]},
             valid_from=D(2025, 7, 1), province_code="79", commune_code=other_commune.code)
    a = person(other_commune, full_name="Nguyễn Văn An", position="cv_vp", since=D(2018, 1, 1))
    Decision.objects.create(province_code="79", commune_code=other_commune.code, person=a, position_code="cv_du_lich", number="7/QĐ-UBND",
                            decided_on=D(2026, 3, 1), effective_on=D(2026, 5, 1), created_by=users["province_home_affairs"])
    r = _merge(users, other_commune, commune)
    c = login(users["province_admin"])
    page = c.get(f"/units/reorganisations/{r.pk}/").content.decode()
    result = page[page.index('data-testid="reorg-result"'):]
    result = result[:result.index("</ul>\n")]
    assert f"Quyết định trả lại, cần quyết định mới ({commune.name}): 1" in result
    assert f"Quyết định bổ nhiệm chưa đến ngày hiệu lực: {commune.name} → 1" in result
    assert "returned:" not in page
    body = c.get(f"/api/v1/units/reorganisations/{r.pk}").json()
    assert body["result"]["movers"]["assignments.pending_decisions"] == {commune.code: 1, f"returned:{commune.code}": 1}


def test_the_preview_warns_of_the_decisions_the_merger_then_returns(users, login, commune, other_commune):
    """The preview said nothing of the pending decisions the merger returns (a post the receiving commune's catalogue lacks).
    Now it warns, page and API, with the figure the merger's result then gives; a decision for a post the receiving commune
    has moves without a warning."""
    from coso.rules.testing import set_rule

    set_rule("workforce.standards.job_position.cv_du_lich", {"name": "Công chức văn hóa - du lịch", "office": "phong_vhxh",
                                                               "degree_level": "dai_hoc", "degree_fields": ["van_hoa"]},
             valid_from=D(2025, 7, 1), province_code="79", commune_code=other_commune.code)
    a = person(other_commune, full_name="Nguyễn Văn An", position="cv_vp", since=D(2018, 1, 1))
    b = person(other_commune, full_name="Trần Thị Bình", position="cv_vp", since=D(2018, 1, 1))
    for p, post, n in [(a, "cv_du_lich", 7), (b, "cv_du_lich", 8), (b, "pct_ubnd", 9)]:
        Decision.objects.create(province_code="79", commune_code=other_commune.code, person=p, position_code=post, number=f"{n}/QĐ-UBND",
                                decided_on=D(2026, 3, 1), effective_on=D(2026, 5, 1), created_by=users["province_home_affairs"])
    c = login(users["province_admin"])
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0), tick=False):
        res = c.post("/api/v1/units/reorganisations/preview", {
            "kind": "commune_merge", "decision_number": "15/NQ-HĐND", "decision_date": "2026-02-20", "effective_on": "2026-04-01",
            "title": "Sáp nhập", "spec": {"sources": [other_commune.code], "target": commune.code}}, content_type="application/json")
        page = c.post("/units/reorganisations/new/", {
            "kind": "commune_merge", "decision_number": "15/NQ-HĐND", "decision_date": "2026-02-20", "effective_on": "2026-04-01",
            "title": "Sáp nhập", "source_communes": [other_commune.code], "target": commune.code, "category": "other",
            "action": "preview"}).content.decode()
    assert res.status_code == 200, res.content
    [note] = res.json()["notes"]
    assert (note["mover"], note["key"], note["count"], note["name"]) == ("assignments.pending_decisions", f"returned:{commune.code}", 2, commune.name)
    notes = page[page.index('data-testid="reorg-notes"'):]
    assert f"Quyết định bổ nhiệm sẽ trả lại vì xã, phường tiếp nhận không có vị trí trong danh mục; cần quyết định mới ({commune.name}): 2" \
        in notes[:notes.index("</div>")]
    r = _merge(users, other_commune, commune)
    r.refresh_from_db()
    assert r.status == Reorganisation.Status.APPLIED, r.error
    assert r.result["movers"]["assignments.pending_decisions"] == {commune.code: 3, note["key"]: note["count"]}
    assert [n["count"] for n in r.preview["notes"]] == [2]
    assert Decision.objects.filter(status=Decision.Status.RETURNED).count() == 2

"""A commune merger moves the merged communes' organisations to the commune that takes over, except one it would then hold
twice (same kind and association), which stays with the old commune, inactive: its funds would be counted twice."""

from __future__ import annotations

import datetime as dt

import pytest

from coso.core.models import AuditLog
from coso.funding import services
from coso.funding.models import Organisation
from coso.funding.reorg import count, move
from coso.units import services as units
from coso.units.models import Reorganisation
from coso.units.reorg_spec import plan_for

pytestmark = pytest.mark.django_db
EFFECTIVE = dt.date(2026, 4, 1)


def test_two_merged_communes_with_the_same_association_give_the_successor_one_and_the_preview_says_so(users, province, commune, other_commune):
    """Two communes each with a Hội Khuyến học merged into one without it: both moved, and the successor had two, each
    funded; and the preview counted every organisation of the merged communes, duplicates included, as moving."""
    from conftest import _commune

    third = _commune(province, "26740", "Phường Đa Kao")
    services.organisations_ensure(actor=None, commune=commune)  # the standard five, no association
    services.organisations_ensure(actor=None, commune=other_commune, associations=["khuyen_hoc"])
    services.organisations_ensure(actor=None, commune=third, associations=["khuyen_hoc"])
    r = units.reorganisation_schedule(
        actor=users["province_admin"], province_code="79", kind=Reorganisation.Kind.COMMUNE_MERGE, decision_number="20/NQ-HĐND",
        decision_date=dt.date(2026, 2, 20), effective_on=EFFECTIVE, title="Sáp nhập",
        spec={"sources": [other_commune.code, third.code], "target": commune.code}, today=dt.date(2026, 3, 2))
    preview = {m["key"]: m["counts"] for m in r.preview["movers"]}
    assert preview["funding.lines"] == {commune.code: 1}  # one Hội Khuyến học moves
    notes = {n["key"]: n["count"] for n in r.preview["notes"] if n["mover"] == "funding.lines"}
    assert notes == {f"duplicates:{commune.code}": 11}  # 2 × the standard five, and the second Hội Khuyến học
    units.reorganisation_apply(reorganisation_id=r.pk, today=EFFECTIVE)
    r.refresh_from_db()
    assert r.status == Reorganisation.Status.APPLIED
    assert r.result["movers"]["funding.lines"] == {**preview["funding.lines"], **notes}  # preview and result agree
    active = Organisation.objects.filter(commune_code=commune.code, active=True)
    assert sorted(active.values_list("kind", "association_code")) == sorted(
        [("mttq", ""), ("doan", ""), ("phu_nu", ""), ("nong_dan", ""), ("ccb", ""), ("association", "khuyen_hoc")])
    assert not Organisation.objects.filter(commune_code__in=[other_commune.code, third.code], active=True).exists()
    assert AuditLog.objects.filter(verb="reorganisation_merge_duplicate").count() == 11
    # a second run moves nothing and stops nothing more
    plan = plan_for(r)
    assert count(plan) == {}
    assert not any(move(plan, actor=users["province_admin"]).values())
    assert AuditLog.objects.filter(verb="reorganisation_merge_duplicate").count() == 11

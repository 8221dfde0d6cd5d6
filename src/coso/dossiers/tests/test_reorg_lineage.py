"""Dossiers finished under a commune the province merged into another in the app (``coso.units`` reorganisation).

The open dossiers move to the commune that takes over; the finished ones stay under the old commune's code. The new
commune takes over the records of the communes merged into it (Law on Organisation of Local Government 2025), so its
staff read them (detail, forms, the register), read only, as the dossiers of the communes merged on 1/7/2025. Each
succession counts with its own date: a record of the old code counts when dated before it, so a code given again
later to another commune does not open that commune's dossiers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from coso.dossiers.tests.conftest import act, register_codes
from coso.units import services as units
from coso.units.models import AdministrativeUnit, Reorganisation, UnitSuccession

pytestmark = pytest.mark.django_db

TZ = dt.timezone(dt.timedelta(hours=7))
MERGER = dt.date(2026, 4, 1)
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


def at(y: int, m: int, d: int, h: int = 9) -> dt.datetime:
    return dt.datetime(y, m, d, h, 0, tzinfo=TZ)


def _reorganise(users: dict[str, Any], kind: str, spec: dict[str, Any], *, today: dt.date, effective_on: dt.date) -> Reorganisation:
    """What the province administrator does: schedule the decision, then the job applies it on its date."""
    r = units.reorganisation_schedule(actor=users["province_admin"], province_code="79", kind=kind, decision_number=f"{effective_on:%d%m}/NQ-HĐND",
                                      decision_date=today, effective_on=effective_on, title="Sắp xếp đơn vị hành chính cấp xã", spec=spec,
                                      today=today)
    units.reorganisation_apply(reorganisation_id=r.pk, today=effective_on)
    r.refresh_from_db()
    assert r.status == Reorganisation.Status.APPLIED, r.error
    return r


def _merge_other_into_commune(users: dict[str, Any], commune: Any, other_commune: Any) -> None:
    _reorganise(users, Reorganisation.Kind.COMMUNE_MERGE, {"sources": [other_commune.code], "target": commune.code},
                today=dt.date(2026, 3, 20), effective_on=MERGER)


@pytest.fixture
def third(province, make_user):  # type: ignore[no-untyped-def]
    """A third commune of the province, untouched by the merger, and its one-stop officer."""
    from coso.core.text import fold

    unit = AdministrativeUnit.objects.create(code="26740", name="Phường Bến Thành", name_folded=fold("Phường Bến Thành"), level="commune",
                                             kind="phuong", parent=province, province_code="79", population=50_000, agency_code="H79.26740")
    return make_user("third_onestop", "onestop_officer", unit)


@pytest.fixture
def finished(users, other_commune, receive, make_user):  # type: ignore[no-untyped-def]
    """A dossier received and returned by ``other_commune``'s staff in March 2026, before the merger."""
    specialist = make_user("other_specialist", "specialist", other_commune)
    with time_machine.travel(at(2026, 3, 2), tick=False):
        d = receive(actor=users["other_onestop"], commune=other_commune)
    with time_machine.travel(at(2026, 3, 4), tick=False):
        act(d, users["other_onestop"], "forward")
        act(d, specialist, "forward")
        act(d, users["other_leader"], "approve")
        act(d, users["other_onestop"], "result_ready")
        d = act(d, users["other_onestop"], "return_result")
    assert not d.is_open and d.commune_code == other_commune.code
    return d



def test_the_commune_that_took_over_reads_a_finished_dossier_of_the_merged_commune(users, commune, other_commune, foreign_commune, third,
                                                                                   finished, login, make_user):
    _merge_other_into_commune(users, commune, other_commune)
    finished.refresh_from_db()
    assert finished.commune_code == other_commune.code  # finished: it stays under the old commune's code
    c = login(users["onestop"])
    r = c.get(f"/api/v1/dossiers/{finished.pk}")
    assert r.status_code == 200 and r.json()["code"] == finished.code
    assert c.get(f"/api/v1/dossiers/{finished.pk}/forms").status_code == 200
    r = c.get(f"/dossiers/{finished.pk}/")
    assert r.status_code == 200 and finished.code in r.content.decode()
    html, cells = register_codes(c, MARCH)
    assert finished.code in html and finished.code in cells
    assert c.get("/api/v1/dossiers/stats", MARCH).json()["total"]["received"] == 1  # the commune's statistics count it
    # read only: acting on it stays with the commune whose code it carries
    r = c.post(f"/api/v1/dossiers/{finished.pk}/actions/apology", {"version": finished.version, "reason": "Xin lỗi công dân vì chậm trả kết quả"},
               content_type="application/json")
    assert r.status_code == 404, r.content
    r = c.post(f"/api/v1/dossiers/{finished.pk}/rating", {"level": "satisfied"}, content_type="application/json")
    assert r.status_code == 404, r.content
    # another commune, of the province or of another one, still gets 404
    for user in (third, make_user("foreign_onestop", "onestop_officer", foreign_commune)):
        c = login(user)
        assert c.get(f"/api/v1/dossiers/{finished.pk}").status_code == 404
        assert c.get(f"/api/v1/dossiers/{finished.pk}/forms").status_code == 404
        assert c.get(f"/dossiers/{finished.pk}/").status_code == 404
        html, cells = register_codes(c, MARCH)
        assert finished.code not in html and finished.code not in cells
        assert c.get("/api/v1/dossiers/stats", MARCH).json()["total"]["received"] == 0


def test_a_code_given_again_later_opens_only_the_dossiers_dated_before_the_merger(users, commune, other_commune, finished, login,
                                                                                    make_user, receive):
    """After the merger a split of the commune that took over gives the merged commune's code to a new commune: its
    dossiers carry the same code but are dated after the merger, and are not the old commune's records."""
    _merge_other_into_commune(users, commune, other_commune)
    spec = {"source": commune.code, "primary": commune.code, "villages": {},
            "targets": [{"code": commune.code, "name": commune.name, "kind": "phuong", "population": 40000, "area_km2": "6"},
                        {"code": other_commune.code, "name": "Phường Tân Định Mới", "kind": "phuong", "population": 30000, "area_km2": "4"}]}
    _reorganise(users, Reorganisation.Kind.COMMUNE_SPLIT, spec, today=dt.date(2026, 4, 20), effective_on=dt.date(2026, 6, 1))
    reborn = AdministrativeUnit.objects.get(code=other_commune.code)
    assert reborn.valid_from == dt.date(2026, 6, 1)
    with time_machine.travel(at(2026, 7, 1), tick=False):
        later = receive(actor=make_user("reborn_onestop", "onestop_officer", reborn), commune=reborn)
    assert later.commune_code == finished.commune_code
    c = login(users["onestop"])
    assert c.get(f"/api/v1/dossiers/{finished.pk}").status_code == 200
    assert c.get(f"/api/v1/dossiers/{later.pk}").status_code == 404
    assert c.get(f"/dossiers/{later.pk}/").status_code == 404
    html, cells = register_codes(c, {"start": "2026-03-01", "end": "2026-07-31"})
    assert finished.code in cells and later.code not in cells and later.code not in html


def test_a_2025_predecessors_dossier_follows_its_commune_into_the_merger(users, commune, other_commune, third, receive, login):
    """An old commune merged into ``other_commune`` on 1/7/2025; ``other_commune`` is merged into ``commune`` in 2026: the
    old commune's dossiers from before 1/7/2025 are read by ``commune``'s staff and the province's, no longer by a
    commune that did not take them over."""
    old = AdministrativeUnit.all_objects.create(code="27700", name="Xã cũ", level="commune", kind="xa", province_code="80", valid_from=None,
                                                valid_to=dt.date(2025, 7, 1))
    UnitSuccession.objects.create(predecessor=old, successor=other_commune, kind="merge", effective_on=dt.date(2025, 7, 1), is_primary=True)
    from coso.dossiers.models import Dossier

    with time_machine.travel(at(2026, 3, 2), tick=False):
        d = receive(actor=users["other_onestop"], commune=other_commune)
    Dossier.objects.filter(pk=d.pk).update(commune_code=old.code, province_code="80", submitted_at=at(2025, 6, 2), received_at=at(2025, 6, 2))
    assert login(users["other_onestop"]).get(f"/api/v1/dossiers/{d.pk}").status_code == 200  # 1/7/2025 lineage
    _merge_other_into_commune(users, commune, other_commune)
    for who in ("onestop", "leader", "province_home_affairs"):
        r = login(users[who]).get(f"/api/v1/dossiers/{d.pk}")
        assert r.status_code == 200 and r.json()["code"] == d.code, who
    assert login(third).get(f"/api/v1/dossiers/{d.pk}").status_code == 404


def test_a_2025_commune_that_had_the_merged_communes_code_keeps_its_dossiers(users, commune, other_commune, third, receive, login):
    """``other_commune``'s code was an old commune's before 1/7/2025, one merged into the third commune then: its dossiers
    from before 1/7/2025 carry that code but are the third commune's records, not ``other_commune``'s, and the commune
    that takes over ``other_commune`` in 2026 does not read them."""
    old = AdministrativeUnit.all_objects.create(code=other_commune.code, name="Phường Đa Kao", level="commune", kind="phuong", province_code="79",
                                                valid_from=None, valid_to=dt.date(2025, 7, 1))
    UnitSuccession.objects.create(predecessor=old, successor=third.unit, kind="merge", effective_on=dt.date(2025, 7, 1), is_primary=True)
    from coso.dossiers.models import Dossier

    with time_machine.travel(at(2026, 3, 2), tick=False):
        d = receive(actor=users["other_onestop"], commune=other_commune)
    Dossier.objects.filter(pk=d.pk).update(submitted_at=at(2025, 6, 2), received_at=at(2025, 6, 2), finished_at=at(2025, 6, 4), is_open=False,
                                           status="returned")
    _merge_other_into_commune(users, commune, other_commune)
    assert login(third).get(f"/api/v1/dossiers/{d.pk}").status_code == 200  # 1/7/2025 lineage
    for who in ("onestop", "leader"):
        assert login(users[who]).get(f"/api/v1/dossiers/{d.pk}").status_code == 404, who

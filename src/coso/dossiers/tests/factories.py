"""Dossier factory with workflow traits, built on the real services (no state is written behind the services' back).

    DossierFactory(onestop=users["onestop"], commune=commune)                    # received at the counter today
    DossierFactory(..., supplemented=True)                                        # a supplement requested and received
    DossierFactory(..., returned=True)                                            # processed, approved and returned on time
    DossierFactory(..., returned=True, late=True)                                 # returned after the appointment

Staff come from ``staff={"onestop": ..., "specialist": ..., "leader": ...}`` (the conftest ``users`` dict works as is).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

import factory
import time_machine


def _act(dossier: Any, user: Any, action: str, **kw: Any) -> Any:
    from coso.dossiers import services

    dossier.refresh_from_db()
    return services.perform(actor=user, dossier_id=dossier.pk, action=action, expected_version=dossier.version, **kw)


def _staff_of_a_commune() -> dict[str, Any]:
    """Without ``staff``: the one-stop officer, specialist and leader of the first commune that has all three (the
    all-routes scoping test creates one object of each factory without arguments)."""
    from coso.accounts.models import User
    from coso.accounts.roles import Role

    roles = {"onestop": Role.ONESTOP_OFFICER, "specialist": Role.SPECIALIST, "leader": Role.COMMUNE_LEADER}
    for commune_code in User.objects.filter(role=Role.ONESTOP_OFFICER).exclude(commune_code="").order_by("id").values_list("commune_code", flat=True):
        found = {k: User.objects.filter(role=r, commune_code=commune_code, is_active=True).order_by("id").first() for k, r in roles.items()}
        if all(found.values()):
            return found
    raise LookupError("no commune with a one-stop officer, a specialist and a leader")


def _factory_procedure() -> Any:
    """Without ``procedure_version``: a birth registration of three working days with its four steps (made once)."""
    from coso.procedures.models import ProcedureVersion

    from .conftest import make_procedure

    existing = ProcedureVersion.objects.filter(procedure__code="F.000001").first()
    return existing or make_procedure(code="F.000001")


class DossierFactory(factory.Factory):
    class Meta:
        model = dict  # built through services.receive_at_counter in _create

    staff: Any = None
    commune: Any = None
    procedure_version: Any = None
    applicant_name = "Nguyễn Văn Đức"
    applicant_phone = "0909123456"
    documents = factory.LazyFunction(lambda: ["Tờ khai đăng ký khai sinh"])
    received_at = factory.LazyFunction(lambda: timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0)))
    supplement = False
    finish = False
    overrun_days = 0

    class Params:
        supplemented = factory.Trait(supplement=True)
        returned = factory.Trait(finish=True)
        late = factory.Trait(finish=True, overrun_days=3)

    @classmethod
    def _create(cls, model_class: Any, **kw: Any) -> Any:
        from coso.dossiers import services

        staff = kw["staff"] or _staff_of_a_commune()
        kw["procedure_version"] = kw["procedure_version"] or _factory_procedure()
        with time_machine.travel(kw["received_at"], tick=False):
            d = services.receive_at_counter(
                actor=staff["onestop"], commune=kw["commune"] or staff["onestop"].unit, procedure_version=kw["procedure_version"],
                applicant=services.Applicant(name=kw["applicant_name"], phone=kw["applicant_phone"]), documents=kw["documents"],
            )
        moment = kw["received_at"]
        if kw["supplement"]:
            moment += dt.timedelta(hours=1)
            with time_machine.travel(moment, tick=False):
                d = _act(d, staff["onestop"], "request_supplement", reason="Thiếu bản sao giấy chứng sinh", data={"documents": ["Giấy chứng sinh"]})
            moment += dt.timedelta(days=1)
            with time_machine.travel(moment, tick=False):
                d = _act(d, staff["onestop"], "receive_supplement")
        if kw["finish"]:
            d.refresh_from_db()
            end_day = d.due_date + dt.timedelta(days=kw["overrun_days"]) if kw["overrun_days"] else d.start_date
            end = timezone.make_aware(dt.datetime.combine(end_day, dt.time(10, 0)))
            with time_machine.travel(max(end, moment + dt.timedelta(minutes=5)), tick=False):
                d = _act(d, staff["onestop"], "forward")
                d = _act(d, staff["specialist"], "forward")
                d = _act(d, staff["leader"], "approve")
                d = _act(d, staff["onestop"], "result_ready")
                d = _act(d, staff["onestop"], "return_result")
        d.refresh_from_db()
        return d

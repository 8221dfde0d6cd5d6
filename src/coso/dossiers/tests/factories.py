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

        staff = kw["staff"]
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

"""Test factories of the jobs app (the all-routes scoping test creates one of each)."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from coso.jobs.models import ExportJob


def _commune_officer():  # type: ignore[no-untyped-def]
    from coso.accounts.models import User
    from coso.accounts.roles import Role

    return User.objects.filter(role=Role.ONESTOP_OFFICER).exclude(commune_code="").order_by("id").first()


class ExportJobFactory(DjangoModelFactory):
    """A finished Mẫu 06 export of a commune officer (the file itself is not needed to prove scoping)."""

    class Meta:
        model = ExportJob

    kind = "dossiers.register"
    title = "Sổ theo dõi hồ sơ của xã – bản riêng"
    params = factory.LazyFunction(lambda: {"format": "xlsx", "start": "2026-01-01", "end": "2026-01-31"})
    requested_by = factory.LazyFunction(_commune_officer)
    status = ExportJob.Status.DONE
    progress = 100
    filename = "mau06-rieng-20260101-20260131.xlsx"
    province_code = factory.LazyAttribute(lambda o: o.requested_by.province_code)
    commune_code = factory.LazyAttribute(lambda o: o.requested_by.commune_code)

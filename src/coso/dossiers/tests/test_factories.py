from __future__ import annotations

import pytest

from coso.dossiers.constants import Status, Timeliness
from coso.dossiers.tests.factories import DossierFactory

pytestmark = pytest.mark.django_db


def test_traits_build_real_workflows(users, commune, version):
    base = {"staff": users, "commune": commune, "procedure_version": version}
    fresh = DossierFactory(**base)
    assert fresh.status == Status.RECEIVED and fresh.events.count() == 1
    returned = DossierFactory(**base, returned=True)
    assert returned.status == Status.RETURNED and returned.timeliness in (Timeliness.EARLY, Timeliness.ON_TIME)
    late = DossierFactory(**base, late=True)
    assert late.status == Status.RETURNED and late.timeliness == Timeliness.LATE
    supplemented = DossierFactory(**base, supplemented=True, returned=True)
    assert supplemented.supplement_count == 1 and supplemented.status == Status.RETURNED
    assert {e.action for e in supplemented.events.all()} >= {"request_supplement", "receive_supplement", "return_result"}

"""Dossier approval under a leader's delegation (coso.accounts.services.delegation_active)."""

import datetime as dt

from django.utils import timezone

import pytest
import time_machine

from coso.accounts import services as accounts
from coso.accounts.roles import Role
from coso.core.exceptions import PermissionDeniedError
from coso.core.models import AuditLog
from coso.dossiers.models import DossierEvent
from coso.dossiers.tests.conftest import act, make_procedure

pytestmark = pytest.mark.django_db
MON = dt.date(2026, 12, 7)


@pytest.fixture
def travel():  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 12, 7, 9, 0, tzinfo=timezone.get_current_timezone()), tick=False) as t:
        yield t


def _to_approval(receive, users, **kw):  # type: ignore[no-untyped-def]
    d = receive(**kw)
    act(d, users["onestop"], "forward")
    act(d, users["specialist"], "forward")
    d.refresh_from_db()
    return d


def test_authorised_officer_approves_listed_procedure_only_inside_the_range(users, receive, travel, tmp_path):
    other_version = make_procedure("1.000002", "Chứng thực bản sao")
    accounts.delegation_create(actor=users["leader"], delegate=users["specialist"], kind="tuq", actions=["dossier_approve"],
                               procedure_codes=["1.001193"], starts_on=MON, ends_on=MON + dt.timedelta(days=2),
                               delegate_title="Chánh Văn phòng", decision_number="5/GUQ-UBND")
    d = _to_approval(receive, users)
    other = _to_approval(receive, users, procedure_version=other_version)
    late = _to_approval(receive, users)
    with pytest.raises(PermissionDeniedError):
        act(other, users["specialist"], "approve")  # not a listed procedure
    from coso.dossiers.services import allowed_actions

    assert "approve" in allowed_actions(d, users["specialist"]) and "approve" not in allowed_actions(other, users["specialist"])
    d = act(d, users["specialist"], "approve")
    assert d.status == "approved"
    ev = DossierEvent.objects.filter(dossier=d, action="approve").get()
    assert ev.actor_name == "specialist (TUQ. Chủ tịch leader)"
    assert ev.data["delegation"]["signing_block"] == ["TUQ. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"]
    log = AuditLog.objects.get(verb="dossier-approve", object_id=str(d.pk))
    assert log.actor == users["specialist"] and log.actor_name == "specialist (TUQ. Chủ tịch leader)"
    # The control form (Mẫu số 05) shows both names.
    from coso.dossiers.documents import control_pdf
    from coso.dossiers.tests.pdftext import extract_text

    text = " ".join(extract_text(control_pdf(d)).split())
    assert "TUQ. Chủ tịch leader" in text
    travel.shift(dt.timedelta(days=3))
    with pytest.raises(PermissionDeniedError):
        act(late, users["specialist"], "approve")  # the range is over


def test_deputy_signs_for_the_chair_and_the_log_says_so(users, receive, travel, make_user, commune):
    deputy = make_user("deputy", Role.COMMUNE_LEADER, commune, full_name="Trịnh Văn Phúc")
    plain = _to_approval(receive, users)
    act(plain, deputy, "approve")  # a leader may approve without a delegation: nothing is added
    assert DossierEvent.objects.get(dossier=plain, action="approve").actor_name == "Trịnh Văn Phúc"
    accounts.delegation_create(actor=users["leader"], delegate=deputy, kind="kt", actions=["dossier_approve"], starts_on=MON,
                               ends_on=MON + dt.timedelta(days=6))
    d = act(_to_approval(receive, users), deputy, "approve")
    ev = DossierEvent.objects.get(dossier=d, action="approve")
    assert ev.actor_name == "Trịnh Văn Phúc (KT. Chủ tịch leader)"
    assert ev.data["delegation"]["signing_block"] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]

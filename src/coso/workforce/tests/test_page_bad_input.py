"""Pages of the workforce app on bad input: a clear error, never a 500, and nothing written."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client

import pytest

from coso.core.models import AuditLog
from coso.workforce import services
from coso.workforce.models import Evaluation

from .helpers import person

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    from conftest import verify_session

    c = Client(raise_request_exception=False)
    c.force_login(user)
    verify_session(c, user)
    return c


@pytest.fixture
def assessed(users, commune):  # type: ignore[no-untyped-def]
    """An evaluation the leader has assessed: the next step is the approval."""
    p = person(commune)
    ev = services.evaluation_open(actor=users["home_affairs"], person=p, year=2026)
    ev.refresh_from_db()
    ev = services.self_assess(actor=users["home_affairs"], evaluation=ev, version=ev.version, general_score=Decimal(20))
    return services.leader_assess(actor=users["leader"], evaluation=ev, version=ev.version, general_score=Decimal(20))


@pytest.mark.parametrize("version", ["abc", "   ", "1e309", "NaN", "1.5", "x" * 10000])
def test_approve_with_a_version_that_is_not_a_number_is_a_conflict_not_a_500(users, assessed, version):
    approvals = AuditLog.objects.filter(verb="approve")
    r = _client(users["leader"]).post(f"/workforce/danh-gia/{assessed.pk}/", {"action": "approve", "version": version})
    assert r.status_code == 409
    assert "Phiếu đánh giá đã được người khác cập nhật" in r.content.decode()
    assessed.refresh_from_db()
    assert assessed.status == Evaluation.Status.LEADER_ASSESSED and not approvals.exists()


def test_approve_with_the_current_version_still_approves(users, assessed):
    r = _client(users["leader"]).post(f"/workforce/danh-gia/{assessed.pk}/", {"action": "approve", "version": str(assessed.version)})
    assert r.status_code == 302
    assessed.refresh_from_db()
    assert assessed.status == Evaluation.Status.APPROVED


@pytest.mark.parametrize("role", ["home_affairs", "leader", "specialist", "citizen", "other_leader"])
def test_evaluations_of_a_commune_outside_the_users_unit_are_404(users, commune, other_commune, role):
    """?commune= of another unit printed that commune's approved evaluation levels (the agency quota line)."""
    target = other_commune if role != "other_leader" else commune
    p = person(target, full_name="Lê Văn Cường")
    Evaluation.objects.create(person=p, year=2026, level="tot", status="approved", province_code=p.province_code, commune_code=p.commune_code)
    c = _client(users[role])
    r = c.get(f"/workforce/danh-gia/?year=2026&commune={target.code}")
    assert r.status_code == 404 and 'id="agency-quota"' not in r.content.decode()
    assert c.post(f"/workforce/danh-gia/?year=2026&commune={target.code}", {"ids": "999999", "year": "2026", "commune": target.code}).status_code == 404


def test_evaluations_of_the_users_own_commune_and_of_the_province_still_open(users, commune, other_commune):
    p = person(other_commune, full_name="Lê Văn Cường")
    Evaluation.objects.create(person=p, year=2026, level="tot", status="approved", province_code=p.province_code, commune_code=p.commune_code)
    r = _client(users["province_home_affairs"]).get(f"/workforce/danh-gia/?year=2026&commune={other_commune.code}")
    assert r.status_code == 200 and 'id="agency-quota"' in r.content.decode()
    assert _client(users["home_affairs"]).get(f"/workforce/danh-gia/?year=2026&commune={commune.code}").status_code == 200
    assert _client(users["home_affairs"]).get("/workforce/danh-gia/?year=2026").status_code == 200
    assert _client(users["specialist"]).get(f"/workforce/danh-gia/?year=2026&commune={commune.code}").status_code == 200

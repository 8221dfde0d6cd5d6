"""Evaluation approval under a commune leader's delegation (coso.accounts.services.delegation_active)."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

import pytest
import time_machine

from coso.accounts import services as accounts
from coso.core.exceptions import PermissionDeniedError
from coso.core.models import AuditLog
from coso.workforce import services

from .helpers import person

pytestmark = pytest.mark.django_db


def _assessed(users, commune, name):  # type: ignore[no-untyped-def]
    ev = services.evaluation_open(actor=users["home_affairs"], person=person(commune, full_name=name), year=2026)
    ev = services.self_assess(actor=users["home_affairs"], evaluation=ev, version=ev.version, general_score=Decimal(20))
    return services.leader_assess(actor=users["leader"], evaluation=ev, version=ev.version, general_score=Decimal(20))


def test_home_affairs_officer_approves_only_while_delegated(users, commune):
    with time_machine.travel(dt.datetime(2026, 12, 7, 9, 0, tzinfo=timezone.get_current_timezone()), tick=False) as travel:
        first, second = _assessed(users, commune, "Một"), _assessed(users, commune, "Hai")
        officer = users["home_affairs"]
        with pytest.raises(PermissionDeniedError):
            services.approve(actor=officer, evaluations=[first])
        accounts.delegation_create(actor=users["leader"], delegate=officer, kind="tuq", actions=["evaluation_approve"],
                                   starts_on=dt.date(2026, 12, 7), ends_on=dt.date(2026, 12, 8), delegate_title="Công chức Văn phòng",
                                   decision_number="7/GUQ-UBND")
        services.approve(actor=officer, evaluations=[first])
        first.refresh_from_db()
        assert first.status == "approved" and first.steps.get(step="approved").comment == "TUQ. Chủ tịch leader"
        log = AuditLog.objects.get(object_type="workforce.Evaluation", object_id=str(first.pk), verb="approve")
        assert log.actor_name == "home_affairs (TUQ. Chủ tịch leader)"
        travel.shift(dt.timedelta(days=2))
        second.refresh_from_db()
        with pytest.raises(PermissionDeniedError):
            services.approve(actor=officer, evaluations=[second])

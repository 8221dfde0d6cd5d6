"""Every evaluation service checks the actor's unit itself, not only the page or API that fetched the evaluation first:
another commune's (or another province's) evaluation is not found, nothing changes and nothing is audited."""

from decimal import Decimal

import pytest

from coso.accounts.roles import Role
from coso.core.exceptions import NotFoundError
from coso.core.models import AuditLog
from coso.workforce import services
from coso.workforce.models import Evaluation, EvaluationStep, WorkItem

from .helpers import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def outsiders(users, make_user, other_commune, foreign_commune, other_province):  # type: ignore[no-untyped-def]
    return [
        users["other_leader"],
        make_user("other_home_affairs", Role.COMMUNE_HOME_AFFAIRS, other_commune),
        make_user("foreign_leader", Role.COMMUNE_LEADER, foreign_commune),
        make_user("foreign_home_affairs", Role.COMMUNE_HOME_AFFAIRS, foreign_commune),
        make_user("foreign_province_home_affairs", Role.PROVINCE_HOME_AFFAIRS, other_province),
    ]


def _state(ev: Evaluation) -> tuple:
    ev.refresh_from_db()
    return (ev.status, ev.version, ev.province_code, ev.commune_code, AuditLog.objects.count(), WorkItem.objects.count(),
            EvaluationStep.objects.count(), Evaluation.objects.count())


def test_an_evaluation_of_another_commune_or_province_is_not_found_by_any_service(users, commune, outsiders):
    p = person(commune, full_name="Phạm Thị Phạm Vi")
    draft = services.evaluation_open(actor=users["home_affairs"], person=p, year=2026)
    assessed_p = person(commune, full_name="Võ Văn Đã Đánh Giá")
    assessed = services.evaluation_open(actor=users["home_affairs"], person=assessed_p, year=2026)
    assessed = services.self_assess(actor=users["home_affairs"], evaluation=assessed, version=assessed.version, general_score=Decimal(20))
    assessed = services.leader_assess(actor=users["leader"], evaluation=assessed, version=assessed.version, general_score=Decimal(20))
    other = person(commune, full_name="Chưa Mở Phiếu")
    for actor in outsiders:
        before = (_state(draft), _state(assessed))
        calls = [
            lambda: services.evaluation_open(actor=actor, person=other, year=2026),  # noqa: B023
            lambda: services.work_item_add(actor=actor, evaluation=draft, title="Việc", points=3, month=1),  # noqa: B023
            lambda: services.self_assess(actor=actor, evaluation=draft, version=draft.version, general_score=Decimal(20)),  # noqa: B023
            lambda: services.leader_assess(actor=actor, evaluation=assessed, version=assessed.version, general_score=Decimal(25)),  # noqa: B023
            lambda: services.leader_assess(actor=actor, evaluation=assessed, version=999, general_score=Decimal(25)),  # noqa: B023
            lambda: services.approve(actor=actor, evaluations=[assessed]),  # noqa: B023
            lambda: services.import_dossier_items(actor=actor, evaluation=draft),  # noqa: B023
        ]
        for call in calls:
            with pytest.raises(NotFoundError):
                call()
        assert (_state(draft), _state(assessed)) == before, actor.username
        assert not Evaluation.objects.filter(person=other).exists()


def test_own_commune_and_own_province_still_act(users, commune):
    p = person(commune, full_name="Đặng Văn Trong Xã")
    ev = services.evaluation_open(actor=users["leader"], person=p, year=2026)
    services.work_item_add(actor=users["home_affairs"], evaluation=ev, title="Việc", points=4, month=2)
    ev.refresh_from_db()
    ev = services.self_assess(actor=users["province_home_affairs"], evaluation=ev, version=ev.version, general_score=Decimal(10))
    ev = services.leader_assess(actor=users["province_home_affairs"], evaluation=ev, version=ev.version, general_score=Decimal(10))
    approved = services.approve(actor=users["province_home_affairs"], evaluations=[ev])
    assert approved[0].status == Evaluation.Status.APPROVED


def test_a_person_without_register_access_acts_only_on_their_own_evaluation(users, commune):
    mine = person(commune, full_name="Lý Thị Một Cửa", user=users["onestop"])
    ev = services.evaluation_open(actor=users["home_affairs"], person=mine, year=2026)
    ev = services.self_assess(actor=users["onestop"], evaluation=ev, version=ev.version, general_score=Decimal(20))
    assert ev.status == Evaluation.Status.SELF_ASSESSED
    colleague = services.evaluation_open(actor=users["home_affairs"], person=person(commune, full_name="Đồng Nghiệp"), year=2026)
    before = _state(colleague)
    with pytest.raises(NotFoundError):
        services.work_item_add(actor=users["onestop"], evaluation=colleague, title="Việc", points=1, month=1)
    assert _state(colleague) == before

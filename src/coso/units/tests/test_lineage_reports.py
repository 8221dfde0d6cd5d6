"""Reports that cross 1/7/2025 count old communes' records under the current commune."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import Count

import pytest

from coso.units import lineage
from coso.units.tests.helpers import load_lineage

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
BEFORE = dt.datetime(2025, 3, 3, 9, 0, tzinfo=VN)
AFTER = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN)
# Ho Chi Minh City: Phường Đa Kao (old code 26737) was divided; Phường Sài Gòn (current 26740) is its
# primary successor, the rest went to Phường Tân Định, whose current code is also 26737.
DA_KAO, SAI_GON, TAN_DINH = "26737", "26740", "26737"


@pytest.fixture
def submit(commune):  # type: ignore[no-untyped-def]
    from coso.feedback.models import FeedbackCategory
    from coso.feedback.services import feedback_submit, load_defaults

    load_defaults()
    category = FeedbackCategory.objects.get(code="MT")

    def do():  # type: ignore[no-untyped-def]
        return feedback_submit(actor=None, category=category, commune=commune, text="Rác thải ùn ứ nhiều ngày ở đầu hẻm, bốc mùi hôi.",
                               title="Rác ùn ứ đầu hẻm", contact_name="Nguyễn Văn An", contact_phone="0909123456")

    return do


@pytest.fixture
def hcmc(users):  # type: ignore[no-untyped-def]
    load_lineage("79")
    assert lineage.successor_codes(DA_KAO) == [SAI_GON, TAN_DINH]


def _feedback(submit, code: str, at: dt.datetime):  # type: ignore[no-untyped-def]
    from coso.feedback.models import Feedback

    fb = submit()
    Feedback.objects.filter(pk=fb.pk).update(commune_code=code, submitted_at=at)
    return fb


def test_current_code_expression_keeps_codes_of_records_after_the_reorganisation(hcmc):
    from coso.core.models import AuditLog

    for code in (DA_KAO, SAI_GON, "99999"):
        AuditLog.objects.create(action="create", verb="lineage-test", object_type="x", commune_code=code)  # dated now
    rows = dict(
        AuditLog.objects.filter(verb="lineage-test").annotate(unit=lineage.current_code_expression("commune_code", "at"))
        .values("unit").annotate(n=Count("id")).values_list("unit", "n")
    )
    assert rows == {TAN_DINH: 1, SAI_GON: 1, "99999": 1}


def test_feedback_commune_stats_count_old_communes_under_the_new_one(hcmc, submit, users):
    from coso.feedback import selectors

    _feedback(submit, DA_KAO, BEFORE)  # old Phường Đa Kao, before the reorganisation → Sài Gòn
    _feedback(submit, SAI_GON, AFTER)
    _feedback(submit, TAN_DINH, AFTER)  # current Phường Tân Định (same code as old Đa Kao) → stays
    rows = {r["commune_code"]: r for r in selectors.commune_stats(province_code="79")}
    assert rows[SAI_GON]["total"] == 2 and rows[SAI_GON]["commune_name"] == "Phường Sài Gòn"
    assert rows[TAN_DINH]["total"] == 1 and rows[TAN_DINH]["commune_name"] == "Phường Tân Định"


def test_dossier_stats_by_commune_count_old_communes_under_the_new_one(hcmc, users, commune):
    from coso.dossiers import selectors, services
    from coso.dossiers.models import Dossier
    from coso.dossiers.tests.conftest import make_procedure

    version = make_procedure()
    applicant = services.Applicant(name="Nguyễn Văn Đức", phone="0909123456", email="", citizen_id="079090001234")
    made = []
    for _ in range(3):
        made.append(services.receive_at_counter(actor=users["onestop"], commune=commune, applicant=applicant, procedure_version=version,
                                                documents=["Tờ khai đăng ký khai sinh"]))
    for d, (code, at) in zip(made, [(DA_KAO, BEFORE), (SAI_GON, AFTER), (TAN_DINH, AFTER)], strict=True):
        Dossier.objects.filter(pk=d.pk).update(commune_code=code, submitted_at=at, received_at=at)
    data = selectors.stats(fetched_by=users["province_home_affairs"], start=dt.date(2025, 1, 1), end=dt.date(2026, 12, 31), group_by="commune")
    received = {r["commune_code"]: r["received"] for r in data["rows"]}
    assert received == {SAI_GON: 2, TAN_DINH: 1}
    assert data["total"]["received"] == 3


def test_commune_with_predecessors_q(hcmc, submit, users):
    from coso.feedback.models import Feedback

    a = _feedback(submit, DA_KAO, BEFORE)
    b = _feedback(submit, SAI_GON, AFTER)
    c = _feedback(submit, TAN_DINH, AFTER)
    mine = set(Feedback.objects.filter(lineage.commune_with_predecessors_q(SAI_GON)).values_list("pk", flat=True))
    assert {a.pk, b.pk} <= mine and c.pk not in mine
    tan_dinh = set(Feedback.objects.filter(lineage.commune_with_predecessors_q(TAN_DINH)).values_list("pk", flat=True))
    assert c.pk in tan_dinh and a.pk not in tan_dinh  # Đa Kao's old records count under its primary successor only


def test_regroup_counts():
    load_lineage("79")
    assert lineage.regroup_counts({DA_KAO: 2, SAI_GON: 1, "99999": 4}, before_reorganisation=True) == {SAI_GON: 3, "99999": 4}
    assert lineage.regroup_counts({DA_KAO: 2}, before_reorganisation=False) == {DA_KAO: 2}

"""The demo builder: deterministic, consistent with the state machine, counters continue after it."""

from __future__ import annotations

from django.db.models import Count

import pytest

from coso.core.demo import DemoContext
from coso.dossiers import demo, services
from coso.dossiers.constants import Status
from coso.dossiers.models import Dossier, DossierCounter, DossierRating
from coso.dossiers.tests.conftest import make_procedure

pytestmark = pytest.mark.django_db


def test_demo_builds_consistent_data(province, commune, other_commune, users):
    make_procedure()
    make_procedure("1.000656", "Đăng ký kết hôn", time_limit="5")
    make_procedure("2.000815", "Chứng thực bản sao từ bản chính", time_limit="0", time_unit="same_day")
    ctx = DemoContext(province=province, communes=[commune, other_commune], users={"motcua": users["onestop"], "chuyenvien": users["specialist"], "lanhdao": users["leader"]})
    demo.build(ctx)
    n = Dossier.objects.count()
    assert n > 2000
    by_status = dict(Dossier.objects.values_list("status").annotate(c=Count("id")))
    for s in (Status.RETURNED, Status.REFUSED, Status.PROCESSING, Status.SUPPLEMENT_REQUESTED):
        assert by_status.get(s, 0) > 0, s
    assert Dossier.objects.filter(supplement_count__gt=1, timeliness="late").exists()
    assert Dossier.objects.filter(timeliness="late").exists() and Dossier.objects.filter(apology_due_date__isnull=False).exists()
    assert DossierRating.objects.exists()
    assert not Dossier.objects.filter(is_open=False, finished_at__isnull=True).exists()
    assert Dossier.objects.values("code").distinct().count() == n
    # a new intake today continues the day's sequence
    last = DossierCounter.objects.order_by("-day").first()
    d = services.receive_at_counter(actor=users["onestop"], commune=commune, applicant=services.Applicant(name="Lê Văn An", phone="0909000111"),
                                    procedure=Dossier.objects.first().procedure_version.procedure, documents=["Tờ khai đăng ký khai sinh"])
    assert d.code not in set(Dossier.objects.exclude(pk=d.pk).values_list("code", flat=True))
    assert last is not None


def test_demo_files_dossiers_under_the_procedures_offered_today(province, commune, other_commune, users):
    """A procedure ended from a later day is still offered until the day before (``procedures.selectors.offered``): the demo
    files dossiers under it as the counter would; one ended already gets none."""
    import datetime as dt

    from django.utils import timezone

    from coso.procedures.models import Procedure

    make_procedure()
    leaving = make_procedure("1.000656", "Đăng ký kết hôn", time_limit="5").procedure
    gone = make_procedure("2.000815", "Chứng thực bản sao từ bản chính", time_limit="0", time_unit="same_day").procedure
    today = timezone.localdate()
    Procedure.objects.filter(pk=leaving.pk).update(is_active=False, ends_on=today + dt.timedelta(days=30))
    Procedure.objects.filter(pk=gone.pk).update(is_active=False, ends_on=today)
    demo.build(DemoContext(province=province, communes=[commune, other_commune], users={"motcua": users["onestop"]}))
    filed = set(Dossier.objects.values_list("procedure_version__procedure__code", flat=True).distinct())
    assert filed == {"1.001193", "1.000656"}

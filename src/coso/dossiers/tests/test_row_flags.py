"""The flags a dossier keeps of its rows (input files, result file, rating level) follow every write of those rows:
the services' (intake, return with a result file, rating), the ORM's (save, delete, bulk create, bulk update, bulk
delete), and a later ``save()`` of the dossier does not undo them."""

from __future__ import annotations

import pytest
import time_machine

from coso.dossiers import services
from coso.dossiers.models import ROW_FLAGS, Dossier, DossierAttachment, DossierRating
from coso.dossiers.tests.conftest import act, pdf_upload
from coso.dossiers.tests.test_workflow import at, run_to_approved

pytestmark = pytest.mark.django_db


def flags(d: Dossier) -> tuple:
    return tuple(Dossier.objects.filter(pk=d.pk).values_list(*ROW_FLAGS).get())


def test_services_set_the_flags_and_a_later_save_keeps_them(receive, users):
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        d = receive(files=[("Tờ khai", pdf_upload())])
        plain = receive()
    assert flags(d) == (True, False, "") and flags(plain) == (False, False, "")
    with time_machine.travel(at(2026, 3, 4, 9), tick=False):
        d = run_to_approved(d, users)
        d = act(d, users["onestop"], "result_ready")
        # The result file is written before the dossier is saved with its new status: the flag stays.
        d = act(d, users["onestop"], "return_result", files=[("Kết quả", pdf_upload("ket-qua.pdf"))])
    assert flags(d) == (True, True, "")
    services.rate(actor=users["onestop"], dossier_id=d.pk, level="unsatisfied")
    assert flags(d) == (True, True, "unsatisfied")


def test_orm_writes_of_the_rows_keep_the_flags_right(receive):
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        d, other = receive(), receive()
    a = DossierAttachment.objects.create(dossier=d, kind="result", document_name="Kết quả", file="x/r.pdf", original_name="r.pdf",
                                         content_type="application/pdf", size=1)
    assert flags(d) == (False, True, "")
    assert d.has_result_file  # the instance the row was given too: a later save() of it keeps the flag
    d.save()
    assert flags(d) == (False, True, "")
    DossierAttachment.objects.filter(pk=a.pk).update(kind="input")
    assert flags(d) == (True, False, "")
    DossierAttachment.objects.filter(pk=a.pk).update(dossier=other)  # moved: both dossiers counted again
    assert flags(d) == (False, False, "") and flags(other) == (True, False, "")
    DossierAttachment.objects.get(pk=a.pk).delete()
    assert flags(other) == (False, False, "")

    DossierRating.objects.bulk_create([
        DossierRating(dossier=x, level="unsatisfied", rated_at=at(2026, 3, 9), province_code=x.province_code, commune_code=x.commune_code)
        for x in (d, other)
    ])
    assert flags(d)[2] == flags(other)[2] == "unsatisfied"
    DossierRating.objects.filter(dossier=d).update(level="satisfied")
    assert flags(d)[2] == "satisfied" and flags(other)[2] == "unsatisfied"
    DossierRating.objects.all().delete()
    assert flags(d)[2] == flags(other)[2] == ""

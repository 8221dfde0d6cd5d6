"""The papers named at the counter (received, on the receipt Mẫu 01) and in a supplement request (asked, on Mẫu 02) took any
length and any number: a name of 100,000 characters was kept, and the receipt the intake page opens next failed with a
500 (a table row taller than the page). Each name is now at most 500 characters (as a file's paper name) and at most 100
papers, refused on the documents field before anything is written (API and page)."""

from __future__ import annotations

import pytest

from coso.core.models import AuditLog
from coso.dossiers.models import Dossier, DossierEvent
from coso.dossiers.tests.conftest import act
from coso.dossiers.tests.factories import DossierFactory

pytestmark = pytest.mark.django_db

FIRST = "Tờ khai đăng ký khai sinh"


def _intake(version, documents):  # type: ignore[no-untyped-def]
    return {"procedure_code": version.procedure.code, "applicant_name": "Phạm Minh Tuấn", "applicant_phone": "0912345678", "documents": documents}


@pytest.mark.parametrize(("documents", "code"), [
    ([FIRST, "y" * 501], "too-long"),
    ([FIRST, "y" * 100_000], "too-long"),
    ([FIRST, {"name": "z" * 501, "copies": 1}], "too-long"),
    ([FIRST] + [f"Giấy {i}" for i in range(100)], "too-many-papers"),
])
def test_the_counter_refuses_a_paper_name_too_long_or_too_many_papers(login, users, version, documents, code):
    r = login(users["onestop"]).post("/api/v1/dossiers/intake", _intake(version, documents), content_type="application/json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == code and list(r.json()["details"]["fields"]) == ["documents"], r.content
    assert not Dossier.objects.exists() and not AuditLog.objects.filter(verb__startswith="dossier-").exists()


def test_a_paper_name_of_500_characters_is_kept_and_the_receipt_prints(login, users, version):
    name = "Giấy xác nhận " + "x" * 486
    c = login(users["onestop"])
    r = c.post("/api/v1/dossiers/intake", _intake(version, [FIRST, name] + [f"Giấy {i}" for i in range(98)]), content_type="application/json")
    assert r.status_code == 201, r.content
    pdf = c.get(f"/dossiers/{r.json()['id']}/forms/receipt.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize(("documents", "code"), [(["y" * 501], "too-long"), (["y" * 100_000], "too-long"),
                                                 ([f"Giấy {i}" for i in range(101)], "too-many-papers")])
def test_a_supplement_request_refuses_them_too(login, users, commune, version, documents, code):
    d = DossierFactory(staff=users, commune=commune, procedure_version=version)
    act(d, users["onestop"], "forward")
    d = Dossier.objects.get(pk=d.pk)
    c = login(users["specialist"])
    before = (d.version, d.supplement_count, DossierEvent.objects.count(), AuditLog.objects.count())
    r = c.post(f"/api/v1/dossiers/{d.pk}/actions/request_supplement", {"version": d.version, "reason": "Thiếu giấy", "documents": documents},
               content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == code, r.content
    assert list(r.json()["details"]["fields"]) == ["documents"]
    page = c.post(f"/dossiers/{d.pk}/act/request_supplement/", {"version": d.version, "reason": "Thiếu giấy", "documents": "\n".join(documents)})
    assert page.status_code == 400
    fresh = Dossier.objects.get(pk=d.pk)
    assert (fresh.version, fresh.supplement_count, DossierEvent.objects.count(), AuditLog.objects.count()) == before
    # within the bounds: asked, and Mẫu 02 prints
    r = c.post(f"/api/v1/dossiers/{d.pk}/actions/request_supplement",
               {"version": d.version, "reason": "Thiếu giấy", "documents": ["x" * 500] + [f"Giấy {i}" for i in range(99)]},
               content_type="application/json")
    assert r.status_code == 200, r.content
    pdf = c.get(f"/dossiers/{d.pk}/forms/supplement.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

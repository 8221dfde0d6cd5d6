"""What a dossier received at the counter through the API reads and writes: the procedure catalogue once (the version in
force with its procedure and its steps), and its search index in one statement on PostgreSQL (two on SQLite)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from coso.dossiers.models import Dossier

pytestmark = pytest.mark.django_db

PAPER = "Tờ khai đăng ký khai sinh"


def _intake(client, code: str = "1.001193"):  # type: ignore[no-untyped-def]
    body = {"procedure_code": code, "applicant_name": "Trần Thị Bình", "applicant_phone": "0909123456", "applicant_citizen_id": "079090001234",
            "documents": [PAPER]}
    return client.post("/api/v1/dossiers/intake", json.dumps(body), content_type="application/json", secure=True)


def _catalogue_reads(queries: list[dict]) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith("SELECT")
            and any(f'FROM "procedures_{table}"' in q["sql"] for table in ("procedure", "procedureversion", "procedurestep"))]


def test_intake_reads_the_procedure_its_version_and_its_steps_in_one_query(client, users, version):
    client.force_login(users["onestop"])
    with CaptureQueriesContext(connection) as q:
        r = _intake(client)
    assert r.status_code == 201, r.content
    assert len(_catalogue_reads(q.captured_queries)) == 1
    d = Dossier.objects.get(pk=r.json()["id"])
    assert d.procedure_version_id == version.pk
    assert r.json()["procedure_code"] == "1.001193" and r.json()["procedure_name"] == "Đăng ký khai sinh"
    assert [(s.order, s.name, s.role, s.share_percent) for s in d.steps.order_by("order")] == [
        (s.order, s.name, s.role, s.share_percent) for s in version.steps.order_by("order")]
    assert d.current_step_name == "Tiếp nhận" and d.waiting_role == "onestop_officer"


def test_intake_files_under_the_provinces_own_version(client, users, version, commune):
    from coso.dossiers.services import default_steps
    from coso.procedures.models import ProcedureStep, ProcedureVersion

    # the province's own version has no steps of its own (the rule book's default steps apply), the national one has four
    own = ProcedureVersion.objects.create(procedure=version.procedure, province_code=commune.province_code, valid_from=dt.date(2021, 1, 1),
                                          time_limit=Decimal(5), required_documents=[{"name": PAPER, "copies": 1, "required": True}])
    other = ProcedureVersion.objects.create(procedure=version.procedure, province_code="01", valid_from=dt.date(2022, 1, 1), time_limit=Decimal(9))
    ProcedureStep.objects.create(version=other, order=1, name="Khác", role="specialist", share_percent=100)
    client.force_login(users["onestop"])
    r = _intake(client)
    assert r.status_code == 201, r.content
    d = Dossier.objects.get(pk=r.json()["id"])
    assert d.procedure_version_id == own.pk
    assert [(s.order, s.name, s.role) for s in d.steps.order_by("order")] == [
        (i + 1, name, role) for i, (_o, name, role, _share) in enumerate(default_steps(commune.province_code, commune.code))]
    # and once the province's version has steps, they are the ones copied, in their order
    for order, name in [(2, "Bước hai"), (1, "Bước một")]:
        ProcedureStep.objects.create(version=own, order=order, name=name, role="onestop_officer", share_percent=50)
    d = Dossier.objects.get(pk=_intake(client).json()["id"])
    assert [(s.order, s.name) for s in d.steps.order_by("order")] == [(1, "Bước một"), (2, "Bước hai")]


@pytest.mark.parametrize("case", ["unknown", "ended", "not-yet", "version-ended"])
def test_intake_of_a_procedure_not_offered_today_is_refused(client, users, version, case):
    from django.utils import timezone

    today = timezone.localdate()
    p = version.procedure
    code = p.code
    if case == "unknown":
        code = "9.999999"
    elif case == "ended":
        p.is_active, p.ends_on = False, today
        p.save()
    elif case == "not-yet":
        version.valid_from = today + dt.timedelta(days=1)
        version.save()
    else:
        version.valid_to = today
        version.save()
    client.force_login(users["onestop"])
    r = _intake(client, code)
    assert r.status_code == 400 and r.json()["code"] == "unknown-procedure", r.content
    assert not Dossier.objects.exists()


def test_intake_of_a_procedure_ending_later_is_received(client, users, version):
    from django.utils import timezone

    p = version.procedure
    p.is_active, p.ends_on = False, timezone.localdate() + dt.timedelta(days=1)
    p.save()
    client.force_login(users["onestop"])
    assert _intake(client).status_code == 201


def test_intake_writes_its_search_index_in_one_statement_on_postgresql(client, users, version):
    client.force_login(users["onestop"])
    with CaptureQueriesContext(connection) as q:
        r = _intake(client)
    assert r.status_code == 201, r.content
    writes = [x["sql"] for x in q.captured_queries if '"core_searchentry"' in x["sql"] or '"core_searchdocument"' in x["sql"]]
    assert len(writes) == (1 if connection.vendor == "postgresql" else 2)
    client.force_login(users["specialist"])
    found = client.get("/api/v1/dossiers/", {"q": "tran binh"}, secure=True).json()
    assert [d["id"] for d in found["items"]] == [r.json()["id"]]


def test_a_counter_dossier_joins_the_one_citizen_account_with_its_citizen_id_reading_only_the_id(client, users, version):
    from coso.accounts.models import User

    citizen = users["citizen"]
    User.objects.filter(pk=citizen.pk).update(citizen_id="079090001234")
    client.force_login(users["onestop"])
    with CaptureQueriesContext(connection) as q:
        r = _intake(client)
    assert r.status_code == 201, r.content
    assert Dossier.objects.get(pk=r.json()["id"]).owner_id == citizen.pk
    account_reads = [x["sql"] for x in q.captured_queries if x["sql"].startswith("SELECT") and '"citizen_id" =' in x["sql"]
                     and 'FROM "accounts_user"' in x["sql"]]
    assert len(account_reads) == 1 and account_reads[0].split(" FROM ")[0] in ('SELECT "accounts_user"."id"', 'SELECT "accounts_user"."id" AS "pk"'), account_reads
    # shown in the citizen's "my dossiers"
    client.force_login(citizen)
    assert r.json()["code"] in client.get("/dossiers/my/", secure=True).content.decode()
    # two accounts with the same citizen id (or an inactive one): nobody's
    User.objects.create(username="trung-lap", role="citizen", citizen_id="079090001234")
    client.force_login(users["onestop"])
    r = _intake(client)
    assert Dossier.objects.get(pk=r.json()["id"]).owner_id is None


def test_online_submission_reads_the_procedure_its_version_and_its_steps_in_one_query(client, users, version, commune):
    import base64

    from coso.dossiers.tests.conftest import PDF_BYTES

    body = {"procedure_code": version.procedure.code, "commune_code": commune.code, "applicant_name": "Nguyễn Thị Hoa",
            "applicant_phone": "0909123456",
            "files": [{"document_name": PAPER, "filename": "tk.pdf", "content_base64": base64.b64encode(PDF_BYTES).decode()}]}
    client.force_login(users["citizen"])
    with CaptureQueriesContext(connection) as q:
        r = client.post("/api/v1/dossiers/online", json.dumps(body), content_type="application/json", secure=True)
    assert r.status_code == 201, r.content
    assert len(_catalogue_reads(q.captured_queries)) == 1
    d = Dossier.objects.get(pk=r.json()["id"])
    assert d.procedure_version_id == version.pk and d.owner_id == users["citizen"].pk
    assert [(s.order, s.name, s.role, s.share_percent) for s in d.steps.order_by("order")] == [
        (s.order, s.name, s.role, s.share_percent) for s in version.steps.order_by("order")]


def test_the_intake_page_reads_the_procedure_its_version_and_its_steps_in_one_query(client, users, version):
    client.force_login(users["onestop"])
    with CaptureQueriesContext(connection) as q:
        r = client.post(f"/dossiers/intake/?procedure={version.procedure.code}", {
            "procedure": version.procedure.code, "applicant_name": "Lê Văn An", "applicant_phone": "0909000111", "channel": "counter",
            "doc_0": "on"}, secure=True)
    assert r.status_code == 302, r.content.decode()[:2000]
    assert len(_catalogue_reads(q.captured_queries)) == 1
    d = Dossier.objects.get()
    assert d.procedure_version_id == version.pk and d.applicant_name == "Lê Văn An"
    assert [(s.order, s.name) for s in d.steps.order_by("order")] == [(s.order, s.name) for s in version.steps.order_by("order")]

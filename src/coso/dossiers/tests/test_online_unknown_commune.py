"""Online submission (POST /api/v1/dossiers/online) to a commune that does not exist or has ended: refused with the
commune error whatever the procedure, including one that only a province's own version offers."""

from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal

import pytest

from coso.core.models import AuditLog
from coso.dossiers.models import Dossier, DossierEvent
from coso.dossiers.tests.conftest import PDF_BYTES

pytestmark = pytest.mark.django_db


def _province_only_procedure(province_code: str):  # type: ignore[no-untyped-def]
    """A procedure with no national version: only the province's own one."""
    from coso.core.text import fold
    from coso.procedures.models import Procedure, ProcedureVersion

    p = Procedure.objects.create(code="2.000001", name="Thủ tục riêng của tỉnh", name_folded=fold("Thủ tục riêng của tỉnh"), field="Hộ tịch")
    ProcedureVersion.objects.create(procedure=p, province_code=province_code, valid_from=dt.date(2020, 1, 1), time_limit=Decimal(3),
                                    time_unit="working_days", required_documents=[], online="full")
    return p


def _ended_commune(province):  # type: ignore[no-untyped-def]
    from coso.units.models import AdministrativeUnit

    return AdministrativeUnit.all_objects.create(code="26740", name="Phường Bến Nghé", name_folded="phuong ben nghe", level="commune", kind="phuong",
                                                 parent=province, province_code=province.code, valid_from=None, valid_to=dt.date(2025, 7, 1))


def _body(procedure_code: str, commune_code: str) -> dict:
    return {"procedure_code": procedure_code, "commune_code": commune_code, "applicant_name": "Nguyễn Thị Hoa", "applicant_phone": "0909123456",
            "files": [{"document_name": "Tờ khai", "filename": "tk.pdf", "content_base64": base64.b64encode(PDF_BYTES).decode()}]}


@pytest.mark.parametrize("which", ["unknown", "ended"])
@pytest.mark.parametrize("procedure", ["national", "province-only"])
def test_an_unknown_or_ended_commune_is_refused_with_the_commune_error_first(login, users, province, commune, version, which, procedure):
    code = version.procedure.code if procedure == "national" else _province_only_procedure(province.code).code
    commune_code = "99999" if which == "unknown" else _ended_commune(province).code
    r = login(users["citizen"]).post("/api/v1/dossiers/online", _body(code, commune_code), content_type="application/json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "no-commune", r.json()
    assert Dossier.objects.count() == 0 and DossierEvent.objects.count() == 0
    assert not AuditLog.objects.filter(verb__startswith="dossier-").exists()


def test_the_province_only_procedure_is_accepted_in_a_commune_of_that_province(login, users, province, commune):
    code = _province_only_procedure(province.code).code
    r = login(users["citizen"]).post("/api/v1/dossiers/online", _body(code, commune.code), content_type="application/json")
    assert r.status_code == 201, r.content
    assert Dossier.objects.get().commune_code == commune.code


def test_an_unknown_procedure_in_a_known_commune_is_still_unknown_procedure(login, users, commune, version):
    r = login(users["citizen"]).post("/api/v1/dossiers/online", _body("9.999999", commune.code), content_type="application/json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "unknown-procedure"
    assert Dossier.objects.count() == 0


@pytest.mark.parametrize(("which", "message"), [("unknown", "Không tồn tại."), ("ended", "Không tồn tại."), ("empty", "Bắt buộc."), ("blank", "Bắt buộc.")])
def test_the_commune_error_names_the_field_the_client_sent(login, users, province, commune, version, which, message):
    commune_code = {"unknown": "99999", "ended": "", "empty": "", "blank": "   "}[which]
    if which == "ended":
        commune_code = _ended_commune(province).code
    r = login(users["citizen"]).post("/api/v1/dossiers/online", _body(version.procedure.code, commune_code), content_type="application/json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "no-commune"
    assert r.json()["details"] == {"fields": {"commune_code": [message]}}, r.json()
    assert Dossier.objects.count() == 0 and not AuditLog.objects.filter(verb__startswith="dossier-").exists()


def test_the_online_page_shows_an_unknown_commune_next_to_its_field(login, users, province, commune, version):
    from coso.dossiers.tests.conftest import pdf_upload

    ended = _ended_commune(province)
    for value in ("999999999", str(ended.pk), ""):
        r = login(users["citizen"]).post(f"/dossiers/submit/?procedure={version.procedure.code}", {
            "procedure": version.procedure.code, "commune": value, "applicant_name": "Nguyễn Thị Hoa", "applicant_phone": "0909123456",
            "file_0": pdf_upload(),
        })
        assert r.status_code == 400, value
        errors = r.context["form"].errors
        assert list(errors) == ["commune"], (value, errors)
        expected = "Trường này là bắt buộc." if not value else "Hãy chọn một lựa chọn hợp lệ. Lựa chọn đó không phải là một trong các lựa chọn khả thi."
        assert errors["commune"] == [expected], (value, errors)
        assert expected in r.content.decode()
    assert Dossier.objects.count() == 0


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_commune_merged_away_is_refused_with_the_commune_that_now_receives_its_dossiers(login, users, province, commune, version, lang):
    """An online client (the national portal, an old form) sending the code of a commune merged on 1/7/2025 learns which
    commune in force receives its dossiers now; nothing is written."""
    from coso.units.models import UnitSuccession

    ended = _ended_commune(province)
    UnitSuccession.objects.create(predecessor=ended, successor=commune, kind=UnitSuccession.Kind.MERGE, effective_on=dt.date(2025, 7, 1))
    client = login(users["citizen"])
    client.cookies["django_language"] = lang  # the language the user chose (/i18n/setlang/)
    r = client.post("/api/v1/dossiers/online", _body(version.procedure.code, ended.code), content_type="application/json")
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "no-commune"
    assert body["details"]["successor"] == {"code": commune.code, "name": commune.name}
    message = {"vi": f"Đơn vị này đã thôi hoạt động từ ngày 01/07/2025; hồ sơ nay nộp cho {commune.name} (mã {commune.code}).",
               "en": f"This unit ceased on 01/07/2025; its dossiers are now submitted to {commune.name} (code {commune.code})."}[lang]
    assert body["details"]["fields"] == {"commune_code": [message]}, body
    assert Dossier.objects.count() == 0 and not AuditLog.objects.filter(verb__startswith="dossier-").exists()

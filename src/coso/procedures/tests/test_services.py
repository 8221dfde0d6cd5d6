import datetime as dt
import io
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from coso.core.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from coso.core.models import AuditLog
from coso.procedures import services
from coso.procedures.models import Procedure, ProcedureStep, ProcedureVersion
from coso.procedures.selectors import procedure_version_on

pytestmark = pytest.mark.django_db

KS = "1.001193"  # đăng ký khai sinh
XN = "1.004873"  # xác nhận tình trạng hôn nhân (03 ngày làm việc)
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _steps(*shares):
    roles = ["onestop_officer", "specialist", "commune_leader", "onestop_officer"]
    return [{"order": i + 1, "name": f"Bước {i + 1}", "role": roles[i % 4], "share_percent": s} for i, s in enumerate(shares)]


@time_machine.travel(dt.datetime(2026, 11, 27, 9, 0, tzinfo=VN), tick=False)  # a person creates versions from today on
def test_new_version_closes_previous_and_old_dossier_date_keeps_old_version(catalogue, users):
    proc = Procedure.objects.get(code=XN)
    old = proc.version_on(dt.date(2026, 1, 5))
    assert old.time_limit == 3
    new = services.version_create(actor=users["sysadmin"], procedure=proc, valid_from=dt.date(2026, 12, 1), time_limit=Decimal(2), reason="Nghị định mới")
    old.refresh_from_db()
    assert old.valid_to == dt.date(2026, 12, 1)
    assert procedure_version_on(proc, dt.date(2026, 11, 30)) == old
    assert procedure_version_on(proc, dt.date(2026, 12, 1)) == new
    # rules not given are copied, steps too
    assert new.fee_note == old.fee_note and new.required_documents == old.required_documents
    assert [(s.name, s.share_percent) for s in new.steps.all()] == [(s.name, s.share_percent) for s in old.steps.all()]
    assert AuditLog.objects.filter(verb="procedure_version_create", object_id=str(new.pk)).exists()
    assert AuditLog.objects.filter(verb="procedure_version_close", object_id=str(old.pk)).exists()


@time_machine.travel(dt.datetime(2026, 11, 27, 9, 0, tzinfo=VN), tick=False)
def test_version_inserted_between_two_versions_is_bounded(catalogue, users):
    proc = Procedure.objects.get(code=XN)
    later = services.version_create(actor=users["sysadmin"], procedure=proc, valid_from=dt.date(2027, 1, 1), time_limit=Decimal(2))
    middle = services.version_create(actor=users["sysadmin"], procedure=proc, valid_from=dt.date(2026, 12, 1), time_limit=Decimal(4))
    assert middle.valid_to == later.valid_from
    assert proc.version_on(dt.date(2026, 12, 15)).time_limit == 4
    assert proc.version_on(dt.date(2027, 3, 1)).time_limit == 2
    with pytest.raises(ConflictError) as exc:
        services.version_create(actor=users["sysadmin"], procedure=proc, valid_from=dt.date(2027, 1, 1), time_limit=Decimal(1))
    assert exc.value.code == "version-exists"


@time_machine.travel(dt.datetime(2026, 5, 15, 9, 0, tzinfo=VN), tick=False)
def test_province_override_wins_and_other_provinces_keep_national(catalogue, users, province):
    proc = Procedure.objects.get(code=XN)
    own = services.version_create(actor=users["province_admin"], procedure=proc, valid_from=dt.date(2026, 6, 1), province_code="79", time_limit=Decimal(1))
    assert own.fee_note  # copied from the national version
    assert procedure_version_on(proc, dt.date(2026, 7, 1), "79") == own
    assert procedure_version_on(proc, dt.date(2026, 7, 1), "01").province_code == ""
    assert procedure_version_on(proc, dt.date(2026, 5, 1), "79").province_code == ""  # before the override started
    with pytest.raises(PermissionDeniedError):  # a province admin cannot touch another province or the national rule
        services.version_create(actor=users["province_admin"], procedure=proc, valid_from=dt.date(2026, 6, 1), province_code="01", time_limit=Decimal(1))
    with pytest.raises(PermissionDeniedError):
        services.version_create(actor=users["province_admin"], procedure=proc, valid_from=dt.date(2026, 6, 1), time_limit=Decimal(1))
    with pytest.raises(PermissionDeniedError):
        services.version_create(actor=users["leader"], procedure=proc, valid_from=dt.date(2026, 6, 1), province_code="79", time_limit=Decimal(1))


@pytest.mark.parametrize(
    ("steps", "field"),
    [
        (_steps(10, 60, 20, 5), "share_percent"),  # sums to 95
        ([{"order": 1, "name": "A", "role": "specialist", "share_percent": 50}, {"order": 1, "name": "B", "role": "commune_leader", "share_percent": 50}], "order"),
        ([{"order": 1, "name": "A", "role": "wizard", "share_percent": 100}], "role"),
        ([{"order": 1, "name": "A", "role": "citizen", "share_percent": 100}], "role"),
        ([{"order": 1, "name": "", "role": "specialist", "share_percent": 100}], "name"),
        ([{"order": 1, "name": "A", "role": "specialist", "share_percent": 120}], "share_percent"),
        ([], "steps"),
    ],
)
def test_bad_steps_are_refused_in_vietnamese(catalogue, users, steps, field):
    version = Procedure.objects.get(code=XN).versions.get()
    before = list(version.steps.values_list("name", "share_percent"))
    future = services.version_create(actor=users["sysadmin"], procedure=version.procedure, valid_from=dt.date(2030, 1, 1))
    with pytest.raises(ApplicationError) as exc:
        services.steps_configure(actor=users["sysadmin"], version=future, steps=steps)
    assert exc.value.code == "invalid-steps"
    assert field in [e["field"] for e in exc.value.details["steps"]]
    assert any(ord(ch) > 127 for ch in exc.value.message)  # Vietnamese text
    assert list(version.steps.values_list("name", "share_percent")) == before


def test_steps_configure_on_future_version_and_refused_on_used_one(catalogue, users):
    proc = Procedure.objects.get(code=XN)
    future = services.version_create(actor=users["sysadmin"], procedure=proc, valid_from=dt.date(2030, 1, 1))
    services.steps_configure(actor=users["sysadmin"], version=future, steps=_steps("30", "40", "30"))
    assert list(future.steps.values_list("share_percent", flat=True)) == [30, 40, 30]
    assert AuditLog.objects.filter(verb="procedure_steps_configure").exists()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=6))
def test_step_shares_must_sum_to_exactly_100(cents):
    total = sum(cents)
    shares = [Decimal(c) / 100 for c in cents]
    steps = _steps(*shares)
    if total == 10_000:
        assert [s["share_percent"] for s in services.validate_steps(steps)] == [s.quantize(Decimal("0.01")) for s in shares]
    else:
        with pytest.raises(ApplicationError):
            services.validate_steps(steps)


def _export_rows():
    return json.loads(services.catalogue_json_bytes())["procedures"]


def test_import_json_changed_limit_creates_version_from_chosen_date(catalogue, users):
    rows = _export_rows()
    for r in rows:
        if r["code"] == XN:
            r["time_limit"] = 2
    result = services.catalogue_import(actor=users["sysadmin"], rows=[{**r, "_row": i} for i, r in enumerate(rows, 1)],
                                       effective_from=dt.date(2027, 1, 1))
    assert result["versions_created"] == 1 and result["unchanged"] == len(rows) - 1
    proc = Procedure.objects.get(code=XN)
    assert proc.version_on(dt.date(2026, 12, 31)).time_limit == 3
    assert proc.version_on(dt.date(2027, 1, 1)).time_limit == 2
    assert proc.versions.count() == 2
    # re-importing the same file changes nothing
    again = services.catalogue_import(actor=users["sysadmin"], rows=[{**r, "_row": i} for i, r in enumerate(rows, 1)], effective_from=dt.date(2027, 1, 1))
    assert again["versions_created"] == 0


def test_import_is_all_or_nothing_and_lists_every_bad_row(catalogue, users):
    rows = _export_rows()
    rows[0]["time_limit"] = 99  # a valid change
    rows[1]["time_limit"] = "năm"
    rows[2]["time_unit"] = "tuần"
    rows[3]["steps"] = _steps(50, 40)
    rows[4]["name"] = ""
    rows[5]["province_code"] = "99"
    n_versions = ProcedureVersion.objects.count()
    with pytest.raises(ApplicationError) as exc:
        services.catalogue_import(actor=users["sysadmin"], rows=[{**r, "_row": i} for i, r in enumerate(rows, 1)], effective_from=dt.date(2027, 1, 1))
    assert exc.value.code == "import-invalid"
    bad = {(e["row"], e["column"]) for e in exc.value.details["rows"]}
    assert {(2, "Thời hạn"), (3, "Đơn vị thời hạn"), (4, "Các bước xử lý"), (5, "Tên thủ tục"), (6, "Mã tỉnh (trống: toàn quốc)")} <= bad
    assert ProcedureVersion.objects.count() == n_versions
    assert Procedure.objects.get(code=rows[0]["code"]).versions.count() == 1


def test_import_semantic_error_rolls_back_earlier_rows(catalogue, users):
    rows = _export_rows()
    rows[0]["time_limit"] = 42
    rows[1]["time_limit"] = 43
    start = dt.date.fromisoformat(rows[1]["valid_from"])  # same start as the current version of row 2 → refused
    with pytest.raises(ApplicationError) as exc, time_machine.travel(dt.datetime.combine(start, dt.time(9), tzinfo=VN), tick=False):
        services.catalogue_import(actor=users["sysadmin"], rows=[{**r, "_row": i} for i, r in enumerate(rows[:2], 1)], effective_from=start)
    assert any(e["row"] == 2 for e in exc.value.details["rows"])
    assert Procedure.objects.get(code=rows[0]["code"]).versions.count() == 1  # row 1 rolled back


def test_excel_round_trip_and_province_admin_override(catalogue, users, province):
    data = services.catalogue_excel_bytes()
    ws = load_workbook(io.BytesIO(data)).active
    headers = [c.value for c in ws[1]]
    code_col, limit_col, prov_col = headers.index("Mã thủ tục"), headers.index("Thời hạn"), headers.index("Mã tỉnh (trống: toàn quốc)")
    for row in ws.iter_rows(min_row=2):
        row[prov_col].value = "79"
        if row[code_col].value == XN:
            row[limit_col].value = 1
    out = io.BytesIO()
    ws.parent.save(out)
    rows = services.rows_from_upload("danh-muc.xlsx", out.getvalue())
    result = services.catalogue_import(actor=users["province_admin"], rows=rows, effective_from=dt.date(2027, 1, 1))
    # only the changed row becomes a province version; the others equal the national rule
    assert result["versions_created"] == 1 and result["unchanged"] == len(rows) - 1
    proc = Procedure.objects.get(code=XN)
    assert proc.version_on(dt.date(2027, 2, 1), "79").time_limit == 1
    assert proc.version_on(dt.date(2027, 2, 1), "01").time_limit == 3
    assert Procedure.objects.get(code=KS).version_on(dt.date(2027, 2, 1), "79").province_code == ""


def test_province_admin_import_makes_province_versions_only_for_changed_rows(catalogue, users, province):
    rows = _export_rows()
    n = ProcedureVersion.objects.count()
    result = services.catalogue_import(actor=users["province_admin"], rows=[{**r, "_row": i} for i, r in enumerate(rows, 1)], effective_from=dt.date(2027, 1, 1))
    assert result["versions_created"] == 0 and ProcedureVersion.objects.count() == n
    rows[0]["fee"] = 1234
    rows[1]["province_code"] = "01"
    with pytest.raises(ApplicationError) as exc:
        services.catalogue_import(actor=users["province_admin"], rows=[{**r, "_row": i} for i, r in enumerate(rows, 1)], effective_from=dt.date(2027, 1, 1))
    assert {(e["row"], e["column"]) for e in exc.value.details["rows"]} == {(2, "Mã tỉnh (trống: toàn quốc)")}
    rows[1]["province_code"] = ""
    result = services.catalogue_import(actor=users["province_admin"], rows=[{**r, "_row": i} for i, r in enumerate(rows, 1)], effective_from=dt.date(2027, 1, 1))
    assert result["versions_created"] == 1
    own = Procedure.objects.get(code=rows[0]["code"]).version_on(dt.date(2027, 1, 1), "79")
    assert own.province_code == "79" and own.fee == 1234
    assert Procedure.objects.get(code=rows[0]["code"]).version_on(dt.date(2027, 1, 1), "01").fee != 1234


def test_non_admin_cannot_import(catalogue, users):
    with pytest.raises(PermissionDeniedError):
        services.catalogue_import(actor=users["leader"], rows=[{"code": "x", "_row": 1}], effective_from=dt.date(2027, 1, 1))


def test_bad_upload_types():
    with pytest.raises(ApplicationError) as exc:
        services.rows_from_upload("a.csv", b"x")
    assert exc.value.code == "invalid-file-type"
    with pytest.raises(ApplicationError) as exc:
        services.rows_from_upload("a.json", b"{not json")
    assert exc.value.code == "invalid-json"
    with pytest.raises(ApplicationError) as exc:
        services.rows_from_upload("a.xlsx", b"PK not really")
    assert exc.value.code == "invalid-excel"


@time_machine.travel(dt.datetime(2026, 1, 1, 9, 0, tzinfo=VN), tick=False)  # the first version starts that day
def test_procedure_create_and_update_are_audited_and_searchable(db, users):
    from coso.procedures.selectors import procedure_list

    p = services.procedure_create(actor=users["sysadmin"], code="9.999999", name="Thủ tục thử nghiệm Đặc biệt", field="Khác")
    services.version_create(actor=users["sysadmin"], procedure=p, valid_from=dt.date(2026, 1, 1), time_limit=Decimal(5), steps=_steps(25, 25, 25, 25))
    assert list(procedure_list(fetched_by=None, query="dac biet")) == [p]
    services.procedure_update(actor=users["sysadmin"], procedure=p, name="Thủ tục thử nghiệm khác")
    assert list(procedure_list(fetched_by=None, query="dac biet")) == []
    assert AuditLog.objects.filter(verb="procedure_update", object_id=str(p.pk)).exists()
    with pytest.raises(ConflictError):
        services.procedure_create(actor=users["sysadmin"], code="9.999999", name="x", field="y")
    with pytest.raises(PermissionDeniedError):
        services.procedure_create(actor=users["province_admin"], code="9.1", name="x", field="y")
    assert ProcedureStep.objects.filter(version__procedure=p).count() == 4


def test_unchanged_excel_and_json_round_trips_create_nothing(catalogue, users):
    for name, data in (("c.xlsx", services.catalogue_excel_bytes()), ("c.json", services.catalogue_json_bytes())):
        rows = services.rows_from_upload(name, data)
        result = services.catalogue_import(actor=users["sysadmin"], rows=rows, effective_from=dt.date(2027, 1, 1))
        assert result["versions_created"] == 0 and result["procedures_updated"] == 0, name
        assert result["unchanged"] == len(services.catalogue_export_rows())  # ended procedures have no version today

"""The national portal API crawl read as it is (3-hWnG/intern-amazing-group_7 Database/staging/procedures.jsonl).

``data/portal-api-crawl-sample.jsonl`` holds four records of that file with their values copied exactly (the long
free-text fields description/steps/files/search_text of most records left out; the importer does not read them):
1.014218 (province level), 1.014310 and 1.014312 (commune level, Ministry of Culture), 1.014313 (commune level but
published by the People's Committee of Thanh Hóa for itself).
"""

import datetime as dt
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

import pytest
import time_machine

from coso.core.exceptions import ApplicationError
from coso.procedures import portal, reference
from coso.procedures.models import Procedure, ProcedureVersion

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "data" / "portal-api-crawl-sample.jsonl"
EXTRACTS = portal.DATA_DIR / "portal-api-extracts.jsonl"
TODAY = dt.date(2026, 8, 1)
UNITS = {
    "ngày làm việc": ProcedureVersion.TimeUnit.WORKING_DAYS,
    "ngày": ProcedureVersion.TimeUnit.CALENDAR_DAYS,
    "giờ": ProcedureVersion.TimeUnit.WORKING_HOURS,
}


def _sample():
    return portal.read_records(SAMPLE.read_bytes())


def test_crawl_records_are_filtered_to_the_commune_level_and_imported_as_they_are():
    records = _sample()
    assert [r["proc_id"] for r in records] == ["1.014218", "1.014310", "1.014312", "1.014313"]
    assert [portal.skip_reason(r) for r in records] == ["level", None, None, "province"]
    result = portal.portal_import(actor=None, records=records, commune_only=True)
    assert (result["rows"], result["skipped"], result["procedures_created"], result["unconfirmed"]) == (2, 2, 2, 0)
    assert not Procedure.objects.filter(code__in=["1.014218", "1.014313"]).exists()
    v = Procedure.objects.get(code="1.014312").version_on(TODAY)
    assert (v.time_limit, v.time_unit, v.fee, v.confidence) == (15, ProcedureVersion.TimeUnit.WORKING_DAYS, 0, "C-3p")
    assert v.procedure.field == "Di sản văn hóa" and v.procedure.decision_level == "commune"
    assert [d["name"][:40] for d in v.required_documents] == ["(1) Giấy đề nghị thôi hưởng trợ cấp sinh"]
    assert v.required_documents[0]["required"]  # the crawl's required=false is set on every paper: not read
    assert v.legal_basis == "Luật số 45/2024/QH15 của Quốc hội: Luật Di sản văn hóa"
    assert "3101/QĐ-BVHTTDL ngày 2025-08-26" in v.source and "cập nhật trên Cổng ngày 2026-04-11" in v.source
    assert v.applicant == "Công dân Việt Nam" and v.online == "partial"
    assert portal.portal_import(actor=None, records=records, commune_only=True)["unchanged"] == 2


def test_without_the_filter_other_levels_are_refused_or_imported_as_their_level():
    records = _sample()
    with pytest.raises(ApplicationError) as exc:
        portal.portal_import(actor=None, records=records, only_level="commune")
    assert [r["row"] for r in exc.value.details["rows"]] == [1]
    assert "không phải thủ tục cấp xã" in exc.value.details["rows"][0]["message"]
    assert not Procedure.objects.exists()
    with pytest.raises(ApplicationError) as exc:
        portal.portal_import(actor=None, records=records[:1], commune_only=True)
    assert exc.value.code == "import-empty" and not Procedure.objects.exists()


def test_a_time_without_unit_is_imported_unconfirmed_never_guessed():
    # 2.000806 with the portal's times as both crawls read them: "5" for every method, no unit anywhere in the record
    raw = {
        "proc_id": "2.000806", "name": "Thủ tục đăng ký kết hôn có yếu tố nước ngoài", "domain": "Hộ tịch", "agency_levels": "Xã/Phường",
        "methods": [{"submission_method": m, "processing_time_qty": 5.0, "processing_time_unit": "", "processing_time_text": "5"}
                    for m in ("Trực tuyến", "Bưu chính", "Trực tiếp")],
        "fees": [], "decision_number": "163/QĐ-BTP",
    }
    result = portal.portal_import(actor=None, records=[raw], commune_only=True)
    assert result["unconfirmed"] == 1
    v = Procedure.objects.get(code="2.000806").version_on(TODAY)
    assert (v.time_limit, v.confidence) == (5, "I") and v.needs_confirmation
    assert v.time_limit_note == "Cổng ghi: “5”. Không có đơn vị: đơn vị chưa xác nhận, tạm tính theo ngày làm việc."
    # the same number stated with a unit elsewhere in the same record gives the unit, still unconfirmed
    row, problems = portal.portal_row({**raw, "proc_id": "9.900101", "processing_time_text": "5 ngày"})
    assert not problems and (row["time_unit"], row["confidence"]) == ("calendar_days", "I")
    assert "phần thời hạn chung" in row["time_limit_note"]
    # shipped: every unit-less time of the catalogue is marked I and says so
    for line in portal.SHIPPED_FILE.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        head = next((m for m in rec["methods"] if m["submission_method"] == "Trực tiếp"), rec["methods"][0])
        if not head["processing_time_unit"]:
            assert rec["confidence"] == "I", rec["code"]


def test_a_method_listed_in_phases_keeps_its_longest_phase_unconfirmed():
    # the real counter method of 1.000028: check in 1 working day, then decide in 2 working days
    methods = [
        {"submission_method": "Trực tiếp", "processing_time_qty": 1.0, "processing_time_unit": "ngày làm việc", "processing_time_text": "1 ngày làm việc",
         "description": "Tiếp nhận và kiểm tra thành phần hồ sơ ngay trong ngày làm việc."},
        {"submission_method": "Trực tiếp", "processing_time_qty": 2.0, "processing_time_unit": "ngày làm việc", "processing_time_text": "2 ngày làm việc",
         "description": "Thẩm định hồ sơ và trả kết quả: 02 ngày làm việc, kẻ từ khi nhận đủ hồ sơ theo quy định."},
    ]
    rec = {"proc_id": "1.000028", "name": "Cấp Giấy phép lưu hành xe", "domain": "Đường bộ", "agency_levels": "Tỉnh", "methods": methods, "fees": []}
    row, problems = portal.portal_row(rec)
    assert not problems and (row["time_limit"], row["time_unit"], row["confidence"]) == ("2.0", "working_days", "I")
    assert "nhiều giai đoạn (1 ngày làm việc; 2 ngày làm việc)" in row["time_limit_note"]
    mixed = {**rec, "methods": [methods[0], {**methods[1], "processing_time_unit": "ngày", "processing_time_text": "2 ngày"}]}
    row, problems = portal.portal_row(mixed)
    assert not problems and (row["time_limit"], row["time_unit"], row["confidence"]) == ("1.0", "working_days", "I")
    assert "khác đơn vị" in row["time_limit_note"] and "lấy thời hạn ghi đầu tiên" in row["time_limit_note"]


def test_import_procedures_command_reads_the_crawl_file(tmp_path, capsys):
    call_command("import_procedures", str(SAMPLE), "--commune-only")
    out = capsys.readouterr().out
    assert "2 thủ tục: tạo mới 2" in out and "bỏ qua 2 bản ghi" in out
    assert set(Procedure.objects.values_list("code", flat=True)) == {"1.014310", "1.014312"}
    bad = tmp_path / "bad.jsonl"
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    broken = json.loads(lines[1]) | {"proc_id": "1.099999", "domain": "", "methods": []}
    bad.write_text(lines[0] + "\n" + json.dumps(broken, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Dòng 2 \\(mã 1.099999\\): thiếu lĩnh vực; thiếu thời hạn"):
        call_command("import_procedures", str(bad), "--commune-only")
    assert not Procedure.objects.filter(code="1.099999").exists()


@time_machine.travel(dt.datetime(2026, 1, 1, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False)  # the changes apply from today: never from a past day
def test_system_admin_uploads_the_crawl_file_on_the_import_page(login, users):
    c = login(users["sysadmin"])
    body = SAMPLE.read_bytes()
    r = c.post(reverse("procedures:import"), {"source_format": "portal", "effective_from": "2026-01-01", "commune_only": "on",
                                              "file": SimpleUploadedFile("procedures.jsonl", body)}, follow=True)
    html = r.content.decode()
    assert r.status_code == 200 and "Bỏ qua 2 bản ghi" in html
    assert set(Procedure.objects.values_list("code", flat=True)) == {"1.014310", "1.014312"}
    r = c.post(reverse("procedures:import"), {"source_format": "portal", "effective_from": "2026-01-01",
                                              "file": SimpleUploadedFile("procedures.jsonl", body)})
    assert r.status_code == 302  # without the filter, every record imports at its own level
    assert Procedure.objects.get(code="1.014218").decision_level == "province"


def test_shipped_values_equal_the_api_extracts():
    """Every record copied from the API crawl is shipped with its counter time, unit, fee and papers."""
    reference.load()
    shipped = {json.loads(line)["code"] for line in portal.SHIPPED_FILE.read_text(encoding="utf-8").splitlines()}
    records = portal.read_records(EXTRACTS.read_bytes())
    assert len(records) >= 21
    for rec in records:
        assert rec["code"] in shipped, rec["code"]
        v = Procedure.objects.get(code=rec["code"]).version_on(TODAY)
        # a counter method listed in several phases ships its longest phase (the first listed when their
        # units differ), marked I (unconfirmed); a time the record gives no unit anywhere (the portal's bare "1")
        # ships its number with the catalogue's default unit, marked I
        phases = [m for m in rec["methods"] if m["submission_method"] == "Trực tiếp"]
        several = len({(m["processing_time_qty"], m["processing_time_unit"]) for m in phases}) > 1
        one_unit = len({m["processing_time_unit"] for m in phases}) == 1
        counter = max(phases, key=lambda m: m["processing_time_qty"]) if one_unit else phases[0]
        unitless = not any(m["processing_time_unit"] for m in rec["methods"])
        assert float(v.time_limit) == counter["processing_time_qty"], rec["code"]
        assert v.time_unit == (ProcedureVersion.TimeUnit.WORKING_DAYS if unitless else UNITS[counter["processing_time_unit"]]), rec["code"]
        assert v.fee == next((f["amount_value"] for f in rec["fees"] if f["submission_method"] == "Trực tiếp"), 0), rec["code"]
        assert len(v.required_documents) == len({(d.get("case_name", ""), d["name"]) for d in rec["checklist"]}), rec["code"]
        assert rec["decision_number"] in v.source and rec["confidence"] == "C-3p", rec["code"]
        assert v.confidence == ("I" if several or unitless else "C-3p"), rec["code"]
        assert v.needs_confirmation == (unitless or several), rec["code"]
    ceremony = Procedure.objects.get(code="1.013797").version_on(TODAY)
    assert (ceremony.time_limit, ceremony.time_unit) == (25, ProcedureVersion.TimeUnit.CALENDAR_DAYS)
    school = Procedure.objects.get(code="1.012964").version_on(TODAY)
    assert (school.time_limit, school.time_unit) == (25, ProcedureVersion.TimeUnit.WORKING_DAYS)


def test_every_unsourced_row_of_the_city_list_says_why():
    """COVERAGE.md gives each row of decision 113 that ships no record a checked reason, and no stale one."""
    from coso.procedures.management.commands.build_portal_catalogue import UNSOURCED_NOTES

    row = re.compile(r"^\| (\d+) \| .* \| không có trong bản thu thập \| (.*) \|$")
    notes = {m.group(1): m.group(2).strip() for m in map(row.match, (portal.DATA_DIR / "COVERAGE.md").read_text(encoding="utf-8").splitlines()) if m}
    assert len(notes) >= 50  # the table parsed (98 rows had no record when this was written)
    assert [n for n, note in notes.items() if not note] == []
    assert set(notes) == set(UNSOURCED_NOTES)


def test_coverage_states_each_unsourced_reason_as_the_builder_does():
    """A reason changed in the builder reaches COVERAGE.md only when it is regenerated: both must say the same."""
    from coso.procedures.management.commands.build_portal_catalogue import UNSOURCED_NOTES

    row = re.compile(r"^\| (\d+) \| .* \| không có trong bản thu thập \| (.*) \|$")
    notes = {m.group(1): m.group(2).strip() for m in map(row.match, (portal.DATA_DIR / "COVERAGE.md").read_text(encoding="utf-8").splitlines()) if m}
    assert notes == {n: note.replace("|", "/") for n, note in UNSOURCED_NOTES.items()}

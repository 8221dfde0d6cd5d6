"""The shipped catalogue against the national portal, ended codes, and the portal-shape importer."""

import csv
import datetime as dt
import json
import re

from django.core.management import CommandError, call_command
from django.urls import reverse

import pytest

from coso.core.exceptions import ApplicationError
from coso.procedures import crawl, portal
from coso.procedures.models import Procedure, ProcedureVersion
from coso.procedures.services import load_catalogue_file, load_ended_file, load_procedures

pytestmark = pytest.mark.django_db

VERIFIED = portal.DATA_DIR / "verified-2026.csv"
TODAY = dt.date(2026, 8, 1)
ENDED = {"1.010813", "1.010826", "1.010739", "1.000748", "1.000775", "1.000954", "1.001055", "1.001078"}
# The portal's "1" without a unit is the same-day case of adding civil-status data; the main case keeps
# the 3 working days of the Civil Status Law (Art. 28), marked I in the row.
DOCUMENTED_EXCEPTIONS = {"1.004859", "2.002165"}  # 2.002165: the portal's "1" without a unit is a placeholder (row marked R)


def _shipped_on(code, day=TODAY):
    rows = [r for r in load_catalogue_file() if r["code"] == code and dt.date.fromisoformat(r["valid_from"]) <= day]
    return max(rows, key=lambda r: r["valid_from"]) if rows else None


def _fee(text):
    if re.match(r"\s*(Miễn|Không|FEE 0)", text):
        return 0
    m = re.search(r"(\d{1,3}(?:,\d{3})+|\d+)\s*(?:VNĐ|đ)", text)
    return int(m.group(1).replace(",", "")) if m else None


def test_shipped_values_equal_the_sourced_values():
    rows = list(csv.DictReader(VERIFIED.open(encoding="utf-8")))
    assert len(rows) == 31
    checked = 0
    for src in rows:
        code = src["code"]
        if code in ENDED:
            continue
        shipped = _shipped_on(code)
        assert shipped is not None, code
        assert shipped["source"] and shipped["confidence"], code
        if src["time_limit"] and code not in DOCUMENTED_EXCEPTIONS:
            assert float(shipped["time_limit"]) == float(src["time_limit"]), code
            if src["time_unit"].startswith("ngày làm việc"):
                assert shipped["time_unit"] == "working_days", code
            checked += 1
        fee = _fee(src["fee"])
        if fee is not None:
            assert shipped["fee"] == fee, (code, shipped["fee"], fee)
            checked += 1
    assert checked >= 35
    # the corrections of the issue, spelled out
    assert (_shipped_on("1.001776")["time_limit"], _shipped_on("1.001699")["time_limit"]) == (10, 25)
    assert (_shipped_on("1.003005")["time_limit"], _shipped_on("1.003005")["fee"]) == (45, 4_500_000)
    assert _shipped_on("1.001776", dt.date(2025, 6, 30))["time_limit"] == 20  # earlier dossiers keep their version


def test_same_day_procedures_state_the_1500_rule_in_their_own_text():
    same_day = [r for r in load_catalogue_file() if r["time_unit"] == "same_day" and r["code"] not in ENDED]
    assert len(same_day) >= 5
    for r in same_day:
        assert r["cutoff_time"] == "15:00", r["code"]
        assert "15 giờ" in r["time_limit_note"] or "15:00" in r["time_limit_note"], r["code"]


def test_no_internal_guide_is_cited_and_every_row_has_a_source():
    text = json.dumps(load_catalogue_file(), ensure_ascii=False)
    assert ".md §" not in text  # sources cite legal documents, not internal notes
    for line in portal.SHIPPED_FILE.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        assert rec["source"].startswith("Cổng Dịch vụ công quốc gia") and rec["confidence"] in ("C-3p", "I"), rec["code"]
        row, problems = portal.portal_row(rec)
        assert not problems and row["confidence"] == rec["confidence"], rec["code"]  # I only where the portal's time is unconfirmed
        if rec["confidence"] == "I":
            assert "chưa xác nhận" in row["time_limit_note"], rec["code"]


def test_ended_procedures_stop_on_their_date_and_keep_old_versions():
    load_procedures()
    assert {e["code"] for e in load_ended_file()} == ENDED
    for code in ENDED:
        proc = Procedure.objects.get(code=code)  # never deleted
        assert not proc.is_active and proc.code_note
        assert proc.version_on(dt.date(2025, 6, 30)) is not None
        assert proc.version_on(dt.date(2025, 7, 1)) is None
    assert "1.012592" in Procedure.objects.get(code="1.001055").code_note
    assert load_procedures()["ended"] == 0  # idempotent


def test_loader_corrects_a_wrong_shipped_name_unless_an_administrator_renamed_it():
    load_procedures()
    p = Procedure.objects.get(code="2.002080")
    assert p.name == "Thủ tục thanh toán thù lao cho hòa giải viên"
    p.name = "Công nhận hòa giải viên"  # the name shipped before the correction
    p.save()
    q = Procedure.objects.get(code="2.002165")
    q.name = "Tên do tỉnh đặt"
    q.save()
    load_procedures()
    assert Procedure.objects.get(code="2.002080").name == "Thủ tục thanh toán thù lao cho hòa giải viên"
    assert Procedure.objects.get(code="2.002165").name == "Tên do tỉnh đặt"


def _record(**over):
    rec = {
        "code": "9.900001",
        "name": "Thủ tục thử theo định dạng Cổng",
        "agency_levels": "Xã/Phường",
        "domain": "Khác",
        "methods": [
            {
                "submission_method": "Trực tuyến",
                "processing_time_qty": 3,
                "processing_time_unit": "ngày làm việc",
                "processing_time_text": "3 ngày làm việc",
            },
            {
                "submission_method": "Trực tiếp",
                "processing_time_qty": 5,
                "processing_time_unit": "Ngày làm việc",
                "processing_time_text": "5 Ngày làm việc",
            },
        ],
        "fees": [{"fee_type": "FEE", "amount_value": 50000, "amount_text": "50.000 đồng", "submission_method": "Trực tiếp"}],
        "checklist": [{"name": "Tờ khai", "original_qty": 1, "copy_qty": 0}, {"name": "Giấy tờ tùy thân", "original_qty": 0, "copy_qty": 2}],
        "legal_basis": [{"doc_code": "123/2015/NĐ-CP", "doc_name": "Nghị định quy định chi tiết Luật Hộ tịch"}],
        "decision_number": "1/QĐ-THU",
        "decision_date": "2025-06-01",
        "portal_url": "https://dichvucong.gov.vn/x",
    }
    rec.update(over)
    return rec


def test_portal_record_becomes_a_version_with_the_counter_time_documents_and_legal_basis():
    result = portal.portal_import(actor=None, records=[_record()])
    assert result["procedures_created"] == 1
    v = Procedure.objects.get(code="9.900001").version_on(TODAY)
    assert (v.time_limit, v.time_unit, v.fee) == (5, ProcedureVersion.TimeUnit.WORKING_DAYS, 50000)
    assert v.valid_from == dt.date(2025, 7, 1)
    assert "Trực tuyến: 3 ngày làm việc" in v.time_limit_note
    assert [d["copies"] for d in v.required_documents] == [1, 2]
    assert v.legal_basis == "Nghị định quy định chi tiết Luật Hộ tịch (123/2015/NĐ-CP)"
    assert "1/QĐ-THU" in v.source and v.confidence == "C-3p"
    assert portal.portal_import(actor=None, records=[_record()])["unchanged"] == 1


def test_portal_import_is_all_or_nothing_with_vietnamese_row_numbers():
    bad_unit = _record(code="9.900002", methods=[{"submission_method": "Trực tiếp", "processing_time_qty": None, "processing_time_unit": ""}])
    no_name = _record(code="9.900003", name="")
    province = _record(code="9.900004", agency_levels="Tỉnh")
    with pytest.raises(ApplicationError) as exc:
        portal.portal_import(actor=None, records=[_record(), bad_unit, no_name, province], only_level="commune")
    rows = exc.value.details["rows"]
    assert [r["row"] for r in rows] == [2, 3, 4]
    assert rows[0]["message"].startswith("Dòng 2 (mã 9.900002): thời hạn") and "không có số" in rows[0]["message"]
    assert "thiếu tên thủ tục" in rows[1]["message"] and "không phải thủ tục cấp xã" in rows[2]["message"]
    assert exc.value.message.startswith("Tệp có 3 bản ghi lỗi, chưa nhập bản ghi nào.")
    assert not Procedure.objects.filter(code__startswith="9.9000").exists()


def test_import_procedures_command(tmp_path, capsys):
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps(_record(), ensure_ascii=False) + "\n", encoding="utf-8")
    call_command("import_procedures", str(path), "--commune-only")
    assert Procedure.objects.filter(code="9.900001").exists()
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(_record(code="9.900009", fees=[{"amount_value": -5}]), ensure_ascii=False) + "\n{oops\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Dòng 2"):
        call_command("import_procedures", str(bad))
    bad.write_text(json.dumps(_record(code="9.900009", fees=[{"amount_value": -5}]), ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Dòng 1 .*không âm"):
        call_command("import_procedures", str(bad))
    with pytest.raises(CommandError, match="Không tìm thấy"):
        call_command("import_procedures", str(tmp_path / "none.json"))


def test_shipped_portal_procedures_load_with_sources():
    from coso.procedures import reference

    reference.load()
    codes = [json.loads(line)["code"] for line in portal.SHIPPED_FILE.read_text(encoding="utf-8").splitlines()]
    assert len(codes) >= 125
    for code in codes:
        v = Procedure.objects.get(code=code).version_on(TODAY)
        assert v is not None and v.source and v.confidence in ("C-3p", "I") and v.time_limit > 0, code
        assert (v.confidence == "I") == ("chưa xác nhận" in v.time_limit_note), code
    religious = Procedure.objects.get(code="1.012590").version_on(TODAY)
    assert (religious.time_limit, religious.time_unit) == (20, ProcedureVersion.TimeUnit.CALENDAR_DAYS)


def test_public_page_shows_no_confidence_letters_and_names_the_legal_documents(client):
    load_procedures()
    html = client.get(reverse("procedures:detail", args=["1.001193"])).content.decode()
    assert "độ tin cậy" not in html.lower() and "[R]" not in html and "[C-3p]" not in html
    assert "Nghị định 123/2015/NĐ-CP" in html
    assert "bản thu thập" not in html and "scripts/crawler" not in html


def test_page_crawl_parsers():
    methods = crawl.parse_methods("Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp7 Ngày làm việc70,000 VNĐ(70.000 đồng/Giấy)Trực tuyến1Miễn phí")
    assert [(m["submission_method"], m["processing_time_qty"], m["processing_time_unit"], m["fee_amount"]) for m in methods] == [
        ("Trực tiếp", 7.0, "ngày làm việc", 70000),
        ("Trực tuyến", 1.0, "", 0),
    ]
    laws = crawl.parse_legal_basis("Tên văn bản pháp lýMã văn bảnLuật Hòa giải ở cơ sở năm 201335/2013/QH13Quy định rà soát hộ nghèo24/2021/QĐ-TTg")
    assert [law["doc_code"] for law in laws] == ["35/2013/QH13", "24/2021/QĐ-TTg"]
    docs = crawl.parse_documents("Tên giấy tờMẫu đơn, tờ khaiSố lượngTờ khai đăng ký1 bản chínhGiấy tờ khác0 bản chính,2 bản sao")
    assert [(d["name"], d["original_qty"], d["copy_qty"]) for d in docs] == [("Tờ khai đăng ký", 1, 0), ("Giấy tờ khác", 0, 2)]


def test_province_admin_uploads_portal_data_on_the_import_page(login, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    load_procedures()
    c = login(users["province_admin"])
    own = _record(code="1.004873", name="Thủ tục cấp Giấy xác nhận tình trạng hôn nhân", domain="Hộ tịch")
    unknown = _record(code="9.900077")
    body = (json.dumps(own, ensure_ascii=False) + "\n" + json.dumps(unknown, ensure_ascii=False) + "\n").encode()
    r = c.post(
        reverse("procedures:import"), {"source_format": "portal", "effective_from": "2027-01-01", "file": SimpleUploadedFile("cong.jsonl", body)}
    )
    html = r.content.decode()
    assert r.status_code == 200 and "import-error" in html and "tỉnh chỉ tạo phiên bản riêng" in html
    assert not Procedure.objects.filter(code="9.900077").exists()
    assert not ProcedureVersion.objects.filter(procedure__code="1.004873", province_code="79").exists()
    r = c.post(
        reverse("procedures:import"),
        {"source_format": "portal", "effective_from": "2027-01-01", "file": SimpleUploadedFile("cong.jsonl", body.split(b"\n")[0])},
    )
    assert r.status_code == 302
    v = Procedure.objects.get(code="1.004873").version_on(dt.date(2027, 1, 2), "79")
    assert (v.province_code, v.time_limit) == ("79", 5)
    assert Procedure.objects.get(code="1.004873").version_on(dt.date(2027, 1, 2), "01").province_code == ""
    r = c.post(
        reverse("procedures:import"), {"source_format": "portal", "effective_from": "2027-01-01", "file": SimpleUploadedFile("cong.xlsx", b"x")}
    )
    assert r.status_code == 200 and "phải là tệp .json hoặc .jsonl" in r.content.decode()


@pytest.mark.parametrize("body", [b"[" * 1000 + b"]" * 1000, b"{" + b'"a":[' * 1000 + b"]" * 1000 + b"}", b'{"code": "1.004873",'])
def test_portal_data_nested_too_deeply_or_broken_on_one_line_is_refused_on_the_import_page(login, users, body):
    from django.core.files.uploadedfile import SimpleUploadedFile

    load_procedures()
    before = ProcedureVersion.objects.count()
    r = login(users["province_admin"]).post(
        reverse("procedures:import"), {"source_format": "portal", "effective_from": "2027-01-01", "file": SimpleUploadedFile("cong.json", body)}
    )
    assert r.status_code == 200 and "Tệp JSON không hợp lệ" in r.content.decode()
    assert ProcedureVersion.objects.count() == before

import datetime as dt

from django.core.management import call_command

import pytest

from coso.procedures.models import Procedure, ProcedureVersion
from coso.procedures.services import load_catalogue_file, load_procedures

pytestmark = pytest.mark.django_db

CIVIL_STATUS = [
    "Đăng ký khai sinh", "Đăng ký kết hôn", "Đăng ký khai tử", "Cấp Giấy xác nhận tình trạng hôn nhân",
    "Cấp bản sao trích lục hộ tịch", "Đăng ký lại khai sinh", "Đăng ký giám hộ",
]


def test_catalogue_file_has_30_sourced_procedures_with_steps_summing_to_100():
    rows = load_catalogue_file()
    assert len(rows) >= 30
    for r in rows:
        assert r["source"] and r["legal_basis"] and r["confidence"] in ("C", "C-3p", "I", "R"), r["code"]
        assert sum(s["share_percent"] for s in r["steps"]) == 100


def test_loader_is_idempotent_and_complete(capsys):
    call_command("load_procedures")
    n_proc, n_ver = Procedure.objects.count(), ProcedureVersion.objects.count()
    assert n_proc >= 30 and n_ver >= len(load_catalogue_file())  # at least one version per shipped row
    call_command("load_procedures")
    assert (Procedure.objects.count(), ProcedureVersion.objects.count()) == (n_proc, n_ver)
    result = load_procedures()
    assert result["versions_created"] == 0 and result["unchanged"] == len(load_catalogue_file()) and result["ended"] == 0
    names = set(Procedure.objects.values_list("name", flat=True))
    for name in CIVIL_STATUS:
        assert name in names
    assert any(n.startswith("Chứng thực bản sao từ bản chính") for n in names)
    assert any(n.startswith("Chứng thực chữ ký") for n in names)
    assert any(n.startswith("Thay đổi, cải chính") for n in names)
    assert any(n.startswith("Liên thông thủ tục đăng ký khai sinh") for n in names)


def test_copy_certification_is_same_day_with_1500_cutoff():
    load_procedures()
    v = Procedure.objects.get(code="2.000815").version_on(dt.date(2026, 11, 27))
    assert v.time_unit == ProcedureVersion.TimeUnit.SAME_DAY
    assert v.cutoff_time == dt.time(15, 0)
    assert v.fee == 2000
    assert [s.share_percent for s in v.steps.all()] and sum(s.share_percent for s in v.steps.all()) == 100


def test_loader_adds_a_newer_shipped_version_and_keeps_admin_changes(tmp_path, users):
    import json

    from coso.procedures import services

    load_procedures()
    rows = services.load_catalogue_file()
    changed = [dict(r) for r in rows]
    changed[0] = {**changed[0], "valid_from": "2027-01-01", "time_limit": 2, "time_unit": "working_days", "cutoff_time": None}
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"procedures": changed}, ensure_ascii=False), encoding="utf-8")
    result = load_procedures(path=path)
    assert result["versions_created"] == 1
    proc = Procedure.objects.get(code=changed[0]["code"])
    assert proc.versions.count() == 2 and proc.version_on(dt.date(2027, 1, 2)).time_limit == 2
    # a shipped row with other values for an existing start date is kept as the database has it
    again = [dict(r) for r in rows]
    again[1] = {**again[1], "time_limit": 99}
    path.write_text(json.dumps({"procedures": again}, ensure_ascii=False), encoding="utf-8")
    result = load_procedures(path=path)
    assert result["kept"] == 1 and result["versions_created"] == 0
    assert Procedure.objects.get(code=again[1]["code"]).versions.get().time_limit != 99


def test_demo_builder_loads_catalogue(province):
    import io

    from coso.core.demo import DemoContext
    from coso.procedures.demo import build

    build(DemoContext(province=province, communes=[], stdout=io.StringIO()))
    assert Procedure.objects.count() >= 30

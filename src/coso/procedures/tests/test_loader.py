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
    assert n_proc >= 30 and n_ver == n_proc
    call_command("load_procedures")
    assert (Procedure.objects.count(), ProcedureVersion.objects.count()) == (n_proc, n_ver)
    result = load_procedures()
    assert result["versions_created"] == 0 and result["unchanged"] == n_proc
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

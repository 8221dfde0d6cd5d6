"""Catalogue import: N procedures in the national portal's shape through Coso's importer (validation,
versions, steps, search index, audit, all-or-nothing) against a bulk_create baseline writing the same
procedures, versions and steps with no checks, measured in the same run. Rows are removed afterwards.
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal


def _records(n: int, prefix: str) -> list[dict]:
    return [
        {
            "code": f"{prefix}.{i:06d}",
            "name": f"Thủ tục đo hiệu năng số {i}",
            "agency_levels": "Xã/Phường",
            "domain": f"Lĩnh vực {i % 25}",
            "methods": [
                {"submission_method": "Trực tiếp", "processing_time_qty": 1 + i % 20, "processing_time_unit": "ngày làm việc"},
                {"submission_method": "Trực tuyến", "processing_time_qty": 1 + i % 20, "processing_time_unit": "ngày làm việc"},
            ],
            "fees": [{"fee_type": "FEE", "amount_value": (i % 5) * 10000, "amount_text": "", "submission_method": "Trực tiếp"}],
            "checklist": [{"name": "Tờ khai theo mẫu", "original_qty": 1}, {"name": "Giấy tờ tùy thân", "copy_qty": 1}],
            "legal_basis": [{"doc_code": "123/2015/NĐ-CP", "doc_name": "Nghị định quy định chi tiết Luật Hộ tịch"}],
            "decision_number": "1/QĐ-BENCH",
            "decision_date": "2025-06-01",
        }
        for i in range(n)
    ]


def _cleanup(prefix: str) -> None:
    from coso.procedures.models import Procedure, ProcedureStep, ProcedureVersion

    ProcedureStep.objects.filter(version__procedure__code__startswith=prefix + ".").delete()
    ProcedureVersion.objects.filter(procedure__code__startswith=prefix + ".").delete()
    Procedure.objects.filter(code__startswith=prefix + ".").delete()


def run(quick: bool = False) -> list[dict]:
    from coso.core.text import fold
    from coso.procedures.models import Procedure, ProcedureStep, ProcedureVersion
    from coso.procedures.portal import portal_import, portal_rows
    from coso.procedures.services import default_steps

    n = 50 if quick else 2000
    records = _records(n, "8")
    t0 = time.perf_counter()
    result = portal_import(actor=None, records=records)
    t_import = time.perf_counter() - t0
    assert result["procedures_created"] == n
    _cleanup("8")

    base = _records(n, "7")
    t0 = time.perf_counter()
    rows = portal_rows(base)  # the same parsing, then raw writes without validation, versions logic or audit
    procs = Procedure.objects.bulk_create([Procedure(code=r["code"], name=r["name"], name_folded=fold(r["name"]), field=r["field"]) for r in rows])
    versions = ProcedureVersion.objects.bulk_create(
        [
            ProcedureVersion(
                procedure=p,
                valid_from=dt.date(2025, 7, 1),
                time_limit=Decimal(r["time_limit"]),
                time_unit=r["time_unit"],
                fee=r["fee"],
                fee_note=r["fee_note"],
                required_documents=r["required_documents"],
                legal_basis=r["legal_basis"],
                source=r["source"],
                confidence=r["confidence"],
            )
            for p, r in zip(procs, rows, strict=True)
        ]
    )
    steps = default_steps()
    ProcedureStep.objects.bulk_create([ProcedureStep(version=v, **s) for v in versions for s in steps])
    t_bulk = time.perf_counter() - t0
    _cleanup("7")
    return [
        {
            "benchmark": f"catalogue import of {n} portal records (validated, versioned, audited, all-or-nothing)",
            "value": round(n / t_import, 1),
            "unit": "procedures/s",
            "baseline": "bulk_create of the same procedures, versions and steps (no checks, no audit)",
            "baseline_value": round(n / t_bulk, 1),
            "note": f"import {t_import:.2f}s, baseline {t_bulk:.2f}s ({t_import / t_bulk:.1f}× slower)",
        }
    ]

"""Reorganisation: applying a commune split that moves 50,000 records (issue #12 §5; goal: under 60 s).

Data: one commune of province 79 with 20 villages, and 50,000 records to move (quick: 500): 25,000 open feedback
items spread over the villages (they follow their village), 15,000 open tasks, and 10,000 civil servants in post,
each with one position row that moves with the person. The decision splits the commune into two new communes
(villages 1–10 to the first, which is the primary successor, 11–20 to the second); the old commune ends.

Measured (Coso): ``coso.units.services.reorganisation_apply`` on the effective date, the whole job: every app's
mover (one bulk UPDATE per 2,000 ids, each chunk audited with the ids it moved), the new units, the end of the old
one, the successions, the result. It runs in one transaction, so the time measured is also how long writes to the
moved rows are blocked (on PostgreSQL the row locks; on SQLite the whole database write lock). The preview (counts
per app and target) is timed separately.

Baseline, same run, same data: the same moves as raw SQL, one UPDATE per table (feedback by village with a CASE,
tasks, people, positions, villages), no audit, no checks; then undone with raw SQL before Coso's run.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

PROVINCE = "79"
FULL = {"feedback": 25_000, "tasks": 15_000, "people": 10_000}
QUICK = {"feedback": 250, "tasks": 150, "people": 100}
NEW_CODES = ("99901", "99902")
EFFECTIVE = dt.date(2026, 7, 1)


def build(sizes: dict[str, int]) -> tuple[Any, list[Any]]:
    from django.utils import timezone

    from coso.core.text import fold
    from coso.feedback.models import Feedback, FeedbackCategory
    from coso.tasks.models import Directive, Task
    from coso.units.models import AdministrativeUnit, Village
    from coso.workforce.models import Person, PositionHolding

    commune = AdministrativeUnit.objects.filter(level="commune", province_code=PROVINCE).order_by("code").first()
    if commune is None:
        raise RuntimeError("No communes: run load_units first.")
    villages = [Village.objects.get_or_create(commune=commune, name=f"Khu phố bench {i}", defaults={
        "province_code": PROVINCE, "commune_code": commune.code, "name_folded": fold(f"khu pho bench {i}"), "kind": "khu_pho",
        "households": 400, "population": 1500})[0] for i in range(1, 21)]
    if Feedback.objects.filter(code__startswith="BENCH-").exists():
        return commune, villages
    cat, _ = FeedbackCategory.objects.get_or_create(code="bench", defaults={"name": "Bench", "classification": "local"})
    now, today = timezone.now(), timezone.localdate()
    rows: list[Any] = []
    for n in range(sizes["feedback"]):
        rows.append(Feedback(code=f"BENCH-{n:07d}", category=cat, province_code=PROVINCE, commune_code=commune.code, village=villages[n % 20],
                             title="Đèn đường hỏng", text="Đèn đường hỏng", status="processing", submitted_at=now, start_date=today,
                             reject_due=today, info_due=today, answer_due=today + dt.timedelta(days=15)))
        if len(rows) >= 5000:
            Feedback.objects.bulk_create(rows)
            rows = []
    Feedback.objects.bulk_create(rows)
    d = Directive.objects.create(number="1/BENCH-REORG", issued_on=dt.date(2026, 1, 5), issuer="UBND", level="province", summary="bench",
                                 province_code=PROVINCE)
    Task.objects.bulk_create([Task(directive=d, batch="bench-reorg", title="Nhiệm vụ", lead_unit="UBND", assigned_on=dt.date(2026, 1, 5),
                                   due_on=dt.date(2026, 12, 31), effective_due=dt.date(2026, 12, 31), province_code=PROVINCE,
                                   commune_code=commune.code) for _ in range(sizes["tasks"])], batch_size=5000)
    people = Person.objects.bulk_create([Person(province_code=PROVINCE, commune_code=commune.code, full_name=f"Người {n}",
                                                birth_date=dt.date(1980, 1, 1), gender="male", kind="civil_servant")
                                         for n in range(sizes["people"])], batch_size=5000)
    PositionHolding.objects.bulk_create([PositionHolding(person=p, province_code=PROVINCE, commune_code=commune.code, position_code="vp",
                                                         started_on=dt.date(2020, 1, 1)) for p in people], batch_size=5000)
    return commune, villages


def _baseline(commune: Any, villages: list[Any], undo: bool = False) -> float:
    from django.db import connection, transaction

    a, b = NEW_CODES
    first = ",".join(str(v.pk) for v in villages[:10])
    src, when_first, other = (commune.code, a, b) if not undo else (None, None, None)
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        if not undo:
            cur.execute(f"UPDATE feedback_feedback SET commune_code = CASE WHEN village_id IN ({first}) THEN %s ELSE %s END "  # noqa: S608
                        "WHERE commune_code = %s AND status IN ('pending','processing','info_requested')", [when_first, other, src])
            cur.execute("UPDATE tasks_task SET commune_code = %s WHERE commune_code = %s AND state = 'open'", [a, src])
            cur.execute("UPDATE workforce_person SET commune_code = %s WHERE commune_code = %s AND left_on IS NULL", [a, src])
            cur.execute("UPDATE workforce_positionholding SET commune_code = %s WHERE commune_code = %s", [a, src])
            cur.execute(f"UPDATE units_village SET commune_code = CASE WHEN id IN ({first}) THEN %s ELSE %s END "  # noqa: S608
                        "WHERE commune_code = %s", [a, b, src])
        else:
            for table in ("feedback_feedback", "tasks_task", "workforce_person", "workforce_positionholding", "units_village"):
                cur.execute(f"UPDATE {table} SET commune_code = %s WHERE commune_code IN (%s, %s)", [commune.code, a, b])  # noqa: S608
    return time.perf_counter() - t0


def moved_records(result: dict[str, Any]) -> int:
    """The records a reorganisation moved, from its result: each mover's entries per commune or village; the notes a move
    adds beside (``duplicates_closed:<commune>``, ``returned:<commune>``) are records already counted there."""
    from coso.units.reorg import split_key

    return sum(n for counts in result["movers"].values() for k, n in counts.items() if not split_key(k)[0])


def run(quick: bool = False) -> list[dict[str, Any]]:
    from coso.accounts.models import User
    from coso.accounts.roles import Role
    from coso.units import services
    from coso.units.models import AdministrativeUnit

    sizes = QUICK if quick else FULL
    t0 = time.perf_counter()
    commune, villages = build(sizes)
    build_s = time.perf_counter() - t0
    total = sum(sizes.values())
    base_s = _baseline(commune, villages)
    _baseline(commune, villages, undo=True)
    admin, _ = User.objects.get_or_create(username="bench-reorg-admin", defaults={"role": Role.PROVINCE_ADMIN, "province_code": PROVINCE})
    spec = {"source": commune.code, "primary": NEW_CODES[0],
            "targets": [{"code": NEW_CODES[0], "name": "Phường Bench Một", "kind": commune.kind, "population": 30000, "area_km2": "12"},
                        {"code": NEW_CODES[1], "name": "Phường Bench Hai", "kind": commune.kind, "population": 25000, "area_km2": "9"}],
            "villages": {str(v.pk): NEW_CODES[0] if i < 10 else NEW_CODES[1] for i, v in enumerate(villages)}}
    a = time.perf_counter()
    r = services.reorganisation_schedule(actor=admin, province_code=PROVINCE, kind="commune_split", decision_number="99/NQ-UBTVQH15-BENCH",
                                         decision_date=EFFECTIVE - dt.timedelta(days=60), effective_on=EFFECTIVE, title="Chia tách (bench)",
                                         spec=spec, today=EFFECTIVE - dt.timedelta(days=30))
    preview_s = time.perf_counter() - a
    a = time.perf_counter()
    services.reorganisation_apply(reorganisation_id=r.pk, today=EFFECTIVE)
    apply_s = time.perf_counter() - a
    r.refresh_from_db()
    moved = moved_records(r.result)
    left = AdministrativeUnit.all_objects.get(code=commune.code, valid_to=EFFECTIVE) is not None
    from django.db import connection

    blocked = "the whole database (SQLite's write lock)" if connection.vendor == "sqlite" else "the moved rows (PostgreSQL row locks)"
    return [
        {
            "benchmark": f"reorg: apply a commune split moving {moved:,} records (+{sizes['people']:,} positions)",
            "value": round(apply_s, 3),
            "unit": "s",
            "baseline": "raw SQL, one UPDATE per table, no audit",
            "baseline_value": round(base_s, 3),
            "note": (f"goal < 60 s; one transaction: writes to {blocked} blocked {apply_s:.1f} s; "
                     f"{total:,} records built in {build_s:.0f} s; old commune ended: {left}; status {r.status}"),
        },
        {
            "benchmark": "reorg: preview + schedule of the same split (counts per app and target)",
            "value": round(preview_s, 3),
            "unit": "s",
            "baseline": "raw SQL, one UPDATE per table, no audit",
            "baseline_value": round(base_s, 3),
            "note": "read-only counts plus one insert; nothing is blocked",
        },
    ]

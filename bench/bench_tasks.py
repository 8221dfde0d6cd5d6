"""Task follow-up at province scale: the periodic task-status report for a province with 200,000 tasks.

Data: 200,000 tasks (quick: 2,000) of one province (code 79), spread over its communes and over 2025, each with an
outcome drawn like the demo's (completed on time / late, overdue, within term, extended, stopped), inserted with
bulk_create, then ANALYZE (PostgreSQL: VACUUM ANALYZE, as autovacuum leaves a table in use). Goal (issue #12): p95
under 200 ms.

Measured: ``coso.tasks.selectors.task_report_figures`` for the year 2025 (all tasks) and for one month, as a province
officer (Coso: one query grouped by commune, each official status a filtered count over the stored day numbers, read
in commune order for the year and by the range of assignment days for the month). Baseline, same run, same data: the same report computed task by task in Python with
``status.official_status`` (``engine="python"``), which every row must reach.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from typing import Any

FULL_SIZE = 200_000
QUICK_SIZE = 2_000
PROVINCE = "79"


def _pct(samples: list[float], p: float) -> float:
    s = sorted(samples)
    k = max(0, min(len(s) - 1, round(p / 100 * (len(s) - 1))))
    return s[k]


def build(size: int, *, seed: int = 2026) -> int:
    from coso.tasks.models import Directive, Task
    from coso.units.models import AdministrativeUnit

    communes = list(AdministrativeUnit.objects.filter(level="commune", province_code=PROVINCE).values_list("code", flat=True).order_by("code"))
    if not communes:
        raise RuntimeError("No communes: run load_units first.")
    have = Task.objects.filter(batch="bench").count()
    if have >= size:
        return have
    rng = random.Random(seed)
    directives = [
        Directive.objects.create(
            number=f"{i}/BENCH",
            issued_on=dt.date(2025, 1, 1) + dt.timedelta(days=17 * i),
            issuer="UBND",
            level="province",
            summary="bench",
            province_code=PROVINCE,
        )
        for i in range(20)
    ]
    look = dt.date(2025, 12, 14)
    rows: list[Any] = []
    for n in range(size - have):
        d = directives[n % len(directives)]
        assigned = d.issued_on + dt.timedelta(days=rng.randint(0, 14))
        due = assigned + dt.timedelta(days=rng.randint(10, 90))
        t = Task(
            directive=d,
            batch="bench",
            title="Nhiệm vụ",
            lead_unit="UBND",
            assigned_on=assigned,
            due_on=due,
            effective_due=due,
            province_code=PROVINCE,
            commune_code=communes[n % len(communes)],
        )
        r = rng.random()
        if r < 0.05:
            t.effective_due = due + dt.timedelta(days=20)
        if due < look:
            if r < 0.80:
                t.state, t.completed_on = "completed", min(look, t.effective_due - dt.timedelta(days=rng.randint(0, 5)))
            elif r < 0.90:
                t.state, t.completed_on = "completed", min(look, t.effective_due + dt.timedelta(days=rng.randint(1, 30)))
            elif r < 0.92:
                t.state, t.cancelled_on = "cancelled", min(look, due)
        t.completed_on = max(t.completed_on, assigned) if t.completed_on else None
        rows.append(t)
        if len(rows) >= 5000:
            Task.objects.bulk_create(rows)
            rows = []
    if rows:
        Task.objects.bulk_create(rows)
    _analyze()
    return Task.objects.filter(batch="bench").count()


def _analyze() -> None:
    """Statistics (and PostgreSQL's visibility map) as autovacuum would leave them on a table in use."""
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:  # VACUUM cannot run in a transaction (tests)
            cur.execute("VACUUM ANALYZE tasks_task")
        else:
            cur.execute("ANALYZE tasks_task")


def run(quick: bool = False) -> list[dict[str, Any]]:
    from coso.accounts.models import User
    from coso.accounts.roles import Role
    from coso.tasks.selectors import task_report_figures

    size = QUICK_SIZE if quick else FULL_SIZE
    t0 = time.perf_counter()
    n = build(size)
    build_s = time.perf_counter() - t0
    officer = User(username="bench-province", role=Role.PROVINCE_HOME_AFFAIRS, province_code=PROVINCE, is_active=True)
    out: list[dict[str, Any]] = []
    for label, start, end in (
        ("year 2025", dt.date(2024, 12, 15), dt.date(2025, 12, 14)),
        ("month 6/2025", dt.date(2025, 5, 15), dt.date(2025, 6, 14)),
    ):
        task_report_figures(fetched_by=officer, start=start, end=end)  # warm
        coso_ms: list[float] = []
        for _ in range(5 if quick else 20):
            a = time.perf_counter()
            data = task_report_figures(fetched_by=officer, start=start, end=end)
            coso_ms.append((time.perf_counter() - a) * 1000)
        base_ms: list[float] = []
        for _ in range(2 if quick else 3):
            a = time.perf_counter()
            ref = task_report_figures(fetched_by=officer, start=start, end=end, engine="python")
            base_ms.append((time.perf_counter() - a) * 1000)
        same = ref["total"].as_dict() == data["total"].as_dict()
        total = data["total"]
        out.append(
            {
                "benchmark": f"tasks: province task-status report, {label} ({total.total:,} tasks)",
                "value": round(_pct(coso_ms, 95), 1),
                "unit": "ms p95",
                "baseline": "same report task by task in Python (official_status)",
                "baseline_value": round(_pct(base_ms, 95), 1),
                "note": (
                    f"{n:,} tasks in the province (inserted in {build_s:.0f} s); goal p95 < 200 ms; same figures as the baseline: {same}; "
                    f"completion {total.completion_rate} %, overdue {total.overdue_rate} %"
                ),
            }
        )
    return out

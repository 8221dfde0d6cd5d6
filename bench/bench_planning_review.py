"""The yearly planning review at national scale (coso.planning.services.review_run), beside a per-candidate baseline.

Data (generated here, deterministic): the national workforce of ``bench_workforce`` (~320,000 people; ``quick``: 2,000 in
30 communes), and for the next term (2030–2035) a planning list for each of the 11 plannable commune posts of every commune
with 3 candidates each, drawn from the commune's cadres and civil servants holding a lower post (~110,000 candidates). About one candidate in
ten is born before 1972 (too old for a full next term) or carries a recent discipline, so the review has removals to propose.

Measured: ``review_run`` over the whole country on 1/12/2026 — every active candidate checked against age to retirement,
discipline waits, last evaluation and standards of the planned post, with one audited proposal written per candidate
flagged. Baseline in the same run: the same checks done candidate by candidate (one ``planning_profiles`` call and one
``assess`` per candidate, as a straightforward loop would), timed on a sample and extrapolated to all candidates.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import random
import sys
import time
from pathlib import Path
from typing import Any

ON = dt.date(2026, 12, 1)
TERM = "2030-2035"


def _workforce_bench() -> Any:
    name = "bench.bench_workforce"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("bench_workforce.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _ensure_candidates(seed: int = 2030) -> tuple[int, float]:
    from coso.planning.catalogue import PLANNABLE, RANKS, TERMS
    from coso.planning.models import Candidate, PlanningList
    from coso.workforce.models import Discipline, Person

    have = Candidate.objects.filter(planning_list__term=TERM).count()
    if have:
        return have, 0.0
    assert TERM in TERMS
    rng = random.Random(seed)
    t0 = time.perf_counter()
    by_commune: dict[str, list[tuple[int, str, int]]] = {}
    for pid, commune, province, pos in Person.objects.filter(kind__in=["cadre", "civil_servant"]).values_list(
            "id", "commune_code", "province_code", "position_code"):
        by_commune.setdefault(commune, []).append((pid, province, RANKS.get(pos, 0)))
    lists = [PlanningList(province_code=people[0][1], commune_code=commune, term=TERM, position_code=pos)
             for commune, people in sorted(by_commune.items()) for pos in PLANNABLE]
    PlanningList.objects.bulk_create(lists, batch_size=5000)
    ids = dict(((pl.commune_code, pl.position_code), pl.pk) for pl in PlanningList.objects.filter(term=TERM).only("id", "commune_code", "position_code"))
    batch: list[Candidate] = []
    disciplines: list[Discipline] = []
    count = 0
    for commune, people in sorted(by_commune.items()):
        for pos in PLANNABLE:
            lower = [p for p in people if p[2] < RANKS[pos]]  # only a post higher than the one held is planned
            for pid, province, _rank in rng.sample(lower, min(3, len(lower))):
                batch.append(Candidate(planning_list_id=ids[(commune, pos)], person_id=pid, entered_on=dt.date(2026, 1, 5), decision="QĐ bench",
                                       province_code=province, commune_code=commune))
                count += 1
                if rng.random() < 0.03:
                    disciplines.append(Discipline(person_id=pid, form="khien_trach", decided_on=dt.date(2026, 5, 1), province_code=province,
                                                  commune_code=commune))
                if len(batch) >= 5000:
                    Candidate.objects.bulk_create(batch, batch_size=5000, ignore_conflicts=True)
                    batch = []
    if batch:
        Candidate.objects.bulk_create(batch, batch_size=5000, ignore_conflicts=True)
    Discipline.objects.bulk_create(disciplines, batch_size=5000)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"ANALYZE {Candidate._meta.db_table}")
            cur.execute(f"ANALYZE {Discipline._meta.db_table}")
    return Candidate.objects.filter(planning_list__term=TERM).count(), time.perf_counter() - t0


def _naive(sample: list[Any]) -> float:
    """The same checks one candidate at a time (no proposal written): seconds for the sample."""
    from coso.planning import checks
    from coso.planning.services import position_name
    from coso.workforce import selectors as wf

    t = time.perf_counter()
    for c in sample:
        r = checks.PlanningRules(ON, c.province_code)
        target = c.planning_list.position_code
        profile = wf.planning_profiles([c.person_id], on=ON, targets={c.person_id: target})[c.person_id]
        checks.blocking(checks.assess(profile, target=target, term=c.planning_list.term, r=r, target_name=position_name(target)))
    return time.perf_counter() - t


def run(quick: bool = False) -> list[dict[str, Any]]:
    from coso.planning import services
    from coso.planning.models import Candidate, RemovalProposal

    people, insert_people = _workforce_bench()._ensure_people(2_000 if quick else 320_000, quick)
    candidates, insert_candidates = _ensure_candidates()
    RemovalProposal.objects.filter(year=ON.year).delete()  # a second run measures the same work
    t = time.perf_counter()
    counts = services.review_run(on=ON)
    seconds = time.perf_counter() - t
    rng = random.Random(7)
    ids = list(Candidate.objects.filter(status="active", planning_list__term=TERM).values_list("id", flat=True))
    sample_ids = rng.sample(ids, min(len(ids), 200 if quick else 1_000))
    sample = list(Candidate.objects.filter(id__in=sample_ids).select_related("planning_list"))
    naive = _naive(sample) / max(len(sample), 1) * counts["checked"]
    def n(x: int) -> str:
        return f"{x:,}".replace(",", ".")

    note = (f"{n(people)} người, {n(candidates)} người trong quy hoạch nhiệm kỳ {TERM}; đề xuất đưa ra {n(counts['proposed'])} "
            f"(mỗi đề xuất ghi nhật ký); tạo dữ liệu {insert_people + insert_candidates:.1f} s; đối chứng: kiểm tra từng người "
            f"trên mẫu {n(len(sample))} người, ngoại suy")
    return [
        {"benchmark": "planning.review.national_seconds", "value": round(seconds, 3), "unit": "s",
         "baseline": "per-candidate loop (sample, extrapolated)", "baseline_value": round(naive, 3), "note": note},
    ]


if __name__ == "__main__":  # pragma: no cover
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coso.conf.base")
    django.setup()
    for row in run(quick=True):
        print(row)

"""Workforce review at national scale: every cadre and civil servant against the standards of the
position, quotas, age structure, women/ethnic-minority shares and retirements in 1/3/5 years.

Data: ~320,000 people (≈96 per commune × 3,321 communes) generated with the demo builder and
inserted with bulk_create. Measured: ``selectors.review`` for the whole country (one streamed
query, standards compiled once per position/kind/province/difficult-area). Baselines in the same
run: (1) a naive per-person ORM loop (load the person, its commune, look the standard up, check,
compute retirement) timed on a sample and extrapolated to the whole workforce; (2) a pure-SQL
GROUP BY that counts staff, women and university degrees per commune — only one of the standards,
so a floor for what a database aggregate alone could do.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from typing import Any


def _ensure_people(target: int, quick: bool) -> tuple[int, float]:
    from coso.units.models import AdministrativeUnit
    from coso.workforce import demo
    from coso.workforce.models import Person

    have = Person.objects.count()
    if have >= target:
        return have, 0.0
    communes = list(AdministrativeUnit.objects.filter(level="commune").order_by("code"))
    if quick:
        communes = communes[:30]
    if not communes:
        raise RuntimeError("no communes: run load_units first")
    per_commune = sum(c for _, _, c in demo.STRUCTURE)
    scale = max(1.0, float(int(target / (per_commune * len(communes)))))
    rng = random.Random(320_000)
    today = dt.date(2026, 11, 1)
    t0 = time.perf_counter()
    batch: list[Any] = []
    made = have
    while made < target:  # several passes over the communes until the target is reached
        for p in demo.generate(rng, communes, today=today, scale=scale):
            made += 1
            p.citizen_id = f"9{made:011d}"  # unique without a lookup
            batch.append(p)
            if len(batch) >= 5000:
                Person.objects.bulk_create(batch, batch_size=5000)
                batch = []
            if made >= target:
                break
    if batch:
        Person.objects.bulk_create(batch, batch_size=5000)
    from django.db import connection

    if connection.vendor == "postgresql":  # what autovacuum does within a minute of a bulk load: planner statistics
        with connection.cursor() as cur:
            cur.execute(f"ANALYZE {Person._meta.db_table}")
    return Person.objects.count(), time.perf_counter() - t0


def _naive(sample_ids: list[int], on: dt.date) -> float:
    from coso.units.models import AdministrativeUnit
    from coso.workforce import rules
    from coso.workforce.models import Person
    from coso.workforce.policy import Policy

    t0 = time.perf_counter()
    for pk in sample_ids:
        p = Person.objects.get(pk=pk)
        unit = AdministrativeUnit.objects.filter(code=p.commune_code).first()
        policy = Policy(on)  # the rules of the day from the rule book (an in-memory snapshot)
        req = policy.standard(p.position_code, p.kind, p.province_code, p.commune_code, difficult_area=bool(unit and unit.is_difficult_area))
        rules.check_standards(p.qualification_dict(), req, on)
        rules.retirement_date(p.birth_date, p.gender, policy.roadmap)
    return time.perf_counter() - t0


def _sql_floor() -> float:
    from django.db import connection

    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT commune_code, COUNT(*), SUM(CASE WHEN gender = 'female' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN degree_level IN ('dai_hoc', 'thac_si', 'tien_si') THEN 1 ELSE 0 END) "
            "FROM workforce_person WHERE left_on IS NULL GROUP BY commune_code"
        )
        cur.fetchall()
    return time.perf_counter() - t0


def run(quick: bool = False) -> list[dict]:
    import django

    if not django.apps.apps.ready:  # run standalone
        import os

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coso.conf.base")
        django.setup()
    from coso.accounts.models import User
    from coso.rules.services import load_rules
    from coso.workforce import selectors
    from coso.workforce.models import Person

    load_rules()  # the shipped rule book (standards, quotas, retirement roadmap), idempotent
    target = 2_000 if quick else 320_000
    count, insert_s = _ensure_people(target, quick)
    on = dt.date(2026, 11, 27)
    superuser = User(username="bench", is_superuser=True, is_active=True, role="system_admin")

    selectors.review(fetched_by=superuser, on=on)  # warm caches (the rule book's in-memory index)
    t0 = time.perf_counter()
    result = selectors.review(fetched_by=superuser, on=on)
    review_s = time.perf_counter() - t0
    assert result["total"]["staff"] == Person.objects.filter(selectors.active_q(on)).count()

    rng = random.Random(7)
    ids = list(Person.objects.values_list("id", flat=True)[: min(count, 200_000)])
    sample = rng.sample(ids, min(len(ids), 300 if quick else 2_000))
    naive_s = _naive(sample, on) * count / len(sample)
    sql_s = _sql_floor()
    communes = len(result["communes"])
    rows = [
        {"benchmark": f"workforce review, {count:,} people / {communes:,} communes", "value": round(review_s, 3), "unit": "s",
         "baseline": f"naive per-person ORM loop (sample {len(sample):,}, extrapolated)", "baseline_value": round(naive_s, 3),
         "note": f"compliance {result['total']['compliance_rate']:.1%}; retiring in 5 years {result['total']['retire']['5']:,}"},
        {"benchmark": "workforce review, same data", "value": round(review_s, 3), "unit": "s",
         "baseline": "pure-SQL GROUP BY (staff, women, university only)", "baseline_value": round(sql_s, 3),
         "note": "the SQL floor checks one standard, no quotas, ages or retirements"},
        {"benchmark": "workforce review throughput", "value": round(count / review_s), "unit": "people/s",
         "baseline": "naive ORM loop", "baseline_value": round(count / naive_s), "note": "higher is better"},
    ]
    if insert_s:
        rows.append({"benchmark": f"generate + bulk_create {count:,} people", "value": round(insert_s, 2), "unit": "s",
                     "baseline": "—", "baseline_value": float("nan"), "note": "data set-up, for reference"})
    return rows


if __name__ == "__main__":
    for r in run(quick=True):
        print(r)

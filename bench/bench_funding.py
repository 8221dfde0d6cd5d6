"""Funding allocation at national scale: Coso's allocation engine against a vectorised numpy computation.

Data (generated here if missing, streamed in batches): every commune of the bench database (3,321 after
``load_units``) gets a classification and flags if it has none, about 19 villages each (≈64,000, household
counts drawn like the units demo), the Front, the four socio-political organisations and 2–4 special
associations. Rules are the shipped rule book (national values; Ho Chi Minh City's own village titles, Côn Đảo's).
On PostgreSQL the tables read are then analysed, as autovacuum does within a minute of a bulk load (a server with
autovacuum off would otherwise plan every read without statistics).

Measured, for the year 2026 (which crosses the end of the commune part-time fund on 31/5/2026):
1. national allocation: ``selectors.allocation_compute`` for every province, month by month with the rule of each
   month, totals only (``detail=False``) and with formulas (``detail=True``);
2. four-scenario comparison: ``compare.compare`` (current rules + 4 scenarios) for every province;
3. the province funding Excel export (export kind ``funding.allocation_xlsx``: the work its job runs, the allocation with
   formulas and the workbook) for the province with the most communes (quick: one commune), against the same
   allocation without the workbook. Goal: under 2 s of work.
Baseline in the same run: the same totals computed with numpy (rules resolved per month and per scope with rules of its
own — the national rules, Ho Chi Minh City's paid village titles, Côn Đảo's — recipients as arrays, integer arithmetic
for the cumulative rounding of annual norms), including reading the rows from the database. Both read the rule book.
The totals are checked equal; a mismatch raises.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

YEAR = 2026
SCENARIOS = [
    ("Nâng quỹ thôn lên 5,0", [("funding.village.coef.low", "set", "5.0")]),
    ("MTTQ +20%", [("funding.org.mttq.*", "percent", "20"), ("funding.mttq_campaign.*", "percent", "20")]),
    ("Đoàn thể +10%", [("funding.org.*", "percent", "10")]),
    ("Lương cơ sở 2.700.000", [("salary.base", "set", "2700000")]),
]
_NAMES = ["Bình An", "Tân Phú", "Phú Hòa", "An Lạc", "Long Thạnh", "Hòa Bình", "Thạnh Lộc", "Tân Hiệp", "Mỹ Hòa", "Đông Thành"]


def _communes(quick: bool) -> list[Any]:
    from coso.units.models import AdministrativeUnit

    qs = AdministrativeUnit.objects.filter(level="commune").order_by("code")
    if quick:
        first = qs.values_list("province_code", flat=True).first()
        qs = qs.filter(province_code=first)[:60]
    return list(qs)


def ensure_data(quick: bool) -> dict[str, int]:
    """Classification/flags for communes that lack them, villages for communes without any, organisations."""
    from coso.core.text import fold
    from coso.funding.demo import build_organisations
    from coso.units.models import AdministrativeUnit, Village

    communes = _communes(quick)
    rng = random.Random(f"bench-funding:{quick}")
    missing_cls = [c for c in communes if not c.classification]
    for c in missing_cls:
        urban = c.kind == "phuong"
        c.classification = rng.choices(["I", "II", "III"], weights=[5, 3, 2] if urban else [3, 4, 3])[0]
        c.is_border_or_island = c.kind == "dac_khu" or rng.random() < 0.03
        c.is_difficult_area = (not urban) and rng.random() < 0.12
        c.is_security_hotspot = rng.random() < 0.04
    AdministrativeUnit.objects.bulk_update(missing_cls, ["classification", "is_border_or_island", "is_difficult_area", "is_security_hotspot"], batch_size=1000)
    have = set(Village.objects.filter(commune__in=[c.pk for c in communes] if quick else AdministrativeUnit.objects.filter(level="commune"))
               .values_list("commune_id", flat=True).distinct())
    batch: list[Village] = []
    created = 0
    for c in communes:
        if c.pk in have:
            continue
        urban = c.kind == "phuong"
        kind = "to_dan_pho" if urban else "thon"
        for j in range(1, rng.randint(10, 28) + 1):
            name = f"{'Tổ dân phố' if urban else 'Thôn'} {_NAMES[j - 1] if j <= len(_NAMES) and rng.random() < 0.3 else j}"
            hh = int(rng.triangular(120, 1100, 420 if urban else 330))
            batch.append(Village(commune=c, province_code=c.province_code, commune_code=c.code, name=name, name_folded=fold(name), kind=kind,
                                 households=hh, population=int(hh * 3.6), is_border_or_island=c.is_border_or_island,
                                 is_security_hotspot=rng.random() < 0.02, converted_from_thon=urban and hh >= 350 and rng.random() < 0.1))
        if len(batch) >= 5000:  # streamed: bounded memory
            Village.objects.bulk_create(batch, ignore_conflicts=True)
            created += len(batch)
            batch = []
    Village.objects.bulk_create(batch, ignore_conflicts=True)
    created += len(batch)
    orgs = build_organisations(communes, random.Random("bench-funding-orgs"))
    _analyze()
    return {"communes": len(communes), "villages_created": created, "orgs_created": orgs,
            "villages": Village.objects.filter(commune__in=[c.pk for c in communes]).count() if quick else Village.objects.count()}


def _analyze() -> None:
    """What autovacuum does within a minute of a bulk load, on PostgreSQL: planner statistics for the tables read. Without
    them (a server with autovacuum off, or the first minute after the load) the planner guesses that the ids of a large
    province (some 130 communes or more) match most villages: it reads the whole table for each such province and
    compares every row with every listed id, instead of reading the commune index (0.1 s of server time or more each)."""
    from django.db import connection

    from coso.funding.models import ExtraWorkers, Organisation
    from coso.units.models import AdministrativeUnit, Village

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        for model in (AdministrativeUnit, Village, Organisation, ExtraWorkers):
            cur.execute(f"ANALYZE {model._meta.db_table}")


def _provinces(quick: bool) -> list[tuple[str, list[str] | None]]:
    communes = _communes(quick)
    if quick:
        return [(communes[0].province_code, [c.code for c in communes])]
    return [(p, None) for p in sorted({c.province_code for c in communes})]


def _changes(spec: list[tuple[str, str, str]]) -> list[Any]:
    from coso.funding.rules import Change

    return [Change(k, m, Decimal(v)) for k, m, v in spec]


# ----------------------------------------------------------------------------- Coso

def coso_national(quick: bool, *, detail: bool) -> int:
    from coso.funding.engine import Period
    from coso.funding.selectors import allocation_compute

    period = Period.parse(str(YEAR))
    return sum(allocation_compute(province_code=p, period=period, commune_codes=codes, detail=detail).total for p, codes in _provinces(quick))


def coso_compare(quick: bool) -> list[int]:
    from coso.funding.compare import compare
    from coso.funding.engine import Period
    from coso.funding.selectors import commune_inputs
    from coso.units.models import AdministrativeUnit

    period = Period.parse(str(YEAR))
    totals = [0] * (len(SCENARIOS) + 1)
    for p, codes in _provinces(quick):
        qs = AdministrativeUnit.objects.filter(level="commune", province_code=p)
        if codes is not None:
            qs = qs.filter(code__in=codes)
        cmp = compare(province_code=p, period=period, scenarios=[None, *[(n, _changes(s)) for n, s in SCENARIOS]],
                      inputs_factory=lambda qs=qs: commune_inputs(qs))
        totals = [a + b for a, b in zip(totals, cmp.totals, strict=True)]
    return totals


# ----------------------------------------------------------------------------- numpy baseline

def _rhu(x: Decimal) -> int:
    return int(x.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def load_arrays(quick: bool) -> dict[str, Any]:
    import numpy as np

    from coso.funding.models import ExtraWorkers, Organisation
    from coso.units.models import AdministrativeUnit, Village

    cqs = AdministrativeUnit.objects.filter(level="commune")
    if quick:
        cqs = cqs.filter(code__in=[c.code for c in _communes(True)])
    rows = list(cqs.values_list("id", "classification", "is_border_or_island", "is_difficult_area", "is_security_hotspot", "valid_from", "valid_to",
                                "province_code", "code"))
    idx = {r[0]: i for i, r in enumerate(rows)}
    cls_map = {"special": 0, "I": 0, "II": 1, "III": 2}
    extra = dict(ExtraWorkers.objects.order_by("commune_id", "valid_from").values_list("commune_id", "extra_pt_workers"))  # one row each in the demo
    c = {
        "cls": np.array([cls_map.get(r[1], 2) for r in rows], dtype=np.int64),
        "border": np.array([r[2] for r in rows], dtype=bool), "difficult": np.array([r[3] for r in rows], dtype=bool),
        "hotspot": np.array([r[4] for r in rows], dtype=bool), "extra": np.array([extra.get(r[0], 0) for r in rows], dtype=np.int64),
        "from": np.array([r[5].toordinal() if r[5] else 0 for r in rows], dtype=np.int64),
        "to": np.array([r[6].toordinal() if r[6] else 10**7 for r in rows], dtype=np.int64),
        "province": np.array([r[7] for r in rows]), "code": np.array([r[8] for r in rows]),
    }
    vqs = Village.objects.filter(commune_id__in=list(idx)) if quick else Village.objects.all()
    vrows = list(vqs.values_list("commune_id", "kind", "households", "is_border_or_island", "is_security_hotspot", "converted_from_thon", "valid_from", "valid_to"))
    v = {
        "c": np.array([idx[r[0]] for r in vrows], dtype=np.int64), "thon": np.array([r[1] in ("thon", "ap", "ban") for r in vrows], dtype=bool),
        "hh": np.array([r[2] for r in vrows], dtype=np.int64), "border": np.array([r[3] for r in vrows], dtype=bool),
        "hotspot": np.array([r[4] for r in vrows], dtype=bool), "conv": np.array([r[5] for r in vrows], dtype=bool),
        "from": np.array([r[6].toordinal() if r[6] else 0 for r in vrows], dtype=np.int64),
        "to": np.array([r[7].toordinal() if r[7] else 10**7 for r in vrows], dtype=np.int64),
    }
    oqs = Organisation.objects.filter(active=True, commune_id__in=list(idx)) if quick else Organisation.objects.filter(active=True)
    orows = list(oqs.values_list("commune_id", "kind", "association_code"))
    o = {"c": np.array([idx[r[0]] for r in orows], dtype=np.int64), "kind": [r[1] for r in orows], "code": [r[2] for r in orows]}
    return {"c": c, "v": v, "o": o}


def _rule_groups(c: dict[str, Any], changes: list[Any]) -> list[tuple[Any, str, Any]]:
    """(rule book, commune code, commune mask): one group per scope with rules of its own, the rest share the national rules."""
    import numpy as np

    from coso.funding.rules import RuleBook
    from coso.rules import book as rule_book

    index = rule_book()
    own_provinces = sorted({r.province_code for k in index.keys("funding.") for r in index.rows(k) if r.province_code})
    groups = []
    rest = np.ones(len(c["province"]), dtype=bool)
    for p in own_provinces:
        b = RuleBook(p, changes, index=index)
        in_p = c["province"] == p
        rest &= ~in_p
        for cc in sorted(b.communes_with_rules):
            mask = in_p & (c["code"] == cc)
            in_p = in_p & ~mask
            groups.append((b, cc, mask))
        groups.append((b, "", in_p))
    groups.append((RuleBook("", changes, index=index), "", rest))
    return groups


def numpy_total(arrays: dict[str, Any], changes: list[Any]) -> int:
    """The year's national total with numpy (the rules of each scope resolved per month, recipients as arrays)."""
    total = 0
    for book, cc, mask in _rule_groups(arrays["c"], changes):
        total += _numpy_group(arrays, book, cc, mask)
    return total


def _numpy_group(arrays: dict[str, Any], book: Any, cc: str, cmask: Any) -> int:  # noqa: C901 -- one block per fund
    import numpy as np

    from coso.funding.engine import month_end

    c, v, o = arrays["c"], arrays["v"], arrays["o"]
    total = 0
    okinds = np.array(o["kind"])
    ocodes = np.array(o["code"])

    def val(key: str, day: dt.date) -> Any:
        return book.value(key, day, commune_code=cc)

    for m in range(1, 13):
        day = dt.date(YEAR, m, 1)
        start, end = day.toordinal(), month_end(day).toordinal()
        base = val("salary.base", day)
        c_act = (c["from"] <= end) & (c["to"] > start) & cmask
        v_act = (v["from"] <= end) & (v["to"] > start) & c_act[v["c"]]

        def share(annual: np.ndarray, m: int = m) -> np.ndarray:
            # round half up of A·m/12 minus that of A·(m−1)/12, in integers: (2·A·k + 12) // 24
            return (2 * annual * m + 12) // 24 - (2 * annual * (m - 1) + 12) // 24

        # commune part-time fund
        ec = val("funding.commune_pt.extra_worker_coef", day)
        for k, name in enumerate(("I", "II", "III")):
            coef = val(f"funding.commune_pt.coef.{name}", day)
            if coef is None:
                continue
            for n in np.unique(c["extra"]):
                monthly = _rhu((coef + (ec * int(n) if ec is not None else 0)) * base)
                total += monthly * int(np.count_nonzero(c_act & (c["cls"] == k) & (c["extra"] == n)))
        # villages: a lump fund, or the province's paid titles
        t_thon, t_tdp = val("funding.village.threshold.thon", day), val("funding.village.threshold.tdp", day)
        high = ((v["thon"] & (v["hh"] >= int(t_thon))) | (~v["thon"] & (v["hh"] >= int(t_tdp))) | c["border"][v["c"]] | c["hotspot"][v["c"]]
                | v["border"] | v["hotspot"] | (~v["thon"] & v["conv"]))
        titles = val("funding.village.titles", day) or []
        if titles:
            hi_m = sum(_rhu(Decimal(str(t["coef_high"])) * base) for t in titles)
            lo_m = sum(_rhu(Decimal(str(t["coef_low"])) * base) for t in titles)
        else:
            hi_m, lo_m = _rhu(val("funding.village.coef.high", day) * base), _rhu(val("funding.village.coef.low", day) * base)
        total += hi_m * int(np.count_nonzero(v_act & high)) + lo_m * int(np.count_nonzero(v_act & ~high))
        act_n = val("funding.village.activist.count", day)
        total += _rhu(val("funding.village.activist.coef", day) * base) * int(act_n if act_n is not None else 1) * int(np.count_nonzero(v_act))
        thr, step_h = int(val("funding.ctmt.threshold", day)), int(val("funding.ctmt.step_households", day))
        steps = np.where(v["hh"] >= thr, (v["hh"] - thr) // step_h + 1, 0)
        annual = (int(val("funding.ctmt.base", day)) + steps * int(val("funding.ctmt.step_amount", day))
                  + np.where(c["difficult"][v["c"]], int(val("funding.ctmt.difficult_addon", day)), 0))
        total += int(share(annual)[v_act].sum())
        # organisations
        o_act = c_act[o["c"]]
        ocls = c["cls"][o["c"]]
        annual_o = np.zeros(len(okinds), dtype=np.int64)
        for kind in ("mttq", "doan", "phu_nu", "nong_dan", "ccb"):
            for k, name in enumerate(("I", "II", "III")):
                amount = val(f"funding.org.{kind}.{name}", day)
                if amount is not None:
                    annual_o[(okinds == kind) & (ocls == k)] = int(amount)
        for code in np.unique(ocodes[okinds == "association"]):
            amount = val(f"funding.association.{code}", day)
            if amount is not None:
                annual_o[(okinds == "association") & (ocodes == code)] = int(amount)
        total += int(share(annual_o)[o_act].sum())
        is_mttq = okinds == "mttq"
        camp = np.where(c["difficult"][o["c"]], int(val("funding.mttq_campaign.commune_difficult", day)), int(val("funding.mttq_campaign.commune", day)))
        total += int(share(np.where(is_mttq, camp, 0))[o_act].sum())
    return total


def coso_export(quick: bool) -> tuple[float, float, str]:
    """Seconds of the Excel export's work and of the same allocation alone, and what was exported (see 3. above)."""
    from django.db.models import Count

    from coso.accounts.models import User
    from coso.accounts.roles import Role
    from coso.funding.engine import Period
    from coso.funding.jobs import AllocationExport
    from coso.funding.selectors import allocation_get
    from coso.units.models import AdministrativeUnit

    if quick:
        commune = _communes(quick)[0]
        province_code, commune_code = commune.province_code, commune.code
    else:
        largest = AdministrativeUnit.objects.filter(level="commune").values("province_code").annotate(n=Count("id")).order_by("-n", "province_code")[0]
        province_code, commune_code = largest["province_code"], ""
    province = AdministrativeUnit.objects.get(code=province_code, level="province")
    user, _ = User.objects.get_or_create(username="bench-funding-province", defaults={
        "role": Role.PROVINCE_FINANCE, "unit": province, "province_code": province_code, "full_name": "Bench province finance"})
    if user.province_code != province_code:
        user.province_code, user.unit = province_code, province
        user.save(update_fields=["province_code", "unit"])
    export = AllocationExport()
    prepared = export.prepare(user, {"format": "xlsx", "period": str(YEAR), "province": province_code, "commune": commune_code})

    def allocation() -> Any:
        return allocation_get(fetched_by=user, period=Period.parse(str(YEAR)), province_code=province_code, commune_code=commune_code or None,
                              detail=True)

    allocation()  # warm-up: both timings below find the rules and units read once already
    out, t_export = _timed(lambda: export.build(user, prepared.params, lambda _pct: None))
    alloc, t_alloc = _timed(allocation)
    what = (f"commune {commune_code}" if commune_code else f"province {province_code}, {len(alloc.communes)} xã") + f", {len(out.data) // 1024} KB"
    return t_export, t_alloc, what


# ----------------------------------------------------------------------------- run

def _timed(fn: Any) -> tuple[Any, float]:
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def run(quick: bool = False) -> list[dict]:
    sizes, setup_s = _timed(lambda: ensure_data(quick))
    scope = f"{sizes['communes']} xã, {sizes['villages']} thôn"
    fast_total, t_fast = _timed(lambda: coso_national(quick, detail=False))
    detail_total, t_detail = _timed(lambda: coso_national(quick, detail=True))
    np_total, t_np = _timed(lambda: numpy_total(load_arrays(quick), []))
    if not (fast_total == detail_total == np_total):
        raise AssertionError(f"totals differ: engine {fast_total}, detail {detail_total}, numpy {np_total}")
    cmp_totals, t_cmp = _timed(lambda: coso_compare(quick))
    arrays = load_arrays(quick)
    np_cmp, t_np_cmp = _timed(lambda: [numpy_total(arrays, [])] + [numpy_total(arrays, _changes(s)) for _, s in SCENARIOS])
    if cmp_totals != np_cmp:
        raise AssertionError(f"scenario totals differ: engine {cmp_totals}, numpy {np_cmp}")
    t_export, t_alloc, exported = coso_export(quick)
    money = f"{fast_total:,}".replace(",", ".")
    return [
        {"benchmark": "funding: national allocation of a year (totals)", "value": t_fast, "unit": "s", "baseline": "numpy (incl. DB read)",
         "baseline_value": t_np, "note": f"{scope}; 12 months, PT fund ends 31/5; total {money} đ = numpy total"},
        {"benchmark": "funding: national allocation with formulas and rules", "value": t_detail, "unit": "s", "baseline": "numpy (incl. DB read)",
         "baseline_value": t_np, "note": "same total; every line carries its formula text and rule references"},
        {"benchmark": "funding: four-scenario comparison (5 rule sets)", "value": t_cmp, "unit": "s", "baseline": "numpy ×5 (arrays loaded)",
         "baseline_value": t_np_cmp, "note": "diffs per commune/village/organisation; totals equal numpy: "
         + ", ".join(f"{(t - cmp_totals[0]) / 1e9:+.1f} tỷ" for t in cmp_totals[1:])},
        {"benchmark": "funding: province allocation Excel export, the job's work", "value": t_export, "unit": "s",
         "baseline": "the same allocation with formulas, no workbook", "baseline_value": t_alloc, "note": f"{exported}; goal < 2 s"},
        {"benchmark": "funding: data set-up (villages, organisations)", "value": setup_s, "unit": "s", "baseline": "", "baseline_value": float("nan"),
         "note": f"villages created {sizes['villages_created']}, organisations created {sizes['orgs_created']}"},
    ]

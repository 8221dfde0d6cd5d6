"""Demo data of the planning app (called by `manage.py demo` after the workforce demo).

Every commune of the demo province gets planning lists for the current (2025–2030) and next
(2030–2035) term for the People's Committee chair and vice-chair and the Party secretary, with
candidates from its register entered on 15/12/2025; the demo commune's next-term chair list also
holds a candidate too old for the term and one with a reprimand still in its waiting period, so
that the yearly review (run at the end, dated today) proposes their removal. Courses of the
current year and a province training budget follow. Nothing is dated after today.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from coso.core.demo import DemoContext
from coso.planning import catalogue, checks
from coso.planning.models import Candidate, CandidateEvent, Course, PlanningList
from coso.planning.services import EVENT_ENTERED
from coso.workforce import selectors as wf

ENTERED = dt.date(2025, 12, 15)
DECISION = "Quyết định 15-QĐ/ĐU ngày 15/12/2025"
TARGETS = ["ct_ubnd", "pct_ubnd", "bi_thu"]
COURSES = [("llct_trung_cap", "Trung cấp lý luận chính trị – hệ không tập trung", 120, 60), ("llct_so_cap", "Sơ cấp lý luận chính trị", 20, 80),
           ("qlnn_chuyen_vien", "Bồi dưỡng kiến thức quản lý nhà nước chương trình chuyên viên", 40, 80),
           ("qlnn_chuyen_vien_chinh", "Bồi dưỡng quản lý nhà nước chương trình chuyên viên chính", 40, 30),
           ("tin_hoc_co_ban", "Kỹ năng số cơ bản cho cán bộ, công chức cấp xã", 5, 150), ("ngoai_ngu_bac2", "Tiếng Anh bậc 2", 60, 40)]


def build(ctx: DemoContext) -> None:
    if PlanningList.objects.filter(province_code=ctx.province.code).exists():
        return
    from coso.rules.lookup import rule

    today = timezone.localdate()
    bar = ctx.progress("Quy hoạch cán bộ")
    communes = list(ctx.communes)
    r_by_term = {term: checks.PlanningRules(ENTERED, ctx.province.code) for term in catalogue.TERMS}
    lists: list[PlanningList] = []
    chosen: list[tuple[int, int, str]] = []  # (list index, person id, warning text)
    for n, commune in enumerate(communes):
        ids = wf.active_people_ids(province_code=ctx.province.code, commune_code=commune.code, on=ENTERED)
        profiles = wf.planning_profiles(ids, on=ENTERED)
        per_person: dict[int, int] = {}
        for term in catalogue.TERMS:
            r = r_by_term[term]
            for target in TARGETS:
                lists.append(PlanningList(province_code=ctx.province.code, commune_code=commune.code, term=term, position_code=target))
                k = len(lists) - 1
                picks = 0
                for pid, p in sorted(profiles.items(), key=lambda kv: (-catalogue.RANKS.get(kv[1]["position_code"], 0), kv[0])):
                    if picks >= 2 or per_person.get(pid, 0) >= r.max_positions:
                        continue
                    issues = checks.assess({**p, "gaps_target": []}, target=target, term=term, r=r)
                    if checks.blocking(issues):
                        continue
                    chosen.append((k, pid, ""))
                    per_person[pid] = per_person.get(pid, 0) + 1
                    picks += 1
                if n == 0 and term == "2030-2035" and target == "ct_ubnd":
                    _flagged(ctx, wf.planning_profiles(ids, on=today), k, chosen, per_person, today)
        bar.update(n + 1, len(communes))
    PlanningList.objects.bulk_create(lists, batch_size=1000)
    if lists and lists[0].pk is None:
        by_key = {(pl.commune_code, pl.term, pl.position_code): pl.pk for pl in PlanningList.objects.filter(province_code=ctx.province.code)}
        for pl in lists:
            pl.pk = pl.id = by_key[(pl.commune_code, pl.term, pl.position_code)]
    cands = [Candidate(planning_list=lists[k], person_id=pid, entered_on=ENTERED, decision=DECISION, province_code=ctx.province.code,
                       commune_code=lists[k].commune_code) for k, pid, _w in chosen]
    Candidate.objects.bulk_create(cands, batch_size=2000)
    created = {(c.planning_list_id, c.person_id): c.pk for c in Candidate.objects.filter(province_code=ctx.province.code)}
    CandidateEvent.objects.bulk_create([CandidateEvent(candidate_id=created[(lists[k].pk, pid)], on=ENTERED, kind="entered",
                                                       text=f"Vào quy hoạch theo {DECISION}.", message=EVENT_ENTERED, params={"decision": DECISION},
                                                       actor_name="Ban Thường vụ Đảng ủy") for k, pid, _w in chosen],
                                       batch_size=2000)
    costs = rule("planning.training.cost_per_person", on=dt.date(today.year, 1, 1), province_code=ctx.province.code)
    Course.objects.bulk_create([Course(province_code=ctx.province.code, kind=kind, name=name, year=today.year, duration_days=days, seats=seats,
                                       cost_per_person=int(costs[kind])) for kind, name, days, seats in COURSES])
    bar.finish()
    from coso.planning.services import review_run

    counts = review_run(on=today, province_code=ctx.province.code)
    ctx.notes.append(f"Quy hoạch cán bộ: {len(lists)} danh sách, {len(cands)} người; rà soát hằng năm đề xuất {counts['proposed']} người "
                     "đưa ra khỏi quy hoạch (chờ quyết định).")


def _flagged(ctx: DemoContext, profiles: dict[int, dict[str, Any]], k: int, chosen: list[tuple[int, int, str]], per_person: dict[int, int],
             today: dt.date) -> None:
    """Add to the demo commune's next-term chair list one person too old for the term and one in a discipline waiting period
    (a reprimand of 10/6/2026 is recorded through the register when nobody of the commune has one)."""
    from coso.workforce import services as wf_services

    in_list = {pid for kk, pid, _w in chosen if kk == k}
    start = catalogue.term_start("2030-2035")
    below = sorted(((pid, p) for pid, p in profiles.items()
                    if catalogue.RANKS.get(p["position_code"], 0) < catalogue.RANKS["ct_ubnd"] and pid not in in_list), key=lambda kv: kv[0])
    old = next((pid for pid, p in sorted(below, key=lambda kv: (kv[1]["retirement_date"], kv[0]))
                if today < p["retirement_date"] < catalogue.rules_add_years(start, 5)), None)
    disc = next((pid for pid, p in below if p["disciplines"] and pid != old), None)
    actor = ctx.users.get("noivu.xa")
    if disc is None and actor is not None:
        disc = next((pid for pid, p in below if pid != old and p["kind"] == "civil_servant"), None)
        if disc is not None:
            person = wf.person_get(fetched_by=actor, pk=disc)
            wf_services.discipline_add(actor=actor, person=person, form="khien_trach", decided_on=dt.date(2026, 6, 10),
                                       valid_until=dt.date(2027, 6, 10), reason="Vi phạm quy chế làm việc")
    for pid in (old, disc):
        if pid is not None:
            chosen.append((k, pid, ""))
            per_person[pid] = per_person.get(pid, 0) + 1

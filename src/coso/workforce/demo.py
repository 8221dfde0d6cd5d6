"""Demo data for the workforce app (called by `manage.py demo`).

Every commune of the demo province gets ~25 people in the post-2025 structure (with their
Decree 33 titles before 1/7/2025), realistic gaps, some near retirement, approved evaluations
for 2023–2025 within the quota, 2026 task logs, and province-assigned quotas. The demo staff
users are linked to Person records of their commune. Rows go in with bulk_create.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from typing import Any

from coso.core.demo import DemoContext, random_citizen_id, random_person
from coso.core.search import search_index_bulk
from coso.core.text import fold, name_sort_key, nfc
from coso.workforce import rules
from coso.workforce.models import Discipline, Evaluation, Person, PositionHolding, StaffingQuota, Training, WorkItem
from coso.workforce.services import recompute

REFORM = dt.date(2025, 7, 1)
# (post-2025 position, Decree 33 title or cadre post held before 1/7/2025, count)
STRUCTURE: list[tuple[str, str, int]] = [
    ("bi_thu", "bi_thu", 1), ("pho_bi_thu", "pho_bi_thu", 1), ("ct_hdnd", "ct_hdnd", 1), ("pct_hdnd", "pct_hdnd", 1),
    ("ct_ubnd", "ct_ubnd", 1), ("pct_ubnd", "pct_ubnd", 2), ("ct_mttq", "ct_mttq", 1),
    ("cvp", "vp_tk", 1), ("cv_vp", "vp_tk", 3), ("cv_tu_phap", "tp_ht", 1), ("tp_kinh_te", "dc_xd", 1), ("cv_kinh_te", "tc_kt", 3),
    ("tp_vhxh", "vh_xh", 1), ("cv_vhxh", "vh_xh", 2), ("pgd_ttphc", "vp_tk", 1), ("cv_ttphc", "vp_tk", 3),
    ("kct_xa", "kct_xa", 2), ("truong_thon", "truong_thon", 2),
]
MINORITIES = ["Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "H'Mông", "Dao", "Chăm", "Ê Đê"]
USER_POSITIONS = {"lanhdao": "ct_ubnd", "noivu.xa": "cv_vp", "motcua": "cv_ttphc", "chuyenvien": "cv_vp", "taichinh.xa": "cv_kinh_te",
                  "lanhdao2": "ct_ubnd", "motcua2": "cv_ttphc", "phochutich": "pct_ubnd", "chuyenvien2": "cv_vp", "taichinh2": "cv_kinh_te"}


@cache
def _fields_for(position: str) -> list[str]:
    req = rules.standard_for(position, rules.positions()[position]["kind"], dt.date(2026, 1, 1), "*") or {}
    return req.get("degree_fields") or ["hanh_chinh", "luat", "kinh_te"]


def make_person(rng: random.Random, *, commune: Any, position: str, old_position: str, today: dt.date) -> Person:
    p = rules.positions()[position]
    info = random_person(rng)
    female = info["gender"] == "female"
    leader = p.get("leader", False)
    # Age: leaders older; ~8% retire within the next 3 years; nobody is past retirement age.
    near = rng.random() < 0.08
    while True:
        if near:
            retire_in = rng.uniform(0.1, 3.0)
            age = (56.5 if female else 61.0) - retire_in
        else:
            age = rng.uniform(35, 54) if leader else rng.uniform(23, 52)
        birth = today - dt.timedelta(days=int(age * 365.25))
        birth = birth.replace(day=min(birth.day, 28))
        if rules.retirement_date(birth, info["gender"]) > today:
            break
        near = False
    kind = p["kind"]
    degree = "dai_hoc"
    r = rng.random()
    if kind in ("cadre", "civil_servant"):
        degree = "thac_si" if r < 0.1 else ("dai_hoc" if r < 0.86 else rng.choice(["trung_cap", "cao_dang"]))
    else:
        degree = rng.choice(["none", "trung_cap", "cao_dang", "dai_hoc"])
    fields = _fields_for(position)
    field = rng.choice(fields) if rng.random() < 0.88 else rng.choice(["khac", "y_te", "giao_duc"])
    political = "trung_cap" if leader and rng.random() < 0.85 else rng.choice(["none", "so_cap", "so_cap", "trung_cap"])
    if position == "bi_thu" and rng.random() < 0.8:
        political = "cao_cap"
    started = today - dt.timedelta(days=int(rng.uniform(1, max(1.5, age - 22)) * 365.25))
    person = Person(
        full_name=info["full_name"], birth_date=birth, gender=info["gender"],
        ethnicity=rng.choice(MINORITIES) if rng.random() < 0.12 else "Kinh",
        citizen_id=random_citizen_id(rng, commune.province_code, birth.year, female),
        party_member=kind == "cadre" or rng.random() < 0.6, kind=kind, position_code=position, office_code=p["office"],
        started_on=started, transition_end_date=dt.date(2026, 5, 31) if kind == "commune_part_time" else None,
        general_education="thpt" if rng.random() < 0.97 else "thcs", degree_level=degree, degree_field=field if degree != "none" else "",
        political_theory=political, state_management="chuyen_vien" if (leader and rng.random() < 0.8) or rng.random() < 0.3 else "none",
        it="co_ban" if rng.random() < 0.88 else "none", foreign_language=rng.choice(["none", "bac1", "bac2", "bac2", "bac3"]),
        province_code=commune.province_code, commune_code=commune.code,
    )
    prepare(person)
    person._old_position = old_position  # type: ignore[attr-defined]
    return person


def prepare(p: Person) -> Person:
    """What Person.save() computes, for bulk_create."""
    p.full_name = nfc(p.full_name)
    p.name_folded = fold(p.full_name)
    p.name_sort_key = name_sort_key(p.full_name)
    p.is_ethnic_minority = fold(p.ethnicity) != "kinh"
    p.office_code = p.office_code or rules.office_of(p.position_code)
    return p


def generate(rng: random.Random, communes: list[Any], *, today: dt.date, scale: float = 1.0) -> Iterator[Person]:
    for commune in communes:
        for position, old, count in STRUCTURE:
            n = max(1, round(count * scale)) if scale != 1.0 else count
            for _ in range(n):
                yield make_person(rng, commune=commune, position=position, old_position=old, today=today)


def bulk_people(people: list[Person]) -> list[Person]:
    created = Person.objects.bulk_create(people, batch_size=2000)
    if created and created[0].pk is None:  # databases without RETURNING: re-read ids by CCCD
        ids = dict(Person.objects.filter(citizen_id__in=[p.citizen_id for p in people]).values_list("citizen_id", "id"))
        for p in created:
            p.pk = p.id = ids[p.citizen_id]
    return created


def _holdings(people: list[Person]) -> list[PositionHolding]:
    out = []
    for p in people:
        old = getattr(p, "_old_position", p.position_code)
        if p.started_on and p.started_on < REFORM and old != p.position_code:
            out.append(PositionHolding(person=p, position_code=old, office_code=rules.office_of(old), started_on=p.started_on,
                                       ended_on=REFORM - dt.timedelta(days=1), province_code=p.province_code, commune_code=p.commune_code))
            start = REFORM
        else:
            start = p.started_on or REFORM
        out.append(PositionHolding(person=p, position_code=p.position_code, office_code=p.office_code, started_on=start,
                                   province_code=p.province_code, commune_code=p.commune_code))
    return out


def _past_evaluations(rng: random.Random, people: list[Person]) -> list[Evaluation]:
    out = []
    by_commune: dict[str, list[Person]] = {}
    for p in people:
        if p.kind in ("cadre", "civil_servant"):
            by_commune.setdefault(p.commune_code, []).append(p)
    for staff in by_commune.values():
        for year in (2023, 2024, 2025):
            eligible = [p for p in staff if p.started_on and p.started_on.year <= year]
            levels = [rng.choices(["tot", "hoan_thanh", "khong_hoan_thanh"], weights=[80, 17, 3])[0] for _ in eligible]
            allowed = int(0.2 * levels.count("tot"))
            # Promote some "good" to "excellent" within the quota (excellent ≤ 20% of good, computed on the final counts).
            promoted = 0
            for i, lv in enumerate(levels):
                if lv == "tot" and promoted < allowed and rng.random() < 0.5 and (promoted + 1) <= int(0.2 * (levels.count("tot") - 1)):
                    levels[i] = "xuat_sac"
                    promoted += 1
            for p, lv in zip(eligible, levels, strict=True):
                out.append(Evaluation(person=p, year=year, regime="nd90", status="approved", level=lv, self_level=lv,
                                      province_code=p.province_code, commune_code=p.commune_code,
                                      approved_at=dt.datetime(year + 1, 1, 15, 9, tzinfo=dt.UTC)))
    return out


def _work_log(rng: random.Random, people: list[Person], *, months: int) -> list[WorkItem]:
    out = []
    titles = ["Tham mưu văn bản", "Giải quyết hồ sơ thủ tục hành chính", "Báo cáo định kỳ", "Kiểm tra thực địa", "Tổng hợp số liệu",
              "Tiếp công dân", "Tuyên truyền, phổ biến pháp luật"]
    for p in people:
        if p.kind != "civil_servant":
            continue
        for month in range(1, months + 1):
            for _ in range(2):
                completed = rng.random() < 0.93
                out.append(WorkItem(person=p, year=2026, month=month, title=f"{rng.choice(titles)} tháng {month}", points=Decimal(rng.choice([1, 2, 3])),
                                    completed=completed, failed_reviews=1 if completed and rng.random() < 0.06 else 0,
                                    delays=1 if completed and rng.random() < 0.08 else 0, excused=rng.random() < 0.02,
                                    province_code=p.province_code, commune_code=p.commune_code))
    return out


def build(ctx: DemoContext) -> None:
    if Person.objects.filter(province_code=ctx.province.code).exists():
        attach(ctx)
        return
    today = dt.date(2026, 11, 1)
    rng = ctx.rng("workforce")
    bar = ctx.progress("Cán bộ, công chức")
    communes = ctx.communes
    people: list[Person] = []
    for i, commune in enumerate(communes):
        people.extend(generate(rng, [commune], today=today))
        if i % 20 == 0:
            bar.update(i, len(communes) * 2)
    # CCCD numbers are unique: re-draw the random tail on a (rare) collision.
    seen: set[str] = set()
    for p in people:
        while p.citizen_id in seen:
            p.citizen_id = p.citizen_id[:6] + f"{rng.randrange(10**6):06d}"
        seen.add(p.citizen_id)
    # Demo staff users: their own Person record in their commune.
    for username, position in USER_POSITIONS.items():
        user = ctx.users.get(username)
        if user is None or not user.commune_code:
            continue
        target = next((p for p in people if p.commune_code == user.commune_code and p.position_code == position and p.user_id is None), None)
        if target is not None:
            target.user = user
            if user.full_name:
                target.full_name = user.full_name
                prepare(target)
    # A few realistic cases in the demo commune: a Tư pháp officer with only trung cấp in another field, one near retirement.
    main = [p for p in people if p.commune_code == communes[0].code]
    for p in main:
        if p.position_code == "cv_tu_phap":
            p.degree_level, p.degree_field = "trung_cap", "hanh_chinh"
        if p.position_code == "pct_hdnd":
            p.birth_date = dt.date(1964, 9, 10) if p.gender == "male" else dt.date(1970, 9, 10)
    bulk_people(people)
    PositionHolding.objects.bulk_create(_holdings(people), batch_size=2000)
    trainings = []
    for p in people:
        if p.degree_level not in ("none", ""):
            trainings.append(Training(person=p, kind="degree", name=f"{rules.LEVEL_LABELS['degree_level'][p.degree_level]} "
                                      f"{rules.DEGREE_FIELDS.get(p.degree_field, '')}".strip(), ended_on=p.birth_date.replace(year=p.birth_date.year + 22),
                                      province_code=p.province_code, commune_code=p.commune_code))
        if p.political_theory != "none":
            trainings.append(Training(person=p, kind="political", name=f"Lý luận chính trị {rules.LEVEL_LABELS['political_theory'][p.political_theory].lower()}",
                                      ended_on=dt.date(rng.randint(2012, 2025), rng.randint(1, 12), 1), province_code=p.province_code, commune_code=p.commune_code))
    Training.objects.bulk_create(trainings, batch_size=2000)
    Evaluation.objects.bulk_create(_past_evaluations(rng, people), batch_size=2000)
    bar.update(len(communes) * 3 // 2, len(communes) * 2)
    WorkItem.objects.bulk_create(_work_log(rng, people, months=10), batch_size=5000)
    disciplined = [p for p in people if p.kind == "civil_servant" and rng.random() < 0.01]
    Discipline.objects.bulk_create([Discipline(person=p, form="khien_trach", decided_on=dt.date(2026, 3, 12), valid_until=dt.date(2027, 3, 12),
                                               reason="Vi phạm quy chế làm việc", province_code=p.province_code, commune_code=p.commune_code)
                                    for p in disciplined])
    # 2026 evaluations of the demo commune's civil servants: self-assessed, waiting for the leader.
    evs = []
    for p in main:
        if p.kind == "civil_servant" and p.user_id is None:
            evs.append(Evaluation(person=p, year=2026, regime="nd335", status="self_assessed", self_general_score=Decimal(rng.randint(24, 30)),
                                  self_comment="Hoàn thành các nhiệm vụ được giao.",
                                  province_code=p.province_code, commune_code=p.commune_code))
    Evaluation.objects.bulk_create(evs)
    for ev in Evaluation.objects.filter(year=2026, commune_code=communes[0].code).select_related("person"):
        Evaluation.objects.filter(pk=ev.pk).update(**recompute(ev))
    # Province-assigned quotas per office: around the staff in post (after the 2025 mergers some offices have a surplus, others a shortage).
    quota_rule = rules.quota_rule(dt.date(2026, 1, 1), ctx.province.code) or {"offices": {}}
    in_post: dict[tuple[str, str], int] = {}
    for p in people:
        if p.kind in ("cadre", "civil_servant"):
            in_post[(p.commune_code, p.office_code)] = in_post.get((p.commune_code, p.office_code), 0) + 1
    StaffingQuota.objects.bulk_create([
        StaffingQuota(office_code=office, number=max(1, in_post.get((c.code, office), 0) + rng.choice([-2, -1, 0, 0, 1, 1])), valid_from=REFORM,
                      decision="Quyết định giao biên chế năm 2025 (demo)", province_code=c.province_code, commune_code=c.code)
        for c in communes for office in quota_rule.get("offices", {})
    ], batch_size=5000)
    search_index_bulk(kind="workforce.person", rows=((p.pk, [p.full_name, p.citizen_id], p.province_code, p.commune_code) for p in people))
    bar.update(len(communes) * 2, len(communes) * 2)
    bar.finish()


def attach(ctx: DemoContext) -> None:
    return None

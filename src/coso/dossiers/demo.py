"""Demo data: twelve months of realistic dossiers for the demo province's communes.

Seasonal volumes (busy before Tết, quiet in the Tết month), a mix of channels, supplements
(a few twice), refusals, withdrawals, late dossiers (most with an apology issued in time),
ratings linked to the officers who handled them, and the open dossiers of today's inboxes.
Everything is bulk-inserted; the same seed and day give the same data.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from django.utils import timezone

from coso.accounts.roles import Role
from coso.core.bulk import insert_rows
from coso.core.demo import DemoContext, random_citizen_id, random_person, random_phone, squeeze_before
from coso.core.search import SearchText
from coso.core.text import fold
from coso.dossiers import deadlines
from coso.dossiers.constants import Action, Channel, Satisfaction, Status, Timeliness
from coso.dossiers.models import Dossier, DossierApology, DossierCounter, DossierEvent, DossierRating, DossierStep
from coso.dossiers.services import agency_code_for, default_steps, index_texts, near_percent
from coso.rules.lookup import rule
from coso.workcalendar import services as cal

SEASON = {1: 1.25, 2: 0.6, 3: 1.0, 4: 0.95, 5: 1.0, 6: 1.05, 7: 1.1, 8: 1.05, 9: 0.9, 10: 1.0, 11: 1.05, 12: 1.2}
STREETS = ["Lê Lợi", "Nguyễn Huệ", "Hai Bà Trưng", "Lý Tự Trọng", "Pasteur", "Nam Kỳ Khởi Nghĩa", "Võ Văn Tần", "Trần Hưng Đạo"]
APOLOGY_REASONS = ["Cần xác minh thông tin tại nơi cư trú cũ", "Chờ ý kiến của cơ quan có liên quan", "Hệ thống cơ sở dữ liệu hộ tịch gián đoạn",
                   "Cán bộ thẩm định đi công tác đột xuất"]
SUPPLEMENT_REASONS = ["Thiếu bản chính giấy chứng sinh", "Tờ khai chưa có chữ ký của người yêu cầu", "Giấy tờ tùy thân đã hết hạn",
                      "Thiếu văn bản ủy quyền có chứng thực"]
REFUSAL_REASONS = ["Không thuộc thẩm quyền giải quyết của UBND cấp xã", "Người yêu cầu không đủ điều kiện theo quy định",
                   "Nội dung yêu cầu trái quy định của pháp luật"]


def _index_words(rows: list[tuple[int, list[SearchText], str, str]]) -> None:
    """The dossier search entries (those of coso.core.search.search_index_bulk), inserted fast."""
    from coso.core.search import search_documents, search_entries, search_stats_refresh

    insert_rows([e for pk, texts, p, c in rows for e in search_entries(kind="dossier", object_id=pk, texts=texts, province_code=p, commune_code=c)])
    insert_rows(search_documents(kind="dossier", rows=rows))
    search_stats_refresh(kind="dossier")


def _ensure_procedures(ctx: DemoContext) -> list[Any]:
    """The versions of the procedures offered today in the demo province (``procedures.selectors.offered``), by code."""
    from coso.procedures import selectors as procedures

    if not procedures.catalogue_loaded():
        try:
            from coso.procedures.services import load_procedures
        except ImportError:  # the catalogue loader is not there: nothing to build on
            return []
        load_procedures()
    today = timezone.localdate()
    versions = []
    for p in procedures.offered(on=today, province_code=ctx.province.code).order_by("code"):
        v = procedures.offered_version(p, on=today, province_code=ctx.province.code)
        if v is not None:
            versions.append(v)
    return versions


def _local(day: dt.date, rng: random.Random, start_h: float = 7.5, end_h: float = 16.8) -> dt.datetime:
    now = timezone.localtime()
    if day >= now.date():  # today: only the hours already passed (nothing dated after now)
        end_h = max(0.0, min(end_h, now.hour + now.minute / 60 - 0.25))
        start_h = min(start_h, end_h)
    minutes = int(rng.uniform(start_h, end_h) * 60)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60)))


def _at_day(day: dt.date, rng: random.Random) -> dt.datetime:
    return _local(day, rng, 8.0, 16.5)


def build(ctx: DemoContext) -> None:
    versions = _ensure_procedures(ctx)
    if not versions or not ctx.communes:
        return
    if Dossier.objects.filter(commune_code=ctx.communes[0].code).exists():
        return  # already built (e.g. `demo --force`): codes must stay unique, so do not add a second year on top
    rng = ctx.rng("dossiers")
    weights = [1.0 / (i + 1) ** 0.9 for i in range(len(versions))]
    rng.shuffle(weights)
    steps_of = {}
    for v in versions:
        rows = list(v.steps.order_by("order").values_list("name", "role", "share_percent"))
        steps_of[v.pk] = rows or [(n, r, s) for _o, n, r, s in default_steps(ctx.province.code)]
    today = timezone.localdate()
    first = today - dt.timedelta(days=365)
    days = [first + dt.timedelta(days=i) for i in range(366)]
    work_days = [d for d in days if cal.is_working_day(d)]
    national = ctx.scale == "national"
    users = dict(ctx.users or {})
    if not users:  # run alone (`demo --only coso.dossiers.demo`): find the demo accounts by name
        from coso.accounts.models import User

        users = {u.username: u for u in User.objects.filter(username__in=["motcua", "chuyenvien", "lanhdao", "motcua2", "lanhdao2", "congdan"])}
    staff_by_commune: dict[str, dict[str, Any]] = defaultdict(dict)
    for name in ("motcua", "chuyenvien", "lanhdao", "motcua2", "lanhdao2"):
        u = users.get(name)
        if u is not None and u.commune_code:
            staff_by_commune[u.commune_code].setdefault(u.role, u)
    citizen = users.get("congdan")
    bar = ctx.progress("Hồ sơ một cửa")
    counters: dict[tuple[str, dt.date], int] = defaultdict(int)
    total_communes = len(ctx.communes)
    index_rows: list[tuple[int, list[SearchText], str, str]] = []
    for ci, commune in enumerate(ctx.communes):
        per_day = 7.0 if ci < 2 else (0.1 if national else 0.45)
        _build_commune(ctx, commune, rng, versions, weights, steps_of, work_days, today, per_day, staff_by_commune.get(commune.code, {}),
                       citizen if ci == 0 else None, counters, index_rows, full_index=ci < 2)
        bar.update(ci + 1, total_communes)
    DossierCounter.objects.bulk_create([DossierCounter(agency_code=a, day=d, last=n) for (a, d), n in counters.items()], batch_size=2000)
    _index_words(index_rows)
    bar.finish()


def _build_commune(ctx: DemoContext, commune: Any, rng: random.Random, versions: list[Any], weights: list[float], steps_of: dict[int, list],
                   work_days: list[dt.date], today: dt.date, per_day: float, staff: dict[str, Any], citizen: Any,
                   counters: dict, index_rows: list, *, full_index: bool) -> None:
    agency = agency_code_for(commune)
    plans: list[dict[str, Any]] = []
    for day in work_days:
        n = per_day * SEASON[day.month]
        count = int(n) + (1 if rng.random() < n - int(n) else 0)
        for _ in range(count):
            plans.append(_plan(rng, day, today, versions, weights, steps_of))
    if not plans:
        return
    dossiers = []
    for p in plans:
        counters[(agency, p["code_day"])] += 1
        code = f"{agency}-{p['code_day']:%y%m%d}-{counters[(agency, p['code_day'])]:04d}"
        person = random_person(rng)
        birth = rng.randint(1950, 2004)
        own = citizen is not None and rng.random() < 0.01
        d = Dossier(
            code=code, procedure_version=p["version"], province_code=commune.province_code, commune_code=commune.code,
            applicant_name=citizen.full_name if own else person["full_name"], applicant_phone=(citizen.phone if own and citizen.phone else random_phone(rng)),
            applicant_email="" if rng.random() < 0.6 else f"congdan{rng.randrange(10**6)}@example.vn",
            applicant_citizen_id=random_citizen_id(rng, commune.province_code, birth, person["gender"] == "female") if rng.random() < 0.8 else "",
            applicant_address=f"{rng.randint(1, 400)} {rng.choice(STREETS)}, {commune.name}", owner=citizen if own else None,
            channel=p["channel"], submitted_at=p["submitted_at"], received_at=p["received_at"], status=p["status"], is_open=p["open"],
            current_step=p["step"], current_step_name=p["step_name"], waiting_role=p["waiting_role"], supplement_count=p["supplements"],
            paused_working_days=p["paused"], paused_at=p["paused_at"], close_due_date=p.get("close_due_date"), finished_at=p["finished_at"], returned_at=p["returned_at"],
            timeliness=p["timeliness"], processing_working_days=p["proc_days"], received_by=staff.get(Role.ONESTOP_OFFICER),
        )
        d.applicant_name_folded = fold(d.applicant_name)
        if p["appt"] is not None:
            a = p["appt"]
            d.start_date, d.due_date, d.original_due_date = a.start_date, p["due_date"], a.due_date
            d.due_at = a.due_at + (p["due_date"] - a.due_date)
            d.near_date = deadlines.near_date(a.start_date, p["due_date"], a.working_days, near_percent(d.province_code, d.commune_code, a.start_date), province_code=d.province_code)
            d.apology_due_date = p["apology_date"]
        d.version = len(p["events"]) + 1
        dossiers.append(d)
    Dossier.objects.bulk_create(dossiers, batch_size=1000)
    events, steps, apologies, ratings = [], [], [], []
    for d, p in zip(dossiers, plans, strict=True):
        officer_ids = set()
        for (action, at, from_s, to_s, step, reason, data, role) in p["events"]:
            actor = staff.get(role) if role else None
            if actor is not None:
                officer_ids.add(actor.pk)
            events.append(DossierEvent(dossier=d, at=at, actor=actor, actor_name=actor.display_name if actor else _role_label(role), actor_role=role or "",
                                       action=action, from_status=from_s, to_status=to_s, from_step=step, to_step=step, reason=reason, data=data))
        if d.is_open:
            for i, (name, role, share) in enumerate(steps_of[p["version"].pk], start=1):
                steps.append(DossierStep(dossier=d, order=i, name=name, role=role, share_percent=share))
        if p["apology_date"] is not None:
            apologies.append(DossierApology(dossier=d, number=0, old_due_date=p["due_date"], new_due_date=p["apology_date"], reason=p["apology_reason"],
                                            issued_by=staff.get(Role.SPECIALIST), issued_at=p["apology_at"], province_code=d.province_code, commune_code=d.commune_code))
        if p["rating"] is not None:
            ratings.append(DossierRating(dossier=d, level=p["rating"], criteria=p["criteria"], officer_ids=sorted(officer_ids), rated_at=p["rated_at"],
                                         rated_by=d.owner, province_code=d.province_code, commune_code=d.commune_code))
        if full_index or d.is_open:
            index_rows.append((d.pk, index_texts(d.code, d.applicant_name, d.applicant_phone, d.applicant_citizen_id), d.province_code, d.commune_code))
    apologies.sort(key=lambda a: a.issued_at)
    for i, a in enumerate(apologies, start=1):
        a.number = i
    insert_rows(events)
    insert_rows(steps)
    DossierApology.objects.bulk_create(apologies, batch_size=2000)
    DossierRating.objects.bulk_create(ratings, batch_size=2000)


def _role_label(role: str | None) -> str:
    labels: dict[str, str] = {Role.ONESTOP_OFFICER: "Cán bộ một cửa", Role.SPECIALIST: "Chuyên viên", Role.COMMUNE_LEADER: "Lãnh đạo UBND"}
    return labels.get(role or "", "Công dân")


def _plan(rng: random.Random, day: dt.date, today: dt.date, versions: list[Any], weights: list[float], steps_of: dict[int, list]) -> dict[str, Any]:
    """One dossier's life, decided up front, then replayed into events."""
    version = rng.choices(versions, weights=weights)[0]
    online_ok = version.online != "none"
    r = rng.random()
    channel = Channel.ONLINE if online_ok and r < 0.38 else (Channel.POST if r > 0.97 else Channel.COUNTER)
    submitted = _local(day, rng)
    events: list[tuple] = []
    steps = steps_of[version.pk]
    p: dict[str, Any] = {"version": version, "channel": channel, "submitted_at": submitted, "code_day": day, "supplements": 0, "paused": 0,
                         "paused_at": None, "finished_at": None, "returned_at": None, "timeliness": "", "proc_days": None, "apology_date": None,
                         "apology_reason": "", "apology_at": None, "rating": None, "criteria": {}, "rated_at": None, "appt": None, "due_date": None}
    if channel == Channel.ONLINE:
        events.append((Action.SUBMIT_ONLINE, submitted, "", Status.ONLINE_SUBMITTED, None, "", {}, None))
        accept_day = cal.add_working_days(day, rng.choice([0, 0, 1])) if rng.random() < 0.9 else cal.add_working_days(day, 2)
        if accept_day > today or (accept_day == today and rng.random() < 0.5):
            p.update(recv_day=day, received_at=None, status=Status.ONLINE_SUBMITTED, open=True, step=1, step_name="", waiting_role=Role.ONESTOP_OFFICER, events=events)
            return p
        received = max(submitted + dt.timedelta(minutes=20), _at_day(accept_day, rng))
        if received > timezone.now():  # would be accepted later today: still waiting
            p.update(recv_day=day, received_at=None, status=Status.ONLINE_SUBMITTED, open=True, step=1, step_name="", waiting_role=Role.ONESTOP_OFFICER, events=events)
            return p
        if rng.random() < 0.02:  # refused at acceptance (not counted for timeliness)
            events.append((Action.REFUSE, received, Status.ONLINE_SUBMITTED, Status.REFUSED, None, rng.choice(REFUSAL_REASONS), {}, Role.ONESTOP_OFFICER))
            p.update(recv_day=day, received_at=None, status=Status.REFUSED, open=False, step=1, step_name="", waiting_role="", events=events, finished_at=received)
            return p
        events.append((Action.ACCEPT, received, Status.ONLINE_SUBMITTED, Status.RECEIVED, 1, "", {}, Role.ONESTOP_OFFICER))
    else:
        received = submitted
        events.append((Action.RECEIVE, received, "", Status.RECEIVED, 1, "", {}, Role.ONESTOP_OFFICER))
    appt = deadlines.compute_appointment(received, time_limit=version.time_limit, time_unit=version.time_unit, cutoff=version.cutoff_time)
    p["appt"] = appt
    due = appt.due_date
    n = max(1, appt.working_days)
    # Outcome
    supplements = 0
    paused = 0
    if rng.random() < 0.11:
        supplements = 2 if rng.random() < 0.08 else 1
    r = rng.random()
    outcome = "refused" if r < 0.03 else "withdrawn" if r < 0.045 else "stopped" if r < 0.05 else "done"
    q = rng.random()
    if q < 0.72:
        used = rng.randint(0, max(0, n - 1))
    elif q < 0.92:
        used = n
    else:
        used = n + rng.randint(1, 5)
    cursor_day = appt.start_date
    status: str = Status.RECEIVED
    sup_events = []
    for s in range(supplements):
        ask_day = cal.add_working_days(cursor_day, rng.randint(0, max(0, min(n, 2))))
        wait = rng.randint(1, 8)
        back_day = cal.add_working_days(ask_day, wait)
        sup_events.append((ask_day, back_day, wait, s))
        cursor_day = back_day
        paused += wait
    # The count restarts once the complete supplement is received (Decree 118/2025 Art. 19(5)).
    due_shifted = cal.add_working_days(sup_events[-1][1], n) if sup_events else due
    end_day = cal.add_working_days(appt.start_date, used + paused) if used + paused > 0 else appt.start_date
    apology = None
    if end_day > due_shifted and rng.random() < 0.7:
        issue_day = cal.add_working_days(due_shifted, -rng.randint(1, 2))
        if issue_day >= appt.start_date:
            apology = (issue_day, cal.add_working_days(due_shifted, rng.randint(2, 6)))
    # Replay events up to today
    step = 1
    step_name = steps[0][0]

    def ev(action: str, when: dt.datetime, to: str, role: str | None, reason: str = "", data: dict | None = None) -> None:
        nonlocal status
        events.append((action, when, status, to, step, reason, data or {}, role))
        status = to

    finished = None
    open_ = True
    paused_at = None
    sup_done = 0
    first_forward_day = cal.add_working_days(appt.start_date, 0)
    if first_forward_day <= today:
        step = 2 if len(steps) > 1 else 1
        step_name = steps[step - 1][0]
        ev(Action.FORWARD, _at_day(first_forward_day, rng) if first_forward_day != timezone.localdate(received) else received + dt.timedelta(minutes=30),
           Status.PROCESSING, Role.ONESTOP_OFFICER)
    for ask_day, back_day, _wait, s in sup_events:
        if ask_day > today:
            break
        ask_at = _at_day(ask_day, rng)
        ev(Action.REQUEST_SUPPLEMENT, ask_at, Status.SUPPLEMENT_REQUESTED, Role.SPECIALIST, rng.choice(SUPPLEMENT_REASONS), {"request_no": s + 1, **({"counts_as_late": True} if s else {})})
        sup_done += 1
        paused_at = ask_at
        if back_day > today or outcome == "withdrawn":
            break
        ev(Action.RECEIVE_SUPPLEMENT, _at_day(back_day, rng), Status.PROCESSING, Role.ONESTOP_OFFICER, "", {"restarted": True, "due_date": cal.add_working_days(back_day, n).isoformat()})
        paused_at = None
    p["supplements"] = sup_done
    paused_done = sum(w for a, b, w, s in sup_events[:sup_done] if b <= today and status != Status.SUPPLEMENT_REQUESTED) if sup_done else 0
    if apology is not None and apology[0] <= today and status != Status.SUPPLEMENT_REQUESTED:
        p["apology_date"], p["apology_at"], p["apology_reason"] = apology[1], _at_day(apology[0], rng), rng.choice(APOLOGY_REASONS)
        events.append((Action.APOLOGY, p["apology_at"], status, status, step, p["apology_reason"], {"new_date": apology[1].isoformat()}, Role.SPECIALIST))
    last_back = max((b for a, b, w, s in sup_events[:sup_done] if b <= today), default=None) if paused_done else None
    p["due_date"] = cal.add_working_days(last_back, n) if last_back else due
    p["close_due_date"] = paused_at.date() + dt.timedelta(days=15) if status == Status.SUPPLEMENT_REQUESTED and paused_at is not None else None
    if status == Status.SUPPLEMENT_REQUESTED and (outcome == "withdrawn"):
        assert paused_at is not None  # set when the supplement request was replayed
        end_at = _at_day(min(today, cal.add_working_days(paused_at.date(), 5)), rng)
        ev(Action.WITHDRAW, max(end_at, paused_at + dt.timedelta(hours=1)), Status.WITHDRAWN, Role.ONESTOP_OFFICER, "Công dân xin rút hồ sơ")
        finished, open_ = paused_at, False
    elif status != Status.SUPPLEMENT_REQUESTED and end_day <= today:
        end_at = max(_at_day(end_day, rng), events[-1][1] + dt.timedelta(minutes=10))
        if outcome == "refused":
            ev(Action.REFUSE, end_at, Status.REFUSED, Role.SPECIALIST, rng.choice(REFUSAL_REASONS))
        elif outcome == "stopped":
            ev(Action.STOP, end_at, Status.STOPPED, Role.COMMUNE_LEADER, "Người yêu cầu đề nghị dừng giải quyết")
        elif outcome == "withdrawn":
            ev(Action.WITHDRAW, end_at, Status.WITHDRAWN, Role.ONESTOP_OFFICER, "Công dân xin rút hồ sơ")
        else:
            step = min(3, len(steps))
            ev(Action.FORWARD, end_at - dt.timedelta(minutes=40), Status.PROCESSING, Role.SPECIALIST)
            ev(Action.APPROVE, end_at - dt.timedelta(minutes=10), Status.APPROVED, Role.COMMUNE_LEADER)
            step = len(steps)
            ev(Action.RESULT_READY, end_at, Status.RESULT_READY, Role.ONESTOP_OFFICER)
            ret_day = cal.add_working_days(end_day, rng.choice([0, 0, 0, 1, 2, 3]))
            if ret_day <= today:
                ret_at = max(_at_day(ret_day, rng), end_at + dt.timedelta(minutes=15))
                ev(Action.RETURN_RESULT, ret_at, Status.RETURNED, Role.ONESTOP_OFFICER)
                p["returned_at"] = ret_at
        finished, open_ = end_at, False
    if finished is not None:
        p["finished_at"] = finished
        p["timeliness"] = deadlines.classify(
            end_at=finished, due_at=appt.due_at + (p["due_date"] - due), due_date=p["due_date"], supplement_count=sup_done,
            max_supplements_on_time=rule("onestop.supplement.max_requests_on_time", on=appt.start_date), closing=cal.closing_time("", p["due_date"]))
        p["proc_days"] = max(0, cal.working_days_between(appt.start_date, timezone.localdate(finished)))
    if status == Status.RETURNED and rng.random() < 0.45:
        late = p["timeliness"] == Timeliness.LATE
        r = rng.random()
        level = Satisfaction.UNSATISFIED if r < (0.25 if late else 0.04) else Satisfaction.SATISFIED if r < (0.6 if late else 0.3) else Satisfaction.VERY_SATISFIED
        p["rating"] = level
        score = {Satisfaction.VERY_SATISFIED: 2, Satisfaction.SATISFIED: 1, Satisfaction.UNSATISFIED: 0}[level]
        # Decree 118/2025 Art. 33(1) criteria (the demo year is after 1/7/2025)
        p["criteria"] = {"result_costs": score, "attitude": min(2, score + (1 if rng.random() < 0.3 else 0)), "time": 0 if late else 2}
        p["rated_at"] = p["returned_at"] + dt.timedelta(minutes=rng.randint(5, 600))
    if open_ and status in (Status.RECEIVED, Status.PROCESSING):
        # still being worked on: spread over the steps before approval
        step = rng.choice([1, 2, 2, 2, 3]) if len(steps) >= 3 else 1
        step_name = steps[step - 1][0]
        if step > 1:
            status = Status.PROCESSING
    role = ""
    if open_:
        role = Role.ONESTOP_OFFICER if status in (Status.SUPPLEMENT_REQUESTED, Status.APPROVED, Status.ONLINE_SUBMITTED) else steps[step - 1][1]
    p.update(recv_day=day, received_at=received, status=status, open=open_, step=step, step_name=steps[step - 1][0] if open_ else step_name,
             waiting_role=role, events=events, paused=0, paused_at=paused_at if status == Status.SUPPLEMENT_REQUESTED or not open_ else None)
    _not_after_now(p)
    return p


TIME_KEYS = ("submitted_at", "received_at", "paused_at", "finished_at", "returned_at", "apology_at", "rated_at")


def _not_after_now(p: dict[str, Any]) -> None:
    """Nothing in the demo is dated after the moment it is built: late-in-the-day times of today's
    events (a return at 16:30 built at 10:00, a rating minutes after it) move before now, in order."""
    now = timezone.now()
    mapping = squeeze_before(now, [e[1] for e in p["events"]] + [p.get(k) for k in TIME_KEYS])
    if not mapping:
        return
    p["events"] = [(e[0], mapping.get(e[1], e[1]), *e[2:]) for e in p["events"]]
    for k in TIME_KEYS:
        if p.get(k) is not None:
            p[k] = mapping.get(p[k], p[k])

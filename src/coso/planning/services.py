"""Writes of the planning app: planning lists and candidates, the yearly review, courses and training plans.

Every write is audited; a refusal raises ``ApplicationError`` with a Vietnamese message.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from coso.accounts.roles import Role
from coso.core import locks
from coso.core.audit import audit_log, audited_create, audited_update
from coso.core.params import FIRST_DAY, FIRST_YEAR, INT_MAX, LAST_DAY, LAST_YEAR
from coso.core.scoping import can_see_unit
from coso.planning import catalogue, checks, errors, payments, postgrad
from coso.planning.models import AppointmentProposal, Candidate, CandidateEvent, Course, PlanningList, PostgradRequest, RemovalProposal, TrainingPlan
from coso.workforce import selectors as wf

EDIT_ROLES = frozenset({Role.COMMUNE_HOME_AFFAIRS, Role.COMMUNE_LEADER, Role.PROVINCE_HOME_AFFAIRS, Role.PROVINCE_ADMIN, Role.SYSTEM_ADMIN})
VIEW_ROLES = EDIT_ROLES


def can_view(user: Any) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user.role in VIEW_ROLES))


def require_edit(user: Any, *, province_code: str, commune_code: str) -> None:
    if not (user.is_superuser or user.role in EDIT_ROLES) or not can_see_unit(user, province_code=province_code, commune_code=commune_code):
        raise errors.FORBIDDEN()


def _unit(code: str) -> Any:
    from coso.units.models import AdministrativeUnit

    unit = AdministrativeUnit.objects.filter(code=code, level="commune").first()
    if unit is None:
        raise errors.UNIT_NOT_FOUND(details={"commune": code})
    return unit


def position_name(code: str) -> str:
    from coso.workforce.policy import position_name as name

    return name(code)


def _within(text: str, model: Any, field: str, *, as_field: str = "") -> str:
    """``text`` when it fits the model field; refused with the field's name and limit otherwise (never stored cut).
    ``as_field`` names the input the text came from when it is not the model field's name (the error is shown there)."""
    f = model._meta.get_field(field)
    if len(text) > f.max_length:
        label = str(f.verbose_name)
        raise errors.TEXT_TOO_LONG(label=label[:1].upper() + label[1:], max_length=f.max_length, field=as_field or field)
    return text


def list_create(*, actor: Any, commune_code: str, term: str, position_code: str, note: str = "") -> PlanningList:
    unit = _unit(commune_code)
    require_edit(actor, province_code=unit.province_code, commune_code=unit.code)
    if term not in catalogue.TERMS:
        raise errors.INVALID_TERM()
    if position_code not in catalogue.RANKS:
        raise errors.NOT_PLANNABLE()
    if PlanningList.objects.filter(commune_code=unit.code, term=term, position_code=position_code).exists():
        raise errors.LIST_EXISTS(position=position_name(position_code), term=catalogue.term_label(term))
    plist = PlanningList(province_code=unit.province_code, commune_code=unit.code, term=term, position_code=position_code,
                         level=catalogue.LEVEL, note=_within(note, PlanningList, "note"))
    plist.full_clean()
    try:
        with transaction.atomic():
            return audited_create(plist, actor=actor, verb="planning.list_create")
    except IntegrityError:  # created meanwhile by a concurrent request (a double click)
        raise errors.LIST_EXISTS(position=position_name(position_code), term=catalogue.term_label(term)) from None


# The history lines the system writes (Vietnamese source sentences, translated when shown). Their parameters are what was
# typed (a decision, a reason, a note: shown as typed) and, under "position_code", a post shown by its name in the reader's
# language.
EVENT_ENTERED = gettext_noop("Vào quy hoạch theo %(decision)s.")
EVENT_REMOVED = gettext_noop("Đưa ra khỏi quy hoạch theo %(decision)s: %(reason)s")
EVENT_APPOINTED = gettext_noop("Đã được bổ nhiệm %(position)s theo %(decision)s.")
EVENT_PROPOSED = gettext_noop("Rà soát năm %(year)s: đề xuất đưa ra khỏi quy hoạch (%(reasons)s).")
EVENT_KEPT = gettext_noop("Giữ lại trong quy hoạch: %(note)s")
EVENT_MERGED = gettext_noop("Trùng quy hoạch khi sắp xếp đơn vị theo %(reference)s: giữ mục #%(kept)s (vào quy hoạch ngày %(entered_on)s "
                            "theo %(decision)s) trong danh sách #%(list)s của xã/phường mã %(commune)s.")


def event_text(message: str, params: dict[str, Any], *, translate: bool) -> str:
    """A history line: ``message`` with its ``params``, in the active language (``translate``) or in Vietnamese as written;
    "" when the parameters do not fit the sentence."""
    from django.utils.translation import override

    def render() -> str:
        values = dict(params)
        if "position_code" in values:
            values["position"] = position_name(str(values["position_code"]))
        return (gettext(message) if translate else message) % values

    try:
        if translate:
            return render()
        with override("vi"):
            return render()
    except (KeyError, TypeError, ValueError):
        return ""


def _event(candidate: Candidate, *, on: dt.date, kind: str, message: str, params: dict[str, Any], actor: Any) -> None:
    CandidateEvent.objects.create(candidate=candidate, on=on, kind=kind, text=event_text(message, params, translate=False)[:1000],
                                  message=message, params=params,
                                  actor_name=getattr(actor, "display_name", "") or getattr(actor, "username", "") if actor else "Coso")


@transaction.atomic
def candidate_add(*, actor: Any, planning_list: PlanningList, person_id: int, entered_on: dt.date, decision: str) -> Candidate:
    """Enter a person in a planning list: refused (with every reason) when a planning rule is not met."""
    plist = PlanningList.objects.select_for_update().get(pk=planning_list.pk)
    require_edit(actor, province_code=plist.province_code, commune_code=plist.commune_code)
    person = wf.person_unit(fetched_by=actor, pk=person_id)
    if person["province_code"] != plist.province_code:
        raise errors.OTHER_PROVINCE()
    decision = _within((decision or "").strip(), Candidate, "decision")
    if not decision:
        raise errors.DECISION_REQUIRED()
    check_day("entered_on", entered_on)  # year 1 was answered "no planning rule for 01/01/1"
    if entered_on > timezone.localdate():
        raise errors.FUTURE_DATE()
    from coso.rules.lookup import book

    # the planning rules start with Regulation 50-QĐ/TW (27/12/2021): an earlier date has no limits to check against
    if book().get("planning.candidates.max_per_position", entered_on, plist.province_code, plist.commune_code) is None:
        raise errors.PLANNING_NO_RULE(day=entered_on.strftime("%d/%m/%Y"))
    r = checks.PlanningRules(entered_on, plist.province_code, plist.commune_code)
    # The list's lock covers its own candidates; the person's positions in other lists are counted under the person's
    # lock, so that two additions of one person to two lists at once cannot both pass the limit.
    locks.lock(Candidate, "planning.candidate_person", str(person_id))
    active = Candidate.objects.filter(status=Candidate.Status.ACTIVE)
    if active.filter(planning_list=plist, person_id=person_id).exists():
        raise errors.ALREADY_PLANNED(name=person["full_name"])
    if active.filter(planning_list=plist).count() >= r.max_per_position:
        raise errors.LIST_FULL(max=r.max_per_position, details={"max": r.max_per_position})
    proposal = AppointmentProposal.objects.filter(person_id=person_id, position_code=plist.position_code, status=AppointmentProposal.Status.OPEN).first()
    if proposal is not None:
        raise errors.OPEN_PROPOSAL(name=person["full_name"], kind=proposal.get_kind_display().lower(), ref=proposal.reference,
                                   details={"proposal": proposal.pk})
    same_level = active.filter(person_id=person_id, planning_list__term=plist.term, planning_list__level=plist.level).count()
    if same_level >= r.max_positions:
        raise errors.TOO_MANY_POSITIONS(max=r.max_positions, name=person["full_name"], count=same_level, details={"max": r.max_positions})
    profile = wf.planning_profiles([person_id], on=entered_on, targets={person_id: plist.position_code})[person_id]
    issues = checks.assess(profile, target=plist.position_code, term=plist.term, r=r, target_name=position_name(plist.position_code))
    blocks = checks.blocking(issues)
    if blocks:
        raise errors.NOT_ELIGIBLE(reasons=" ".join(i["text"] for i in blocks), details={"issues": blocks})
    cand = Candidate(planning_list=plist, person_id=person_id, entered_on=entered_on, decision=decision,
                     province_code=plist.province_code, commune_code=plist.commune_code,
                     warnings=[{k: v for k, v in i.items() if k in ("code", "text")} for i in issues])
    cand.full_clean()
    audited_create(cand, actor=actor, verb="planning.candidate_add")
    _event(cand, on=entered_on, kind="entered", message=EVENT_ENTERED, params={"decision": cand.decision}, actor=actor)
    return cand


@transaction.atomic
def candidate_remove(*, actor: Any, candidate: Candidate, on: dt.date, decision: str, reason: str) -> Candidate:
    cand = Candidate.objects.select_for_update().get(pk=candidate.pk)
    require_edit(actor, province_code=cand.province_code, commune_code=cand.commune_code)
    if cand.status != Candidate.Status.ACTIVE:
        raise errors.ALREADY_REMOVED()
    decision, reason = (decision or "").strip(), (reason or "").strip()
    if not decision or not reason:
        raise errors.REMOVAL_DECISION_REQUIRED()
    decision = _within(decision, Candidate, "removal_decision", as_field="decision")
    reason = _within(reason, Candidate, "removal_reason", as_field="reason")
    if on < cand.entered_on or on > timezone.localdate():
        raise errors.REMOVAL_DATE()
    audited_update(cand, actor=actor, verb="planning.candidate_remove", reason=reason,
                   changes={"status": Candidate.Status.REMOVED, "removed_on": on, "removal_decision": decision, "removal_reason": reason})
    _event(cand, on=on, kind="removed", message=EVENT_REMOVED, params={"decision": decision, "reason": reason}, actor=actor)
    return cand


@transaction.atomic
def close_on_appointment(*, actor: Any, person_id: int, position_code: str, on: dt.date, decision: str) -> list[int]:
    """A person appointed to ``position_code`` on ``on`` leaves the planning entries that post fulfils: the list of that
    post and of every post ranked no higher (planning is only for a higher post than the one held). Entries for
    higher posts stay. Returns the candidate ids closed; each gets a history line and an audit entry."""
    rank = catalogue.RANKS.get(position_code)
    closed: list[int] = []
    qs = Candidate.objects.select_for_update().select_related("planning_list").filter(person_id=person_id, status=Candidate.Status.ACTIVE)
    for cand in qs:
        pos = cand.planning_list.position_code
        if pos != position_code and (rank is None or catalogue.RANKS.get(pos, 0) > rank):
            continue
        require_edit(actor, province_code=cand.province_code, commune_code=cand.commune_code)
        reason = f"Đã được bổ nhiệm {position_name(position_code)} theo {decision}"[:500]
        audited_update(cand, actor=actor, verb="planning.close_on_appointment", reason=reason,
                       changes={"status": Candidate.Status.REMOVED, "removed_on": max(on, cand.entered_on), "removal_decision": decision[:120],
                                "removal_reason": reason})
        _event(cand, on=max(on, cand.entered_on), kind="appointed", message=EVENT_APPOINTED,
               params={"position_code": position_code, "decision": decision}, actor=actor)
        closed.append(cand.pk)
    return closed


# ---------------------------------------------------------------- yearly review
def review_run(*, on: dt.date, actor: Any = None, province_code: str = "", commune_code: str = "") -> dict[str, int]:
    """Propose, for a human decision, the removal of every active candidate who no longer qualifies.

    Reasons: over the planning age, a discipline waiting period, the last evaluation below the
    minimum, a standard no longer met, no longer in office. One proposal per candidate and year;
    nobody is removed here. A national run reads each person once (with the gaps against each post
    they are planned for) and writes the proposals, their history lines and audit entries in batches.
    """
    qs = Candidate.objects.filter(status=Candidate.Status.ACTIVE)
    done = RemovalProposal.objects.filter(year=on.year)
    if province_code:
        qs, done = qs.filter(province_code=province_code), done.filter(province_code=province_code)
    if commune_code:
        qs, done = qs.filter(commune_code=commune_code), done.filter(commune_code=commune_code)
    cands = list(qs.order_by("id").values_list("id", "person_id", "province_code", "commune_code", "planning_list__position_code",
                                               "planning_list__term"))
    counts = {"checked": len(cands), "proposed": 0, "already": 0}
    existing = set(done.values_list("candidate_id", flat=True))
    target_sets: dict[int, set[str]] = {}
    for _pk, person_id, _p, _c, target, _t in cands:
        target_sets.setdefault(person_id, set()).add(target)
    profiles = wf.planning_profiles(list(target_sets), on=on, target_sets=target_sets, current_gaps=False)
    # The rule values of each candidate's commune (its own over its province's, as candidate_add and the list's flags read
    # them), from one snapshot of the rule book.
    from coso.rules.lookup import book

    index = book()
    rules_cache: dict[tuple[str, str], checks.PlanningRules] = {}
    names: dict[str, str] = {}
    flagged: list[tuple[tuple[int, str, str], list[dict[str, Any]]]] = []
    for pk, person_id, prov, commune, target, term in cands:
        if pk in existing:
            counts["already"] += 1
            continue
        r = rules_cache.get((prov, commune)) or rules_cache.setdefault((prov, commune), checks.PlanningRules(on, prov, commune, index=index))
        name = names.get(target) or names.setdefault(target, position_name(target))
        profile = profiles[person_id]
        issues = checks.blocking(checks.assess(profile, target=target, term=term, r=r, target_name=name,
                                               gaps=profile["gaps_by_target"][target]))
        if issues:
            flagged.append(((pk, prov, commune), issues))
    for i in range(0, len(flagged), 5000):
        written = _propose(flagged[i:i + 5000], on=on, actor=actor)
        counts["proposed"] += written
        counts["already"] += len(flagged[i:i + 5000]) - written
    return counts


def _propose(flagged: list[tuple[tuple[int, str, str], list[dict[str, Any]]]], *, on: dt.date, actor: Any) -> int:
    """Write the proposals of a batch ((candidate id, province, commune), issues), their history lines and audit entries
    in one transaction (one prepared INSERT per table); returns how many were written (a candidate proposed meanwhile
    by another review running side by side is skipped)."""
    from coso.core.bulk import insert_values
    from coso.core.dbfunctions import IdsIn
    from coso.core.models import AuditLog

    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    actor_name = ((getattr(actor, "display_name", "") or getattr(actor, "username", "")) if authenticated else "anonymous")[:200]
    event_actor = (getattr(actor, "display_name", "") or getattr(actor, "username", "")) if actor else "Coso"
    label = RemovalProposal._meta.label
    with transaction.atomic():
        # Another review (a second click, the daily job) may have proposed some of these since they were read: under the
        # review's lock, the year's proposals are read again and those candidates left out (one proposal a year).
        locks.lock(RemovalProposal, "planning.review", str(on.year))
        taken = set(RemovalProposal.objects.filter(IdsIn("candidate_id", [pk for (pk, _p, _c), _i in flagged]), year=on.year)
                    .values_list("candidate_id", flat=True))
        flagged = [f for f in flagged if f[0][0] not in taken]
        if not flagged:
            return 0
        insert_values(RemovalProposal, ({"candidate_id": pk, "review_on": on, "year": on.year, "reasons": issues, "province_code": prov,
                                         "commune_code": commune} for (pk, prov, commune), issues in flagged))
        ids = dict(RemovalProposal.objects.filter(IdsIn("candidate_id", [pk for (pk, _p, _c), _i in flagged]), year=on.year).order_by()
                   .values_list("candidate_id", "id"))
        insert_values(CandidateEvent, ({"candidate_id": pk, "on": on, "kind": "proposed", "actor_name": event_actor, "message": EVENT_PROPOSED,
                                        "params": params, "text": event_text(EVENT_PROPOSED, params, translate=False)[:1000]}
                                       for (pk, _p, _c), issues in flagged
                                       for params in ({"year": on.year, "reasons": "; ".join(i["text"] for i in issues)},)))
        insert_values(AuditLog, ({"actor_id": actor.pk if authenticated else None, "actor_name": actor_name, "province_code": prov,
                                  "commune_code": commune, "action": "action", "verb": "planning.review_propose", "object_type": label,
                                  "object_id": str(ids[pk]), "object_repr": f"RemovalProposal object ({ids[pk]})",
                                  "after": {"reasons": [i["text"] for i in issues]}}
                                 for (pk, prov, commune), issues in flagged))
    return len(flagged)


@transaction.atomic
def proposal_decide(*, actor: Any, proposal: RemovalProposal, accept: bool, decision: str = "", note: str = "") -> RemovalProposal:
    prop = RemovalProposal.objects.select_for_update().select_related("candidate").get(pk=proposal.pk)
    require_edit(actor, province_code=prop.province_code, commune_code=prop.commune_code)
    if prop.status != RemovalProposal.Status.PENDING:
        raise errors.ALREADY_DECIDED()
    decision, note = (decision or "").strip(), _within((note or "").strip(), RemovalProposal, "decision_note", as_field="note")
    today = timezone.localdate()
    # The candidate may have left planning since the review (another removal decision, an appointment, a merger): the
    # proposal is then closed by accepting it, with no second removal; keeping them "in planning" is refused.
    status = Candidate.objects.select_for_update().filter(pk=prop.candidate_id).values_list("status", flat=True).first()
    removed = status != Candidate.Status.ACTIVE
    if removed and not accept:
        raise errors.ALREADY_REMOVED()
    if accept:
        if not decision:
            raise errors.PROPOSAL_DECISION_REQUIRED()
        decision = _within(decision, Candidate, "removal_decision", as_field="decision")
        if not removed:
            # the reasons are the review's own text (not input): a long list is summed up within the column
            candidate_remove(actor=actor, candidate=prop.candidate, on=today, decision=decision,
                             reason="; ".join(r["text"] for r in prop.reasons)[:500])
    elif not note:
        raise errors.NOTE_REQUIRED()
    else:
        _event(prop.candidate, on=today, kind="kept", message=EVENT_KEPT, params={"note": note}, actor=actor)
    audited_update(prop, actor=actor, verb="planning.proposal_decide",
                   changes={"status": RemovalProposal.Status.ACCEPTED if accept else RemovalProposal.Status.REJECTED, "decided_by": actor,
                            "decided_at": timezone.now(), "decision_note": note or decision})
    return prop


# ---------------------------------------------------------------- training
YEARS = (2020, 2100)
# The most pins (person, course) or excluded people a plan request names: more than a commune's or a province's
# plan ever sets aside by hand (a commune has some tens of cadres and civil servants); the optimiser is not given more.
PLAN_MAX_LISTED = 1000


def check_plan_lists(*, pinned: int, excluded: int) -> None:
    """Refuse, on its field, a plan request that pins or excludes more than ``PLAN_MAX_LISTED`` (counts given)."""
    if pinned > PLAN_MAX_LISTED:
        raise errors.TOO_MANY_PINS(max=PLAN_MAX_LISTED)
    if excluded > PLAN_MAX_LISTED:
        raise errors.TOO_MANY_EXCLUDED(max=PLAN_MAX_LISTED)


def _check_year(year: int) -> None:
    if not YEARS[0] <= year <= YEARS[1]:
        raise errors.INVALID_YEAR(low=YEARS[0], high=YEARS[1])


@transaction.atomic
def course_create(*, actor: Any, province_code: str, commune_code: str = "", kind: str, name: str, year: int, duration_days: int, seats: int,
                  cost_per_person: int | None = None, starts_on: dt.date | None = None) -> Course:
    from coso.planning.catalogue import COURSE_KINDS
    from coso.rules.lookup import RuleMissingError, rule

    require_edit(actor, province_code=province_code, commune_code=commune_code)
    _check_year(year)
    if kind not in COURSE_KINDS:
        raise errors.INVALID_KIND()
    name = _within((name or "").strip(), Course, "name")
    if seats < 1 or duration_days < 1:
        raise errors.INVALID_COURSE()
    for value, label in ((seats, gettext("Số chỗ")), (duration_days, gettext("Thời gian"))):
        if value > INT_MAX:  # what the integer column holds
            raise errors.OUT_OF_RANGE(label=label)
    if starts_on is not None and starts_on.year != year:  # a course of the year's plan starts that year (its completion is checked from it)
        raise errors.COURSE_START_YEAR(year=year)
    if cost_per_person is None:
        try:
            costs = rule("planning.training.cost_per_person", on=dt.date(year, 1, 1), province_code=province_code)
        except RuleMissingError:
            raise errors.TRAINING_NO_RULE(year=year) from None
        cost_per_person = int(costs[kind])
    course = Course(province_code=province_code, commune_code=commune_code, kind=kind, name=name or COURSE_KINDS[kind]["name"], year=year,
                    duration_days=duration_days, seats=seats, cost_per_person=cost_per_person, starts_on=starts_on)
    course.full_clean()
    with transaction.atomic():
        # The same course submitted twice (a double click, a repeated call) is recorded once.
        locks.lock(Course, "planning.course", f"{province_code}:{commune_code}")
        if Course.objects.filter(province_code=province_code, commune_code=commune_code, kind=kind, name=course.name, year=year,
                                 starts_on=starts_on).exists():
            raise errors.COURSE_EXISTS(name=gettext(course.name), year=year)
        return audited_create(course, actor=actor, verb="planning.course_create")


def plan_build(*, actor: Any, province_code: str, commune_code: str = "", year: int, budget: int, per_person_limit: int | None = None,
               pinned: list[tuple[int, int]] | None = None, excluded: list[int] | None = None) -> TrainingPlan:
    """Build the year's training plan of a province (or one commune) with the MILP optimiser and the greedy baseline."""
    from coso.planning import training
    from coso.rules.lookup import RuleMissingError, rule

    require_edit(actor, province_code=province_code, commune_code=commune_code)
    check_plan_lists(pinned=len(pinned or []), excluded=len(excluded or []))
    _check_year(year)
    if budget < 0:
        raise errors.INVALID_BUDGET()
    on = dt.date(year, 1, 1)
    try:  # the training rules start with Decree 171/2025 (1/7/2025): a year before them has no plan
        limit = per_person_limit or int(rule("planning.training.courses_per_person", on=on, province_code=province_code))
        if limit < 1:
            raise errors.INVALID_LIMIT()
        if limit > INT_MAX:  # what the integer column holds (PostgreSQL refuses more when the plan is saved)
            raise errors.OUT_OF_RANGE(label=gettext("Số khóa tối đa một người"), field="limit")
        data = training.needs_and_courses(province_code=province_code, commune_code=commune_code, year=year, excluded=set(excluded or []))
    except RuleMissingError:
        raise errors.TRAINING_NO_RULE(year=year) from None
    # A pin is a (person, course) the plan must keep: one that closes none of the person's gaps cannot be kept, and was dropped silently.
    possible = {(data["gaps"][i]["person"], data["courses"][j]["id"]) for i, j in training.pairs_of(data["gaps"], data["courses"])}
    for person_id, course_id in pinned or []:
        if (person_id, course_id) not in possible:
            raise errors.PIN_NOT_POSSIBLE(pin=f"{person_id}:{course_id}", details={"pin": [person_id, course_id]})
    result = training.compare(data, budget=budget, per_person_limit=limit, pinned=pinned or [])
    plan = TrainingPlan(province_code=province_code, commune_code=commune_code, year=year, budget=budget, per_person_limit=limit, result=result,
                        created_by=actor)
    with transaction.atomic():
        plan.save()
        audit_log(actor=actor, action="create", obj=plan, verb="planning.plan_build",
                  after={"year": year, "budget": budget, "milp_closed": result["milp"]["closed"], "greedy_closed": result["greedy"]["closed"]})
    return plan


@transaction.atomic
def attendance_complete(*, actor: Any, plan: TrainingPlan, person_id: int, course_id: int, ended_on: dt.date, certificate: str = "") -> dict[str, Any]:
    """A person of the plan completed the course: the register records it and raises the qualification (the next review sees the gap closed)."""
    from coso.planning.catalogue import COURSE_KINDS
    from coso.workforce import services as wf_services

    locked = TrainingPlan.objects.select_for_update().get(pk=plan.pk)
    require_edit(actor, province_code=locked.province_code, commune_code=locked.commune_code)
    row = next((r for r in locked.result.get("milp", {}).get("rows", []) if r["person"] == person_id and r["course"] == course_id), None)
    if row is None:
        raise errors.NOT_IN_PLAN()
    done = locked.result.setdefault("completed", [])
    if [person_id, course_id] in done:
        raise errors.ALREADY_COMPLETED()
    course = Course.objects.filter(pk=course_id).first()
    if course is None:
        raise errors.NOT_IN_PLAN()
    first_day = course.starts_on or dt.date(course.year, 1, 1)
    if ended_on < first_day:  # a course cannot be completed before it started
        raise errors.COMPLETION_BEFORE_START(day=first_day.strftime("%d/%m/%Y"))
    kind = COURSE_KINDS[course.kind]
    out = wf_services.training_completed(actor=actor, person_id=person_id, standard=kind["standard"], level=kind["level"], name=course.name,
                                         ended_on=ended_on, certificate=certificate)
    done.append([person_id, course_id])
    locked.save(update_fields=["result"])
    audit_log(actor=actor, action="action", obj=locked, verb="planning.attendance_complete", after={"person": person_id, "course": course_id})
    return out


# ---------------------------------------------------------------- postgraduate training (Decree 171/2025; Decree 101/2017 before)
def _postgrad_rule(starts_on: dt.date) -> Any:
    from coso.rules.lookup import book

    ref = book().get(postgrad.KEY, starts_on)
    if ref is None:
        raise errors.POSTGRAD_NO_RULE(day=starts_on.strftime("%d/%m/%Y"))
    return ref


def postgrad_assess(*, fetched_by: Any, person_id: int, field: str, field_note: str, starts_on: dt.date, ends_on: dt.date) -> dict[str, Any]:
    """The conditions checked for a person and a course (nothing written): each check, the commitment, the rule applied."""
    from coso.workforce import rules as wf_rules

    if ends_on <= starts_on:
        raise errors.POSTGRAD_DATES()
    if starts_on < FIRST_DAY or ends_on > LAST_DAY:  # the commitment runs years past the end: 31/12/9999 has none after it
        raise errors.POSTGRAD_DATES_RANGE(first=FIRST_YEAR, last=LAST_YEAR)
    ref = _postgrad_rule(starts_on)
    profile = wf.postgrad_profile(fetched_by=fetched_by, pk=person_id, on=starts_on)
    checks_ = postgrad.check_conditions(profile, field=field, field_note=field_note, starts_on=starts_on, rule=ref.value,
                                        field_names=wf_rules.DEGREE_FIELDS)
    return {"profile": profile, "checks": checks_, "eligible": all(c["ok"] for c in checks_),
            **postgrad.commitment(starts_on=starts_on, ends_on=ends_on, rule=ref.value),
            "rule": {"key": ref.key, "document": ref.source_document, "article": ref.source_article, "confidence": ref.confidence,
                     "valid_from": ref.valid_from.isoformat(), "value": dict(ref.value)}}


@transaction.atomic
def postgrad_create(*, actor: Any, person_id: int, level: str, field: str, institution: str, starts_on: dt.date, ends_on: dt.date, cost: int,
                    field_note: str = "") -> PostgradRequest:
    """Record a request with every condition checked (a request that fails a condition is kept, shown, and cannot be approved)."""
    from coso.workforce import rules as wf_rules

    unit = wf.person_unit(fetched_by=actor, pk=person_id)
    require_edit(actor, province_code=unit["province_code"], commune_code=unit["commune_code"])
    if level not in PostgradRequest.Level.values:
        raise errors.POSTGRAD_LEVEL()
    if field not in wf_rules.DEGREE_FIELDS:
        raise errors.POSTGRAD_FIELD()
    institution = _within((institution or "").strip(), PostgradRequest, "institution")
    if not institution:
        raise errors.POSTGRAD_INSTITUTION()
    field_note = _within((field_note or "").strip(), PostgradRequest, "field_note")
    if cost < 0:
        raise errors.POSTGRAD_COST()
    a = postgrad_assess(fetched_by=actor, person_id=person_id, field=field, field_note=field_note or "", starts_on=starts_on, ends_on=ends_on)
    # The same request submitted twice (a double click, a repeated call) is recorded once, unless the first was refused.
    locks.lock(PostgradRequest, "planning.postgrad_person", str(person_id))
    if (PostgradRequest.objects.filter(person_id=person_id, level=level, field=field, institution=institution, starts_on=starts_on, ends_on=ends_on)
            .exclude(status=PostgradRequest.Status.REJECTED).exists()):
        raise errors.POSTGRAD_EXISTS()
    req = PostgradRequest(person_id=person_id, level=level, field=field, field_note=field_note, institution=institution,
                          starts_on=starts_on, ends_on=ends_on, cost=cost, checks=a["checks"], eligible=a["eligible"], rule_source=a["rule"],
                          training_months=a["training_months"], commitment_months=a["commitment_months"], commitment_end=a["commitment_end"],
                          province_code=unit["province_code"], commune_code=unit["commune_code"], created_by=actor)
    return audited_create(req, actor=actor, verb="planning.postgrad_create")


def _postgrad_lock(request: PostgradRequest, version: int | None) -> PostgradRequest:
    locked = PostgradRequest.objects.select_for_update().get(pk=request.pk)
    if version is not None and locked.version != version:
        raise errors.POSTGRAD_CONFLICT(details={"version": locked.version})
    return locked


@transaction.atomic
def postgrad_decide(*, actor: Any, request: PostgradRequest, approve: bool, decision: str, version: int | None = None) -> PostgradRequest:
    req = _postgrad_lock(request, version)
    require_edit(actor, province_code=req.province_code, commune_code=req.commune_code)
    if req.status != PostgradRequest.Status.SUBMITTED:
        raise errors.POSTGRAD_DECIDED()
    decision = _within((decision or "").strip(), PostgradRequest, "decision")
    if not decision:
        raise errors.DECISION_REQUIRED()
    if approve and not req.eligible:
        failed = [c["label"] for c in req.checks if not c["ok"]]
        raise errors.POSTGRAD_NOT_ELIGIBLE(reasons="; ".join(failed), details={"checks": req.checks})
    return audited_update(req, actor=actor, verb="planning.postgrad_decide",
                          changes={"status": PostgradRequest.Status.APPROVED if approve else PostgradRequest.Status.REJECTED,
                                   "decision": decision, "version": req.version + 1})


@transaction.atomic
def postgrad_repayment(*, actor: Any, request: PostgradRequest, case: str, actual_cost: int, months_served: int, exemption: str = "",
                       version: int | None = None) -> PostgradRequest:
    """Record what a person who did not keep the commitment repays: S = F, or S = F / T1 × (T1 − T2), or nothing when exempt."""
    req = _postgrad_lock(request, version)
    require_edit(actor, province_code=req.province_code, commune_code=req.commune_code)
    if req.status != PostgradRequest.Status.APPROVED:
        raise errors.POSTGRAD_NOT_APPROVED()
    if case not in PostgradRequest.RepayCase.values:
        raise errors.POSTGRAD_CASE()
    if exemption not in PostgradRequest.Exemption.values:
        raise errors.POSTGRAD_CASE(field="exemption")
    if actual_cost < 0:
        raise errors.POSTGRAD_COST(field="actual_cost")
    if not 0 <= months_served <= req.commitment_months:
        raise errors.POSTGRAD_SERVED(max=req.commitment_months)
    out = postgrad.repayment(case=case, cost=actual_cost, commitment_months=req.commitment_months, months_served=months_served, exemption=exemption)
    return audited_update(req, actor=actor, verb="planning.postgrad_repayment", reason=out["formula"],
                          changes={"repay_case": case, "exemption": exemption, "actual_cost": actual_cost, "months_served": months_served,
                                   "repay_amount": out["amount"], "version": req.version + 1})


# ---------------------------------------------------------------- leaving payments after the 2025 merger (Decree 178/2024, Decree 67/2025)
def check_day(field: str, day: dt.date | None) -> None:
    """Refuse, on its field, a day outside the project's span of dates (``coso.core.params``)."""
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        raise errors.DATE_OUT_OF_RANGE(first=FIRST_DAY.strftime("%d/%m/%Y"), last=LAST_DAY.strftime("%d/%m/%Y"), field=field)


def leaving_scope(*, fetched_by: Any, person_id: int) -> None:
    """404 unless the user may see the person of the leaving-payment calculator (checked before any other input is)."""
    wf.person_unit(fetched_by=fetched_by, pk=person_id)


def leaving_estimate(*, fetched_by: Any, person_id: int, salary: int, si_months: int, leave_on: dt.date,
                     decision_on: dt.date | None = None) -> dict[str, Any]:
    """Early-retirement and leaving-the-service payments for a person of the register (a computation; nothing is written)."""
    from coso.rules.lookup import book

    leaving_scope(fetched_by=fetched_by, person_id=person_id)  # another unit's person: 404 before the input is checked
    check_day("leave_on", leave_on)
    check_day("decision_on", decision_on)
    if salary <= 0:
        raise errors.LEAVING_SALARY()
    if not 0 <= si_months <= 600:
        raise errors.LEAVING_SI()
    if book().get(payments.EARLY_KEY, leave_on) is None or book().get(payments.RESIGN_KEY, leave_on) is None:
        raise errors.LEAVING_NO_RULE(day=leave_on.strftime("%d/%m/%Y"))
    if decision_on is not None and decision_on > leave_on:
        raise errors.LEAVING_BEFORE_DECISION(day=decision_on.strftime("%d/%m/%Y"))
    profile = wf.postgrad_profile(fetched_by=fetched_by, pk=person_id, on=leave_on)
    # Both policies are for people who leave before their retirement age (Decree 178/2024/ND-CP, as amended by Decree
    # 67/2025/ND-CP): on or after the retirement date the person retires. A leaving day past it was answered with a
    # resignation allowance (social-insurance years and 3 months to look for work) and "-8 months early".
    if profile["retirement_date"] and leave_on >= profile["retirement_date"]:
        raise errors.LEAVING_AFTER_RETIREMENT(day=profile["retirement_date"].strftime("%d/%m/%Y"))
    out = payments.estimate(salary=salary, birth_retirement=profile["retirement_date"], leave_on=leave_on, si_months=si_months,
                            decision_on=decision_on, province_code=profile["province_code"])
    return {**out, "person": {k: profile[k] for k in ("id", "full_name", "birth_date", "gender", "position_name", "commune_code")}}


# ---------------------------------------------------------------- appointment and nomination proposals (block planning for the same post)
@transaction.atomic
def appointment_proposal_open(*, actor: Any, person_id: int, position_code: str, proposed_on: dt.date, reference: str,
                              kind: str = "appointment") -> AppointmentProposal:
    unit = wf.person_unit(fetched_by=actor, pk=person_id)
    require_edit(actor, province_code=unit["province_code"], commune_code=unit["commune_code"])
    if kind not in AppointmentProposal.Kind.values:
        raise errors.PROPOSAL_KIND()
    if position_code not in catalogue.RANKS:
        raise errors.NOT_PLANNABLE()
    reference = _within((reference or "").strip(), AppointmentProposal, "reference")
    if not reference:
        raise errors.PROPOSAL_REFERENCE()
    check_day("proposed_on", proposed_on)
    if proposed_on > timezone.localdate():
        raise errors.PROPOSAL_DATE()
    # One open proposal of a kind per person and post: a second (a repeated call) would keep blocking the planning entry
    # once the one the officer sees is closed.
    locks.lock(AppointmentProposal, "planning.appointment_proposal", str(person_id))
    open_ = AppointmentProposal.objects.filter(person_id=person_id, position_code=position_code, kind=kind,
                                               status=AppointmentProposal.Status.OPEN).first()
    if open_ is not None:
        raise errors.PROPOSAL_OPEN(ref=open_.reference, details={"proposal": open_.pk})
    prop = AppointmentProposal(person_id=person_id, position_code=position_code, kind=kind, proposed_on=proposed_on, reference=reference,
                               province_code=unit["province_code"], commune_code=unit["commune_code"])
    return audited_create(prop, actor=actor, verb="planning.appointment_proposal_open")


@transaction.atomic
def appointment_proposal_close(*, actor: Any, proposal: AppointmentProposal, outcome: str = "") -> AppointmentProposal:
    prop = AppointmentProposal.objects.select_for_update().get(pk=proposal.pk)
    require_edit(actor, province_code=prop.province_code, commune_code=prop.commune_code)
    if prop.status != AppointmentProposal.Status.OPEN:
        raise errors.PROPOSAL_CLOSED()
    outcome = _within((outcome or "").strip(), AppointmentProposal, "outcome")
    return audited_update(prop, actor=actor, verb="planning.appointment_proposal_close",
                          changes={"status": AppointmentProposal.Status.CLOSED, "closed_on": timezone.localdate(), "outcome": outcome})

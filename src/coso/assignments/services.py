"""Writes of the assignments app: appointment decisions (checked against every rule, applied to the register and the
planning lists from their effective date), rotation exemptions and a person's origin. Every write is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from coso.assignments import errors, selectors
from coso.assignments.models import Decision, Origin, RotationExemption
from coso.core import locks
from coso.core.audit import audit_log, audited_create, audited_update
from coso.core.models import AuditLog
from coso.core.params import FIRST_DAY, LAST_DAY
from coso.core.scoping import can_see_unit
from coso.core.text import nfc
from coso.planning import services as planning_services
from coso.workforce import selectors as wf
from coso.workforce import services as wf_services


def require_edit(user: Any, *, province_code: str, commune_code: str) -> None:
    if not (user.is_superuser or user.role in selectors.EDIT_ROLES) or not can_see_unit(user, province_code=province_code, commune_code=commune_code):
        raise errors.FORBIDDEN()


def _person(actor: Any, person_id: int) -> dict[str, Any]:
    return wf.person_unit(fetched_by=actor, pk=person_id)


def _within(text: str, model: Any, field: str) -> str:
    """``text`` when it fits the model field; refused with the field's name and limit otherwise (never stored cut)."""
    f = model._meta.get_field(field)
    if len(text) > f.max_length:
        label = str(f.verbose_name)
        raise errors.TEXT_TOO_LONG(label=label[:1].upper() + label[1:], max_length=f.max_length, field=field)
    return text


@transaction.atomic
def decision_record(*, actor: Any, commune_code: str, position_code: str, person_id: int, number: str, decided_on: dt.date,
                    effective_on: dt.date, note: str = "") -> Decision:
    """Record an appointment decision for a vacant post. Refused, changing nothing, when the post is not vacant on the
    effective date, the person fails a rule on the day of signing (each failure named), or the number is taken.
    A decision in force today is applied at once; a later one on its effective date (daily job)."""
    from coso.units.models import AdministrativeUnit

    unit = selectors.unit_of(actor, commune_code)
    require_edit(actor, province_code=unit["province_code"], commune_code=unit["code"])
    # One decision at a time per commune: the vacancy count read below stays true until this transaction ends.
    AdministrativeUnit.objects.select_for_update().filter(code=unit["code"]).values_list("code", flat=True).first()
    number = _within(nfc((number or "").strip()), Decision, "number")
    if not number:
        raise errors.NUMBER_REQUIRED()
    note = _within(nfc((note or "").strip()), Decision, "note")
    today = timezone.localdate()
    # The project's span of dates (coso.core.params): a decision not yet in force holds its post until its effective
    # date, so a year typed 9999 would keep the post out of every vacancy list.
    bounds: dict[str, Any] = {"first": FIRST_DAY.strftime("%d/%m/%Y"), "last": LAST_DAY.strftime("%d/%m/%Y")}
    if decided_on < FIRST_DAY:
        raise errors.DECIDED_OUT_OF_RANGE(**bounds)
    if effective_on > LAST_DAY:
        raise errors.EFFECTIVE_OUT_OF_RANGE(**bounds)
    if decided_on > today:
        raise errors.DECIDED_FUTURE()
    if effective_on < decided_on:
        raise errors.EFFECTIVE_BEFORE()
    if Decision.objects.filter(province_code=unit["province_code"], number=number).exists():
        raise errors.NUMBER_TAKEN(number=number)
    person = _person(actor, person_id)
    check = selectors.person_check(fetched_by=actor, person_id=person_id, commune_code=unit["code"], position_code=position_code, on=decided_on)
    if check["holds"]:
        raise errors.ALREADY_HOLDS()
    post = _open_post(actor, unit, position_code, effective_on)
    if post is None or post["count"] <= 0:
        name = str(wf.position_catalogue(unit["province_code"], unit["code"]).get(position_code, {}).get("name", position_code))
        raise errors.NO_VACANCY(position=name, commune=unit["name"], day=effective_on.strftime("%d/%m/%Y"))
    fails = [c for c in check["checks"] if c["status"] == "fail"]
    if fails:
        raise errors.NOT_ELIGIBLE(reasons=" ".join(f"{c['label']}: {c['reason']}" for c in fails), details={"checks": fails})
    decision = Decision(province_code=unit["province_code"], commune_code=unit["code"], person_id=person["id"], position_code=position_code,
                        from_position_code=check["from_position_code"], from_commune_code=check["from_commune_code"], number=number,
                        decided_on=decided_on, effective_on=effective_on, checks=_plain(check["checks"]), note=note, created_by=actor)
    decision.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            audited_create(decision, actor=actor, verb="assignments.decision_record")
    except IntegrityError:
        raise errors.NUMBER_TAKEN(number=number) from None
    if effective_on <= today:
        decision_apply(actor=actor, decision=decision)
    return decision


def _plain(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: str(v) for k, v in c.items()} for c in items]


def _open_post(actor: Any, unit: dict[str, Any], position_code: str, on: dt.date) -> dict[str, Any] | None:
    data = selectors.vacancies(fetched_by=actor, on=on, commune=unit["code"])
    for c in data["communes"]:
        for p in c["posts"]:
            if p["position_code"] == position_code:
                return p
    return None


@transaction.atomic
def decision_apply(*, actor: Any, decision: Decision) -> Decision:
    """Apply a decision in force: the register's position history changes from the effective date (workforce service), and
    the person leaves the planning entries the post fulfils (planning service)."""
    d = Decision.objects.select_for_update().get(pk=decision.pk)
    if d.status == Decision.Status.APPLIED:
        raise errors.ALREADY_APPLIED()
    label = f"{d.number} ngày {d.decided_on:%d/%m/%Y}"
    wf_services.position_change(actor=actor, person_id=d.person_id, position_code=d.position_code, effective_on=d.effective_on,
                                decision=label, commune_code=d.commune_code)
    closed = planning_services.close_on_appointment(actor=actor, person_id=d.person_id, position_code=d.position_code, on=d.effective_on,
                                                    decision=label)
    audited_update(d, actor=actor, verb="assignments.decision_apply", changes={"status": Decision.Status.APPLIED, "applied_at": timezone.now()})
    audit_log(actor=actor, action=AuditLog.Action.ACTION, obj=d, verb="assignments.planning_closed", after={"candidates": closed})
    decision.refresh_from_db()
    return d


def apply_due(*, on: dt.date) -> dict[str, int]:
    """Apply every recorded decision whose effective date has come (daily job), as the officer who recorded it."""
    counts = {"applied": 0, "failed": 0}
    for d in Decision.objects.filter(status=Decision.Status.PENDING, effective_on__lte=on).select_related("created_by").order_by("effective_on", "id"):
        try:
            decision_apply(actor=d.created_by, decision=d)
            counts["applied"] += 1
        except Exception:  # noqa: BLE001 -- one failing decision must not stop the others; the page shows it still pending
            counts["failed"] += 1
    return counts


@transaction.atomic
def exemption_add(*, actor: Any, person_id: int, reason: str, valid_from: dt.date, valid_to: dt.date | None = None, note: str = "") -> RotationExemption:
    person = _person(actor, person_id)
    require_edit(actor, province_code=person["province_code"], commune_code=person["commune_code"])
    if reason not in RotationExemption.Reason.values:
        raise errors.INVALID_REASON()
    # The project's span of dates (coso.core.params): a year typed short (0001) is no period of an Art. 38 exemption.
    bounds: dict[str, Any] = {"first": FIRST_DAY.strftime("%d/%m/%Y"), "last": LAST_DAY.strftime("%d/%m/%Y")}
    if not FIRST_DAY <= valid_from <= LAST_DAY:
        raise errors.EXEMPTION_FROM_OUT_OF_RANGE(**bounds)
    if valid_to is not None and not FIRST_DAY <= valid_to <= LAST_DAY:
        raise errors.EXEMPTION_TO_OUT_OF_RANGE(**bounds)
    if valid_to is not None and valid_to < valid_from:
        raise errors.EXEMPTION_DATES()
    note = _within(nfc((note or "").strip()), RotationExemption, "note")
    # The same case and period submitted twice (a double click, a repeated call) is recorded once.
    locks.lock(RotationExemption, "assignments.exemption", str(person["id"]))
    if RotationExemption.objects.filter(person_id=person["id"], reason=reason, valid_from=valid_from, valid_to=valid_to).exists():
        raise errors.EXEMPTION_EXISTS()
    e = RotationExemption(person_id=person["id"], reason=reason, valid_from=valid_from, valid_to=valid_to, note=note,
                          province_code=person["province_code"], commune_code=person["commune_code"])
    e.full_clean()
    return audited_create(e, actor=actor, verb="assignments.exemption_add")  # type: ignore[return-value]


@transaction.atomic
def origin_set(*, actor: Any, person_id: int, birth_commune_code: str = "", other_years: dict[str, Any] | None = None, note: str = "",
               keep_other_years: bool = False) -> Origin:
    """Record where a person comes from (birthplace commune, years lived, studied or worked elsewhere) for the non-local rule.
    ``keep_other_years``: ``other_years`` adds to (or changes) the years recorded for other communes instead of replacing
    them all (the person page's form takes one commune at a time)."""
    person = _person(actor, person_id)
    require_edit(actor, province_code=person["province_code"], commune_code=person["commune_code"])
    years: dict[str, int] = {}
    for code, value in (other_years or {}).items():
        try:
            n = int(value)
        except (TypeError, ValueError):
            raise errors.INVALID_YEARS() from None
        if not str(code).isdigit() or not (0 <= n <= 80):
            raise errors.INVALID_YEARS()
        years[str(code)] = n
    birth = (birth_commune_code or "").strip()
    if birth and not birth.isdigit():
        raise errors.INVALID_COMMUNE_CODE()
    longest = Origin._meta.get_field("birth_commune_code").max_length or 10
    if len(birth) > longest:
        raise errors.COMMUNE_CODE_TOO_LONG(max=longest)
    note = _within(nfc((note or "").strip()), Origin, "note")
    # The row may not exist yet (nothing to lock): one save of the person's origin at a time, so that two first saves
    # side by side (a double click) do not both create it.
    locks.lock(Origin, "assignments.origin", str(person["id"]))
    existing = Origin.objects.select_for_update().filter(person_id=person["id"]).first()
    if existing is None:
        o = Origin(person_id=person["id"], birth_commune_code=birth, other_years=years, note=note,
                   province_code=person["province_code"], commune_code=person["commune_code"])
        o.full_clean(validate_unique=False)
        return audited_create(o, actor=actor, verb="assignments.origin_set")  # type: ignore[return-value]
    if keep_other_years:
        years = {**(existing.other_years or {}), **years}
    return audited_update(existing, actor=actor, verb="assignments.origin_set",  # type: ignore[return-value]
                          changes={"birth_commune_code": birth, "other_years": years, "note": note})

"""Writes of the funding app: province rules (through the rule book), organisations, scenarios (create, change, adopt), distributions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy

from coso.core import locks
from coso.core.audit import audit_log, audited_create, audited_delete, audited_update
from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog
from coso.core.scoping import require_roles
from coso.core.text import nfc
from coso.funding import errors as funding_errors
from coso.funding.engine import fmt_coef, fmt_money, rnd
from coso.funding.models import ExtraWorkers, FundDistribution, Organisation, Scenario, ScenarioChange
from coso.funding.numbers import NotPlainNumberError, plain_decimal
from coso.funding.rule_keys import ASSOCIATION_NAMES, label_for
from coso.funding.rules import BASE_SALARY, Change, RuleBook, bounds_problem, numeric_refs, stored_value
from coso.funding.selectors import DISTRIBUTE_ROLES, WRITE_ROLES, check_day, commune_get, province_for, scenario_bound_problems, village_get
from coso.rules.lookup import RuleMissingError
from coso.rules.models import Confidence, Rule
from coso.rules.selectors import scenario_rule_ids
from coso.rules.services import rule_change, rule_withdraw
from coso.units.models import AdministrativeUnit

STANDARD_ORGS = [
    (Organisation.Kind.MTTQ, "Ủy ban MTTQ Việt Nam"),
    (Organisation.Kind.DOAN, "Đoàn Thanh niên CS Hồ Chí Minh"),
    (Organisation.Kind.PHU_NU, "Hội Liên hiệp Phụ nữ"),
    (Organisation.Kind.NONG_DAN, "Hội Nông dân"),
    (Organisation.Kind.CCB, "Hội Cựu chiến binh"),
]
VILLAGE_POSITIONS = [("bi_thu", "Bí thư chi bộ"), ("truong_thon", "Trưởng thôn/Tổ trưởng tổ dân phố"), ("truong_ban_ctmt", "Trưởng Ban công tác Mặt trận")]


def _dec(value: Any, field: str) -> Decimal:
    try:
        d = plain_decimal(value)  # never "1e5", "NaN", "-0"
    except NotPlainNumberError:
        raise funding_errors.NOT_PLAIN_NUMBER(field=field) from None
    except ValueError as exc:
        raise funding_errors.INVALID_NUMBER(details={"fields": {field: [str(exc)]}}) from None
    if _too_large(d):
        raise funding_errors.NUMBER_TOO_LARGE(details={"fields": {field: [str(funding_errors.NUMBER_TOO_LARGE.message)]}})
    return d


# Rule and scenario values keep 14 whole digits (18 digits, 4 of them decimals). A number written with a huge exponent
# (1e999999999) is a finite Decimal, but a coefficient of it times the base salary, or the whole đồng it is rounded to,
# leaves the 28 digits of the decimal context (Overflow, InvalidOperation: a 500): such a number is refused at once.
MAX_WHOLE_DIGITS = 14


def _too_large(value: Decimal) -> bool:
    return bool(value) and value.adjusted() >= MAX_WHOLE_DIGITS


# ----------------------------------------------------------------------------- province rules

def _stored(key: str, value: Decimal) -> Any:
    """A value as its declaration stores it: whole đồng for money, a whole number for counts (rounded half up)."""
    return stored_value(key, Decimal(value))


def _check_source_length(source: str) -> None:
    """The rule book keeps the source in a column of ``max_length`` characters and cut a longer one silently: refused
    instead (the page's form has the same limit), measured as the rule book stores it (NFC, stripped)."""
    limit = Rule._meta.get_field("source_document").max_length or 0
    if len(nfc(source).strip()) > limit:
        raise funding_errors.SOURCE_TOO_LONG(max=limit)


def funding_rule_set(
    *, actor: Any, key: str, value: Any, valid_from: dt.date, source: str, province_code: str | None = None, reason: str = "",
    valid_to: dt.date | None = None, origin: str = Rule.Origin.EDITED, note: str = "", commune_code: str = "",
) -> Rule:
    """Give a province (or, with ``commune_code``, one of its communes) its own value for a funding rule from
    ``valid_from``, through the rule book.

    The value of that scope in force before is closed (kept in history). Without ``valid_to`` the new value ends where
    the national rule in force ends (e.g. the commune part-time fund after 31/5/2026).
    """
    require_roles(actor, *WRITE_ROLES)
    code = province_for(actor, province_code)
    if not (key.startswith("funding.") or key == BASE_SALARY):
        raise funding_errors.UNKNOWN_NORM(key=key, field="key")
    if not (source or "").strip():
        raise funding_errors.SOURCE_REQUIRED(details={"fields": {"source": [gettext("Bắt buộc.")]}})
    _check_source_length(source)
    check_day(valid_from, "valid_from")
    check_day(valid_to, "valid_to")
    book = RuleBook.load(code)
    current = book.get(key, valid_from, commune_code)
    if current is None and key not in book.rule_keys():
        raise funding_errors.UNKNOWN_NORM(key=key, field="key")
    number = _dec(value, "value")
    if number < 0:
        raise funding_errors.NEGATIVE_VALUE(details={"fields": {"value": [gettext("Giá trị không được âm.")]}})
    if valid_to is None and current is not None and not current.province_code and current.valid_to:
        valid_to = current.valid_to
    try:
        result = rule_change(
            actor=actor, key=key, value=_stored(key, number), valid_from=valid_from, valid_to=valid_to, reason=reason or source,
            province_code=code, commune_code=commune_code, source_document=source.strip(), confidence=Confidence.PROVINCE, origin=origin,
            note=note,
        )
    except ApplicationError as exc:
        if exc.code != "rule-overlap":
            raise
        # The rule book names the rule by its key (funding.org.mttq.I); the funding pages name the norm.
        start, end = exc.details.get("valid_from"), exc.details.get("valid_to")
        raise funding_errors.RULE_OVERLAP(
            label=label_for(key), start=dt.date.fromisoformat(start).strftime("%d/%m/%Y") if start else "",
            end=dt.date.fromisoformat(end).strftime("%d/%m/%Y") if end else gettext("không thời hạn"), details=exc.details,
        ) from None
    return result.rule


# ----------------------------------------------------------------------------- organisations, profile

def organisations_ensure(*, actor: Any, commune: AdministrativeUnit, associations: list[str] | None = None) -> list[Organisation]:
    """Create the Front and the four socio-political organisations (and given associations) of a commune, idempotently."""
    wanted = [(k.value, "", f"{label} {commune.name}") for k, label in STANDARD_ORGS]
    for code in associations or []:
        label = ASSOCIATION_NAMES.get(code, code)
        wanted.append((Organisation.Kind.ASSOCIATION.value, code, f"{label} {commune.name}"))
    out = []
    with transaction.atomic():
        existing = {(o.kind, o.association_code): o for o in Organisation.objects.filter(commune=commune)}
        for kind, code, name in wanted:
            org = existing.get((kind, code))
            if org is None:
                org = audited_create(
                    Organisation(commune=commune, province_code=commune.province_code, commune_code=commune.code, kind=kind, association_code=code, name=name),
                    actor=actor, verb="funding-organisation-created",
                )
            out.append(org)
    return out


def commune_profile_set(*, actor: Any, commune: AdministrativeUnit, extra_pt_workers: int, valid_from: dt.date | None = None) -> ExtraWorkers:
    """Set the commune's number of extra part-time workers from ``valid_from`` (today by default) on: the months before
    keep the number in force then. Never in the past, as for the rules (``coso.rules.services.rule_change``): the
    allocations already shown for past months do not change. A number from the same day replaces it; one from a later
    day applies from that day."""
    require_roles(actor, *WRITE_ROLES)
    commune_get(fetched_by=actor, code=commune.code)
    if extra_pt_workers < 0:
        raise funding_errors.COMMUNE_PROFILE_SET_INVALID_NUMBER()
    today = timezone.localdate()
    day = valid_from or today
    check_day(day, "valid_from")
    if day < today:
        raise funding_errors.EXTRA_WORKERS_PAST(today=today.strftime("%d/%m/%Y"))
    with transaction.atomic():
        # The row may not exist yet (nothing to lock): one save of the commune's number at a time, so that two first
        # saves side by side (a double click) do not both create it.
        locks.lock(ExtraWorkers, "funding.commune_profile", commune.code)
        row = ExtraWorkers.objects.select_for_update().filter(commune=commune, valid_from=day).first()
        if row is None:
            return audited_create(ExtraWorkers(commune=commune, province_code=commune.province_code, commune_code=commune.code, valid_from=day,
                                               extra_pt_workers=extra_pt_workers, created_by=actor),
                                  actor=actor, verb="funding-extra-workers-set")
        # Who changed it and when, as for a new number: a commune merger scheduled before takes a number changed since
        # then, from its effective date on, as counting the merged communes' workers already (``coso.funding.reorg``).
        return audited_update(row, actor=actor, changes={"extra_pt_workers": extra_pt_workers, "created_by": actor, "created_at": timezone.now()},
                              verb="funding-extra-workers-set")


# ----------------------------------------------------------------------------- scenarios

def _decimal_places(value: Decimal) -> int:
    """How many decimals ``value`` needs (trailing zeros do not count: 1.50000 needs 1, 1E-30 needs 30)."""
    _, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int) or exponent >= 0:
        return 0
    significant = "".join(map(str, digits)).rstrip("0")
    if not significant:  # zero, however written
        return 0
    return max(0, -(exponent + len(digits) - len(significant)))


def _clean_changes(changes: list[dict], province_code: str) -> list[dict]:
    import fnmatch

    book = RuleBook.load(province_code)
    keys = set(book.rule_keys())
    today = timezone.localdate()
    refs = numeric_refs(book.in_force(today) + book.commune_rows_in_force(today))  # a change acts on the communes' own rows too
    places = ScenarioChange._meta.get_field("value").decimal_places  # type: ignore[union-attr]
    errors: dict[str, list[str]] = {}
    out = []
    for i, ch in enumerate(changes):
        key = (ch.get("key") or "").strip()
        mode = ch.get("mode") or "set"
        if not key:
            if str(ch.get("value") if ch.get("value") is not None else "").strip():  # a value for no norm: not dropped silently
                errors[f"changes.{i}.key"] = [gettext("Chọn định mức cần thay đổi.")]
            continue  # an empty line (the page's blank rows)
        if mode not in ScenarioChange.Mode.values:
            errors[f"changes.{i}.mode"] = [gettext("Cách thay đổi không hợp lệ.")]
            continue
        if not any(k == key or fnmatch.fnmatchcase(k, key) for k in keys):
            errors[f"changes.{i}.key"] = [gettext("Không có định mức “%(key)s”.") % {"key": key}]
            continue
        try:
            value = plain_decimal(ch.get("value"))  # never "1E-10", "NaN", "-0"
        except ValueError as exc:
            errors[f"changes.{i}.value"] = [str(exc)]
            continue
        if _too_large(value):
            errors[f"changes.{i}.value"] = [str(funding_errors.NUMBER_TOO_LARGE.message)]
            continue
        if _decimal_places(value) > places:
            # The column keeps ``places`` decimals: more would be cut silently (0.0000001 stored as 0, wiping a norm out).
            errors[f"changes.{i}.value"] = [funding_errors.SCENARIO_VALUE_TOO_PRECISE(max=places).message]
            continue
        if mode == "set" and value < 0:
            errors[f"changes.{i}.value"] = [gettext("Giá trị không được âm.")]
            continue
        if mode == "percent" and value <= -100:
            errors[f"changes.{i}.value"] = [gettext("Không thể giảm từ 100% trở lên.")]
            continue
        problem = bounds_problem(key, mode, value, refs)
        if problem:
            errors[f"changes.{i}.value"] = [problem]
            continue
        out.append({"key": key, "mode": mode, "value": value})
    if errors:
        first = next(iter(errors.values()))[0]
        raise funding_errors.INVALID_SCENARIO_CHANGE(first=first, details={"fields": errors})
    return out


def scenario_create(*, actor: Any, name: str, changes: list[dict], description: str = "", province_code: str | None = None) -> Scenario:
    """A named scenario: the rules in force plus ``changes`` ([{key, mode: set|percent|add, value}])."""
    require_roles(actor, *WRITE_ROLES)
    code = province_for(actor, province_code)
    name = (name or "").strip()
    if not name:
        raise funding_errors.NAME_REQUIRED(details={"fields": {"name": [gettext("Bắt buộc.")]}})
    if Scenario.objects.filter(province_code=code, name=name).exists():
        raise funding_errors.SCENARIO_NAME_TAKEN(details={"fields": {"name": [gettext("Tên đã dùng.")]}})
    cleaned = _clean_changes(changes, code)
    try:
        with transaction.atomic():
            sc = audited_create(Scenario(province_code=code, name=name, description=description, created_by=actor), actor=actor, verb="funding-scenario-created")
            for ch in cleaned:
                ScenarioChange.objects.create(scenario=sc, **ch)
            audit_log(actor=actor, action=AuditLog.Action.UPDATE, obj=sc, verb="funding-scenario-changes",
                      after={"changes": [{**c, "value": str(c["value"])} for c in cleaned]})
    except IntegrityError:  # the same name created meanwhile by a concurrent request (a double click)
        raise funding_errors.SCENARIO_NAME_TAKEN(details={"fields": {"name": [gettext("Tên đã dùng.")]}}) from None
    return sc


def scenario_update(*, actor: Any, scenario: Scenario, version: int, name: str | None = None, description: str | None = None,
                    changes: list[dict] | None = None) -> Scenario:
    require_roles(actor, *WRITE_ROLES)
    try:
        return _scenario_update(actor=actor, scenario=scenario, version=version, name=name, description=description, changes=changes)
    except IntegrityError:  # renamed meanwhile to the same name by a concurrent request
        raise funding_errors.SCENARIO_NAME_TAKEN(details={"fields": {"name": [gettext("Tên đã dùng.")]}}) from None


def _scenario_update(*, actor: Any, scenario: Scenario, version: int, name: str | None, description: str | None,
                     changes: list[dict] | None) -> Scenario:
    with transaction.atomic():
        sc = Scenario.objects.select_for_update().get(pk=scenario.pk)
        if sc.version != version:
            raise funding_errors.STALE_SCENARIO(details={"version": sc.version})
        if sc.status == Scenario.Status.ADOPTED:
            raise funding_errors.SCENARIO_UPDATE_SCENARIO_ADOPTED()
        upd: dict[str, Any] = {"version": sc.version + 1}
        if name is not None:
            name = name.strip()
            if not name:
                raise funding_errors.NAME_REQUIRED(details={"fields": {"name": [gettext("Bắt buộc.")]}})
            if Scenario.objects.filter(province_code=sc.province_code, name=name).exclude(pk=sc.pk).exists():
                raise funding_errors.SCENARIO_NAME_TAKEN(details={"fields": {"name": [gettext("Tên đã dùng.")]}})
            upd["name"] = name
        if description is not None:
            upd["description"] = description
        if changes is not None:
            cleaned = _clean_changes(changes, sc.province_code)
            before = [{"key": c.key, "mode": c.mode, "value": str(c.value)} for c in sc.changes.all()]
            sc.changes.all().delete()
            for ch in cleaned:
                ScenarioChange.objects.create(scenario=sc, **ch)
            audit_log(actor=actor, action=AuditLog.Action.UPDATE, obj=sc, verb="funding-scenario-changes",
                      before={"changes": before}, after={"changes": [{**c, "value": str(c["value"])} for c in cleaned]})
        return audited_update(sc, actor=actor, changes=upd, verb="funding-scenario-updated")


def scenario_delete(*, actor: Any, scenario: Scenario) -> None:
    require_roles(actor, *WRITE_ROLES)
    with transaction.atomic():
        sc = Scenario.objects.select_for_update().filter(pk=scenario.pk).first()  # not adopted meanwhile
        if sc is None:
            return
        if sc.status == Scenario.Status.ADOPTED:
            raise funding_errors.SCENARIO_ADOPTED()
        audited_delete(sc, actor=actor, verb="funding-scenario-deleted")


def scenario_adopt(*, actor: Any, scenario: Scenario, effective_from: dt.date, source: str) -> list[Rule]:
    """Make the scenario the province's rules from ``effective_from``: one new province rule per changed key, and one new
    commune rule per changed row of the province's communes' own (see below).

    The rows in force before stay in history (closed the day before); the national values are untouched. A scenario
    that would give no rule a new value on that day (it only tests the national base salary, none of the rules it
    changes is in force then, or its changes keep every value, "+0 %") is refused and stays a draft: adopting it would
    record a decision that changed nothing.
    """
    require_roles(actor, *WRITE_ROLES)
    if not (source or "").strip():
        raise funding_errors.SCENARIO_ADOPT_SOURCE_REQUIRED(details={"fields": {"source": [gettext("Bắt buộc.")]}})
    _check_source_length(source)
    check_day(effective_from, "effective_from")
    today = timezone.localdate()
    if effective_from < today:  # the rule book never rewrites the past (rule_change would refuse every rule anyway)
        raise funding_errors.SCENARIO_ADOPT_PAST(today=today.strftime("%d/%m/%Y"))
    with transaction.atomic():
        sc = Scenario.objects.select_for_update().get(pk=scenario.pk)
        if sc.status == Scenario.Status.ADOPTED:
            raise funding_errors.SCENARIO_ALREADY_ADOPTED()
        changes = list(sc.changes.all())
        if not changes:
            raise funding_errors.SCENARIO_EMPTY()
        problems = scenario_bound_problems([sc], on=effective_from).get(sc.pk)
        if problems:  # saved before the changes were checked against the bounds: the rule book would refuse them anyway
            raise funding_errors.SCENARIO_OUT_OF_BOUNDS(name=sc.name, problems="; ".join(problems), details={"problems": problems})
        changed = RuleBook.load(sc.province_code, [Change(c.key, c.mode, c.value) for c in changes])
        # The base salary is national: a scenario may test it, never adopt it. A change that leaves a value as it is
        # ("+0 %") gives that rule no new row: it would record a decision that changed nothing.
        # A change acts on every row of the rule in the province, a commune's own row included (Côn Đảo's 1.7 × activist
        # support beside the city's 1.0 ×), as the comparison computes it: "+10 %" decided for the province raises every
        # commune's support by 10 %, and a commune with a rule of its own (an island special zone paid more) must not be
        # the one left out because its own row wins over the province's. Adoption therefore writes the commune's row too,
        # so that the allocation after adoption is exactly what the comparison showed.
        with translation.override("vi"):  # the notes of the changes the rule book records, in Vietnamese whatever the reader's language
            adopted = [ref for ref in changed.in_force(effective_from) + changed.commune_rows_in_force(effective_from)
                       if ref.original_value is not None and ref.key != BASE_SALARY and ref.value != ref.original_value]
        if not adopted:
            if all(c.key == BASE_SALARY for c in changes):
                raise funding_errors.SCENARIO_ONLY_BASE_SALARY(name=sc.name)
            raise funding_errors.SCENARIO_CHANGES_NO_RULE(name=sc.name, date=effective_from.strftime("%d/%m/%Y"))
        created = []
        for ref in adopted:
            with translation.override("vi"):  # the rule book's record, in Vietnamese whatever the reader's language
                before = ref.display_original
            created.append(funding_rule_set(
                actor=actor, key=ref.key, value=ref.value, valid_from=effective_from, province_code=sc.province_code, source=source.strip(),
                reason=f"Áp dụng kịch bản “{sc.name}” (trước: {before})", origin=Rule.Origin.SCENARIO,
                note=f"{_adoption_note(sc)} {ref.change_note}",
                # A commune's row keeps its own end (the province's row ends where the national one does).
                commune_code=ref.commune_code, valid_to=ref.valid_to if ref.commune_code else None,
            ))
        audited_update(sc, actor=actor, changes={"status": Scenario.Status.ADOPTED, "adopted_from": effective_from,
                                                  "adopted_at": timezone.now(), "version": sc.version + 1}, verb="funding-scenario-adopted")
    return created


def _adoption_note(sc: Scenario) -> str:
    """How the rows an adoption writes begin their note (the rule book finds them by it: see ``scenario_unadopt``)."""
    return nfc(f"Kịch bản “{sc.name}”:")  # as the rule book stores a note


def scenario_unadopt(*, actor: Any, scenario: Scenario, reason: str = "") -> int:
    """Withdraw the adoption of a scenario whose start date is still ahead: every rule it wrote (the province's and its
    communes') is withdrawn through the rule book (the values before run on), and the scenario is a draft again, so
    that it can be corrected, adopted from another day or deleted. Returns how many rules were withdrawn.

    A rule of the adoption is never withdrawn alone (the rule book refuses it, naming the scenario); rules already gone
    (withdrawn before that refusal existed) are simply not found, and the scenario is still set free.
    """
    require_roles(actor, *WRITE_ROLES)
    today = timezone.localdate()
    with transaction.atomic():
        sc = Scenario.objects.select_for_update().get(pk=scenario.pk)
        if sc.status != Scenario.Status.ADOPTED:
            raise funding_errors.SCENARIO_NOT_ADOPTED()
        if sc.adopted_from is not None and sc.adopted_from <= today:
            raise funding_errors.SCENARIO_UNADOPT_IN_FORCE(date=sc.adopted_from.strftime("%d/%m/%Y"))
        why = (reason or "").strip() or f"Huỷ áp dụng kịch bản “{sc.name}”"
        ids = scenario_rule_ids(province_code=sc.province_code, valid_from=sc.adopted_from, note_prefix=_adoption_note(sc)) if sc.adopted_from else []
        for pk in ids:
            rule_withdraw(actor=actor, rule_id=pk, reason=why, scenario_adoption=True)
        audited_update(sc, actor=actor, changes={"status": Scenario.Status.DRAFT, "adopted_from": None, "adopted_at": None,
                                                  "version": sc.version + 1}, verb="funding-scenario-unadopted", reason=why)
    return len(ids)


# ----------------------------------------------------------------------------- distributions

def _refuse_if_over(fund: int, lines: list[dict], *, what: str) -> None:
    total = sum(ln["amount"] for ln in lines)
    if total > fund:
        raise funding_errors.DISTRIBUTION_EXCEEDS_FUND(fmt_money=fmt_money(total), what=what, fmt_money2=fmt_money(fund), fmt_money3=fmt_money(total - fund), details={"fund": fund, "requested": total, "excess": total - fund, "lines": lines})


def _village_coefficients(coefficients: dict[str, Any] | None) -> dict[str, Decimal]:
    """The coefficients given for the village's paid positions ({position: coefficient}, empty ones left out), checked:
    known positions, numbers, not negative."""
    coefficients = coefficients or {}
    unknown = [str(k) for k in coefficients if k not in dict(VILLAGE_POSITIONS)]
    if unknown:
        # Each on the field that carries it (the API's coefficients.<position>), saying which positions are paid.
        why = gettext("Chức danh không hưởng phụ cấp từ quỹ thôn. Các chức danh được nhập hệ số: %(known)s.") % {
            "known": ", ".join(code for code, _label in VILLAGE_POSITIONS)}
        raise funding_errors.UNKNOWN_POSITION(positions=", ".join(unknown), details={
            "positions": unknown, "fields": {f"coefficients.{k}": [why] for k in unknown}})
    out = {}
    for code, _label in VILLAGE_POSITIONS:
        if coefficients.get(code) in (None, ""):
            continue
        coef = _dec(coefficients[code], f"coefficients.{code}")
        if coef < 0:
            raise funding_errors.VILLAGE_DISTRIBUTION_PREVIEW_INVALID_NUMBER(details={"fields": {f"coefficients.{code}": [gettext("Không được âm.")]}})
        out[code] = coef
    return out


def village_distribution_preview(*, fetched_by: Any, village_id: Any, month: dt.date, coefficients: dict[str, Any] | None = None) -> dict:
    """The village fund of ``month`` and its split among the (at most 3) paid positions with the province's coefficients."""
    village = village_get(fetched_by=fetched_by, pk=village_id)
    check_day(month, "month")
    from coso.funding.engine import Period
    from coso.funding.selectors import allocation_compute

    month = month.replace(day=1)
    given = _village_coefficients(coefficients)
    alloc = allocation_compute(province_code=village.province_code, period=Period(month, 1, ""), commune_codes=[village.commune_code])
    own = [ln for c in alloc.communes for ln in c.lines if ln.recipient_kind == "village" and ln.recipient_id == village.pk]
    titles = [ln for ln in own if ln.item.startswith("village_title.")]
    if titles:
        # The province pays each title its own coefficient: the split is the rule itself.
        tlines = [{"position": ln.item.split(".", 1)[1], "label": ln.item_label, "coefficient": "", "amount": ln.amount, "formula": ln.formula}
                  for ln in titles]
        fund = sum(ln.amount for ln in titles)
        if given:
            # Coefficients sent anyway are checked as for a lump fund (above: known positions, numbers, not negative; here:
            # a split within the fund) rather than ignored: a split of 10^9 × base salary is an error, never recorded.
            base = RuleBook.load(village.province_code).value(BASE_SALARY, month, commune_code=village.commune_code)
            if base is None:
                raise RuleMissingError(BASE_SALARY, month)
            labels = dict(VILLAGE_POSITIONS)
            _refuse_if_over(fund, [{"position": code, "label": labels[code], "coefficient": str(coef), "amount": rnd(coef * base),
                                    "formula": f"{fmt_coef(coef)} × {fmt_money(base)}"} for code, coef in given.items()],
                            what=str(gettext_lazy("quỹ phụ cấp của thôn")))
        return {"village": village, "month": month, "fund": fund, "fund_formula": " + ".join(ln.formula for ln in titles), "tier": "",
                "lines": tlines, "total": fund, "remaining": 0, "by_title": True}
    line = next((ln for ln in own if ln.item == "village_fund"), None)
    if line is None:
        raise funding_errors.NO_FUND()
    book = RuleBook.load(village.province_code)
    tier = "high" if any(r.key == "funding.village.coef.high" for r in line.rule_list()) else "low"
    base = book.value(BASE_SALARY, month, commune_code=village.commune_code)
    if base is None:
        raise RuleMissingError(BASE_SALARY, month)
    max_positions = int(book.value("funding.village.max_positions", month, commune_code=village.commune_code) or 0)
    coefficients = coefficients or {}
    lines: list[dict[str, Any]] = []
    for code, label in VILLAGE_POSITIONS:
        coef: Decimal | None
        if code in coefficients:
            coef = given.get(code)
            if coef is None:  # left empty: the position is not paid
                continue
        else:
            coef = book.value(f"funding.village.position.{code}.{tier}", month, commune_code=village.commune_code)
            if coef is None:
                continue
        lines.append({"position": code, "label": label, "coefficient": str(coef), "amount": rnd(coef * base),
                      "formula": f"{fmt_coef(coef)} × {fmt_money(base)}"})
    if len(lines) > max_positions:
        raise funding_errors.TOO_MANY_POSITIONS(max_positions=max_positions, details={"lines": lines})
    fund = line.amount
    return {"village": village, "month": month, "fund": fund, "fund_formula": line.formula, "tier": tier, "lines": lines,
            "total": sum(ln["amount"] for ln in lines), "remaining": fund - sum(ln["amount"] for ln in lines)}


def village_fund_distribute(*, actor: Any, village_id: Any, month: dt.date, coefficients: dict[str, Any] | None = None) -> FundDistribution:
    """Record the split of a village's monthly fund; refuses a split above the fund (and says by how much)."""
    require_roles(actor, *DISTRIBUTE_ROLES)
    preview = village_distribution_preview(fetched_by=actor, village_id=village_id, month=month, coefficients=coefficients)
    if not preview["lines"]:  # every coefficient left empty: a distribution of nothing is not recorded
        raise funding_errors.NOTHING_TO_DISTRIBUTE()
    _refuse_if_over(preview["fund"], preview["lines"], what=str(gettext_lazy("quỹ phụ cấp của thôn")))
    if translation.get_language() != "vi":  # the split is recorded as the province's papers write it (the lines' formulas), in Vietnamese
        with translation.override("vi"):
            preview = village_distribution_preview(fetched_by=actor, village_id=village_id, month=month, coefficients=coefficients)
    v = preview["village"]
    with transaction.atomic():
        return audited_create(FundDistribution(
            kind=FundDistribution.Kind.VILLAGE, commune_id=v.commune_id, village=v, province_code=v.province_code, commune_code=v.commune_code,
            month=preview["month"], fund=preview["fund"], total=preview["total"], lines=preview["lines"], created_by=actor,
        ), actor=actor, verb="funding-village-distribution")


# A split of the commune part-time fund: each worker's name and title as long as a person's name and post are written
# (the page's and the API's limit alike), and at most this many workers in one split.
MAX_WORKER_TEXT = 200
MAX_WORKERS = 500


def commune_pt_fund_distribute(*, actor: Any, commune_code: str, month: dt.date, workers: list[dict]) -> FundDistribution:
    """Split the commune part-time fund among workers [{name, title, coefficient}]; refuses more than the fund."""
    require_roles(actor, *DISTRIBUTE_ROLES)
    commune = commune_get(fetched_by=actor, code=commune_code)
    check_day(month, "month")
    if not workers:  # a split among nobody is not recorded (the page's form asks for one person at least)
        raise funding_errors.NO_WORKER()
    from coso.funding.engine import Period
    from coso.funding.selectors import allocation_compute

    month = month.replace(day=1)
    alloc = allocation_compute(province_code=commune.province_code, period=Period(month, 1, ""), commune_codes=[commune.code])
    fund = sum(ln.amount for c in alloc.communes for ln in c.lines if ln.item == "commune_pt")
    if fund == 0:
        raise funding_errors.COMMUNE_PT_FUND_DISTRIBUTE_NO_FUND(details={"month": month.isoformat()})
    book = RuleBook.load(commune.province_code)
    base = book.value(BASE_SALARY, month, commune_code=commune.code)
    if base is None:
        raise RuleMissingError(BASE_SALARY, month)
    default = book.value("funding.commune_pt.position.default", month, Decimal("1.0"), commune_code=commune.code)
    lines: list[dict[str, Any]] = []
    if len(workers) > MAX_WORKERS:
        raise funding_errors.INVALID_WORKER(details={"fields": {"workers": [gettext("Tối đa %(n)s người.") % {"n": MAX_WORKERS}]}})
    for i, w in enumerate(workers):
        name, title = (w.get("name") or "").strip(), (w.get("title") or "").strip()
        if not name:
            raise funding_errors.INVALID_WORKER(details={"fields": {f"workers.{i}.name": [gettext("Bắt buộc.")]}})
        for field, text in (("name", name), ("title", title)):
            if len(text) > MAX_WORKER_TEXT:
                raise funding_errors.INVALID_WORKER(details={"fields": {f"workers.{i}.{field}": [
                    gettext("Tối đa %(n)s ký tự.") % {"n": MAX_WORKER_TEXT}]}})
        coef = _dec(w.get("coefficient", default) if w.get("coefficient") not in (None, "") else default, f"workers.{i}.coefficient")
        if coef < 0:
            raise funding_errors.VILLAGE_DISTRIBUTION_PREVIEW_INVALID_NUMBER(details={"fields": {f"workers.{i}.coefficient": [gettext("Không được âm.")]}})
        lines.append({"name": name, "title": title, "coefficient": str(coef), "amount": rnd(coef * base),
                      "formula": f"{fmt_coef(coef)} × {fmt_money(base)}"})
    _refuse_if_over(fund, lines, what=str(gettext_lazy("quỹ phụ cấp người hoạt động không chuyên trách của xã")))
    with transaction.atomic():
        return audited_create(FundDistribution(
            kind=FundDistribution.Kind.COMMUNE_PT, commune=commune, province_code=commune.province_code, commune_code=commune.code,
            month=month, fund=fund, total=sum(ln["amount"] for ln in lines), lines=lines, created_by=actor,
        ), actor=actor, verb="funding-commune-pt-distribution")


from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from coso.accounts.roles import COMMUNE_ROLES, PROVINCE_ROLES, STAFF_ROLES, Role
from coso.core.scoping import NOTHING, get_scoped_or_404, scoped
from coso.core.text import fold
from coso.units.models import AdministrativeUnit, Village


def unit_list(*, fetched_by: Any, level: str = "commune", province_code: str = "", query: str = "") -> QuerySet[AdministrativeUnit]:
    """Units a user may browse: all for system admins, their province for province staff,
    their own commune (and its province) for commune staff. Reference data, so citizens
    and anonymous users may list provinces and communes too (public)."""
    qs = AdministrativeUnit.objects.filter(level=level)
    user = fetched_by
    if user is not None and getattr(user, "is_authenticated", False) and not user.is_superuser:
        if user.role in PROVINCE_ROLES:
            qs = qs.filter(province_code=user.province_code)
        elif user.role in COMMUNE_ROLES:
            qs = qs.filter(Q(code=user.commune_code) | Q(code=user.province_code, level="province"))
    if province_code:
        qs = qs.filter(province_code=province_code)
    if query:
        qs = qs.filter(name_folded__contains=fold(query))
    return qs.order_by("code")


def is_staff_user(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active and (user.is_superuser or user.role in STAFF_ROLES)


def commune_scope_q(user: Any) -> Q:
    """Communes a staff user may open: system admins all; province staff their province; commune staff their commune."""
    if not is_staff_user(user):
        return NOTHING
    if user.is_superuser or user.role == Role.SYSTEM_ADMIN:
        return Q()
    if user.role in PROVINCE_ROLES:
        return Q(province_code=user.province_code) if user.province_code else NOTHING
    return Q(code=user.commune_code) if user.commune_code else NOTHING


def commune_list(
    *, fetched_by: Any, query: str = "", province_code: str = "", kind: str = "", classification: str = ""
) -> QuerySet[AdministrativeUnit]:
    qs = AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.COMMUNE).filter(commune_scope_q(fetched_by))
    if province_code:
        qs = qs.filter(province_code=province_code)
    if kind:
        qs = qs.filter(kind=kind)
    if classification:
        qs = qs.filter(classification=classification)
    if query:
        qs = qs.filter(Q(name_folded__contains=fold(query)) | Q(code=query.strip()))
    return qs.annotate(village_count=Count("villages")).order_by("code")


def commune_in_force(code: str) -> dict[str, str] | None:
    """The commune in force with this code, as {code, province_code, name}, or None: reference data (public), for the
    apps that check a commune code they are given before they look at the caller's scope."""
    found = AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.COMMUNE, code=str(code or "")).values(
        "code", "province_code", "name").first()
    return {"code": found["code"], "province_code": found["province_code"], "name": found["name"]} if found is not None else None


COMMUNE_FACTS = ("code", "name", "kind", "classification", "population", "area_km2", "is_difficult_area", "province_code")


def communes_in_force_facts(codes: Any = None) -> dict[str, dict[str, Any]]:
    """The communes in force (all of them, or those among ``codes``) by code, each as {code, name, kind, classification,
    population, area_km2, is_difficult_area, province_code}: reference data (public), for the apps that weigh a commune's
    size or area (standards, quotas) without reading this app's models."""
    qs = AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.COMMUNE)
    if codes is not None:
        qs = qs.filter(code__in=[str(c) for c in codes if c])
    return {u["code"]: u for u in qs.values(*COMMUNE_FACTS)}


def communes_in_scope(*, fetched_by: Any, code: str | None = None) -> list[dict[str, Any]]:
    """The communes in force a staff user's rows are scoped to (``coso.core.scoping``: system administrators all, province
    staff their province's, commune staff their own, nobody else any), ordered by name, each as in
    :func:`communes_in_force_facts`; with ``code`` only that commune (an empty list when it is not in the user's scope)."""
    qs = scoped(AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.COMMUNE), fetched_by, commune_field="code")
    if code is not None:
        qs = qs.filter(code=str(code))
    return list(qs.order_by("name").values(*COMMUNE_FACTS))


def difficult_area_codes(codes: Any) -> set[str]:
    """Those of ``codes`` that are communes in force in an extremely difficult area (reference data, public)."""
    return set(AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.COMMUNE, code__in=[str(c) for c in codes if c],
                                                 is_difficult_area=True).values_list("code", flat=True))


def unit_latest_name(code: str) -> str | None:
    """The name of the unit with this code, the latest to hold it when units that ended are included (a record of a commune
    merged on 1/7/2025 still shows its commune's name), or None when no unit ever had the code."""
    found: str | None = (AdministrativeUnit.all_objects.filter(code=str(code or "")).order_by("-valid_from")
                         .values_list("name", flat=True).first())
    return found


def commune_get(*, fetched_by: Any, code: str) -> AdministrativeUnit:
    """One commune in the user's scope; another unit's commune → 404."""
    obj = AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.COMMUNE, code=str(code)).filter(commune_scope_q(fetched_by)).first()
    if obj is None:
        raise Http404
    return obj


def village_list(*, fetched_by: Any, commune_code: str = "", kind: str = "", query: str = "", include_ended: bool = False) -> QuerySet[Village]:
    """Villages in the user's scope; those ended by a reorganisation (``valid_to`` reached) only with ``include_ended``."""
    qs = scoped(Village.objects.select_related("commune"), fetched_by)
    if not include_ended:
        from django.utils import timezone

        qs = qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=timezone.localdate()))
    if commune_code:
        qs = qs.filter(commune_code=commune_code)
    if kind:
        qs = qs.filter(kind=kind)
    if query:
        qs = qs.filter(name_folded__contains=fold(query))
    return qs.order_by("commune_code", "name", "pk")


def villages_in_force(*, commune_code: str, on: Any = None) -> QuerySet[Village]:
    """The villages of a commune in force on ``on`` (today by default), for public choices such as feedback and
    Open311: a village ended by a merger is no longer offered, one created by it only from its effective date."""
    from django.utils import timezone

    day = on or timezone.localdate()
    if not commune_code:
        return Village.objects.none()
    return (Village.objects.filter(commune_code=commune_code, valid_from__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day)).order_by("name", "pk"))


def village_get(*, fetched_by: Any, pk: Any) -> Village:
    return get_scoped_or_404(Village.objects.select_related("commune"), fetched_by, pk=pk)  # type: ignore[return-value]


def is_public_unit_reader(user: Any) -> bool:
    return user is None or not getattr(user, "is_authenticated", False) or user.role == Role.CITIZEN


# ---------------------------------------------------------------- reorganisations (sắp xếp đơn vị)
def can_reorganise(user: Any, province_code: str) -> bool:
    """Province administrators of the province (and system administrators) enter reorganisations."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser or user.role == Role.SYSTEM_ADMIN:
        return True
    return user.role == Role.PROVINCE_ADMIN and bool(user.province_code) and user.province_code == province_code


def reorganisation_list(*, fetched_by: Any, status: str = "") -> QuerySet[Any]:
    from coso.units.models import Reorganisation

    user = fetched_by
    qs = Reorganisation.objects.all()
    if not is_staff_user(user):
        return qs.none()
    if not (user.is_superuser or user.role == Role.SYSTEM_ADMIN):
        if user.role not in PROVINCE_ROLES or not user.province_code:
            return qs.none()
        qs = qs.filter(province_code=user.province_code)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-effective_on", "-id")


def reorganisation_get(*, fetched_by: Any, pk: Any) -> Any:
    obj = reorganisation_list(fetched_by=fetched_by).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def _unit_names(codes: set[str], province_code: str, spec: dict[str, Any]) -> dict[str, str]:
    names = dict(AdministrativeUnit.objects.filter(code__in=codes, province_code=province_code).values_list("code", "name"))
    for t in spec.get("targets") or []:
        names.setdefault(t["code"], t["name"])
    return names


def reorganisation_preview(*, province_code: str, kind: str, spec: dict[str, Any], effective_on: Any, reorganisation_id: int | None = None,
                           decision_number: str = "", scheduled_at: Any = None) -> dict[str, Any]:
    """What would move (per app and per target unit), the resulting units and their standards warnings, and the notes the
    moves will add (``notes``: e.g. duplicate entries closed, decisions returned; each mover's ``Note.count``).

    ``spec`` must already be checked (``reorg_spec.clean_spec``). Each app counts its own records through its
    registered mover (``coso.units.reorg``). ``scheduled_at``: when the reorganisation was scheduled (``MovePlan.scheduled_at``:
    a mover treats records entered since apart), None before it is."""
    from coso.units import reorg, reorg_spec
    from coso.units.models import Reorganisation

    r = Reorganisation(pk=reorganisation_id, province_code=province_code, kind=kind, spec=spec, effective_on=effective_on,
                       decision_number=decision_number, created_at=scheduled_at)
    plan = reorg_spec.plan_for(r)
    rows = []
    notes: list[dict[str, Any]] = []
    totals: dict[str, int] = {}
    for mover in reorg.movers():
        counts = mover.count(plan)
        for target, n in counts.items():
            totals[target] = totals.get(target, 0) + n
        rows.append({"key": mover.key, "label": str(mover.label), "counts": counts, "total": sum(counts.values())})
        for what, note in mover.notes.items():
            for code, n in sorted((note.count(plan) if note.count else {}).items()):
                notes.append({"mover": mover.key, "key": f"{what}:{code}", "commune_code": code, "label": str(note.ahead or note.label), "count": n})
    units: list[dict[str, Any]] = []
    warnings: list[str] = []
    if kind == Reorganisation.Kind.VILLAGE_MERGE:
        villages = list(Village.objects.filter(pk__in=[*spec["sources"], *([spec["target_village"]] if spec["target_village"] else [])]))
        kept = next((v for v in villages if v.pk == spec["target_village"]), None)
        name = kept.name if kept else spec["new_name"]
        units.append({"key": f"village:{spec['target_village'] or reorg_spec.NEW_VILLAGE}", "name": name, "kind": "village",
                      "households": sum(v.households for v in villages), "population": sum(v.population for v in villages),
                      "merged": [v.name for v in villages if v.pk in spec["sources"]], "warnings": []})
    elif kind == Reorganisation.Kind.COMMUNE_MERGE:
        communes = list(AdministrativeUnit.objects.filter(province_code=province_code, code__in=[*spec["sources"], spec["target"]]))
        target_unit = next(c for c in communes if c.code == spec["target"])
        pops = [c.population for c in communes]
        areas = [c.area_km2 for c in communes]
        population = sum(p for p in pops if p is not None) if all(p is not None for p in pops) else None
        area = sum((a for a in areas if a is not None), Decimal(0)) if all(a is not None for a in areas) else None
        name = spec["new_name"] or target_unit.name
        w = reorg_spec.standard_warnings(name=name, kind=target_unit.kind, population=population, area_km2=area, category=spec["category"],
                                         day=effective_on)
        units.append({"key": target_unit.code, "name": name, "kind": target_unit.kind, "population": population,
                      "area_km2": area, "merged": [c.name for c in communes if c.code != target_unit.code], "warnings": w})
        warnings += w
    else:
        for t in spec["targets"]:
            area = Decimal(t["area_km2"])
            w = reorg_spec.standard_warnings(name=t["name"], kind=t["kind"], population=t["population"], area_km2=area, category=t["category"],
                                             day=effective_on)
            n_villages = sum(1 for v in spec["villages"].values() if v == t["code"])
            units.append({"key": t["code"], "name": t["name"], "kind": t["kind"], "population": t["population"], "area_km2": area,
                          "villages": n_villages, "new": not t["existing"], "warnings": w})
            warnings += w
    names = _unit_names({k for k in totals if not k.startswith("village:")} | {str(e["commune_code"]) for e in notes}, province_code, spec)
    for u in units:
        names.setdefault(u["key"], u["name"])
    targets = [{"key": k, "name": names.get(k, k), "total": n} for k, n in sorted(totals.items())]
    for e in notes:
        e["name"] = names.get(e["commune_code"], e["commune_code"])
    return {"movers": rows, "targets": targets, "target_names": names, "units": units, "warnings": warnings,
            "notes": notes, "total": sum(totals.values())}


def reorganisation_plan_now(r: Any) -> dict[str, Any]:
    """What a reorganisation will move, for its page and the API. Still scheduled: computed now from its saved decision and
    today's data, as the movers will see them on the day (a record entered since it was scheduled, e.g. a number the
    merger will leave as it is, shows; the preview saved at scheduling could not show it). Applied, cancelled or failed
    (or a decision the units in force no longer allow, which the job will refuse): the preview saved when it was
    scheduled, what was announced."""
    from coso.core.audit import _jsonable
    from coso.core.exceptions import ApplicationError
    from coso.units.models import Reorganisation
    from coso.units.reorg_spec import clean_spec

    saved: dict[str, Any] = r.preview or {}
    if r.status != Reorganisation.Status.SCHEDULED:
        return saved
    try:
        spec = clean_spec(province_code=r.province_code, kind=r.kind, spec=r.spec)
    except ApplicationError:
        return saved
    now = reorganisation_preview(province_code=r.province_code, kind=r.kind, spec=spec, effective_on=r.effective_on, reorganisation_id=r.pk,
                                 decision_number=r.decision_number, scheduled_at=r.created_at)
    return _jsonable(now)  # type: ignore[no-any-return]


def reorganisation_result(r: Any) -> list[dict[str, Any]]:
    """What an applied reorganisation moved, labelled for its page (the API keeps the keys): per mover its label and, per
    unit that received records, the unit's name and the number; the notes a move adds beside (``<what>:<commune>``, e.g.
    entries closed as duplicates) with the label its mover declares and the commune's name."""
    from coso.units import reorg

    result = (r.result or {}).get("movers") or {}
    registered = {m.key: m for m in reorg.movers()}
    keys = [reorg.split_key(k) for counts in result.values() for k in counts]
    names = dict((r.preview or {}).get("target_names") or {})
    names.update(_unit_names({code for _what, code in keys if not code.startswith("village:")}, r.province_code, r.spec or {}))
    village_ids = [int(code[8:]) for _what, code in keys if code.startswith("village:") and code[8:].isdigit()]
    names.update({f"village:{pk}": name for pk, name in Village.objects.filter(pk__in=village_ids).values_list("pk", "name")})
    rows = []
    for key, counts in result.items():
        mover = registered.get(key)
        moved, notes = [], []
        for k, n in counts.items():
            what, code = reorg.split_key(k)
            note = mover.notes.get(what) if mover and what else None
            if not what:
                moved.append({"key": k, "name": names.get(code, code), "count": n})
            else:
                notes.append({"key": k, "label": str(note.label) if note else what, "name": names.get(code, code), "count": n})
        rows.append({"key": key, "label": str(mover.label) if mover else key, "moved": moved, "notes": notes})
    return rows


def commune_ids(codes: Any) -> dict[str, int]:
    """Primary keys of the communes in force with these codes (for apps whose rows keep a foreign key to the commune)."""
    return dict(AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.COMMUNE, code__in=list(codes)).values_list("code", "pk"))


def reorganisation_plans_applied_since(since: Any) -> list[Any]:
    """What the reorganisations applied since ``since`` (a moment) moved where (``coso.units.reorg.MovePlan``, one per
    reorganisation, in the order they were applied): for an app that re-counts figures after them and must not miss one
    whose re-count failed (the indices' periodic refresh)."""
    from coso.units.models import Reorganisation
    from coso.units.reorg_spec import plan_for

    applied = Reorganisation.objects.filter(status=Reorganisation.Status.APPLIED, applied_at__gte=since).order_by("applied_at", "id")
    return [plan_for(r) for r in applied]

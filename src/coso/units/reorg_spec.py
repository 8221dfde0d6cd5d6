"""What a reorganisation decision says, checked and turned into a :class:`coso.units.reorg.MovePlan`.

Spec shapes (JSON, as the wizard and the API send them):

- village merge: ``{"commune": "26734", "sources": [village ids], "target_village": id | null, "new_name": "", "new_kind": "thon"}``
  (the sources merge into an existing village of the same commune, or into a new village created on the date);
- commune merge: ``{"sources": [codes], "target": code, "new_name": "", "category": "other"}`` (the target keeps its code);
- commune split: ``{"source": code, "primary": code, "targets": [{"code", "name", "kind", "population", "area_km2",
  "category"}], "villages": {village id: target code}}`` (a target may be the source itself, which then continues).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from coso.core.text import nfc
from coso.rules import rule
from coso.units import errors
from coso.units.models import AdministrativeUnit, Reorganisation, Village
from coso.units.reorg import MovePlan

CATEGORIES = ("mountain", "island", "other", "red_river_delta", "coastal_difficult")
NEW_VILLAGE = -1  # placeholder id of a village created on the effective date (preview only)
_CODE_RE = re.compile(r"^\d{5}$")


def _communes(province_code: str, codes: list[str]) -> dict[str, AdministrativeUnit]:
    found = {u.code: u for u in AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.COMMUNE, province_code=province_code,
                                                                      code__in=codes)}
    for code in codes:
        if code not in found:
            raise errors.REORG_COMMUNE(code=code)
    return found


def _int(value: Any) -> int | None:
    try:
        n = int(str(value).replace(".", "").replace(" ", ""))
    except (TypeError, ValueError):
        return None
    return n if n >= 0 else None


def _dec(value: Any) -> Decimal | None:
    try:
        d = Decimal(str(value).replace(",", ".").strip())
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() and d >= 0 else None


NAME_MAX = 200  # AdministrativeUnit.name, Village.name


def _name(value: Any, error: Any = errors.REORG_NAME_TOO_LONG) -> str:
    """A name the decision gives, refused when longer than the name field (never stored cut)."""
    name = nfc(str(value or "")).strip()
    if len(name) > NAME_MAX:
        raise error()
    return name


# The word a commune's name starts with for each kind ("Phường Sài Gòn"): a name given without it is compared with it.
_KIND_WORDS = {"xa": "xã", "phuong": "phường", "thi_tran": "thị trấn", "dac_khu": "đặc khu"}


def commune_name_key(name: str, kind: str) -> str:
    """A commune's name as compared for a collision: case and spacing aside, and with its kind's word when it is given
    without one ("Tân Định" of a ward is "Phường Tân Định")."""
    text = " ".join(nfc(name or "").split()).casefold()
    if not any(text.startswith(word + " ") for word in _KIND_WORDS.values()) and kind in _KIND_WORDS:
        text = f"{_KIND_WORDS[kind]} {text}"
    return text


def new_commune_names(kind: str, spec: dict[str, Any]) -> dict[str, str]:
    """{name key: name} of the communes a (clean) reorganisation creates or renames on its date: the new units of a split,
    the new name of a merger's target."""
    if kind == Reorganisation.Kind.COMMUNE_SPLIT:
        return {commune_name_key(t["name"], t["kind"]): t["name"] for t in spec["targets"] if not t["existing"]}
    if kind == Reorganisation.Kind.COMMUNE_MERGE and spec.get("new_name"):
        target_kind = AdministrativeUnit.objects.filter(code=spec["target"]).values_list("kind", flat=True).first() or ""
        return {commune_name_key(spec["new_name"], target_kind): spec["new_name"]}
    return {}


def _check_split_names(province_code: str, source_code: str, targets: list[dict[str, Any]]) -> None:
    """The parts of a split have different names, and a new one does not take the name of a commune of the province in force
    (the source aside when it ends on the date, no part keeping its code): a province has one commune of a name."""
    seen: set[str] = set()
    for t in targets:
        key = commune_name_key(t["name"], t["kind"])
        if key in seen:
            raise errors.REORG_SPLIT_NAME_TWICE(name=t["name"])
        seen.add(key)
    new = {commune_name_key(t["name"], t["kind"]): t["name"] for t in targets if not t["existing"]}
    ending = {source_code} - {t["code"] for t in targets}
    in_force = AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.COMMUNE, province_code=province_code).exclude(code__in=ending)
    for name, kind in in_force.values_list("name", "kind"):
        key = commune_name_key(name, kind)
        if key in new:
            raise errors.REORG_COMMUNE_NAME_TAKEN(name=name)


def clean_spec(*, province_code: str, kind: str, spec: dict[str, Any]) -> dict[str, Any]:
    """Check ``spec`` against the units in force; return it normalised (raise ApplicationError otherwise)."""
    if kind == Reorganisation.Kind.VILLAGE_MERGE:
        return _clean_village_merge(province_code, spec)
    if kind == Reorganisation.Kind.COMMUNE_MERGE:
        return _clean_commune_merge(province_code, spec)
    if kind == Reorganisation.Kind.COMMUNE_SPLIT:
        return _clean_commune_split(province_code, spec)
    raise errors.REORG_KIND()


def _clean_village_merge(province_code: str, spec: dict[str, Any]) -> dict[str, Any]:
    commune_code = str(spec.get("commune") or "").strip()
    commune = _communes(province_code, [commune_code])[commune_code]
    try:
        source_ids = sorted({int(v) for v in spec.get("sources") or []})
    except (TypeError, ValueError):
        raise errors.REORG_VILLAGES() from None
    villages = {v.pk: v for v in Village.objects.filter(commune=commune, pk__in=source_ids, valid_to__isnull=True)}
    target_raw = spec.get("target_village")
    target_id = _int(target_raw) if target_raw not in (None, "", 0, "0") else None
    new_name = _name(spec.get("new_name"))
    if len(villages) != len(source_ids) or not source_ids:
        raise errors.REORG_VILLAGES()
    if target_id is not None:
        if target_id in villages or not Village.objects.filter(commune=commune, pk=target_id, valid_to__isnull=True).exists():
            raise errors.REORG_TARGET_VILLAGE()
        new_name = ""
    else:
        if len(source_ids) < 2:
            raise errors.REORG_VILLAGES()
        if not new_name:
            raise errors.REORG_NEW_NAME()
        if Village.objects.filter(commune=commune, name__iexact=new_name).exists():
            raise errors.REORG_NAME_TAKEN(name=new_name)
    new_kind = str(spec.get("new_kind") or villages[source_ids[0]].kind)
    if new_kind not in Village.Kind.values:
        new_kind = villages[source_ids[0]].kind
    return {"commune": commune.code, "sources": source_ids, "target_village": target_id, "new_name": new_name, "new_kind": new_kind}


def _clean_commune_merge(province_code: str, spec: dict[str, Any]) -> dict[str, Any]:
    target = str(spec.get("target") or "").strip()
    sources = sorted({str(c).strip() for c in spec.get("sources") or [] if str(c).strip()} - {target})
    if not sources or not target:
        raise errors.REORG_SOURCES()
    units = _communes(province_code, [*sources, target])
    category = spec.get("category") if spec.get("category") in CATEGORIES else "other"
    new_name = _name(spec.get("new_name"))
    if new_name:
        # The target's new name is not another commune's of the province (the merged ones end on the date).
        key = commune_name_key(new_name, units[target].kind)
        others = AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.COMMUNE, province_code=province_code).exclude(
            code__in=[*sources, target])
        for name, kind in others.values_list("name", "kind"):
            if commune_name_key(name, kind) == key:
                raise errors.REORG_COMMUNE_NAME_TAKEN(name=name, field="new_name")
    return {"sources": sources, "target": target, "new_name": new_name, "category": category}


def _clean_commune_split(province_code: str, spec: dict[str, Any]) -> dict[str, Any]:
    source_code = str(spec.get("source") or "").strip()
    source = _communes(province_code, [source_code])[source_code]
    targets: list[dict[str, Any]] = []
    seen: set[str] = set()
    for raw in spec.get("targets") or []:
        code = str(raw.get("code") or "").strip()
        name = _name(raw.get("name"), errors.REORG_TARGET_NAME_TOO_LONG)
        population, area = _int(raw.get("population")), _dec(raw.get("area_km2"))
        if not _CODE_RE.match(code) or code in seen or not name or population is None or area is None:
            raise errors.REORG_TARGETS()
        seen.add(code)
        existing = AdministrativeUnit.objects.filter(code=code).first()
        if existing is not None and (existing.level != AdministrativeUnit.Level.COMMUNE or existing.province_code != province_code):
            raise errors.REORG_TARGET_CODE(code=code)
        kind = raw.get("kind") if raw.get("kind") in (AdministrativeUnit.Kind.XA, AdministrativeUnit.Kind.PHUONG, AdministrativeUnit.Kind.DAC_KHU) else (
            existing.kind if existing else source.kind)
        targets.append({"code": code, "name": name, "kind": kind, "population": population, "area_km2": str(area),
                        "category": raw.get("category") if raw.get("category") in CATEGORIES else "other", "existing": existing is not None})
    if len(targets) < 2:
        raise errors.REORG_TARGETS()
    _check_split_names(province_code, source_code, targets)
    _check_split_codes(source_code, targets)
    codes = [t["code"] for t in targets]
    primary = str(spec.get("primary") or "").strip()
    if primary not in codes:
        primary = source_code if source_code in codes else codes[0]
    given = {str(k): str(v) for k, v in (spec.get("villages") or {}).items()}
    villages: dict[str, str] = {}
    for v in Village.objects.filter(commune=source, valid_to__isnull=True).order_by("name"):
        target = given.get(str(v.pk)) or primary
        if target not in codes:
            raise errors.REORG_VILLAGE_TARGET(name=v.name)
        villages[str(v.pk)] = target
    return {"source": source_code, "primary": primary, "targets": targets, "villages": villages}


def _check_split_codes(source_code: str, targets: list[dict[str, Any]]) -> None:
    """A new unit's code is no code an ended commune of another lineage carried: its records dated then (dossiers,
    feedback) are that commune's successor's, and the code would make them look like the new unit's. The codes of the
    source's own lineage (the communes merged into it, ``coso.units.lineage.predecessor_windows``) stay allowed."""
    from coso.units.lineage import predecessor_windows

    new = [t["code"] for t in targets if not t["existing"]]
    ended = list(AdministrativeUnit.all_objects.filter(level=AdministrativeUnit.Level.COMMUNE, code__in=new, valid_to__isnull=False)
                 .order_by("code", "valid_to").values_list("code", "name", "valid_from", "valid_to"))
    if not ended:
        return
    own = {(w.code, w.start, w.end) for w in predecessor_windows(source_code)}
    for code, name, start, end in ended:
        if (code, start, end) not in own:
            raise errors.REORG_TARGET_CODE_ENDED(code=code, name=name)


def touched(kind: str, spec: dict[str, Any]) -> tuple[set[str], set[int]]:
    """(commune codes, village ids) a reorganisation changes: two pending ones may not touch the same."""
    if kind == Reorganisation.Kind.VILLAGE_MERGE:
        ids = set(spec["sources"]) | ({spec["target_village"]} if spec.get("target_village") else set())
        return set(), ids
    if kind == Reorganisation.Kind.COMMUNE_MERGE:
        return {*spec["sources"], spec["target"]}, set()
    return {spec["source"], *(t["code"] for t in spec["targets"])}, set()


def plan_for(r: Reorganisation, *, new_village_id: int | None = None) -> MovePlan:
    spec = r.spec
    common: dict[str, Any] = {"province_code": r.province_code, "effective_on": r.effective_on, "reference": f"{r.decision_number} ({r.get_kind_display()})",
              "reorganisation_id": r.pk, "kind": str(r.kind), "scheduled_at": r.created_at}
    if r.kind == Reorganisation.Kind.VILLAGE_MERGE:
        target = spec.get("target_village") or new_village_id or NEW_VILLAGE
        return MovePlan(**common, village_map={int(v): int(target) for v in spec["sources"]})
    if r.kind == Reorganisation.Kind.COMMUNE_MERGE:
        return MovePlan(**common, commune_map={c: spec["target"] for c in spec["sources"]})
    return MovePlan(**common, commune_map={spec["source"]: spec["primary"]},
                    village_commune={int(k): v for k, v in spec["villages"].items()})


# ---------------------------------------------------------------- unit standards (NQ 112/2025/UBTVQH15)
def standard_warnings(*, name: str, kind: str, population: int | None, area_km2: Decimal | None, category: str, day: dt.date) -> list[str]:
    """Warnings when a resulting commune falls short of the standards in force on ``day`` (none when none is in force)."""
    from django.utils.translation import gettext as _g

    ward = kind == AdministrativeUnit.Kind.PHUONG
    base = category if category in ("mountain", "island", "other") else "other"
    pop_key = "units.standard.ward.population" if ward else f"units.standard.commune.population.{base}"
    area_key = "units.standard.ward.area" if ward else f"units.standard.commune.area.{base}"
    min_pop = rule(pop_key, on=day, default=None)
    min_area = rule(area_key, on=day, default=None)
    # One reduction per standard: the Red River Delta's communes on area, specially difficult coastal communes on population.
    if not ward and category == "red_river_delta" and min_area is not None:
        pct = rule("units.standard.red_river_delta.area_percent", on=day, default=None)
        min_area = Decimal(str(min_area)) * Decimal(str(pct)) / 100 if pct is not None else min_area
    if not ward and category == "coastal_difficult" and min_pop is not None:
        pct = rule("units.standard.coastal_difficult.population_percent", on=day, default=None)
        min_pop = int(Decimal(str(min_pop)) * Decimal(str(pct)) / 100) if pct is not None else min_pop
    out: list[str] = []
    if min_pop is not None and population is not None and population < int(min_pop):
        out.append(_g("%(name)s: dân số %(value)s người, thấp hơn tiêu chuẩn %(min)s người (Nghị quyết 112/2025/UBTVQH15).")
                   % {"name": name, "value": f"{population:,}".replace(",", "."), "min": f"{int(min_pop):,}".replace(",", ".")})
    if min_area is not None and area_km2 is not None and Decimal(area_km2) < Decimal(str(min_area)):
        out.append(_g("%(name)s: diện tích %(value)s km², thấp hơn tiêu chuẩn %(min)s km² (Nghị quyết 112/2025/UBTVQH15).")
                   % {"name": name, "value": str(area_km2).replace(".", ","), "min": format(Decimal(str(min_area)).normalize(), "f").replace(".", ",")})
    if min_pop is not None and (population is None or area_km2 is None):
        out.append(_g("%(name)s: chưa có số liệu dân số hoặc diện tích để đối chiếu tiêu chuẩn.") % {"name": name})
    return out

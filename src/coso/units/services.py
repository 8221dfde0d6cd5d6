"""Writes for administrative units and villages."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils.translation import gettext as _

import vietnam_provinces as vp

from coso.accounts.roles import PROVINCE_ROLES, Role
from coso.core.audit import audit_log, audited_create, audited_delete, audited_update, diff, snapshot
from coso.core.excel import read_rows, workbook_bytes
from coso.core.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from coso.core.models import AuditLog
from coso.core.params import FIRST_DAY, LAST_DAY
from coso.core.scoping import can_see_unit
from coso.core.text import fold, nfc
from coso.units import errors
from coso.units.models import TWO_LEVEL_START, AdministrativeUnit, Village

logger = logging.getLogger(__name__)

VILLAGE_EDITOR_ROLES = frozenset(
    {Role.COMMUNE_LEADER, Role.COMMUNE_HOME_AFFAIRS, Role.PROVINCE_HOME_AFFAIRS, Role.PROVINCE_ADMIN, Role.SYSTEM_ADMIN}
)

_PROVINCE_KIND = {
    vp.VietNamDivisionType.TINH: AdministrativeUnit.Kind.TINH,
    vp.VietNamDivisionType.THANH_PHO_TRUNG_UONG: AdministrativeUnit.Kind.THANH_PHO_TW,
}
_COMMUNE_KIND = {
    vp.VietNamDivisionType.XA: AdministrativeUnit.Kind.XA,
    vp.VietNamDivisionType.PHUONG: AdministrativeUnit.Kind.PHUONG,
    vp.VietNamDivisionType.DAC_KHU: AdministrativeUnit.Kind.DAC_KHU,
}


def province_code_str(code: int) -> str:
    return f"{int(code):02d}"


def commune_code_str(code: int) -> str:
    return f"{int(code):05d}"


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("vietnam-provinces")
    except PackageNotFoundError:
        return "?"


def units_import_official(
    *, progress: Callable[[int, int], None] | None = None, province_codes: Iterable[str] | None = None
) -> dict[str, int]:
    """Create or update the 34 provinces and 3,321 communes from `vietnam-provinces`.

    Idempotent: running it again changes nothing unless the package data changed.
    Attributes edited locally (classification, population, flags) are never overwritten.
    ``province_codes`` limits the import to some provinces (tests, partial set-ups).
    """
    only = {str(c) for c in province_codes} if province_codes is not None else None
    provinces = sorted((p for p in vp.Province.iter_all() if only is None or province_code_str(p.code) in only), key=lambda p: int(p.code))
    wards = sorted((w for w in vp.Ward.iter_all() if only is None or province_code_str(w.province_code) in only), key=lambda w: int(w.code))
    existing = {u.code: u for u in AdministrativeUnit.objects.filter(level__in=["province", "commune"])}
    created = updated = 0
    changes: list[tuple[AdministrativeUnit, dict[str, Any]]] = []
    total = len(provinces) + len(wards)
    with transaction.atomic():
        province_objs: dict[str, AdministrativeUnit] = {}
        for p in provinces:
            code = province_code_str(p.code)
            values: dict[str, Any] = {
                "name": nfc(p.name),
                "codename": p.codename,
                "name_folded": fold(p.name),
                "level": AdministrativeUnit.Level.PROVINCE,
                "kind": _PROVINCE_KIND[p.division_type],
                "province_code": code,
            }
            obj = existing.get(code)
            if obj is None:
                obj = AdministrativeUnit.objects.create(code=code, valid_from=TWO_LEVEL_START, **values)
                created += 1
            elif any(getattr(obj, k) != v for k, v in values.items()):
                before = snapshot(obj)
                for k, v in values.items():
                    setattr(obj, k, v)
                obj.save()
                changes.append((obj, before))
                updated += 1
            province_objs[code] = obj
        to_create = []
        for i, w in enumerate(wards):
            code = commune_code_str(w.code)
            pcode = province_code_str(w.province_code)
            values = {
                "name": nfc(w.name),
                "codename": w.codename,
                "name_folded": fold(w.name),
                "level": AdministrativeUnit.Level.COMMUNE,
                "kind": _COMMUNE_KIND[w.division_type],
                "province_code": pcode,
            }
            obj = existing.get(code)
            if obj is None:
                to_create.append(
                    AdministrativeUnit(
                        code=code, parent=province_objs[pcode], valid_from=TWO_LEVEL_START, agency_code=f"H{pcode}.{code}", **values
                    )
                )
                created += 1
            elif any(getattr(obj, k) != v for k, v in values.items()) or obj.parent_id != province_objs[pcode].pk:
                before = snapshot(obj)
                for k, v in values.items():
                    setattr(obj, k, v)
                obj.parent = province_objs[pcode]
                obj.save()
                changes.append((obj, before))
                updated += 1
            if progress and i % 200 == 0:
                progress(len(provinces) + i, total)
        AdministrativeUnit.objects.bulk_create(to_create, batch_size=1000)
        # Audit: each changed unit with before/after; the creations as one summary row.
        for obj, before in changes:
            b, a = diff(before, snapshot(obj))
            audit_log(actor=None, action=AuditLog.Action.UPDATE, obj=obj, before=b, after=a, verb="units_import_official")
        if created:
            audit_log(
                actor=None, action=AuditLog.Action.CREATE, object_type=AdministrativeUnit._meta.label, object_repr="vietnam-provinces",
                verb="units_import_official", after={"created": created, "source": f"vietnam-provinces {_package_version()}"},
                province_code="", commune_code="",
            )
    if progress:
        progress(total, total)
    return {"created": created, "updated": updated, "provinces": len(provinces), "communes": len(wards)}


# --- 2025 lineage -------------------------------------------------------------------------------

def units_import_lineage_2025(
    *, progress: Callable[[int, int], None] | None = None, province_codes: Iterable[str] | None = None
) -> dict[str, Any]:
    """Load the units in force before 1/7/2025 and which current commune(s) each became.

    Source: the `vietnamadminunits` package (installed, never downloaded at run time). Creates the
    63 old provinces, 696 districts and 10,035 communes as ended units (``valid_to`` = 1/7/2025,
    reached through ``AdministrativeUnit.all_objects``) and one ``UnitSuccession`` per old → new
    pair with the province's UBTVQH resolution of 16/6/2025. Needs the current units
    (``units_import_official``) first. Idempotent: a second run changes nothing; corrections in a
    newer package version update or remove only the rows this loader made (``source``).
    ``province_codes`` limits the load to the old units that became part of these current provinces.
    """
    from coso.units.lineage_data import (
        COMMUNE_RESOLUTION_DATE,
        COMMUNE_RESOLUTIONS,
        EFFECTIVE_2025,
        PROVINCE_RESOLUTION,
        PROVINCE_RESOLUTION_DATE,
        SOURCE,
        commune_legal_basis,
        match_communes,
        province_legal_basis,
        read_lineage_2025,
    )
    from coso.units.models import UnitSuccession

    data = read_lineage_2025()
    only = {str(c) for c in province_codes} if province_codes is not None else None
    current = {
        u.code: u
        for u in AdministrativeUnit.objects.filter(level__in=[AdministrativeUnit.Level.PROVINCE, AdministrativeUnit.Level.COMMUNE])
        .only("id", "code", "level", "name", "name_folded", "province_code", "area_km2")
    }
    current_communes = {code: (u.province_code, u.name) for code, u in current.items() if u.level == AdministrativeUnit.Level.COMMUNE}
    match = match_communes(data, current_communes)
    new_province_of = {c.code: c.province_code for c in data.new_communes.values()}
    in_scope_new = {code for code, pcode in new_province_of.items() if only is None or pcode in only}
    pairs = [p for p in data.pairs if p.new_package_code in in_scope_new]
    old_communes_in_scope = {p.old_code for p in pairs if p.old_level == "commune"}
    old_districts_in_scope = {p.old_code for p in pairs if p.old_level == "district"}
    communes = [c for c in data.communes if c.code in old_communes_in_scope]
    old_districts_in_scope |= {c.parent_code for c in communes}
    districts = [d for d in data.districts if d.code in old_districts_in_scope]
    old_provinces_in_scope = {d.province_code for d in districts}
    provinces = [p for p in data.provinces if p.code in old_provinces_in_scope]
    total = len(provinces) + len(districts) + len(communes) + len(pairs)
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, total)

    created_units = updated_units = 0
    changes: list[tuple[AdministrativeUnit, dict[str, Any]]] = []
    with transaction.atomic():
        unit_fields = ("id", "code", "level", "name", "name_folded", "kind", "province_code", "parent_id", "legacy_district_id")
        ended = {
            (u.level, u.code): u
            for u in AdministrativeUnit.all_objects.filter(valid_to=EFFECTIVE_2025, level__in=["province", "district", "commune"]).only(*unit_fields)
        }

        def sync(level_units: list[Any], parents: dict[str, AdministrativeUnit]) -> dict[str, AdministrativeUnit]:
            nonlocal created_units, updated_units
            to_create = []
            for lu in level_units:
                parent = parents.get(lu.parent_code) if lu.parent_code else None
                values: dict[str, Any] = {
                    "name": lu.name, "name_folded": fold(lu.name), "kind": lu.kind, "province_code": lu.province_code,
                    "parent_id": parent.pk if parent else None,
                    "legacy_district_id": parent.pk if (parent and lu.level == "commune") else None,
                }
                obj = ended.get((lu.level, lu.code))
                if obj is None:
                    to_create.append(AdministrativeUnit(code=lu.code, level=lu.level, valid_from=None, valid_to=EFFECTIVE_2025, **values))
                elif any(getattr(obj, k) != v for k, v in values.items()):
                    before = snapshot(obj)
                    for k, v in values.items():
                        setattr(obj, k, v)
                    obj.save()
                    changes.append((obj, before))
                    updated_units += 1
            AdministrativeUnit.all_objects.bulk_create(to_create, batch_size=1000)
            created_units += len(to_create)
            level = level_units[0].level if level_units else ""
            codes = [lu.code for lu in level_units]
            if to_create:  # fetch the ids of the new rows (not every backend returns them from a bulk insert)
                objs = {
                    u.code: u
                    for i in range(0, len(codes), 900)
                    for u in AdministrativeUnit.all_objects.filter(level=level, valid_to=EFFECTIVE_2025, code__in=codes[i : i + 900])
                    .only(*unit_fields)
                }
            else:
                objs = {code: ended[(level, code)] for code in codes}
            tick(len(level_units))
            return objs

        old_provinces = sync(provinces, {})
        old_districts = sync(districts, old_provinces)
        old_communes = sync(communes, old_districts)

        # Successions: commune level (and the 5 island districts that became special zones).
        successors_of: dict[str, set[str]] = {}
        predecessors_of: dict[str, set[str]] = {}
        for p in data.pairs:  # whole country, so the kind does not depend on the scope
            successors_of.setdefault(f"{p.old_level}:{p.old_code}", set()).add(p.new_package_code)
            predecessors_of.setdefault(p.new_package_code, set()).add(f"{p.old_level}:{p.old_code}")
        desired: dict[tuple[int, int], dict[str, Any]] = {}
        skipped: list[str] = []
        for p in pairs:
            coso_code = match.to_coso.get(p.new_package_code)
            successor = current.get(coso_code or "")
            old = (old_communes if p.old_level == "commune" else old_districts).get(p.old_code)
            if successor is None or old is None:
                skipped.append(f"{p.old_code}→{p.new_package_code}")
                continue
            key = f"{p.old_level}:{p.old_code}"
            if len(successors_of[key]) > 1:
                kind = UnitSuccession.Kind.SPLIT
            elif len(predecessors_of[p.new_package_code]) > 1:
                kind = UnitSuccession.Kind.MERGE
            elif old.name_folded == successor.name_folded:
                kind = UnitSuccession.Kind.KEEP
            else:
                kind = UnitSuccession.Kind.RENAME
            number = COMMUNE_RESOLUTIONS.get(successor.province_code, "")
            desired[(old.pk, successor.pk)] = {
                "kind": kind, "is_primary": p.is_default, "legal_basis": commune_legal_basis(successor.province_code),
                "decision_number": number, "decision_date": COMMUNE_RESOLUTION_DATE if number else None,
            }
        # Province level: NQ 202/2025/QH15.
        province_successors: dict[str, set[str]] = {}
        for old_code, new_code in data.province_pairs:
            province_successors.setdefault(new_code, set()).add(old_code)
        for old_code, new_code in data.province_pairs:
            old = old_provinces.get(old_code)
            successor = current.get(new_code)
            if old is None or successor is None or successor.level != AdministrativeUnit.Level.PROVINCE:
                continue
            desired[(old.pk, successor.pk)] = {
                "kind": UnitSuccession.Kind.MERGE if len(province_successors[new_code]) > 1 else UnitSuccession.Kind.KEEP,
                "is_primary": True, "legal_basis": province_legal_basis(), "decision_number": PROVINCE_RESOLUTION,
                "decision_date": PROVINCE_RESOLUTION_DATE,
            }
        old_pks = [u.pk for u in (*old_provinces.values(), *old_districts.values(), *old_communes.values())]
        fields = ["kind", "is_primary", "legal_basis", "decision_number", "decision_date"]
        existing: dict[tuple[int, int], tuple[Any, ...]] = {}  # (predecessor, successor) → (pk, *fields)
        for i in range(0, len(old_pks), 900):
            rows = UnitSuccession.objects.filter(effective_on=EFFECTIVE_2025, source=SOURCE, predecessor_id__in=old_pks[i : i + 900])
            for pk, pred, succ, *values_now in rows.values_list("pk", "predecessor_id", "successor_id", *fields):
                existing[(pred, succ)] = (pk, *values_now)
        new_rows = []
        updated_rows: list[UnitSuccession] = []
        for pair_key, values in desired.items():
            row = existing.pop(pair_key, None)
            if row is None:
                new_rows.append(
                    UnitSuccession(predecessor_id=pair_key[0], successor_id=pair_key[1], effective_on=EFFECTIVE_2025, source=SOURCE, **values)
                )
            elif tuple(row[1:]) != tuple(values[f] for f in fields):
                updated_rows.append(UnitSuccession(pk=row[0], predecessor_id=pair_key[0], successor_id=pair_key[1], **values))
        UnitSuccession.objects.bulk_create(new_rows, batch_size=1000)
        UnitSuccession.objects.bulk_update(updated_rows, fields, batch_size=1000)
        removed = len(existing)
        if existing:
            UnitSuccession.objects.filter(pk__in=[row[0] for row in existing.values()]).delete()
        tick(len(pairs))

        # Area of the current communes (km², from the package) where none is recorded yet.
        area_filled = 0
        to_fill = []
        for pkg_code, coso_code in match.to_coso.items():
            unit = current.get(coso_code)
            area = data.new_communes[pkg_code].area_km2
            if unit is not None and unit.area_km2 is None and area and (only is None or unit.province_code in only):
                unit.area_km2 = Decimal(str(area)).quantize(Decimal("0.01"))
                to_fill.append(unit)
        AdministrativeUnit.objects.bulk_update(to_fill, ["area_km2"], batch_size=1000)
        area_filled = len(to_fill)

        for obj, before in changes:
            b, a = diff(before, snapshot(obj))
            audit_log(actor=None, action=AuditLog.Action.UPDATE, obj=obj, before=b, after=a, verb="units_import_lineage_2025")
        if created_units or new_rows or updated_rows or removed or area_filled:
            audit_log(
                actor=None, action=AuditLog.Action.CREATE if (created_units or new_rows) else AuditLog.Action.UPDATE,
                object_type=UnitSuccession._meta.label, object_repr=f"{SOURCE} {data.package_version}", verb="units_import_lineage_2025",
                after={
                    "units_created": created_units, "successions_created": len(new_rows), "successions_updated": len(updated_rows),
                    "successions_removed": removed, "area_filled": area_filled, "source": f"{SOURCE} {data.package_version}",
                    "scope": sorted(only) if only is not None else "all",
                },
                province_code="", commune_code="",
            )
    if progress:
        progress(total, total)
    return {
        "provinces": len(provinces), "districts": len(districts), "communes": len(communes), "successions": len(desired),
        "units_created": created_units, "units_updated": updated_units, "successions_created": len(new_rows),
        "successions_updated": len(updated_rows), "successions_removed": removed, "area_filled": area_filled,
        "skipped": len(skipped), "code_differs": len(match.code_differs), "unmatched": len(match.unmatched),
    }


# --- Permissions ------------------------------------------------------------------------------

def can_edit_villages(user: Any, commune: AdministrativeUnit) -> bool:
    """Village editors: commune leader / home affairs of that commune, province home affairs /
    admins of its province, system administrators."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser or user.role == Role.SYSTEM_ADMIN:
        return True
    if user.role not in VILLAGE_EDITOR_ROLES:
        return False
    if user.role in PROVINCE_ROLES:
        return bool(user.province_code) and user.province_code == commune.province_code
    return bool(user.commune_code) and user.commune_code == commune.code


def editable_communes_q(user: Any) -> Q:
    """Communes where ``user`` may add or edit villages (same rule as can_edit_villages, as a filter)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser or user.role == Role.SYSTEM_ADMIN:
        return Q()
    if user.role not in VILLAGE_EDITOR_ROLES:
        return Q(pk__in=[])
    if user.role in PROVINCE_ROLES:
        return Q(province_code=user.province_code) if user.province_code else Q(pk__in=[])
    return Q(code=user.commune_code) if user.commune_code else Q(pk__in=[])


def can_edit_commune_attributes(user: Any, commune: AdministrativeUnit) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser or user.role == Role.SYSTEM_ADMIN:
        return True
    return user.role == Role.PROVINCE_ADMIN and bool(user.province_code) and user.province_code == commune.province_code


def _require(allowed: bool, user: Any, commune: AdministrativeUnit) -> None:
    if allowed:
        return
    if not can_see_unit(user, province_code=commune.province_code, commune_code=commune.code):
        raise NotFoundError()
    raise PermissionDeniedError()


# --- Villages ---------------------------------------------------------------------------------

VILLAGE_FIELDS = ("name", "kind", "households", "population", "is_border_or_island", "is_security_hotspot", "converted_from_thon")


def _same_name(a: str, b: str) -> bool:
    return nfc(a).casefold() == nfc(b).casefold()


def _check_village_rules(*, commune: AdministrativeUnit, name: str, kind: str, converted_from_thon: bool, households: int = 0, population: int = 0,
                         exclude_pk: int | None = None) -> None:
    if not name:
        raise errors.VILLAGE_NAME_REQUIRED()
    if households_over_population(households, population):
        raise errors.VILLAGE_HOUSEHOLDS_OVER_POPULATION(households=households, population=population)
    others = Village.objects.filter(commune=commune)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if any(_same_name(other, name) for other in others.values_list("name", flat=True)):
        raise errors.VILLAGE_NAME_TAKEN(name=name)
    if converted_from_thon and kind not in (Village.Kind.TO_DAN_PHO, Village.Kind.KHU_PHO):
        raise errors.VILLAGE_CONVERSION_KIND()


def households_over_population(households: int | None, population: int | None) -> bool:
    """More households than people: every household has at least one member. A population of 0 is "not recorded" (the
    default), and is not compared. A village's households set its class and so its funding (a typed 1000 for 100)."""
    return bool(population) and (households or 0) > (population or 0)


def village_create(*, actor: Any, commune: AdministrativeUnit, **fields: Any) -> Village:
    unknown = set(fields) - set(VILLAGE_FIELDS)
    if unknown:
        raise errors.UNKNOWN_FIELDS(fields=", ".join(sorted(unknown)))
    _require(can_edit_villages(actor, commune), actor, commune)
    if commune.level != AdministrativeUnit.Level.COMMUNE:
        raise errors.NOT_A_COMMUNE()
    fields["name"] = nfc(fields.get("name", ""))
    village = Village(commune=commune, province_code=commune.province_code, commune_code=commune.code, name_folded=fold(fields["name"]), **fields)
    with transaction.atomic():
        AdministrativeUnit.objects.select_for_update().filter(pk=commune.pk).first()  # serialise name checks per commune
        _check_village_rules(commune=commune, name=village.name, kind=village.kind, converted_from_thon=village.converted_from_thon,
                             households=village.households, population=village.population)
        audited_create(village, actor=actor, verb="village_create")
    return village


def village_update(*, actor: Any, village: Village, **changes: Any) -> Village:
    unknown = set(changes) - set(VILLAGE_FIELDS)
    if unknown:
        raise errors.UNKNOWN_FIELDS(fields=", ".join(sorted(unknown)))
    commune = village.commune
    _require(can_edit_villages(actor, commune), actor, commune)
    if "name" in changes:
        changes["name"] = nfc(changes["name"])
        changes["name_folded"] = fold(changes["name"])
    with transaction.atomic():
        AdministrativeUnit.objects.select_for_update().filter(pk=commune.pk).first()  # serialise name checks per commune
        village = Village.objects.select_for_update().get(pk=village.pk)
        _check_village_rules(
            commune=commune,
            name=changes.get("name", village.name),
            kind=changes.get("kind", village.kind),
            converted_from_thon=changes.get("converted_from_thon", village.converted_from_thon),
            households=changes.get("households", village.households),
            population=changes.get("population", village.population),
            exclude_pk=village.pk,
        )
        audited_update(village, actor=actor, changes=changes, verb="village_update")
    return village


def village_delete(*, actor: Any, village: Village) -> None:
    commune = village.commune
    _require(can_edit_villages(actor, commune), actor, commune)
    try:
        with transaction.atomic():
            audited_delete(Village.objects.select_for_update().get(pk=village.pk), actor=actor, verb="village_delete")
    except ProtectedError:
        raise errors.VILLAGE_IN_USE() from None


def commune_update_attributes(*, actor: Any, commune: AdministrativeUnit, **changes: Any) -> AdministrativeUnit:
    allowed = {"classification", "population", "area_km2", "is_border_or_island", "is_difficult_area", "is_security_hotspot", "agency_code"}
    unknown = set(changes) - allowed
    if unknown:
        raise errors.UNKNOWN_FIELDS(fields=", ".join(sorted(unknown)))
    _require(can_edit_commune_attributes(actor, commune), actor, commune)
    if "agency_code" in changes:
        changes["agency_code"] = nfc(changes["agency_code"] or "")
    with transaction.atomic():
        commune = AdministrativeUnit.objects.select_for_update().get(pk=commune.pk)
        audited_update(commune, actor=actor, changes=changes, verb="commune_update_attributes")
    return commune


# --- Excel import / export of villages ------------------------------------------------------

COL_COMMUNE = "Mã xã"
COL_NAME = "Tên thôn, tổ dân phố"
COL_KIND = "Loại"
COL_HOUSEHOLDS = "Số hộ"
COL_POPULATION = "Số dân"
COL_BORDER = "Biên giới, hải đảo"
COL_SECURITY = "Trọng điểm an ninh"
COL_CONVERTED = "Chuyển từ thôn"
IMPORT_HEADERS = [COL_COMMUNE, COL_NAME, COL_KIND, COL_HOUSEHOLDS, COL_POPULATION, COL_BORDER, COL_SECURITY, COL_CONVERTED]
REQUIRED_HEADERS = [COL_COMMUNE, COL_NAME, COL_KIND, COL_HOUSEHOLDS, COL_POPULATION]
_KIND_BY_TEXT = {fold(str(label)): value for value, label in Village.Kind.choices} | {fold(value): value for value in Village.Kind.values}
_TRUE = {"x", "co", "1", "true", "yes", "c"}
_FALSE = {"", "khong", "0", "false", "no", "k"}
_THOUSANDS = re.compile(r"^\d{1,3}([.\s]\d{3})+$")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value))


def _parse_count(value: Any) -> int | None:
    """A non-negative integer: 12, 12.0, "12", "1.234" (thousands separators); None when invalid."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    text = nfc(str(value))
    if _THOUSANDS.match(text):
        text = re.sub(r"[.\s]", "", text)
    if not text.isdecimal():  # not isdigit(): "²" is a digit that int() refuses
        return None
    # A number of more than 20 digits is as much too large as its first 20 (and int() refuses more than 4,300 digits).
    digits = text.lstrip("0") or "0"
    return int(digits[:20])


def _parse_flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = fold(_cell_text(value))
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def _commune_code(value: Any) -> str:
    text = _cell_text(value)
    return text.zfill(5) if text.isdigit() and len(text) <= 5 else text


def villages_import(*, actor: Any, data: bytes) -> dict[str, Any]:
    """Import villages from an .xlsx: every row is valid and created, or nothing is.

    Errors list every bad row: ``details["rows"] = [{"row", "column", "value", "message"}]``.
    """
    rows = read_rows(data, expected_headers=REQUIRED_HEADERS, max_rows=20_000)
    if not rows:
        raise errors.IMPORT_EMPTY(details={"rows": []})
    row_errors: list[dict[str, Any]] = []

    def bad(row: int, column: str, value: Any, message: str) -> None:
        row_errors.append({"row": row, "column": column, "value": "" if value is None else str(value), "message": message})

    codes = {_commune_code(r.get(COL_COMMUNE)) for r in rows}
    communes = {c.code: c for c in AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.COMMUNE, code__in=codes)}
    existing: dict[str, dict[str, str]] = {}
    for commune_code, name in Village.objects.filter(commune_code__in=communes.keys()).values_list("commune_code", "name"):
        existing.setdefault(commune_code, {})[nfc(name).casefold()] = name
    seen: dict[tuple[str, str], int] = {}
    villages: list[Village] = []
    for r in rows:
        n = r["_row"]
        row_ok = True
        code = _commune_code(r.get(COL_COMMUNE))
        commune = communes.get(code)
        if not code:
            bad(n, COL_COMMUNE, r.get(COL_COMMUNE), _("Chưa nhập mã xã."))
            row_ok = False
        elif commune is None or not can_see_unit(actor, province_code=commune.province_code, commune_code=commune.code):
            bad(n, COL_COMMUNE, r.get(COL_COMMUNE), _("Mã xã %(code)s không có hoặc không thuộc phạm vi của bạn.") % {"code": code})
            row_ok = False
        elif not can_edit_villages(actor, commune):
            bad(n, COL_COMMUNE, r.get(COL_COMMUNE), _("Bạn không có quyền thêm thôn, tổ dân phố cho xã %(code)s.") % {"code": code})
            row_ok = False
        name = _cell_text(r.get(COL_NAME))
        if not name:
            bad(n, COL_NAME, r.get(COL_NAME), _("Chưa nhập tên."))
            row_ok = False
        elif len(name) > 200:
            bad(n, COL_NAME, name[:50] + "…", _("Tên dài quá 200 ký tự."))
            row_ok = False
        elif commune is not None:
            key = (code, name.casefold())
            if key in seen:
                bad(n, COL_NAME, name, _("Trùng tên với dòng %(row)s trong tệp.") % {"row": seen[key]})
                row_ok = False
            else:
                seen[key] = n
            if name.casefold() in existing.get(code, {}):
                bad(n, COL_NAME, name, _("Xã %(code)s đã có “%(name)s”.") % {"code": code, "name": existing[code][name.casefold()]})
                row_ok = False
        kind = _KIND_BY_TEXT.get(fold(_cell_text(r.get(COL_KIND))))
        if kind is None:
            bad(n, COL_KIND, r.get(COL_KIND), _("Loại phải là một trong: %(kinds)s.") % {"kinds": ", ".join(str(label) for label in Village.Kind.labels)})
            row_ok = False
        counts: dict[str, int] = {}
        for column in (COL_HOUSEHOLDS, COL_POPULATION):
            count = _parse_count(r.get(column))
            if count is None:
                bad(n, column, r.get(column), _("Phải là số nguyên không âm."))
                row_ok = False
            elif count > 2_000_000_000:
                bad(n, column, r.get(column), _("Số quá lớn."))
                row_ok = False
            else:
                counts[column] = count
        flags = {}
        for column in (COL_BORDER, COL_SECURITY, COL_CONVERTED):
            flags[column] = _parse_flag(r.get(column))
            if flags[column] is None:
                bad(n, column, r.get(column), _("Ghi “x” (có) hoặc để trống (không)."))
                row_ok = False
        if row_ok and flags[COL_CONVERTED] and kind not in (Village.Kind.TO_DAN_PHO, Village.Kind.KHU_PHO):
            bad(n, COL_CONVERTED, r.get(COL_CONVERTED), _("Chỉ tổ dân phố hoặc khu phố mới có thể là đơn vị chuyển từ thôn."))
            row_ok = False
        if len(counts) == 2 and households_over_population(counts[COL_HOUSEHOLDS], counts[COL_POPULATION]):
            bad(n, COL_HOUSEHOLDS, r.get(COL_HOUSEHOLDS), _("Số hộ không thể lớn hơn số dân."))
            row_ok = False
        if row_ok and commune is not None and kind is not None:
            villages.append(
                Village(
                    commune=commune, province_code=commune.province_code, commune_code=commune.code, name=name, name_folded=fold(name),
                    kind=kind, households=counts[COL_HOUSEHOLDS], population=counts[COL_POPULATION],
                    is_border_or_island=bool(flags[COL_BORDER]), is_security_hotspot=bool(flags[COL_SECURITY]),
                    converted_from_thon=bool(flags[COL_CONVERTED]),
                )
            )
    if row_errors:
        bad_rows = len({e["row"] for e in row_errors})
        raise errors.IMPORT_INVALID(count=bad_rows, details={"rows": row_errors, "total_rows": len(rows)})
    with transaction.atomic():
        # Re-check names under the lock of the communes touched, then write everything at once.
        list(AdministrativeUnit.objects.select_for_update().filter(pk__in=[c.pk for c in communes.values()]).values_list("pk", flat=True))
        clash = Village.objects.filter(commune_code__in=communes.keys(), name__in=[v.name for v in villages]).first()
        if clash is not None:
            raise errors.IMPORT_CONFLICT(commune=clash.commune_code, name=clash.name, details={"rows": []})
        created = Village.objects.bulk_create(villages, batch_size=1000)
        if any(v.pk is None for v in created):  # backends that do not return ids from bulk inserts
            lookup = {(v.commune_code, v.name): v.pk for v in Village.objects.filter(commune_code__in=communes.keys(), name__in=[v.name for v in villages])}
            for v in created:
                v.pk = lookup[(v.commune_code, v.name)]
        authenticated = actor is not None and getattr(actor, "is_authenticated", False)
        AuditLog.objects.bulk_create(
            [
                AuditLog(
                    actor=actor if authenticated else None,
                    actor_name=getattr(actor, "display_name", "") if authenticated else "anonymous",
                    province_code=v.province_code, commune_code=v.commune_code, action=AuditLog.Action.CREATE, verb="village_import",
                    object_type=Village._meta.label, object_id=str(v.pk), object_repr=str(v)[:300], after=snapshot(v),
                )
                for v in created
            ],
            batch_size=1000,
        )
    return {"created": len(created), "communes": sorted({v.commune_code for v in created})}


def villages_template_bytes() -> bytes:
    example = [
        ["26734", "Khu phố 1", "Khu phố", 420, 1560, "", "", ""],
        ["26734", "Tổ dân phố Bình An", "Tổ dân phố", 380, 1320, "", "x", "x"],
    ]
    return workbook_bytes(
        [
            {"title": "Thôn, tổ dân phố", "headers": IMPORT_HEADERS, "rows": example, "widths": [10, 32, 14, 10, 10, 18, 20, 16]},
            {
                "title": "Hướng dẫn",
                "headers": ["Cột", "Cách ghi"],
                "rows": [
                    [COL_COMMUNE, "Mã xã, phường, đặc khu (5 chữ số) thuộc phạm vi của bạn."],
                    [COL_NAME, "Không trùng với tên đã có trong xã và không trùng trong tệp."],
                    [COL_KIND, "Một trong: " + ", ".join(str(label) for label in Village.Kind.labels) + "."],
                    [COL_HOUSEHOLDS, "Số nguyên không âm."],
                    [COL_POPULATION, "Số nguyên không âm."],
                    [COL_BORDER, "Ghi x nếu có, để trống nếu không."],
                    [COL_SECURITY, "Ghi x nếu có, để trống nếu không."],
                    [COL_CONVERTED, "Ghi x nếu tổ dân phố/khu phố được chuyển từ thôn."],
                ],
                "widths": [22, 80],
            },
        ]
    )


def villages_export_bytes(villages: Iterable[Village]) -> bytes:
    def x(flag: bool) -> str:
        return "x" if flag else ""

    rows = [
        [v.commune_code, v.name, str(v.get_kind_display()), v.households, v.population, x(v.is_border_or_island), x(v.is_security_hotspot), x(v.converted_from_thon)]
        for v in villages
    ]
    return workbook_bytes([{"title": "Thôn, tổ dân phố", "headers": IMPORT_HEADERS, "rows": rows, "widths": [10, 32, 14, 10, 10, 18, 20, 16]}])


# ---------------------------------------------------------------- reorganisations (sắp xếp đơn vị)
def _reorg_actor(actor: Any, province_code: str) -> None:
    from coso.units.selectors import can_reorganise

    if not can_reorganise(actor, province_code):
        raise errors.REORG_FORBIDDEN()


def _reorg_busy(*, province_code: str, kind: str, spec: dict[str, Any], exclude_pk: int | None = None) -> None:
    from coso.units.models import Reorganisation
    from coso.units.reorg_spec import touched

    codes, villages = touched(kind, spec)
    pending = Reorganisation.objects.filter(province_code=province_code, status=Reorganisation.Status.SCHEDULED).exclude(pk=exclude_pk or 0)
    for other in pending:
        o_codes, o_villages = touched(other.kind, other.spec)
        village_commune = {str(v.commune_code) for v in Village.objects.filter(pk__in=villages)} if villages else set()
        o_village_commune = {str(v.commune_code) for v in Village.objects.filter(pk__in=o_villages)} if o_villages else set()
        clash_codes = (codes & o_codes) or (codes & o_village_commune) or (o_codes & village_commune)
        clash_villages = villages & o_villages
        if clash_villages or clash_codes:
            # Named as the administrator knows them (a village's or a commune's name, not its id).
            if clash_villages:
                names = [v.name for v in Village.objects.filter(pk__in=clash_villages)]
            else:
                units = {u.code: u.name for u in AdministrativeUnit.objects.filter(code__in=clash_codes)}
                names = [units.get(c, c) for c in clash_codes]
            raise errors.REORG_BUSY(name=", ".join(sorted(names)), number=other.decision_number)


def _reorg_name_pending(*, province_code: str, kind: str, spec: dict[str, Any]) -> None:
    """A village merger may not create the name another pending merger of the commune creates on its date (the second
    one would then fail on its effective day: a commune has one village of a name). Likewise a commune split or a
    commune merger may not give a commune the name another pending split or merger gives one."""
    from coso.units.models import Reorganisation
    from coso.units.reorg_spec import new_commune_names

    if kind in (Reorganisation.Kind.COMMUNE_SPLIT, Reorganisation.Kind.COMMUNE_MERGE):
        names = new_commune_names(kind, spec)
        communes = Reorganisation.objects.filter(province_code=province_code, status=Reorganisation.Status.SCHEDULED,
                                                 kind__in=[Reorganisation.Kind.COMMUNE_SPLIT, Reorganisation.Kind.COMMUNE_MERGE])
        for other in communes.order_by("effective_on", "pk"):
            clash = names.keys() & new_commune_names(other.kind, other.spec).keys()
            if clash:
                raise errors.REORG_COMMUNE_NAME_PENDING(name=names[sorted(clash)[0]], number=other.decision_number,
                                                        field="targets" if kind == Reorganisation.Kind.COMMUNE_SPLIT else "new_name")
        return
    new_name = spec.get("new_name") or ""
    if kind != Reorganisation.Kind.VILLAGE_MERGE or spec.get("target_village") or not new_name:
        return
    pending = Reorganisation.objects.filter(province_code=province_code, kind=Reorganisation.Kind.VILLAGE_MERGE,
                                            status=Reorganisation.Status.SCHEDULED)
    for other in pending:
        other_name = str(other.spec.get("new_name") or "")
        if (str(other.spec.get("commune")) == spec["commune"] and not other.spec.get("target_village")
                and other_name.casefold() == new_name.casefold()):
            raise errors.REORG_NAME_TAKEN(name=new_name)


def reorganisation_schedule(*, actor: Any, province_code: str, kind: str, decision_number: str, decision_date: Any, effective_on: Any,
                            title: str, spec: dict[str, Any], issuer: str = "", today: Any = None, dry_run: bool = False) -> Any:
    """Record a decided reorganisation, with the preview of what will move; it is applied on ``effective_on`` by the job.

    ``dry_run``: check everything and return the preview (a dict) without recording anything (the wizard's "Xem trước")."""
    import datetime as dt

    from django.utils import timezone

    from coso.units.models import Reorganisation
    from coso.units.reorg_spec import clean_spec
    from coso.units.selectors import reorganisation_preview

    _reorg_actor(actor, province_code)
    today = today or timezone.localdate()
    if kind not in Reorganisation.Kind.values:
        raise errors.REORG_KIND()
    number = nfc(str(decision_number or "")).strip()
    if not number or len(number) > 60:
        raise errors.REORG_DECISION_NUMBER()
    if not isinstance(decision_date, dt.date) or decision_date > today:
        raise errors.REORG_DECISION_DATE()
    if not isinstance(effective_on, dt.date) or effective_on <= today or effective_on < decision_date:
        raise errors.REORG_EFFECTIVE_DATE()
    # The project's span of dates (coso.core.params): what moves on the day is dated from it, successions and lineage read it.
    bounds: dict[str, Any] = {"first": FIRST_DAY.strftime("%d/%m/%Y"), "last": LAST_DAY.strftime("%d/%m/%Y")}
    if decision_date < FIRST_DAY:
        raise errors.REORG_DECISION_OUT_OF_RANGE(**bounds)
    if effective_on > LAST_DAY:
        raise errors.REORG_EFFECTIVE_OUT_OF_RANGE(**bounds)
    title = nfc(str(title or "")).strip()
    if not title or len(title) > 300:
        raise errors.REORG_TITLE()
    with transaction.atomic():
        clean = clean_spec(province_code=province_code, kind=kind, spec=spec)
        _reorg_busy(province_code=province_code, kind=kind, spec=clean)
        _reorg_name_pending(province_code=province_code, kind=kind, spec=clean)
        if dry_run:
            return reorganisation_preview(province_code=province_code, kind=kind, spec=clean, effective_on=effective_on, decision_number=number)
        r = Reorganisation(province_code=province_code, kind=kind, decision_number=number, decision_date=decision_date,
                           effective_on=effective_on, title=title, issuer=nfc(str(issuer or "")).strip()[:200], spec=clean,
                           created_by=actor)
        audited_create(r, actor=actor, verb="reorganisation_schedule", reason=number)
        r.preview = _jsonable_preview(reorganisation_preview(province_code=province_code, kind=kind, spec=clean, effective_on=effective_on,
                                                             reorganisation_id=r.pk, decision_number=number))
        r.save(update_fields=["preview"])
    return r


def _jsonable_preview(p: dict[str, Any]) -> dict[str, Any]:
    from coso.core.audit import _jsonable

    return _jsonable(p)  # type: ignore[no-any-return]


def reorganisation_cancel(*, actor: Any, reorganisation_id: int, reason: str, version: int | None = None, today: Any = None) -> Any:
    from django.utils import timezone

    from coso.core.text import format_date
    from coso.units.models import Reorganisation

    today = today or timezone.localdate()
    reason = nfc(str(reason or "")).strip()
    with transaction.atomic():
        r = Reorganisation.objects.select_for_update().filter(pk=reorganisation_id).first()
        if r is None:
            raise NotFoundError()
        _reorg_actor(actor, r.province_code)
        if r.status not in (Reorganisation.Status.SCHEDULED, Reorganisation.Status.FAILED):
            raise errors.REORG_NOT_SCHEDULED()
        if version is not None and version != r.version:
            raise errors.REORG_VERSION()
        # A failed one moved nothing (its transaction rolled back): it may be cancelled at any time, then entered again.
        if r.status == Reorganisation.Status.SCHEDULED and today >= r.effective_on:
            raise errors.REORG_TOO_LATE(day=format_date(r.effective_on))
        if not reason:
            raise errors.REORG_CANCEL_REASON()
        return audited_update(r, actor=actor, changes={"status": Reorganisation.Status.CANCELLED, "cancelled_at": timezone.now(),
                                                       "cancel_reason": reason[:500], "version": r.version + 1},
                              verb="reorganisation_cancel", reason=reason)


def _new_commune(spec_target: dict[str, Any], *, province_code: str, effective_on: Any, actor: Any) -> AdministrativeUnit:
    province = AdministrativeUnit.objects.filter(code=province_code, level=AdministrativeUnit.Level.PROVINCE).first()
    unit = AdministrativeUnit(code=spec_target["code"], name=spec_target["name"], name_folded=fold(spec_target["name"]),
                              level=AdministrativeUnit.Level.COMMUNE, kind=spec_target["kind"], parent=province, province_code=province_code,
                              valid_from=effective_on, population=spec_target["population"], area_km2=Decimal(spec_target["area_km2"]),
                              agency_code=f"H{province_code}.{spec_target['code']}".upper())
    return audited_create(unit, actor=actor, verb="reorganisation_unit_create")


def _end_unit(unit: AdministrativeUnit, *, effective_on: Any, actor: Any, reason: str) -> None:
    audited_update(unit, actor=actor, changes={"valid_to": effective_on}, verb="reorganisation_unit_end", reason=reason)


def _move_villages(plan: Any, *, actor: Any) -> dict[str, int]:
    """The units app's own mover: villages change commune (a name already used in the target gets the old commune's name added)."""

    names = {c.code: c.name for c in AdministrativeUnit.all_objects.filter(code__in=[*plan.commune_map, *plan.commune_map.values(),
                                                                                    *plan.village_commune.values()], valid_to__isnull=True)}
    qs = Village.objects.filter(valid_to__isnull=True)
    # Rename clashes first, so the unique (commune, name) holds after the move.
    for src in plan.commune_map:
        for v in qs.filter(commune_code=src):
            target = plan.village_commune.get(v.pk, plan.commune_map[src])
            if target != src and Village.objects.filter(commune_code=target, name__iexact=v.name).exclude(pk=v.pk).exists():
                new_name = f"{v.name} ({names.get(src, src)})"[:200]
                audited_update(v, actor=actor, changes={"name": new_name, "name_folded": fold(new_name)}, verb="reorganisation_village_rename",
                               reason=plan.reference)
    units = {c.code: c.pk for c in AdministrativeUnit.objects.filter(code__in=set(plan.commune_map.values()) | set(plan.village_commune.values()))}
    return _move_villages_split(qs, plan, actor=actor, units=units)


def _move_villages_split(qs: Any, plan: Any, *, actor: Any, units: dict[str, int]) -> dict[str, int]:
    from collections import defaultdict

    from coso.units.reorg import _audit_move

    out: dict[str, int] = defaultdict(int)
    for src in plan.commune_map:
        by_target: dict[str, list[int]] = defaultdict(list)
        for pk in qs.filter(commune_code=src).values_list("pk", flat=True):
            target = plan.village_commune.get(pk, plan.commune_map[src])
            if target != src:
                by_target[target].append(pk)
        for target, ids in by_target.items():
            Village.objects.filter(pk__in=ids).update(commune_code=target, commune_id=units[target])
            _audit_move(actor=actor, plan=plan, object_type=Village._meta.label, ids=ids, before={"commune_code": src},
                        after={"commune_code": target}, commune_code=target)
            out[target] += len(ids)
    return dict(out)


def _count_villages(plan: Any) -> dict[str, int]:
    from collections import defaultdict

    out: dict[str, int] = defaultdict(int)
    if plan.village_map:
        for new in set(plan.village_map.values()):
            out[f"village:{new}"] += sum(1 for v in plan.village_map.values() if v == new)
        return dict(out)
    for src, default in plan.commune_map.items():
        for pk in Village.objects.filter(commune_code=src, valid_to__isnull=True).values_list("pk", flat=True):
            target = plan.village_commune.get(pk, default)
            if target != src:
                out[target] += 1
    return dict(out)


def register_units_movers() -> None:
    from django.utils.translation import gettext_lazy as _

    from coso.units.reorg import register_mover

    register_mover("units.villages", label=_("Thôn, tổ dân phố"), order=0, count=_count_villages,
                   move=lambda plan, *, actor: _move_villages(plan, actor=actor) if not plan.village_map else {})


def reorganisation_apply(*, reorganisation_id: int, actor: Any = None, today: Any = None) -> Any:
    """Apply a scheduled reorganisation on (or after) its effective date, in one transaction; every app moves its own records.

    Idempotent: an applied or cancelled reorganisation is left as it is. A failure rolls everything back and is recorded."""
    from django.utils import timezone

    from coso.core.text import format_date
    from coso.units.models import Reorganisation, UnitSuccession
    from coso.units.reorg import after_apply_hooks, movers
    from coso.units.reorg_spec import clean_spec, plan_for

    today = today or timezone.localdate()
    try:
        with transaction.atomic():
            r = Reorganisation.objects.select_for_update().filter(pk=reorganisation_id).first()
            if r is None:
                raise NotFoundError()
            if actor is not None:
                _reorg_actor(actor, r.province_code)
            else:
                actor = r.created_by  # applied by the job: the administrator who scheduled it answers for it
            if r.status != Reorganisation.Status.SCHEDULED:
                raise errors.REORG_NOT_SCHEDULED()
            if today < r.effective_on:
                raise errors.REORG_NOT_DUE(day=format_date(r.effective_on))
            spec = clean_spec(province_code=r.province_code, kind=r.kind, spec=r.spec)  # units may have changed since scheduling
            reason = f"{r.decision_number}: {r.title}"
            result: dict[str, Any] = {"movers": {}, "created": [], "ended": []}
            new_village_id = None
            if r.kind == Reorganisation.Kind.VILLAGE_MERGE:
                commune = AdministrativeUnit.objects.get(code=spec["commune"])
                sources = list(Village.objects.select_for_update().filter(pk__in=spec["sources"]))
                if spec["target_village"]:
                    target = Village.objects.select_for_update().get(pk=spec["target_village"])
                    audited_update(target, actor=actor, changes={
                        "households": target.households + sum(v.households for v in sources),
                        "population": target.population + sum(v.population for v in sources)}, verb="reorganisation_village_merge", reason=reason)
                else:
                    target = audited_create(Village(
                        commune=commune, province_code=commune.province_code, commune_code=commune.code, name=spec["new_name"],
                        name_folded=fold(spec["new_name"]), kind=spec["new_kind"], households=sum(v.households for v in sources),
                        population=sum(v.population for v in sources), is_border_or_island=any(v.is_border_or_island for v in sources),
                        is_security_hotspot=any(v.is_security_hotspot for v in sources), valid_from=r.effective_on), actor=actor,
                        verb="reorganisation_village_create", reason=reason)
                    result["created"].append(f"village:{target.pk}")
                new_village_id = target.pk
                plan = plan_for(r, new_village_id=new_village_id)
                for m in movers():
                    result["movers"][m.key] = m.move(plan, actor=actor)
                for v in sources:
                    audited_update(v, actor=actor, changes={"valid_to": r.effective_on}, verb="reorganisation_village_end", reason=reason)
                    result["ended"].append(f"village:{v.pk}")
            else:
                r.spec = spec
                if r.kind == Reorganisation.Kind.COMMUNE_SPLIT:
                    for t in spec["targets"]:
                        if not t["existing"]:
                            _new_commune(t, province_code=r.province_code, effective_on=r.effective_on, actor=actor)
                            result["created"].append(t["code"])
                plan = plan_for(r)
                for m in movers():
                    result["movers"][m.key] = m.move(plan, actor=actor)
                if r.kind == Reorganisation.Kind.COMMUNE_MERGE:
                    target_unit = AdministrativeUnit.objects.get(code=spec["target"])
                    if spec["new_name"] and spec["new_name"] != target_unit.name:
                        audited_update(target_unit, actor=actor, changes={"name": spec["new_name"], "name_folded": fold(spec["new_name"])},
                                       verb="reorganisation_unit_rename", reason=reason)
                    for code in spec["sources"]:
                        src = AdministrativeUnit.objects.get(code=code)
                        _end_unit(src, effective_on=r.effective_on, actor=actor, reason=reason)
                        result["ended"].append(code)
                        audited_create(UnitSuccession(predecessor=src, successor=target_unit, kind=UnitSuccession.Kind.MERGE,
                                                      effective_on=r.effective_on, legal_basis=reason[:200], decision_number=r.decision_number,
                                                      decision_date=r.decision_date, is_primary=True, source="reorganisation"), actor=actor)
                else:
                    src = AdministrativeUnit.objects.get(code=spec["source"])
                    codes = [t["code"] for t in spec["targets"]]
                    continues = spec["source"] in codes
                    if not continues:
                        _end_unit(src, effective_on=r.effective_on, actor=actor, reason=reason)
                        result["ended"].append(src.code)
                    for code in codes:
                        if code == spec["source"]:
                            continue
                        successor = AdministrativeUnit.objects.get(code=code)
                        audited_create(UnitSuccession(predecessor=src, successor=successor, kind=UnitSuccession.Kind.SPLIT,
                                                      effective_on=r.effective_on, legal_basis=reason[:200], decision_number=r.decision_number,
                                                      decision_date=r.decision_date, is_primary=(code == spec["primary"] and not continues),
                                                      source="reorganisation"), actor=actor)
            for hook in after_apply_hooks():
                hook(plan, actor=actor)
            audited_update(r, actor=actor, changes={"status": Reorganisation.Status.APPLIED, "applied_at": timezone.now(), "result": result,
                                                    "spec": spec, "version": r.version + 1, "error": ""},
                           verb="reorganisation_apply", reason=reason)
            return r
    except ApplicationError as exc:
        if exc.code in ("reorg-not-scheduled", "reorg-not-due", "reorg-forbidden", "not-found"):
            raise
        _reorg_failed(reorganisation_id, actor=actor, message=f"{exc.code}: {exc.message}")
        raise
    except Exception as exc:
        logger.exception("reorganisation %s failed", reorganisation_id)
        _reorg_failed(reorganisation_id, actor=actor, message=f"{type(exc).__name__}: {exc}")
        raise


def _reorg_failed(reorganisation_id: int, *, actor: Any, message: str) -> None:
    from coso.units.models import Reorganisation

    with transaction.atomic():
        r = Reorganisation.objects.select_for_update().get(pk=int(reorganisation_id))
        audited_update(r, actor=actor, changes={"status": Reorganisation.Status.FAILED, "error": message[:2000], "version": r.version + 1},
                       verb="reorganisation_failed", reason=message[:500])


def reorganisations_apply_due(*, today: Any) -> dict[str, int]:
    """The job: apply every scheduled reorganisation whose effective date has come (each in its own transaction)."""
    from coso.units.models import Reorganisation

    done = failed = 0
    for pk in Reorganisation.objects.filter(status=Reorganisation.Status.SCHEDULED, effective_on__lte=today).order_by("effective_on", "pk") \
            .values_list("pk", flat=True):
        try:
            reorganisation_apply(reorganisation_id=pk, today=today)
            done += 1
        except Exception:  # recorded on the reorganisation (status failed, error); the others still run
            failed += 1
    return {"applied": done, "failed": failed}

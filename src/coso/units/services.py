"""Writes for administrative units and villages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import vietnam_provinces as vp
from django.db import transaction

from coso.core.audit import audited_create, audited_update
from coso.core.text import fold, nfc
from coso.units.models import TWO_LEVEL_START, AdministrativeUnit, Village

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


def units_import_official(*, progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Create or update the 34 provinces and 3,321 communes from `vietnam-provinces`.

    Idempotent: running it again changes nothing unless the package data changed.
    Attributes edited locally (classification, population, flags) are never overwritten.
    """
    provinces = sorted(vp.Province.iter_all(), key=lambda p: int(p.code))
    wards = sorted(vp.Ward.iter_all(), key=lambda w: int(w.code))
    existing = {u.code: u for u in AdministrativeUnit.objects.filter(level__in=["province", "commune"])}
    created = updated = 0
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
                for k, v in values.items():
                    setattr(obj, k, v)
                obj.save()
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
                for k, v in values.items():
                    setattr(obj, k, v)
                obj.parent = province_objs[pcode]
                obj.save()
                updated += 1
            if progress and i % 200 == 0:
                progress(len(provinces) + i, total)
        AdministrativeUnit.objects.bulk_create(to_create, batch_size=1000)
    if progress:
        progress(total, total)
    return {"created": created, "updated": updated, "provinces": len(provinces), "communes": len(wards)}


def village_create(*, actor: Any, commune: AdministrativeUnit, **fields: Any) -> Village:
    fields["name"] = nfc(fields.get("name", ""))
    village = Village(commune=commune, province_code=commune.province_code, commune_code=commune.code, name_folded=fold(fields["name"]), **fields)
    with transaction.atomic():
        return audited_create(village, actor=actor)


def village_update(*, actor: Any, village: Village, **changes: Any) -> Village:
    if "name" in changes:
        changes["name"] = nfc(changes["name"])
        changes["name_folded"] = fold(changes["name"])
    with transaction.atomic():
        return audited_update(village, actor=actor, changes=changes)


def commune_update_attributes(*, actor: Any, commune: AdministrativeUnit, **changes: Any) -> AdministrativeUnit:
    allowed = {"classification", "population", "area_km2", "is_border_or_island", "is_difficult_area", "is_security_hotspot", "agency_code"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        return audited_update(commune, actor=actor, changes=changes)

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from coso.units.selectors import unit_list, village_list

router = Router(tags=["units"])


class UnitOut(Schema):
    code: str
    name: str
    level: str
    kind: str
    province_code: str
    classification: str


class VillageOut(Schema):
    id: int
    name: str
    kind: str
    commune_code: str
    households: int
    population: int
    is_border_or_island: bool
    is_security_hotspot: bool


@router.get("/provinces", response=list[UnitOut], auth=None, summary="All 34 provinces (public reference data)")
@paginate
def list_provinces(request: HttpRequest):  # type: ignore[no-untyped-def]
    return unit_list(fetched_by=None, level="province")


@router.get("/communes", response=list[UnitOut], auth=None, summary="Communes, optionally of one province (public reference data)")
@paginate
def list_communes(request: HttpRequest, province_code: str = "", q: str = ""):  # type: ignore[no-untyped-def]
    return unit_list(fetched_by=None, level="commune", province_code=province_code, query=q)


@router.get("/villages", response=list[VillageOut], summary="Villages and residential groups in the caller's scope")
@paginate
def list_villages(request: HttpRequest, commune_code: str = ""):  # type: ignore[no-untyped-def]
    return village_list(fetched_by=request.user, commune_code=commune_code)

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest

from ninja import File, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from coso.core.api_body import body_in_scope, json_body_doc
from coso.units import errors, lineage, services
from coso.units.models import AdministrativeUnit, Village
from coso.units.selectors import commune_get, unit_list, village_get, village_list

router = Router(tags=["units"])

VillageKind = Literal["thon", "ap", "ban", "to_dan_pho", "khu_pho"]
Classification = Literal["", "special", "I", "II", "III"]


class ErrorOut(Schema):
    code: str
    message: str
    details: dict


class UnitOut(Schema):
    code: str
    name: str
    level: str
    kind: str
    province_code: str
    classification: str


class CommuneOut(UnitOut):
    population: int | None
    area_km2: Decimal | None
    is_border_or_island: bool
    is_difficult_area: bool
    is_security_hotspot: bool
    agency_code: str


class CommunePatch(Schema):
    classification: Classification | None = None
    population: int | None = Field(None, ge=0, le=2_000_000_000)
    area_km2: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    is_border_or_island: bool | None = None
    is_difficult_area: bool | None = None
    is_security_hotspot: bool | None = None
    agency_code: str | None = Field(None, max_length=40)


class VillageOut(Schema):
    id: int
    name: str
    kind: str
    commune_code: str
    province_code: str
    households: int
    population: int
    is_border_or_island: bool
    is_security_hotspot: bool
    converted_from_thon: bool


class VillageIn(Schema):
    commune_code: str = Field(..., max_length=8)
    name: str = Field(..., min_length=1, max_length=200)
    kind: VillageKind
    households: int = Field(0, ge=0, le=2_000_000_000)
    population: int = Field(0, ge=0, le=2_000_000_000)
    is_border_or_island: bool = False
    is_security_hotspot: bool = False
    converted_from_thon: bool = False


class VillagePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: VillageKind | None = None
    households: int | None = Field(None, ge=0, le=2_000_000_000)
    population: int | None = Field(None, ge=0, le=2_000_000_000)
    is_border_or_island: bool | None = None
    is_security_hotspot: bool | None = None
    converted_from_thon: bool | None = None


class VillageImportOut(Schema):
    created: int
    communes: list[str]


class UnitRefOut(Schema):
    code: str
    name: str


class CandidateOut(Schema):
    code: str
    name: str
    province_code: str
    province_name: str
    is_primary: bool
    succession: str
    old_name: str


class ConversionOut(Schema):
    query: str
    found: bool
    street: str
    old_province: UnitRefOut | None
    old_district: UnitRefOut | None
    old_commune: UnitRefOut | None
    old_communes: list[UnitRefOut]
    new_province: UnitRefOut | None
    candidates: list[CandidateOut]
    divided: bool
    ambiguous: bool
    legal_basis: str
    matched_by: str
    message: str


class HistoryEntryOut(Schema):
    code: str
    name: str
    level: str
    kind: str
    district_code: str
    district_name: str
    province_code: str
    province_name: str
    succession: str
    is_primary: bool
    divided_between: list[UnitRefOut]
    effective_on: str
    legal_basis: str
    decision_number: str


class HistoryOut(Schema):
    code: str
    name: str
    level: str
    predecessors: list[HistoryEntryOut]


class SuccessorOut(Schema):
    code: str
    name: str
    province_code: str
    is_primary: bool
    succession: str
    effective_on: str
    legal_basis: str
    decision_number: str


class LegacyUnitOut(Schema):
    code: str
    name: str
    level: str
    kind: str
    province_code: str
    district: UnitRefOut | None
    valid_to: str | None
    successors: list[SuccessorOut]


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.get("/provinces", response=list[UnitOut], auth=None, summary="All 34 provinces (public reference data)")
@paginate
def list_provinces(request: HttpRequest):  # type: ignore[no-untyped-def]
    return unit_list(fetched_by=None, level="province")


@router.get("/communes", response=list[UnitOut], auth=None, summary="Communes, optionally of one province (public reference data)")
@paginate
def list_communes(request: HttpRequest, province_code: str = "", q: str = ""):  # type: ignore[no-untyped-def]
    return unit_list(fetched_by=None, level="commune", province_code=province_code, query=q)


@router.get("/communes/{code}", response={200: CommuneOut, **ERRORS}, summary="One commune with its attributes (staff, scoped)")
def get_commune(request: HttpRequest, code: str) -> AdministrativeUnit:
    return commune_get(fetched_by=request.user, code=code)


# An endpoint acting on one object reads its body once the object is the caller's (coso.core.api_body): another unit's
# commune, village or reorganisation answers 404 whatever the body, as one that does not exist, not 422 for a bad body.
@router.patch("/communes/{code}", response={200: CommuneOut, **ERRORS}, summary="Edit a commune's attributes (province / system admins)",
              openapi_extra=json_body_doc(CommunePatch))
def update_commune(request: HttpRequest, code: str) -> AdministrativeUnit:
    payload = body_in_scope(request, CommunePatch, lambda: commune_get(fetched_by=request.user, code=code))
    commune = commune_get(fetched_by=request.user, code=code)
    # null clears the population, the area and the agency code; the classification and the flags cannot be empty: null
    # leaves them as they are, as for villages (a null classification reached the database and answered 500).
    clearable = {"population", "area_km2", "agency_code"}
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None or k in clearable}
    return services.commune_update_attributes(actor=request.user, commune=commune, **changes)


@router.get("/villages", response=list[VillageOut], summary="Villages and residential groups in the caller's scope")
@paginate
def list_villages(request: HttpRequest, commune_code: str = "", kind: str = "", q: str = ""):  # type: ignore[no-untyped-def]
    return village_list(fetched_by=request.user, commune_code=commune_code, kind=kind, query=q)


@router.post("/villages", response={201: VillageOut, **ERRORS}, summary="Create a village or residential group")
def create_village(request: HttpRequest, payload: VillageIn):  # type: ignore[no-untyped-def]
    data = payload.dict()
    commune = commune_get(fetched_by=request.user, code=data.pop("commune_code"))
    return Status(201, services.village_create(actor=request.user, commune=commune, **data))


@router.get("/villages/{int:village_id}", response={200: VillageOut, **ERRORS}, summary="One village (scoped)")
def get_village(request: HttpRequest, village_id: int) -> Village:
    return village_get(fetched_by=request.user, pk=village_id)


@router.patch("/villages/{int:village_id}", response={200: VillageOut, **ERRORS}, summary="Edit a village", openapi_extra=json_body_doc(VillagePatch))
def update_village(request: HttpRequest, village_id: int) -> Village:
    payload = body_in_scope(request, VillagePatch, lambda: village_get(fetched_by=request.user, pk=village_id))
    village = village_get(fetched_by=request.user, pk=village_id)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return services.village_update(actor=request.user, village=village, **changes)


@router.delete("/villages/{int:village_id}", response={204: None, **ERRORS}, summary="Delete a village (if nothing refers to it)")
def delete_village(request: HttpRequest, village_id: int):  # type: ignore[no-untyped-def]
    village = village_get(fetched_by=request.user, pk=village_id)
    services.village_delete(actor=request.user, village=village)
    return Status(204, None)


@router.post("/villages/import", response={201: VillageImportOut, **ERRORS}, summary="Import villages from an .xlsx (all rows or none)")
def import_villages(request: HttpRequest, file: UploadedFile = File(...)):  # type: ignore[no-untyped-def]  # noqa: B008
    if file.size and file.size > 5 * 1024 * 1024:
        raise errors.FILE_TOO_LARGE(size=5)
    return Status(201, services.villages_import(actor=request.user, data=file.read()))


# --- 2025 lineage (public reference data) ---------------------------------------------------------

@router.get("/convert", response={200: ConversionOut, **ERRORS}, auth=None,
            summary="Old address (units before 1/7/2025) → current commune(s); all candidates when the old commune was divided")
def convert_address(request: HttpRequest, address: str = ""):  # type: ignore[no-untyped-def]
    if len(address) > 300:
        raise errors.ADDRESS_TOO_LONG()
    return lineage.convert_old_address(address).as_dict()


def _history_out(unit: AdministrativeUnit) -> dict:
    entries = []
    for h in lineage.unit_history(unit):
        data = h.as_dict()
        data["effective_on"] = h.effective_on.isoformat()
        entries.append(data)
    return {"code": unit.code, "name": unit.name, "level": unit.level, "predecessors": entries}


@router.get("/communes/{code}/history", response={200: HistoryOut, **ERRORS}, auth=None,
            summary="Which old units a current commune came from (with their districts and provinces)")
def commune_history(request: HttpRequest, code: str):  # type: ignore[no-untyped-def]
    from django.http import Http404

    unit = AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.COMMUNE, code=code).first()
    if unit is None:
        raise Http404
    return _history_out(unit)


@router.get("/provinces/{code}/history", response={200: HistoryOut, **ERRORS}, auth=None,
            summary="Which old provinces a current province came from")
def province_history(request: HttpRequest, code: str):  # type: ignore[no-untyped-def]
    from django.http import Http404

    unit = AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.PROVINCE, code=code).first()
    if unit is None:
        raise Http404
    return _history_out(unit)


@router.get("/legacy/{level}/{code}", response={200: LegacyUnitOut, **ERRORS}, auth=None,
            summary="A unit in force before 1/7/2025 (province, district or commune) and what it became")
def legacy_unit(request: HttpRequest, level: Literal["province", "district", "commune"], code: str):  # type: ignore[no-untyped-def]
    from django.http import Http404

    unit = AdministrativeUnit.all_objects.filter(level=level, code=code, valid_to__isnull=False).select_related("parent").order_by("-valid_to").first()
    if unit is None:
        raise Http404
    successors = [
        {"code": s.successor.code, "name": s.successor.name, "province_code": s.successor.province_code, "is_primary": s.is_primary,
         "succession": s.kind, "effective_on": s.effective_on.isoformat(), "legal_basis": s.legal_basis, "decision_number": s.decision_number}
        for s in lineage.ended_unit_successors(unit)
    ]
    district = unit.parent if level == "commune" and unit.parent is not None else None
    return {
        "code": unit.code, "name": unit.name, "level": unit.level, "kind": unit.kind, "province_code": unit.province_code,
        "district": {"code": district.code, "name": district.name} if district else None,
        "valid_to": unit.valid_to.isoformat() if unit.valid_to else None, "successors": successors,
    }


# ---------------------------------------------------------------- reorganisations (province administrators)
ReorgKind = Literal["village_merge", "commune_merge", "commune_split"]


class ReorganisationIn(Schema):
    kind: ReorgKind
    decision_number: str = Field(max_length=60)
    decision_date: dt.date
    effective_on: dt.date
    title: str = Field(max_length=300)
    issuer: str = Field("", max_length=200)
    province_code: str = Field("", max_length=8, description="System administrators only; others act in their own province.")
    spec: dict = Field(description="What the decision changes; shapes in coso.units.reorg_spec.")


class ReorganisationListOut(Schema):
    """A reorganisation in the list: without its preview, which for one still scheduled is computed again from its decision
    and today's data (every app's movers counting), so once per reorganisation; ``GET /reorganisations/{id}`` gives it."""

    id: int
    province_code: str
    kind: str
    decision_number: str
    decision_date: dt.date
    effective_on: dt.date
    title: str
    status: str
    spec: dict
    result: dict
    error: str
    version: int


class ReorganisationOut(ReorganisationListOut):
    preview: dict = Field(description="What it will move: for one still scheduled, computed from its decision and today's data; "
                                      "otherwise as announced when it was scheduled.")

    @staticmethod
    def resolve_preview(obj: Any) -> dict:
        from coso.units.selectors import reorganisation_plan_now

        return reorganisation_plan_now(obj)


class CancelIn(Schema):
    reason: str = Field(max_length=500)
    version: int | None = None


def _reorg_args(request: HttpRequest, payload: ReorganisationIn) -> dict:
    data = payload.dict()
    province_code = request.user.province_code or data.pop("province_code")  # type: ignore[union-attr]
    data.pop("province_code", None)
    return {"actor": request.user, "province_code": province_code, **data}


@router.post("/reorganisations/preview", response={200: dict, **ERRORS}, summary="Preview what a reorganisation would move (records nothing)")
def preview_reorganisation(request: HttpRequest, payload: ReorganisationIn) -> dict:
    return services.reorganisation_schedule(**_reorg_args(request, payload), dry_run=True)  # type: ignore[no-any-return]


@router.post("/reorganisations", response={201: ReorganisationOut, **ERRORS}, summary="Schedule a reorganisation (applied on its effective date)")
def schedule_reorganisation(request: HttpRequest, payload: ReorganisationIn):  # type: ignore[no-untyped-def]
    return Status(201, services.reorganisation_schedule(**_reorg_args(request, payload)))


@router.get("/reorganisations", response=list[ReorganisationListOut],
            summary="Reorganisations of the caller's province (each one's preview: GET /reorganisations/{id})")
@paginate
def list_reorganisations(request: HttpRequest, status: str = ""):  # type: ignore[no-untyped-def]
    from coso.units.selectors import reorganisation_list

    return reorganisation_list(fetched_by=request.user, status=status)


@router.get("/reorganisations/{int:pk}", response={200: ReorganisationOut, **ERRORS}, summary="One reorganisation")
def get_reorganisation(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    from coso.units.selectors import reorganisation_get

    return reorganisation_get(fetched_by=request.user, pk=pk)


@router.post("/reorganisations/{int:pk}/cancel", response={200: ReorganisationOut, **ERRORS}, summary="Cancel before the effective date",
             openapi_extra=json_body_doc(CancelIn))
def cancel_reorganisation(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    from coso.units.selectors import reorganisation_get

    payload = body_in_scope(request, CancelIn, lambda: reorganisation_get(fetched_by=request.user, pk=pk))
    r = reorganisation_get(fetched_by=request.user, pk=pk)
    return services.reorganisation_cancel(actor=request.user, reorganisation_id=r.pk, reason=payload.reason, version=payload.version)

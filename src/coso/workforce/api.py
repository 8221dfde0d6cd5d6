"""JSON API of the workforce app (mounted at /api/v1/workforce/). Errors: {code, message, details}."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse

from ninja import File, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from coso.core.api_body import body_in_scope, json_body_doc, query_doc, query_in_scope
from coso.core.masking import log_personal_list_read, log_personal_read, mask_citizen_id
from coso.core.params import Month, Quarter, SmallCount, Year, year_query, years_query
from coso.core.scoping import can_see_unit, require_roles
from coso.core.types import AuthedHttpRequest
from coso.workforce import errors, selectors, services
from coso.workforce.models import Person
from coso.workforce.policy import positions_for

router = Router(tags=["workforce"])


class PersonOut(Schema):
    id: int
    full_name: str
    birth_date: dt.date
    gender: str
    ethnicity: str
    citizen_id: str
    party_member: bool
    kind: str
    position_code: str
    position_name: str
    office_code: str
    commune_code: str
    retirement_date: dt.date


def _person_out(p, user) -> dict:  # type: ignore[no-untyped-def]
    """One person; ``user=None`` masks the CCCD for everyone (lists show it masked, whoever reads: Decree 13/2023)."""
    return {"id": p.pk, "full_name": p.full_name, "birth_date": p.birth_date, "gender": p.gender, "ethnicity": p.ethnicity,
            "citizen_id": mask_citizen_id(p.citizen_id, user), "party_member": p.party_member, "kind": p.kind, "position_code": p.position_code,
            "position_name": p.position_name, "office_code": p.office_code, "commune_code": p.commune_code, "retirement_date": p.retirement_date}


class GapOut(Schema):
    standard: str
    required: str
    actual: str
    text: str


class PersonDetailOut(PersonOut):
    general_education: str
    degree_level: str
    degree_field: str
    political_theory: str
    state_management: str
    it: str
    foreign_language: str
    gaps: list[GapOut]
    rule_set: str
    regime: str  # "nd33" (Decree 33/2023 titles) or "job_position" (from 1/7/2025 for civil servants); "" when none applies
    in_office: bool  # False: not in office on the date, not yet started or already left (no review, as in the commune's review)
    placed: bool  # False: a civil servant not yet placed in a job position (checked against the common standard only)
    left_on: dt.date | None  # the first day no longer in office in the commune
    left_to: str  # the unit the person was transferred to, out of the communes ("" when not said)


class PersonIn(Schema):
    full_name: str
    birth_date: dt.date
    gender: str
    ethnicity: str = "Kinh"
    citizen_id: str = ""
    party_member: bool = False
    kind: str
    position_code: str
    commune_code: str = ""
    started_on: dt.date | None = None
    general_education: str = "thpt"
    degree_level: str = "none"
    degree_field: str = ""
    political_theory: str = "none"
    state_management: str = "none"
    it: str = "none"
    foreign_language: str = "none"
    transition_end_date: dt.date | None = None


def _require_register(request: HttpRequest) -> None:
    if not selectors.can_use_register(request.user):
        raise Http404


@router.get("/people", response=list[PersonOut])
@paginate
def people(request: HttpRequest, q: str = "", commune: str = "", kind: str = "", position: str = "", gender: str = "", retiring_within: int | None = years_query(None)):
    _require_register(request)
    filters = {"q": q, "commune": commune, "kind": kind, "position": position, "gender": gender,
               "retiring_within": retiring_within if retiring_within in (1, 3, 5) else None}
    people = list(selectors.person_list(fetched_by=request.user, **filters)[:10_000])  # type: ignore[arg-type]
    if q and selectors.is_citizen_id_search(q):
        # only who sees citizen ids in full gets here (person_list refuses the others): the list confirms whose number it is
        log_personal_list_read(user=request.user, model=Person, what="Tra cứu sổ cán bộ theo số CCCD", count=len(people), filters=filters,
                               ids=[p.pk for p in people], reason="API")
    return [_person_out(p, None) for p in people]


class PersonQuery(Schema):
    on: dt.date | None = None


# ``?on=`` is read once the person is the caller's (coso.core.api_body): another commune's person answers 404 whatever
# the date, as one that does not exist, not 422 for a bad date.
@router.get("/people/{pk}", response=PersonDetailOut, openapi_extra=query_doc(PersonQuery))
def person(request: HttpRequest, pk: int):
    p = selectors.person_get(fetched_by=request.user, pk=pk)
    on = query_in_scope(request, PersonQuery, lambda: p).on
    review = selectors.person_review(p, on=on)  # a date out of range is refused before the read is logged
    log_personal_read(user=request.user, obj=p, reason="API")
    return {**_person_out(p, request.user), **{k: getattr(p, k) for k in selectors.QUAL_FIELDS}, "gaps": review["gaps"], "rule_set": review["rule_set"],
            "regime": review["regime"], "placed": review["placed"], "in_office": review["in_office"], "left_on": p.left_on, "left_to": p.left_to}


@router.post("/people", response={201: PersonOut})
def person_create(request: AuthedHttpRequest, payload: PersonIn):
    from coso.units.selectors import commune_in_force

    # Who may write, and where, before what is written: the position is checked against the catalogue of the commune named,
    # which for another province would tell whether that province defined the position.
    require_roles(request.user, *services.REGISTER_EDIT_ROLES)
    data = payload.dict()
    code = data.pop("commune_code") or request.user.commune_code
    unit = commune_in_force(code)
    if unit is None:
        raise errors.UNKNOWN_COMMUNE(field="commune_code")
    if not can_see_unit(request.user, province_code=unit["province_code"], commune_code=unit["code"]):
        raise errors.OUT_OF_SCOPE()
    if data["position_code"] not in positions_for(unit["province_code"], unit["code"]):
        raise errors.UNKNOWN_POSITION(field="position_code")
    p = services.person_create(actor=request.user, province_code=unit["province_code"], commune_code=unit["code"], **data)
    return Status(201, _person_out(p, request.user))


@router.get("/import/template")
def import_template(request: HttpRequest):
    _require_register(request)
    resp = HttpResponse(services.template_bytes(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = 'attachment; filename="mau-nhap-can-bo.xlsx"'
    return resp


class PeopleImportOut(Schema):
    imported: int


@router.post("/import", response={201: PeopleImportOut})
def import_people(request: HttpRequest, file: UploadedFile = File(...)):  # noqa: B008
    if file.size and file.size > 10 * 1024 * 1024:
        raise errors.FILE_TOO_LARGE()
    return Status(201, {"imported": services.import_people(actor=request.user, data=file.read())})


@router.get("/review")
def review(request: HttpRequest, on: dt.date | None = None, commune: str = "", standard: str = ""):
    _require_register(request)
    result = selectors.review(fetched_by=request.user, on=on, commune=commune, standard=standard)
    result["on"] = result["on"].isoformat()
    return result


class EvaluationOut(Schema):
    id: int
    person_id: int
    person_name: str
    year: int
    regime: str
    status: str
    general_score: Decimal | None
    task_score: Decimal | None
    total_score: Decimal | None
    level: str
    auto_reasons: list[str]
    version: int


def _ev_out(e) -> dict:  # type: ignore[no-untyped-def]
    return {"id": e.pk, "person_id": e.person_id, "person_name": e.person.full_name, "year": e.year, "regime": e.regime, "status": e.status,
            "general_score": e.general_score, "task_score": e.task_score, "total_score": e.total_score, "level": e.level,
            "auto_reasons": e.auto_reasons or [], "version": e.version}


@router.get("/evaluations", response=list[EvaluationOut])
@paginate
def evaluations(request: HttpRequest, year: int = year_query(), commune: str = "", status: str = ""):
    return [_ev_out(e) for e in selectors.evaluation_list(fetched_by=request.user, year=year, commune=commune, status=status)]


class WorkItemOut(Schema):
    id: int
    month: int | None
    quarter: int | None
    title: str
    points: Decimal
    completed: bool
    failed_reviews: int
    delays: int
    excused: bool
    source: str
    source_ref: str
    assigned_by: str
    due_on: dt.date | None
    completed_on: dt.date | None


class EvaluationDetailOut(EvaluationOut):
    work_items: list[WorkItemOut]


@router.get("/evaluations/{int:pk}", response=EvaluationDetailOut,
            summary="One evaluation with its work log (the items of the year it scores, manual and imported)")
def evaluation_detail(request: HttpRequest, pk: int):
    ev = selectors.evaluation_get(fetched_by=request.user, pk=pk)
    return {**_ev_out(ev), "work_items": list(selectors.evaluation_work_items(ev))}


class OpenIn(Schema):
    person_id: int
    year: Year


@router.post("/evaluations", response={201: EvaluationOut})
def evaluation_open(request: HttpRequest, payload: OpenIn):
    p = selectors.person_get(fetched_by=request.user, pk=payload.person_id)
    return Status(201, _ev_out(services.evaluation_open(actor=request.user, person=p, year=payload.year)))


class ItemIn(Schema):
    title: str
    points: Decimal = Decimal(1)
    month: Month | None = None
    quarter: Quarter | None = None
    completed: bool = True
    failed_reviews: SmallCount = 0
    delays: SmallCount = 0
    excused: bool = False


# An endpoint acting on one object reads its body once the object is the caller's (coso.core.api_body): another unit's
# evaluation or person answers 404 whatever the body, as one that does not exist, not 422 for a bad body.
@router.post("/evaluations/{pk}/items", response={201: EvaluationOut}, openapi_extra=json_body_doc(ItemIn))
def add_item(request: HttpRequest, pk: int):
    payload = body_in_scope(request, ItemIn, lambda: selectors.evaluation_get(fetched_by=request.user, pk=pk))
    ev = selectors.evaluation_get(fetched_by=request.user, pk=pk)
    if (payload.month is not None and not 1 <= payload.month <= 12) or (payload.quarter is not None and not 1 <= payload.quarter <= 4):
        raise errors.INVALID_PERIOD()
    if payload.points <= 0 or payload.failed_reviews < 0 or payload.delays < 0:
        raise errors.INVALID_ITEM()
    services.work_item_add(actor=request.user, evaluation=ev, **payload.dict())
    ev.refresh_from_db()
    return Status(201, _ev_out(ev))


class AssessIn(Schema):
    version: int
    comment: str = ""
    level: str = ""
    general_score: Decimal | None = None
    degradation: bool = False
    leader_corruption: bool = False


@router.post("/evaluations/{pk}/self", response=EvaluationOut, openapi_extra=json_body_doc(AssessIn))
def self_assess(request: HttpRequest, pk: int):
    payload = body_in_scope(request, AssessIn, lambda: selectors.evaluation_get(fetched_by=request.user, pk=pk))
    ev = selectors.evaluation_get(fetched_by=request.user, pk=pk)
    d = payload.dict()
    d.pop("degradation"), d.pop("leader_corruption")
    return _ev_out(services.self_assess(actor=request.user, evaluation=ev, **d))


@router.post("/evaluations/{pk}/leader", response=EvaluationOut, openapi_extra=json_body_doc(AssessIn))
def leader_assess(request: HttpRequest, pk: int):
    payload = body_in_scope(request, AssessIn, lambda: selectors.evaluation_get(fetched_by=request.user, pk=pk))
    ev = selectors.evaluation_get(fetched_by=request.user, pk=pk)
    return _ev_out(services.leader_assess(actor=request.user, evaluation=ev, **payload.dict()))


class ApproveIn(Schema):
    ids: list[int]


@router.post("/evaluations/approve", response=list[EvaluationOut])
def approve(request: HttpRequest, payload: ApproveIn):
    evs = [selectors.evaluation_get(fetched_by=request.user, pk=i) for i in payload.ids]
    return [_ev_out(e) for e in services.approve(actor=request.user, evaluations=evs)]


@router.post("/evaluations/{pk}/import-dossiers", response=EvaluationOut)
def import_dossiers(request: HttpRequest, pk: int):
    ev = selectors.evaluation_get(fetched_by=request.user, pk=pk)
    services.import_dossier_items(actor=request.user, evaluation=ev)
    ev.refresh_from_db()
    return _ev_out(ev)


class TaskImportOut(EvaluationOut):
    imported: int  # task work items in the log after the import


@router.post("/evaluations/{pk}/import-tasks", response=TaskImportOut)
def import_tasks(request: HttpRequest, pk: int):
    """The tasks the person completed in the evaluation's year as officer in charge, into the work log (again: no doubles)."""
    ev = selectors.evaluation_get(fetched_by=request.user, pk=pk)
    n = services.import_task_items(actor=request.user, evaluation=ev)
    ev.refresh_from_db()
    return {**_ev_out(ev), "imported": n}


class PersonPatch(Schema):
    version: int
    full_name: str | None = None
    birth_date: dt.date | None = None
    gender: str | None = None
    ethnicity: str | None = None
    citizen_id: str | None = None
    party_member: bool | None = None
    party_joined_on: dt.date | None = None
    started_on: dt.date | None = None
    general_education: str | None = None
    degree_level: str | None = None
    degree_field: str | None = None
    political_theory: str | None = None
    state_management: str | None = None
    it: str | None = None
    foreign_language: str | None = None
    transition_end_date: dt.date | None = None


PERSON_CLEARABLE = {"party_joined_on", "started_on", "transition_end_date"}


def _body_keys(request: HttpRequest) -> set[str]:
    """The keys of a JSON object body (the schema drops those it does not declare)."""
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return set()
    return set(body) if isinstance(body, dict) else set()


@router.patch("/people/{pk}", response=PersonOut, openapi_extra=json_body_doc(PersonPatch))
def person_update(request: AuthedHttpRequest, pk: int):
    payload = body_in_scope(request, PersonPatch, lambda: selectors.person_get(fetched_by=request.user, pk=pk))
    p = selectors.person_get(fetched_by=request.user, pk=pk)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    # null clears the dates a person may not have; any other field cannot be empty, and null leaves it as it is (as the
    # other PATCH endpoints do): a null birth date, CCCD or degree field reached the database and answered 500.
    changes = {k: v for k, v in changes.items() if v is not None or k in PERSON_CLEARABLE}
    # A field the schema does not declare (position_code, commune_code…) is not ignored: the service refuses it (not-editable).
    changes.update(dict.fromkeys(_body_keys(request) - set(PersonPatch.model_fields)))
    p = services.person_update(actor=request.user, person=p, version=version, **changes)
    return _person_out(p, request.user)


class PositionIn(Schema):
    version: int
    position_code: str
    started_on: dt.date
    ended_on: dt.date | None = None
    decision: str = ""
    unit_name: str = ""


@router.post("/people/{pk}/positions", response={201: dict}, openapi_extra=json_body_doc(PositionIn))
def position_add(request: AuthedHttpRequest, pk: int):
    payload = body_in_scope(request, PositionIn, lambda: selectors.person_get(fetched_by=request.user, pk=pk))
    p = selectors.person_get(fetched_by=request.user, pk=pk)
    h = services.position_add(actor=request.user, person=p, **payload.dict())
    return Status(201, {"id": h.pk, "position_code": h.position_code, "started_on": h.started_on, "ended_on": h.ended_on})

"""Reads of the procedure catalogue. The catalogue is public: anyone may read it."""

from __future__ import annotations

import bisect
import datetime as dt
from typing import Any

from django.db.models import BooleanField, Exists, F, Func, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Length
from django.http import Http404
from django.utils import timezone

from coso.accounts.roles import Role
from coso.core.search import search_filter

from .models import Procedure, ProcedureStep, ProcedureVersion
from .services import SEARCH_KIND


def _live(day: dt.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gt=day))


def _not_ended(day: dt.date) -> Q:
    """Procedures with no end decided, or one from a day after ``day`` (``Procedure.ends_on``, exclusive)."""
    return Q(is_active=True) | Q(ends_on__gt=day)


def offered(*, on: dt.date | None = None, province_code: str = "") -> QuerySet[Procedure]:
    """The procedures that can be used on ``on`` (today by default) in ``province_code`` (``""``: the national rules): not
    ended that day (an end decided from a later day leaves it offered until the day before) and with a version in force
    that day, the province's own or the national one (one applied again from a later day is not offered before it).
    The one answer to "is it offered": the public catalogue, the counter's intake list and every submission read it."""
    day = on or timezone.localdate()
    live = ProcedureVersion.objects.filter(_live(day), procedure=OuterRef("pk"), province_code__in={"", province_code})
    return Procedure.objects.filter(_not_ended(day)).filter(Exists(live))


def is_offered(procedure: Procedure, *, on: dt.date | None = None, province_code: str = "") -> bool:
    """Whether ``procedure`` can be used on ``on`` in ``province_code`` (see :func:`offered`)."""
    return offered(on=on, province_code=province_code).filter(pk=procedure.pk).exists()


def offered_procedure(code: str, *, on: dt.date | None = None, province_code: str = "") -> Procedure | None:
    """The procedure ``code`` if it can be used on ``on`` in ``province_code`` (see :func:`offered`), else None."""
    return offered(on=on, province_code=province_code).filter(code=code).first()


def offered_version(procedure: Procedure, *, on: dt.date, province_code: str = "") -> ProcedureVersion | None:
    """The version a dossier received on ``on`` in ``province_code`` is filed under; None when the procedure is not offered
    that day (ended by then, or applied again only from a later day: no version in force)."""
    if not (procedure.is_active or (procedure.ends_on is not None and on < procedure.ends_on)):
        return None
    return procedure.version_on(on, province_code)


STEP_COLUMNS = ("order", "name", "role", "share_percent")


def offered_version_of(code: str, *, on: dt.date, province_code: str = "") -> ProcedureVersion | None:
    """:func:`offered_procedure` and :func:`offered_version` in one query: the version (its ``procedure`` loaded with it) a
    dossier of the procedure ``code`` received on ``on`` in ``province_code`` is filed under, or None when no procedure has
    that code or it is not offered that day (ended by then, or no version in force: see :func:`offered`).

    The version's steps come in the same query (a LEFT JOIN: a version without steps has none), as its ``ordered_steps``:
    (order, name, role, share_percent) in their order, what ``version.steps.order_by("order").values_list(*STEP_COLUMNS)``
    reads."""
    rows = (ProcedureVersion.objects.select_related("procedure").filter(_live(on), procedure__code=code, province_code__in={"", province_code})
            .annotate(**{f"step_{c}": F(f"steps__{c}") for c in STEP_COLUMNS}).order_by())
    versions: dict[Any, ProcedureVersion] = {}
    procedure: Procedure | None = None
    for row in rows:
        version = versions.get(row.pk)
        if version is None:
            version = versions[row.pk] = row
            procedure = version.procedure = procedure or row.procedure
            version.ordered_steps = []
        step = tuple(getattr(row, f"step_{c}") for c in STEP_COLUMNS)
        if step[0] is not None:
            version.ordered_steps.append(step)
    if procedure is None:
        return None
    if not (procedure.is_active or (procedure.ends_on is not None and on < procedure.ends_on)):
        return None
    from coso.rules.lookup import select_in_force

    chosen: ProcedureVersion | None = select_in_force(versions.values(), on, province_code)
    if chosen is not None:
        chosen.ordered_steps.sort(key=lambda s: s[0])
    return chosen


def province_for(user: Any) -> str:
    """The province whose own versions a reader sees (her own; anonymous readers see the national rules)."""
    if user is not None and getattr(user, "is_authenticated", False):
        return getattr(user, "province_code", "") or ""
    return ""


def procedure_list(*, fetched_by: Any, query: str = "", field: str = "", online: str = "", day: dt.date | None = None,
                   province_code: str | None = None, include_inactive: bool = False) -> QuerySet[Procedure]:
    """Procedures matching an accent-insensitive ``query`` ("khai sinh" = "khai sinh" without marks), a field
    and an online level of the version in force on ``day`` (``include_inactive``: ended procedures too, with or without a
    version in force). Each row carries ``current_versions`` (prefetched
    candidates); use :func:`current_version` to pick the one that applies."""
    day = day or timezone.localdate()
    province_code = province_for(fetched_by) if province_code is None else province_code
    qs = Procedure.objects.all()
    if not include_inactive:
        qs = qs.filter(_not_ended(day))  # with a version in force that day (below): offered that day
    if query:
        qs = search_filter(qs, kind=SEARCH_KIND, query=query)
    if field:
        qs = qs.filter(field=field)
    own = ProcedureVersion.objects.filter(_live(day), procedure=OuterRef("pk"), province_code=province_code) if province_code else None
    national = ProcedureVersion.objects.filter(_live(day), procedure=OuterRef("pk"), province_code="")
    if online:
        if own is not None:
            qs = qs.filter(Exists(own.filter(online=online)) | (~Exists(own) & Exists(national.filter(online=online))))
        else:
            qs = qs.filter(Exists(national.filter(online=online)))
    elif include_inactive:
        # the administration's list: also the procedures with no version in force that day (an ended one, to apply it again)
        qs = qs.filter(Q(is_active=False) | Exists(national) | Exists(own) if own is not None else Q(is_active=False) | Exists(national))
    else:
        qs = qs.filter(Exists(national) | Exists(own) if own is not None else Exists(national))
    candidates = ProcedureVersion.objects.filter(_live(day), province_code__in={"", province_code}).order_by("-valid_from")
    # with a query, the shortest matching names first ("Đăng ký khai sinh" before the long linked procedures)
    ordering = [Length("name"), "name_folded"] if query else ["field", "name_folded"]
    return qs.order_by(*ordering).prefetch_related(Prefetch("versions", queryset=candidates, to_attr="current_versions"))


def current_version(procedure: Procedure, province_code: str = "") -> ProcedureVersion | None:
    """Pick from prefetched ``current_versions``: the province's own wins over the national one."""
    versions = getattr(procedure, "current_versions", None)
    if versions is None:
        return procedure.version_on(timezone.localdate(), province_code)
    if province_code:
        for v in versions:
            if v.province_code == province_code:
                return v
    for v in versions:
        if v.province_code == "":
            return v
    return None


def procedure_fields() -> list[str]:
    return list(Procedure.objects.filter(_not_ended(timezone.localdate())).order_by("field").values_list("field", flat=True).distinct())


def catalogue_loaded() -> bool:
    """Whether the catalogue holds any procedure at all (offered or not): an empty one is loaded by the demo builders."""
    return Procedure.objects.exists()


def procedure_codes_exist(codes: Any) -> set[str]:
    """Which of ``codes`` are procedures in the catalogue (active or not)."""
    return set(Procedure.objects.filter(code__in=list(codes)).values_list("code", flat=True))


def procedure_get(*, code: str, include_inactive: bool = False, on: dt.date | None = None) -> Procedure:
    """The procedure ``code`` not ended on ``on`` (today by default: one ended from a later day still is; the caller picks
    its version in force, if any, as :func:`offered` does); with ``include_inactive`` (the administration), any procedure
    of the catalogue. Otherwise 404."""
    qs = Procedure.objects.all() if include_inactive else Procedure.objects.filter(_not_ended(on or timezone.localdate()))
    try:
        return qs.get(code=code)
    except Procedure.DoesNotExist:
        raise Http404 from None


def procedure_version_on(procedure: Procedure, day: dt.date, province_code: str = "") -> ProcedureVersion | None:
    """The version in force on ``day`` for ``province_code``: a province's own version wins over the national one.

    A dossier received on ``day`` uses this version and keeps it afterwards.
    """
    return procedure.version_on(day, province_code)


def version_steps(version: ProcedureVersion) -> list[ProcedureStep]:
    return list(version.steps.order_by("order"))


def procedure_versions(*, procedure: Procedure, province_code: str | None = None) -> QuerySet[ProcedureVersion]:
    """All versions of a procedure (history), newest first; optionally one scope only."""
    qs = procedure.versions.prefetch_related("steps").order_by("province_code", "-valid_from")
    if province_code is not None:
        qs = qs.filter(province_code__in={"", province_code})
    return qs


def version_for_admin(*, fetched_by: Any, pk: int) -> ProcedureVersion:
    """One version as the catalogue's administration pages list it for ``fetched_by``: a system administrator any version,
    a province administrator the national ones and her own province's. Another province's version is not found (404,
    as every record outside the user's scope), never a refusal that would confirm it exists."""
    qs = ProcedureVersion.objects.select_related("procedure")
    if not (getattr(fetched_by, "is_superuser", False) or getattr(fetched_by, "role", None) == Role.SYSTEM_ADMIN):
        qs = qs.filter(province_code__in={"", province_for(fetched_by)})
    try:
        return qs.get(pk=pk)
    except (ProcedureVersion.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def deciding_level(procedure: Procedure, province_code: str, day: dt.date) -> str:
    """Which level decides ``procedure`` for dossiers received on ``day`` in ``province_code``: the catalogue's level,
    unless the province handed a provincial procedure to its communes for that day (phân cấp, ``Decentralisation``)."""
    from coso.procedures.models import Decentralisation

    if procedure.decision_level != Procedure.Level.PROVINCE or not province_code:
        return str(procedure.decision_level)
    row = (Decentralisation.objects.filter(procedure=procedure, province_code=province_code, valid_from__lte=day)
           .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day)).order_by("-valid_from").first())
    return row.level if row is not None else str(procedure.decision_level)


def decentralisation_list(*, fetched_by: Any, procedure_code: str = "") -> QuerySet[Any]:
    """The province's decentralisations (system administrators: all); others see none."""
    from coso.procedures.models import Decentralisation

    user = fetched_by
    qs = Decentralisation.objects.select_related("procedure")
    if user is None or not getattr(user, "is_authenticated", False):
        return qs.none()
    if not (user.is_superuser or user.is_system_admin):
        if not (user.is_province_staff and user.province_code):
            return qs.none()
        qs = qs.filter(province_code=user.province_code)
    if procedure_code:
        qs = qs.filter(procedure__code=procedure_code)
    return qs.order_by("procedure__code", "valid_from")


# ---------------------------------------------------------------- Decision 766/QĐ-TTg facts (for coso.indices)
def index_catalogue_facts(*, day: dt.date, province_codes: list[str]) -> dict[str, dict[str, tuple[int, int]]]:
    """See :func:`index_catalogue_facts_on` (one day)."""
    return index_catalogue_facts_on(days=[day], province_codes=province_codes)[day]


def index_catalogue_facts_on(*, days: list[dt.date], province_codes: list[str]) -> dict[dt.date, dict[str, dict[str, tuple[int, int]]]]:
    """Indicators the catalogue feeds, per province (``""``: national rules only), for the communes' procedures
    (``decision_level`` commune, offered on ``day`` as :func:`offered` tells: not ended by then and with a version in force
    on ``day``, a province's own version winning; a past day counts the procedures in force then, also those ended since):

    - 1.3 procedures published with every part Decree 63/2010/NĐ-CP Art. 8(2) asks for that the catalogue
      records (name, processing steps, dossier components with their number of copies, time limit,
      applicant) ÷ procedures published;
    - 3.1 procedures offering an online public service (partial or full process) ÷ procedures.

    Returns {day: {province_code: {"1.3": (numerator, denominator), "3.1": (numerator, denominator)}}}, for
    several days with one query (a 12-month trend).
    """
    return _catalogue_facts(_commune_catalogue_on(days, province_codes))


def _catalogue_facts(by_day: dict[dt.date, dict[str, list[_VersionRow]]]) -> dict[dt.date, dict[str, dict[str, tuple[int, int]]]]:
    out: dict[dt.date, dict[str, dict[str, tuple[int, int]]]] = {}
    for day, per_province in by_day.items():
        out[day] = {}
        for province, rows in per_province.items():
            complete = sum(r.complete for r in rows)
            online = sum(r.online != ProcedureVersion.Online.NONE for r in rows)
            out[day][province] = {"1.3": (complete, len(rows)), "3.1": (online, len(rows))}
    return out


def index_online_procedures_on(*, days: list[dt.date], province_codes: list[str]) -> dict[dt.date, dict[str, frozenset[str]]]:
    """The codes of the communes' procedures offering an online public service (partial or full process) in the
    catalogue in force on each day, per province (the denominator of indicator 3.2, the numerator of 3.1; same
    selection as :func:`index_catalogue_facts_on`). {day: {province_code: frozenset of procedure codes}}."""
    return _online_procedures(_commune_catalogue_on(days, province_codes))


def _online_procedures(by_day: dict[dt.date, dict[str, list[_VersionRow]]]) -> dict[dt.date, dict[str, frozenset[str]]]:
    return {
        day: {province: frozenset(r.code for r in rows if r.online != ProcedureVersion.Online.NONE) for province, rows in per_province.items()}
        for day, per_province in by_day.items()
    }


def index_catalogue_figures_on(
    *, days: list[dt.date], province_codes: list[str]
) -> tuple[dict[dt.date, dict[str, dict[str, tuple[int, int]]]], dict[dt.date, dict[str, frozenset[str]]]]:
    """:func:`index_catalogue_facts_on` and :func:`index_online_procedures_on` together, from one query (a page that
    shows both reads the catalogue once)."""
    by_day = _commune_catalogue_on(days, province_codes)
    return _catalogue_facts(by_day), _online_procedures(by_day)


def index_online_procedures(*, day: dt.date, province_code: str) -> list[dict[str, str]]:
    """The communes' online procedures in force on ``day`` for ``province_code`` (code, name, online level label),
    in code order: the list behind the denominator of indicator 3.2 (public catalogue data)."""
    rows = _commune_catalogue_on([day], [province_code])[day][province_code]
    labels = dict(ProcedureVersion.Online.choices)
    return sorted(
        ({"code": r.code, "name": r.name, "online": r.online, "online_label": str(labels.get(r.online, r.online))}
         for r in rows if r.online != ProcedureVersion.Online.NONE),
        key=lambda r: r["code"],
    )


def _commune_catalogue_on(days: list[dt.date], province_codes: list[str]) -> dict[dt.date, dict[str, list[_VersionRow]]]:
    """{day: {province: the version in force of each commune procedure}} with one query (see :func:`index_catalogue_facts_on`)."""
    from coso.rules.lookup import select_in_force

    codes = sorted(set(province_codes))
    first, last = min(days), max(days)
    versions = (
        ProcedureVersion.objects.filter(Q(valid_from__lte=last) & (Q(valid_to__isnull=True) | Q(valid_to__gt=first)),
                                        Q(procedure__is_active=True) | Q(procedure__ends_on__gt=first),
                                        procedure__decision_level=Procedure.Level.COMMUNE, province_code__in={"", *codes})
        .annotate(n_steps=Exists(ProcedureStep.objects.filter(version=OuterRef("pk"))), documents_named=_DocumentsNamed("required_documents"))
        .values("id", "procedure_id", "procedure__code", "procedure__name", "procedure__is_active", "procedure__ends_on", "province_code",
                "valid_from", "valid_to", "online", "time_limit", "time_unit", "applicant", "documents_named", "n_steps")
        .order_by("pk")
    )
    by_procedure: dict[int, list[_VersionRow]] = {}
    for values in versions:
        row: dict[str, Any] = dict(values)
        by_procedure.setdefault(row["procedure_id"], []).append(_VersionRow(row))
    # A version is in force on a day by comparing the day with its dates only, so the days between two consecutive
    # dates of the versions read (an "epoch") have the same catalogue: it is selected once per epoch, not per day (a
    # 12-month trend over an unchanged catalogue selects once).
    edges = sorted({r.valid_from for rows in by_procedure.values() for r in rows} | {r.valid_to for rows in by_procedure.values() for r in rows if r.valid_to}
                   | {r.ends_on for rows in by_procedure.values() for r in rows if r.ends_on})
    per_epoch: dict[int, dict[str, list[_VersionRow]]] = {}
    out: dict[dt.date, dict[str, list[_VersionRow]]] = {}
    for day in sorted(set(days)):
        epoch = bisect.bisect_right(edges, day)
        if epoch not in per_epoch:
            per_province: dict[str, list[_VersionRow]] = {}
            for province in codes:
                found = (select_in_force(rows, day, province) for rows in by_procedure.values() if rows[0].offered_on(day))
                per_province[province] = [r for r in found if r is not None]
            per_epoch[epoch] = per_province
        out[day] = per_epoch[epoch]
    return out


class _DocumentsNamed(Func):
    """Whether a version's dossier components (``required_documents``, a JSON list) are listed: a non-empty list whose
    every item is an object with a name holding a visible character (what indicator 1.3 checks of them). Checked by the
    database, so that reading the catalogue of a province does not fetch and decode every version's list."""

    output_field = BooleanField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        raise NotImplementedError(f"_DocumentsNamed: no SQL for {connection.vendor}")

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"(CASE WHEN json_type({sql}) = 'array' AND json_array_length({sql}) > 0 THEN NOT EXISTS (SELECT 1 FROM json_each({sql}) e "  # noqa: S608 -- the column's compiled SQL, no value
            "WHERE e.type <> 'object' OR trim(COALESCE(json_extract(e.value, '$.name'), ''), ' ' || char(9, 10, 11, 12, 13, 160)) = '') "
            "ELSE 0 END)",
            (*params, *params, *params),
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"(CASE WHEN jsonb_typeof({sql}) = 'array' AND jsonb_array_length({sql}) > 0 THEN NOT EXISTS (SELECT 1 FROM "  # noqa: S608 -- the column's compiled SQL, no value
            f"jsonb_array_elements({sql}) e(v) WHERE jsonb_typeof(e.v) <> 'object' "
            "OR btrim(COALESCE(e.v ->> 'name', ''), E' \\t\\n\\x0B\\f\\r\\u00a0') = '') ELSE false END)",
            (*params, *params, *params),
        )


class _VersionRow:
    """A version's values as ``select_in_force`` reads them, with what indicator 1.3 checks."""

    def __init__(self, v: dict[str, Any]):
        self.province_code, self.valid_from, self.valid_to, self.online = v["province_code"], v["valid_from"], v["valid_to"], v["online"]
        self.code, self.name = v["procedure__code"], v["procedure__name"]
        self.active, self.ends_on = v["procedure__is_active"], v["procedure__ends_on"]
        has_documents = bool(v["documents_named"])
        has_time = v["time_unit"] == ProcedureVersion.TimeUnit.SAME_DAY or (v["time_limit"] or 0) > 0
        self.complete = int(bool(str(v["procedure__name"]).strip() and v["n_steps"] and has_documents and has_time and str(v["applicant"]).strip()))

    def offered_on(self, day: dt.date) -> bool:
        """Its procedure is not ended on ``day`` (as :func:`_not_ended`)."""
        return bool(self.active or (self.ends_on is not None and day < self.ends_on))


def version_from(procedure: Procedure, day: dt.date, province_code: str = "") -> ProcedureVersion | None:
    """The version to show for ``procedure`` from ``day`` (e.g. once it applies again): the one in force for the reader's
    province that day; else, for a procedure with only provinces' own versions, one province's in force that day, or the
    first to take effect after it (a withdrawn version never is)."""
    v = procedure.version_on(day, province_code)
    if v is not None:
        return v
    in_force = procedure.versions.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day), valid_from__lte=day).order_by("province_code").first()
    if in_force is not None:
        return in_force
    return procedure.versions.filter(valid_from__gt=day).exclude(valid_to=F("valid_from")).order_by("valid_from", "province_code").first()

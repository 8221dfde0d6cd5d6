"""Lineage of administrative units (reads): which current unit an old unit became, and back.

Other modules use these selectors instead of reading ``UnitSuccession`` themselves:

- ``successor_codes(old_code)``: the current commune code(s) an old commune became, primary first
  (an old commune divided between several new communes has several), through later reorganisations too.
- ``ended_on(code)``: the day the commune that last carried a code ended, when no commune in force carries it.
- ``commune_in_force(code)``: the commune in force that answers for a code's records now (the code's own commune, or the
  primary successor of an ended one, through later reorganisations too).
- ``lineage_map()``: {old commune code: primary current code} for every old commune of 1/7/2025, to regroup
  rows dated before it in Python.
- ``current_code_expression(code_field, date_field)``: the commune in force a record counts under, as a database
  expression, for reports that group records by commune code: a record stamped with an ended commune's code, dated
  while that commune carried it, is counted under the commune that took it over, through every recorded succession
  (the 1/7/2025 reorganisation and the province's later mergers and splits, one after another).
- ``commune_with_predecessors_q(code, ...)``: filter for one current commune's records, including
  its predecessors' records dated while they carried their codes (the same mapping).
- ``predecessors_read_q(user)``: the old communes' records (before the reorganisation) the staff of the commune
  (province) they were merged into may read; every recorded succession counts, the 1/7/2025 reorganisation and the
  province's later mergers and splits, each with its own date (``predecessor_windows(code)``).
- ``not_other_holders_q(user)`` / ``is_other_holders_record(user, code, moment)``: a code given again opens nothing
  (``other_holder_windows(code)``): a record carrying a commune's code, dated while an ended commune of another lineage
  carried it, is that commune's successor's, and another commune's (404) to the commune holding the code now;
  ``scope_with_predecessors_q(user, own)`` combines both with ``predecessors_read_q``.
- ``locality_windows(code)``: a current commune's own code and its predecessors' codes, each with the dates it counts.
- ``unit_history(unit)``: the old units a current unit came from (with their districts and provinces).
- ``convert_old_address(text)``: an old address ("xã X, huyện Y, tỉnh Z") → the current commune(s).

Old commune codes are reused: most new communes kept the code of one of the communes merged into
them, so "26734" means one ward before 1/7/2025 and another after. The date of the record decides.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Case, CharField, F, OuterRef, Q, Subquery, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce
from django.utils import timezone

from coso.core.text import fold, nfc
from coso.units import errors
from coso.units.lineage_data import EFFECTIVE_2025
from coso.units.models import AdministrativeUnit, UnitSuccession

COMMUNE = AdministrativeUnit.Level.COMMUNE


def _ended_communes(effective_on: dt.date = EFFECTIVE_2025) -> Any:
    return AdministrativeUnit.all_objects.filter(level=COMMUNE, valid_to=effective_on)


def successor_codes(old_code: str, *, effective_on: dt.date = EFFECTIVE_2025) -> list[str]:
    """Current commune codes an old commune (code in force before ``effective_on``) became, primary first.

    Empty when the code is not an old commune's. An old commune divided between several new
    communes returns all of them. A successor that ended since (merged or divided again by a later reorganisation) is
    followed through its primary successions to the commune in force (:func:`commune_in_force`)."""
    rows = (
        UnitSuccession.objects.filter(
            predecessor__level=COMMUNE, predecessor__code=str(old_code), predecessor__valid_to=effective_on, effective_on=effective_on
        )
        .order_by("-is_primary", "successor__code")
        .values_list("successor_id", "successor__code", "successor__valid_to")
    )
    out: list[str] = []
    for pk, code, valid_to in rows:
        current = code if valid_to is None else _in_force_from(pk)
        if current is not None and current not in out:
            out.append(current)
    return out


def _in_force_from(unit_id: int) -> str | None:
    """The code of the commune in force an ended commune's records now count under, through its primary successions."""
    unit = AdministrativeUnit.all_objects.filter(pk=unit_id).first()
    if unit is None:
        return None
    current = commune_in_force(unit.code, on=unit.valid_from or (unit.valid_to - dt.timedelta(days=1) if unit.valid_to else None))
    return current.code if current is not None else None


def commune_in_force(code: str, *, on: dt.date | None = None) -> AdministrativeUnit | None:
    """The commune in force that now answers for records stamped with the commune code ``code``: the commune that carried
    the code (on the day ``on``, the record's date, when given: a code may have been given again to another commune since;
    else the one carrying it now, or the last one that did) while it is in force; else, for a commune that ended (merged or
    divided, in 2025 or by a later reorganisation in the app), its primary successor, followed through the later
    reorganisations until one in force. None when the code names no commune or an ended commune's successor is not
    known."""
    units = list(AdministrativeUnit.all_objects.filter(level=COMMUNE, code=str(code)))
    if not units:
        return None
    unit = next((u for u in units if u.is_active_on(on)), None) if on is not None else None
    if unit is None:
        unit = next((u for u in units if u.valid_to is None), None) or max(units, key=lambda u: u.valid_to or dt.date.max)
    seen: set[int] = set()
    while unit is not None and unit.pk not in seen:
        if unit.valid_to is None:
            return unit
        seen.add(unit.pk)
        step = (UnitSuccession.objects.filter(predecessor=unit, successor__level=COMMUNE).select_related("successor")
                .order_by("-is_primary", "successor__code").first())
        unit = step.successor if step is not None else None
    return None


def ended_on(code: str) -> dt.date | None:
    """The day the commune that last carried ``code`` ended (merged or divided), when no commune in force carries it;
    None when one does or when the code names no commune."""
    code = str(code)
    if AdministrativeUnit.objects.filter(level=COMMUNE, code=code).exists():
        return None
    return (AdministrativeUnit.all_objects.filter(level=COMMUNE, code=code, valid_to__isnull=False).order_by("-valid_to")
            .values_list("valid_to", flat=True).first())


def predecessor_codes(current_code: str, *, primary_only: bool = False) -> list[str]:
    """Old commune codes that became (part of) a current commune, through every recorded succession
    (:func:`predecessor_windows`: the 1/7/2025 reorganisation and the province's later mergers and splits); with
    ``primary_only``, only those whose records are counted under it (a divided commune counts under its primary
    successor). Codes only: a record carrying one counts under the commune only when dated inside its window."""
    return sorted({w.code for w in predecessor_windows(current_code, primary_only=primary_only)})


def lineage_map(*, effective_on: dt.date = EFFECTIVE_2025) -> dict[str, str]:
    """{old commune code: the current commune code its records (dated before ``effective_on``) are counted under}: the
    primary successor, followed through the later reorganisations (a successor merged again counts under the commune
    that took it over)."""
    mapping = dict(
        UnitSuccession.objects.filter(predecessor__level=COMMUNE, predecessor__valid_to=effective_on, effective_on=effective_on, is_primary=True)
        .values_list("predecessor__code", "successor__code")
    )
    for target, windows in _later_targets().items():
        for w in windows:
            if w.end == effective_on and w.start is None and w.code in mapping:
                mapping[w.code] = target
    return mapping


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _primary_successor_code(code_field: str, effective_on: dt.date) -> Subquery:
    return Subquery(
        UnitSuccession.objects.filter(
            predecessor__level=COMMUNE, predecessor__code=OuterRef(code_field), predecessor__valid_to=effective_on, effective_on=effective_on,
            is_primary=True,
        ).values("successor__code")[:1]
    )


def _later_targets() -> dict[str, list[RecordWindow]]:
    """{code of a commune in force: its :func:`predecessor_windows`} for every commune in force that took over a commune
    through a succession recorded after 1/7/2025 (the province's mergers and splits in the app): few. One query when
    there is none."""
    targets = (UnitSuccession.objects.filter(predecessor__level=COMMUNE, successor__level=COMMUNE, successor__valid_to__isnull=True,
                                             is_primary=True).exclude(effective_on=EFFECTIVE_2025)
               .order_by("successor__code").values_list("successor__code", flat=True).distinct())
    return {code: predecessor_windows(code) for code in targets}


def current_code_expression(code_field: str = "commune_code", date_field: str = "submitted_at", *,
                            effective_on: dt.date = EFFECTIVE_2025) -> Combinable:
    """Database expression: the code of the commune in force a record is counted under.

    A record dated before ``effective_on`` whose code is an old commune's → that commune's primary
    successor; any other record → its own code. Then every succession recorded since (the province's mergers and splits
    in the app, one after another): a record dated while an ended commune carried its code (:func:`predecessor_windows`
    of the commune in force that took it over) → that commune in force, so a 2025 old commune whose successor was merged
    again counts under the commune that took the successor over. Use it in ``.annotate(unit=...).values("unit")``.

    The 10,035 old communes of 2025 are one correlated subquery on ``UnitSuccession``; the later successions, few, one
    condition per commune in force and pair of dates in front of it."""
    when_old = {f"{date_field}__lt": _start_of(effective_on)} if date_field.endswith("_at") else {f"{date_field}__lt": effective_on}
    expression: Combinable = Case(
        When(Q(**when_old), then=Coalesce(_primary_successor_code(code_field, effective_on), F(code_field))),
        default=F(code_field),
    )
    later = [When(windows_q(windows, code_field, date_field), then=Value(code))
             for code, windows in _later_targets().items() if windows]
    if later:
        expression = Case(*later, default=expression, output_field=CharField())
    return expression


def commune_with_predecessors_q(current_code: str, code_field: str = "commune_code", date_field: str = "submitted_at", *,
                                primary_only: bool = True) -> Q:
    """Records of a current commune: its own, and its predecessors' dated while they carried their codes, through every
    recorded succession (:func:`predecessor_windows`: the 1/7/2025 reorganisation and the province's later mergers and
    splits, one after another). Its own code dated while an ended commune of another lineage carried it
    (:func:`other_holder_windows`: a code given again) is not its own.

    With ``primary_only`` (the default, consistent with ``current_code_expression``) a divided old
    commune's records count only under its primary successor; otherwise under each successor."""
    windows = predecessor_windows(current_code, primary_only=primary_only)
    if not windows:
        return Q(**{code_field: current_code})
    own = Q(**{code_field: current_code})
    foreign = other_holder_windows(current_code, windows)
    if foreign:
        own &= ~windows_q(foreign, code_field, date_field)
    return own | windows_q(windows, code_field, date_field)


def commune_history_scope_q(user: Any, current_code: str, **scope: Any) -> Q:
    """Who may read a current commune's records with their history (used with :func:`commune_with_predecessors_q`,
    which limits the rows to that commune's): a user who may see the commune sees its predecessors' records dated
    before the reorganisation too, which carry the old commune's (and old province's) code and count in its figures;
    anyone else only what ``coso.core.scoping.scope_q(user, **scope)`` lets them see."""
    from coso.core.scoping import can_see_unit, scope_q

    province = (AdministrativeUnit.objects.filter(code=current_code, level=AdministrativeUnit.Level.COMMUNE)
                .values_list("province_code", flat=True).first())
    if province is not None and getattr(user, "is_active", False) and can_see_unit(user, province_code=province, commune_code=current_code):
        return Q()
    return scope_q(user, **scope)


@dataclass(frozen=True)
class RecordWindow:
    """The records of an old commune another commune took over: those with its ``code`` dated from ``start`` (the day it
    came into force; None: no limit) to the day before ``end`` (the effective date of the succession)."""

    code: str
    start: dt.date | None
    end: dt.date


def _day_bound(date_field: str, day: dt.date) -> dt.date | dt.datetime:
    return _start_of(day) if date_field.endswith("_at") else day


def _dated_q(date_field: str, start: dt.date | None, end: dt.date) -> Q:
    q = Q(**{f"{date_field}__lt": _day_bound(date_field, end)})
    return q & Q(**{f"{date_field}__gte": _day_bound(date_field, start)}) if start is not None else q


MAX_LINEAGE_DEPTH = 20  # successive reorganisations followed back from a commune (one query each); far more than ever recorded


def predecessor_windows(current_code: str, *, primary_only: bool = True) -> list[RecordWindow]:
    """Every old commune whose records the current commune ``current_code`` took over, through every recorded succession:
    the 1/7/2025 reorganisation and the province's own mergers and splits (``coso.units.services.reorganisation_apply``),
    one after another (a commune merged on 1/7/2025 into a commune merged again later). Only the primary successions
    count, as in :func:`commune_with_predecessors_q` (a divided commune's records go with its primary successor); with
    ``primary_only=False`` a divided commune counts for every commune that received part of it.

    Each old commune comes with its own dates: a code may be given again to another commune later, so a record carrying
    it is the old commune's only when dated while that commune was in force, before the succession. One query per
    generation of predecessors (an old unit without a start date, as the communes before 1/7/2025, has none before it)."""
    primary = {"is_primary": True} if primary_only else {}
    rows = UnitSuccession.objects.filter(successor__code=str(current_code), successor__level=COMMUNE, successor__valid_to__isnull=True,
                                         predecessor__level=COMMUNE, **primary)
    out: list[RecordWindow] = []
    seen: set[int] = set()
    for _depth in range(MAX_LINEAGE_DEPTH):
        frontier: list[int] = []
        for pk, code, start, end in rows.values_list("predecessor_id", "predecessor__code", "predecessor__valid_from", "effective_on"):
            if start is not None and start >= end:
                continue
            window = RecordWindow(code, start, end)
            if window not in out:
                out.append(window)
            if start is not None and pk not in seen:
                seen.add(pk)
                frontier.append(pk)
        if not frontier:
            break
        rows = UnitSuccession.objects.filter(successor_id__in=frontier, predecessor__level=COMMUNE, **primary)
    return out


def windows_q(windows: list[RecordWindow], code_field: str = "commune_code", date_field: str = "submitted_at") -> Q:
    """The records of ``windows`` (:func:`predecessor_windows`): one condition per distinct pair of dates."""
    groups: dict[tuple[dt.date | None, dt.date], list[str]] = {}
    for w in windows:
        groups.setdefault((w.start, w.end), []).append(w.code)
    q = Q(pk__in=[])
    for (start, end), codes in sorted(groups.items(), key=lambda g: (g[0][1], g[0][0] or dt.date.min)):
        q |= Q(**{f"{code_field}__in": sorted(set(codes))}) & _dated_q(date_field, start, end)
    return q


def locality_windows(current_code: str) -> list[tuple[str, dt.date | None, dt.date | None]]:
    """The pieces of a current commune's locality as (code, first day or None, day it ended or None): its own code from the
    day the commune came into force, and every old commune it was formed from, wholly or in part (:func:`predecessor_windows`:
    the 1/7/2025 reorganisation and the province's later mergers and splits) while that commune was in force. A commune with
    no recorded predecessor (lineage data not loaded) is its own code at any date. A day of a person's history (or a
    record) carrying one of these codes is in the locality only inside that code's window: a code may be given again."""
    windows = predecessor_windows(current_code, primary_only=False)
    if not windows:
        return [(str(current_code), None, None)]
    start = AdministrativeUnit.objects.filter(level=COMMUNE, code=str(current_code)).values_list("valid_from", flat=True).first()
    return [(str(current_code), start, None), *((w.code, w.start, w.end) for w in windows)]


def predecessors_read_q(user: Any, code_field: str = "commune_code", date_field: str = "submitted_at") -> Q:
    """The records a commune's (or a province's) staff may read beside their own unit's: those of the old communes
    merged into their commune (into a commune of their province), dated before the reorganisation. The new commune takes
    over the rights, obligations and records of the communes merged into it (Law on Organisation of Local Government
    2025; the resolutions of the National Assembly Standing Committee on the 2025 rearrangement of commune-level units,
    and the province's decisions on later mergers).

    Every recorded succession counts, each with its own date (:func:`predecessor_windows`): the 1/7/2025 reorganisation
    and the mergers and splits the province applied in Coso since, one after another. The old communes are those whose
    records count under the commune's successor as :func:`commune_with_predecessors_q` counts them: a divided commune's
    under its primary successor only. Read access only: acting on such a record stays with the commune whose code it
    carries. Nothing for anyone else (``Q(pk__in=[])``)."""
    nothing = Q(pk__in=[])
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return nothing
    if getattr(user, "is_commune_staff", False) and user.commune_code:
        return windows_q(predecessor_windows(user.commune_code), code_field, date_field)
    if getattr(user, "is_province_staff", False) and user.province_code:
        # The communes of the province, current or ended since (a province's mergers and splits stay within it, so every
        # chain of successions from a commune of the province ends in one of its communes): one subquery per pair of dates.
        into_province = UnitSuccession.objects.filter(successor__province_code=user.province_code, successor__level=COMMUNE,
                                                      predecessor__level=COMMUNE, is_primary=True)
        q = nothing
        pairs = into_province.order_by().values_list("predecessor__valid_from", "effective_on").distinct()
        for start, end in sorted(set(pairs), key=lambda p: (p[1], p[0] or dt.date.min)):
            if start is not None and start >= end:
                continue
            codes = into_province.filter(effective_on=end, **({"predecessor__valid_from": start} if start is not None
                                                              else {"predecessor__valid_from__isnull": True}))
            q |= Q(**{f"{code_field}__in": Subquery(codes.values("predecessor__code"))}) & _dated_q(date_field, start, end)
        return q
    return nothing


# --- Codes given again -------------------------------------------------------------------------------

def holder_since_expression(code_field: str = "commune_code") -> Subquery:
    """Database expression: the day the commune now in force with a record's code came into force (None when no commune
    in force carries it or it has no start date). Annotated on a row loaded anyway, it lets
    :func:`is_other_holders_record` decide without a query for a record dated since."""
    return Subquery(AdministrativeUnit.objects.filter(level=COMMUNE, code=OuterRef(code_field)).values("valid_from")[:1])


def other_holder_windows(code: str, own: list[RecordWindow] | None = None) -> list[RecordWindow]:
    """The records carrying the commune code ``code`` that are not the records of the commune now holding it: those dated
    while an ended commune of another lineage carried the code (an old commune whose primary succession chain does not
    lead to today's holder, as old 00196 "Phường Hàng Bột", merged into 00190, while today's 00196 is another ward). They
    belong to that old commune's successor, which reads them through :func:`predecessors_read_q`. ``own``: the holder's
    :func:`predecessor_windows`, when already read. One query (two when an ended commune carried the code)."""
    ended = [(start, end) for start, end in AdministrativeUnit.all_objects.filter(level=COMMUNE, code=str(code), valid_to__isnull=False)
             .values_list("valid_from", "valid_to") if end is not None]
    if not ended:
        return []
    taken = {(w.start, w.end) for w in (predecessor_windows(code) if own is None else own) if w.code == str(code)}
    return [RecordWindow(str(code), start, end) for start, end in sorted(ended, key=lambda p: (p[1], p[0] or dt.date.min))
            if (start is None or start < end) and (start, end) not in taken]


def _reaches_own_code(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)
                and getattr(user, "is_commune_staff", False) and user.commune_code)


def other_holders_of(user: Any) -> list[RecordWindow]:
    """:func:`other_holder_windows` of a commune's staff's commune code; empty for anyone else."""
    return other_holder_windows(user.commune_code) if _reaches_own_code(user) else []


def not_other_holders_q(user: Any, code_field: str = "commune_code", date_field: str = "submitted_at", *,
                        own: list[RecordWindow] | None = None, foreign: list[RecordWindow] | None = None) -> Q:
    """To add (``&``) to ``coso.core.scoping.scope_q(user)`` for dated records: a commune's staff do not reach the
    records of their commune code dated while an ended commune of another lineage carried it (:func:`other_holder_windows`),
    which answer 404 to them as another commune's. ``Q()`` (no condition) for anyone else and for a code no other
    commune carried. ``foreign``: :func:`other_holders_of` the user, when already read."""
    if not _reaches_own_code(user):
        return Q()
    if foreign is None:
        foreign = other_holder_windows(user.commune_code, own)
    return ~windows_q(foreign, code_field, date_field) if foreign else Q()


def scope_with_predecessors_q(user: Any, own: Q, code_field: str = "commune_code", date_field: str = "submitted_at", *,
                              other_holders: bool = True) -> Q:
    """What ``user`` may read of dated records: ``own`` (their unit's, ``coso.core.scoping.scope_q``) without the records
    of other holders of their commune code (:func:`not_other_holders_q`) and with their predecessors' records
    (:func:`predecessors_read_q`), reading the commune's windows once. ``other_holders=False`` leaves the first condition
    to :func:`is_other_holders_record` on the row read (one row: no query for a record dated since the commune came into
    force)."""
    if not own:  # Q(): everything (a system administrator); Q() | x would be x alone
        return own
    if not _reaches_own_code(user):
        return own | predecessors_read_q(user, code_field, date_field)
    windows = predecessor_windows(user.commune_code)
    if other_holders:
        own &= not_other_holders_q(user, code_field, date_field, own=windows)
    return own | windows_q(windows, code_field, date_field)


UNKNOWN: Any = object()  # holder_since not read with the row


def is_other_holders_record(user: Any, code: str, moment: dt.date | dt.datetime | None, holder_since: Any = UNKNOWN, *,
                            foreign: list[RecordWindow] | None = None) -> bool:
    """Whether a record carrying the commune code ``code``, dated ``moment``, is to ``user`` (a commune's staff whose
    commune holds ``code`` now) another commune's: :func:`belongs_to_another_holder`."""
    if not _reaches_own_code(user) or str(code) != user.commune_code:
        return False
    return belongs_to_another_holder(code, moment, holder_since, foreign=foreign)


def is_other_holders_row(user: Any, row: Any) -> bool:
    """:func:`is_other_holders_record` for a loaded record (its ``commune_code`` and ``submitted_at``, and its commune's start
    as ``holder_since`` when annotated with :func:`holder_since_expression`), decided once per row: the answer is kept on
    it for the other checks of the same request."""
    known = row.__dict__.get("_other_holders")
    if known is None:
        known = row.__dict__["_other_holders"] = is_other_holders_record(user, row.commune_code, row.submitted_at,
                                                                         row.__dict__.get("holder_since", UNKNOWN))
    return bool(known)


def belongs_to_another_holder(code: str, moment: dt.date | dt.datetime | None, holder_since: Any = UNKNOWN, *,
                              foreign: list[RecordWindow] | None = None) -> bool:
    """Whether a record carrying the commune code ``code``, dated ``moment``, is not the record of the commune holding the
    code now: dated while an ended commune of another lineage carried the code (:func:`other_holder_windows`).
    ``holder_since``: the start of the commune holding the code, when read with the row (:func:`holder_since_expression`):
    a record dated since needs no query; ``foreign``: :func:`other_holder_windows` of the code, when already read (rows of
    a list)."""
    if moment is None:
        return False
    day = timezone.localdate(moment) if isinstance(moment, dt.datetime) else moment
    if holder_since is not UNKNOWN and holder_since is not None and day >= holder_since:
        return False
    return any((w.start is None or w.start <= day) and day < w.end for w in (other_holder_windows(code) if foreign is None else foreign))


def regroup_counts(counts: dict[str, int], *, before_reorganisation: bool) -> dict[str, int]:
    """Add up per-code counts under current codes (for rows already aggregated in Python): with
    ``before_reorganisation``, counts of records dated before 1/7/2025 (:func:`lineage_map`)."""
    if not before_reorganisation:
        return dict(counts)
    mapping = lineage_map()
    out: dict[str, int] = {}
    for code, n in counts.items():
        key = mapping.get(code, code)
        out[key] = out.get(key, 0) + n
    return out


# --- History -------------------------------------------------------------------------------------

@dataclass
class HistoryEntry:
    code: str
    name: str
    level: str
    kind: str
    district_code: str
    district_name: str
    province_code: str
    province_name: str
    succession: str  # UnitSuccession.Kind value
    succession_label: str
    is_primary: bool
    divided_between: list[dict[str, str]]  # other current units that received part of a divided unit
    effective_on: dt.date
    legal_basis: str
    decision_number: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def unit_history(unit: AdministrativeUnit) -> list[HistoryEntry]:
    """The units that became (part of) ``unit``, newest reorganisation first, with their old district and province."""
    rows = list(
        UnitSuccession.objects.filter(successor=unit)
        .select_related("predecessor__parent__parent")
        .order_by("-effective_on", "predecessor__level", "predecessor__code")
    )
    divided_ids = [r.predecessor_id for r in rows if r.kind == UnitSuccession.Kind.SPLIT]
    others: dict[int, list[dict[str, str]]] = {}
    for s in UnitSuccession.objects.filter(predecessor_id__in=divided_ids).exclude(successor=unit).select_related("successor").order_by("successor__code"):
        others.setdefault(s.predecessor_id, []).append({"code": s.successor.code, "name": s.successor.name})
    out = []
    for r in rows:
        old = r.predecessor
        district = old.parent if old.level == COMMUNE else (old if old.level == AdministrativeUnit.Level.DISTRICT else None)
        province = district.parent if district is not None else (old if old.level == AdministrativeUnit.Level.PROVINCE else None)
        out.append(
            HistoryEntry(
                code=old.code, name=old.name, level=old.level, kind=old.kind,
                district_code=district.code if district is not None and district is not old else "",
                district_name=district.name if district is not None and district is not old else "",
                province_code=province.code if province is not None and province is not old else old.province_code,
                province_name=province.name if province is not None and province is not old else "",
                succession=r.kind, succession_label=str(r.get_kind_display()), is_primary=r.is_primary,
                divided_between=others.get(old.pk, []), effective_on=r.effective_on, legal_basis=r.legal_basis,
                decision_number=r.decision_number,
            )
        )
    return out


def ended_unit_successors(unit: AdministrativeUnit) -> list[UnitSuccession]:
    return list(UnitSuccession.objects.filter(predecessor=unit).select_related("successor").order_by("-is_primary", "successor__code"))


# --- Old address → current commune ----------------------------------------------------------------

_PREFIXES = ("thanh pho ", "tinh ", "quan ", "huyen ", "thi xa ", "phuong ", "xa ", "thi tran ", "tp. ", "tp ", "tx. ", "tx ", "tt. ", "tt ")
_ABBREV = [
    (re.compile(r"\b(tp|t\.p)\s*\.?\s*hcm\b"), "ho chi minh"),
    (re.compile(r"\btphcm\b"), "ho chi minh"),
    (re.compile(r"\bhn\b"), "ha noi"),
]


def _short(folded_name: str) -> str:
    for prefix in _PREFIXES:
        if folded_name.startswith(prefix):
            return folded_name[len(prefix):].strip()
    return folded_name


def _contains_name(haystack: str, short_name: str) -> bool:
    return bool(short_name) and re.search(rf"(^|[\s,]){re.escape(short_name)}($|[\s,])", haystack) is not None


@dataclass
class UnitRef:
    code: str
    name: str

    @classmethod
    def of(cls, unit: AdministrativeUnit | None) -> UnitRef | None:
        return cls(unit.code, unit.name) if unit is not None else None


@dataclass
class Candidate:
    code: str
    name: str
    province_code: str
    province_name: str
    is_primary: bool
    succession: str
    old_name: str = ""


@dataclass
class AddressConversion:
    query: str
    street: str = ""
    old_province: UnitRef | None = None
    old_district: UnitRef | None = None
    old_commune: UnitRef | None = None
    old_communes: list[UnitRef] = field(default_factory=list)
    new_province: UnitRef | None = None
    candidates: list[Candidate] = field(default_factory=list)
    divided: bool = False
    ambiguous: bool = False
    legal_basis: str = ""
    matched_by: str = ""  # "vietnamadminunits" | "coso"
    message: str = ""

    @property
    def found(self) -> bool:
        return bool(self.candidates)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["found"] = self.found
        return data


def _own_match(text: str, province: AdministrativeUnit | None, district: AdministrativeUnit | None) -> list[AdministrativeUnit]:
    """Coso's fallback: old communes whose folded name (with or without its type) occurs in the
    folded address, inside the district (or province) already recognised. Without diacritics two
    communes can read the same ("Đồng Thành" / "Đông Thành"): all of them are returned (at most 5)."""
    haystack = fold(text)
    for pattern, replacement in _ABBREV:
        haystack = pattern.sub(replacement, haystack)
    if district is None and province is None:
        return []
    qs = _ended_communes().select_related("parent__parent")
    qs = qs.filter(parent=district) if district is not None else qs.filter(province_code=province.code)  # type: ignore[union-attr]
    units = list(qs)
    full = [u for u in units if _contains_name(haystack, u.name_folded)]
    if len(full) == 1:
        return full
    short = [u for u in (full or units) if _contains_name(haystack, _short(u.name_folded))]
    return short[:5] if len(short) <= 5 else []


def convert_old_address(text: str) -> AddressConversion:
    """Find the current commune(s) of an address written with the units before 1/7/2025.

    The `vietnamadminunits` legacy parser reads the address (with or without diacritics,
    abbreviations like "p15", "tp hcm"); Coso's own folding matches the commune inside the district
    when the parser finds none (and lists every old commune that reads the same without diacritics).
    The lineage loaded in the database gives the current communes: one, or all of them when the old
    commune was divided. Never geocodes (no network)."""
    from vietnamadminunits import parse_address

    query = nfc(text)[:300]
    if len(fold(query)) < 3:
        raise errors.ADDRESS_REQUIRED()
    result = AddressConversion(query=query)
    parsed = parse_address(query.replace("–", "-"), mode="LEGACY", level=3, keep_street=True)
    result.street = parsed.street or ""
    ended = AdministrativeUnit.all_objects.filter(valid_to=EFFECTIVE_2025)
    wanted = Q(pk__in=[])
    for level, code in ((AdministrativeUnit.Level.PROVINCE, parsed.province_code), (AdministrativeUnit.Level.DISTRICT, parsed.district_code),
                        (COMMUNE, parsed.ward_code)):
        if code:
            wanted |= Q(level=level, code=code)
    found = {u.level: u for u in ended.filter(wanted)} if parsed.province_code else {}
    province, district = found.get(AdministrativeUnit.Level.PROVINCE), found.get(AdministrativeUnit.Level.DISTRICT)
    olds: list[AdministrativeUnit] = []
    if COMMUNE in found:
        olds = [found[COMMUNE]]
        result.matched_by = "vietnamadminunits"
    if not olds and (district is not None or province is not None):
        olds = _own_match(query, province, district)
        result.matched_by = "coso" if olds else ""
    if olds and olds[0].parent_id is not None and (district is None or olds[0].parent_id != district.pk):
        first = AdministrativeUnit.all_objects.select_related("parent__parent").get(pk=olds[0].pk)
        district = first.parent if all(o.parent_id == first.parent_id for o in olds) else None
        province = first.parent.parent if first.parent is not None else province
    elif olds and not all(o.parent_id == olds[0].parent_id for o in olds):
        district = None
    elif not olds and district is not None and not ended.filter(parent=district).exists():
        olds = [district]  # island district without communes → special zone
        result.matched_by = "vietnamadminunits"
    result.old_province = UnitRef.of(province)
    result.old_district = UnitRef.of(district if district is not None and olds != [district] else None)
    result.old_communes = [UnitRef(o.code, o.name) for o in olds]
    result.old_commune = result.old_communes[0] if len(olds) == 1 else None
    keys = [o.pk for o in olds] + ([province.pk] if province is not None else [])
    successions = list(
        UnitSuccession.objects.filter(predecessor_id__in=keys, successor__valid_to__isnull=True).select_related("successor__parent")
        .order_by("-is_primary", "successor__code")
    )
    if province is not None:
        new_province = next((s for s in successions if s.predecessor_id == province.pk), None)
        result.new_province = UnitRef.of(new_province.successor if new_province else None)
        successions = [s for s in successions if s.predecessor_id != province.pk]
    if not olds:
        result.message = (
            "Không nhận ra tỉnh/thành phố cũ trong địa chỉ." if province is None
            else "Đã nhận ra tỉnh/huyện cũ nhưng chưa nhận ra xã, phường, thị trấn cũ. Ghi rõ tên xã, phường."
        )
        return result
    order = {o.pk: i for i, o in enumerate(olds)}
    successions.sort(key=lambda s: order[s.predecessor_id])
    province_names = {s.successor.province_code: s.successor.parent.name for s in successions if s.successor.parent is not None}
    old_names = {o.pk: o.name for o in olds}
    result.candidates = [
        Candidate(s.successor.code, s.successor.name, s.successor.province_code, province_names.get(s.successor.province_code, ""), s.is_primary,
                  s.kind, old_names[s.predecessor_id])
        for s in successions
    ]
    result.divided = any(s.kind == UnitSuccession.Kind.SPLIT for s in successions)
    result.ambiguous = len(olds) > 1
    result.legal_basis = successions[0].legal_basis if successions else ""
    if not result.candidates:
        result.message = "Chưa có dữ liệu sắp xếp cho đơn vị cũ này."
    elif result.ambiguous:
        result.message = "Không dấu nên có nhiều xã cũ trùng tên: chọn đúng xã, hoặc gõ có dấu."
    elif result.divided:
        result.message = "Đơn vị cũ đã được chia cho nhiều xã, phường mới: chọn đúng nơi theo địa chỉ cụ thể."
    return result


def has_lineage() -> bool:
    """Whether the 2025 lineage is loaded (``manage.py load_units``)."""
    return UnitSuccession.objects.filter(effective_on=EFFECTIVE_2025).exists()

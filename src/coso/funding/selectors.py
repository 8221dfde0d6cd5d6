"""Reads of the funding app. Every function takes ``fetched_by`` and applies the unit scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Model, QuerySet
from django.http import Http404

from coso.accounts.roles import Role
from coso.core.dbfunctions import IdsIn
from coso.core.params import FIRST_DAY, LAST_DAY
from coso.core.scoping import can_see_unit, get_scoped_or_404, require_roles, scoped
from coso.funding.engine import Allocation, CommuneInfo, CommuneResult, OrgInfo, Period, VillageInfo, allocate, cyclic_gc_paused
from coso.funding.models import ExtraWorkers, Organisation, Scenario
from coso.funding.rules import Change, RuleBook, RuleRef, bounds_problem, numeric_refs
from coso.units.models import AdministrativeUnit, Village

READ_ROLES = (Role.COMMUNE_FINANCE, Role.COMMUNE_LEADER, Role.PROVINCE_FINANCE, Role.PROVINCE_ADMIN, Role.SYSTEM_ADMIN)
PROVINCE_ROLES = (Role.PROVINCE_FINANCE, Role.PROVINCE_ADMIN, Role.SYSTEM_ADMIN)
# Province finance and administrators edit rules and scenarios; commune finance distributes its own funds.
WRITE_ROLES = PROVINCE_ROLES
DISTRIBUTE_ROLES = (Role.COMMUNE_FINANCE, Role.PROVINCE_FINANCE, Role.PROVINCE_ADMIN, Role.SYSTEM_ADMIN)


def check_day(value: dt.date | None, field: str) -> None:
    """Refuse a date outside the days the project works with (1/1/1900–31/12/2200, ``coso.core.params``) on its field:
    a norm or an adoption dated 31/12/9999 would be kept in the rule book, a distribution of 12/9999 saved."""
    if value is not None and not FIRST_DAY <= value <= LAST_DAY:
        from coso.funding import errors

        raise errors.DATE_OUT_OF_RANGE(first=FIRST_DAY.strftime("%d/%m/%Y"), last=LAST_DAY.strftime("%d/%m/%Y"), field=field)


def require_reader(user: Any) -> None:
    require_roles(user, *READ_ROLES)


def is_province_user(user: Any) -> bool:
    return bool(user.is_superuser or user.role in PROVINCE_ROLES)


def province_for(user: Any, province_code: str | None = None) -> str:
    """The province the user acts for; a system administrator may name any province."""
    require_reader(user)
    if user.is_superuser or user.role == Role.SYSTEM_ADMIN:
        code = province_code or user.province_code
        if not code:  # a national administrator without a province: the first province that has communes
            code = AdministrativeUnit.objects.filter(level="commune").order_by("province_code").values_list("province_code", flat=True).first() or ""
        if not code or not AdministrativeUnit.objects.filter(code=code, level="province").exists():
            raise Http404
        return code
    if province_code and province_code != user.province_code:
        raise Http404
    return user.province_code


def commune_get(*, fetched_by: Any, code: str) -> AdministrativeUnit:
    require_reader(fetched_by)
    commune = AdministrativeUnit.objects.filter(level="commune", code=code).first()
    if commune is None or not can_see_unit(fetched_by, province_code=commune.province_code, commune_code=commune.code):
        raise Http404
    return commune


def village_get(*, fetched_by: Any, pk: Any) -> Village:
    require_reader(fetched_by)
    return get_scoped_or_404(Village.objects.select_related("commune"), fetched_by, pk=pk)


def organisation_get(*, fetched_by: Any, pk: Any) -> Organisation:
    require_reader(fetched_by)
    return get_scoped_or_404(Organisation.objects.select_related("commune"), fetched_by, pk=pk)


# ----------------------------------------------------------------------------- plain data for the engine

ORG_ORDER = {"mttq": 0, "doan": 1, "phu_nu": 2, "nong_dan": 3, "ccb": 4, "association": 5}
COMMUNE_FIELDS = ("id", "code", "name", "province_code", "classification", "is_border_or_island", "is_difficult_area",
                  "is_security_hotspot", "valid_from", "valid_to")
VILLAGE_FIELDS = ("id", "commune_id", "name", "kind", "households", "is_border_or_island", "is_security_hotspot",
                  "converted_from_thon", "valid_from", "valid_to")


def _rows(qs: QuerySet) -> list[tuple]:
    """The rows of a ``values_list`` query straight from the cursor, without Django's per-value converters (a national
    allocation reads some 3,300 communes, 64,000 villages and 26,000 organisations). Both drivers return dates as dates
    (Django registers the sqlite3 converter); SQLite returns booleans as 0/1: callers make them booleans."""
    try:
        sql, params = qs.query.get_compiler(using=qs.db).as_sql()
    except EmptyResultSet:
        return []
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _village_rows(ids: list[int]) -> QuerySet:
    return Village.objects.filter(IdsIn("commune_id", ids)).order_by("commune_id", "name").values_list(*VILLAGE_FIELDS)


def _extra_rows(ids: list[int]) -> QuerySet:
    return ExtraWorkers.objects.filter(IdsIn("commune_id", ids)).order_by("commune_id", "valid_from").values_list("commune_id", "valid_from", "extra_pt_workers")


def _org_rows(ids: list[int]) -> QuerySet:
    return (Organisation.objects.filter(IdsIn("commune_id", ids), active=True).order_by("commune_id", "kind", "name")
            .values_list("id", "commune_id", "kind", "name", "association_code"))


_IDS_SENTINEL = -20_250_701  # no row has this id: it only marks the parameter that carries the ids
_compiled_reads: dict[tuple[str, str, Any], tuple[str, tuple, int]] = {}


def _rows_for_ids(model: type[Model], query: Any, ids: list[int]) -> list[tuple]:
    """The rows of ``query(ids)``, its SQL compiled once per database and run again with the ids of each batch: building
    and compiling the village and organisation querysets took a fifth of the time of reading them. Other databases
    compile every time (their SQL lists the ids)."""
    db = router.db_for_read(model)
    vendor = connections[db].vendor
    if vendor not in ("postgresql", "sqlite"):
        return _rows(query(ids))
    key = (db, vendor, query)
    compiled = _compiled_reads.get(key)
    if compiled is None:
        qs = query([_IDS_SENTINEL])
        sql, params = qs.query.get_compiler(using=qs.db).as_sql()
        marker = IdsIn.param(vendor, [_IDS_SENTINEL])
        compiled = _compiled_reads[key] = (sql, tuple(params), [i for i, p in enumerate(params) if p == marker][0])
    sql, params, at = compiled
    with connections[db].cursor() as cursor:
        cursor.execute(sql, (*params[:at], IdsIn.param(vendor, ids), *params[at + 1:]))
        return cursor.fetchall()


def commune_inputs(communes: QuerySet, *, batch: int = 400) -> Iterator[tuple[CommuneInfo, list[VillageInfo], list[OrgInfo]]]:
    """Stream (commune, villages, organisations) in batches of communes (bounded memory at national scale)."""
    rows = _rows(communes.order_by("code").values_list(*COMMUNE_FIELDS))
    for i in range(0, len(rows), batch):
        chunk = [CommuneInfo(cid, code, name, province_code, classification, bool(border), bool(difficult), bool(hotspot), valid_from, valid_to)
                 for cid, code, name, province_code, classification, border, difficult, hotspot, valid_from, valid_to in rows[i: i + batch]]
        ids = [c.id for c in chunk]
        extra: dict[int, list[tuple[dt.date, int]]] = {}
        for cid, since, n in _rows_for_ids(ExtraWorkers, _extra_rows, ids):
            extra.setdefault(cid, []).append((since, n))
        for c in chunk:
            c.extra_pt_periods = tuple(extra.get(c.id, ()))
        villages: dict[int, list[VillageInfo]] = {cid: [] for cid in ids}
        for vid, cid, name, kind, households, border, hotspot, converted, valid_from, valid_to in _rows_for_ids(Village, _village_rows, ids):
            villages[cid].append(VillageInfo(vid, cid, name, kind, households, bool(border), bool(hotspot), bool(converted), valid_from, valid_to))
        orgs: dict[int, list[OrgInfo]] = {cid: [] for cid in ids}
        for o in _rows_for_ids(Organisation, _org_rows, ids):
            orgs[o[1]].append(OrgInfo(*o))
        for c in chunk:
            yield c, villages[c.id], sorted(orgs[c.id], key=lambda o: (ORG_ORDER.get(o.kind, 9), o.name))


def extra_workers_history(*, fetched_by: Any, commune: AdministrativeUnit) -> list[ExtraWorkers]:
    """The commune's numbers of extra part-time workers, each with the date it applies from (oldest first)."""
    commune_get(fetched_by=fetched_by, code=commune.code)
    return list(ExtraWorkers.objects.filter(commune=commune).select_related("created_by").order_by("valid_from"))


def extra_workers_on(history: list[ExtraWorkers], day: dt.date) -> int:
    """The number in force on ``day`` among ``history`` (0 before the first date)."""
    n = 0
    for row in history:
        if row.valid_from > day:
            break
        n = row.extra_pt_workers
    return n


def scenario_changes(scenario: Scenario | None) -> list[Change]:
    if scenario is None:
        return []
    return [Change(ch.key, ch.mode, ch.value) for ch in scenario.changes.all()]


def allocation_compute(
    *, province_code: str, period: Period, commune_codes: list[str] | None = None, changes: list[Change] | None = None,
    detail: bool = True, book: RuleBook | None = None,
) -> Allocation:
    """Unscoped computation (callers check access)."""
    book = book or RuleBook.load(province_code, changes or [])
    qs = AdministrativeUnit.objects.filter(level="commune", province_code=province_code)
    if commune_codes is not None:
        qs = qs.filter(code__in=commune_codes)
    with cyclic_gc_paused():
        results: list[CommuneResult] = list(allocate(book, period, commune_inputs(qs), detail=detail))
    return Allocation(period=period, province_code=province_code, communes=results)


def allocation_get(
    *, fetched_by: Any, period: Period, province_code: str | None = None, commune_code: str | None = None,
    scenario: Scenario | None = None, detail: bool = True,
) -> Allocation:
    """The allocation the user may see: a province user the province (or one of its communes), a commune user its commune."""
    require_reader(fetched_by)
    if commune_code:
        commune = commune_get(fetched_by=fetched_by, code=commune_code)
        return allocation_compute(province_code=commune.province_code, period=period, commune_codes=[commune.code],
                                  changes=scenario_changes(scenario), detail=detail)
    if not is_province_user(fetched_by):
        # A commune user asking for "the province" gets their own commune.
        return allocation_get(fetched_by=fetched_by, period=period, commune_code=fetched_by.commune_code, scenario=scenario, detail=detail)
    code = province_for(fetched_by, province_code)
    return allocation_compute(province_code=code, period=period, changes=scenario_changes(scenario), detail=detail)


def rules_in_force(*, fetched_by: Any, day: dt.date, province_code: str | None = None) -> tuple[str, RuleBook]:
    require_reader(fetched_by)
    check_day(day, "date")
    code = province_code or fetched_by.province_code
    if not is_province_user(fetched_by):
        code = fetched_by.province_code
    code = province_for(fetched_by, code) if is_province_user(fetched_by) else code
    return code, RuleBook.load(code)


def rules_commune_code(user: Any) -> str:
    """The commune whose rules a user is shown: a commune user's own ("" for province users, who see the province's)."""
    return "" if is_province_user(user) else (user.commune_code or "")


def rule_history(*, fetched_by: Any, province_code: str, key: str | None = None) -> list[RuleRef]:
    """Every period of the funding rules (or of one key) that applies to the province: national and the province's own
    rows, and for a commune user their commune's own rows too (never another commune's)."""
    require_reader(fetched_by)
    commune_code = rules_commune_code(fetched_by)
    book = RuleBook.load(province_code)
    out = []
    for k in book.rule_keys(commune_code):
        if key and k != key:
            continue
        for r in book.index.rows(k):
            if r.province_code in ("", province_code) and r.commune_code in ("", commune_code):
                out.append(book._wrap(r))
    return out


def scenario_bound_problems(scenarios: Iterable[Scenario], *, on: dt.date | None = None) -> dict[int, list[str]]:
    """{scenario id: one line per change that takes a rule it matches (in force on ``on``, today by default) outside the
    bounds its declaration allows} for the scenarios that have such a change (saved before 28dc017, when nothing
    checked them). The engine cannot compute funds with such values: such a scenario is listed with the lines, left out
    of comparisons and never adopted."""
    from django.utils import timezone

    day = on or timezone.localdate()
    refs: dict[str, list[RuleRef]] = {}
    out: dict[int, list[str]] = {}
    for sc in scenarios:
        if sc.province_code not in refs:
            book = RuleBook.load(sc.province_code)
            refs[sc.province_code] = numeric_refs(book.in_force(day) + book.commune_rows_in_force(day))  # the communes' own rows too
        for ch in sc.changes.all():
            problem = bounds_problem(ch.key, ch.mode, ch.value, refs[sc.province_code])
            if problem:
                out.setdefault(sc.pk, []).append(f"{ch.label} — {problem}")
    return out


def _flagged(scenarios: list[Scenario]) -> list[Scenario]:
    """Each scenario with ``bound_problems`` (see :func:`scenario_bound_problems`; [] when its values are within bounds)."""
    problems = scenario_bound_problems(scenarios)
    for sc in scenarios:
        sc.bound_problems = problems.get(sc.pk, [])
    return scenarios


def scenario_list(*, fetched_by: Any) -> list[Scenario]:
    require_roles(fetched_by, *PROVINCE_ROLES)
    return _flagged(list(scoped(Scenario.objects.all(), fetched_by).prefetch_related("changes")))


def scenario_get(*, fetched_by: Any, pk: Any) -> Scenario:
    require_roles(fetched_by, *PROVINCE_ROLES)
    return _flagged([get_scoped_or_404(Scenario.objects.prefetch_related("changes"), fetched_by, pk=pk)])[0]


def rule_change_impact(key: str, province_code: str, commune_code: str, valid_from: dt.date) -> list[str]:
    """What a change of a funding rule from ``valid_from`` meets: fund distributions already saved keep their amounts;
    allocations are computed again with the new value for the months from the first month starting on or after it."""
    from django.utils.translation import gettext as _

    from coso.funding.models import FundDistribution

    out = []
    qs = FundDistribution.objects.filter(month__gte=valid_from.replace(day=1))
    if province_code:
        qs = qs.filter(province_code=province_code)
    if commune_code:
        qs = qs.filter(commune_code=commune_code)
    n = qs.count()
    if n:
        out.append(_("%(n)s bảng phân phối quỹ đã lưu từ tháng %(month)s giữ nguyên số tiền đã lưu; hãy lập lại nếu cần.")
                   % {"n": n, "month": valid_from.strftime("%m/%Y")})
    if valid_from.day != 1:
        out.append(_("Kinh phí tính theo tháng: mỗi tháng dùng quy định có hiệu lực ngày đầu tháng, nên giá trị mới áp dụng từ tháng sau."))
    return out

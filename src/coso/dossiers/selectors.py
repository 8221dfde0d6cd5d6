"""Reads on dossiers: always scoped to the caller (another unit's dossier answers 404)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from coso.accounts.roles import COMMUNE_ROLES, PROVINCE_ROLES, Role
from coso.core.masking import sees_full_citizen_id
from coso.core.params import FIRST_DAY, LAST_DAY, last_day_of_years
from coso.core.scoping import scope_unit
from coso.core.search import Marked, marked_citizen_id, search_filter
from coso.core.text import tokens
from coso.dossiers import errors
from coso.dossiers.constants import FINISHED_STATUSES, ONLINE_CHANNELS, REGISTER_MAX_YEARS, Channel, Satisfaction, Status, Timeliness
from coso.dossiers.models import Dossier, DossierApology, DossierEvent, DossierRating
from coso.units.lineage import current_code_expression
from coso.workcalendar import services as cal

SCOPE = {"owner_field": "owner"}


def dossier_qs() -> QuerySet:
    return Dossier.objects.select_related("procedure_version__procedure", "assignee")


def own_scope_q(user: Any, **scope: Any) -> Q:
    """The dossiers of ``user``'s unit (``coso.core.scoping.scope_q``, ``scope`` its fields, by default the citizen's own
    dossiers): for a commune's staff, without the dossiers of their commune code submitted while an ended commune of another
    lineage carried it (``coso.units.lineage.not_other_holders_q``), which are another commune's."""
    from coso.core.scoping import scope_q
    from coso.units.lineage import not_other_holders_q

    return scope_q(user, **(scope or SCOPE)) & not_other_holders_q(user)


def _one_or_404(qs: QuerySet, user: Any, pk: Any) -> Dossier:
    """One dossier of ``qs`` (already limited to what ``user`` reaches, save the dossiers of other holders of their
    commune code: checked on the row, ``coso.units.lineage.is_other_holders_record``, a query only for a dossier submitted
    before their commune came into force); anything else answers 404."""
    from coso.units.lineage import holder_since_expression, is_other_holders_record

    try:
        d = qs.annotate(holder_since=holder_since_expression()).get(pk=pk)
    except (Dossier.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if is_other_holders_record(user, d.commune_code, d.submitted_at, d.holder_since):
        raise Http404
    return d


def dossier_get(*, fetched_by: Any, pk: Any) -> Dossier:
    """One dossier to act on (its unit's, a citizen's own); anything else answers 404."""
    from coso.core.scoping import scope_q

    return _one_or_404(dossier_qs().filter(scope_q(fetched_by, **SCOPE)), fetched_by, pk)


# The columns of the API's detail answer (``api.DossierDetailOut``) and those its checks read on the row: the scope and
# another holder of the code (commune, owner, submission), the allowed actions (status, step, the rule book's scope and
# receipt day, the dates of an apology and of a closing, the procedure of a delegation). The dossier's other columns
# (the applicant's citizen id, address and e-mail, the note, the search key...) and the version's are not read.
DETAIL_FIELDS = (
    "code", "status", "applicant_name", "applicant_phone", "channel", "submitted_at", "received_at", "due_date", "due_at",
    "apology_due_date", "current_step", "current_step_name", "waiting_role", "assignee_id", "supplement_count",
    "paused_working_days", "finished_at", "timeliness", "version", "province_code", "commune_code", "agency_code", "owner_id",
    "answer_due_at", "forward_due_at", "close_due_date", "procedure_version__procedure__code", "procedure_version__procedure__name",
)


def dossier_detail(*, fetched_by: Any, pk: Any) -> Dossier:
    """dossier_read for the API's detail answer, which carries the assignee's id only: without the join on the
    assignee's account (the ``assignee`` attribute still loads on first use), and with the columns of the answer
    and of its checks only (:data:`DETAIL_FIELDS`; any other loads on first use). For staff, the row comes with whether
    a delegation to them covers today (``delegation_possible``, for that reader and day: ``delegation_possible_on``)."""
    qs = Dossier.objects.select_related("procedure_version__procedure").only(*DETAIL_FIELDS)
    day = timezone.localdate()
    staff = getattr(fetched_by, "is_authenticated", False) and fetched_by.is_active and fetched_by.role != Role.CITIZEN
    if staff:
        # Whether a delegation to the reader could let them approve today, read with the row: their allowed actions skip
        # the delegations' own query when there is none (``services._delegation_for``).
        from coso.accounts.services import delegation_possible_expression

        qs = qs.annotate(delegation_possible=delegation_possible_expression(fetched_by, day))
    d = dossier_read(fetched_by=fetched_by, pk=pk, queryset=qs)
    if staff:
        d.__dict__["delegation_possible_on"] = (fetched_by.pk, day)
    return d


# The columns of an event in the API's detail answer (``api.EventOut``).
EVENT_FIELDS = ("at", "action", "actor_name", "from_status", "to_status", "reason", "data")


def dossier_events(dossier: Dossier) -> list[dict[str, Any]]:
    """The events of a dossier already read (:func:`dossier_read`), oldest first, as the API's detail answer shows them."""
    return list(DossierEvent.objects.filter(dossier_id=dossier.pk).order_by("at", "id").values(*EVENT_FIELDS))


def read_scope_q(user: Any, *, other_holders: bool = True) -> Q:
    """The dossiers ``user`` may read: their unit's (``coso.core.scoping``) and, for a commune's (province's) staff, the
    dossiers of the old communes merged into it (into one of its communes), on 1/7/2025 or by a later merger, submitted
    before that reorganisation (``coso.units.lineage.predecessors_read_q``), which its register and statistics count; the
    indices and the figures by commune count the 1/7/2025 ones under it. Acting on a dossier
    keeps to its own commune (``services._check_scope``). The dossiers of their commune code submitted while an ended
    commune of another lineage carried it are that commune's successor's, not theirs (``coso.units.lineage``); with
    ``other_holders=False`` the caller checks them on the row (:func:`_one_or_404`)."""
    from coso.core.scoping import scope_q
    from coso.units.lineage import scope_with_predecessors_q

    return scope_with_predecessors_q(user, scope_q(user, **SCOPE), other_holders=other_holders)


def dossier_read(*, fetched_by: Any, pk: Any, queryset: QuerySet | None = None) -> Dossier:
    """One dossier to read (detail page, API GET, its forms and files): :func:`dossier_get` widened to the predecessors'
    dossiers (:func:`read_scope_q`); anything else answers 404.

    Nearly every read is of a dossier of the reader's own unit (their commune's, their province's, a citizen's own): it
    is looked for there first, a scope built without a query. Only when it is not found there (a predecessor's dossier,
    or a 404) are the windows of the communes taken over read (a query) and the dossier looked for in the wider scope,
    which holds the first: the same answer as in one step."""
    from coso.core.scoping import scope_q

    qs = dossier_qs() if queryset is None else queryset
    try:
        return _one_or_404(qs.filter(scope_q(fetched_by, **SCOPE)), fetched_by, pk)
    except Http404:
        pass
    return _one_or_404(qs.filter(read_scope_q(fetched_by, other_holders=False)), fetched_by, pk)


def dossier_list(*, fetched_by: Any, query: str = "", status: str = "", procedure_code: str = "") -> QuerySet:
    qs = dossier_qs().filter(own_scope_q(fetched_by))
    if status:
        qs = qs.filter(status=status)
    if procedure_code:
        qs = qs.filter(procedure_version__procedure__code=procedure_code)
    if query.strip():
        qs = _search(qs, fetched_by, query)
    return qs


# A citizen id as typed in a search: 12 digits (CCCD) or 9 (the old CMND). Phone numbers (10 digits for a mobile, 11
# for a landline: 02x and 8 digits) and dossier codes stay plain words, searchable for everyone: the citizen id is
# indexed under its own marker, which a plain word never matches, whole or by its first digits.
_IDENTITY_NUMBER = re.compile(r"[0-9]{9}|[0-9]{12}", re.ASCII)


def _search_terms(fetched_by: Any, query: str) -> tuple[str, list[Marked]]:
    """(the plain words, the citizen ids) of a search. The index keeps the applicant's citizen id under its own marker
    (services.index_texts), which a plain word never matches, not even by its first digits: only who sees citizen
    ids in full (Decree 13/2023: ``User.sees_personal_data``) searches by one, with a word of 9 or 12 digits
    (matched by prefix: 9 digits find an old CMND or a CCCD beginning with them). Anyone else is refused such a word: the list would confirm which applicant a number belongs
    to, the full number the page hides from them."""
    words = tokens(query)
    ids = [w for w in words if _IDENTITY_NUMBER.fullmatch(w)]
    if not ids:
        return query, []
    if not sees_full_citizen_id(fetched_by):
        raise errors.SEARCH_BY_CITIZEN_ID()
    return " ".join(w for w in words if w not in ids), [marked_citizen_id(w) for w in ids]


def is_citizen_id_search(fetched_by: Any, query: str) -> bool:
    """Whether a search reads citizen ids (see _search_terms): the caller logs the read (core.masking.log_personal_list_read)."""
    return sees_full_citizen_id(fetched_by) and any(_IDENTITY_NUMBER.fullmatch(w) for w in tokens(query))


def _search(qs: QuerySet, fetched_by: Any, query: str) -> QuerySet:
    plain, ids = _search_terms(fetched_by, query)
    return search_filter(qs, kind="dossier", query=plain, marked=ids, **scope_unit(fetched_by))


def my_dossiers(*, fetched_by: Any) -> QuerySet:
    if not getattr(fetched_by, "is_authenticated", False):
        return Dossier.objects.none()
    return dossier_qs().filter(owner=fetched_by).order_by("-submitted_at")


@dataclass
class Inbox:
    mine: QuerySet
    near: QuerySet
    overdue: QuerySet
    warnings: QuerySet
    today: dt.date
    # Intake deadlines of Decree 118/2025: online dossiers to accept or return (Art. 17(2)), paper dossiers to hand to the
    # competent body (Art. 18(2)), dossiers whose supplement period is over (to close, Art. 19(5)); soonest first.
    intake: QuerySet | None = None


def _waiting_for(user: Any) -> Q:
    return Q(assignee=user) | Q(assignee__isnull=True, waiting_role=user.role)


def _inbox_filters(fetched_by: Any, *, near_days: int | None, warn_days: int) -> tuple[QuerySet, dict[str, Q | None], dt.date]:
    """The open dossiers of the officer's unit and the condition of each inbox list over them (None: every one)."""
    today = timezone.localdate()
    base = dossier_qs().filter(own_scope_q(fetched_by, owner_field=None), is_open=True)
    role = getattr(fetched_by, "role", None)
    mine = _waiting_for(fetched_by) if role in COMMUNE_ROLES or role == Role.COMMUNE_LEADER else None
    # The date conditions come before the status one: most open dossiers fail them, and the database then skips the
    # text comparison (a count evaluates every list's condition on every open dossier of the unit, see inbox_counts).
    running = ~Q(status__in=[Status.SUPPLEMENT_REQUESTED, Status.ONLINE_SUBMITTED])
    # The windows count the working days of the officer's province, as the appointments were counted (its own days off).
    p = getattr(fetched_by, "province_code", "") or ""
    if near_days is not None:
        limit_day = cal.add_working_days(today, max(0, int(near_days)), province_code=p)
        near = Q(due_date__gte=today) & Q(due_date__lte=limit_day) & running
    else:
        near = Q(due_date__gte=today) & Q(near_date__lte=today) & running
    warn_limit = cal.add_working_days(today, max(1, warn_days), province_code=p)
    intake = (
        Q(status=Status.ONLINE_SUBMITTED, answer_due_at__isnull=False)
        | Q(status=Status.RECEIVED, current_step=1, forward_due_at__isnull=False)
        | Q(status=Status.SUPPLEMENT_REQUESTED, close_due_date__lt=today)
    )
    return base, {
        "mine": mine,
        "near": near,
        "overdue": Q(due_date__lt=today) & running,
        "warnings": Q(due_date__gt=today) & Q(due_date__lte=warn_limit) & Q(apology_due_date__isnull=True) & running,
        "intake": intake,
    }, today


def inbox(*, fetched_by: Any, query: str = "", near_days: int | None = None, warn_days: int = 2, limit: int | None = None) -> Inbox:
    """What waits for the officer (personally or for their role), near the deadline, overdue.

    ``near_days``: near = due within N working days; by default the last 40 % of the time limit.
    """
    base, where, today = _inbox_filters(fetched_by, near_days=near_days, warn_days=warn_days)
    mine = base if where["mine"] is None else base.filter(where["mine"])
    if query.strip():
        mine = _search(dossier_qs().filter(own_scope_q(fetched_by, owner_field=None)), fetched_by, query)
    order = ["due_date", "id"]
    lists = [q.order_by(*order) for q in (mine, base.filter(where["near"]), base.filter(where["overdue"]), base.filter(where["warnings"]))]
    intake = (
        base.filter(where["intake"])
        .annotate(intake_due=Coalesce("answer_due_at", "forward_due_at"))
        .order_by(F("intake_due").asc(nulls_first=True), "id")
    )
    if limit is not None:
        lists = [q[:limit] for q in lists]
        intake = intake[:limit]
    return Inbox(mine=lists[0], near=lists[1], overdue=lists[2], warnings=lists[3], today=today, intake=intake)


def inbox_counts(*, fetched_by: Any) -> dict[str, int]:
    """How many dossiers each list of :func:`inbox` holds (mine, near, overdue, warnings, intake): one pass over the
    unit's open dossiers instead of a count per list."""
    base, where, _today = _inbox_filters(fetched_by, near_days=None, warn_days=2)
    counts = {name: Count("pk", filter=q) if q is not None else Count("pk") for name, q in where.items()}
    return {name: int(n or 0) for name, n in base.order_by().aggregate(**counts).items()}


def public_lookup(*, code: str, phone_suffix: str) -> Dossier | None:
    """Public status: the code and the last 4 digits of the phone must both match; nothing otherwise."""
    code = (code or "").strip().upper()
    digits = "".join(ch for ch in (phone_suffix or "") if ch.isdigit())
    if not code or len(digits) != 4:
        return None
    d = dossier_qs().filter(code=code).first()
    if d is None or d.phone_suffix != digits:
        return None
    return d


LOOKUP_WINDOW_SECONDS = 3600


def public_lookup_limited(*, code: str, phone_suffix: str, client: str) -> Dossier | None:
    """``public_lookup`` with the limits that keep the 4-digit suffix from being guessed.

    Only failures count, in the cache every web process shares (coso.core.ratelimit), per client
    address (coso.core.security.client_ip: the proxy's X-Forwarded-For when BEHIND_PROXY) and per
    dossier code:
    - a client with LOOKUP_MAX_FAILURES failures in the hour must wait (its own correct look-ups too,
      or guessing would simply go on);
    - a code with LOOKUP_MAX_FAILURES_PER_CODE failures in the hour (guessed from many addresses)
      refuses the clients that already failed on it; a citizen who has not is still answered, so
      other people's failures never lock the owner out of their own dossier.
    Raises ApplicationError 429 (code "too-many-attempts") when refused, and 400 ("invalid-phone") before anything is
    counted when the phone is not 4 digits (a typing slip, not a guess: the page's form refuses it the same way).
    """
    from django.conf import settings

    from coso.core import ratelimit

    if len("".join(ch for ch in (phone_suffix or "") if ch.isdigit())) != 4:
        raise errors.LOOKUP_PHONE()
    norm = (code or "").strip().upper()[:60]
    pair = f"{norm}\n{client}"
    if ratelimit.count("lookup-client", client) >= settings.LOOKUP_MAX_FAILURES or (
        ratelimit.count("lookup-code", norm) >= settings.LOOKUP_MAX_FAILURES_PER_CODE and ratelimit.count("lookup-pair", pair) > 0
    ):
        raise errors.TOO_MANY_ATTEMPTS()
    dossier = public_lookup(code=code, phone_suffix=phone_suffix)
    if dossier is None:
        ratelimit.hit("lookup-client", client, seconds=LOOKUP_WINDOW_SECONDS)
        if norm:
            ratelimit.hit("lookup-code", norm, seconds=LOOKUP_WINDOW_SECONDS)
            ratelimit.hit("lookup-pair", pair, seconds=LOOKUP_WINDOW_SECONDS)
    return dossier


def public_events(dossier: Dossier) -> list[dict[str, Any]]:
    """Status history without officers' names or reasons that could carry personal data."""
    out = []
    for e in dossier.events.order_by("at", "id"):
        if e.to_status and (e.to_status != e.from_status or e.action == "apology"):
            out.append({"at": e.at, "status": Status(e.to_status).label if e.to_status in Status.values else e.to_status, "action": e.action})
    return out


def supplement_close_date(dossier: Dossier) -> dt.date | None:
    """For a dossier awaiting a supplement, the last day to supply it (the date Mẫu 02 gives: past it the dossier is
    closed, Decree 118/2025 Art. 19(5)); None otherwise, or when the regime of its receipt sets no such day."""
    if dossier.status != Status.SUPPLEMENT_REQUESTED:
        return None
    return dossier.close_due_date


def masked_name(name: str) -> str:
    parts = name.split()
    if not parts:
        return ""
    return " ".join([p[0] + "*" * (len(p) - 1) for p in parts[:-1]] + [parts[-1]])


def apology_warnings(*, fetched_by: Any, days: int = 2) -> QuerySet:
    return inbox(fetched_by=fetched_by, warn_days=days).warnings


# ---------------------------------------------------------------- statistics
def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The instants [start 00:00, the day after end 00:00) in local time, for ``received_at >= a and received_at < b``.

    Safe for any date (an open-ended caller passes date.min or date.max): both ends are kept within the days the
    project works with (``coso.core.params``: 1/1/1900 to 31/12/2200, nothing is dated outside them), so that the day
    after 31/12/9999 is never computed and the midnight of 1/1/0001 is never taken to UTC. A period wholly outside that
    span gives an empty range (a == b); within it, the range is the period's own.
    """
    lo, hi = FIRST_DAY, LAST_DAY + dt.timedelta(days=1)
    first = min(max(start, lo), hi)
    after = hi if end >= LAST_DAY else max(end + dt.timedelta(days=1), lo)
    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(first, dt.time.min, tzinfo=tz), dt.datetime.combine(max(after, first), dt.time.min, tzinfo=tz))


def reads_reports(user: Any) -> bool:
    """Whether ``user`` may read the statistics and the register of dossiers: staff of a commune or a province, and
    system administrators (the pages answer 404 to anyone else, the API 403). A citizen's scope would only
    ever give an empty report."""
    return bool(user.is_authenticated and (user.is_superuser or user.role in COMMUNE_ROLES or user.role in PROVINCE_ROLES or user.role == Role.SYSTEM_ADMIN))


def _scoped_stats(fetched_by: Any, commune_code: str = "") -> QuerySet:
    # with the predecessors' dossiers from before 1/7/2025, which the commune's (province's) figures count
    qs = Dossier.objects.filter(read_scope_q(fetched_by))
    if commune_code:
        # The commune and, before 1/7/2025, the old communes counted under it: the figures of its row grouped by commune.
        from coso.units.lineage import commune_with_predecessors_q

        qs = qs.filter(commune_with_predecessors_q(commune_code))
    return qs


def stats(*, fetched_by: Any, start: dt.date, end: dt.date, commune_code: str = "", procedure_code: str = "", group_by: str = "") -> dict[str, Any]:
    """Counts for a period (received in / finished in), optionally broken down by commune or procedure."""
    a, b = period_bounds(start, end)
    qs = _scoped_stats(fetched_by, commune_code)
    if procedure_code:
        qs = qs.filter(procedure_version__procedure__code=procedure_code)
    received_q = Q(received_at__gte=a, received_at__lt=b)
    finished_q = Q(finished_at__gte=a, finished_at__lt=b)
    agg = dict(
        received=Count("id", filter=received_q),
        # Every online channel (the national portal and VNeID); Decision 766 indicator 3.3 (index_fact_queries) counts the portal's only.
        online=Count("id", filter=received_q & Q(channel__in=ONLINE_CHANNELS)),
        finished=Count("id", filter=finished_q & ~Q(timeliness="")),
        early=Count("id", filter=finished_q & Q(timeliness=Timeliness.EARLY)),
        on_time=Count("id", filter=finished_q & Q(timeliness=Timeliness.ON_TIME)),
        late=Count("id", filter=finished_q & Q(timeliness=Timeliness.LATE)),
        refused=Count("id", filter=finished_q & Q(status=Status.REFUSED)),
        supplemented=Count("id", filter=received_q & Q(supplement_count__gt=0)),
        pending=Count("id", filter=Q(received_at__lt=b) & (Q(finished_at__isnull=True) | Q(finished_at__gte=b)) & Q(received_at__isnull=False)),
        pending_overdue=Count("id", filter=Q(is_open=True, due_date__lt=timezone.localdate(), received_at__lt=b)),
        avg_days=Avg("processing_working_days", filter=finished_q),
    )
    rows: list[dict[str, Any]] = []
    total = qs.aggregate(**agg)
    if group_by == "commune":
        # Dossiers submitted before 1/7/2025 to an old commune count under the current commune.
        rows = list(qs.annotate(unit_code=current_code_expression("commune_code", "submitted_at")).values("unit_code").annotate(**agg).order_by("unit_code"))
        for r in rows:
            r["commune_code"] = r.pop("unit_code")
    elif group_by == "procedure":
        rows = list(qs.values("procedure_version__procedure__code", "procedure_version__procedure__name").annotate(**agg).order_by("procedure_version__procedure__code"))
    ap = DossierApology.objects.filter(dossier__in=qs, issued_at__gte=a, issued_at__lt=b).count()
    ratings = DossierRating.objects.filter(dossier__in=qs, rated_at__gte=a, rated_at__lt=b).values("level").annotate(n=Count("id"))
    rating_counts = {r["level"]: r["n"] for r in ratings}
    total["apologies"] = ap
    total["ratings"] = {lvl: rating_counts.get(lvl, 0) for lvl in Satisfaction.values}
    n_ratings = sum(rating_counts.values())
    total["satisfaction_rate"] = (
        (rating_counts.get(Satisfaction.VERY_SATISFIED, 0) + rating_counts.get(Satisfaction.SATISFIED, 0)) / n_ratings * 100 if n_ratings else None
    )
    for row in [total, *rows]:
        row["online_share"] = row["online"] / row["received"] * 100 if row["received"] else None
        row["on_time_rate"] = (row["early"] + row["on_time"]) / row["finished"] * 100 if row["finished"] else None
        row["avg_days"] = round(row["avg_days"], 1) if row["avg_days"] is not None else None
    monthly = list(
        qs.filter(received_q).annotate(m=TruncMonth("received_at")).values("m").annotate(
            received=Count("id"), late=Count("id", filter=Q(timeliness=Timeliness.LATE)),
            ok=Count("id", filter=Q(timeliness__in=[Timeliness.EARLY, Timeliness.ON_TIME])),
        ).order_by("m")
    )
    return {"total": total, "rows": rows, "monthly": monthly, "start": start, "end": end}


def officer_dossier_stats(user_ids: list[int], period: tuple[dt.date, dt.date]) -> dict[int, dict[str, int]]:
    """For the workforce evaluation: per officer, dossiers they handled that finished in ``period``.

    Returns {user_id: {"handled": n, "on_time": n (early + on time), "late": n}}. A dossier counts for
    every officer who took an action on it (an event), once per officer. Unscoped on purpose: the
    caller (workforce module) passes user ids it is allowed to evaluate.
    """
    a, b = period_bounds(*period)
    out = {int(u): {"handled": 0, "on_time": 0, "late": 0} for u in user_ids}
    if not out:
        return out
    pairs = (
        DossierEvent.objects.filter(actor_id__in=list(out), dossier__finished_at__gte=a, dossier__finished_at__lt=b)
        .exclude(dossier__timeliness="")
        .values("actor_id", "dossier_id", "dossier__timeliness").distinct()
    )
    for p in pairs:
        row = out[p["actor_id"]]
        row["handled"] += 1
        if p["dossier__timeliness"] in (Timeliness.EARLY, Timeliness.ON_TIME):
            row["on_time"] += 1
        else:
            row["late"] += 1
    return out


def check_register_period(start: dt.date, end: dt.date) -> None:
    """The register's period: the start on or before the end, at most three years."""
    if start > end:
        raise errors.INVALID_PERIOD(details={"fields": {"start": [_("Phải trước hoặc bằng ngày kết thúc.")]}})
    if end > last_day_of_years(start, REGISTER_MAX_YEARS):
        raise errors.PREPARE_INVALID_PERIOD(details={"fields": {"start": [_("Khoảng thời gian tối đa %(years)s năm.") % {"years": REGISTER_MAX_YEARS}]}})


def check_period_days(**days: dt.date | None) -> None:
    """Each day of a period within the days the project works with (``coso.core.params``), refused on its field as the
    pages' forms do (``validate_day``): a year earlier than 1/1/0001 or the day after 31/12/9999 cannot be computed."""
    for name, day in days.items():
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise errors.DATE_OUT_OF_RANGE(first=FIRST_DAY.strftime("%d/%m/%Y"), last=LAST_DAY.strftime("%d/%m/%Y"), field=name)


def register_rows(*, fetched_by: Any, start: dt.date, end: dt.date, commune_code: str = "") -> QuerySet:
    """The register (Mẫu 07 from 1/7/2025, Mẫu 06 before): dossiers received in the period, in code order."""
    a, b = period_bounds(start, end)
    qs = _scoped_stats(fetched_by, commune_code).filter(received_at__gte=a, received_at__lt=b)
    return qs.select_related("procedure_version__procedure").order_by("received_at", "id")


def finished_statuses() -> frozenset[str]:
    return FINISHED_STATUSES


# ---------------------------------------------------------------- Decision 766 index facts (for coso.indices)
# The indices app reads dossiers only through these functions. A "fact" is one indicator's
# numerator and denominator for one current commune (records of old communes dated before 1/7/2025
# count under the successor) and, with ``by_day``, one local day.
INDEX_FACTS_BY_RECEIPT = ("3.3", "4.2")
INDEX_FACTS_BY_FINISH = ("2.1", "4.1", "5.4")


def _index_unit_filter(qs: QuerySet, units: list[str] | None) -> QuerySet:
    from coso.core.dbfunctions import ByteOrder

    qs = qs.annotate(unit_code=ByteOrder(current_code_expression("commune_code", "submitted_at")))
    if units is None:
        return qs
    from coso.units.lineage import commune_with_predecessors_q

    # The commune code (and its predecessors' before 1/7/2025) in the WHERE clause, so that the
    # (commune_code, received_at / finished_at) indexes are used.
    where = Q(pk__in=[])
    for unit in units:
        where |= commune_with_predecessors_q(unit)
    return qs.filter(where).filter(unit_code__in=list(units))


def index_fact_queries(*, day_from: dt.date | None = None, day_to: dt.date | None = None, units: list[str] | None = None,
                       by_day: bool = True, from_rows: bool = False) -> list[tuple[QuerySet, dict[str, tuple[str, str]]]]:
    """The Decision 766/QĐ-TTg facts from dossiers as grouped queries, unscoped (the caller publishes only aggregates).

    Each item is (values query with columns ``unit_code``, ``prov``, ``day`` (with ``by_day``) and counts,
    {indicator: (numerator column, denominator column)}), so that a caller may run it or insert it
    set-based (``INSERT … SELECT``) without reading the rows:
    - 3.3 received online ÷ received (day of receipt);
    - 4.2 received with the dossier's components attached as files ÷ received (day of receipt);
    - 2.1 finished early or on time ÷ finished (day processing ended: result ready, refused, stopped, withdrawn);
    - 4.1 finished with a result carrying an electronic result file ÷ finished with a result;
    - 5.4 finished neither late nor rated "not satisfied" ÷ finished (100 % − late rate − dislike rate).

    Files and ratings are read from the flags the dossier keeps of its rows (``Dossier.has_input_files``,
    ``has_result_file``, ``rating_level``); with ``from_rows`` from the attachment and rating rows themselves (the full
    recount that checks the rollups, and so the flags too).
    """
    from django.db.models import Max

    from coso.core.dbfunctions import LocalDate
    from coso.dossiers.models import row_flag_expressions

    base = Dossier.objects.all()
    if from_rows:
        base = base.alias(**{f"{name}_rows": expression for name, expression in row_flag_expressions().items()})
    has_input = Q(has_input_files_rows=True) if from_rows else Q(has_input_files=True)
    has_result = Q(has_result_file_rows=True) if from_rows else Q(has_result_file=True)
    disliked = Q(rating_level_rows=Satisfaction.UNSATISFIED) if from_rows else Q(rating_level=Satisfaction.UNSATISFIED)
    keys = ["unit_code", "day"] if by_day else ["unit_code"]

    # By day of receipt.
    qs = _index_unit_filter(base.filter(received_at__isnull=False), units)
    if day_from or day_to:
        a, b = period_bounds(day_from or dt.date(1900, 1, 1), day_to or dt.date(9999, 12, 30))
        qs = qs.filter(received_at__gte=a, received_at__lt=b)
    if by_day:
        qs = qs.annotate(day=LocalDate("received_at"))
    received = qs.values(*keys).annotate(
        received=Count("id"), online=Count("id", filter=Q(channel=Channel.ONLINE)),
        digitised=Count("id", filter=has_input), prov=Max("province_code"),
    ).order_by()

    # By day processing ended.
    qs = _index_unit_filter(base.filter(finished_at__isnull=False), units)
    if day_from or day_to:
        a, b = period_bounds(day_from or dt.date(1900, 1, 1), day_to or dt.date(9999, 12, 30))
        qs = qs.filter(finished_at__gte=a, finished_at__lt=b)
    if by_day:
        qs = qs.annotate(day=LocalDate("finished_at"))
    timed = ~Q(timeliness="")
    ok = Q(timeliness__in=[Timeliness.EARLY, Timeliness.ON_TIME])
    with_result = Q(status__in=[Status.RESULT_READY, Status.RETURNED])
    finished = qs.values(*keys).annotate(
        finished=Count("id", filter=timed), ok=Count("id", filter=ok), satisfied=Count("id", filter=ok & ~disliked),
        results=Count("id", filter=with_result), e_results=Count("id", filter=with_result & has_result), prov=Max("province_code"),
    ).order_by()
    return [
        (received, {"3.3": ("online", "received"), "4.2": ("digitised", "received")}),
        (finished, {"2.1": ("ok", "finished"), "4.1": ("e_results", "results"), "5.4": ("satisfied", "finished")}),
    ]


def run_fact_queries(queries: list[tuple[QuerySet, dict[str, tuple[str, str]]]]) -> list[dict[str, Any]]:
    """Rows {unit_code, province_code, day (None unless by day), indicator, numerator, denominator} of fact queries."""
    out: list[dict[str, Any]] = []
    for qs, indicators in queries:
        for r in qs:
            common = {"unit_code": r["unit_code"], "province_code": r["prov"], "day": r.get("day")}
            for code, (num, den) in indicators.items():
                out.append({**common, "indicator": code, "numerator": r[num], "denominator": r[den]})
    return out


def index_facts(*, day_from: dt.date | None = None, day_to: dt.date | None = None, units: list[str] | None = None,
                by_day: bool = True) -> list[dict[str, Any]]:
    """The rows of :func:`index_fact_queries` (see there for the formulas), counted from the attachment and rating rows
    themselves (``from_rows``): the full recount the rollups are checked against."""
    return run_fact_queries(index_fact_queries(day_from=day_from, day_to=day_to, units=units, by_day=by_day, from_rows=True))


def index_usage_query(*, day_from: dt.date | None = None, day_to: dt.date | None = None, units: list[str] | None = None,
                      by_day: bool = True) -> QuerySet:
    """Dossiers received online, per current commune, procedure and (with ``by_day``) local day of receipt: what
    indicator 3.2 (online services that received a dossier) is counted from. Unscoped (the caller publishes only
    aggregates). A values query with columns ``unit_code``, ``prov``, ``day``, ``procedure_code`` and ``dossiers``,
    to run or to insert set-based. "Online" is the channel indicator 3.3 counts (the national portal)."""
    from django.db.models import Max

    from coso.core.dbfunctions import LocalDate

    qs = _index_unit_filter(Dossier.objects.filter(received_at__isnull=False, channel=Channel.ONLINE), units)
    if day_from or day_to:
        a, b = period_bounds(day_from or dt.date(1900, 1, 1), day_to or dt.date(9999, 12, 30))
        qs = qs.filter(received_at__gte=a, received_at__lt=b)
    keys = ["unit_code", "procedure_code"]
    if by_day:
        qs = qs.annotate(day=LocalDate("received_at"))
        keys.append("day")
    qs = qs.annotate(procedure_code=F("procedure_version__procedure__code"))
    return qs.values(*keys).annotate(dossiers=Count("id"), prov=Max("province_code")).order_by()


def index_usage(*, day_from: dt.date | None = None, day_to: dt.date | None = None, units: list[str] | None = None,
                by_day: bool = True) -> list[dict[str, Any]]:
    """The rows of :func:`index_usage_query`: {unit_code, province_code, day (None unless by day), procedure_code, dossiers}."""
    return [
        {"unit_code": r["unit_code"], "province_code": r["prov"], "day": r.get("day"), "procedure_code": r["procedure_code"], "dossiers": r["dossiers"]}
        for r in index_usage_query(day_from=day_from, day_to=day_to, units=units, by_day=by_day)
    ]


def index_usage_counts(*, fetched_by: Any, commune_code: str, start: dt.date, end: dt.date) -> dict[str, int]:
    """{procedure code: dossiers received online in the period} of a commune (and its predecessors), scoped to the
    viewer: the figures beside the procedures behind indicator 3.2 (drill-down)."""
    from coso.units.lineage import commune_history_scope_q, commune_with_predecessors_q

    a, b = period_bounds(start, end)
    qs = (Dossier.objects.filter(commune_history_scope_q(fetched_by, commune_code)).filter(commune_with_predecessors_q(commune_code))
          .filter(channel=Channel.ONLINE, received_at__gte=a, received_at__lt=b))
    rows = qs.values("procedure_version__procedure__code").annotate(n=Count("id")).order_by()
    return {r["procedure_version__procedure__code"]: r["n"] for r in rows}


def index_dirty_keys(*, since: dt.datetime | None = None, pks: list[int] | None = None) -> set[tuple[str, dt.date]]:
    """(current commune, local day) pairs whose facts may have changed: dossiers updated since ``since``
    (or the dossiers ``pks``)."""
    qs = Dossier.objects.filter(pk__in=pks) if pks is not None else Dossier.objects.filter(updated_at__gte=since)
    qs = qs.annotate(unit_code=current_code_expression("commune_code", "submitted_at"))
    out: set[tuple[str, dt.date]] = set()
    for unit, received, finished in qs.values_list("unit_code", "received_at", "finished_at").iterator():
        for moment in (received, finished):
            if moment is not None:
                out.add((unit, timezone.localtime(moment).date()))
    return out


def index_dossiers(*, fetched_by: Any, commune_code: str, indicator: str, start: dt.date, end: dt.date, missed: bool = True) -> QuerySet:
    """The dossiers behind a commune's Decision 766 figure, scoped to the viewer (drill-down).

    ``missed``: only those that count against the indicator (late, not online, no file attached…);
    otherwise every dossier in its denominator. An unknown indicator gives no rows.
    """
    from django.db.models import Exists, OuterRef

    from coso.dossiers.models import DossierAttachment
    from coso.units.lineage import commune_history_scope_q, commune_with_predecessors_q

    a, b = period_bounds(start, end)
    # the commune's history: its predecessors' dossiers before 1/7/2025 count in its figure (``index_fact_queries``)
    qs = dossier_qs().filter(commune_history_scope_q(fetched_by, commune_code)).filter(commune_with_predecessors_q(commune_code))
    timed = ~Q(timeliness="")
    ok = Q(timeliness__in=[Timeliness.EARLY, Timeliness.ON_TIME])
    with_result = Q(status__in=[Status.RESULT_READY, Status.RETURNED])
    if indicator in INDEX_FACTS_BY_RECEIPT:
        qs = qs.filter(received_at__gte=a, received_at__lt=b)
        if missed and indicator == "3.3":
            qs = qs.exclude(channel=Channel.ONLINE)
        elif missed:
            qs = qs.exclude(Exists(DossierAttachment.objects.filter(dossier=OuterRef("pk"), kind=DossierAttachment.Kind.INPUT)))
        return qs.order_by("received_at", "id")
    if indicator in INDEX_FACTS_BY_FINISH:
        qs = qs.filter(finished_at__gte=a, finished_at__lt=b)
        if indicator == "4.1":
            qs = qs.filter(with_result)
            if missed:
                qs = qs.exclude(Exists(DossierAttachment.objects.filter(dossier=OuterRef("pk"), kind=DossierAttachment.Kind.RESULT)))
        else:
            qs = qs.filter(timed)
            if missed and indicator == "2.1":
                qs = qs.exclude(ok)
            elif missed:
                qs = qs.exclude(ok & ~Q(rating__level=Satisfaction.UNSATISFIED))
        return qs.order_by("finished_at", "id")
    return qs.none()

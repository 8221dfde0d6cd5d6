"""Reads of the feedback app: public listing, moderation queue, figures per commune and per officer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Avg, BooleanField, Case, Count, Q, QuerySet, Value, When
from django.utils import timezone

from coso.core.scoping import scope_unit
from coso.core.search import search_filter
from coso.core.security import same_secret
from coso.feedback.models import Feedback, FeedbackCategory, FeedbackEvent, ResponseTemplate
from coso.feedback.services import SEARCH_KIND, forward_overdue_q
from coso.units.lineage import current_code_expression

PUBLIC_STATUSES = {
    "processing": [Feedback.Status.PROCESSING, Feedback.Status.INFO_REQUESTED, Feedback.Status.ANSWERED],
    "answered": [Feedback.Status.CLOSED],
    "forwarded": [Feedback.Status.FORWARDED],
}


def category_list(*, active_only: bool = True) -> QuerySet:
    qs = FeedbackCategory.objects.all()
    return qs.filter(is_active=True) if active_only else qs


def late_q(today: dt.date | None = None) -> Q:
    """Late: marked late by a service, or still open/unpublished past its deadline."""
    today = today or timezone.localdate()
    return (Q(late=True) | Q(status__in=Feedback.OPEN_STATUSES, answer_due__lt=today)
            | Q(status=Feedback.Status.ANSWERED, publish_due__lt=today))


def public_qs() -> QuerySet:
    # ``__in=[...]`` compiles to "= 1" / "= 0": SQLite's planner needs equalities to walk the
    # (is_public, hidden, published_at) index in order; a bare boolean column it cannot use.
    return Feedback.objects.filter(is_public__in=[True], hidden__in=[False])


def feedback_public_list(
    *,
    query: str = "",
    province_code: str = "",
    commune_code: str = "",
    category_code: str = "",
    status: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    for_capped_page: bool = False,
) -> QuerySet:
    """The public list, newest first. ``for_capped_page``: the caller shows a page and counts up
    to a cap (coso.core.paging), as the public page does with a text query (see search_filter)."""
    qs = public_filtered(query=query, province_code=province_code, commune_code=commune_code, category_code=category_code,
                         status=status, date_from=date_from, date_to=date_to, for_capped_page=for_capped_page)
    # No JOIN: with one, SQLite picks the category index and sorts every public row (2 s at 1M rows).
    return qs.prefetch_related("category").order_by("-published_at", "-id")


def public_filtered(
    *,
    query: str = "",
    province_code: str = "",
    commune_code: str = "",
    category_code: str = "",
    status: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    for_capped_page: bool = False,
) -> QuerySet:
    """The published items matching the public filter, unordered (for listing and for aggregates;
    ``for_capped_page`` only for a page with a capped count, see search_filter)."""
    qs = public_qs()
    if province_code:
        qs = qs.filter(province_code=province_code)
    search_commune = commune_code
    if commune_code:
        # the commune and the communes merged into it, their items dated while they carried their codes (as its figures)
        from coso.units.lineage import commune_with_predecessors_q

        own = Q(commune_code=commune_code)
        where = commune_with_predecessors_q(commune_code)  # the commune's own code alone when it has no predecessor
        qs = qs.filter(where)
        if where != own:
            search_commune = ""  # the predecessors' items are indexed under their own codes: read the index wider
    if category_code:
        qs = qs.filter(category__code=category_code)
    if status in PUBLIC_STATUSES:
        qs = qs.filter(status__in=PUBLIC_STATUSES[status])
    if date_from:
        qs = qs.filter(_on_or_after("published_at", date_from))
    if date_to:
        qs = qs.filter(_on_or_before("published_at", date_to))
    if query:
        qs = search_filter(qs, kind=SEARCH_KIND, query=query, for_capped_page=for_capped_page, province_code=province_code,
                           commune_code=search_commune)
    return qs


def public_commune_stats(**filters: Any) -> list[dict[str, Any]]:
    """The 766 table of the public page: every published item of the filter, per commune, whatever the page shown. A
    commune's figures count its predecessors' items too (``commune_stats``)."""
    commune = filters.pop("commune_code", "")
    return commune_stats(base=public_filtered(**filters), commune_codes=[commune] if commune else None)


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _on_or_after(field: str, day: dt.date) -> Q:
    """Rows of ``field`` (a timestamp) on the local ``day`` or later. The first representable day has no day before
    it to fall out of (and its start is before year 1 in UTC, which SQLite cannot store): every row."""
    return Q() if day <= dt.date.min else Q(**{f"{field}__gte": _start_of(day)})


def _on_or_before(field: str, day: dt.date) -> Q:
    """Rows of ``field`` (a timestamp) on the local ``day`` or earlier: before the start of the next day. The last
    representable day (31/12/9999, which a date filter accepts) has no next day: every row."""
    return Q() if day >= dt.date.max else Q(**{f"{field}__lt": _start_of(day + dt.timedelta(days=1))})


def feedback_get_public(*, pk: int) -> Feedback:
    from django.http import Http404

    fb = public_qs().select_related("category", "village").filter(pk=pk).first()
    if fb is None:
        raise Http404
    return fb


def feedback_get_for_viewer(*, pk: int, user: Any, access_key: str = "") -> tuple[Feedback, str]:
    """The feedback and how the viewer sees it: "staff", "sender" or "public". 404 otherwise."""
    from django.http import Http404

    fb = Feedback.objects.select_related("category", "village", "submitter").filter(pk=pk).first()
    if fb is None:
        raise Http404
    if user is not None and user.is_authenticated and user.is_staff_role and Feedback.objects.filter(read_scope_q(user), pk=pk).exists():
        return fb, "staff"
    if (user is not None and user.is_authenticated and fb.submitter_id == user.pk) or same_secret(access_key, fb.access_key):
        return fb, "sender"
    if fb.is_public and not fb.hidden:
        return fb, "public"
    raise Http404


# The queue's tabs, as feedback_list reads them ("all" is every item of the scope).
STAFF_TABS = ("pending", "flagged", "handling", "overdue", "forwarded", "hidden", "closed", "all")


def feedback_list(*, fetched_by: Any, tab: str = "pending", query: str = "", category_code: str = "", for_capped_page: bool = False) -> QuerySet:
    """The moderation and handling queue, scoped to the user's unit."""
    qs: QuerySet = Feedback.objects.filter(own_scope_q(fetched_by))
    today = timezone.localdate()
    if tab == "pending":
        qs = qs.filter(status=Feedback.Status.PENDING)
    elif tab == "flagged":  # visible items to look at: a hidden one is under "hidden" only, whatever reports it still has
        qs = qs.filter(Q(flagged=True) | Q(report_count__gt=0), hidden=False).exclude(status=Feedback.Status.REJECTED)
    elif tab == "hidden":
        qs = qs.filter(hidden=True)
    elif tab == "handling":
        qs = qs.filter(status__in=[Feedback.Status.PROCESSING, Feedback.Status.INFO_REQUESTED, Feedback.Status.ANSWERED])
    elif tab == "overdue":  # past a 766 deadline, or still unclassified past the forwarding deadline
        qs = qs.filter(late_q(today) | forward_overdue_q(today)).exclude(
            status__in=[Feedback.Status.CLOSED, Feedback.Status.REJECTED, Feedback.Status.FORWARDED])
    elif tab == "forwarded":
        qs = qs.filter(status=Feedback.Status.FORWARDED)
    elif tab == "closed":
        qs = qs.filter(status__in=[Feedback.Status.CLOSED, Feedback.Status.REJECTED, Feedback.Status.FORWARDED])
    if category_code:
        qs = qs.filter(category__code=category_code)
    if query:
        qs = search_filter(qs, kind=SEARCH_KIND, query=query, for_capped_page=for_capped_page, **scope_unit(fetched_by))
    order = ["answer_due", "id"] if tab in ("pending", "handling", "overdue") else ["-submitted_at", "-id"]
    return qs.select_related("category", "assigned_to").order_by(*order)


def own_scope_q(user: Any) -> Q:
    """The items of ``user``'s unit (``coso.core.scoping.scope_q``; a citizen's own): for a commune's staff, without the
    items of their commune code sent while an ended commune of another lineage carried it
    (``coso.units.lineage.not_other_holders_q``), which are another commune's."""
    from coso.core.scoping import scope_q
    from coso.units.lineage import not_other_holders_q

    return scope_q(user, owner_field="submitter") & not_other_holders_q(user)


def is_other_holders(user: Any, feedback: Feedback) -> bool:
    """Whether ``feedback``, of ``user``'s commune code, was sent while an ended commune of another lineage carried that
    code (``coso.units.lineage.is_other_holders_record``): that commune's successor's, another commune's to ``user``.
    Decided once per item read; without a query when the item came with its commune's start (``holder_since``, as
    :func:`feedback_get` reads it) and is dated since."""
    from coso.units import lineage

    return lineage.is_other_holders_row(user, feedback)


def _one_or_404(qs: QuerySet, user: Any, pk: Any) -> Feedback:
    from django.http import Http404

    from coso.units.lineage import holder_since_expression

    try:
        fb = qs.select_related("category", "village", "submitter", "answered_by").annotate(holder_since=holder_since_expression()).get(pk=pk)
    except (Feedback.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if is_other_holders(user, fb):
        raise Http404
    return fb


def feedback_get(*, fetched_by: Any, pk: int) -> Feedback:
    """One item to act on (its unit's; a citizen's own); anything else answers 404."""
    from coso.core.scoping import scope_q

    return _one_or_404(Feedback.objects.filter(scope_q(fetched_by, owner_field="submitter")), fetched_by, pk)


def read_scope_q(user: Any, *, other_holders: bool = True) -> Q:
    """The feedback ``user`` may read: their unit's (``coso.core.scoping``) and, for a commune's (province's) staff, the
    items of the old communes merged into it (into one of its communes), on 1/7/2025 or by a later merger, sent before
    that reorganisation (``coso.units.lineage.predecessors_read_q``); the indices 5.2 / 5.3 count the 1/7/2025 ones under it. Moderating and handling an
    item keeps to its own unit (:func:`feedback_get`). The items of their commune code sent while an ended commune of
    another lineage carried it are that commune's successor's, not theirs (``coso.units.lineage``); with
    ``other_holders=False`` the caller checks them on the row (:func:`is_other_holders`)."""
    from coso.core.scoping import scope_q
    from coso.units.lineage import scope_with_predecessors_q

    return scope_with_predecessors_q(user, scope_q(user, owner_field="submitter"), date_field="submitted_at", other_holders=other_holders)


def feedback_read(*, fetched_by: Any, pk: int) -> Feedback:
    """One item to read (staff page, API GET): :func:`feedback_get` widened to the predecessors' items
    (:func:`read_scope_q`); anything else answers 404."""
    return _one_or_404(Feedback.objects.filter(read_scope_q(fetched_by, other_holders=False)), fetched_by, pk)


def in_own_scope(*, user: Any, feedback: Feedback) -> bool:
    """Whether ``user`` may act on ``feedback`` (its unit's scope, as :func:`feedback_get`), not only read it."""
    from coso.core.scoping import scope_q

    return Feedback.objects.filter(scope_q(user, owner_field="submitter"), pk=feedback.pk).exists() and not is_other_holders(user, feedback)


def feedback_history(*, feedback: Feedback, moderator: bool) -> QuerySet:
    qs = FeedbackEvent.objects.filter(feedback=feedback)
    return qs if moderator else qs.filter(public=True)


def templates_for(category: FeedbackCategory) -> QuerySet:
    return ResponseTemplate.objects.filter(Q(category=category) | Q(category__isnull=True)).order_by("kind", "title")


def my_feedback(*, fetched_by: Any) -> QuerySet:
    if not fetched_by.is_authenticated:
        return Feedback.objects.none()
    return Feedback.objects.filter(submitter=fetched_by).select_related("category").order_by("-submitted_at")


# --------------------------------------------------------------------------- national formulas 5.2 / 5.3

def _ratio(num: int, den: int) -> float | None:
    return None if not den else round(num * 100.0 / den, 2)


def commune_stats(*, province_code: str = "", commune_codes: list[str] | None = None, date_from: dt.date | None = None,
                  date_to: dt.date | None = None, base: QuerySet | None = None) -> list[dict[str, Any]]:
    """Per commune: feedback handled on time (QĐ 766 indicator 5.2) and satisfaction (5.3).

    5.2 = on-time or early ÷ all feedback under the unit's authority × 100 (open items inside
          their deadline count as on time; late = past any of the reject/info/answer/publish deadlines).
    5.3 = (all − rated not useful − re-raised − overdue) ÷ all × 100.
    Rejected feedback is "under the unit's authority" too (it had a deadline to reject); feedback forwarded to the
    competent body (outside the commune's competence) is not. N/A when 0. ``base`` narrows the items (e.g. the
    public page's filter); the figures are one aggregate query over all of them.
    """
    from coso.units.models import AdministrativeUnit

    today = timezone.localdate()
    qs = (base if base is not None else Feedback.objects.all()).order_by().exclude(status=Feedback.Status.FORWARDED)
    if province_code:
        qs = qs.filter(province_code=province_code)
    if commune_codes:
        # each commune with its predecessors' items, dated while they carried their codes (the rows grouped below)
        from coso.units.lineage import commune_with_predecessors_q

        where = Q(pk__in=[])
        for code in commune_codes:
            where |= commune_with_predecessors_q(code)
        qs = qs.filter(where)
    if date_from:
        qs = qs.filter(_on_or_after("submitted_at", date_from))
    if date_to:
        qs = qs.filter(_on_or_before("submitted_at", date_to))
    late = late_q(today)
    unsatisfied = late | Q(rating__in=[Feedback.Rating.NOT_USEFUL, Feedback.Rating.RERAISED])
    # Feedback sent to a commune that ended (on 1/7/2025 or by a later merger) counts under the commune that took it over.
    qs = qs.annotate(unit_code=current_code_expression("commune_code", "submitted_at"))
    if commune_codes:
        qs = qs.filter(unit_code__in=list(commune_codes))
    grouped = (qs.values("unit_code")
            .annotate(n_total=Count("id"), n_late=Count("id", filter=late),
                                               n_unsatisfied=Count("id", filter=unsatisfied),
                                               n_answered=Count("id", filter=Q(status=Feedback.Status.CLOSED)),
                                               n_rated=Count("id", filter=~Q(rating="")),
                                               n_useful=Count("id", filter=Q(rating=Feedback.Rating.USEFUL)))
            .order_by("unit_code"))
    rows: list[dict[str, Any]] = [{**r, "commune_code": r["unit_code"]} for r in grouped]
    names = dict(AdministrativeUnit.objects.filter(code__in=[r["commune_code"] for r in rows]).values_list("code", "name"))
    out = []
    for r in rows:
        total, n_late = r["n_total"], r["n_late"]
        out.append({
            "commune_code": r["commune_code"], "commune_name": names.get(r["commune_code"], r["commune_code"]),
            "total": total, "on_time": total - n_late, "late": n_late, "answered": r["n_answered"], "rated": r["n_rated"],
            "useful": r["n_useful"], "unsatisfied": r["n_unsatisfied"],
            "on_time_rate": _ratio(total - n_late, total), "satisfaction_rate": _ratio(total - r["n_unsatisfied"], total),
        })
    return out


def officer_feedback_stats(user_ids: list[int], period: tuple[dt.date, dt.date]) -> dict[int, dict[str, Any]]:
    """Per-officer figures for the workforce evaluation.

    ``period`` = (first day, last day), inclusive, on the date the answer was given.
    Returns {user_id: {answered, on_time, late, on_time_rate (%), rated, useful, not_useful, reraised,
    useful_rate (%), officer_ratings, officer_rating_avg (1–5)}}; every requested id is present
    (zeros and None when the officer answered nothing in the period).
    """
    first, last = period
    qs = Feedback.objects.filter(answered_by_id__in=list(user_ids), answered_at__gte=_start_of(first),
                                 answered_at__lt=_start_of(last + dt.timedelta(days=1)))
    rows = qs.values("answered_by_id").annotate(
        n_answered=Count("id"), n_late=Count("id", filter=Q(late=True)), n_rated=Count("id", filter=~Q(rating="")),
        n_useful=Count("id", filter=Q(rating=Feedback.Rating.USEFUL)), n_not_useful=Count("id", filter=Q(rating=Feedback.Rating.NOT_USEFUL)),
        n_reraised=Count("id", filter=Q(rating=Feedback.Rating.RERAISED)), n_officer_ratings=Count("officer_rating"),
        avg_officer_rating=Avg("officer_rating"),
    )
    result: dict[int, dict[str, Any]] = {
        uid: {"answered": 0, "on_time": 0, "late": 0, "on_time_rate": None, "rated": 0, "useful": 0, "not_useful": 0, "reraised": 0,
              "useful_rate": None, "officer_ratings": 0, "officer_rating_avg": None}
        for uid in user_ids
    }
    for r in rows:
        answered, late = r["n_answered"], r["n_late"]
        avg = r["avg_officer_rating"]
        result[r["answered_by_id"]] = {
            "answered": answered, "on_time": answered - late, "late": late, "on_time_rate": _ratio(answered - late, answered),
            "rated": r["n_rated"], "useful": r["n_useful"], "not_useful": r["n_not_useful"], "reraised": r["n_reraised"],
            "useful_rate": _ratio(r["n_useful"], r["n_rated"]), "officer_ratings": r["n_officer_ratings"],
            "officer_rating_avg": round(float(avg), 2) if avg is not None else None,
        }
    return result


def rule_change_impact(key: str, province_code: str, commune_code: str, valid_from: dt.date) -> list[str]:
    """What a change of a feedback deadline from ``valid_from`` meets: items already received keep their deadlines."""
    from django.utils.translation import gettext as _

    qs = Feedback.objects.filter(submitted_at__gte=_start_of(valid_from))
    if province_code:
        qs = qs.filter(province_code=province_code)
    if commune_code:
        qs = qs.filter(commune_code=commune_code)
    n = qs.count()
    if not n:
        return []
    return [_("%(n)s phản ánh đã nhận từ ngày %(day)s đã có thời hạn tính theo quy định cũ; các thời hạn này được giữ nguyên.")
            % {"n": n, "day": valid_from.strftime("%d/%m/%Y")}]


# --------------------------------------------------------------------------- Decision 766 facts (for coso.indices)

def index_fact_queries(*, day_from: dt.date | None = None, day_to: dt.date | None = None, units: list[str] | None = None,
                       by_day: bool = True, today: dt.date | None = None) -> list[tuple[QuerySet, dict[str, tuple[str, str]]]]:
    """Indicators 5.2 and 5.3 per current commune (and local day of submission when ``by_day``) as one grouped
    query, unscoped: (values query with ``unit_code``, ``prov``, ``day`` and counts, {indicator: (numerator
    column, denominator column)}).

    Same formulas as :func:`commune_stats`: 5.2 = (all − late) ÷ all; 5.3 = (all − rated not useful,
    re-raised or late) ÷ all; feedback forwarded to the competent body is not under the commune's authority and is
    left out.
    """
    from django.db.models import F, Max

    from coso.core.dbfunctions import ByteOrder, LocalDate

    today = today or timezone.localdate()
    qs = Feedback.objects.exclude(status=Feedback.Status.FORWARDED).annotate(unit_code=ByteOrder(current_code_expression("commune_code", "submitted_at")))
    if units is not None:
        from coso.units.lineage import commune_with_predecessors_q

        where = Q(pk__in=[])
        for unit in units:
            where |= commune_with_predecessors_q(unit)
        qs = qs.filter(where).filter(unit_code__in=list(units))
    if day_from:
        qs = qs.filter(_on_or_after("submitted_at", day_from))
    if day_to:
        qs = qs.filter(_on_or_before("submitted_at", day_to))
    keys = ["unit_code"]
    if by_day:
        qs = qs.annotate(day=LocalDate("submitted_at"))
        keys.append("day")
    late = late_q(today)
    unsatisfied = late | Q(rating__in=[Feedback.Rating.NOT_USEFUL, Feedback.Rating.RERAISED])
    grouped = (
        qs.values(*keys)
        .annotate(n=Count("id"), n_late=Count("id", filter=late), n_unsat=Count("id", filter=unsatisfied), prov=Max("province_code"))
        .annotate(n_on_time=F("n") - F("n_late"), n_sat=F("n") - F("n_unsat"))
        .order_by()
    )
    return [(grouped, {"5.2": ("n_on_time", "n"), "5.3": ("n_sat", "n")})]


def index_facts(*, day_from: dt.date | None = None, day_to: dt.date | None = None, units: list[str] | None = None,
                by_day: bool = True, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Rows {unit_code, province_code, day, indicator, numerator, denominator} of :func:`index_fact_queries`."""
    out: list[dict[str, Any]] = []
    for qs, indicators in index_fact_queries(day_from=day_from, day_to=day_to, units=units, by_day=by_day, today=today):
        for r in qs:
            common = {"unit_code": r["unit_code"], "province_code": r["prov"], "day": r.get("day")}
            for code, (num, den) in indicators.items():
                out.append({**common, "indicator": code, "numerator": r[num], "denominator": r[den]})
    return out


def index_dirty_keys(*, since: dt.datetime | None = None, today: dt.date | None = None, pks: list[int] | None = None) -> set[tuple[str, dt.date]]:
    """(current commune, day of submission) pairs whose facts may have changed: items updated since
    ``since``, and items still open or unpublished whose deadline has passed (they turn late with time);
    or the items ``pks``."""
    today = today or timezone.localdate()
    if pks is not None:
        qs = Feedback.objects.filter(pk__in=pks)
    else:
        qs = Feedback.objects.filter(Q(updated_at__gte=since) | (late_q(today) & Q(late=False)))
    qs = qs.annotate(unit_code=current_code_expression("commune_code", "submitted_at"))
    return {(unit, timezone.localtime(at).date()) for unit, at in qs.values_list("unit_code", "submitted_at").iterator()}


def index_feedback(*, fetched_by: Any, commune_code: str, indicator: str, start: dt.date, end: dt.date, missed: bool = True) -> QuerySet:
    """The feedback behind a commune's 5.2 / 5.3 figure, scoped to the viewer (drill-down)."""
    from coso.units.lineage import commune_history_scope_q, commune_with_predecessors_q

    if indicator not in ("5.2", "5.3"):
        return Feedback.objects.none()
    # the commune's history: its predecessors' feedback before 1/7/2025 counts in its figure (``index_fact_queries``)
    qs = Feedback.objects.select_related("category").filter(commune_history_scope_q(fetched_by, commune_code, owner_field="submitter"))
    qs = qs.exclude(status=Feedback.Status.FORWARDED)  # not under the commune's authority: not in its figure
    qs = qs.filter(commune_with_predecessors_q(commune_code), _on_or_after("submitted_at", start), _on_or_before("submitted_at", end))
    late = late_q()
    # ``counts_late``: late as the figure counts it (flagged, or open / unpublished past its deadline), not the flag alone
    qs = qs.annotate(counts_late=Case(When(late, then=Value(True)), default=Value(False), output_field=BooleanField()))
    if missed:
        qs = qs.filter(late if indicator == "5.2" else late | Q(rating__in=[Feedback.Rating.NOT_USEFUL, Feedback.Rating.RERAISED]))
    return qs.order_by("submitted_at", "id")

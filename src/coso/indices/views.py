"""Pages: the leader's dashboard, the drill-down to the records behind a figure, the public index."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from coso.accounts.roles import PROVINCE_ROLES, Role
from coso.core.exceptions import ApplicationError
from coso.core.types import AuthedHttpRequest
from coso.indices import errors, periods, selectors
from coso.indices.cache import page_of_figures
from coso.indices.catalogue import GROUPS, INDICATOR_BY_CODE
from coso.indices.engine import Scorecard
from coso.indices.periods import Period
from coso.indices.throttle import check_public_range


def exports_in_vietnamese(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page whose ``?format=xlsx|pdf`` export is a Vietnamese document whoever reads it: the figures' labels (translated
    when the scorecard is built, and cached per language) are built in Vietnamese for the export, not in the reader's
    language, which would mix an English indicator name into a Vietnamese report."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("format") in ("xlsx", "pdf"):
            with translation.override("vi"):
                return view(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return wrapped


def _unit(code: str, level: str) -> Any:
    from coso.units.models import AdministrativeUnit

    unit = AdministrativeUnit.objects.filter(code=code, level=level).first() if code else None
    if unit is None:
        raise Http404
    return unit


def _period_or_error(request: HttpRequest) -> tuple[Period | None, str]:
    try:
        return periods.parse(request.GET), ""
    except ApplicationError as exc:
        return None, exc.message


def _error(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    return render(request, "indices/error.html", {"message": message}, status=status)


def _group_chart(card: Scorecard, compare: Scorecard | None = None, compare_label: str = "") -> dict[str, Any]:
    data: dict[str, Any] = {
        "labels": [f"{g.number}. {g.label}" for g in card.groups],
        "points": [g.measured_points for g in card.groups],  # None: no data, a gap in the chart, not a bar at 0
        "fed_max": [g.fed_max for g in card.groups],
        "max": [g.max_points for g in card.groups],
    }
    if compare is not None:
        data["compare"] = [g.measured_points for g in compare.groups]
        data["compare_label"] = compare_label
    return data


def _strength_ranks(rows: list[selectors.RankRow]) -> dict[str, int]:
    """Each commune's rank by its commune-strength composite (highest first; equal composites share a rank)."""
    scored = sorted((r.strength.csi for r in rows if r.strength is not None and r.strength.csi is not None), reverse=True)
    first: dict[float, int] = {}
    for i, value in enumerate(scored, 1):
        first.setdefault(value, i)
    return {r.code: first[r.strength.csi] for r in rows if r.strength is not None and r.strength.csi is not None}


def _strength_chart(rows: list[selectors.RankRow]) -> dict[str, Any]:
    """The ranking chart by the commune-strength composite (the ranking sorted by it)."""
    ranked = [r for r in rows if r.strength is not None and r.strength.csi is not None]
    return {"labels": [r.name for r in ranked], "scores": [r.strength.csi for r in ranked], "label": str(_("Chỉ số năng lực (/100)"))}


def _ranking_chart(rows: list[selectors.RankRow]) -> dict[str, Any]:
    ranked = [r for r in rows if r.score is not None]
    return {"labels": [r.name for r in ranked], "scores": [r.score for r in ranked]}


def _drill_url(commune_code: str, period: Period, code: str) -> str:
    return reverse("indices:records") + "?" + urlencode({"commune": commune_code, "indicator": code, **period.query()})


@login_required
@exports_in_vietnamese
@page_of_figures
def dashboard(request: AuthedHttpRequest) -> HttpResponse:
    """Commune leader: own commune against the province and last period. Province roles: the province and its
    communes ranked (``?commune=`` opens one). System administrators: the provinces ranked (``?province=``)."""
    user = request.user
    if not (user.is_superuser or user.role in selectors.LEADER_ROLES):
        raise Http404
    period, error = _period_or_error(request)
    if period is None:
        return _error(request, error)
    level, province_code, commune_code = selectors.dashboard_scope(user)
    asked_commune, asked_province = request.GET.get("commune", "").strip(), request.GET.get("province", "").strip()
    if level == "national" and asked_province:
        level, province_code = "province", _unit(asked_province, "province").code
    elif level == "national" and asked_commune:  # a commune opened from a province's ranking: the links name the commune only
        level, province_code = "province", _unit(asked_commune, "commune").province_code
    if level == "province" and asked_commune:
        unit = _unit(asked_commune, "commune")
        if unit.province_code != province_code:
            raise Http404
        level, commune_code = "commune", unit.code
    prev = period.previous()
    ctx: dict[str, Any] = {"period": period, "previous": prev, "level": level, "groups": GROUPS}
    if level == "commune":
        unit = _unit(commune_code, "commune")
        selectors.read_catalogue_ahead(period, unit.province_code)  # every card and the trend use it: one read
        card = selectors.commune_card(unit.code, unit.province_code, period)
        province = selectors.province_card(unit.province_code, period)
        ctx.update(
            unit=unit,
            card=card,
            previous_card=selectors.commune_card(unit.code, unit.province_code, prev),
            compare=province,
            chart=_group_chart(card, province, str(_("Bình quân tỉnh"))),
            drill=selectors.can_view_records(user, province_code=unit.province_code, commune_code=unit.code),
        )
        ranking = selectors.commune_ranking(unit.province_code, period)
        ctx["my_rank"] = next((r for r in ranking if r.code == unit.code), None)
        ctx["ranked_count"] = sum(1 for r in ranking if r.rank is not None)
        if user.role == Role.COMMUNE_LEADER:
            ctx["todo"] = _todo(user)
        ctx["strength"] = selectors.dashboard_strengths(unit.province_code, period, user, [unit.code])[unit.code]
        ctx["previous_strength"] = selectors.dashboard_strengths(unit.province_code, prev, user, [unit.code])[unit.code]
        ctx["strength_province"] = selectors.strength_comparison(unit.province_code, period, unit.code)
    elif level == "province":
        unit = _unit(province_code, "province")
        card = selectors.province_card(unit.code, period)
        ranking = selectors.commune_ranking(unit.code, period)
        csi = selectors.dashboard_strengths(unit.code, period, user)
        for r in ranking:
            r.strength = csi.get(r.code)
        strength_ranks = _strength_ranks(ranking)
        for r in ranking:
            r.strength_rank = strength_ranks.get(r.code)
        by_csi = request.GET.get("sort") == "csi"
        if by_csi:
            ranking.sort(key=lambda r: (r.strength is None or r.strength.csi is None, -(r.strength.csi or 0) if r.strength else 0, r.code))
        ctx.update(
            unit=unit,
            card=card,
            previous_card=selectors.province_card(unit.code, prev),
            ranking=ranking,
            show_csi=True,
            sorted_by_csi=by_csi,
            chart=_group_chart(card),
            ranking_chart=_strength_chart(ranking) if by_csi else _ranking_chart(ranking),
            ranking_level="commune",
        )
    else:
        card = selectors.national_card(period)
        ranking = selectors.province_ranking(period)
        ctx.update(
            unit=None,
            card=card,
            previous_card=selectors.national_card(prev),
            ranking=ranking,
            chart=_group_chart(card),
            ranking_chart=_ranking_chart(ranking),
            ranking_level="province",
        )
    if level != "commune":
        ctx["behind"] = _behind(ctx["ranking"], period, "commune" if level == "province" else "province")
    if ctx.get("drill"):
        for g in ctx["card"].groups:
            for i in g.indicators:
                if i.status == "ok" and INDICATOR_BY_CODE[i.code].drillable:
                    i.drill_url = _drill_url(ctx["unit"].code, period, i.code)
    if asked_commune and level == "commune":
        ctx["keep"] = {"commune": commune_code}
    elif asked_province and level == "province":
        ctx["keep"] = {"province": province_code}
    if ctx.get("sorted_by_csi"):  # another period keeps the ranking by the strength index
        ctx["keep"] = {**ctx.get("keep", {}), "sort": "csi"}
    if request.GET.get("format") in ("xlsx", "pdf"):
        return _export(ctx, request.GET["format"])
    ctx["xlsx_url"] = "?" + urlencode({**request.GET.dict(), "format": "xlsx"})
    ctx["pdf_url"] = "?" + urlencode({**request.GET.dict(), "format": "pdf"})
    unit = ctx.get("unit")
    ctx["trend"] = selectors.monthly_trend(
        period,
        commune_code=unit.code if unit is not None and level == "commune" else "",
        province_code=(unit.province_code if unit else "") if level != "national" else "",
    )
    return render(request, "indices/dashboard.html", ctx)


# How many of the units ranked last a province officer (or a system administrator) sees first.
BEHIND = 10


def _behind(ranking: list[Any], period: Period, key: str) -> list[tuple[Any, str]]:
    """The units that fall behind: the ``BEHIND`` lowest scores of the period (ties by code), each with the address of
    its own dashboard (``key``: "commune" or "province"). Units without a score are in the ranking, not here."""
    scored = sorted((r for r in ranking if r.score is not None), key=lambda r: (r.score, r.code))[:BEHIND]
    return [(r, "?" + urlencode({key: r.code, **period.query()})) for r in scored]


def _export(ctx: dict[str, Any], fmt: str) -> HttpResponse:
    """The index report as Excel (``xlsx``) or PDF (``pdf``), with the definitions of the figures."""
    from coso.indices.documents import index_pdf, index_xlsx

    unit, period = ctx.get("unit"), ctx["period"]
    label = "Xếp hạng xã, phường" if ctx.get("ranking_level") == "commune" else "Xếp hạng tỉnh, thành phố"
    kwargs = {"unit_name": unit.name if unit else "Toàn quốc", "period": period, "card": ctx["card"], "ranking": ctx.get("ranking"), "ranking_label": label}
    if ctx.get("show_csi"):  # the ranking shows the commune-strength index (and may be sorted by it): so does the export
        kwargs.update(strength_province=ctx["unit"].code, sorted_by_csi=bool(ctx.get("sorted_by_csi")))
    name = f"chi-so-766-{unit.code if unit else 'toan-quoc'}-{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    if fmt == "pdf":
        resp = HttpResponse(index_pdf(**kwargs), content_type="application/pdf")
        resp["Content-Disposition"] = f'inline; filename="{name}.pdf"'
        return resp
    resp = HttpResponse(index_xlsx(**kwargs), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return resp


CLERK_ROLES = frozenset({Role.ONESTOP_OFFICER})


@login_required
@page_of_figures
def clerk_home(request: AuthedHttpRequest) -> HttpResponse:
    """The one-stop clerk's home page: their queue today (waiting for them, to receive, near the deadline, overdue,
    feedback overdue), each number linking to the list behind it; the commune's figures of the month beside."""
    user = request.user
    if user.is_superuser and user.role not in CLERK_ROLES:  # administrators see every menu item: no queue of their own
        return render(request, "indices/clerk_home.html", {"tiles": [], "unit": None})
    if user.role not in CLERK_ROLES or not user.commune_code:
        raise Http404
    inbox_url = reverse("dossiers:inbox")
    counts = selectors.queue_counts(user)
    tiles = [
        ("mine", _("Hồ sơ chờ tôi xử lý"), counts["mine"], inbox_url + "?tab=mine"),
        ("intake", _("Hồ sơ chờ tiếp nhận, chuyển xử lý"), counts["intake"], inbox_url + "?tab=intake"),
        ("near", _("Hồ sơ sắp đến hạn"), counts["near"], inbox_url + "?tab=near"),
        ("overdue", _("Hồ sơ quá hạn"), counts["overdue"], inbox_url + "?tab=overdue"),
        ("feedback", _("Phản ánh quá hạn"), counts["feedback_overdue"], reverse("feedback:moderation") + "?tab=overdue"),
    ]
    today = periods.current_month()
    unit = _unit(user.commune_code, "commune")
    card = selectors.commune_card(unit.code, unit.province_code, today)
    figures = [card.indicator(code) for code in ("2.1", "3.3", "4.2", "5.4")]
    for f in figures:
        if f.status == "ok" and selectors.can_view_records(user, province_code=unit.province_code, commune_code=unit.code):
            f.drill_url = _drill_url(unit.code, today, f.code)
    return render(
        request,
        "indices/clerk_home.html",
        {"tiles": tiles, "unit": unit, "period": today, "figures": figures, "stats_url": reverse("dossiers:stats")},
    )


def _todo(user: Any) -> dict[str, Any]:
    """What waits for a commune leader today (counts link to the lists behind them): dossiers, feedback and tasks from
    the levels above, and what the workforce review asks of them (staff below standard, retirements within a year or
    overdue, quota places short)."""
    from coso.tasks import status as task_status
    from coso.tasks.selectors import open_task_counts
    from coso.workforce.selectors import commune_staff_todo

    inbox_url = reverse("dossiers:inbox")
    tasks_url = reverse("tasks:list")
    staff = commune_staff_todo(fetched_by=user, commune_code=user.commune_code)
    if staff is not None:
        review_url = reverse("workforce:review") + "?" + urlencode({"commune": user.commune_code})
        staff.update(
            review_url=review_url,
            retiring_url=reverse("workforce:people") + "?" + urlencode({"commune": user.commune_code, "retiring": 1}),
            retired_url=review_url + "#retired-table",
        )
    return {
        **selectors.queue_counts(user),
        "mine_url": inbox_url + "?tab=mine",
        "near_url": inbox_url + "?tab=near",
        "overdue_url": inbox_url + "?tab=overdue",
        "feedback_url": reverse("feedback:moderation") + "?tab=overdue",
        "staff": staff,
        "tasks": open_task_counts(fetched_by=user),
        "tasks_overdue_url": tasks_url + "?" + urlencode({"status": task_status.OVERDUE}),
        "tasks_in_term_url": tasks_url + "?" + urlencode({"status": task_status.IN_TERM}),
    }


def _records_back_url(user: Any, unit: Any, period: Period) -> str:
    """Where the drill-down's "back to the figures" link leads: the leaders' dashboard for those who have it, the clerk's
    home page (where their figures are) for a one-stop clerk, the commune's public page for the commune's other staff."""
    if user.is_superuser or user.role in selectors.LEADER_ROLES:
        national = selectors.dashboard_scope(user)[0] == "national"
        return reverse("indices:dashboard") + "?" + urlencode({**period.query(), **({"commune": unit.code} if user.role in PROVINCE_ROLES or national else {})})
    if user.role in CLERK_ROLES:
        return reverse("indices:clerk_home")
    return reverse("indices:public") + "?" + urlencode({**period.query(), "commune": unit.code})


@login_required
def records(request: AuthedHttpRequest) -> HttpResponse:
    """The dossiers (or feedback; for 3.2 the online procedures) behind one commune's figure: by default those counting
    against it (``?all=1``: all). Another unit's commune is 404 before the period or the indicator is looked at."""
    commune_code = request.GET.get("commune", "").strip()
    from coso.units.models import AdministrativeUnit

    unit = AdministrativeUnit.objects.filter(code=commune_code, level=AdministrativeUnit.Level.COMMUNE).first() if commune_code else None
    if unit is None or not selectors.can_view_records(request.user, province_code=unit.province_code, commune_code=unit.code):
        raise Http404
    period, error = _period_or_error(request)
    if period is None:
        return _error(request, error)
    code = request.GET.get("indicator", "")
    indicator = INDICATOR_BY_CODE.get(code)
    if indicator is None or not indicator.drillable:
        return _error(request, str(errors.BAD_INDICATOR.message))
    missed = request.GET.get("all", "") != "1"
    qs: Any
    if indicator.source == "usage":
        qs = selectors.usage_procedures(viewer=request.user, commune_code=unit.code, province_code=unit.province_code, period=period, missed=missed)
    elif indicator.source == "dossier":
        from coso.dossiers.selectors import index_dossiers

        qs = index_dossiers(fetched_by=request.user, commune_code=unit.code, indicator=code, start=period.start, end=period.end, missed=missed)
    else:
        from coso.feedback.selectors import index_feedback

        qs = index_feedback(fetched_by=request.user, commune_code=unit.code, indicator=code, start=period.start, end=period.end, missed=missed)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    base = {"commune": unit.code, "indicator": code, **period.query()}
    return render(
        request,
        "indices/records.html",
        {
            "unit": unit,
            "indicator": indicator,
            "period": period,
            "page": page,
            "missed": missed,
            "source": indicator.source,
            "all_url": reverse("indices:records") + "?" + urlencode({**base, "all": "1"}),
            "missed_url": reverse("indices:records") + "?" + urlencode(base),
            "back_url": _records_back_url(request.user, unit, period),
            "page_query": urlencode({**base, **({"all": "1"} if not missed else {})}),
        },
    )


def _standing(ranking: list[selectors.RankRow], code: str) -> dict[str, Any] | None:
    """A unit's place in its published ranking (the commune among its province's, the province among all), with the
    change against the previous period, as the ranking table shows it."""
    row = next((r for r in ranking if r.code == code), None)
    if row is None:
        return None
    return {"row": row, "ranked": sum(1 for r in ranking if r.rank is not None), "moved": abs(row.rank_change or 0)}


@exports_in_vietnamese
@page_of_figures
def public(request: HttpRequest) -> HttpResponse:
    """The published index: provinces ranked nationally; ``?province=`` its communes ranked; ``?commune=`` one commune.
    Its figures are the same for every visitor (nothing per viewer is read); ``@page_of_figures`` remembers their recipes
    (never values) per address, viewer and language."""
    period, error = _period_or_error(request)
    if period is None:
        return _error(request, error)
    try:
        check_public_range(request, period)
    except ApplicationError as exc:
        response = _error(request, exc.message, status=exc.status)
        response["Retry-After"] = str(exc.details["retry_after"])
        return response
    # the links to the level above keep the period as typed (a date range has no ``?period=``)
    ctx: dict[str, Any] = {"period": period, "previous": period.previous(), "public": True, "period_qs": urlencode(period.query())}
    commune_code, province_code = request.GET.get("commune", "").strip(), request.GET.get("province", "").strip()
    if commune_code:
        unit = _unit(commune_code, "commune")
        card = selectors.commune_card(unit.code, unit.province_code, period)
        ctx.update(
            level="commune",
            unit=unit,
            card=card,
            chart=_group_chart(card),
            province_unit=_unit(unit.province_code, "province"),
            keep={"commune": unit.code},
            standing=_standing(selectors.commune_ranking(unit.province_code, period), unit.code),
        )
    elif province_code:
        unit = _unit(province_code, "province")
        card = selectors.province_card(unit.code, period)
        ranking = selectors.commune_ranking(unit.code, period)
        ctx.update(
            level="province",
            unit=unit,
            card=card,
            standing=_standing(selectors.province_ranking(period), unit.code),
            ranking=ranking,
            ranking_level="commune",
            chart=_group_chart(card),
            ranking_chart=_ranking_chart(ranking),
            keep={"province": unit.code},
        )
    else:
        card = selectors.national_card(period)
        ranking = selectors.province_ranking(period)
        ctx.update(
            level="national",
            unit=None,
            card=card,
            ranking=ranking,
            ranking_level="province",
            chart=_group_chart(card),
            ranking_chart=_ranking_chart(ranking),
        )
    if request.GET.get("format") in ("xlsx", "pdf"):
        return _export(ctx, request.GET["format"])
    ctx["xlsx_url"] = "?" + urlencode({**request.GET.dict(), "format": "xlsx"})
    ctx["pdf_url"] = "?" + urlencode({**request.GET.dict(), "format": "pdf"})
    return render(request, "indices/public.html", ctx)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIGURES_FILE_BYTES = 5 * 1024 * 1024  # a province's communes fit in a few kilobytes


@login_required
def province_figures(request: AuthedHttpRequest) -> HttpResponse:
    """The province's home-affairs department enters the yearly figures of its communes that Coso does not measure
    (SIPAS survey, legal-access standard, commune PAR index) with the document publishing them: inputs of the
    commune-strength index. ``?key=&year=`` chooses the input and year; the form saves all of the province's communes
    at once, or nothing with the reason on each line."""
    from django.contrib import messages
    from django.shortcuts import redirect
    from django.utils import timezone

    from coso.indices import services
    from coso.indices.strength import INPUTS, PROVINCE_FIGURES
    from coso.units.selectors import unit_list

    user = request.user
    if user.is_superuser and not services.can_enter_province_figures(user):  # administrators see every menu item
        return render(request, "indices/province_figures.html", {"rows": None})
    if not services.can_enter_province_figures(user):
        raise Http404
    this_year = timezone.localdate().year
    years = list(range(this_year, services.PROVINCE_FIGURE_FIRST_YEAR - 1, -1))
    source = request.POST if request.method == "POST" else request.GET
    key = source.get("key", "")
    key_given = key in PROVINCE_FIGURES
    key = key if key_given else next(iter(PROVINCE_FIGURES))
    year_text = source.get("year", "")
    year_given = year_text.isascii() and year_text.isdigit() and len(year_text) == 4 and int(year_text) in years
    year = int(year_text) if year_given else this_year - 1
    communes = list(unit_list(fetched_by=user, level="commune", province_code=user.province_code).values_list("code", "name"))
    saved = selectors.province_figures(province_code=user.province_code, key=key, year=year)
    typed = {code: (f"{saved[code]['value']:.2f}".rstrip("0").rstrip(".") if code in saved else "") for code, _ in communes}
    document = next((f["document"] for f in saved.values()), "")
    if request.GET.get("format") == "xlsx":
        resp = HttpResponse(services.province_figures_template(actor=user, key=key, year=year), content_type=XLSX)
        resp["Content-Disposition"] = f'attachment; filename="so-lieu-{key.replace(".", "-")}-{year}.xlsx"'
        return resp
    row_errors: dict[str, str] = {}
    error = ""
    importing = request.method == "POST" and request.POST.get("action") == "import"
    if request.method == "POST":
        document = request.POST.get("document", "")  # checked whole by the service (a cut could save another text)
        try:
            # An address may fall back to the first input and last year; an entry never does: it would save the figures
            # under another input or year than the one sent.
            if not key_given:
                raise errors.UNKNOWN_PROVINCE_FIGURE()
            if not year_given:
                raise errors.PROVINCE_FIGURE_YEAR(first=services.PROVINCE_FIGURE_FIRST_YEAR)
            if importing:
                upload = request.FILES.get("file")
                if upload is None or (upload.size or 0) > FIGURES_FILE_BYTES or not (upload.name or "").lower().endswith(".xlsx"):
                    raise errors.PROVINCE_FIGURE_FILE()
                changed = services.province_figures_import(actor=user, key=key, year=year, document=document, data=upload.read())
            else:
                # every value checked whole by the service: a cut of it could read as another figure, or as an empty box
                typed = {code: request.POST.get(f"v-{code}", "") for code, _ in communes}
                changed = services.province_figures_save(actor=user, key=key, year=year, document=document, values=typed)
        except ApplicationError as exc:
            error, row_errors = exc.message, exc.details.get("rows", {})
            if not isinstance(row_errors, dict):  # a file the reader refused: its reason is the message
                row_errors = {}
        else:
            messages.success(request, _("Đã lưu %(n)s số liệu.") % {"n": changed})
            return redirect(reverse("indices:province_figures") + "?" + urlencode({"key": key, "year": str(year)}))
    rows = [{"code": code, "name": name, "value": typed.get(code, ""), "error": row_errors.get(code, "")} for code, name in communes]
    names = dict(communes)
    return render(request, "indices/province_figures.html", {
        "importing": importing, "file_errors": [(code, names.get(code, ""), msg) for code, msg in row_errors.items()] if importing else [],
        "template_url": "?" + urlencode({"key": key, "year": str(year), "format": "xlsx"}),
        "inputs": [(k, INPUTS[k].label, INPUTS[k].source) for k in PROVINCE_FIGURES], "key": key, "kind": PROVINCE_FIGURES[key],
        "label": INPUTS[key].label, "source": INPUTS[key].source, "years": years, "year": year, "rows": rows, "document": document,
        "error": error, "filled": sum(1 for code, _ in communes if code in saved),
    }, status=400 if error else 200)

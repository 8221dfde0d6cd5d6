"""Pages of the assignments app (server-rendered; the API in api.py calls the same selectors and services)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coso.assignments import checks, errors, selectors, services
from coso.core.exceptions import ApplicationError
from coso.core.params import FIRST_YEAR, LAST_YEAR


def _require(request: HttpRequest) -> Any:
    if not selectors.can_view(request.user):
        raise Http404
    return request.user


def parse_date(raw: str | None, default: dt.date | None = None) -> dt.date:
    raw = (raw or "").strip()
    if not raw and default is not None:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        pass
    from coso.workforce.services import parse_vn_date

    try:
        return parse_vn_date(raw)
    except ValueError as exc:
        raise errors.INVALID_DATE() from exc


def _status_labels() -> dict[str, str]:
    return {checks.PASS: _("Đạt"), checks.FAIL: _("Không đạt"), checks.UNVERIFIED: _("Chưa xác minh"), checks.NA: _("Không áp dụng")}


@login_required
def vacancies(request: HttpRequest) -> HttpResponse:
    user = _require(request)
    units = selectors.communes(user)
    commune = request.GET.get("commune", "") or (user.commune_code or "")
    if commune and commune not in {u["code"] for u in units}:
        raise Http404
    try:
        on = parse_date(request.GET.get("on"), timezone.localdate())
        selectors.check_on(on)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        on = timezone.localdate()
    data = selectors.vacancies(fetched_by=user, on=on, commune=commune)
    return render(request, "assignments/vacancies.html", {"data": data, "communes": units, "commune": commune, "on": on})


@login_required
def candidates(request: HttpRequest) -> HttpResponse:
    user = _require(request)
    commune = request.GET.get("commune", "")
    position = request.GET.get("position", "")
    today = timezone.localdate()
    form: dict[str, Any] = {"number": "", "decided_on": today.strftime("%d/%m/%Y"), "effective_on": today.strftime("%d/%m/%Y"), "person": ""}
    errors_list: list[str] = []
    failed_checks: list[dict[str, Any]] = []
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in ("number", "decided_on", "effective_on", "person", "note")}
        try:
            try:
                person_id = int(form["person"])
            except ValueError:
                raise errors.NOTHING_SELECTED() from None
            decision = services.decision_record(actor=user, commune_code=commune, position_code=position, person_id=person_id,
                                                number=form["number"], decided_on=parse_date(form["decided_on"]),
                                                effective_on=parse_date(form["effective_on"]), note=form.get("note", ""))
        except ApplicationError as exc:
            errors_list.append(exc.message)
            failed_checks = exc.details.get("checks", [])
        else:
            messages.success(request, _("Đã ghi quyết định %(number)s.") % {"number": decision.number})
            return redirect(reverse("assignments:decisions") + f"?commune={decision.commune_code}")
    try:
        data = selectors.candidates(fetched_by=user, commune_code=commune, position_code=position, on=today)
    except ApplicationError:
        raise Http404 from None
    try:
        post = selectors.vacancy_get(fetched_by=user, key=f"{commune}:{position}", on=today)
    except Http404:
        post = None
    status = 400 if errors_list else 200
    return render(request, "assignments/candidates.html", {"data": data, "post": post, "form": form, "errors": errors_list,
                                                           "failed_checks": failed_checks, "status_labels": _status_labels(),
                                                           "rule_labels": {k: _(v) for k, v in checks.RULE_LABELS.items()}}, status=status)


@login_required
def match(request: HttpRequest) -> HttpResponse:
    user = _require(request)
    keys = request.GET.getlist("key")
    try:
        data = selectors.match(fetched_by=user, keys=keys, on=timezone.localdate())
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("assignments:vacancies") + (f"?commune={request.GET.get('commune', '')}" if request.GET.get("commune") else ""))
    return render(request, "assignments/match.html", {"data": data})


@login_required
def rotation(request: HttpRequest) -> HttpResponse:
    user = _require(request)
    today = timezone.localdate()
    raw = request.GET.get("year", "")
    # the API's span of years (coso.core.params.Year), so that the page and the API take the same years; a year of
    # thousands of digits is no year either (int() refuses it)
    asked = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 4 else None
    year = asked if asked is not None and FIRST_YEAR <= asked <= LAST_YEAR else today.year
    if raw and year != asked:
        messages.error(request, errors.INVALID_YEAR(low=FIRST_YEAR, high=LAST_YEAR).message)
    units = selectors.communes(user)
    commune = request.GET.get("commune", "")
    if commune and commune not in {u["code"] for u in units}:
        raise Http404
    data = selectors.rotation(fetched_by=user, year=year, commune=commune)
    return render(request, "assignments/rotation.html", {"data": data, "communes": units, "commune": commune, "year": year,
                                                         "status_labels": _status_labels()})


@login_required
def decisions(request: HttpRequest) -> HttpResponse:
    user = _require(request)
    commune = request.GET.get("commune", "")
    rows = list(selectors.decisions(fetched_by=user, commune=commune)[:500])
    names = selectors.names_of([d.person_id for d in rows])
    units = {u["code"]: u["name"] for u in selectors.communes(user)}
    from coso.workforce import selectors as wf

    catalogue = wf.position_catalogue(getattr(user, "province_code", "") or "")
    out = [{"d": d, "full_name": names.get(d.person_id, ""), "commune_name": units.get(d.commune_code, d.commune_code),
            "position_name": catalogue.get(d.position_code, {}).get("name", d.position_code),
            "from_name": catalogue.get(d.from_position_code, {}).get("name", d.from_position_code)} for d in rows]
    return render(request, "assignments/decisions.html", {"rows": out})


@login_required
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's origin (for the non-local rule) and rotation exemptions (Decree 59/2019 Art. 38), with forms to record them."""
    from coso.assignments.models import Origin, RotationExemption
    from coso.workforce import selectors as wf

    user = _require(request)
    info = wf.person_unit(fetched_by=user, pk=pk)
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "origin":
                years: dict[str, Any] = {}
                code, raw = request.POST.get("years_commune", "").strip(), request.POST.get("years", "").strip()
                if code or raw:
                    years[code] = raw
                services.origin_set(actor=user, person_id=pk, birth_commune_code=request.POST.get("birth_commune_code", ""), other_years=years,
                                    note=request.POST.get("note", ""), keep_other_years=True)
            elif request.POST.get("action") == "exemption":
                raw_to = request.POST.get("valid_to", "").strip()
                services.exemption_add(actor=user, person_id=pk, reason=request.POST.get("reason", ""), valid_from=parse_date(request.POST.get("valid_from")),
                                       valid_to=parse_date(raw_to) if raw_to else None, note=request.POST.get("note", ""))
            else:
                raise errors.INVALID_ACTION()
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("assignments:person", pk=pk)
    origin = Origin.objects.filter(person_id=pk).first()
    return render(request, "assignments/person.html", {
        "info": info, "origin": origin, "exemptions": list(selectors.exemptions(fetched_by=user, person_id=pk)),
        "reasons": RotationExemption.Reason.choices, "error": error}, status=400 if error else 200)

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from coso.core.errors import apply_to_form
from coso.core.exceptions import ApplicationError
from coso.core.views import page_not_found
from coso.workcalendar import services
from coso.workcalendar.forms import MonthForm, OverrideForm
from coso.workcalendar.selectors import can_manage_overrides, month_grid, override_get, override_list, viewer_province

WEEKDAY_HEADERS = (
    pgettext_lazy("weekday", "T2"),
    pgettext_lazy("weekday", "T3"),
    pgettext_lazy("weekday", "T4"),
    pgettext_lazy("weekday", "T5"),
    pgettext_lazy("weekday", "T6"),
    pgettext_lazy("weekday", "T7"),
    pgettext_lazy("weekday", "CN"),
)


def _year_month(request: HttpRequest) -> tuple[int, int]:
    today = timezone.localdate()
    form = MonthForm(request.GET or None)
    if request.GET and form.is_valid():
        return form.cleaned_data["year"], form.cleaned_data["month"]
    if request.GET.get("year") and not request.GET.get("month"):
        year_only = MonthForm({"year": request.GET["year"], "month": 1})
        if year_only.is_valid():
            return year_only.cleaned_data["year"], 1
    return today.year, today.month


@login_required
def overrides_view(request: HttpRequest) -> HttpResponse:
    """Overrides of a year, the month calendar, and the form to add an override."""
    if not can_manage_overrides(request.user):
        return page_not_found(request)
    year, month = _year_month(request)
    form = OverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            obj = services.override_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            apply_to_form(form, exc, summary=False)
        else:
            messages.success(request, _("Đã thêm điều chỉnh ngày %(date)s.") % {"date": obj.date.strftime("%d/%m/%Y")})
            url = reverse("workcalendar:overrides")
            return redirect(f"{url}?year={obj.date.year}&month={obj.date.month}")
    status = 400 if request.method == "POST" else 200
    first = dt.date(year, month, 1)
    prev_month = (first - dt.timedelta(days=1)).replace(day=1)
    next_month = (first + dt.timedelta(days=32)).replace(day=1)
    cal = services.get_calendar(viewer_province(request.user))
    context = {
        "form": form,
        "year": year,
        "month": month,
        "overrides": override_list(fetched_by=request.user, year=year),
        "weeks": month_grid(year=year, month=month, province_code=viewer_province(request.user)),
        "province_code": viewer_province(request.user),
        "weekday_headers": WEEKDAY_HEADERS,
        "prev": prev_month if cal.first_year <= prev_month.year else None,
        "next": next_month if next_month.year <= cal.last_year else None,
        "years": range(cal.first_year, cal.last_year + 1),
        "months": range(1, 13),
    }
    return render(request, "workcalendar/overrides.html", context, status=status)


@login_required
@require_POST
def override_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_overrides(request.user):
        return page_not_found(request)
    obj = override_get(fetched_by=request.user, pk=pk)
    day = obj.date
    try:
        services.override_delete(actor=request.user, override=obj)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('workcalendar:overrides')}?year={day.year}&month={day.month}")
    messages.success(request, _("Đã xoá điều chỉnh ngày %(date)s.") % {"date": day.strftime("%d/%m/%Y")})
    return redirect(f"{reverse('workcalendar:overrides')}?year={day.year}&month={day.month}")

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from coso.units.selectors import unit_list


@login_required
def unit_list_view(request: HttpRequest) -> HttpResponse:
    qs = unit_list(fetched_by=request.user, level="commune", query=request.GET.get("q", ""))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "units/unit_list.html", {"page": page, "q": request.GET.get("q", "")})

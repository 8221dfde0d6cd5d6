"""Pages: periodic jobs for administrators; export jobs (start, progress, download) for their requester."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coso.core.exceptions import ApplicationError
from coso.core.files import serve_file
from coso.jobs import selectors, services
from coso.jobs.models import ExportJob

RESERVED = {"csrfmiddlewaretoken", "kind", "next"}


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    if not selectors.can_see_jobs(request.user):
        raise Http404
    return render(request, "jobs/job_list.html", {
        "jobs": selectors.periodic_job_status(fetched_by=request.user), "is_system_admin": selectors.is_system_admin(request.user)})


@login_required
def job_detail(request: HttpRequest, name: str) -> HttpResponse:
    runs = selectors.job_runs(fetched_by=request.user, name=name)
    page = Paginator(runs, 50).get_page(request.GET.get("page"))
    rows = [(run, selectors.visible_result(run, request.user)) for run in page]
    from coso.jobs.registry import PERIODIC

    return render(request, "jobs/job_detail.html", {"job": PERIODIC[name], "page": page, "rows": rows,
                                                    "is_system_admin": selectors.is_system_admin(request.user)})


@login_required
@require_POST
def job_run_now(request: HttpRequest, name: str) -> HttpResponse:
    if not selectors.can_see_jobs(request.user):
        raise Http404
    try:
        services.request_periodic_run(actor=request.user, name=name)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã đưa tác vụ vào hàng đợi."))
    return redirect("jobs:list")


# ---------------------------------------------------------------- exports
def _back(request: HttpRequest) -> str:
    """Where to go back after a refused request: the page the form was on (same site only)."""
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        parsed = urlparse(target)
        return parsed.path + (f"?{parsed.query}" if parsed.query else "")
    return reverse("jobs:exports")


@login_required
@require_POST
def export_start(request: HttpRequest) -> HttpResponse:
    params = {k: v for k, v in request.POST.items() if k not in RESERVED}
    try:
        job = services.export_request(actor=request.user, kind=request.POST.get("kind", ""), params=params)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(_back(request))
    return redirect("jobs:export_detail", pk=job.pk)


@login_required
def export_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.export_list(fetched_by=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "jobs/export_list.html", {"page": page})


def _progress_context(request: HttpRequest, job: ExportJob) -> dict[str, Any]:
    return {"job": job, "may_download": job.current_status == ExportJob.Status.DONE and selectors.export_may_download(fetched_by=request.user, job=job)}


@login_required
def export_detail(request: HttpRequest, pk: str) -> HttpResponse:
    job = selectors.export_get(fetched_by=request.user, pk=pk)
    return render(request, "jobs/export_detail.html", _progress_context(request, job))


@login_required
def export_progress(request: HttpRequest, pk: str) -> HttpResponse:
    """The progress fragment htmx polls (it stops polling once the job has finished)."""
    job = selectors.export_get(fetched_by=request.user, pk=pk)
    return render(request, "jobs/_export_progress.html", _progress_context(request, job))


@login_required
def export_download(request: HttpRequest, pk: str) -> HttpResponseBase:
    job = selectors.export_file_for_download(fetched_by=request.user, pk=pk)
    return serve_file(request, job.file_name, filename=job.filename, content_type=job.content_type, as_attachment=True)

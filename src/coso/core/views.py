from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from coso.core.audit_display import entries_changes, object_label
from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog
from coso.core.selectors import audit_list

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    """The public front page, or a signed-in user's home page: their role's (the user model says where), else the list
    of the pages they may open."""
    target = getattr(request.user, "home_url", "") if request.user.is_authenticated else ""
    if target and target != request.path:
        return redirect(target)
    return render(request, "core/home.html", {})


@login_required
def audit(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not user.is_admin:
        return page_not_found(request, None)
    qs = audit_list(
        fetched_by=request.user,
        object_type=request.GET.get("object_type", ""),
        actor=request.GET.get("actor", ""),
        action=request.GET.get("action", ""),
        verb=request.GET.get("verb", ""),
        date_from=request.GET.get("from", ""),
        date_to=request.GET.get("to", ""),
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for entry, changes in zip(page, entries_changes(page), strict=True):
        entry.changes = changes  # type: ignore[attr-defined]
        entry.object_label = object_label(entry.object_type)  # type: ignore[attr-defined]
    return render(request, "core/audit.html", {"page": page, "filters": request.GET, "actions": AuditLog.Action.choices})


def _api_error(request: HttpRequest, status: int, code: str, message: str, details: dict[str, Any] | None = None) -> HttpResponse | None:
    """Paths under /api/ that no operation answers still get the API's error shape."""
    if not request.path.startswith("/api/"):
        return None
    return JsonResponse({"code": code, "message": message, "details": details or {}}, status=status, json_dumps_params={"ensure_ascii": False})


def _open311_error(request: HttpRequest, status: int, description: str) -> HttpResponse | None:
    """Open311 clients get Open311's error list (JSON or XML by the path's suffix), never an HTML page."""
    if not request.path.startswith("/open311/"):
        return None
    from coso.feedback.open311 import Open311Error, error_response

    return error_response("json" if request.path.endswith(".json") else "xml", Open311Error(status, description))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return (
        _api_error(request, 404, "not-found", gettext("Không tìm thấy."))
        or _open311_error(request, 404, "Not found.")
        or render(request, "errors/404.html", status=404)
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, 403, "forbidden", gettext("Bạn không có quyền thực hiện thao tác này.")) or render(request, "errors/403.html", status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None, *, field: str = "") -> HttpResponse:
    """The 400 answer; ``field`` names the field that holds a NUL character or half of a UTF-16 pair
    (``RejectNullCharactersMiddleware``), in the API's ``details.fields``, Open311's description and the page's text."""
    if not field:
        return (
            _api_error(request, 400, "bad-request", gettext("Yêu cầu không hợp lệ."))
            or _open311_error(request, 400, "Invalid request (unreadable body or NUL characters).")
            or render(request, "errors/400.html", status=400)
        )
    message = gettext("Trường “%(field)s” chứa ký tự không hợp lệ (ký tự NUL hoặc nửa cặp UTF-16).") % {"field": field}
    details = {"fields": {field: [gettext("Chứa ký tự không hợp lệ (ký tự NUL hoặc nửa cặp UTF-16).")]}}
    return (
        _api_error(request, 400, "bad-request", message, details)
        or _open311_error(request, 400, f"Invalid request: a NUL character or half of a UTF-16 pair in the field {field!r}.")
        or render(request, "errors/400.html", {"message": message}, status=400)
    )


def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    """The answer to an ApplicationError that reached no handler of its own (``ApplicationErrorPageMiddleware``)."""
    logger.info("Application error on %s: %s (%s)", request.path, exc.code, exc.status)
    if exc.status == 404:
        return page_not_found(request)
    if exc.status == 403:
        return _api_error(request, 403, exc.code, exc.message) or render(request, "errors/403.html", {"message": exc.message}, status=403)
    return (
        _api_error(request, exc.status, exc.code, exc.message)
        or _open311_error(request, exc.status, exc.message)
        or render(request, "errors/400.html", {"message": exc.message, "status": exc.status}, status=exc.status)
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return (
        _api_error(request, 500, "server-error", gettext("Lỗi hệ thống. Thao tác chưa được thực hiện; vui lòng thử lại."))
        or _open311_error(request, 500, "Internal error; nothing was changed. Please try again.")
        or render(request, "errors/500.html", status=500)
    )

"""The one JSON API (django-ninja), mounted at /api/v1/. Authenticated by default.

Every error answers with one shape: {"code": str, "message": str, "details": {...}}.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import APIKeyHeader, HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth
from ninja.utils import check_csrf

from coso.accounts.models import ApiToken
from coso.core import errors as core_errors
from coso.core import json_input
from coso.core.exceptions import ApplicationError
from coso.core.validation import vietnamese_message

logger = logging.getLogger(__name__)


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):  # type: ignore[no-untyped-def]
        user = ApiToken.resolve(token)
        if user is not None:
            request.user = user
        return user


class HeaderToken(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None):  # type: ignore[no-untyped-def]
        user = ApiToken.resolve(key or "")
        if user is not None:
            request.user = user
        return user


class SessionAuth(NinjaSessionAuth):
    """django-ninja's session authentication, whose CSRF refusal is the project's error (403 "csrf-failed", in the
    request's language) instead of ninja's English "CSRF check Failed"."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise core_errors.CSRF_FAILED()
        return request.COOKIES.get(self.param_name)


class UnreadableBodyError(Exception):
    """The request body is not JSON (django-ninja wraps it in HttpError(400, "Cannot parse request body"))."""


class JsonParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        try:
            return json_input.loads(request.body)
        except ValueError as exc:  # malformed, not UTF-8, nested too deeply, a number too long
            raise UnreadableBodyError(str(exc)) from exc


LOCAL_TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"


def _local_times(node: Any) -> None:
    """OpenAPI's ``format: time`` is RFC 3339's full-time, which needs a UTC offset ("15:00:00+07:00").
    Coso's times (office hours, the 15:00 cut-off) are wall-clock times in Vietnam and are sent as
    "15:00:00": describe them as what they are, a pattern, so that the schema and the data agree."""
    if isinstance(node, dict):
        if node.get("type") == "string" and node.get("format") == "time":
            del node["format"]
            node["pattern"] = LOCAL_TIME_PATTERN
            node.setdefault("description", "Local time in Vietnam (Asia/Ho_Chi_Minh), HH:MM or HH:MM:SS, no UTC offset.")
        for value in node.values():
            _local_times(value)
    elif isinstance(node, list):
        for value in node:
            _local_times(value)


class CosoAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        _local_times(schema)
        return schema


api = CosoAPI(
    title="Coso API",
    version="1",
    description="JSON API of Coso. Bearer token (`Authorization: Bearer …` or `X-API-Key`) or session "
    "authentication; session requests that write must send the CSRF token (`X-CSRFToken`), token requests need none. "
    "Errors: {code, message, details}.",
    urls_namespace="api-v1",
    # Tokens first: a request that carries a valid token is not a browser session and needs no CSRF
    # token. Only when no token matches does the session (cookie) authentication run, with its CSRF check.
    auth=[BearerToken(), HeaderToken(), SessionAuth()],
    parser=JsonParser(),
    # The docs page loads Swagger UI from the app's static files; no online validator badge (another origin).
    docs=Swagger(settings={"validatorUrl": None}),
)


def error(request: HttpRequest, status: int, code: str, message: str, details: dict | None = None):  # type: ignore[no-untyped-def]
    return api.create_response(request, {"code": code, "message": message, "details": details or {}}, status=status)


@api.exception_handler(ApplicationError)
def _application_error(request, exc: ApplicationError):  # type: ignore[no-untyped-def]
    response = error(request, exc.status, exc.code, exc.message, exc.details)
    retry_after = exc.details.get("retry_after") if exc.status in (429, 503) else None
    if isinstance(retry_after, int | float) and retry_after > 0:
        response["Retry-After"] = str(int(retry_after))  # RFC 9110 §10.2.3: clients wait this many seconds
    return response


@api.exception_handler(DjangoValidationError)
def _django_validation(request, exc: DjangoValidationError):  # type: ignore[no-untyped-def]
    if hasattr(exc, "message_dict"):
        fields = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
    else:
        fields = {"__all__": [str(m) for m in exc.messages]}
    first = next(iter(fields.values()))[0] if fields else _("Dữ liệu không hợp lệ.")
    return error(request, 400, "validation-error", first, {"fields": fields})


@api.exception_handler(NinjaValidationError)
def _ninja_validation(request, exc: NinjaValidationError):  # type: ignore[no-untyped-def]
    fields: dict[str, list[str]] = {}
    for item in exc.errors:
        loc = ".".join(str(p) for p in item.get("loc", []) if p not in ("body", "query", "path", "form", "payload"))
        fields.setdefault(loc or "__all__", []).append(vietnamese_message(item))
    return error(request, 422, "validation-error", _("Dữ liệu gửi lên không hợp lệ."), {"fields": fields})


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):  # type: ignore[no-untyped-def]
    return error(request, 401, "not-authenticated", _("Bạn cần đăng nhập hoặc gửi mã truy cập (token)."))


@api.exception_handler(Http404)
def _not_found(request, exc):  # type: ignore[no-untyped-def]
    return error(request, 404, "not-found", _("Không tìm thấy."))


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):  # type: ignore[no-untyped-def]
    return error(request, 403, "forbidden", _("Bạn không có quyền thực hiện thao tác này."))


# django-ninja's own refusals, in English: the ones a client can cause, said in Vietnamese like every other error.
HTTP_ERROR_MESSAGES = {
    "Cannot parse request body": gettext_lazy("Không đọc được dữ liệu gửi lên (JSON không hợp lệ, hoặc lồng quá sâu, hoặc số quá dài)."),
    "CSRF check Failed": gettext_lazy("Thiếu hoặc sai mã chống giả mạo (CSRF); tải lại trang rồi thử lại."),
}


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):  # type: ignore[no-untyped-def]
    if isinstance(exc.__cause__, UnreadableBodyError):  # ninja's "Cannot parse request body"
        return _application_error(request, core_errors.UNREADABLE_BODY())
    text = str(exc)
    message = next((str(vi) for en, vi in HTTP_ERROR_MESSAGES.items() if text.startswith(en)), text)
    return error(request, exc.status_code, "http-error", message)


@api.exception_handler(RawPostDataException)
def _form_instead_of_json(request, exc):  # type: ignore[no-untyped-def]
    # A multipart form sent to an operation that reads a JSON body: the form was read from the stream first (the NUL
    # check of RejectNullCharactersMiddleware), so the raw body the JSON parser asks for is gone. It is not JSON either way.
    return _application_error(request, core_errors.UNREADABLE_BODY())


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):  # type: ignore[no-untyped-def]
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    attachment = settings.COSO_MAX_ATTACHMENT_BYTES
    return error(
        request, 413, "request-too-large",
        _("Yêu cầu quá lớn (tối đa %(limit)s MB). Mỗi tệp đính kèm tối đa %(attachment)s MB; "
          "gửi tệp dạng multipart/form-data thay vì base64 trong JSON.") % {"limit": f"{limit / 1048576:.0f}", "attachment": f"{attachment / 1048576:.0f}"},
        {"max_bytes": limit, "max_attachment_bytes": attachment},
    )


@api.exception_handler(SuspiciousOperation)
def _suspicious(request, exc):  # type: ignore[no-untyped-def]
    return error(request, 400, "bad-request", _("Yêu cầu không hợp lệ (quá nhiều trường hoặc tệp, hoặc dữ liệu sai định dạng)."))


@api.exception_handler(MultiPartParserError)
def _unreadable_body(request, exc):  # type: ignore[no-untyped-def]
    return error(request, 400, "bad-request", _("Không đọc được dữ liệu gửi lên (multipart không hợp lệ)."))


@api.exception_handler(DataError)
@api.exception_handler(OverflowError)
def _out_of_range(request, exc):  # type: ignore[no-untyped-def]
    # A value the database cannot hold (a number past its range, a malformed literal) is bad input
    # that a schema let through: refuse it (nothing was written) and log it so the schema gets fixed.
    logger.warning("Value out of range for the database: %s", exc)
    return error(request, 400, "invalid-value", _("Giá trị gửi lên nằm ngoài phạm vi cho phép."))


@api.exception_handler(Exception)
def _unexpected(request, exc):  # type: ignore[no-untyped-def]
    logger.exception("Unhandled API error")
    return error(request, 500, "server-error", _("Lỗi hệ thống. Thao tác chưa được thực hiện; vui lòng thử lại."))


api.add_router("/core/", "coso.core.api.router")
api.add_router("/accounts/", "coso.accounts.api.router")
api.add_router("/units/", "coso.units.api.router")
api.add_router("/calendar/", "coso.workcalendar.api.router")
api.add_router("/rules/", "coso.rules.api.router")
api.add_router("/procedures/", "coso.procedures.api.router")
api.add_router("/dossiers/", "coso.dossiers.api.router")
api.add_router("/workforce/", "coso.workforce.api.router")
api.add_router("/funding/", "coso.funding.api.router")
api.add_router("/feedback/", "coso.feedback.api.router")
api.add_router("/jobs/", "coso.jobs.api.router")
api.add_router("/indices/", "coso.indices.api.router")
api.add_router("/tasks/", "coso.tasks.api.router")
api.add_router("/planning/", "coso.planning.api.router")
api.add_router("/assignments/", "coso.assignments.api.router")

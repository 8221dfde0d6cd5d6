"""The one application error. Services raise it; views and the API translate it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

NOT_FOUND_MESSAGE = _("Không tìm thấy.")
FORBIDDEN_MESSAGE = _("Bạn không có quyền thực hiện thao tác này.")


class ApplicationError(Exception):
    """A business-rule violation with a stable kebab-case ``code``.

    ``message`` is shown to the user (Vietnamese by default, it is a lazy translation
    when the caller uses gettext_lazy); ``details`` carries machine-readable context,
    e.g. ``{"fields": {"phone": ["..."]}}`` or ``{"rows": [...]}`` for imports.
    ``status`` is the HTTP status the API answers with (400 unless stated).
    """

    status = 400

    def __init__(self, message: Any, *, code: str = "invalid", details: dict[str, Any] | None = None, status: int | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.code = code
        self.details = details or {}
        if status is not None:
            self.status = status


class ConflictError(ApplicationError):
    """Someone else changed the object first (optimistic concurrency)."""

    status = 409

    def __init__(self, message: Any, *, code: str = "conflict", details: dict[str, Any] | None = None):
        super().__init__(message, code=code, details=details)


class NotFoundError(ApplicationError):
    status = 404

    def __init__(self, message: Any = NOT_FOUND_MESSAGE, *, code: str = "not-found", details: dict[str, Any] | None = None):
        super().__init__(message, code=code, details=details)


class PermissionDeniedError(ApplicationError):
    status = 403

    def __init__(self, message: Any = FORBIDDEN_MESSAGE, *, code: str = "forbidden", details: dict[str, Any] | None = None):
        super().__init__(message, code=code, details=details)

"""The error catalogue: every service error has a stable code, declared once per app with a translatable message.

    # coso/<app>/errors.py
    from coso.core.errors import ErrorCode
    NO_PROCEDURE = ErrorCode("no-procedure", _("Vui lòng chọn thủ tục."), field="procedure")

    # services.py
    raise NO_PROCEDURE()                                # → ApplicationError(code="no-procedure", details={"fields": {"procedure": [...]}})
    raise APOLOGY_TOO_LATE(due=d.due_date.strftime(...))  # messages may take %(name)s parameters

The message is rendered when the error is raised, in the language of the request (Vietnamese by default, English
when chosen). Pages put the error next to its field with :func:`apply_to_form`; the API answers
``{"code", "message", "details"}`` with the declared status.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from coso.core.exceptions import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError

_CATALOGUE: dict[str, ErrorCode] = {}


@dataclass(frozen=True)
class ErrorCode:
    code: str
    message: Promise | str
    status: int = 400
    field: str | None = None

    def __post_init__(self) -> None:
        existing = _CATALOGUE.get(self.code)
        if existing is not None and (str(existing.message), existing.status) != (str(self.message), self.status):
            raise ValueError(f"error code {self.code!r} is declared twice with different messages")
        _CATALOGUE[self.code] = self

    def __call__(self, *, details: dict[str, Any] | None = None, field: str | None = None, **params: Any) -> ApplicationError:
        text = str(self.message)
        if params:
            text = text % params
        details = dict(details or {})
        target = field or self.field
        if target:
            details.setdefault("fields", {}).setdefault(target, []).append(text)
        cls = {409: ConflictError, 404: NotFoundError, 403: PermissionDeniedError}.get(self.status)
        if cls is not None:
            return cls(text, code=self.code, details=details)
        return ApplicationError(text, code=self.code, details=details, status=self.status)


def catalogue() -> list[ErrorCode]:
    return sorted(_CATALOGUE.values(), key=lambda e: e.code)


def apply_to_form(form: Any, exc: ApplicationError, *, summary: bool = True) -> None:
    """Put a service error on a Django form: each field message next to its field (when the form has it), and the
    error's own message at the top (``summary``) or whenever no field could take it."""
    placed = False
    for name, messages in (exc.details.get("fields") or {}).items():
        if name in form.fields:
            for message in messages:
                form.add_error(name, str(message))
            placed = True
    if summary or not placed:
        form.add_error(None, exc.message)

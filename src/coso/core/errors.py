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
from django.utils.translation import gettext_lazy as _

from coso.core.exceptions import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError

_CATALOGUE: dict[str, list[ErrorCode]] = {}


@dataclass(frozen=True)
class ErrorCode:
    code: str
    message: Promise | str
    status: int = 400
    field: str | None = None

    def __post_init__(self) -> None:
        # One code may carry several messages (e.g. "validation-error" for different fields), but always one status.
        variants = _CATALOGUE.setdefault(self.code, [])
        if any(v.status != self.status for v in variants):
            raise ValueError(f"error code {self.code!r} is declared with two HTTP statuses")
        variants.append(self)

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


def message_for(code: str) -> str:
    """The message of an error code in the current language, when the code has one message that takes no
    parameters (so that a message recorded earlier can be shown again in the reader's language); else ""."""
    variants = _CATALOGUE.get(code) or []
    if len(variants) != 1:
        return ""
    text = str(variants[0].message)
    return "" if "%(" in text else text


def catalogue() -> list[ErrorCode]:
    return sorted((e for variants in _CATALOGUE.values() for e in variants), key=lambda e: (e.code, str(e.message)))


def apply_to_form(form: Any, exc: ApplicationError, *, summary: bool = True, field_names: dict[str, str] | None = None) -> None:
    """Put a service error on a Django form: each field message next to its field (when the form has it), and the
    error's own message at the top (``summary``) or whenever no field could take it. ``field_names`` maps the names a
    service gives its fields (the API's, e.g. ``province_code``) to the form's (``province``) where they differ."""
    placed = False
    for name, messages in (exc.details.get("fields") or {}).items():
        name = (field_names or {}).get(name, name)
        if name in form.fields:
            for message in messages:
                form.add_error(name, str(message))
            placed = True
    if summary or not placed:
        form.add_error(None, exc.message)


# ---------------------------------------------------------------- core's own errors (attachments, Excel, scoping)
NOT_AUTHENTICATED = ErrorCode("not-authenticated", _("Bạn cần đăng nhập."), status=403)
INVALID_EXCEL = ErrorCode("invalid-excel", _("Tệp không phải là bảng tính Excel (.xlsx) hợp lệ."))
EMPTY_EXCEL = ErrorCode("empty-excel", _("Bảng tính trống."))
TOO_MANY_ROWS = ErrorCode("too-many-rows", _("Tệp có quá %(max_rows)s dòng."))
ATTACHMENT_TYPE = ErrorCode("attachment-type", _("Tệp “%(name)s” không thuộc loại được nhận (%(allowed_label)s). Loại tệp được kiểm tra theo nội dung, không theo tên."))
ATTACHMENT_TOO_LARGE = ErrorCode("attachment-too-large", _("Tệp “%(name)s” vượt quá %(mb)s."))
ATTACHMENT_INVALID = ErrorCode("attachment-invalid", _("Tệp “%(name)s” rỗng."))
TOO_MANY_ATTACHMENTS = ErrorCode("too-many-attachments", _("Chỉ được gửi tối đa %(max_files)s tệp đính kèm."))
REENCODE_ATTACHMENT_INVALID = ErrorCode("attachment-invalid", _("Tệp “%(name)s” không phải là ảnh hợp lệ."))
REENCODE_ATTACHMENT_TOO_LARGE = ErrorCode("attachment-too-large", _("Ảnh “%(name)s” quá lớn (quá %(value)s triệu điểm ảnh)."))
EXCEL_EXPANDS_TOO_MUCH = ErrorCode("excel-too-large", _("Bảng tính quá lớn khi giải nén (%(mb)s MB dữ liệu bảng). Hãy xoá các dòng, cột trống hoặc định dạng thừa bên dưới, bên phải dữ liệu rồi lưu lại."))
EXCEL_TOO_MANY_CELLS = ErrorCode("excel-too-large", _("Bảng tính có quá nhiều ô (hơn %(cells)s ô, kể cả ô trống có định dạng). Hãy xoá các dòng, cột trống bên dưới, bên phải dữ liệu rồi lưu lại."))
EXCEL_DECLARES_TOO_MUCH = ErrorCode("excel-too-large", _("Bảng tính khai báo %(rows)s dòng × %(columns)s cột (kể cả ô trống có định dạng); tối đa %(max_rows)s dòng dữ liệu và %(max_columns)s cột. Hãy xoá các dòng, cột trống bên dưới và bên phải dữ liệu rồi lưu lại."))
EXCEL_TOO_MANY_COLUMNS = ErrorCode("excel-too-large", _("Dòng tiêu đề có %(columns)s cột; tối đa %(max_columns)s cột."))
EXCEL_TOO_MANY_ROWS = ErrorCode("excel-too-large", _("Bảng tính có quá %(max_rows)s dòng (kể cả %(slack)s dòng trống cho phép). Hãy xoá các dòng trống bên dưới dữ liệu rồi lưu lại."))
EXCEL_TOO_SLOW = ErrorCode("excel-too-large", _("Đọc bảng tính quá %(seconds)s giây; hãy chia tệp nhỏ hơn hoặc xoá các ô trống có định dạng."))
MISSING_COLUMNS = ErrorCode("missing-columns", _("Thiếu cột: %(columns)s"))
# The JSON API's own refusals (coso.api), instead of django-ninja's English ones.
UNREADABLE_BODY = ErrorCode("invalid-json", _("Không đọc được dữ liệu gửi lên: nội dung không phải JSON hợp lệ (mã hoá UTF-8)."))
CSRF_FAILED = ErrorCode(
    "csrf-failed",
    _("Thiếu hoặc sai mã chống giả mạo yêu cầu (CSRF). Tải lại trang rồi thử lại; chương trình gọi API thì gửi kèm mã truy cập (token)."),
    status=403,
)
# Coordinates of a place (coso.core.geo).
COORDINATE_MISSING = ErrorCode("invalid-location", _("Vui lòng nhập cả vĩ độ và kinh độ."))
COORDINATE_NOT_A_NUMBER = ErrorCode("invalid-location", _("%(label)s (%(name)s) không phải là số."))
COORDINATE_OUTSIDE_VIETNAM = ErrorCode(
    "invalid-location", _("Vị trí nằm ngoài Việt Nam: %(label)s (%(name)s) phải từ %(lo)s đến %(hi)s.")
)

"""Pydantic's validation errors in Vietnamese.

Pydantic's messages are English ("Input should be greater than or equal to 18", "Field required"); the rule book's
table values (``coso.rules.tables``) and every 422 answer of the JSON API (``coso.api``) show this sentence instead,
one per error type, with the bound it names.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


def vietnamese_message(err: Any) -> str:  # noqa: C901, PLR0911, PLR0912 -- one branch per pydantic error type reads best
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return _("thiếu giá trị bắt buộc")
    if kind == "extra_forbidden":
        return _("không có mục này trong bảng")
    if kind in ("int_type", "int_parsing", "int_from_float", "int_parsing_size"):
        return _("phải là số nguyên")
    if kind in ("float_type", "float_parsing", "decimal_type", "decimal_parsing", "finite_number"):
        return _("phải là một số")
    if kind in ("bool_type", "bool_parsing"):
        return _("phải là có/không (true/false)")
    if kind in ("string_type", "string_unicode"):
        return _("phải là văn bản")
    if kind in ("list_type", "tuple_type", "set_type"):
        return _("phải là một danh sách")
    if kind in ("dict_type", "model_type", "model_attributes_type", "mapping_type"):
        return _("phải là một bảng (các mục có tên)")
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        return _("phải là một ngày có thật, dạng YYYY-MM-DD")
    if kind in ("datetime_type", "datetime_parsing", "datetime_from_date_parsing"):
        return _("phải là thời điểm dạng YYYY-MM-DDTHH:MM:SS")
    if kind == "greater_than_equal":
        return _("phải từ %(n)s trở lên") % {"n": ctx.get("ge")}
    if kind == "greater_than":
        return _("phải lớn hơn %(n)s") % {"n": ctx.get("gt")}
    if kind == "less_than_equal":
        return _("không được vượt quá %(n)s") % {"n": ctx.get("le")}
    if kind == "less_than":
        return _("phải nhỏ hơn %(n)s") % {"n": ctx.get("lt")}
    if kind == "string_too_short":
        return _("cần ít nhất %(n)s ký tự") % {"n": ctx.get("min_length")}
    if kind == "string_too_long":
        return _("nhiều nhất %(n)s ký tự") % {"n": ctx.get("max_length")}
    if kind == "string_pattern_mismatch":
        return _("không đúng định dạng")
    if kind in ("literal_error", "enum"):
        return _("phải là một trong các mã: %(codes)s") % {"codes": ctx.get("expected", "")}
    if kind == "too_short":
        return _("cần ít nhất %(n)s mục") % {"n": ctx.get("min_length")}
    if kind == "too_long":
        return _("nhiều nhất %(n)s mục") % {"n": ctx.get("max_length")}
    if kind in ("json_invalid", "json_type"):
        return _("không đọc được dữ liệu JSON")
    if kind in ("value_error", "assertion_error") and ctx.get("error") is not None:
        return str(ctx["error"])
    return _("giá trị không hợp lệ")

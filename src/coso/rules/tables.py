"""Schemas of TABLE rule values: pydantic models whose validation errors read in Vietnamese.

A TABLE rule (``declare(..., ValueType.TABLE, schema=table(MyModel))``) is checked with pydantic when
it is loaded or changed. Pydantic's own messages are English ("Input should be greater than or equal
to 18"); :func:`table` wraps a model so that the first error becomes one Vietnamese sentence naming
the field by its ``Field(title=...)``: "Nam › Tuổi nghỉ hưu năm đầu lộ trình (tháng): phải từ 480 trở lên".
"""

from __future__ import annotations

import types
import typing
from typing import Annotated, Any

from django.utils.translation import gettext as _

from pydantic import BaseModel, ConfigDict, ValidationError, ValidatorFunctionWrapHandler, WrapValidator
from pydantic_core import PydanticCustomError


class TableModel(BaseModel):
    """Base of table schemas: unknown fields are refused (a misspelt field is an error, not ignored)."""

    model_config = ConfigDict(extra="forbid")


def _message(err: Any) -> str:  # noqa: C901, PLR0911 -- one branch per pydantic error type reads best
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
    if kind == "greater_than_equal":
        return _("phải từ %(n)s trở lên") % {"n": ctx.get("ge")}
    if kind == "greater_than":
        return _("phải lớn hơn %(n)s") % {"n": ctx.get("gt")}
    if kind == "less_than_equal":
        return _("không được vượt quá %(n)s") % {"n": ctx.get("le")}
    if kind == "less_than":
        return _("phải nhỏ hơn %(n)s") % {"n": ctx.get("lt")}
    if kind == "literal_error":
        return _("phải là một trong các mã: %(codes)s") % {"codes": ctx.get("expected", "")}
    if kind == "too_short":
        return _("cần ít nhất %(n)s mục") % {"n": ctx.get("min_length")}
    if kind == "too_long":
        return _("nhiều nhất %(n)s mục") % {"n": ctx.get("max_length")}
    if kind in ("value_error", "assertion_error") and ctx.get("error") is not None:
        return str(ctx["error"])
    return str(err.get("msg", ""))


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds (directly, optionally, or as the values of a list or dict)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, list, dict, tuple, Annotated):
        for arg in reversed(typing.get_args(annotation)):
            found = _inner_model(arg)
            if found is not None:
                return found
    return None


def _where(model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    """The error's place, with each field's title: ``Nam › Tuổi nghỉ hưu năm đầu lộ trình (tháng)``."""
    parts: list[str] = []
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int):
            parts.append(_("mục %(n)s") % {"n": part + 1})
            continue
        field = current.model_fields.get(str(part)) if current is not None else None
        if field is None:
            parts.append(str(part))  # a key of a dict (an office code, a commune class…)
            continue
        parts.append(_(field.title) if field.title else str(part))  # titles are marked with gettext_noop
        current = _inner_model(field.annotation)
    return " › ".join(parts)


def table(model: type[BaseModel]) -> Any:
    """``model`` as a rule schema whose first validation error is a Vietnamese sentence."""

    def validate(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(value)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = _where(model, tuple(first.get("loc", ())))
            text = f"{where}: {_message(first)}" if where else _message(first)
            raise PydanticCustomError("rule_table", text.replace("{", "(").replace("}", ")")) from None

    return Annotated[model, WrapValidator(validate)]

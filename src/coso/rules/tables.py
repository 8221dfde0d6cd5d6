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

from pydantic import BaseModel, ConfigDict, RootModel, ValidationError, ValidatorFunctionWrapHandler, WrapValidator
from pydantic_core import PydanticCustomError

from coso.core.validation import vietnamese_message


class TableModel(BaseModel):
    """Base of table schemas: unknown fields are refused (a misspelt field is an error, not ignored)."""

    model_config = ConfigDict(extra="forbid")


_message = vietnamese_message  # the rule book's table errors read as the API's 422 details do


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
    if issubclass(model, RootModel):  # a list of rows: the place starts inside the rows' model
        current = _inner_model(model.model_fields["root"].annotation)
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
